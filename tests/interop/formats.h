// SPDX-License-Identifier: MIT
// The texel size and ntexReadMap host format of each VkFormat a texture set may use (tests only).
#pragma once

#include <ntex/ntex_vulkan.h>

#include <cmath>
#include <cstdint>

namespace ntex_test {

inline uint32_t texel_bytes(VkFormat f) {
    switch (f) {
        case VK_FORMAT_R8_UNORM: return 1;
        case VK_FORMAT_R16_UNORM:
        case VK_FORMAT_R8G8_UNORM:
        case VK_FORMAT_R16_SFLOAT: return 2;
        case VK_FORMAT_R16G16B16A16_SFLOAT: return 8;
        case VK_FORMAT_R32G32B32A32_SFLOAT: return 16;
        default: return 4;
    }
}

inline NtexHostFormat host_format(VkFormat f) {
    switch (f) {
        case VK_FORMAT_R8_UNORM: return NTEX_HOST_FORMAT_R8_UNORM;
        case VK_FORMAT_R16_UNORM: return NTEX_HOST_FORMAT_R16_UNORM;
        case VK_FORMAT_R32_SFLOAT: return NTEX_HOST_FORMAT_R32_SFLOAT;
        case VK_FORMAT_R32G32B32A32_SFLOAT: return NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT;
        case VK_FORMAT_R8G8_UNORM: return NTEX_HOST_FORMAT_R8G8_UNORM;
        case VK_FORMAT_B8G8R8A8_SRGB:
        case VK_FORMAT_B8G8R8A8_UNORM: return NTEX_HOST_FORMAT_B8G8R8A8;
        case VK_FORMAT_R16_SFLOAT: return NTEX_HOST_FORMAT_R16_SFLOAT;
        case VK_FORMAT_R16G16B16A16_SFLOAT: return NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT;
        default: return NTEX_HOST_FORMAT_R8G8B8A8;
    }
}

inline bool is_half(VkFormat f) { return f == VK_FORMAT_R16_SFLOAT || f == VK_FORMAT_R16G16B16A16_SFLOAT; }

// A finite binary16 value (the texels ntex writes: [0, 1]); infinities and NaN decode as NaN.
inline float half_value(uint16_t bits) {
    const int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
    if (exponent == 0x1f) return NAN;
    const float magnitude = exponent == 0 ? std::ldexp(float(mantissa), -24) : std::ldexp(float(1024 + mantissa), exponent - 25);
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
}

// The formats added for engines (issue 15), one semantic each so that a material covers every one:
// albedo B8G8R8A8_SRGB, normal R8G8_UNORM, roughness R16_SFLOAT, height R16G16B16A16_SFLOAT.
inline VkFormat compact_format(NtexMapSemantic semantic) {
    switch (semantic) {
        case NTEX_MAP_SEMANTIC_ALBEDO: return VK_FORMAT_B8G8R8A8_SRGB;
        case NTEX_MAP_SEMANTIC_NORMAL: return VK_FORMAT_R8G8_UNORM;
        case NTEX_MAP_SEMANTIC_ROUGHNESS: return VK_FORMAT_R16_SFLOAT;
        case NTEX_MAP_SEMANTIC_HEIGHT: return VK_FORMAT_R16G16B16A16_SFLOAT;
        default: return VK_FORMAT_R8G8B8A8_UNORM;
    }
}

}  // namespace ntex_test
