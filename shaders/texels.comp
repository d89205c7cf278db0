#version 450
// SPDX-License-Identifier: MIT
// Final tensor -> packed texels of one image (a material map, or a channel-packed image), on the GPU:
// the same arithmetic as the CPU path's build_material_tensor + write_texels
// (plugin/src/runtime/material.cpp), so a texture set filled by the Vulkan compute backend matches the
// CPU path within 1 LSB. Per component k (byte k of `select`):
//   a channel c < 252: (final[sy][sx][c] - lo[k]) * inv[k];
//   252, 253, 254: component x, y, z of the central-difference normal of the normalised height
//   (channel derived_channel, range dlo/dinv; docs/model_format.md, "Derived normal maps") as n * 0.5 + 0.5;
//   255: the constant lo[k];
//   integer formats clamp to [0, 1] and round floor(v * 255 + 0.5) (65535 for R16); binary16
//   formats round to nearest even.
// One invocation writes one 32-bit word of the map's tightly packed rows (row pitch = width x texel
// size, the texture set's staging layout), so R8, R16 and RG8 texels never race on a shared word.
// Bindings and push-constant range are the plan's (compute_common.glsl): binding 0 = final tensor,
// binding 1 = the staging buffer; the push block is TexelPushConstants (vk_pipeline.h).
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, set = 0, binding = 0) readonly buffer Src { float src[]; };   // [src_h][src_w][src_c]
layout(std430, set = 0, binding = 1) writeonly buffer Dst { uint dst[]; };   // packed texels

layout(push_constant) uniform Push {
    int src_w, src_h, src_c;   // the final tensor (the generator's padded plan region)
    int ox, oy, w, h;          // the crop it shows: w x h texels from (ox, oy)
    int format;                // NtexHostFormat: 0 RGBA8, 1 RGBA32F, 2 R8, 3 R16, 4 R32F, 5 RG8, 6 BGRA8,
                               // 7 R16F, 8 RGBA16F
    int dst_word;              // first 32-bit word of this map in the staging buffer
    int words;                 // words of this map (ceil(w * h * texel size / 4))
    uint select;               // byte k: the source of component k (see above)
    int derived_channel;       // the height channel derived normals come from; -1: none is read
    float dlo, dinv;           // that height's range normalisation
    float height_scale;        // derived normals' strength (ModelDescription::height_scale)
    int src_base;              // first float of the source tensor in binding 0 (a material level in the
                               // material mip filter's work buffer; 0 for the final tensor)
    vec4 lo, inv;              // per component: range normalisation, or (select byte 255) lo = the constant
} pc;

int wrap(int v, int n) {
    int r = v - (v / n) * n;
    return r < 0 ? r + n : r;
}

float height_at(int x, int y, int channel) {
    const int i = pc.src_base + (wrap(y, pc.src_h) * pc.src_w + wrap(x, pc.src_w)) * pc.src_c + channel;
    return (src[i] - pc.dlo) * pc.dinv;
}

// The value of every component of texel t.
vec4 texel(int t) {
    const int x = t % pc.w;
    const int y = t / pc.w;
    const int sx = pc.ox + x, sy = pc.oy + y;
    vec3 normal = vec3(0.5);
    if (pc.derived_channel >= 0) {
        const int hc = pc.derived_channel;
        const float gx = 0.5 * (height_at(sx + 1, sy, hc) - height_at(sx - 1, sy, hc));
        const float gy = 0.5 * (height_at(sx, sy + 1, hc) - height_at(sx, sy - 1, hc));
        // Rows run top to bottom, +Y is up (OpenGL): see derive_normals.
        const float nx = -pc.height_scale * gx, ny = pc.height_scale * gy, nz = 1.0;
        const float inv_len = 1.0 / sqrt(nx * nx + ny * ny + nz * nz);
        normal = vec3(nx, ny, nz) * inv_len * 0.5 + 0.5;
    }
    const int base = pc.src_base + (sy * pc.src_w + sx) * pc.src_c;
    vec4 v;
    for (int k = 0; k < 4; ++k) {
        const uint c = (pc.select >> (8 * k)) & 255u;
        if (c == 255u) {
            v[k] = pc.lo[k];
        } else if (c >= 252u) {
            v[k] = normal[int(c - 252u)];
        } else {
            v[k] = (src[base + int(c)] - pc.lo[k]) * pc.inv[k];
        }
    }
    return v;
}

uint unorm8(float v) { return uint(floor(clamp(v, 0.0, 1.0) * 255.0 + 0.5)); }
uint unorm16(float v) { return uint(floor(clamp(v, 0.0, 1.0) * 65535.0 + 0.5)); }

// float -> IEEE binary16 bits, round to nearest even: the arithmetic of core/half.h's float_to_half,
// so both paths write identical halves (packHalf2x16 leaves the rounding to the implementation).
uint half_bits(float value) {
    const uint bits = floatBitsToUint(value);
    const uint sign = (bits >> 16) & 0x8000u;
    const uint exponent = (bits >> 23) & 0xffu;
    uint mantissa = bits & 0x7fffffu;
    if (exponent == 0xffu) return sign | 0x7c00u | (mantissa != 0u ? 0x200u : 0u);
    const int e = int(exponent) - 127 + 15;
    if (e >= 31) return sign | 0x7c00u;
    if (e <= 0) {
        if (e < -10) return sign;
        mantissa |= 0x800000u;
        const uint shift = uint(14 - e);
        uint h = mantissa >> shift;
        const uint rest = mantissa & ((1u << shift) - 1u);
        const uint halfway = 1u << (shift - 1u);
        if (rest > halfway || (rest == halfway && (h & 1u) != 0u)) ++h;
        return sign | h;
    }
    uint h = sign | (uint(e) << 10) | (mantissa >> 13);
    const uint rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0u)) ++h;
    return h;
}

void main() {
    const int word = int(gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x + gl_GlobalInvocationID.x);
    if (word >= pc.words) return;
    const int texels = pc.w * pc.h;
    uint packed = 0u;
    if (pc.format == 0) {          // RGBA8: one texel per word
        const vec4 v = texel(word);
        packed = unorm8(v.x) | (unorm8(v.y) << 8) | (unorm8(v.z) << 16) | (unorm8(v.w) << 24);
    } else if (pc.format == 1) {   // RGBA32F: one component per word
        packed = floatBitsToUint(texel(word / 4)[word % 4]);
    } else if (pc.format == 2) {   // R8: four texels per word (the last word's spare bytes are padding)
        for (int b = 0; b < 4; ++b) {
            const int t = 4 * word + b;
            if (t < texels) packed |= unorm8(texel(t).x) << (8 * b);
        }
    } else if (pc.format == 3) {   // R16: two texels per word
        for (int b = 0; b < 2; ++b) {
            const int t = 2 * word + b;
            if (t < texels) packed |= unorm16(texel(t).x) << (16 * b);
        }
    } else if (pc.format == 4) {   // R32F
        packed = floatBitsToUint(texel(word).x);
    } else if (pc.format == 5) {   // RG8: two texels per word
        for (int b = 0; b < 2; ++b) {
            const int t = 2 * word + b;
            if (t < texels) {
                const vec4 v = texel(t);
                packed |= (unorm8(v.x) | (unorm8(v.y) << 8)) << (16 * b);
            }
        }
    } else if (pc.format == 6) {   // BGRA8: one texel per word, R and B swapped
        const vec4 v = texel(word);
        packed = unorm8(v.z) | (unorm8(v.y) << 8) | (unorm8(v.x) << 16) | (unorm8(v.w) << 24);
    } else if (pc.format == 7) {   // R16F: two texels per word
        for (int b = 0; b < 2; ++b) {
            const int t = 2 * word + b;
            if (t < texels) packed |= half_bits(texel(t).x) << (16 * b);
        }
    } else {                       // RGBA16F: two components per word, two words per texel
        const vec4 v = texel(word / 2);
        const int k = 2 * (word % 2);
        packed = half_bits(v[k]) | (half_bits(v[k + 1]) << 16);
    }
    dst[pc.dst_word + word] = packed;
}
