// SPDX-License-Identifier: MIT
// shader_types.h: C++ mirrors of the blocks in shaders/common.glsl (std140 / push constants).
#pragma once

#include <glm/glm.hpp>

namespace engine {

struct SceneUniforms {
    glm::mat4 view_proj;
    glm::mat4 inv_view_proj;
    glm::vec4 camera_pos;
    glm::vec4 light_dir;      // xyz towards the light, w illuminance scale
    glm::vec4 light_color;
    glm::vec4 sky_zenith;     // w: exposure
    glm::vec4 sky_horizon;
    glm::vec4 ground_color;
    glm::vec4 params;         // x tiling, y roughness bias, z metallic, w ambient strength
    glm::vec4 occluders[2];   // bounding spheres casting shadows (xyz centre, w radius)
    glm::vec4 maps;           // x normal-map strength (0 flat), y parallax texels per unit height (0 off), z albedo bump
    glm::vec4 ground;         // x infinite ground on, y UV per metre, zw window centre (world x, z)
    glm::vec4 ground_fade;    // x window half-size in metres
};
static_assert(sizeof(SceneUniforms) == 320, "SceneUniforms must match shaders/common.glsl (std140)");

struct DrawPushConstants {
    glm::mat4 model;
    glm::vec4 material;       // x UV scale, y roughness offset, z object id (0 ground, 1 + occluder), w 1 = world-xz UV
};
static_assert(sizeof(DrawPushConstants) == 80, "DrawPushConstants must match shaders/common.glsl");

}  // namespace engine
