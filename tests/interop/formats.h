// SPDX-License-Identifier: MIT
// The texel size and ntexReadMap host format of each VkFormat a texture set may use (tests only).
#pragma once

#include <ntex/ntex_vulkan.h>

#include <cstdint>

namespace ntex_test {

inline uint32_t texel_bytes(VkFormat f) {
    switch (f) {
        case VK_FORMAT_R8_UNORM: return 1;
        case VK_FORMAT_R16_UNORM: return 2;
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
        default: return NTEX_HOST_FORMAT_R8G8B8A8;
    }
}

}  // namespace ntex_test
