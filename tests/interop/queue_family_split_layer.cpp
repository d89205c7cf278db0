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
// It also checks ownership where the validation layer does not (queue_family_ownership_tracker.h: a family
// using or releasing an image it does not own, a release never acquired), following every submitted image
// barrier, and reports violations as validation errors through vkSubmitDebugUtilsMessageEXT (the host's
// messenger counts them).
//
// Only what the ownership tests use is mapped: queue family queries, device and queue creation, queue
// submission, labels and names, command pools and buffers, pipeline barriers (1 and 2), events (1 and 2),
// and CONCURRENT sharing. Not mapped: surfaces, swapchains and presentation queries (headless tests),
// performance queries, checkpoints. Limits of one driver queue: a timeline wait on one family for a signal
// submitted later on the other deadlocks (submit signals first), and vkQueueWaitIdle waits for both.
#include "queue_family_ownership_tracker.h"

#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include <cstdio>

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
    PFN_vkSetDeviceLoaderData set_loader_data = nullptr;
    VkDevice device = VK_NULL_HANDLE;
    VkInstance instance = VK_NULL_HANDLE;
    PFN_vkSubmitDebugUtilsMessageEXT report = nullptr;   // NULL without VK_EXT_debug_utils: stderr
    uint32_t virtual_family = 0;   // = the real family count
    VkQueue real_queue = VK_NULL_HANDLE;
    std::vector<std::unique_ptr<VirtualQueue>> virtual_queues;
    std::mutex submit;   // both families' queues are one driver queue: every queue call holds it
    // Ownership tracking (under `state`): the application's family of each command pool, command buffer
    // and real queue, the image barriers each command buffer recorded, and the tracker.
    std::mutex state;
    std::map<VkCommandPool, uint32_t> pool_family;
    std::map<VkCommandBuffer, uint32_t> buffer_family;
    std::map<VkCommandBuffer, std::vector<ntex_test::ImageBarrierOp>> recorded;
    std::map<VkQueue, uint32_t> queue_family;
    ntex_test::OwnershipTracker owners;
    PFN_vkDestroyDevice destroy_device = nullptr;
    PFN_vkGetDeviceQueue get_queue = nullptr;
    PFN_vkGetDeviceQueue2 get_queue2 = nullptr;
    PFN_vkQueueSubmit queue_submit = nullptr;
    PFN_vkQueueBindSparse bind_sparse = nullptr;
    PFN_vkSetDebugUtilsObjectNameEXT set_name = nullptr;
    PFN_vkSetDebugUtilsObjectTagEXT set_tag = nullptr;
    PFN_vkAllocateCommandBuffers allocate_buffers = nullptr;
    PFN_vkFreeCommandBuffers free_buffers = nullptr;
    PFN_vkBeginCommandBuffer begin_buffer = nullptr;
    PFN_vkDestroyCommandPool destroy_pool = nullptr;
    PFN_vkDestroyImage destroy_image = nullptr;
    PFN_vkCmdSetEvent2 set_event2 = nullptr;
    PFN_vkCmdSetEvent2 set_event2_khr = nullptr;
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

bool special(uint32_t f) { return f == VK_QUEUE_FAMILY_IGNORED || f == VK_QUEUE_FAMILY_EXTERNAL || f == VK_QUEUE_FAMILY_FOREIGN_EXT; }

// Family indices of one barrier as the driver must see them. Returns true for the acquire half of a transfer
// between two families the driver sees as one (recorded on `recording_family` = dst), which then must not
// repeat the release's layout transition.
bool map_families(const DeviceData* d, uint32_t recording_family, uint32_t& src, uint32_t& dst) {
    const uint32_t s = special(src) ? src : real_family(d, src), t = special(dst) ? dst : real_family(d, dst);
    if (src != dst && !special(src) && !special(dst) && s == t) {
        const bool acquire = recording_family == dst;
        src = dst = VK_QUEUE_FAMILY_IGNORED;   // a transfer between families the driver sees as one
        return acquire;
    }
    src = s;
    dst = t;
    return false;
}

// A violation the tracker found, as a validation error to the host's messenger.
void report(DeviceData* d, const std::string& message) {
    if (d->report == nullptr) {
        std::fprintf(stderr, "VK_LAYER_NTEX_test_queue_family_split: %s\n", message.c_str());
        return;
    }
    VkDebugUtilsMessengerCallbackDataEXT data{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CALLBACK_DATA_EXT};
    data.pMessageIdName = "NTEX-test-queue-family-ownership";
    data.pMessage = message.c_str();
    d->report(d->instance, VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT, VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT, &data);
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
    v.queueFlags = VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT;   // nothing the mapping does not cover (sparse, video)
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
    VkLayerDeviceCreateInfo* link = nullptr;
    PFN_vkSetDeviceLoaderData set_loader_data = nullptr;
    for (auto* l = static_cast<VkLayerDeviceCreateInfo*>(const_cast<void*>(info->pNext)); l != nullptr;
         l = static_cast<VkLayerDeviceCreateInfo*>(const_cast<void*>(l->pNext))) {
        if (l->sType != VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO) continue;
        if (l->function == VK_LAYER_LINK_INFO && link == nullptr) link = l;
        if (l->function == VK_LOADER_DATA_CALLBACK) set_loader_data = l->u.pfnSetDeviceLoaderData;
    }
    if (!link || !inst || !set_loader_data) return VK_ERROR_INITIALIZATION_FAILED;
    const PFN_vkGetInstanceProcAddr next_gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
    const PFN_vkGetDeviceProcAddr next_gdpa = link->u.pLayerInfo->pfnNextGetDeviceProcAddr;
    link->u.pLayerInfo = link->u.pLayerInfo->pNext;
    uint32_t real_count = 0;
    inst->family_props(pd, &real_count, nullptr);
    // The queues the application asked for; the virtual family's become family 0's queue 0 (merged into
    // family 0's request, with priorities for the larger count).
    std::vector<VkDeviceQueueCreateInfo> queues;
    std::vector<std::vector<float>> priorities;
    for (uint32_t i = 0; i < info->queueCreateInfoCount; ++i) {
        VkDeviceQueueCreateInfo q = info->pQueueCreateInfos[i];
        if (q.queueFamilyIndex == real_count) q.queueFamilyIndex = 0;
        std::size_t k = 0;
        while (k < queues.size() && queues[k].queueFamilyIndex != q.queueFamilyIndex) ++k;
        if (k == queues.size()) {
            queues.push_back(q);
            priorities.emplace_back();
        }
        std::vector<float>& p = priorities[k];
        for (uint32_t j = 0; j < q.queueCount; ++j) {
            if (j >= p.size()) p.push_back(q.pQueuePriorities[j]);
        }
        queues[k].queueCount = static_cast<uint32_t>(p.size());
    }
    for (std::size_t k = 0; k < queues.size(); ++k) queues[k].pQueuePriorities = priorities[k].data();
    VkDeviceCreateInfo ci = *info;
    ci.queueCreateInfoCount = static_cast<uint32_t>(queues.size());
    ci.pQueueCreateInfos = queues.data();
    auto create = reinterpret_cast<PFN_vkCreateDevice>(next_gipa(inst->instance, "vkCreateDevice"));
    const VkResult r = create(pd, &ci, alloc, out);
    if (r != VK_SUCCESS) return r;
    auto d = std::make_unique<DeviceData>();
    d->next_gdpa = next_gdpa;
    d->set_loader_data = set_loader_data;
    d->device = *out;
    d->instance = inst->instance;
    d->report = reinterpret_cast<PFN_vkSubmitDebugUtilsMessageEXT>(next_gipa(inst->instance, "vkSubmitDebugUtilsMessageEXT"));
    d->virtual_family = real_count;
    const auto get = [&](const char* name) { return next_gdpa(*out, name); };
    d->destroy_device = reinterpret_cast<PFN_vkDestroyDevice>(get("vkDestroyDevice"));
    d->get_queue = reinterpret_cast<PFN_vkGetDeviceQueue>(get("vkGetDeviceQueue"));
    d->get_queue2 = reinterpret_cast<PFN_vkGetDeviceQueue2>(get("vkGetDeviceQueue2"));
    d->queue_submit = reinterpret_cast<PFN_vkQueueSubmit>(get("vkQueueSubmit"));
    d->bind_sparse = reinterpret_cast<PFN_vkQueueBindSparse>(get("vkQueueBindSparse"));
    d->set_name = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(get("vkSetDebugUtilsObjectNameEXT"));
    d->set_tag = reinterpret_cast<PFN_vkSetDebugUtilsObjectTagEXT>(get("vkSetDebugUtilsObjectTagEXT"));
    d->allocate_buffers = reinterpret_cast<PFN_vkAllocateCommandBuffers>(get("vkAllocateCommandBuffers"));
    d->free_buffers = reinterpret_cast<PFN_vkFreeCommandBuffers>(get("vkFreeCommandBuffers"));
    d->begin_buffer = reinterpret_cast<PFN_vkBeginCommandBuffer>(get("vkBeginCommandBuffer"));
    d->destroy_pool = reinterpret_cast<PFN_vkDestroyCommandPool>(get("vkDestroyCommandPool"));
    d->destroy_image = reinterpret_cast<PFN_vkDestroyImage>(get("vkDestroyImage"));
    d->set_event2 = reinterpret_cast<PFN_vkCmdSetEvent2>(get("vkCmdSetEvent2"));
    d->set_event2_khr = reinterpret_cast<PFN_vkCmdSetEvent2>(get("vkCmdSetEvent2KHR"));
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
    if (set_loader_data(*out, d->real_queue) != VK_SUCCESS) return VK_ERROR_INITIALIZATION_FAILED;
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
    for (const std::string& e : d->owners.pending_releases()) report(d.get(), e);
    d->destroy_device(device, alloc);
}

VirtualQueue* virtual_queue(DeviceData* d, uint32_t index) {
    std::lock_guard<std::mutex> lock(d->submit);
    while (d->virtual_queues.size() <= index) {
        auto v = std::make_unique<VirtualQueue>();
        v->real = d->real_queue;
        v->loader_data = nullptr;
        d->set_loader_data(d->device, v.get());   // the device's dispatch in the handle's first word
        d->virtual_queues.push_back(std::move(v));
    }
    return d->virtual_queues[index].get();
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue(VkDevice device, uint32_t family, uint32_t index, VkQueue* queue) {
    DeviceData* d = device_of(device);
    if (family == d->virtual_family) {
        *queue = reinterpret_cast<VkQueue>(virtual_queue(d, index));
    } else {
        d->get_queue(device, family, index, queue);
    }
    std::lock_guard<std::mutex> lock(d->state);
    d->queue_family[*queue] = family;
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue2(VkDevice device, const VkDeviceQueueInfo2* info, VkQueue* queue) {
    DeviceData* d = device_of(device);
    if (info->queueFamilyIndex == d->virtual_family || d->get_queue2 == nullptr) {
        GetDeviceQueue(device, info->queueFamilyIndex, info->queueIndex, queue);
        return;
    }
    d->get_queue2(device, info, queue);
    std::lock_guard<std::mutex> lock(d->state);
    d->queue_family[*queue] = info->queueFamilyIndex;
}

// The image barriers of the command buffers `cmds` (in order) applied to the ownership state for `queue`.
void track(DeviceData* d, VkQueue queue, uint32_t count, const VkCommandBuffer* cmds) {
    std::vector<std::string> errors;
    {
        std::lock_guard<std::mutex> lock(d->state);
        const auto family = d->queue_family.find(queue);
        if (family == d->queue_family.end()) return;
        for (uint32_t i = 0; i < count; ++i) {
            const auto ops = d->recorded.find(cmds[i]);
            if (ops == d->recorded.end()) continue;
            for (std::string& e : d->owners.apply(family->second, ops->second)) errors.push_back(std::move(e));
        }
    }
    for (const std::string& e : errors) report(d, e);
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit(VkQueue queue, uint32_t n, const VkSubmitInfo* submits, VkFence fence) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);   // tracked in the order the driver receives the submits
    for (uint32_t i = 0; i < n; ++i) track(d, queue, submits[i].commandBufferCount, submits[i].pCommandBuffers);
    return d->queue_submit(real_queue(d, queue), n, submits, fence);
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue queue, uint32_t n, const VkSubmitInfo2* submits, VkFence fence) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    for (uint32_t i = 0; i < n; ++i) {
        std::vector<VkCommandBuffer> cmds;
        for (uint32_t c = 0; c < submits[i].commandBufferInfoCount; ++c) cmds.push_back(submits[i].pCommandBufferInfos[c].commandBuffer);
        track(d, queue, static_cast<uint32_t>(cmds.size()), cmds.data());
    }
    return (d->queue_submit2 ? d->queue_submit2 : d->queue_submit2_khr)(real_queue(d, queue), n, submits, fence);
}

VKAPI_ATTR VkResult VKAPI_CALL QueueWaitIdle(VkQueue queue) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    return d->queue_wait_idle(real_queue(d, queue));
}

VKAPI_ATTR VkResult VKAPI_CALL QueueBindSparse(VkQueue queue, uint32_t n, const VkBindSparseInfo* info, VkFence fence) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    return d->bind_sparse(real_queue(d, queue), n, info, fence);
}

VKAPI_ATTR void VKAPI_CALL QueueBeginDebugUtilsLabel(VkQueue queue, const VkDebugUtilsLabelEXT* label) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    d->begin_label(real_queue(d, queue), label);
}

VKAPI_ATTR void VKAPI_CALL QueueEndDebugUtilsLabel(VkQueue queue) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    d->end_label(real_queue(d, queue));
}

VKAPI_ATTR void VKAPI_CALL QueueInsertDebugUtilsLabel(VkQueue queue, const VkDebugUtilsLabelEXT* label) {
    DeviceData* d = device_of(queue);
    std::lock_guard<std::mutex> lock(d->submit);
    d->insert_label(real_queue(d, queue), label);
}

// Names and tags of a virtual queue go to the driver's queue.
template <class Info>
Info on_driver_queue(DeviceData* d, const Info* info) {
    Info out = *info;
    if (out.objectType == VK_OBJECT_TYPE_QUEUE) {
        std::lock_guard<std::mutex> lock(d->submit);
        out.objectHandle = reinterpret_cast<uint64_t>(real_queue(d, reinterpret_cast<VkQueue>(out.objectHandle)));
    }
    return out;
}

VKAPI_ATTR VkResult VKAPI_CALL SetDebugUtilsObjectName(VkDevice device, const VkDebugUtilsObjectNameInfoEXT* info) {
    DeviceData* d = device_of(device);
    const VkDebugUtilsObjectNameInfoEXT n = on_driver_queue(d, info);
    return d->set_name(device, &n);
}

VKAPI_ATTR VkResult VKAPI_CALL SetDebugUtilsObjectTag(VkDevice device, const VkDebugUtilsObjectTagInfoEXT* info) {
    DeviceData* d = device_of(device);
    const VkDebugUtilsObjectTagInfoEXT t = on_driver_queue(d, info);
    return d->set_tag(device, &t);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateCommandPool(VkDevice device, const VkCommandPoolCreateInfo* info, const VkAllocationCallbacks* alloc,
                                                 VkCommandPool* pool) {
    DeviceData* d = device_of(device);
    VkCommandPoolCreateInfo ci = *info;
    ci.queueFamilyIndex = real_family(d, ci.queueFamilyIndex);
    const VkResult r = d->create_pool(device, &ci, alloc, pool);
    if (r == VK_SUCCESS) {
        std::lock_guard<std::mutex> lock(d->state);
        d->pool_family[*pool] = info->queueFamilyIndex;
    }
    return r;
}

VKAPI_ATTR void VKAPI_CALL DestroyCommandPool(VkDevice device, VkCommandPool pool, const VkAllocationCallbacks* alloc) {
    DeviceData* d = device_of(device);
    {
        std::lock_guard<std::mutex> lock(d->state);
        d->pool_family.erase(pool);   // its command buffers' entries go with vkFreeCommandBuffers or stay stale (handles are unique)
    }
    d->destroy_pool(device, pool, alloc);
}

VKAPI_ATTR VkResult VKAPI_CALL AllocateCommandBuffers(VkDevice device, const VkCommandBufferAllocateInfo* info, VkCommandBuffer* cmds) {
    DeviceData* d = device_of(device);
    const VkResult r = d->allocate_buffers(device, info, cmds);
    if (r == VK_SUCCESS) {
        std::lock_guard<std::mutex> lock(d->state);
        const auto family = d->pool_family.find(info->commandPool);
        for (uint32_t i = 0; i < info->commandBufferCount && family != d->pool_family.end(); ++i) {
            d->buffer_family[cmds[i]] = family->second;
            d->recorded[cmds[i]].clear();
        }
    }
    return r;
}

VKAPI_ATTR void VKAPI_CALL FreeCommandBuffers(VkDevice device, VkCommandPool pool, uint32_t n, const VkCommandBuffer* cmds) {
    DeviceData* d = device_of(device);
    {
        std::lock_guard<std::mutex> lock(d->state);
        for (uint32_t i = 0; i < n; ++i) {
            d->buffer_family.erase(cmds[i]);
            d->recorded.erase(cmds[i]);
        }
    }
    d->free_buffers(device, pool, n, cmds);
}

VKAPI_ATTR VkResult VKAPI_CALL BeginCommandBuffer(VkCommandBuffer cmd, const VkCommandBufferBeginInfo* info) {
    DeviceData* d = device_of(cmd);
    {
        std::lock_guard<std::mutex> lock(d->state);
        d->recorded[cmd].clear();
    }
    return d->begin_buffer(cmd, info);
}

VKAPI_ATTR void VKAPI_CALL DestroyImage(VkDevice device, VkImage image, const VkAllocationCallbacks* alloc) {
    DeviceData* d = device_of(device);
    std::vector<std::string> errors;
    {
        std::lock_guard<std::mutex> lock(d->state);
        errors = d->owners.forget(image);
    }
    for (const std::string& e : errors) report(d, e);
    d->destroy_image(device, image, alloc);
}

// CONCURRENT sharing of an image or buffer create info as the driver must see it: the real families,
// EXCLUSIVE when fewer than two remain. `families` owns the indices `ci` then points at.
template <class CreateInfo>
void map_sharing(const DeviceData* d, CreateInfo& ci, std::vector<uint32_t>& families) {
    if (ci.sharingMode != VK_SHARING_MODE_CONCURRENT) return;
    for (uint32_t i = 0; i < ci.queueFamilyIndexCount; ++i) {
        const uint32_t f = real_family(d, ci.pQueueFamilyIndices[i]);
        if (std::find(families.begin(), families.end(), f) == families.end()) families.push_back(f);
    }
    if (families.size() < 2) {
        ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        families.clear();
    }
    ci.queueFamilyIndexCount = static_cast<uint32_t>(families.size());
    ci.pQueueFamilyIndices = families.empty() ? nullptr : families.data();
}

VKAPI_ATTR VkResult VKAPI_CALL CreateImage(VkDevice device, const VkImageCreateInfo* info, const VkAllocationCallbacks* alloc, VkImage* image) {
    DeviceData* d = device_of(device);
    VkImageCreateInfo ci = *info;
    std::vector<uint32_t> families;
    map_sharing(d, ci, families);
    const VkResult r = d->create_image(device, &ci, alloc, image);
    if (r == VK_SUCCESS) {
        std::lock_guard<std::mutex> lock(d->state);
        (void)d->owners.forget(*image);   // a reused handle: nothing of the old image is pending
        d->owners.set_extent(*image, info->mipLevels, info->arrayLayers);
        if (info->sharingMode == VK_SHARING_MODE_CONCURRENT) d->owners.set_concurrent(*image);
    }
    return r;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateBuffer(VkDevice device, const VkBufferCreateInfo* info, const VkAllocationCallbacks* alloc, VkBuffer* buffer) {
    DeviceData* d = device_of(device);
    VkBufferCreateInfo ci = *info;
    std::vector<uint32_t> families;
    map_sharing(d, ci, families);
    return d->create_buffer(device, &ci, alloc, buffer);
}

uint32_t family_of(DeviceData* d, VkCommandBuffer cmd) {
    std::lock_guard<std::mutex> lock(d->state);
    const auto it = d->buffer_family.find(cmd);
    return it == d->buffer_family.end() ? VK_QUEUE_FAMILY_IGNORED : it->second;
}

// The image barriers of `cmd` for the ownership tracker, as the application recorded them.
template <class ImageBarrier>
void record(DeviceData* d, VkCommandBuffer cmd, uint32_t n, const ImageBarrier* barriers) {
    std::lock_guard<std::mutex> lock(d->state);
    std::vector<ntex_test::ImageBarrierOp>& ops = d->recorded[cmd];
    for (uint32_t i = 0; i < n; ++i) {
        const ImageBarrier& b = barriers[i];
        ops.push_back({b.image, b.subresourceRange, b.srcQueueFamilyIndex, b.dstQueueFamilyIndex, b.oldLayout});
    }
}

std::vector<VkBufferMemoryBarrier> mapped(DeviceData* d, uint32_t family, uint32_t n, const VkBufferMemoryBarrier* barriers) {
    std::vector<VkBufferMemoryBarrier> out(barriers, barriers + n);
    for (VkBufferMemoryBarrier& b : out) map_families(d, family, b.srcQueueFamilyIndex, b.dstQueueFamilyIndex);
    return out;
}
std::vector<VkBufferMemoryBarrier2> mapped(DeviceData* d, uint32_t family, uint32_t n, const VkBufferMemoryBarrier2* barriers) {
    std::vector<VkBufferMemoryBarrier2> out(barriers, barriers + n);
    for (VkBufferMemoryBarrier2& b : out) map_families(d, family, b.srcQueueFamilyIndex, b.dstQueueFamilyIndex);
    return out;
}
// Image barriers; the acquire half of a transfer the driver sees as one family keeps the layout the
// release already made (no second transition from a stale oldLayout).
template <class ImageBarrier>
std::vector<ImageBarrier> mapped(DeviceData* d, uint32_t family, uint32_t n, const ImageBarrier* barriers) {
    std::vector<ImageBarrier> out(barriers, barriers + n);
    for (ImageBarrier& b : out) {
        if (map_families(d, family, b.srcQueueFamilyIndex, b.dstQueueFamilyIndex)) b.oldLayout = b.newLayout;
    }
    return out;
}

// A VkDependencyInfo whose barriers' families the driver understands.
struct MappedDependency {
    VkDependencyInfo info;
    std::vector<VkBufferMemoryBarrier2> buffers;
    std::vector<VkImageMemoryBarrier2> images;
};

void map_dependency(DeviceData* d, VkCommandBuffer cmd, const VkDependencyInfo& in, MappedDependency& out, bool track_images) {
    const uint32_t family = family_of(d, cmd);
    if (track_images) record(d, cmd, in.imageMemoryBarrierCount, in.pImageMemoryBarriers);
    out.info = in;
    out.buffers = mapped(d, family, in.bufferMemoryBarrierCount, in.pBufferMemoryBarriers);
    out.images = mapped(d, family, in.imageMemoryBarrierCount, in.pImageMemoryBarriers);
    out.info.pBufferMemoryBarriers = out.buffers.data();
    out.info.pImageMemoryBarriers = out.images.data();
}

// Synchronization1 barriers of `cmd`: images recorded for the tracker, both kinds mapped for the driver.
struct MappedBarriers1 {
    std::vector<VkBufferMemoryBarrier> buffers;
    std::vector<VkImageMemoryBarrier> images;
};

MappedBarriers1 map_barriers1(DeviceData* d, VkCommandBuffer cmd, uint32_t nb, const VkBufferMemoryBarrier* b, uint32_t ni,
                              const VkImageMemoryBarrier* i) {
    const uint32_t family = family_of(d, cmd);
    record(d, cmd, ni, i);
    return {mapped(d, family, nb, b), mapped(d, family, ni, i)};
}

VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier(VkCommandBuffer cmd, VkPipelineStageFlags src, VkPipelineStageFlags dst, VkDependencyFlags flags,
                                              uint32_t nm, const VkMemoryBarrier* m, uint32_t nb, const VkBufferMemoryBarrier* b, uint32_t ni,
                                              const VkImageMemoryBarrier* i) {
    DeviceData* d = device_of(cmd);
    const MappedBarriers1 mb = map_barriers1(d, cmd, nb, b, ni, i);
    d->barrier(cmd, src, dst, flags, nm, m, nb, mb.buffers.data(), ni, mb.images.data());
}

VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier2(VkCommandBuffer cmd, const VkDependencyInfo* dep) {
    DeviceData* d = device_of(cmd);
    MappedDependency m;
    map_dependency(d, cmd, *dep, m, true);
    (d->barrier2 ? d->barrier2 : d->barrier2_khr)(cmd, &m.info);
}

VKAPI_ATTR void VKAPI_CALL CmdWaitEvents(VkCommandBuffer cmd, uint32_t ne, const VkEvent* events, VkPipelineStageFlags src, VkPipelineStageFlags dst,
                                         uint32_t nm, const VkMemoryBarrier* m, uint32_t nb, const VkBufferMemoryBarrier* b, uint32_t ni,
                                         const VkImageMemoryBarrier* i) {
    DeviceData* d = device_of(cmd);
    const MappedBarriers1 mb = map_barriers1(d, cmd, nb, b, ni, i);
    d->wait_events(cmd, ne, events, src, dst, nm, m, nb, mb.buffers.data(), ni, mb.images.data());
}

VKAPI_ATTR void VKAPI_CALL CmdWaitEvents2(VkCommandBuffer cmd, uint32_t ne, const VkEvent* events, const VkDependencyInfo* deps) {
    DeviceData* d = device_of(cmd);
    std::vector<MappedDependency> m(ne);
    std::vector<VkDependencyInfo> infos(ne);
    for (uint32_t e = 0; e < ne; ++e) {
        map_dependency(d, cmd, deps[e], m[e], true);
        infos[e] = m[e].info;
    }
    (d->wait_events2 ? d->wait_events2 : d->wait_events2_khr)(cmd, ne, events, infos.data());
}

// vkCmdSetEvent2's dependency must equal its wait's (mapped the same way, tracked once: at the wait).
VKAPI_ATTR void VKAPI_CALL CmdSetEvent2(VkCommandBuffer cmd, VkEvent event, const VkDependencyInfo* dep) {
    DeviceData* d = device_of(cmd);
    MappedDependency m;
    map_dependency(d, cmd, *dep, m, false);
    (d->set_event2 ? d->set_event2 : d->set_event2_khr)(cmd, event, &m.info);
}

PFN_vkVoidFunction device_function(const char* name) {
#define NTEX_LAYER_FN(api, fn) \
    if (std::strcmp(name, api) == 0) return reinterpret_cast<PFN_vkVoidFunction>(fn)
    NTEX_LAYER_FN("vkDestroyDevice", DestroyDevice);
    NTEX_LAYER_FN("vkGetDeviceQueue", GetDeviceQueue);
    NTEX_LAYER_FN("vkGetDeviceQueue2", GetDeviceQueue2);
    NTEX_LAYER_FN("vkQueueSubmit", QueueSubmit);
    NTEX_LAYER_FN("vkQueueBindSparse", QueueBindSparse);
    NTEX_LAYER_FN("vkSetDebugUtilsObjectNameEXT", SetDebugUtilsObjectName);
    NTEX_LAYER_FN("vkSetDebugUtilsObjectTagEXT", SetDebugUtilsObjectTag);
    NTEX_LAYER_FN("vkDestroyCommandPool", DestroyCommandPool);
    NTEX_LAYER_FN("vkAllocateCommandBuffers", AllocateCommandBuffers);
    NTEX_LAYER_FN("vkFreeCommandBuffers", FreeCommandBuffers);
    NTEX_LAYER_FN("vkBeginCommandBuffer", BeginCommandBuffer);
    NTEX_LAYER_FN("vkDestroyImage", DestroyImage);
    NTEX_LAYER_FN("vkCmdSetEvent2", CmdSetEvent2);
    NTEX_LAYER_FN("vkCmdSetEvent2KHR", CmdSetEvent2);
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

// A command the driver (or a layer below) lacks is not intercepted either: the caller sees NULL, as without
// this layer.
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char* name) {
    if (std::strcmp(name, "vkGetDeviceProcAddr") == 0) return reinterpret_cast<PFN_vkVoidFunction>(GetDeviceProcAddr);
    DeviceData* d = device_of(device);
    const PFN_vkVoidFunction next = d ? d->next_gdpa(device, name) : nullptr;
    if (next == nullptr) return nullptr;
    const PFN_vkVoidFunction mine = device_function(name);
    return mine != nullptr ? mine : next;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance, const char* name) {
    if (std::strcmp(name, "vkGetInstanceProcAddr") == 0) return reinterpret_cast<PFN_vkVoidFunction>(GetInstanceProcAddr);
    if (PFN_vkVoidFunction f = instance_function(name)) return f;
    if (instance == VK_NULL_HANDLE) return nullptr;
    InstanceData* d = instance_of(instance);
    const PFN_vkVoidFunction next = d ? d->next_gipa(instance, name) : nullptr;
    // A device command only where the chain below has it (as GetDeviceProcAddr).
    const PFN_vkVoidFunction mine = next != nullptr ? device_function(name) : nullptr;
    return mine != nullptr ? mine : next;
}

}  // namespace

extern "C" VKAPI_ATTR VkResult VKAPI_CALL vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface* v) {
    if (!v || v->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT || v->loaderLayerInterfaceVersion < 2) return VK_ERROR_INITIALIZATION_FAILED;
    v->loaderLayerInterfaceVersion = 2;
    v->pfnGetInstanceProcAddr = GetInstanceProcAddr;
    v->pfnGetDeviceProcAddr = GetDeviceProcAddr;
    v->pfnGetPhysicalDeviceProcAddr = nullptr;
    return VK_SUCCESS;
}
