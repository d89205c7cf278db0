#version 450
// SPDX-License-Identifier: MIT
// sky.frag: the sky gradient and sun disc behind the scene, by unprojecting each pixel.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(location = 0) in vec2 in_ndc;
layout(location = 0) out vec4 out_color;

void main() {
    vec4 far_point = u.inv_view_proj * vec4(in_ndc, 1.0, 1.0);
    vec3 dir = normalize(far_point.xyz / far_point.w - u.camera_pos.xyz);
    vec3 sky = sky_radiance(dir);
    float sun = pow(max(dot(dir, normalize(u.light_dir.xyz)), 0.0), 1500.0);
    sky += u.light_color.rgb * sun * 20.0;
    out_color = vec4(tone_map(sky), 1.0);
}
