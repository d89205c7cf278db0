// SPDX-License-Identifier: MIT
// vulkan_device.cpp: loads ntex's Vulkan dispatch table from the host's loader entry points.
#include "interop/vulkan_device.h"

#include "core/error.h"

#include <cstring>
#include <vector>

namespace ntex::interop {

void check_vk(VkResult result, const char* call) {
    if (result == VK_SUCCESS) return;
    const NtexResult code = (result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY)
                                ? NTEX_ERROR_OUT_OF_MEMORY
                                : NTEX_ERROR_BACKEND;
    fail(code, call, " failed: ", vk_result_name(result), " (", static_cast<int>(result), ")");
}

VulkanDevice::VulkanDevice(const NtexVulkanDeviceInfo& info, bool debug_utils, const NtexDeviceMemoryCallbacks* memory, bool synchronization2)
    : m_instance(info.instance), m_physical_device(info.physicalDevice), m_device(info.device),
      m_queue_family(info.queueFamilyIndex), m_allocator(info.pAllocator) {
    if (info.instance == VK_NULL_HANDLE) fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexVulkanDeviceInfo::instance is VK_NULL_HANDLE");
    if (info.physicalDevice == VK_NULL_HANDLE) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexVulkanDeviceInfo::physicalDevice is VK_NULL_HANDLE");
    }
    if (info.device == VK_NULL_HANDLE) fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexVulkanDeviceInfo::device is VK_NULL_HANDLE");
    if (info.pfnGetInstanceProcAddr == nullptr) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexVulkanDeviceInfo::pfnGetInstanceProcAddr is NULL");
    }
#define NTEX_VK_LOAD_INSTANCE(name)                                                                          \
    m_vk.name = reinterpret_cast<PFN_##name>(info.pfnGetInstanceProcAddr(info.instance, #name));             \
    if (m_vk.name == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan instance does not expose " #name);
    NTEX_VK_INSTANCE_FUNCTIONS(NTEX_VK_LOAD_INSTANCE)
#undef NTEX_VK_LOAD_INSTANCE
    PFN_vkGetDeviceProcAddr get_device = info.pfnGetDeviceProcAddr ? info.pfnGetDeviceProcAddr : m_vk.vkGetDeviceProcAddr;
#define NTEX_VK_LOAD_DEVICE(name)                                                                            \
    m_vk.name = reinterpret_cast<PFN_##name>(get_device(info.device, #name));                                \
    if (m_vk.name == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan device does not expose " #name " (Vulkan 1.2 needed)");
    NTEX_VK_DEVICE_FUNCTIONS(NTEX_VK_LOAD_DEVICE)
#undef NTEX_VK_LOAD_DEVICE
    // Optional entry points: a device extension the host did not enable yields NULL here (the loader and
    // the validation layer return NULL for functions of extensions that are not enabled).
#define NTEX_VK_LOAD_OPTIONAL_INSTANCE(name) \
    m_vk.name = reinterpret_cast<PFN_##name>(info.pfnGetInstanceProcAddr(info.instance, #name));
    NTEX_VK_OPTIONAL_INSTANCE_FUNCTIONS(NTEX_VK_LOAD_OPTIONAL_INSTANCE)
#undef NTEX_VK_LOAD_OPTIONAL_INSTANCE
#define NTEX_VK_LOAD_OPTIONAL_DEVICE(name) m_vk.name = reinterpret_cast<PFN_##name>(get_device(info.device, #name));
    NTEX_VK_OPTIONAL_DEVICE_FUNCTIONS(NTEX_VK_LOAD_OPTIONAL_DEVICE)
#undef NTEX_VK_LOAD_OPTIONAL_DEVICE

    if (memory != nullptr) {
        if (memory->pfnAllocate == nullptr || memory->pfnFree == nullptr) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexDeviceMemoryCallbacks needs both pfnAllocate and pfnFree");
        }
        m_memory_callbacks = *memory;
        m_memory_callbacks.pNext = nullptr;
    }
    if (debug_utils) {
        // Instance-extension entry points, loaded only on the host's word that the extension is enabled.
        m_set_name = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(info.pfnGetInstanceProcAddr(info.instance, "vkSetDebugUtilsObjectNameEXT"));
        m_begin_label = reinterpret_cast<PFN_vkCmdBeginDebugUtilsLabelEXT>(info.pfnGetInstanceProcAddr(info.instance, "vkCmdBeginDebugUtilsLabelEXT"));
        m_end_label = reinterpret_cast<PFN_vkCmdEndDebugUtilsLabelEXT>(info.pfnGetInstanceProcAddr(info.instance, "vkCmdEndDebugUtilsLabelEXT"));
        if (m_set_name == nullptr || m_begin_label == nullptr || m_end_label == nullptr) {
            m_set_name = nullptr;
            fail(NTEX_ERROR_UNSUPPORTED, "NtexVulkanDebugInfo::debugUtils is VK_TRUE but the instance does not expose VK_EXT_debug_utils");
        }
    }
    m_vk.vkGetPhysicalDeviceProperties(m_physical_device, &m_properties);
    if (m_properties.apiVersion < VK_API_VERSION_1_2) {
        fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan device '", m_properties.deviceName, "' implements Vulkan ",
             VK_API_VERSION_MAJOR(m_properties.apiVersion), ".", VK_API_VERSION_MINOR(m_properties.apiVersion),
             "; ntex needs 1.2 (timeline semaphores)");
    }
    m_vk.vkGetPhysicalDeviceMemoryProperties(m_physical_device, &m_memory);
    m_barriers = BarrierRecorder(m_vk.vkCmdPipelineBarrier,
                                 synchronization2_entry(synchronization2, m_vk.vkGetPhysicalDeviceFeatures2, m_physical_device,
                                                        m_properties.apiVersion, get_device, m_device, m_sync2_reason));
    if (m_vk.vkGetPhysicalDeviceProperties2 != nullptr) {
        VkPhysicalDeviceIDProperties id{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
        VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
        props2.pNext = &id;
        m_vk.vkGetPhysicalDeviceProperties2(m_physical_device, &props2);
        std::memcpy(m_uuid.data(), id.deviceUUID, VK_UUID_SIZE);
        m_has_uuid = true;
    }
    uint32_t count = 0;
    m_vk.vkGetPhysicalDeviceQueueFamilyProperties(m_physical_device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    m_vk.vkGetPhysicalDeviceQueueFamilyProperties(m_physical_device, &count, families.data());
    if (m_queue_family >= count) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexVulkanDeviceInfo::queueFamilyIndex ", m_queue_family, " is out of range (the device has ",
             count, " queue families)");
    }
    m_graphics = (families[m_queue_family].queueFlags & VK_QUEUE_GRAPHICS_BIT) != 0;
    m_compute = (families[m_queue_family].queueFlags & VK_QUEUE_COMPUTE_BIT) != 0;
    if (!m_graphics && !m_compute) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "queue family ", m_queue_family,
             " has neither graphics nor compute capability (ntex records copies and barriers on it, and dispatches "
             "on the Vulkan compute path)");
    }
}

bool VulkanDevice::supports_extension(const char* name) const {
    if (m_vk.vkEnumerateDeviceExtensionProperties == nullptr) return false;
    uint32_t count = 0;
    if (m_vk.vkEnumerateDeviceExtensionProperties(m_physical_device, nullptr, &count, nullptr) != VK_SUCCESS) return false;
    std::vector<VkExtensionProperties> extensions(count);
    if (m_vk.vkEnumerateDeviceExtensionProperties(m_physical_device, nullptr, &count, extensions.data()) < 0) return false;
    for (const VkExtensionProperties& e : extensions) {
        if (std::strcmp(e.extensionName, name) == 0) return true;
    }
    return false;
}

uint32_t VulkanDevice::memory_type(uint32_t type_bits, VkMemoryPropertyFlags flags) const {
    for (uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
        if ((type_bits & (1u << i)) != 0 && (m_memory.memoryTypes[i].propertyFlags & flags) == flags) return i;
    }
    fail(NTEX_ERROR_UNSUPPORTED, "no Vulkan memory type with property flags 0x", std::hex, flags, " for type bits 0x", type_bits);
}

uint32_t VulkanDevice::memory_types_with(uint32_t type_bits, VkMemoryPropertyFlags flags) const noexcept {
    uint32_t bits = 0;
    for (uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
        if ((type_bits & (1u << i)) != 0 && (m_memory.memoryTypes[i].propertyFlags & flags) == flags) bits |= 1u << i;
    }
    return bits;
}

std::string VulkanDevice::describe() const {
    return cat(m_properties.deviceName, " (Vulkan ", VK_API_VERSION_MAJOR(m_properties.apiVersion), ".",
               VK_API_VERSION_MINOR(m_properties.apiVersion), "), queue family ", m_queue_family);
}

void VulkanDevice::set_name(VkObjectType type, uint64_t handle, const std::string& name) const noexcept {
    if (m_set_name == nullptr || handle == 0) return;
    VkDebugUtilsObjectNameInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT};
    info.objectType = type;
    info.objectHandle = handle;
    info.pObjectName = name.c_str();
    (void)m_set_name(m_device, &info);   // a name is a debugging aid: its failure is not the host's problem
}

void VulkanDevice::begin_label(VkCommandBuffer cmd, const std::string& name) const noexcept {
    if (m_begin_label == nullptr) return;
    VkDebugUtilsLabelEXT label{VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT};
    label.pLabelName = name.c_str();
    m_begin_label(cmd, &label);
}

void VulkanDevice::end_label(VkCommandBuffer cmd) const noexcept {
    if (m_end_label != nullptr) m_end_label(cmd);
}

}  // namespace ntex::interop
