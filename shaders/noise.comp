#version 450
// SPDX-License-Identifier: MIT
// Hashed Gaussian noise on the GPU (docs/model_format.md, "Hash noise"): the network's input grid and
// the per-op noise maps, written straight into the plan's device buffers, so a new seed or origin
// (every chunk of an infinite-mode pan) costs no host work and no upload.
//
// The integer hash is bit-identical to runtime/hash_noise.h (uint32 arithmetic wraps the same way in
// GLSL). The CPU turns the two hashed uniforms into a Gaussian with Box-Muller in float64; GLSL has
// no float64 log or cos, and Vulkan allows float32 log/cos errors of 3 ULP and 2^-11 absolute, so
// both are computed here from exact range reductions and short polynomials in float32 whose
// truncation errors are below 2e-9: samples agree with the CPU's within a few float32 ULP of the
// value (tests/plugin/vulkan_noise_test.cpp: 8 ULP of max(1, |value|); lavapipe: about 1 ULP).
//
// Destination: dst[((y * (w + 2 halo) + x) * channels + ch)] for y, x over the padded grid; the
// border repeats the wrapped interior cell (circular padding), hashed at absolute coordinates
// x0 + wrap(x - halo, w), y0 + wrap(y - halo, h) (int32 -> uint32 wrap) and stream base + ch.
// Push constants (compute_push.glsl): src_w = stream base, src_h = target index, dst_w/dst_h/dst_halo,
// channels. params[4 * target + 0..2] = seed, x0, y0 (host-written: the only per-seed input).
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(std430, set = 0, binding = 0) readonly buffer Params { uint params[]; };
// FP16 build (NTEX_FP16, see compute_common.glsl): the plan's input grid and noise maps are float16_t.
#ifdef NTEX_FP16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(std430, set = 0, binding = 1) writeonly buffer Dst { float16_t dst[]; };
#define noise_t float16_t
#else
layout(std430, set = 0, binding = 1) writeonly buffer Dst { float dst[]; };
#define noise_t float
#endif

#include "compute_push.glsl"

uint fmix32(uint h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

uint hash_mix(uint h, uint v) { return fmix32(h ^ (v + 0x9E3779B9u + (h << 6) + (h >> 2))); }

uint hash4(uint seed, uint stream, uint x, uint y) { return hash_mix(hash_mix(hash_mix(fmix32(seed), stream), x), y); }

// ln(u) for u in (0, 1]: u = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1),
// |s| <= 0.1716, series to s^11 (truncation < 1e-10); e ln 2 with ln 2 split Cody-Waite style so e * hi is exact.
float log_unit(float u) {
    int e;
    float m = frexp(u, e);   // m in [0.5, 1)
    if (m < 0.70710678) {
        m *= 2.0;
        e -= 1;
    }
    precise float s = (m - 1.0) / (m + 1.0);
    precise float z = s * s;
    precise float series = 1.0 + z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z * (1.0 / 11.0)))));
    const float ln2_hi = 0.693145751953125;        // 16 significant bits: e * ln2_hi is exact for |e| < 256
    const float ln2_lo = 1.42860682030941723e-06;  // ln 2 - ln2_hi
    precise float fe = float(e);
    return fe * ln2_hi + (fe * ln2_lo + 2.0 * s * series);
}

// cos(2 pi u) for u = k / 2^24, k in [0, 2^24): the quadrant is taken exactly in u (u * 4 and
// u - q / 4 are exact), the rest is |a| <= pi / 4, where Taylor polynomials to a^10 / a^9 are within 2e-9.
float cos_two_pi(float u) {
    const float q = floor(u * 4.0 + 0.5);
    precise float a = (u - q * 0.25) * 6.28318530717958648;
    precise float a2 = a * a;
    precise float c = 1.0 + a2 * (-1.0 / 2.0 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 + a2 * (-1.0 / 3628800.0)))));
    precise float s = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 * (1.0 / 362880.0)))));
    const int quadrant = int(q) & 3;   // q = 4 is the same angle as q = 0
    return quadrant == 0 ? c : quadrant == 1 ? -s : quadrant == 2 ? -c : s;
}

float gauss(uint seed, uint stream, uint x, uint y) {
    const uint h = hash4(seed, stream, x, y);
    const float u1 = float((hash_mix(h, 0u) >> 8) + 1u) * (1.0 / 16777216.0);   // exact: 24-bit integers
    const float u2 = float(hash_mix(h, 1u) >> 8) * (1.0 / 16777216.0);
    return sqrt(-2.0 * log_unit(u1)) * cos_two_pi(u2);
}

void main() {
    const int pw = pc.dst_w + 2 * pc.dst_halo;
    const int ph = pc.dst_h + 2 * pc.dst_halo;
    const int gx = int(gl_GlobalInvocationID.x);
    const int gy = int(gl_GlobalInvocationID.y);
    if (gx >= pw || gy >= ph) return;
    const uint target = uint(pc.src_h);
    const uint seed = params[4u * target], x0 = params[4u * target + 1u], y0 = params[4u * target + 2u];
    const uint x = x0 + uint(wrap(gx - pc.dst_halo, pc.dst_w));
    const uint y = y0 + uint(wrap(gy - pc.dst_halo, pc.dst_h));
    const int o = (gy * pw + gx) * pc.channels;
    for (int ch = 0; ch < pc.channels; ++ch) dst[o + ch] = noise_t(gauss(seed, uint(pc.src_w) + uint(ch), x, y));
}
