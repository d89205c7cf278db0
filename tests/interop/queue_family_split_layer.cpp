// SPDX-License-Identifier: MIT
// VK_LAYER_NTEX_test_queue_family_split (tests only): gives a device with one queue family (lavapipe in
// CI) a second, virtual family, so a queue-family ownership transfer (Vulkan spec, "Queue Family
// Ownership Transfer") can be recorded, submitted and checked by the validation layer above it.
//
// Why a layer: the validation layer learns the device's families by calling down the layer chain, and
// checks every barrier's family indices, the pairing of release and acquire barriers at submit, the
// command pool's family against the queue's, and image layouts. Below it, this layer reports one more
// family (index = the real family count, flags of family 0 without GRAPHICS: an async-compute family)
// and maps it onto family 0 for the driver: queue creation is merged, the virtual family's queues are
// distinct handles that submit to family 0's queue 0 under one lock, command pools move to family 0, and
// a barrier between two families that map to the same real one becomes an ordinary barrier (the driver
// has one family, so the release and the acquire are plain execution and memory dependencies).
// Enable it after VK_LAYER_KHRONOS_validation in ppEnabledLayerNames, so validation sits above it.
//
// Only what the ownership tests use is mapped: queue family queries, device and queue creation, queue
// submission and labels, command pools, pipeline barriers (1 and 2), event waits (1 and 2), and
// CONCURRENT sharing (made EXCLUSIVE for the driver). Surfaces and swapchains are not (headless tests).
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace {

void* key_of(const void* dispatchable) { return *static_cast<void* const*>(dispatchable); }

struct InstanceData {
    PFN_vkGetInstanceProcAddr next_gipa = nullptr;
    VkInstance instance = VK_NULL_HANDLE;
    PFN_vkDestroyInstance destroy_instance = nullptr;
    PFN_vkGetPhysicalDeviceQueueFamilyProperties family_props = nullptr;
    PFN_vkGetPhysicalDeviceQueueFamilyProperties2 family_props2 = nullptr;
};

// A queue of the virtual family: a dispatchable handle of its own (the loader writes its dispatch
// pointer into the first word) standing for the real family-0 queue.
struct VirtualQueue {
    void* loader_data;
    VkQueue real;
};

struct DeviceData {
    PFN_vkGetDeviceProcAddr next_gdpa = nullptr;
    uint32_t virtual_family = 0;   // = the real family count
    VkQueue real_queue = VK_NULL_HANDLE;
    std::vector<std::unique_ptr<VirtualQueue>> virtual_queues;
    std::mutex submit;   // both families' queues are one driver queue
    PFN_vkDestroyDevice destroy_device = nullptr;
    PFN_vkGetDeviceQueue get_queue = nullptr;
    PFN_vkQueueSubmit queue_submit = nullptr;
    PFN_vkQueueSubmit2 queue_submit2 = nullptr;
    PFN_vkQueueSubmit2 queue_submit2_khr = nullptr;
    PFN_vkQueueWaitIdle queue_wait_idle = nullptr;
    PFN_vkQueueBeginDebugUtilsLabelEXT begin_label = nullptr;
    PFN_vkQueueEndDebugUtilsLabelEXT end_label = nullptr;
    PFN_vkQueueInsertDebugUtilsLabelEXT insert_label = nullptr;
    PFN_vkCreateCommandPool create_pool = nullptr;
    PFN_vkCreateImage create_image = nullptr;
    PFN_vkCreateBuffer create_buffer = nullptr;
    PFN_vkCmdPipelineBarrier barrier = nullptr;
    PFN_vkCmdPipelineBarrier2 barrier2 = nullptr;
    PFN_vkCmdPipelineBarrier2 barrier2_khr = nullptr;
    PFN_vkCmdWaitEvents wait_events = nullptr;
    PFN_vkCmdWaitEvents2 wait_events2 = nullptr;
    PFN_vkCmdWaitEvents2 wait_events2_khr = nullptr;
};

std::mutex g_lock;
std::map<void*, std::unique_ptr<InstanceData>> g_instances;   // by dispatch key
std::map<void*, std::unique_ptr<DeviceData>> g_devices;       // by dispatch key

InstanceData* instance_of(const void* handle) {
    std::lock_guard<std::mutex> lock(g_lock);
    auto it = g_instances.find(key_of(handle));
    return it == g_instances.end() ? nullptr : it->second.get();
}

DeviceData* device_of(const void* handle) {
    std::lock_guard<std::mutex> lock(g_lock);
    auto it = g_devices.find(key_of(handle));
    return it == g_devices.end() ? nullptr : it->second.get();
}

// The driver's queue for a queue handle the application holds.
VkQueue real_queue(DeviceData* d, VkQueue queue) {
    for (const auto& v : d->virtual_queues) {
        if (reinterpret_cast<VkQueue>(v.get()) == queue) return v->real;
    }
    return queue;
}

uint32_t real_family(const DeviceData* d, uint32_t family) { return family == d->virtual_family ? 0 : family; }

// Family indices of one barrier as the driver must see them.
void map_families(const DeviceData* d, uint32_t& src, uint32_t& dst) {
    const auto special = [](uint32_t f) {
        return f == VK_QUEUE_FAMILY_IGNORED || f == VK_QUEUE_FAMILY_EXTERNAL || f == VK_QUEUE_FAMILY_FOREIGN_EXT;
    };
    if (special(src) || special(dst)) return;
    const uint32_t s = real_family(d, src), t = real_family(d, dst);
    if (src != dst && s == t) {
        src = dst = VK_QUEUE_FAMILY_IGNORED;   // a transfer between families the driver sees as one
    } else {
        src = s;
        dst = t;
    }
}

// ---- instance level ----

VKAPI_ATTR VkResult VKAPI_CALL CreateInstance(const VkInstanceCreateInfo* info, const VkAllocationCallbacks* alloc, VkInstance* out) {
    auto* link = static_cast<VkLayerInstanceCreateInfo*>(const_cast<void*>(info->pNext));
    while (link && !(link->sType == VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO && link->function == VK_LAYER_LINK_INFO)) {
        link = static_cast<VkLayerInstanceCreateInfo*>(const_cast<void*>(link->pNext));
    }
    if (!link) return VK_ERROR_INITIALIZATION_FAILED;
    const PFN_vkGetInstanceProcAddr next = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
    link->u.pLayerInfo = link->u.pLayerInfo->pNext;
    auto create = reinterpret_cast<PFN_vkCreateInstance>(next(VK_NULL_HANDLE, "vkCreateInstance"));
    const VkResult r = create(info, alloc, out);
    if (r != VK_SUCCESS) return r;
    auto d = std::make_unique<InstanceData>();
    d->next_gipa = next;
    d->instance = *out;
    d->destroy_instance = reinterpret_cast<PFN_vkDestroyInstance>(next(*out, "vkDestroyInstance"));
    d->family_props = reinterpret_cast<PFN_vkGetPhysicalDeviceQueueFamilyProperties>(next(*out, "vkGetPhysicalDeviceQueueFamilyProperties"));
    d->family_props2 = reinterpret_cast<PFN_vkGetPhysicalDeviceQueueFamilyProperties2>(next(*out, "vkGetPhysicalDeviceQueueFamilyProperties2"));
    if (!d->family_props2) {
        d->family_props2 = reinterpret_cast<PFN_vkGetPhysicalDeviceQueueFamilyProperties2>(next(*out, "vkGetPhysicalDeviceQueueFamilyProperties2KHR"));
    }
    std::lock_guard<std::mutex> lock(g_lock);
    g_instances[key_of(*out)] = std::move(d);
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL DestroyInstance(VkInstance instance, const VkAllocationCallbacks* alloc) {
    InstanceData* d = instance_of(instance);
    if (!d) return;
    const PFN_vkDestroyInstance destroy = d->destroy_instance;
    {
        std::lock_guard<std::mutex> lock(g_lock);
        g_instances.erase(key_of(instance));
    }
    destroy(instance, alloc);
}

// The real families, then the virtual one: family 0's flags without GRAPHICS, one queue.
std::vector<VkQueueFamilyProperties> families_with_virtual(InstanceData* d, VkPhysicalDevice pd) {
    uint32_t n = 0;
    d->family_props(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> f(n);
    d->family_props(pd, &n, f.data());
    if (n == 0) return f;
    VkQueueFamilyProperties v = f[0];
    v.queueFlags &= ~static_cast<VkQueueFlags>(VK_QUEUE_GRAPHICS_BIT);
    v.queueFlags |= VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT;
    v.queueCount = 1;
    f.push_back(v);
    return f;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceQueueFamilyProperties(VkPhysicalDevice pd, uint32_t* count, VkQueueFamilyProperties* props) {
    const std::vector<VkQueueFamilyProperties> f = families_with_virtual(instance_of(pd), pd);
    if (!props) {
        *count = static_cast<uint32_t>(f.size());
        return;
    }
    *count = std::min(*count, static_cast<uint32_t>(f.size()));
    std::memcpy(props, f.data(), *count * sizeof(VkQueueFamilyProperties));
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceQueueFamilyProperties2(VkPhysicalDevice pd, uint32_t* count, VkQueueFamilyProperties2* props) {
    InstanceData* d = instance_of(pd);
    const std::vector<VkQueueFamilyProperties> f = families_with_virtual(d, pd);
    if (f.empty() || !props) {
        *count = static_cast<uint32_t>(f.size());
        return;
    }
    // The real families from the driver (their chained structs filled), then the virtual one's core part.
    const uint32_t real = static_cast<uint32_t>(f.size()) - 1;
    uint32_t n = std::min(*count, real);
    d->family_props2(pd, &n, props);
    if (*count > real) props[real].queueFamilyProperties = f[real];
    *count = std::min(*count, real + 1);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateDevice(VkPhysicalDevice pd, const VkDeviceCreateInfo* info, const VkAllocationCallbacks* alloc,
                                            VkDevice* out) {
    InstanceData* inst = instance_of(pd);
    auto* link = static_cast<VkLayerDeviceCreateInfo*>(const_cast<void*>(info->pNext));
    while (link && !(link->sType == VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO && link->function == VK_LAYER_LINK_INFO)) {
        link = static_cast<VkLayerDeviceCreateInfo*>(const_cast<void*>(link->pNext));
    }
    if (!link || !inst) return VK_ERROR_INITIALIZATION_FAILED;
    const PFN_vkGetInstanceProcAddr next_gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
    const PFN_vkGetDeviceProcAddr next_gdpa = link->u.pLayerInfo->pfnNextGetDeviceProcAddr;
    link->u.pLayerInfo = link->u.pLayerInfo->pNext;
    uint32_t real_count = 0;
    inst->family_props(pd, &real_count, nullptr);
    // One queue of each family the application asked for; the virtual family's become family 0's queue 0.
    std::vector<VkDeviceQueueCreateInfo> queues;
    for (uint32_t i = 0; i < info->queueCreateInfoCount; ++i) {
        VkDeviceQueueCreateInfo q = info->pQueueCreateInfos[i];
        if (q.queueFamilyIndex == real_count) q.queueFamilyIndex = 0;
        bool merged = false;
        for (VkDeviceQueueCreateInfo& have : queues) {
            if (have.queueFamilyIndex == q.queueFamilyIndex) {
                have.queueCount = std::max(have.queueCount, q.queueCount);
                merged = true;
            }
        }
        if (!merged) queues.push_back(q);
    }
    VkDeviceCreateInfo ci = *info;
    ci.queueCreateInfoCount = static_cast<uint32_t>(queues.size());
    ci.pQueueCreateInfos = queues.data();
    auto create = reinterpret_cast<PFN_vkCreateDevice>(next_gipa(inst->instance, "vkCreateDevice"));
    const VkResult r = create(pd, &ci, alloc, out);
    if (r != VK_SUCCESS) return r;
    auto d = std::make_unique<DeviceData>();
    d->next_gdpa = next_gdpa;
    d->virtual_family = real_count;
    const auto get = [&](const char* name) { return next_gdpa(*out, name); };
    d->destroy_device = reinterpret_cast<PFN_vkDestroyDevice>(get("vkDestroyDevice"));
    d->get_queue = reinterpret_cast<PFN_vkGetDeviceQueue>(get("vkGetDeviceQueue"));
    d->queue_submit = reinterpret_cast<PFN_vkQueueSubmit>(get("vkQueueSubmit"));
    d->queue_submit2 = reinterpret_cast<PFN_vkQueueSubmit2>(get("vkQueueSubmit2"));
    d->queue_submit2_khr = reinterpret_cast<PFN_vkQueueSubmit2>(get("vkQueueSubmit2KHR"));
    d->queue_wait_idle = reinterpret_cast<PFN_vkQueueWaitIdle>(get("vkQueueWaitIdle"));
    d->begin_label = reinterpret_cast<PFN_vkQueueBeginDebugUtilsLabelEXT>(get("vkQueueBeginDebugUtilsLabelEXT"));
    d->end_label = reinterpret_cast<PFN_vkQueueEndDebugUtilsLabelEXT>(get("vkQueueEndDebugUtilsLabelEXT"));
    d->insert_label = reinterpret_cast<PFN_vkQueueInsertDebugUtilsLabelEXT>(get("vkQueueInsertDebugUtilsLabelEXT"));
    d->create_pool = reinterpret_cast<PFN_vkCreateCommandPool>(get("vkCreateCommandPool"));
    d->create_image = reinterpret_cast<PFN_vkCreateImage>(get("vkCreateImage"));
    d->create_buffer = reinterpret_cast<PFN_vkCreateBuffer>(get("vkCreateBuffer"));
    d->barrier = reinterpret_cast<PFN_vkCmdPipelineBarrier>(get("vkCmdPipelineBarrier"));
    d->barrier2 = reinterpret_cast<PFN_vkCmdPipelineBarrier2>(get("vkCmdPipelineBarrier2"));
    d->barrier2_khr = reinterpret_cast<PFN_vkCmdPipelineBarrier2>(get("vkCmdPipelineBarrier2KHR"));
    d->wait_events = reinterpret_cast<PFN_vkCmdWaitEvents>(get("vkCmdWaitEvents"));
    d->wait_events2 = reinterpret_cast<PFN_vkCmdWaitEvents2>(get("vkCmdWaitEvents2"));
    d->wait_events2_khr = reinterpret_cast<PFN_vkCmdWaitEvents2>(get("vkCmdWaitEvents2KHR"));
    d->get_queue(*out, 0, 0, &d->real_queue);
    std::lock_guard<std::mutex> lock(g_lock);
    g_devices[key_of(*out)] = std::move(d);
    return VK_SUCCESS;
}

// ---- device level ----

VKAPI_ATTR void VKAPI_CALL DestroyDevice(VkDevice device, const VkAllocationCallbacks* alloc) {
    std::unique_ptr<DeviceData> d;
    {
        std::lock_guard<std::mutex> lock(g_lock);
        auto it = g_devices.find(key_of(device));
        if (it == g_devices.end()) return;
        d = std::move(it->second);
        g_devices.erase(it);
    }
    d->destroy_device(device, alloc);
}

VirtualQueue* virtual_queue(DeviceData* d, uint32_t index) {
    std::lock_guard<std::mutex> lock(d->submit);
    while (d->virtual_queues.size() <= index) {
        auto v = std::make_unique<VirtualQueue>();
        v->real = d->real_queue;
        v->loader_data = key_of(d->real_queue);   // replaced by the loader with the device's dispatch
        d->virtual_queues.push_back(std::move(v));
    }
    return d->virtual_queues[index].get();
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue(VkDevice device, uint32_t family, uint32_t index, VkQueue* queue) {
    DeviceData* d = device_of(device);
    if (family == d->virtual_family) {
        *queue = reinterpret_cast<VkQueue>(virtual_queue(d, index));
        return;
    }
    d->get_queue(device, family, index, queue);
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue2(VkDevice device, const VkDeviceQueueInfo2* info, VkQueue* queue) {
    GetDeviceQueue(device, info->queueFamilyIndex, info->queueIndex, queue);
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit(VkQueue queue, uint32_t n, const VkSubmitInfo* submits, VkFence fence) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    return d->queue_submit(real_queue(d, queue), n, submits, fence);
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue queue, uint32_t n, const VkSubmitInfo2* submits, VkFence fence) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    return (d->queue_submit2 ? d->queue_submit2 : d->queue_submit2_khr)(real_queue(d, queue), n, submits, fence);
}

VKAPI_ATTR VkResult VKAPI_CALL QueueWaitIdle(VkQueue queue) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    return d->queue_wait_idle(real_queue(d, queue));
}

VKAPI_ATTR void VKAPI_CALL QueueBeginDebugUtilsLabel(VkQueue queue, const VkDebugUtilsLabelEXT* label) {
    DeviceData* d = device_of(queue);
    if (d->begin_label) d->begin_label(real_queue(d, queue), label);
}

VKAPI_ATTR void VKAPI_CALL QueueEndDebugUtilsLabel(VkQueue queue) {
    DeviceData* d = device_of(queue);
    if (d->end_label) d->end_label(real_queue(d, queue));
}

VKAPI_ATTR void VKAPI_CALL QueueInsertDebugUtilsLabel(VkQueue queue, const VkDebugUtilsLabelEXT* label) {
    DeviceData* d = device_of(queue);
    if (d->insert_label) d->insert_label(real_queue(d, queue), label);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateCommandPool(VkDevice device, const VkCommandPoolCreateInfo* info, const VkAllocationCallbacks* alloc,
                                                 VkCommandPool* pool) {
    DeviceData* d = device_of(device);
    VkCommandPoolCreateInfo ci = *info;
    ci.queueFamilyIndex = real_family(d, ci.queueFamilyIndex);
    return d->create_pool(device, &ci, alloc, pool);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateImage(VkDevice device, const VkImageCreateInfo* info, const VkAllocationCallbacks* alloc, VkImage* image) {
    DeviceData* d = device_of(device);
    VkImageCreateInfo ci = *info;
    if (ci.sharingMode == VK_SHARING_MODE_CONCURRENT && d->virtual_family == 1) {   // one real family: nothing to share
        ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        ci.queueFamilyIndexCount = 0;
        ci.pQueueFamilyIndices = nullptr;
    }
    return d->create_image(device, &ci, alloc, image);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateBuffer(VkDevice device, const VkBufferCreateInfo* info, const VkAllocationCallbacks* alloc, VkBuffer* buffer) {
    DeviceData* d = device_of(device);
    VkBufferCreateInfo ci = *info;
    if (ci.sharingMode == VK_SHARING_MODE_CONCURRENT && d->virtual_family == 1) {
        ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        ci.queueFamilyIndexCount = 0;
        ci.pQueueFamilyIndices = nullptr;
    }
    return d->create_buffer(device, &ci, alloc, buffer);
}

template <class Barrier>
std::vector<Barrier> mapped(const DeviceData* d, uint32_t n, const Barrier* barriers) {
    std::vector<Barrier> out(barriers, barriers + n);
    for (Barrier& b : out) map_families(d, b.srcQueueFamilyIndex, b.dstQueueFamilyIndex);
    return out;
}

// A VkDependencyInfo whose barriers' families the driver understands; `keep` owns the copies.
struct MappedDependency {
    VkDependencyInfo info;
    std::vector<VkBufferMemoryBarrier2> buffers;
    std::vector<VkImageMemoryBarrier2> images;
};

void map_dependency(const DeviceData* d, const VkDependencyInfo& in, MappedDependency& out) {
    out.info = in;
    out.buffers = mapped(d, in.bufferMemoryBarrierCount, in.pBufferMemoryBarriers);
    out.images = mapped(d, in.imageMemoryBarrierCount, in.pImageMemoryBarriers);
    out.info.pBufferMemoryBarriers = out.buffers.data();
    out.info.pImageMemoryBarriers = out.images.data();
}

VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier(VkCommandBuffer cmd, VkPipelineStageFlags src, VkPipelineStageFlags dst, VkDependencyFlags flags,
                                              uint32_t nm, const VkMemoryBarrier* m, uint32_t nb, const VkBufferMemoryBarrier* b, uint32_t ni,
                                              const VkImageMemoryBarrier* i) {
    DeviceData* d = device_of(cmd);
    const std::vector<VkBufferMemoryBarrier> buffers = mapped(d, nb, b);
    const std::vector<VkImageMemoryBarrier> images = mapped(d, ni, i);
    d->barrier(cmd, src, dst, flags, nm, m, nb, buffers.data(), ni, images.data());
}

VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier2(VkCommandBuffer cmd, const VkDependencyInfo* dep) {
    DeviceData* d = device_of(cmd);
    MappedDependency m;
    map_dependency(d, *dep, m);
    (d->barrier2 ? d->barrier2 : d->barrier2_khr)(cmd, &m.info);
}

VKAPI_ATTR void VKAPI_CALL CmdWaitEvents(VkCommandBuffer cmd, uint32_t ne, const VkEvent* events, VkPipelineStageFlags src, VkPipelineStageFlags dst,
                                         uint32_t nm, const VkMemoryBarrier* m, uint32_t nb, const VkBufferMemoryBarrier* b, uint32_t ni,
                                         const VkImageMemoryBarrier* i) {
    DeviceData* d = device_of(cmd);
    const std::vector<VkBufferMemoryBarrier> buffers = mapped(d, nb, b);
    const std::vector<VkImageMemoryBarrier> images = mapped(d, ni, i);
    d->wait_events(cmd, ne, events, src, dst, nm, m, nb, buffers.data(), ni, images.data());
}

VKAPI_ATTR void VKAPI_CALL CmdWaitEvents2(VkCommandBuffer cmd, uint32_t ne, const VkEvent* events, const VkDependencyInfo* deps) {
    DeviceData* d = device_of(cmd);
    std::vector<MappedDependency> m(ne);
    std::vector<VkDependencyInfo> infos(ne);
    for (uint32_t e = 0; e < ne; ++e) {
        map_dependency(d, deps[e], m[e]);
        infos[e] = m[e].info;
    }
    (d->wait_events2 ? d->wait_events2 : d->wait_events2_khr)(cmd, ne, events, infos.data());
}

PFN_vkVoidFunction device_function(const char* name) {
#define NTEX_LAYER_FN(api, fn) \
    if (std::strcmp(name, api) == 0) return reinterpret_cast<PFN_vkVoidFunction>(fn)
    NTEX_LAYER_FN("vkDestroyDevice", DestroyDevice);
    NTEX_LAYER_FN("vkGetDeviceQueue", GetDeviceQueue);
    NTEX_LAYER_FN("vkGetDeviceQueue2", GetDeviceQueue2);
    NTEX_LAYER_FN("vkQueueSubmit", QueueSubmit);
    NTEX_LAYER_FN("vkQueueSubmit2", QueueSubmit2);
    NTEX_LAYER_FN("vkQueueSubmit2KHR", QueueSubmit2);
    NTEX_LAYER_FN("vkQueueWaitIdle", QueueWaitIdle);
    NTEX_LAYER_FN("vkQueueBeginDebugUtilsLabelEXT", QueueBeginDebugUtilsLabel);
    NTEX_LAYER_FN("vkQueueEndDebugUtilsLabelEXT", QueueEndDebugUtilsLabel);
    NTEX_LAYER_FN("vkQueueInsertDebugUtilsLabelEXT", QueueInsertDebugUtilsLabel);
    NTEX_LAYER_FN("vkCreateCommandPool", CreateCommandPool);
    NTEX_LAYER_FN("vkCreateImage", CreateImage);
    NTEX_LAYER_FN("vkCreateBuffer", CreateBuffer);
    NTEX_LAYER_FN("vkCmdPipelineBarrier", CmdPipelineBarrier);
    NTEX_LAYER_FN("vkCmdPipelineBarrier2", CmdPipelineBarrier2);
    NTEX_LAYER_FN("vkCmdPipelineBarrier2KHR", CmdPipelineBarrier2);
    NTEX_LAYER_FN("vkCmdWaitEvents", CmdWaitEvents);
    NTEX_LAYER_FN("vkCmdWaitEvents2", CmdWaitEvents2);
    NTEX_LAYER_FN("vkCmdWaitEvents2KHR", CmdWaitEvents2);
#undef NTEX_LAYER_FN
    return nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char* name);

PFN_vkVoidFunction instance_function(const char* name) {
    if (std::strcmp(name, "vkGetInstanceProcAddr") == 0) return nullptr;   // resolved by GetInstanceProcAddr itself
    if (std::strcmp(name, "vkCreateInstance") == 0) return reinterpret_cast<PFN_vkVoidFunction>(CreateInstance);
    if (std::strcmp(name, "vkDestroyInstance") == 0) return reinterpret_cast<PFN_vkVoidFunction>(DestroyInstance);
    if (std::strcmp(name, "vkCreateDevice") == 0) return reinterpret_cast<PFN_vkVoidFunction>(CreateDevice);
    if (std::strcmp(name, "vkGetPhysicalDeviceQueueFamilyProperties") == 0) {
        return reinterpret_cast<PFN_vkVoidFunction>(GetPhysicalDeviceQueueFamilyProperties);
    }
    if (std::strcmp(name, "vkGetPhysicalDeviceQueueFamilyProperties2") == 0 ||
        std::strcmp(name, "vkGetPhysicalDeviceQueueFamilyProperties2KHR") == 0) {
        return reinterpret_cast<PFN_vkVoidFunction>(GetPhysicalDeviceQueueFamilyProperties2);
    }
    if (std::strcmp(name, "vkGetDeviceProcAddr") == 0) return reinterpret_cast<PFN_vkVoidFunction>(GetDeviceProcAddr);
    return nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char* name) {
    if (PFN_vkVoidFunction f = device_function(name)) return f;
    DeviceData* d = device_of(device);
    return d ? d->next_gdpa(device, name) : nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance, const char* name) {
    if (std::strcmp(name, "vkGetInstanceProcAddr") == 0) return reinterpret_cast<PFN_vkVoidFunction>(GetInstanceProcAddr);
    if (PFN_vkVoidFunction f = instance_function(name)) return f;
    if (PFN_vkVoidFunction f = device_function(name)) return f;
    if (instance == VK_NULL_HANDLE) return nullptr;
    InstanceData* d = instance_of(instance);
    return d ? d->next_gipa(instance, name) : nullptr;
}

}  // namespace

extern "C" VKAPI_ATTR VkResult VKAPI_CALL vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface* v) {
    if (!v || v->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT) return VK_ERROR_INITIALIZATION_FAILED;
    if (v->loaderLayerInterfaceVersion >= 2) {
        v->loaderLayerInterfaceVersion = 2;
        v->pfnGetInstanceProcAddr = GetInstanceProcAddr;
        v->pfnGetDeviceProcAddr = GetDeviceProcAddr;
        v->pfnGetPhysicalDeviceProcAddr = nullptr;
    }
    return VK_SUCCESS;
}
