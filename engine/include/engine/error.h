// SPDX-License-Identifier: MIT
// error.h: the engine's exception type and the VK_CHECK helper (one-line messages, never exit()).
#pragma once

#include <vulkan/vulkan.h>

#include <stdexcept>
#include <string>

namespace engine {

// Every engine failure: a one-line message such as "vulkan: vkCreateDevice failed: VK_ERROR_...".
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A Vulkan call failed; keeps the VkResult for callers that treat some results as control flow.
class VulkanError : public Error {
public:
    VulkanError(const char* call, VkResult result);
    VkResult result() const { return m_result; }

private:
    VkResult m_result;
};

// "VK_ERROR_DEVICE_LOST" etc.
const char* vk_result_to_string(VkResult result);

inline void vk_check(VkResult result, const char* call) {
    if (result != VK_SUCCESS) throw VulkanError(call, result);
}

}  // namespace engine

// Wraps a Vulkan call; the message names the call (its text up to the first parenthesis).
#define ENGINE_VK_CHECK(call) ::engine::vk_check((call), #call)
