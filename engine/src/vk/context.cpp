// SPDX-License-Identifier: MIT
// context.cpp: instance + validation messenger, device selection (discrete first, lavapipe
// accepted), and a Vulkan 1.3 device with dynamic rendering, synchronization2 and timelines.
#include "engine/context.h"

#include "engine/error.h"

#include <cstdio>
#include <cstring>
#include <sstream>

namespace engine {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

VKAPI_ATTR VkBool32 VKAPI_CALL debug_callback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT /*types*/,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    auto* stats = static_cast<ValidationStats*>(user);
    const char* kind = "info";
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        stats->errors.fetch_add(1);
        kind = "error";
    } else if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        stats->warnings.fetch_add(1);
        kind = "warning";
    } else {
        return VK_FALSE;
    }
    std::fprintf(stderr, "validation: [%s] %s\n", kind, data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;   // never abort the call that triggered the message
}

VkDebugUtilsMessengerCreateInfoEXT messenger_info(ValidationStats* stats) {
    VkDebugUtilsMessengerCreateInfoEXT ci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    ci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    ci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    ci.pfnUserCallback = debug_callback;
    ci.pUserData = stats;
    return ci;
}

std::string version_string(uint32_t v) {
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
           std::to_string(VK_API_VERSION_PATCH(v));
}

const char* device_type_name(VkPhysicalDeviceType type) {
    switch (type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
        default: return "other";
    }
}

// Why a device cannot run the engine ("" when it can); sets the queue family it would use.
std::string unusable_reason(VkPhysicalDevice pd, VkSurfaceKHR surface, uint32_t* family_out) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(pd, &props);
    if (props.apiVersion < VK_API_VERSION_1_3) return "Vulkan " + version_string(props.apiVersion) + " < 1.3";

    VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    f12.pNext = &f13;
    VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    f2.pNext = &f12;
    vkGetPhysicalDeviceFeatures2(pd, &f2);
    if (!f13.dynamicRendering) return "no dynamicRendering";
    if (!f13.synchronization2) return "no synchronization2";
    if (!f12.timelineSemaphore) return "no timelineSemaphore";

    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, families.data());
    for (uint32_t i = 0; i < count; ++i) {
        if (!(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) continue;
        if (surface != VK_NULL_HANDLE) {
            VkBool32 present = VK_FALSE;
            vkGetPhysicalDeviceSurfaceSupportKHR(pd, i, surface, &present);
            if (!present) continue;
        }
        *family_out = i;
        return "";
    }
    return surface != VK_NULL_HANDLE ? "no graphics queue that can present to the window" : "no graphics queue";
}

}  // namespace

Context::Context(const ContextCreateInfo& info) : m_validation_stats(info.validation_stats) {
    try {
        create_instance(info);
        if (info.create_surface) m_surface = info.create_surface(m_instance);
        pick_physical_device(info.device_index);
        create_device();
    } catch (...) {
        destroy();   // a throwing constructor runs no destructor: release what was created
        throw;
    }
}

Context::~Context() { destroy(); }

void Context::destroy() noexcept {
    if (m_device != VK_NULL_HANDLE) {
        vkDeviceWaitIdle(m_device);
        if (m_setup_pool != VK_NULL_HANDLE) vkDestroyCommandPool(m_device, m_setup_pool, nullptr);
        vkDestroyDevice(m_device, nullptr);
        m_device = VK_NULL_HANDLE;
        m_setup_pool = VK_NULL_HANDLE;
    }
    if (m_surface != VK_NULL_HANDLE) {
        vkDestroySurfaceKHR(m_instance, m_surface, nullptr);
        m_surface = VK_NULL_HANDLE;
    }
    if (m_messenger != VK_NULL_HANDLE) {
        auto destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy_messenger) destroy_messenger(m_instance, m_messenger, nullptr);
        m_messenger = VK_NULL_HANDLE;
    }
    if (m_instance != VK_NULL_HANDLE) {
        vkDestroyInstance(m_instance, nullptr);
        m_instance = VK_NULL_HANDLE;
    }
}

void Context::create_instance(const ContextCreateInfo& info) {
    std::vector<const char*> extensions = info.instance_extensions;
    std::vector<const char*> layers;
    VkDebugUtilsMessengerCreateInfoEXT messenger_ci{};
    bool sync_validation = false;   // when the layer offers VK_EXT_validation_features

    if (info.validation) {
        if (!m_validation_stats) throw Error("engine: validation requested without a ValidationStats");
        uint32_t count = 0;
        vkEnumerateInstanceLayerProperties(&count, nullptr);
        std::vector<VkLayerProperties> available(count);
        vkEnumerateInstanceLayerProperties(&count, available.data());
        const VkLayerProperties* found = nullptr;
        for (const auto& layer : available)
            if (std::strcmp(layer.layerName, kValidationLayer) == 0) found = &layer;
        if (!found)
            throw Error(std::string("vulkan: validation requested but ") + kValidationLayer +
                        " is not installed (Debian: vulkan-validationlayers)");
        layers.push_back(kValidationLayer);
        extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
        uint32_t ext_count = 0;
        vkEnumerateInstanceExtensionProperties(kValidationLayer, &ext_count, nullptr);
        std::vector<VkExtensionProperties> layer_exts(ext_count);
        vkEnumerateInstanceExtensionProperties(kValidationLayer, &ext_count, layer_exts.data());
        for (const auto& e : layer_exts)
            if (std::strcmp(e.extensionName, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME) == 0) sync_validation = true;
        if (sync_validation) extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
        m_validation_stats->layer_enabled = true;
        m_validation_stats->layer_description = std::string(kValidationLayer) + " " + version_string(found->specVersion);
        messenger_ci = messenger_info(m_validation_stats.get());
    }

    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "ntex";
    app.pEngineName = "ntex engine";
    app.apiVersion = VK_API_VERSION_1_3;

    // Synchronization validation too: barrier mistakes are the bugs the core checks miss.
    const VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    features.pNext = &messenger_ci;   // the messenger also covers instance creation/destruction

    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ci.pNext = !info.validation ? nullptr : sync_validation ? static_cast<const void*>(&features) : &messenger_ci;
    ci.pApplicationInfo = &app;
    ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    ENGINE_VK_CHECK(vkCreateInstance(&ci, nullptr, &m_instance));

    if (info.validation) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkCreateDebugUtilsMessengerEXT"));
        if (!create) throw Error("vulkan: vkCreateDebugUtilsMessengerEXT is not available");
        ENGINE_VK_CHECK(create(m_instance, &messenger_ci, nullptr, &m_messenger));
    }
}

void Context::pick_physical_device(int device_index) {
    uint32_t count = 0;
    VkResult r = vkEnumeratePhysicalDevices(m_instance, &count, nullptr);
    if (r != VK_SUCCESS && r != VK_INCOMPLETE) throw VulkanError("vkEnumeratePhysicalDevices", r);
    std::vector<VkPhysicalDevice> devices(count);
    vkEnumeratePhysicalDevices(m_instance, &count, devices.data());
    devices.resize(count);
    if (devices.empty()) throw Error("vulkan: no Vulkan device found (install a driver, e.g. mesa-vulkan-drivers)");

    auto describe = [&](uint32_t i) {
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(devices[i], &p);
        return std::to_string(i) + ": " + p.deviceName + " (" + device_type_name(p.deviceType) + ")";
    };

    uint32_t family = 0;
    if (device_index >= 0) {
        if (static_cast<uint32_t>(device_index) >= devices.size()) {
            std::ostringstream list;
            for (uint32_t i = 0; i < devices.size(); ++i) list << (i ? ", " : "") << describe(i);
            throw Error("vulkan: device index " + std::to_string(device_index) + " out of range; " +
                        std::to_string(devices.size()) + " device(s): " + list.str());
        }
        const auto i = static_cast<uint32_t>(device_index);
        std::string why = unusable_reason(devices[i], m_surface, &family);
        if (!why.empty()) throw Error("vulkan: device " + describe(i) + " is unusable: " + why);
        m_physical_device = devices[i];
    } else {
        // Discrete GPUs first, then integrated/virtual, then CPU implementations like lavapipe.
        auto rank = [](VkPhysicalDeviceType t) {
            switch (t) {
                case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
                case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
                case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
                case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
                default: return 4;
            }
        };
        int best_rank = 100;
        std::string reasons;
        for (uint32_t i = 0; i < devices.size(); ++i) {
            uint32_t f = 0;
            std::string why = unusable_reason(devices[i], m_surface, &f);
            if (!why.empty()) {
                reasons += (reasons.empty() ? "" : "; ") + describe(i) + ": " + why;
                continue;
            }
            VkPhysicalDeviceProperties p;
            vkGetPhysicalDeviceProperties(devices[i], &p);
            if (rank(p.deviceType) < best_rank) {
                best_rank = rank(p.deviceType);
                m_physical_device = devices[i];
                family = f;
            }
        }
        if (m_physical_device == VK_NULL_HANDLE) throw Error("vulkan: no usable device (" + reasons + ")");
    }
    m_queue_family = family;
    vkGetPhysicalDeviceProperties(m_physical_device, &m_properties);
    vkGetPhysicalDeviceMemoryProperties(m_physical_device, &m_memory_properties);
    m_device_name = m_properties.deviceName;
}

void Context::create_device() {
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_ci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_ci.queueFamilyIndex = m_queue_family;
    queue_ci.queueCount = 1;
    queue_ci.pQueuePriorities = &priority;

    VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    f13.dynamicRendering = VK_TRUE;
    f13.synchronization2 = VK_TRUE;
    VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    f12.timelineSemaphore = VK_TRUE;
    f12.pNext = &f13;
    VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    f2.pNext = &f12;

    std::vector<const char*> extensions;
    if (m_surface != VK_NULL_HANDLE) extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
    // The external-memory and external-semaphore fd extensions when the device offers both: what a
    // host enables so ntex's CUDA texture sets can write its images in place (docs/embedding.md).
    // Without them the CUDA path falls back to host copies (review cuda-first-gpu.md #6).
    uint32_t available_count = 0;
    ENGINE_VK_CHECK(vkEnumerateDeviceExtensionProperties(m_physical_device, nullptr, &available_count, nullptr));
    std::vector<VkExtensionProperties> available(available_count);
    ENGINE_VK_CHECK(vkEnumerateDeviceExtensionProperties(m_physical_device, nullptr, &available_count, available.data()));
    const auto offered = [&](const char* name) {
        for (const VkExtensionProperties& e : available)
            if (std::strcmp(e.extensionName, name) == 0) return true;
        return false;
    };
    if (offered(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME) && offered(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME)) {
        extensions.push_back(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME);
        extensions.push_back(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME);
    }

    VkDeviceCreateInfo ci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    ci.pNext = &f2;
    ci.queueCreateInfoCount = 1;
    ci.pQueueCreateInfos = &queue_ci;
    ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    ENGINE_VK_CHECK(vkCreateDevice(m_physical_device, &ci, nullptr, &m_device));
    vkGetDeviceQueue(m_device, m_queue_family, 0, &m_queue);

    VkCommandPoolCreateInfo pool_ci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_ci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT | VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_ci.queueFamilyIndex = m_queue_family;
    ENGINE_VK_CHECK(vkCreateCommandPool(m_device, &pool_ci, nullptr, &m_setup_pool));
}

uint32_t Context::find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags flags) const {
    for (uint32_t i = 0; i < m_memory_properties.memoryTypeCount; ++i)
        if ((type_bits & (1u << i)) && (m_memory_properties.memoryTypes[i].propertyFlags & flags) == flags) return i;
    throw Error("vulkan: no memory type with flags 0x" + std::to_string(flags) + " for type bits " +
                std::to_string(type_bits));
}

void Context::submit_immediate(const std::function<void(VkCommandBuffer)>& record) const {
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = m_setup_pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    ENGINE_VK_CHECK(vkAllocateCommandBuffers(m_device, &ai, &cmd));
    struct Free {
        VkDevice d;
        VkCommandPool p;
        VkCommandBuffer c;
        ~Free() { vkFreeCommandBuffers(d, p, 1, &c); }
    } free_cmd{m_device, m_setup_pool, cmd};

    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    ENGINE_VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
    record(cmd);
    ENGINE_VK_CHECK(vkEndCommandBuffer(cmd));

    VkCommandBufferSubmitInfo cmd_info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
    cmd_info.commandBuffer = cmd;
    VkSubmitInfo2 submit{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
    submit.commandBufferInfoCount = 1;
    submit.pCommandBufferInfos = &cmd_info;
    ENGINE_VK_CHECK(vkQueueSubmit2(m_queue, 1, &submit, VK_NULL_HANDLE));
    // Setup-time only: a queue wait is simpler than a fence and costs nothing per frame.
    ENGINE_VK_CHECK(vkQueueWaitIdle(m_queue));
}

void Context::wait_idle() const {
    if (m_device != VK_NULL_HANDLE) ENGINE_VK_CHECK(vkDeviceWaitIdle(m_device));
}

}  // namespace engine
