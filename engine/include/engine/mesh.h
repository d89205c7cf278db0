// SPDX-License-Identifier: MIT
// mesh.h: CPU mesh generation (plane, UV sphere, rounded cube) with normals, tangents and UVs.
#pragma once

#include <glm/glm.hpp>

#include <cstdint>
#include <vector>

namespace engine {

// Vertex layout read by shaders/scene.vert (locations 0..3).
struct Vertex {
    glm::vec3 position;
    glm::vec3 normal;
    glm::vec4 tangent;   // xyz: unit tangent along +u, w: bitangent sign (B = w * cross(N, T))
    glm::vec2 uv;
};
static_assert(sizeof(Vertex) == 48, "Vertex must match the vertex input layout in scene.vert");

struct MeshData {
    std::vector<Vertex> vertices;
    std::vector<uint32_t> indices;   // triangle list, counter-clockwise seen from outside
};

// A square in the XZ plane facing +Y, `size` wide, UVs 0..uv_repeat.
MeshData make_plane(float size, float uv_repeat);
// A sphere of `radius` with `segments` around and `rings` from pole to pole; u wraps around
// once (the seam duplicates vertices), v runs from the north to the south pole.
MeshData make_uv_sphere(float radius, uint32_t segments, uint32_t rings);
// A cube of half-size `half_extent` whose edges are rounded with `radius` (< half_extent);
// each face is a `subdivisions` x `subdivisions` grid with its own 0..1 UVs. Closed: every
// edge is shared by exactly two triangles once coincident positions are welded.
MeshData make_rounded_cube(float half_extent, float radius, uint32_t subdivisions);

}  // namespace engine
