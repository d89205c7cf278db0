#version 450
// SPDX-License-Identifier: MIT
// scene.frag: Cook-Torrance GGX specular + Lambert diffuse under one directional light and a
// hemisphere sky ambient, with the generated albedo; ACES tone mapping.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(location = 0) in vec3 in_world_pos;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec4 in_tangent;
layout(location = 3) in vec2 in_uv;

layout(location = 0) out vec4 out_color;

// Pipeline variants (engine::SceneRenderer): the driver removes the paths a variant does not use.
layout(constant_id = 0) const int kNormalMode = 1;      // 0: geometric normal, 1: albedo bump, 2: normal map
layout(constant_id = 1) const bool kParallax = false;   // parallax occlusion mapping from the height map

float d_ggx(float n_dot_h, float alpha) {
    float a2 = alpha * alpha;
    float d = n_dot_h * n_dot_h * (a2 - 1.0) + 1.0;
    return a2 / (kPi * d * d);
}

// Smith height-correlated visibility V = G / (4 NdotL NdotV) (Heitz 2014, Filament's form).
float v_smith_ggx(float n_dot_v, float n_dot_l, float alpha) {
    float a2 = alpha * alpha;
    float gv = n_dot_l * sqrt(n_dot_v * n_dot_v * (1.0 - a2) + a2);
    float gl = n_dot_v * sqrt(n_dot_l * n_dot_l * (1.0 - a2) + a2);
    return 0.5 / max(gv + gl, 1e-5);
}

vec3 f_schlick(vec3 f0, float cos_theta) {
    return f0 + (1.0 - f0) * pow(1.0 - cos_theta, 5.0);
}

float luminance(vec3 c) { return dot(c, vec3(0.2126, 0.7152, 0.0722)); }

// The tangent frame at this fragment: t along +u, b along +v (rows downward in the image).
void tangent_frame(vec3 n, out vec3 t, out vec3 b) {
    t = in_tangent.xyz - n * dot(n, in_tangent.xyz);
    t = dot(t, t) < 1e-8 ? normalize(cross(n, abs(n.y) < 0.9 ? vec3(0, 1, 0) : vec3(1, 0, 0))) : normalize(t);
    b = in_tangent.w * cross(n, t);
}

// Models without a normal map: a little relief from the albedo's luminance (central
// differences one texel apart along the tangent frame) so lit surfaces are not flat.
vec3 bumped_normal(vec3 n, vec3 t, vec3 b, vec2 uv, float strength) {
    if (strength <= 0.0) return n;
    vec2 texel = 1.0 / vec2(textureSize(albedo_tex, 0));
    float dhdu = luminance(texture(albedo_tex, uv + vec2(texel.x, 0.0)).rgb) -
                 luminance(texture(albedo_tex, uv - vec2(texel.x, 0.0)).rgb);
    float dhdv = luminance(texture(albedo_tex, uv + vec2(0.0, texel.y)).rgb) -
                 luminance(texture(albedo_tex, uv - vec2(0.0, texel.y)).rgb);
    return normalize(n - strength * (dhdu * t + dhdv * b));
}

// Tangent-space normal map, OpenGL convention: +X along +u, +Y up in the image, i.e. along -v.
vec3 mapped_normal(vec3 n, vec3 t, vec3 b, vec2 uv, float strength) {
    vec3 m = texture(normal_tex, uv).xyz * 2.0 - 1.0;
    m.xy *= strength;
    return normalize(t * m.x - b * m.y + n * max(m.z, 1e-3));
}

// Parallax occlusion mapping (steep parallax, then a linear step between the last two layers):
// march the view ray down through the height field (depth = 1 - height) in tangent space.
// `depth_uv`: the depth of height 0 below height 1, in UV units. Gradients come from the
// unshifted UV so mip selection stays stable across the march.
vec2 parallax_uv(vec2 uv, vec3 v_ts, float depth_uv, vec2 duv_dx, vec2 duv_dy) {
    float steps = mix(16.0, 6.0, clamp(v_ts.z, 0.0, 1.0));   // more layers at grazing angles
    float layer = 1.0 / steps;
    // Per layer: the ray moves away from the eye (-v) by depth_uv * layer in depth.
    vec2 delta = -v_ts.xy / max(v_ts.z, 0.25) * depth_uv * layer;
    vec2 cur = uv;
    float ray = 0.0;
    float depth = 1.0 - textureGrad(height_tex, cur, duv_dx, duv_dy).r;
    for (int i = 0; i < 16 && ray < depth; ++i) {
        cur += delta;
        ray += layer;
        depth = 1.0 - textureGrad(height_tex, cur, duv_dx, duv_dy).r;
    }
    vec2 prev = cur - delta;
    float after = depth - ray;
    float before = (1.0 - textureGrad(height_tex, prev, duv_dx, duv_dy).r) - (ray - layer);
    float w = after / min(after - before, -1e-5);
    return mix(cur, prev, clamp(w, 0.0, 1.0));
}

// Soft shadow of a sphere along a ray (the penumbra widens with the distance to the occluder),
// after Inigo Quilez's analytic sphere shadow. 1: lit, 0: fully shadowed.
float sphere_shadow(vec3 origin, vec3 dir, vec4 sphere) {
    vec3 oc = origin - sphere.xyz;
    float b = dot(oc, dir);
    float c = dot(oc, oc) - sphere.w * sphere.w;
    float h = b * b - c;
    float d = sqrt(max(0.0, sphere.w * sphere.w - h)) - sphere.w;   // closest approach minus radius
    float t = -b - sqrt(max(h, 0.0));
    return t < 0.0 ? 1.0 : smoothstep(0.0, 1.0, 2.5 * 8.0 * d / t);
}

// Cosine-weighted fraction of the sky hidden by a sphere (exact while it is above the horizon).
float sphere_occlusion(vec3 p, vec3 n, vec4 sphere) {
    vec3 to = sphere.xyz - p;
    float l2 = dot(to, to);
    return clamp(dot(n, to) * inversesqrt(l2) * sphere.w * sphere.w / l2, 0.0, 1.0);
}

void main() {
    vec3 n = normalize(in_normal);
    vec3 v = normalize(u.camera_pos.xyz - in_world_pos);
    // Seen from behind (the plane from below). Not dot(n, v) < 0: at silhouettes the
    // interpolated normal of a front face may point slightly away, and flipping it darkens edges.
    if (!gl_FrontFacing) n = -n;
    vec3 t, b;
    tangent_frame(n, t, b);

    vec2 uv = in_uv;
    vec2 duv_dx = dFdx(in_uv), duv_dy = dFdy(in_uv);
    // Parallax only where a texel covers less than a few pixels: farther away the offset is
    // sub-pixel, and skipping the march there saves most of its cost (the distant ground).
    float size = float(textureSize(height_tex, 0).x);
    vec2 footprint = max(abs(duv_dx), abs(duv_dy)) * size;   // texels per pixel
    float parallax_fade = 1.0 - smoothstep(2.0, 6.0, max(footprint.x, footprint.y));
    if (kParallax && parallax_fade > 0.0) {
        // heightScale texels of depth per unit height, over the image size: UV units.
        float depth_uv = u.maps.y / size * parallax_fade;
        vec3 v_ts = vec3(dot(v, t), dot(v, b), dot(v, n));
        uv = parallax_uv(uv, v_ts, depth_uv, duv_dx, duv_dy);
    }

    // The sRGB image view decodes the generated (sRGB-encoded) albedo to linear.
    // Implicit derivatives: lavapipe samples much faster per quad than with explicit gradients
    // per pixel; parallax shifts are smooth enough inside a quad for the mip choice.
    vec3 albedo = texture(albedo_tex, uv).rgb;
    float roughness = clamp(texture(roughness_tex, uv).r + u.params.y + pc.material.y, 0.05, 1.0);
    float metallic = u.params.z;
    float alpha = roughness * roughness;   // perceptual roughness -> GGX alpha

    if (kNormalMode == 2) {
        n = mapped_normal(n, t, b, uv, u.maps.x);
    } else if (kNormalMode == 1) {
        n = bumped_normal(n, t, b, uv, u.maps.z);
    }
    // Near silhouettes a perturbed normal can face away from the eye (black speckles): bend it
    // back until it faces the eye a little.
    float facing = dot(n, v);
    if (facing < 0.05) n = normalize(n + v * (0.05 - facing));
    vec3 l = normalize(u.light_dir.xyz);
    vec3 h = normalize(v + l);
    float n_dot_v = max(dot(n, v), 1e-4);
    float n_dot_l = max(dot(n, l), 0.0);
    float n_dot_h = max(dot(n, h), 0.0);
    float v_dot_h = max(dot(v, h), 0.0);

    vec3 f0 = mix(vec3(0.04), albedo, metallic);
    vec3 f = f_schlick(f0, v_dot_h);
    vec3 specular = d_ggx(n_dot_h, alpha) * v_smith_ggx(n_dot_v, n_dot_l, alpha) * f;
    // Energy split: what the specular lobe reflects is not available to the diffuse one.
    vec3 diffuse = (1.0 - f) * (1.0 - metallic) * albedo / kPi;
    // Shadows and ambient occlusion from the other objects' bounding spheres (not their own).
    float shadow = 1.0, visibility = 1.0;
    int self_id = int(pc.material.z + 0.5) - 1;
    for (int i = 0; i < 2; ++i) {
        if (i == self_id) continue;
        shadow *= sphere_shadow(in_world_pos, l, u.occluders[i]);
        visibility *= 1.0 - sphere_occlusion(in_world_pos, n, u.occluders[i]);
    }
    vec3 direct = (diffuse + specular) * u.light_color.rgb * u.light_dir.w * n_dot_l * shadow;

    // Ambient: hemisphere irradiance for diffuse, the sky along the reflection for specular,
    // damped by roughness (a cheap stand-in for a prefiltered environment).
    vec3 irradiance = mix(u.ground_color.rgb, mix(u.sky_horizon.rgb, u.sky_zenith.rgb, 0.5), n.y * 0.5 + 0.5);
    vec3 f_amb = f0 + (max(vec3(1.0 - roughness), f0) - f0) * pow(1.0 - n_dot_v, 5.0);
    vec3 ambient = (1.0 - f_amb) * (1.0 - metallic) * albedo * irradiance
                 + f_amb * sky_radiance(reflect(-v, n)) * (1.0 - 0.7 * roughness);

    // Aerial perspective: fade towards the sky colour with distance, so the ground meets the
    // horizon without a visible edge.
    vec3 radiance = direct + u.params.w * visibility * ambient;
    float fog = 1.0 - exp(-0.045 * length(u.camera_pos.xyz - in_world_pos));
    fog *= fog;
    if (pc.material.w > 0.5) {
        // Infinite ground: beyond the generated window the slots hold stale chunks; fade them
        // out completely before the window's edge (Chebyshev distance from its centre).
        vec2 d = abs(in_world_pos.xz - u.ground.zw);
        float r = max(d.x, d.y);
        fog = max(fog, smoothstep(0.6 * u.ground_fade.x, 0.95 * u.ground_fade.x, r));
    }
    radiance = mix(radiance, sky_radiance(-v), fog);
    out_color = vec4(tone_map(radiance), 1.0);
}
