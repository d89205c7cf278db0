// SPDX-License-Identifier: MIT
// mesh.cpp: procedural meshes for the demo scene.
#include "engine/mesh.h"

#include "engine/error.h"

#include <glm/gtc/constants.hpp>

#include <algorithm>
#include <cmath>

namespace engine {

MeshData make_plane(float size, float uv_repeat) {
    MeshData m;
    const float h = size * 0.5f;
    const glm::vec3 n(0, 1, 0);
    const glm::vec4 t(1, 0, 0, 1);
    // u along +x, v along +z: B = cross(N, T) = cross(+y, +x) = -z, so the sign is -1.
    const glm::vec4 tangent(t.x, t.y, t.z, -1.0f);
    m.vertices = {
        {{-h, 0, -h}, n, tangent, {0, 0}},
        {{h, 0, -h}, n, tangent, {uv_repeat, 0}},
        {{h, 0, h}, n, tangent, {uv_repeat, uv_repeat}},
        {{-h, 0, h}, n, tangent, {0, uv_repeat}},
    };
    m.indices = {0, 2, 1, 0, 3, 2};   // counter-clockwise seen from +y
    return m;
}

MeshData make_uv_sphere(float radius, uint32_t segments, uint32_t rings) {
    if (segments < 3 || rings < 2) throw Error("engine: sphere needs >= 3 segments and >= 2 rings");
    MeshData m;
    const float pi = glm::pi<float>();
    for (uint32_t r = 0; r <= rings; ++r) {
        const float v = static_cast<float>(r) / static_cast<float>(rings);
        const float theta = v * pi;   // 0 at the north pole
        for (uint32_t s = 0; s <= segments; ++s) {
            const float u = static_cast<float>(s) / static_cast<float>(segments);
            const float phi = u * 2.0f * pi;
            const glm::vec3 n(std::sin(theta) * std::cos(phi), std::cos(theta), std::sin(theta) * std::sin(phi));
            // dP/dphi direction, defined even at the poles.
            const glm::vec3 t(-std::sin(phi), 0.0f, std::cos(phi));
            // uv.y grows towards the south pole: the sign makes B = w * cross(N, T) follow dP/dv.
            const glm::vec3 dp_dv(std::cos(theta) * std::cos(phi), -std::sin(theta), std::cos(theta) * std::sin(phi));
            const float sign = glm::dot(glm::cross(n, t), dp_dv) >= 0.0f ? 1.0f : -1.0f;
            m.vertices.push_back({n * radius, n, glm::vec4(t, sign), {u * 2.0f, v}});
        }
    }
    const uint32_t stride = segments + 1;
    for (uint32_t r = 0; r < rings; ++r)
        for (uint32_t s = 0; s < segments; ++s) {
            const uint32_t a = r * stride + s, b = a + stride, c = b + 1, d = a + 1;
            // Skip the degenerate triangles at the poles.
            if (r != 0) m.indices.insert(m.indices.end(), {a, d, b});
            if (r != rings - 1) m.indices.insert(m.indices.end(), {d, c, b});
        }
    return m;
}

MeshData make_rounded_cube(float half_extent, float radius, uint32_t subdivisions) {
    if (!(radius > 0.0f && radius < half_extent)) throw Error("engine: rounded cube needs 0 < radius < half_extent");
    if (subdivisions < 2) throw Error("engine: rounded cube needs >= 2 subdivisions");
    MeshData m;
    const float inner = half_extent - radius;
    // Each face: its normal axis and the (u, v) axes; u x v = normal keeps faces counter-clockwise.
    struct Face {
        glm::vec3 n, u, v;
    };
    const Face faces[6] = {
        {{1, 0, 0}, {0, 0, -1}, {0, 1, 0}},  {{-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},
        {{0, 1, 0}, {1, 0, 0}, {0, 0, -1}},  {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}},
        {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}},   {{0, 0, -1}, {-1, 0, 0}, {0, 1, 0}},
    };
    const uint32_t n = subdivisions;
    for (const Face& f : faces) {
        const auto base = static_cast<uint32_t>(m.vertices.size());
        for (uint32_t j = 0; j <= n; ++j)
            for (uint32_t i = 0; i <= n; ++i) {
                // The same expression on every face gives bit-identical positions on shared edges.
                const float a = -1.0f + 2.0f * static_cast<float>(i) / static_cast<float>(n);
                const float b = -1.0f + 2.0f * static_cast<float>(j) / static_cast<float>(n);
                const glm::vec3 cube = (f.n + f.u * a + f.v * b) * half_extent;
                const glm::vec3 core = glm::clamp(cube, glm::vec3(-inner), glm::vec3(inner));
                const glm::vec3 normal = glm::normalize(cube - core);
                const glm::vec3 position = core + normal * radius;
                // Gram-Schmidt the face's u axis against the normal: never parallel, as the
                // normal always keeps a component along the face axis.
                const glm::vec3 tangent = glm::normalize(f.u - normal * glm::dot(normal, f.u));
                // uv.y grows along -v (images are stored top row first).
                const float sign = glm::dot(glm::cross(normal, tangent), -f.v) >= 0.0f ? 1.0f : -1.0f;
                m.vertices.push_back({position, normal, glm::vec4(tangent, sign),
                                      {(a + 1.0f) * 0.5f, 1.0f - (b + 1.0f) * 0.5f}});
            }
        for (uint32_t j = 0; j < n; ++j)
            for (uint32_t i = 0; i < n; ++i) {
                const uint32_t p = base + j * (n + 1) + i, q = p + 1, r = p + n + 1, s = r + 1;
                m.indices.insert(m.indices.end(), {p, q, s, p, s, r});
            }
    }
    return m;
}

}  // namespace engine
