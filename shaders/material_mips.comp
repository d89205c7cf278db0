#version 450
// SPDX-License-Identifier: MIT
// NTEX_MIP_FILTER_MATERIAL on the Vulkan compute path: the float material levels of a texture set,
// computed as plugin/src/runtime/material_mips.cpp computes them on the host (that file's header is the
// specification: linear-light albedo, renormalised normals, alpha^2 with Toksvig's widening, plain
// averages otherwise; a box footprint of 2 or 3 texels per axis). texels.comp then packs each level
// into the set's staging buffer, so both paths write the same texels.
//   mode 0: level 0 of the material tensor from the final tensor (build_material_tensor: each map's
//           channels normalised by its range, derived normals by central differences) and its moments
//           (mean unit normal, alpha^2 = r^4);
//   mode 1: one level from the level above (material and moments).
// One invocation per texel of the level written. Sums are float (the host sums in double): a
// footprint has at most 9 texels, so the two differ in the last bits only.
// Bindings (the plan's layout, compute_common.glsl's slots): 0 = final tensor (mode 0), 1 = the work
// buffer holding every level's material and moments, 2 = the map table (built by MaterialMipWriter::bind_source
// in plugin/src/backends/vulkan/vk_material_mips.cpp).
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(std430, set = 0, binding = 0) readonly buffer Src { float src[]; };   // [src_h][src_w][src_c]
layout(std430, set = 0, binding = 1) buffer Work { float work[]; };
layout(std430, set = 0, binding = 2) readonly buffer Table { uint table[]; };

layout(push_constant) uniform Push {
    int mode;
    int sw, sh;        // mode 0: the final tensor's size; mode 1: the level above's
    int dw, dh;        // the level written
    int ox, oy;        // mode 0: the crop of the final tensor the set shows
    int src_c;         // mode 0: final-tensor channels
    int src_base;      // mode 1: first float of the level above's material in `work`
    int src_mom;       // mode 1: first float of its moments
    int dst_base;      // first float of the written level's material
    int dst_mom;       // first float of its moments
    float height_scale;
    int pad0, pad1, pad2;
} pc;

// The table's header and per-map records (kHeaderWords, kMapWords in vk_material_mips.cpp).
const int kHeader = 8;   // 5 words used, 3 spare
const int kMapWords = 10;
int maps() { return int(table[0]); }
int channels() { return int(table[1]); }        // material channels per texel
int moments() { return int(table[2]); }         // 4 (normal x, y, z, alpha^2) or 0
int normal_map() { return int(table[3]); }      // -1: none
int roughness_map() { return int(table[4]); }   // -1: none
int map_offset(int i) { return int(table[kHeader + kMapWords * i + 0]); }
int map_count(int i) { return int(table[kHeader + kMapWords * i + 1]); }
bool map_srgb(int i) { return table[kHeader + kMapWords * i + 2] != 0u; }
bool map_derived(int i) { return table[kHeader + kMapWords * i + 3] != 0u; }
float map_lo(int i) { return uintBitsToFloat(table[kHeader + kMapWords * i + 4]); }
float map_inv(int i) { return uintBitsToFloat(table[kHeader + kMapWords * i + 5]); }
int map_channel(int i, int k) { return int(table[kHeader + kMapWords * i + 6 + k]); }   // final-tensor channel

int wrap(int v, int n) {
    int r = v - (v / n) * n;
    return r < 0 ? r + n : r;
}

float height_at(int x, int y, int channel, float lo, float inv) {
    return (src[(wrap(y, pc.sh) * pc.sw + wrap(x, pc.sw)) * pc.src_c + channel] - lo) * inv;
}

// IEC 61966-2-1, as runtime/material_mips.cpp's srgb_to_linear / linear_to_srgb.
float to_linear(float v) {
    v = clamp(v, 0.0, 1.0);
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}
float to_srgb(float v) {
    v = clamp(v, 0.0, 1.0);
    return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}

void level0(int x, int y) {
    const int mc = channels();
    const int t = y * pc.dw + x;
    const int sx = pc.ox + x, sy = pc.oy + y;
    for (int i = 0; i < maps(); ++i) {
        const int off = pc.dst_base + t * mc + map_offset(i);
        const float lo = map_lo(i), inv = map_inv(i);
        if (map_derived(i)) {
            // derive_normals (runtime/material.cpp): rows run top to bottom, +Y is up.
            const int hc = map_channel(i, 0);
            const float gx = 0.5 * (height_at(sx + 1, sy, hc, lo, inv) - height_at(sx - 1, sy, hc, lo, inv));
            const float gy = 0.5 * (height_at(sx, sy + 1, hc, lo, inv) - height_at(sx, sy - 1, hc, lo, inv));
            const float nx = -pc.height_scale * gx, ny = pc.height_scale * gy, nz = 1.0;
            const float inv_len = 1.0 / sqrt(nx * nx + ny * ny + nz * nz);
            work[off + 0] = nx * inv_len * 0.5 + 0.5;
            work[off + 1] = ny * inv_len * 0.5 + 0.5;
            work[off + 2] = nz * inv_len * 0.5 + 0.5;
            continue;
        }
        const int base = (sy * pc.sw + sx) * pc.src_c;
        for (int k = 0; k < map_count(i); ++k) work[off + k] = (src[base + map_channel(i, k)] - lo) * inv;
    }
    if (moments() == 0) return;
    const int m = pc.dst_mom + t * 4;
    const int nm = normal_map();
    if (nm >= 0) {
        const int no = pc.dst_base + t * mc + map_offset(nm);
        const float nx = work[no] * 2.0 - 1.0, ny = work[no + 1] * 2.0 - 1.0, nz = work[no + 2] * 2.0 - 1.0;
        const float len = sqrt(nx * nx + ny * ny + nz * nz);
        const float inv = len > 1e-6 ? 1.0 / len : 0.0;   // a zero vector adds no direction
        work[m + 0] = nx * inv;
        work[m + 1] = ny * inv;
        work[m + 2] = nz * inv;
    } else {
        work[m + 0] = 0.0;
        work[m + 1] = 0.0;
        work[m + 2] = 1.0;
    }
    const int rm = roughness_map();
    const float r = rm >= 0 ? clamp(work[pc.dst_base + t * mc + map_offset(rm)], 0.0, 1.0) : 0.0;
    work[m + 3] = r * r * r * r;   // alpha^2 = r^4
}

void downsample(int x, int y) {
    const int mc = channels();
    const int km = moments();
    // dst texel x covers src texels floor(x * sw / dw) .. floor((x + 1) * sw / dw) - 1 (at least one).
    const int x0 = x * pc.sw / pc.dw, x1 = max(x0 + 1, (x + 1) * pc.sw / pc.dw);
    const int y0 = y * pc.sh / pc.dh, y1 = max(y0 + 1, (y + 1) * pc.sh / pc.dh);
    const float inv_n = 1.0 / (float(x1 - x0) * float(y1 - y0));
    const int t = y * pc.dw + x;
    vec4 mom = vec4(0.0);
    if (km > 0) {
        for (int sy = y0; sy < y1; ++sy)
            for (int sx = x0; sx < x1; ++sx) {
                const int s = pc.src_mom + (sy * pc.sw + sx) * 4;
                mom += vec4(work[s], work[s + 1], work[s + 2], work[s + 3]);
            }
        mom *= inv_n;
        const int m = pc.dst_mom + t * 4;
        work[m + 0] = mom.x;
        work[m + 1] = mom.y;
        work[m + 2] = mom.z;
        work[m + 3] = mom.w;
    }
    const float na = km > 0 ? length(mom.xyz) : 0.0;
    const int nm = normal_map(), rm = roughness_map();
    for (int i = 0; i < maps(); ++i) {
        const int off = map_offset(i);
        const int dst = pc.dst_base + t * mc + off;
        const bool srgb = map_srgb(i);
        for (int k = 0; k < map_count(i); ++k) {
            if (i == nm && k < 3) {
                // The renormalised mean normal (straight up where the footprint's normals cancel).
                const float inv_na = na > 1e-6 ? 1.0 / na : 0.0;
                const float n = k < 2 ? mom[k] * inv_na : (na > 1e-6 ? mom.z * inv_na : 1.0);
                work[dst + k] = n * 0.5 + 0.5;
                continue;
            }
            if (i == rm && k == 0) {
                float alpha2 = mom.w;
                if (nm >= 0) {
                    // Toksvig: sigma^2 = (1 - |Na|) / |Na|; under 1e-5, 1 - |Na| is rounding, not variance.
                    const float sigma2 = na <= 1e-6 ? 1.0 : (1.0 - na < 1e-5 ? 0.0 : (1.0 - na) / na);
                    alpha2 += 2.0 * sigma2;
                }
                work[dst] = sqrt(sqrt(clamp(alpha2, 0.0, 1.0)));
                continue;
            }
            float sum = 0.0;
            for (int sy = y0; sy < y1; ++sy)
                for (int sx = x0; sx < x1; ++sx) {
                    const float v = work[pc.src_base + (sy * pc.sw + sx) * mc + off + k];
                    sum += srgb && k < 3 ? to_linear(v) : v;
                }
            const float mean = sum * inv_n;
            work[dst + k] = srgb && k < 3 ? to_srgb(mean) : mean;
        }
    }
}

void main() {
    const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
    if (x >= pc.dw || y >= pc.dh) return;
    if (pc.mode == 0) level0(x, y);
    else downsample(x, y);
}
