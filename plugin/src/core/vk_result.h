// SPDX-License-Identifier: MIT
// vk_result_name: a VkResult's enumerant name for error messages. One list for both layers that call
// Vulkan (interop's texture sets and the Vulkan compute backend), so both name results alike.
#pragma once

#ifndef VK_NO_PROTOTYPES
#define VK_NO_PROTOTYPES
#endif
#include <vulkan/vulkan.h>

namespace ntex {

// "VK_ERROR_DEVICE_LOST" and so on; "VkResult (other)" for values it does not list. Thread-safe.
const char* vk_result_name(VkResult result) noexcept;

}  // namespace ntex
