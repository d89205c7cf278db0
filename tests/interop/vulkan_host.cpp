// SPDX-License-Identifier: MIT
// vulkan_host.cpp: the test host's Vulkan setup (lavapipe or any 1.2+ device).
#include "vulkan_host.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ntex_test {
namespace {

void check(VkResult r, const char* what) {
    if (r != VK_SUCCESS) throw std::runtime_error(std::string(what) + " failed: VkResult " + std::to_string(r));
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
                                          const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    auto* host = static_cast<VulkanHost*>(user);
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        host->errors++;
    } else if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        host->warnings++;
    } else {
        return VK_FALSE;
    }
    std::fprintf(stderr, "validation: %s\n", data && data->pMessage ? data->pMessage : "");
    return VK_FALSE;
}

bool has_layer(const char* name) {
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    vkEnumerateInstanceLayerProperties(&n, layers.data());
    for (const auto& l : layers) {
        if (std::strcmp(l.layerName, name) == 0) return true;
    }
    return false;
}

bool has_device_extension(VkPhysicalDevice device, const char* name) {
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> extensions(n);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &n, extensions.data());
    for (const auto& e : extensions) {
        if (std::strcmp(e.extensionName, name) == 0) return true;
    }
    return false;
}

}  // namespace

VulkanHost::VulkanHost(bool want_external_fd, bool with_validation, bool want_synchronization2, const char* second_family_layer) {
    validation = with_validation && has_layer("VK_LAYER_KHRONOS_validation");
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "ntex test host";
    app.apiVersion = VK_API_VERSION_1_2;
    // The validation layer first (nearest the application), so it sees the families the layer below reports.
    std::vector<const char*> layers;
    if (validation) layers.push_back("VK_LAYER_KHRONOS_validation");
    if (second_family_layer != nullptr && has_layer(second_family_layer)) layers.push_back(second_family_layer);
    const char* ext = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    // Synchronization validation catches missing barriers in the commands ntex records.
    VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    VkDebugUtilsMessengerCreateInfoEXT mci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
    mci.pfnUserCallback = on_message;
    mci.pUserData = this;
    mci.pNext = &features;
    VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ici.pApplicationInfo = &app;
    ici.enabledLayerCount = static_cast<uint32_t>(layers.size());
    ici.ppEnabledLayerNames = layers.data();
    if (validation) {
        ici.enabledExtensionCount = 1;
        ici.ppEnabledExtensionNames = &ext;
        ici.pNext = &mci;
    }
    check(vkCreateInstance(&ici, nullptr, &instance), "vkCreateInstance");
    if (validation) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
        mci.pNext = nullptr;
        if (create) check(create(instance, &mci, nullptr, &m_messenger), "vkCreateDebugUtilsMessengerEXT");
    }
    uint32_t n = 0;
    vkEnumeratePhysicalDevices(instance, &n, nullptr);
    if (n == 0) throw std::runtime_error("no Vulkan physical device (is mesa-vulkan-drivers installed?)");
    std::vector<VkPhysicalDevice> devices(n);
    vkEnumeratePhysicalDevices(instance, &n, devices.data());
    physical_device = devices[0];
    if (want_external_fd) {
        // Both fd extensions beat the memory one alone; a discrete GPU (the CUDA device) beats the rest.
        int best = 0;
        for (uint32_t i = 0; i < n; ++i) {
            const bool memory = has_device_extension(devices[i], VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME);
            const bool semaphore = has_device_extension(devices[i], VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME);
            if (!memory) continue;
            VkPhysicalDeviceProperties p;
            vkGetPhysicalDeviceProperties(devices[i], &p);
            const int score = 1 + (semaphore ? 2 : 0) + (p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU ? 1 : 0);
            if (score > best) {
                best = score;
                physical_device = devices[i];
                external_memory_fd = true;
                external_fd = semaphore;
            }
        }
    }
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(physical_device, &props);
    device_name = props.deviceName;

    uint32_t fn = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical_device, &fn, nullptr);
    std::vector<VkQueueFamilyProperties> families(fn);
    vkGetPhysicalDeviceQueueFamilyProperties(physical_device, &fn, families.data());
    queue_family = UINT32_MAX;
    for (uint32_t i = 0; i < fn; ++i) {
        if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) {
            queue_family = i;
            break;
        }
    }
    if (queue_family == UINT32_MAX) throw std::runtime_error("no graphics queue family");
    if (second_family_layer != nullptr) {
        for (uint32_t i = 0; i < fn && other_family == UINT32_MAX; ++i) {
            if (i != queue_family && (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) other_family = i;
        }
        if (other_family == UINT32_MAX) throw std::runtime_error("no second queue family with compute (is the test layer built?)");
    }
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qcis[2] = {{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO}, {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO}};
    VkDeviceQueueCreateInfo& qci = qcis[0];
    qci.queueFamilyIndex = queue_family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    qcis[1] = qci;
    qcis[1].queueFamilyIndex = other_family;
    // What an engine enables for ntex: timeline semaphores (required), and float16 arithmetic with 16-bit
    // storage buffers where the device has them (the Vulkan compute backend's FP16 mode).
    VkPhysicalDeviceVulkan11Features have11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
    VkPhysicalDeviceVulkan12Features have12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceSynchronization2Features have_sync2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES};
    have11.pNext = &have12;
    // The instance is Vulkan 1.2, so synchronization2 comes from the extension (as on older engines); its
    // feature struct may be queried only where the device offers the extension.
    const bool sync2_extension = has_device_extension(physical_device, VK_KHR_SYNCHRONIZATION_2_EXTENSION_NAME);
    if (sync2_extension) have12.pNext = &have_sync2;
    VkPhysicalDeviceFeatures2 have{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    have.pNext = &have11;
    vkGetPhysicalDeviceFeatures2(physical_device, &have);
    fp16 = have11.storageBuffer16BitAccess && have12.shaderFloat16;
    synchronization2 = want_synchronization2 && sync2_extension && have_sync2.synchronization2;
    VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
    f11.storageBuffer16BitAccess = fp16 ? VK_TRUE : VK_FALSE;
    VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    f12.timelineSemaphore = VK_TRUE;
    f12.shaderFloat16 = fp16 ? VK_TRUE : VK_FALSE;
    f11.pNext = &f12;
    VkPhysicalDeviceSynchronization2Features f_sync2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES};
    f_sync2.synchronization2 = VK_TRUE;
    if (synchronization2) f12.pNext = &f_sync2;
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.pNext = &f11;
    dci.queueCreateInfoCount = other_family == UINT32_MAX ? 1 : 2;
    dci.pQueueCreateInfos = qcis;
    std::vector<const char*> extensions;
    if (external_memory_fd) extensions.push_back(VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME);
    if (external_fd) extensions.push_back(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME);
    if (synchronization2) extensions.push_back(VK_KHR_SYNCHRONIZATION_2_EXTENSION_NAME);
    dci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    dci.ppEnabledExtensionNames = extensions.data();
    check(vkCreateDevice(physical_device, &dci, nullptr, &device), "vkCreateDevice");
    vkGetDeviceQueue(device, queue_family, 0, &queue);
    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.queueFamilyIndex = queue_family;
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    check(vkCreateCommandPool(device, &pci, nullptr, &pool), "vkCreateCommandPool");
    if (other_family != UINT32_MAX) {
        vkGetDeviceQueue(device, other_family, 0, &other_queue);
        pci.queueFamilyIndex = other_family;
        check(vkCreateCommandPool(device, &pci, nullptr, &other_pool), "vkCreateCommandPool (second family)");
    }
}

VulkanHost::~VulkanHost() {
    if (device) {
        vkDeviceWaitIdle(device);
        vkDestroyCommandPool(device, pool, nullptr);
        if (other_pool) vkDestroyCommandPool(device, other_pool, nullptr);
        vkDestroyDevice(device, nullptr);
    }
    if (m_messenger) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(instance, m_messenger, nullptr);
    }
    if (instance) vkDestroyInstance(instance, nullptr);
}

void VulkanHost::submit(const std::function<uint64_t(VkCommandBuffer)>& record, VkSemaphore semaphore) {
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    check(vkAllocateCommandBuffers(device, &ai, &cmd), "vkAllocateCommandBuffers");
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
    const uint64_t value = record(cmd);
    check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
    VkTimelineSemaphoreSubmitInfo ts{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
    ts.signalSemaphoreValueCount = 1;
    ts.pSignalSemaphoreValues = &value;
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    if (semaphore != VK_NULL_HANDLE && value > 0) {
        si.pNext = &ts;
        si.signalSemaphoreCount = 1;
        si.pSignalSemaphores = &semaphore;
    }
    check(vkQueueSubmit(queue, 1, &si, VK_NULL_HANDLE), "vkQueueSubmit");
    check(vkQueueWaitIdle(queue), "vkQueueWaitIdle");
    vkFreeCommandBuffers(device, pool, 1, &cmd);
}

NtexVulkanDeviceInfo VulkanHost::device_info() const {
    NtexVulkanDeviceInfo vk{};
    vk.sType = NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO;
    vk.instance = instance;
    vk.physicalDevice = physical_device;
    vk.device = device;
    vk.queueFamilyIndex = queue_family;
    vk.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    return vk;
}

NtexResult VulkanHost::create_context(NtexBackend backend, NtexContext* context, const ContextOptions& options) const {
    NtexVulkanDeviceInfo vk = device_info();
    if (options.get_instance_proc != nullptr) vk.pfnGetInstanceProcAddr = options.get_instance_proc;
    vk.pAllocator = options.allocator;
    vk.pNext = options.next;
    if (options.queue_family != UINT32_MAX) vk.queueFamilyIndex = options.queue_family;
    NtexContextCreateInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.pNext = &vk;
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.backend = backend;
    ci.threadCount = 2;
    ci.pfnLog = options.log;
    ci.pLogUserData = options.log_user;
    return ntexCreateContext(&ci, context);
}

uint32_t VulkanHost::memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const {
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(physical_device, &mp);
    for (uint32_t i = 0; i < mp.memoryTypeCount; ++i) {
        if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & flags) == flags) return i;
    }
    throw std::runtime_error("no suitable memory type");
}

VulkanHost::HostBuffer VulkanHost::create_host_buffer(VkDeviceSize size) const {
    HostBuffer b;
    VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bci.size = size;
    bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    check(vkCreateBuffer(device, &bci, nullptr, &b.buffer), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(device, b.buffer, &req);
    VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    mai.allocationSize = req.size;
    mai.memoryTypeIndex = memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    check(vkAllocateMemory(device, &mai, nullptr, &b.memory), "vkAllocateMemory");
    check(vkBindBufferMemory(device, b.buffer, b.memory, 0), "vkBindBufferMemory");
    check(vkMapMemory(device, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped), "vkMapMemory");
    return b;
}

void VulkanHost::destroy(HostBuffer& b) const noexcept {
    if (b.buffer != VK_NULL_HANDLE) vkDestroyBuffer(device, b.buffer, nullptr);   // before its memory (best practices)
    if (b.memory != VK_NULL_HANDLE) vkFreeMemory(device, b.memory, nullptr);   // unmaps
    b = HostBuffer{};
}

void VulkanHost::record_image_read(VkCommandBuffer cmd, VkImage image, VkImageLayout layout, uint32_t level, uint32_t w, uint32_t h,
                                   VkBuffer buffer, uint32_t layer, VkPipelineStageFlags consumers) {
    const VkPipelineStageFlags kConsumers = consumers;
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    b.oldLayout = layout;
    b.newLayout = layout == VK_IMAGE_LAYOUT_GENERAL ? VK_IMAGE_LAYOUT_GENERAL : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, level, 1, layer, 1};
    vkCmdPipelineBarrier(cmd, kConsumers, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &b);
    VkBufferImageCopy copy{};
    copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level, layer, 1};
    copy.imageExtent = {w, h, 1};
    vkCmdCopyImageToBuffer(cmd, image, b.newLayout, buffer, 1, &copy);
    std::swap(b.oldLayout, b.newLayout);
    b.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, kConsumers, 0, 0, nullptr, 0, nullptr, 1, &b);
    VkBufferMemoryBarrier hb{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    hb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    hb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    hb.srcQueueFamilyIndex = hb.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    hb.buffer = buffer;
    hb.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &hb, 0, nullptr);
}

NtexResult VulkanHost::update_and_submit(NtexTextureSet set) {
    NtexResult result = NTEX_ERROR_UNKNOWN;
    uint64_t value = 0;
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    if (ntexGetTextureSetImages(set, &images) != NTEX_SUCCESS) return NTEX_ERROR_INVALID_ARGUMENT;
    submit(
        [&](VkCommandBuffer cmd) {
            result = ntexCmdUpdateTextureSet(set, cmd, &value);
            return value;
        },
        images.semaphore);
    return result == NTEX_SUCCESS && value == 0 ? NTEX_ERROR_UNKNOWN : result;
}

VulkanHost::Image VulkanHost::create_image(VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels, uint32_t layers,
                                           VkImageUsageFlags usage, float clear) {
    Image im;
    VkImageCreateInfo ici{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    ici.imageType = VK_IMAGE_TYPE_2D;
    ici.format = format;
    ici.extent = {width, height, 1};
    ici.mipLevels = mip_levels;
    ici.arrayLayers = layers;
    ici.samples = VK_SAMPLE_COUNT_1_BIT;
    ici.tiling = VK_IMAGE_TILING_OPTIMAL;
    ici.usage = usage | VK_IMAGE_USAGE_TRANSFER_DST_BIT;   // for the clear below
    ici.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateImage(device, &ici, nullptr, &im.image), "vkCreateImage");
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(device, im.image, &req);
    VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    mai.allocationSize = req.size;
    mai.memoryTypeIndex = memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    check(vkAllocateMemory(device, &mai, nullptr, &im.memory), "vkAllocateMemory");
    check(vkBindImageMemory(device, im.image, im.memory, 0), "vkBindImageMemory");
    VkImageViewCreateInfo vci{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    vci.image = im.image;
    vci.viewType = VK_IMAGE_VIEW_TYPE_2D_ARRAY;
    vci.format = format;
    vci.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, mip_levels, 0, layers};
    check(vkCreateImageView(device, &vci, nullptr, &im.view), "vkCreateImageView");
    submit([&](VkCommandBuffer cmd) {
        VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
        b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
        b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        b.image = im.image;
        b.subresourceRange = vci.subresourceRange;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &b);
        const VkClearColorValue value{{clear, clear, clear, clear}};
        vkCmdClearColorImage(cmd, im.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &value, 1, &vci.subresourceRange);
        b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
        b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
        b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0,
                             nullptr, 0, nullptr, 1, &b);
        return uint64_t{0};
    });
    return im;
}

void VulkanHost::destroy(Image& im) const noexcept {
    if (im.view != VK_NULL_HANDLE) vkDestroyImageView(device, im.view, nullptr);
    if (im.image != VK_NULL_HANDLE) vkDestroyImage(device, im.image, nullptr);
    if (im.memory != VK_NULL_HANDLE) vkFreeMemory(device, im.memory, nullptr);
    im = Image{};
}

std::vector<uint8_t> VulkanHost::read_image(VkImage image, uint32_t width, uint32_t height, uint32_t texel_bytes, uint32_t level,
                                            VkImageLayout layout, uint32_t layer) {
    const uint32_t w = std::max(1u, width >> level), h = std::max(1u, height >> level);
    const VkDeviceSize size = VkDeviceSize(w) * h * texel_bytes;
    HostBuffer buffer = create_host_buffer(size);
    submit([&](VkCommandBuffer cmd) {
        record_image_read(cmd, image, layout, level, w, h, buffer.buffer, layer);
        return uint64_t{0};
    });
    const auto* bytes = static_cast<const uint8_t*>(buffer.mapped);
    std::vector<uint8_t> out(bytes, bytes + size);
    destroy(buffer);
    return out;
}

}  // namespace ntex_test
