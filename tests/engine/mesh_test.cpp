// SPDX-License-Identifier: MIT
// mesh_test.cpp: generated meshes have unit normals, orthonormal tangents that follow the UVs,
// outward winding, and the rounded cube and sphere are closed.
#include "engine/error.h"
#include "engine/image.h"
#include "engine/mesh.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <tuple>

namespace {

using engine::MeshData;

void expect_frames_orthonormal(const MeshData& m) {
    for (const auto& v : m.vertices) {
        const glm::vec3 t(v.tangent);
        ASSERT_NEAR(glm::length(v.normal), 1.0f, 1e-4f);
        ASSERT_NEAR(glm::length(t), 1.0f, 1e-4f);
        ASSERT_NEAR(glm::dot(v.normal, t), 0.0f, 1e-4f);
        ASSERT_TRUE(v.tangent.w == 1.0f || v.tangent.w == -1.0f);
    }
}

// Per triangle: the tangent points along +u and w * cross(N, T) along +v (from the UV gradients).
void expect_tangents_follow_uvs(const MeshData& m) {
    int checked = 0;
    for (size_t i = 0; i + 2 < m.indices.size(); i += 3) {
        const auto& a = m.vertices[m.indices[i]];
        const auto& b = m.vertices[m.indices[i + 1]];
        const auto& c = m.vertices[m.indices[i + 2]];
        const glm::vec3 e1 = b.position - a.position, e2 = c.position - a.position;
        const glm::vec2 d1 = b.uv - a.uv, d2 = c.uv - a.uv;
        const float det = d1.x * d2.y - d2.x * d1.y;
        if (std::abs(det) < 1e-10f) continue;
        const glm::vec3 dpdu = (e1 * d2.y - e2 * d1.y) / det;
        const glm::vec3 dpdv = (e2 * d1.x - e1 * d2.x) / det;
        if (glm::length(dpdu) < 1e-6f || glm::length(dpdv) < 1e-6f) continue;
        const glm::vec3 t(a.tangent);
        const glm::vec3 bitangent = a.tangent.w * glm::cross(a.normal, t);
        EXPECT_GT(glm::dot(t, glm::normalize(dpdu)), 0.5f) << "triangle " << i / 3;
        EXPECT_GT(glm::dot(bitangent, glm::normalize(dpdv)), 0.5f) << "triangle " << i / 3;
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

// Welds coincident positions, then every undirected edge must be shared by exactly two
// triangles, traversed once in each direction (consistent winding).
void expect_closed(const MeshData& m) {
    std::map<std::tuple<long, long, long>, uint32_t> weld;
    std::vector<uint32_t> id(m.vertices.size());
    for (size_t i = 0; i < m.vertices.size(); ++i) {
        const auto& p = m.vertices[i].position;
        const auto key = std::make_tuple(std::lround(p.x * 1e5f), std::lround(p.y * 1e5f), std::lround(p.z * 1e5f));
        id[i] = weld.emplace(key, static_cast<uint32_t>(weld.size())).first->second;
    }
    std::map<std::pair<uint32_t, uint32_t>, int> directed;
    for (size_t i = 0; i + 2 < m.indices.size(); i += 3) {
        const uint32_t v[3] = {id[m.indices[i]], id[m.indices[i + 1]], id[m.indices[i + 2]]};
        if (v[0] == v[1] || v[1] == v[2] || v[0] == v[2]) continue;   // degenerate after welding
        for (int e = 0; e < 3; ++e) ++directed[{v[e], v[(e + 1) % 3]}];
    }
    for (const auto& [edge, count] : directed) {
        ASSERT_EQ(count, 1) << "edge used twice in the same direction";
        ASSERT_EQ(directed.count({edge.second, edge.first}), 1u) << "open edge";
    }
}

// For shapes centred on the origin: every face normal points away from the centre.
void expect_outward(const MeshData& m) {
    for (size_t i = 0; i + 2 < m.indices.size(); i += 3) {
        const auto& a = m.vertices[m.indices[i]].position;
        const auto& b = m.vertices[m.indices[i + 1]].position;
        const auto& c = m.vertices[m.indices[i + 2]].position;
        const glm::vec3 n = glm::cross(b - a, c - a);
        if (glm::length(n) < 1e-10f) continue;
        ASSERT_GT(glm::dot(n, (a + b + c) / 3.0f), 0.0f) << "triangle " << i / 3 << " faces inwards";
    }
}

TEST(Mesh, PlaneFacesUpWithTangentFrame) {
    const MeshData m = engine::make_plane(4.0f, 2.0f);
    ASSERT_EQ(m.indices.size(), 6u);
    expect_frames_orthonormal(m);
    expect_tangents_follow_uvs(m);
    const auto& a = m.vertices[m.indices[0]].position;
    const glm::vec3 n = glm::cross(m.vertices[m.indices[1]].position - a, m.vertices[m.indices[2]].position - a);
    EXPECT_GT(n.y, 0.0f);
}

TEST(Mesh, UvSphereIsClosedOutwardAndOnItsRadius) {
    const MeshData m = engine::make_uv_sphere(0.8f, 32, 16);
    for (const auto& v : m.vertices) ASSERT_NEAR(glm::length(v.position), 0.8f, 1e-5f);
    expect_frames_orthonormal(m);
    expect_tangents_follow_uvs(m);
    expect_outward(m);
    expect_closed(m);
}

TEST(Mesh, RoundedCubeIsClosedOutwardWithOrthonormalTangents) {
    const MeshData m = engine::make_rounded_cube(0.75f, 0.2f, 8);
    EXPECT_EQ(m.vertices.size(), 6u * 9u * 9u);
    EXPECT_EQ(m.indices.size(), 6u * 8u * 8u * 6u);
    expect_frames_orthonormal(m);
    expect_tangents_follow_uvs(m);
    expect_outward(m);
    expect_closed(m);
    for (const auto& v : m.vertices) {
        ASSERT_LE(std::abs(v.position.x), 0.75f + 1e-5f);
        ASSERT_LE(std::abs(v.position.y), 0.75f + 1e-5f);
        ASSERT_LE(std::abs(v.position.z), 0.75f + 1e-5f);
    }
}

TEST(Mesh, RejectsBadParameters) {
    EXPECT_THROW(engine::make_rounded_cube(0.5f, 0.6f, 4), engine::Error);
    EXPECT_THROW(engine::make_rounded_cube(0.5f, 0.1f, 1), engine::Error);
    EXPECT_THROW(engine::make_uv_sphere(1.0f, 2, 8), engine::Error);
}

TEST(Mips, FullChainLength) {
    EXPECT_EQ(engine::mip_count({1, 1}), 1u);
    EXPECT_EQ(engine::mip_count({64, 64}), 7u);
    EXPECT_EQ(engine::mip_count({256, 256}), 9u);
    EXPECT_EQ(engine::mip_count({1280, 720}), 11u);
    EXPECT_EQ(engine::mip_count({1024, 1024}), 11u);
}

}  // namespace
