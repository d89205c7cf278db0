// SPDX-License-Identifier: MIT
// ComputeContext: headless instance/device creation (dlopen'ed loader) or the host's borrowed device.
#include "backends/vulkan/vk_compute_context.h"

#include "backends/vulkan/vk_memory_pool.h"
#include "core/error.h"

#include <dlfcn.h>

#include <algorithm>

#include <cstdio>
#include <cstring>
#include <vector>

namespace ntex::vulkan {

void check_vk(VkResult result, const char* call, const char* file, int line) {
    if (result >= 0) return;
    const NtexResult code = (result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY) ? NTEX_ERROR_OUT_OF_MEMORY
                                                                                                                 : NTEX_ERROR_BACKEND;
    fail(code, file, ":", line, ": ", call, " failed: ", vk_result_name(result), " (", static_cast<int>(result), ")");
}

VKAPI_ATTR VkBool32 VKAPI_CALL ComputeContext::on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
                                                          const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    if ((severity & (VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)) == 0) return VK_FALSE;
    static_cast<ComputeContext*>(user)->m_messages++;
    // stderr: only ever enabled by tests (HeadlessOptions::validation), which fail on the count.
    std::fprintf(stderr, "ntex vulkan validation: %s\n", data && data->pMessage ? data->pMessage : "");
    return VK_FALSE;
}

namespace {

bool has_layer(PFN_vkEnumerateInstanceLayerProperties enumerate, const char* name) {
    if (enumerate == nullptr) return false;
    uint32_t n = 0;
    if (enumerate(&n, nullptr) != VK_SUCCESS) return false;
    std::vector<VkLayerProperties> layers(n);
    if (enumerate(&n, layers.data()) < 0) return false;
    for (const VkLayerProperties& l : layers) {
        if (std::strcmp(l.layerName, name) == 0) return true;
    }
    return false;
}

// Whether `device` (Vulkan >= 1.2) supports FP16 storage buffers and arithmetic; "" or why not.
std::string fp16_support(const ComputeFunctions& vk, VkPhysicalDevice device, uint32_t api_version) {
    if (api_version < VK_API_VERSION_1_2) return "the device or instance is below Vulkan 1.2";
    VkPhysicalDeviceShaderFloat16Int8Features f16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
    VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
    s16.pNext = &f16;
    VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    f2.pNext = &s16;
    vk.vkGetPhysicalDeviceFeatures2(device, &f2);
    if (!f16.shaderFloat16) return "the device has no shaderFloat16";
    if (!s16.storageBuffer16BitAccess) return "the device has no storageBuffer16BitAccess";
    return "";
}

int device_rank(VkPhysicalDeviceType t) noexcept {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
        default: return 4;
    }
}

}  // namespace

std::shared_ptr<ComputeContext> ComputeContext::create_headless(const HeadlessOptions& options) {
    std::shared_ptr<ComputeContext> c(new ComputeContext());
    c->m_owned = true;
    // ntex never links the loader (hosts pass theirs); the headless path opens it at run time, so a
    // machine without Vulkan still loads libntex and gets this clear error instead.
    c->m_library = ::dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (c->m_library == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: no Vulkan loader (libvulkan.so.1 not found)");
    auto gipa = reinterpret_cast<PFN_vkGetInstanceProcAddr>(::dlsym(c->m_library, "vkGetInstanceProcAddr"));
    if (gipa == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: libvulkan.so.1 exports no vkGetInstanceProcAddr");
    auto create_instance = reinterpret_cast<PFN_vkCreateInstance>(gipa(VK_NULL_HANDLE, "vkCreateInstance"));
    auto enumerate_layers = reinterpret_cast<PFN_vkEnumerateInstanceLayerProperties>(gipa(VK_NULL_HANDLE, "vkEnumerateInstanceLayerProperties"));
    if (create_instance == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: the loader exposes no vkCreateInstance");

    const bool validation = options.validation && has_layer(enumerate_layers, "VK_LAYER_KHRONOS_validation");
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "ntex";
    app.pEngineName = "ntex";
    // 1.2 where the loader has it: the FP16 feature structs are core there (a 1.1 driver still works).
    auto instance_version = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(gipa(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
    uint32_t loader_version = VK_API_VERSION_1_1;
    if (instance_version != nullptr && instance_version(&loader_version) != VK_SUCCESS) loader_version = VK_API_VERSION_1_1;
    // 1.3 where the loader has it: synchronization2 is core there.
    app.apiVersion = loader_version >= VK_API_VERSION_1_3   ? VK_API_VERSION_1_3
                     : loader_version >= VK_API_VERSION_1_2 ? VK_API_VERSION_1_2
                                                            : VK_API_VERSION_1_1;
    const char* layer = "VK_LAYER_KHRONOS_validation";
    const char* extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    VkDebugUtilsMessengerCreateInfoEXT mci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
    mci.pfnUserCallback = &ComputeContext::on_message;
    mci.pUserData = c.get();
    VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ici.pApplicationInfo = &app;
    if (validation) {
        mci.pNext = &features;
        ici.pNext = &mci;   // also reports problems in vkCreateInstance/vkDestroyInstance themselves
        ici.enabledLayerCount = 1;
        ici.ppEnabledLayerNames = &layer;
        ici.enabledExtensionCount = 1;
        ici.ppEnabledExtensionNames = &extension;
    }
    const VkResult created = create_instance(&ici, nullptr, &c->m_instance);
    if (created == VK_ERROR_INCOMPATIBLE_DRIVER) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: no Vulkan 1.1 driver (VK_ERROR_INCOMPATIBLE_DRIVER)");
    NTEX_VK_CHECK(created);
#define NTEX_VKC_LOAD_INSTANCE(name)                                                               \
    c->m_vk.name = reinterpret_cast<PFN_##name>(gipa(c->m_instance, #name));                       \
    if (c->m_vk.name == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: the instance does not expose " #name);
    NTEX_VKC_INSTANCE_FUNCTIONS(NTEX_VKC_LOAD_INSTANCE)
#undef NTEX_VKC_LOAD_INSTANCE
    if (validation) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(gipa(c->m_instance, "vkCreateDebugUtilsMessengerEXT"));
        c->m_destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(gipa(c->m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (create != nullptr && c->m_destroy_messenger != nullptr) {
            mci.pNext = nullptr;
            NTEX_VK_CHECK(create(c->m_instance, &mci, nullptr, &c->m_messenger));
        }
    }

    uint32_t count = 0;
    NTEX_VK_CHECK(c->m_vk.vkEnumeratePhysicalDevices(c->m_instance, &count, nullptr));
    std::vector<VkPhysicalDevice> devices(count);
    NTEX_VK_CHECK(c->m_vk.vkEnumeratePhysicalDevices(c->m_instance, &count, devices.data()));
    devices.resize(count);
    if (devices.empty()) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: no Vulkan physical device");
    int best_rank = 99;
    for (VkPhysicalDevice d : devices) {
        VkPhysicalDeviceProperties p;
        c->m_vk.vkGetPhysicalDeviceProperties(d, &p);
        if (p.apiVersion < VK_API_VERSION_1_1) continue;
        uint32_t n = 0;
        c->m_vk.vkGetPhysicalDeviceQueueFamilyProperties(d, &n, nullptr);
        std::vector<VkQueueFamilyProperties> families(n);
        c->m_vk.vkGetPhysicalDeviceQueueFamilyProperties(d, &n, families.data());
        for (uint32_t f = 0; f < n; ++f) {
            if ((families[f].queueFlags & VK_QUEUE_COMPUTE_BIT) == 0 || families[f].queueCount == 0) continue;
            if (device_rank(p.deviceType) < best_rank) {
                best_rank = device_rank(p.deviceType);
                c->m_physical_device = d;
                c->m_queue_family = f;
            }
            break;
        }
    }
    if (c->m_physical_device == VK_NULL_HANDLE) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: no Vulkan 1.1 device with a compute queue (", count, " devices checked)");
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = c->m_queue_family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    VkPhysicalDeviceProperties chosen{};
    c->m_vk.vkGetPhysicalDeviceProperties(c->m_physical_device, &chosen);
    c->m_fp16_reason = fp16_support(c->m_vk, c->m_physical_device, std::min(chosen.apiVersion, app.apiVersion));
    VkPhysicalDeviceShaderFloat16Int8Features f16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
    VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
    if (c->m_fp16_reason.empty()) {
        f16.shaderFloat16 = VK_TRUE;
        s16.storageBuffer16BitAccess = VK_TRUE;
        s16.pNext = &f16;
        dci.pNext = &s16;
        c->m_fp16 = true;
    }
    // synchronization2: core in 1.3 (instance and device), where the device supports it.
    VkPhysicalDeviceSynchronization2Features sync2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES};
    bool want_sync2 = false;
    if (std::min(chosen.apiVersion, app.apiVersion) >= VK_API_VERSION_1_3) {
        VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
        f2.pNext = &sync2;
        c->m_vk.vkGetPhysicalDeviceFeatures2(c->m_physical_device, &f2);
        want_sync2 = sync2.synchronization2 == VK_TRUE;
        sync2.pNext = const_cast<void*>(dci.pNext);
        if (want_sync2) dci.pNext = &sync2;
    }
    NTEX_VK_CHECK(c->m_vk.vkCreateDevice(c->m_physical_device, &dci, nullptr, &c->m_device));
    c->load_device_functions(c->m_vk.vkGetDeviceProcAddr);
    c->finish_setup();
    c->set_barriers(want_sync2, c->m_vk.vkGetDeviceProcAddr);
    if (!want_sync2) c->m_sync2_reason = "the headless device has no Vulkan 1.3 synchronization2";
    return c;
}

std::shared_ptr<ComputeContext> ComputeContext::borrow(const NtexVulkanDeviceInfo& info, const NtexVulkanDeviceFeatures* features,
                                                       const NtexDeviceMemoryCallbacks* memory) {
    if (info.instance == VK_NULL_HANDLE || info.physicalDevice == VK_NULL_HANDLE || info.device == VK_NULL_HANDLE ||
        info.pfnGetInstanceProcAddr == nullptr) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "Vulkan compute: NtexVulkanDeviceInfo needs instance, physicalDevice, device and pfnGetInstanceProcAddr");
    }
    std::shared_ptr<ComputeContext> c(new ComputeContext());
    c->m_instance = info.instance;
    c->m_physical_device = info.physicalDevice;
    c->m_device = info.device;
    c->m_queue_family = info.queueFamilyIndex;
    c->m_allocator = info.pAllocator;
    if (memory != nullptr) c->m_memory_callbacks = *memory;
#define NTEX_VKC_LOAD_INSTANCE(name)                                                                      \
    c->m_vk.name = reinterpret_cast<PFN_##name>(info.pfnGetInstanceProcAddr(info.instance, #name));       \
    if (c->m_vk.name == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: the host's instance does not expose " #name);
    NTEX_VKC_INSTANCE_FUNCTIONS(NTEX_VKC_LOAD_INSTANCE)
#undef NTEX_VKC_LOAD_INSTANCE
    uint32_t n = 0;
    c->m_vk.vkGetPhysicalDeviceQueueFamilyProperties(c->m_physical_device, &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    c->m_vk.vkGetPhysicalDeviceQueueFamilyProperties(c->m_physical_device, &n, families.data());
    if (c->m_queue_family >= n || (families[c->m_queue_family].queueFlags & VK_QUEUE_COMPUTE_BIT) == 0) {
        fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: the host's queue family ", c->m_queue_family, " has no compute capability");
    }
    const PFN_vkGetDeviceProcAddr get_device = info.pfnGetDeviceProcAddr ? info.pfnGetDeviceProcAddr : c->m_vk.vkGetDeviceProcAddr;
    c->load_device_functions(get_device);
    c->finish_setup();
    c->set_barriers(features != nullptr && features->synchronization2 == VK_TRUE, get_device);
    // Only what the host says it enabled, and only where the device supports it.
    if (features == nullptr || !features->shaderFloat16 || !features->storageBuffer16BitAccess) {
        c->m_fp16_reason = "the host did not declare shaderFloat16 and storageBuffer16BitAccess enabled (NtexVulkanDeviceFeatures)";
    } else {
        c->m_fp16_reason = fp16_support(c->m_vk, c->m_physical_device, c->m_properties.apiVersion);
        c->m_fp16 = c->m_fp16_reason.empty();
    }
    return c;
}

void ComputeContext::load_device_functions(PFN_vkGetDeviceProcAddr get_device) {
#define NTEX_VKC_LOAD_DEVICE(name)                                                      \
    m_vk.name = reinterpret_cast<PFN_##name>(get_device(m_device, #name));              \
    if (m_vk.name == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: the device does not expose " #name);
    NTEX_VKC_DEVICE_FUNCTIONS(NTEX_VKC_LOAD_DEVICE)
#undef NTEX_VKC_LOAD_DEVICE
}

void ComputeContext::set_barriers(bool declared, PFN_vkGetDeviceProcAddr get_device) {
    const PFN_vkCmdPipelineBarrier2 sync2 =
        synchronization2_entry(declared, m_vk.vkGetPhysicalDeviceFeatures2, m_physical_device, m_properties.apiVersion, get_device, m_device,
                               m_sync2_reason);
    m_barriers = BarrierRecorder(m_vk.vkCmdPipelineBarrier, sync2);
}

void ComputeContext::finish_setup() {
    m_pool = std::make_unique<MemoryPool>(*this);
    m_vk.vkGetPhysicalDeviceProperties(m_physical_device, &m_properties);
    m_vk.vkGetPhysicalDeviceMemoryProperties(m_physical_device, &m_memory);
    m_vk.vkGetDeviceQueue(m_device, m_queue_family, 0, &m_queue);
}

ComputeContext::~ComputeContext() {
    // Never throws: only destroy calls (void) and one wait whose failure leaves nothing to do. The pool
    // is empty by now (every Buffer holds this context), so releasing it first frees nothing late.
    m_pool.reset();
    if (m_owned) {
        if (m_device != VK_NULL_HANDLE) {
            (void)m_vk.vkDeviceWaitIdle(m_device);
            m_vk.vkDestroyDevice(m_device, nullptr);
        }
        if (m_messenger != VK_NULL_HANDLE) m_destroy_messenger(m_instance, m_messenger, nullptr);
        if (m_instance != VK_NULL_HANDLE) m_vk.vkDestroyInstance(m_instance, nullptr);
    }
    if (m_library != nullptr) ::dlclose(m_library);
}

uint32_t ComputeContext::memory_type(uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const {
    for (const VkMemoryPropertyFlags want : {required | preferred, required}) {
        for (uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
            if ((type_bits & (1u << i)) != 0 && (m_memory.memoryTypes[i].propertyFlags & want) == want) return i;
        }
    }
    fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: no memory type with property flags 0x", std::hex, required, " for type bits 0x", type_bits);
}

std::string ComputeContext::describe() const {
    return cat(m_properties.deviceName, " (Vulkan ", VK_API_VERSION_MAJOR(m_properties.apiVersion), ".", VK_API_VERSION_MINOR(m_properties.apiVersion),
               m_owned ? ", headless" : ", host device", m_barriers.synchronization2() ? ", synchronization2)" : ")");
}

}  // namespace ntex::vulkan
