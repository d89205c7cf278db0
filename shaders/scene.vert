#version 450
// SPDX-License-Identifier: MIT
// scene.vert: transforms a mesh vertex (engine::Vertex) to clip space for the material pass.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(location = 0) in vec3 in_position;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec4 in_tangent;   // xyz: tangent, w: bitangent sign
layout(location = 3) in vec2 in_uv;

layout(location = 0) out vec3 out_world_pos;
layout(location = 1) out vec3 out_normal;
layout(location = 2) out vec4 out_tangent;
layout(location = 3) out vec2 out_uv;

void main() {
    vec4 world = pc.model * vec4(in_position, 1.0);
    out_world_pos = world.xyz;
    out_normal = mat3(pc.model) * in_normal;
    out_tangent = vec4(mat3(pc.model) * in_tangent.xyz, in_tangent.w);
    // Infinite ground: texel p = world xz * texels per metre, sampled (REPEAT) at p / size, i.e.
    // texel p mod size: the image is a toroidal window onto the endless plane. The plane's
    // tangent frame (+u along +x, +v along +z) matches.
    out_uv = pc.material.w > 0.5 ? world.xz * u.ground.y : in_uv * pc.material.x * u.params.x;
    gl_Position = u.view_proj * world;
}
