// SPDX-License-Identifier: MIT
// IEEE 754 binary16 ("half") conversion for the R16_SFLOAT / R16G16B16A16_SFLOAT texel formats.
#pragma once

#include <cstdint>
#include <cstring>

namespace ntex {

// float -> binary16, round to nearest, ties to even (IEEE 754-2008, section 4.3.1): overflow gives
// infinity, values below half the smallest subnormal give a signed zero, NaN stays a (quiet) NaN.
// The same bit arithmetic as shaders/texels.comp's half_bits, so the CPU and Vulkan compute paths
// write identical texels (GLSL's packHalf2x16 leaves the rounding to the implementation).
inline uint16_t float_to_half(float value) noexcept {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    const uint32_t sign = (bits >> 16) & 0x8000u;
    const uint32_t exponent = (bits >> 23) & 0xffu;
    uint32_t mantissa = bits & 0x7fffffu;
    if (exponent == 0xffu) return static_cast<uint16_t>(sign | 0x7c00u | (mantissa != 0 ? 0x200u : 0u));
    const int e = static_cast<int>(exponent) - 127 + 15;
    if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
    if (e <= 0) {
        if (e < -10) return static_cast<uint16_t>(sign);
        mantissa |= 0x800000u;   // the implicit leading 1, now explicit in a subnormal
        const uint32_t shift = static_cast<uint32_t>(14 - e);
        uint32_t half = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1u);
        const uint32_t halfway = 1u << (shift - 1u);
        if (rest > halfway || (rest == halfway && (half & 1u) != 0)) ++half;
        return static_cast<uint16_t>(sign | half);
    }
    uint32_t half = sign | (static_cast<uint32_t>(e) << 10) | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u) != 0)) ++half;   // a carry rounds up into the exponent
    return static_cast<uint16_t>(half);
}

// binary16 -> float, exact (every half is a float).
inline float half_to_float(uint16_t half) noexcept {
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    const uint32_t exponent = (half >> 10) & 0x1fu;
    uint32_t mantissa = half & 0x3ffu;
    uint32_t bits = 0;
    if (exponent == 0x1fu) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 127u - 15u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {   // subnormal: normalise
        int e = -1;
        do {
            ++e;
            mantissa <<= 1;
        } while ((mantissa & 0x400u) == 0);
        bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float value = 0.0f;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

}  // namespace ntex
