// SPDX-License-Identifier: MIT
// common.glsl: the uniform block and push constants shared with engine/include/engine/shader_types.h.
#ifndef NTEX_COMMON_GLSL
#define NTEX_COMMON_GLSL

// std140; must match engine::SceneUniforms (static_assert'ed size 320 bytes).
layout(set = 0, binding = 0, std140) uniform SceneUniforms {
    mat4 view_proj;
    mat4 inv_view_proj;
    vec4 camera_pos;     // xyz: eye position in world space
    vec4 light_dir;      // xyz: unit vector towards the light, w: illuminance scale
    vec4 light_color;    // rgb: linear light colour
    vec4 sky_zenith;     // rgb: linear sky colour overhead, w: exposure
    vec4 sky_horizon;    // rgb: linear sky colour at the horizon
    vec4 ground_color;   // rgb: linear colour of the lower hemisphere (ambient only)
    vec4 params;         // x: tiling scale, y: roughness bias, z: metallic, w: ambient strength
    vec4 occluders[2];   // bounding spheres of the sphere and the cube (xyz centre, w radius)
    vec4 maps;           // x: normal-map strength (0: flat), y: parallax depth in texels per unit height
                         // (0: off), z: albedo-luminance bump (models without a normal map), w: unused
    vec4 ground;         // x: 1 = infinite ground, y: its UV per metre (texels per metre / image size),
                         // zw: the generated window's centre (world x, z)
    vec4 ground_fade;    // x: window half-size in metres (stale chunks beyond it fade out), yzw: unused
} u;

// Set 1: one material (the objects', or the infinite ground's); engine::MaterialTextures.
layout(set = 1, binding = 0) uniform sampler2D albedo_tex;      // R8G8B8A8_SRGB: decodes to linear
layout(set = 1, binding = 1) uniform sampler2D normal_tex;      // R8G8B8A8_UNORM: n * 0.5 + 0.5, OpenGL (+Y up)
layout(set = 1, binding = 2) uniform sampler2D roughness_tex;   // R8_UNORM: perceptual roughness
layout(set = 1, binding = 3) uniform sampler2D height_tex;      // R16_UNORM: [0, 1], 1 = highest

// Must match engine::DrawPushConstants (80 bytes).
layout(push_constant, std430) uniform DrawPushConstants {
    mat4 model;          // uniform scale only: mat3(model) transforms normals
    vec4 material;       // x: per-object UV scale, y: roughness offset, z: object id (0 ground, 1 + occluder index),
                         // w: 1 = UV from world xz (the infinite ground), else the mesh's UV
} pc;

const float kPi = 3.14159265358979;

// The sky radiance seen along a world-space direction (also the ambient source).
vec3 sky_radiance(vec3 dir) {
    float up = clamp(dir.y, -1.0, 1.0);
    vec3 above = mix(u.sky_horizon.rgb, u.sky_zenith.rgb, pow(max(up, 0.0), 0.5));
    vec3 below = mix(u.sky_horizon.rgb, u.ground_color.rgb, clamp(-up * 4.0, 0.0, 1.0));
    return up >= 0.0 ? above : below;
}

// ACES filmic fit (Narkowicz 2015) with exposure; the sRGB attachment does the encoding.
vec3 tone_map(vec3 radiance) {
    vec3 x = radiance * u.sky_zenith.w;
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

#endif
