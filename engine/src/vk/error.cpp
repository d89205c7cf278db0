// SPDX-License-Identifier: MIT
// error.cpp: VkResult names and the VulkanError message.
#include "engine/error.h"

#include <string>

namespace engine {
namespace {

std::string call_name(const char* call) {
    std::string s(call);
    const auto paren = s.find('(');
    return paren == std::string::npos ? s : s.substr(0, paren);
}

}  // namespace

VulkanError::VulkanError(const char* call, VkResult result)
    : Error("vulkan: " + call_name(call) + " failed: " + vk_result_to_string(result)), m_result(result) {}

const char* vk_result_to_string(VkResult result) {
    switch (result) {
#define ENGINE_RESULT_CASE(r) \
    case r: return #r;
        ENGINE_RESULT_CASE(VK_SUCCESS)
        ENGINE_RESULT_CASE(VK_NOT_READY)
        ENGINE_RESULT_CASE(VK_TIMEOUT)
        ENGINE_RESULT_CASE(VK_EVENT_SET)
        ENGINE_RESULT_CASE(VK_EVENT_RESET)
        ENGINE_RESULT_CASE(VK_INCOMPLETE)
        ENGINE_RESULT_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        ENGINE_RESULT_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        ENGINE_RESULT_CASE(VK_ERROR_INITIALIZATION_FAILED)
        ENGINE_RESULT_CASE(VK_ERROR_DEVICE_LOST)
        ENGINE_RESULT_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        ENGINE_RESULT_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        ENGINE_RESULT_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        ENGINE_RESULT_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        ENGINE_RESULT_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        ENGINE_RESULT_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        ENGINE_RESULT_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        ENGINE_RESULT_CASE(VK_ERROR_FRAGMENTED_POOL)
        ENGINE_RESULT_CASE(VK_ERROR_UNKNOWN)
        ENGINE_RESULT_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
        ENGINE_RESULT_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        ENGINE_RESULT_CASE(VK_ERROR_FRAGMENTATION)
        ENGINE_RESULT_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
        ENGINE_RESULT_CASE(VK_ERROR_SURFACE_LOST_KHR)
        ENGINE_RESULT_CASE(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
        ENGINE_RESULT_CASE(VK_SUBOPTIMAL_KHR)
        ENGINE_RESULT_CASE(VK_ERROR_OUT_OF_DATE_KHR)
#undef ENGINE_RESULT_CASE
        default: return "VK_RESULT_UNKNOWN";
    }
}

}  // namespace engine
