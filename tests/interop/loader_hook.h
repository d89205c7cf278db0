// SPDX-License-Identifier: MIT
// A wrapped Vulkan loader for ntex (tests only): pass get_instance_proc as NtexVulkanDeviceInfo::
// pfnGetInstanceProcAddr and every device function ntex resolves goes through `hook` first, which may
// return a counting wrapper (keeping the real pointer) or the real function unchanged. Calls are then
// forwarded to the real layer chain, so the validation layer still checks them. One hook at a time.
#pragma once

#include <vulkan/vulkan.h>

#include <string_view>

namespace ntex_test::loader_hook {

// name: the device function ntex asked for; real: its pointer. Returns what ntex gets.
using DeviceHook = PFN_vkVoidFunction (*)(const char* name, PFN_vkVoidFunction real);

inline DeviceHook hook = nullptr;
inline PFN_vkGetDeviceProcAddr real_get_device = nullptr;

inline VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL get_device_proc(VkDevice device, const char* name) {
    const PFN_vkVoidFunction real = real_get_device(device, name);
    return real != nullptr && hook != nullptr ? hook(name, real) : real;
}

inline VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL get_instance_proc(VkInstance instance, const char* name) {
    const PFN_vkVoidFunction real = vkGetInstanceProcAddr(instance, name);
    if (real != nullptr && name[0] == 'v' && std::string_view(name) == "vkGetDeviceProcAddr") {
        real_get_device = reinterpret_cast<PFN_vkGetDeviceProcAddr>(real);
        return reinterpret_cast<PFN_vkVoidFunction>(get_device_proc);
    }
    return real;
}

}  // namespace ntex_test::loader_hook
