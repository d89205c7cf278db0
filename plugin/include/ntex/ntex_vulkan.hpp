// SPDX-License-Identifier: MIT
// ntex_vulkan.hpp: the C++17 RAII half of ntex_vulkan.h, on top of ntex.hpp: the host's Vulkan device as
// context options, and texture sets (ring-buffered images per map, updated inside the host's command
// buffers). Same rules as ntex.hpp: handles are move-only; a failing call throws ntex::Exception.
// Synchronization contract: ntex_vulkan.h and docs/embedding.md.
#ifndef NTEX_VULKAN_HPP_
#define NTEX_VULKAN_HPP_ 1

#include <ntex/ntex.hpp>
#include <ntex/ntex_vulkan.h>

#include <vector>

namespace ntex {

// The host's Vulkan device for Context::Options::next. Keep it alive until the Context is constructed.
struct VulkanDevice {
    NtexVulkanDeviceInfo info{};
    // The optional features you enabled on the device, chained behind `info` (all VK_FALSE by default):
    // set features.synchronization2 = VK_TRUE when synchronization2 is enabled, shaderFloat16 and
    // storageBuffer16BitAccess for the Vulkan compute backend's FP16 mode (ntex_vulkan.h).
    NtexVulkanDeviceFeatures features{};
    // device: Vulkan >= 1.2 with timelineSemaphore enabled; queue_family: the family whose queue runs the
    // command buffers passed to TextureSet::cmd_update (graphics, or compute-only: ntex_vulkan.h).
    VulkanDevice(VkInstance instance, VkPhysicalDevice physical_device, VkDevice device, uint32_t queue_family,
                 PFN_vkGetInstanceProcAddr get_instance_proc_addr, PFN_vkGetDeviceProcAddr get_device_proc_addr = nullptr) {
        info.sType = NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO;
        info.pNext = &features;
        info.instance = instance;
        info.physicalDevice = physical_device;
        info.device = device;
        info.queueFamilyIndex = queue_family;
        info.pfnGetInstanceProcAddr = get_instance_proc_addr;
        info.pfnGetDeviceProcAddr = get_device_proc_addr;
        features.sType = NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_FEATURES;
    }
    // Copies chain their own features (info.pNext points into the object).
    VulkanDevice(const VulkanDevice& other) : info(other.info), features(other.features) { info.pNext = &features; }
    VulkanDevice& operator=(const VulkanDevice& other) {
        info = other.info;
        features = other.features;
        info.pNext = &features;
        return *this;
    }
    Context::Options options(NtexBackend backend = NTEX_BACKEND_AUTO, uint32_t thread_count = 0) const {
        Context::Options o;
        o.backend = backend;
        o.thread_count = thread_count;
        o.next = &info;
        return o;
    }
};

// A texture set (ntexCreateTextureSet): the generator must outlive it, and the GPU must be done with its
// images before it is destroyed (after your frame fences or vkDeviceWaitIdle). Used by one thread at a
// time, like its generator.
class TextureSet {
public:
    struct Options {
        uint32_t ring_size = 0;                    // 2..4; 0 = 2
        uint32_t mip_levels = 0;                   // 0 = the full chain
        uint32_t map_mask = 0;                     // bit i selects map i; 0 = every map
        std::vector<VkFormat> formats;             // empty = the defaults; else one per selected map
        VkPipelineStageFlags consumer_stages = 0;  // NtexTextureSetSyncInfo; 0 = FRAGMENT | COMPUTE
        bool defer_final_barriers = false;         // NtexTextureSetSyncInfo::deferFinalBarriers: see final_barriers()
        // Host-owned targets (NtexTextureSetTargetsInfo): empty = ntex's own images; else ring_size x
        // selected maps, slot-major, each describing the host's image as it was created.
        std::vector<NtexTextureSetTarget> targets;
        // Atlas regions (NtexTextureSetTargetOffsetsInfo): empty = each target fills its level; else one
        // offset per target, in the same order.
        std::vector<VkOffset2D> target_offsets;
        VkImageLayout final_layout = VK_IMAGE_LAYOUT_UNDEFINED;   // with targets: SHADER_READ_ONLY_OPTIMAL (UNDEFINED) or GENERAL
        NtexMipFilter mip_filter = NTEX_MIP_FILTER_BLIT;          // NtexTextureSetMipInfo
        // Channel-packed images (NtexTextureSetPackingInfo): empty = one image per selected map; else the
        // set's images, each NtexChannelPacking's sType set here (map_mask must stay 0, formats has one
        // entry per packed image or none).
        std::vector<NtexChannelPacking> packed_images;
    };

    TextureSet() = default;
    TextureSet(const Context& context, const Generator& generator) : TextureSet(context, generator, Options()) {}
    TextureSet(const Context& context, const Generator& generator, const Options& options) {
        std::vector<NtexChannelPacking> packed = options.packed_images;
        for (NtexChannelPacking& p : packed) {
            p.sType = NTEX_STRUCTURE_TYPE_CHANNEL_PACKING;
            p.pNext = nullptr;
        }
        NtexTextureSetPackingInfo packing{};
        packing.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO;
        packing.imageCount = static_cast<uint32_t>(packed.size());
        packing.pImages = packed.data();
        NtexTextureSetMipInfo mips{};
        mips.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO;
        mips.pNext = packed.empty() ? nullptr : &packing;
        mips.filter = options.mip_filter;
        NtexTextureSetTargetOffsetsInfo offsets{};
        offsets.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO;
        offsets.pNext = &mips;
        offsets.offsetCount = static_cast<uint32_t>(options.target_offsets.size());
        offsets.pOffsets = options.target_offsets.data();
        const void* chain = !options.target_offsets.empty() ? static_cast<const void*>(&offsets) : offsets.pNext;
        NtexTextureSetSyncInfo sync{};
        sync.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO;
        sync.pNext = chain;
        sync.consumerStageMask = options.consumer_stages;
        sync.deferFinalBarriers = options.defer_final_barriers ? VK_TRUE : VK_FALSE;
        const bool with_sync = options.consumer_stages != 0 || options.defer_final_barriers;
        NtexTextureSetTargetsInfo targets{};
        targets.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO;
        targets.pNext = with_sync ? &sync : chain;
        targets.targetCount = static_cast<uint32_t>(options.targets.size());
        targets.pTargets = options.targets.data();
        targets.finalLayout = options.final_layout;
        NtexTextureSetCreateInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO;
        info.pNext = !options.targets.empty() ? static_cast<const void*>(&targets) : targets.pNext;
        info.generator = generator.get();
        info.ringSize = options.ring_size;
        info.mipLevels = options.mip_levels;
        info.mapMask = options.map_mask;
        info.pFormats = options.formats.empty() ? nullptr : options.formats.data();
        NtexTextureSet handle = nullptr;
        check(ntexCreateTextureSet(context.get(), &info, &handle));
        m_handle = Owner(handle);
    }
    NtexTextureSet get() const noexcept { return m_handle.get(); }

    // Records the update into `cmd` (recording state). Returns the value the submit that executes `cmd`
    // MUST signal on images().semaphore, or 0 when nothing was recorded (NTEX_NOT_READY: nothing new, or
    // the next slot's previous update has not executed yet).
    uint64_t cmd_update(VkCommandBuffer cmd) {
        uint64_t value = 0;
        const NtexResult r = check(ntexCmdUpdateTextureSet(m_handle.get(), cmd, &value));
        return r == NTEX_SUCCESS ? value : 0;
    }
    // With Options::defer_final_barriers: the final barriers the last cmd_update left out, to record in your
    // own batch after it and before sampling (ntexGetTextureSetFinalBarriers); empty when it recorded nothing.
    std::vector<VkImageMemoryBarrier2> final_barriers() const {
        uint32_t count = 0;
        check(ntexGetTextureSetFinalBarriers(m_handle.get(), &count, nullptr));
        std::vector<VkImageMemoryBarrier2> out(count);
        check(ntexGetTextureSetFinalBarriers(m_handle.get(), &count, out.data()));
        out.resize(count);
        return out;
    }
    // The images of the newest recorded update (views change with the ring slot: rebind when slot does).
    NtexTextureSetImages images() const {
        NtexTextureSetImages out{};
        out.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
        check(ntexGetTextureSetImages(m_handle.get(), &out));
        return out;
    }
    // The images of ring slot `slot` (ntexGetTextureSetSlotImages): register every slot's views once.
    NtexTextureSetImages slot_images(uint32_t slot) const {
        NtexTextureSetImages out{};
        out.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
        check(ntexGetTextureSetSlotImages(m_handle.get(), slot, &out));
        return out;
    }
    // How the set is filled (host copies, CUDA, Vulkan compute) and whether updates generate.
    NtexTextureSetPathInfo path() const {
        NtexTextureSetPathInfo info{};
        info.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO;
        NtexTextureSetImages out{};
        out.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
        out.pNext = &info;
        check(ntexGetTextureSetImages(m_handle.get(), &out));
        info.pNext = nullptr;
        return info;
    }

private:
    using Owner = detail::UniqueHandle<NtexTextureSet, ntexDestroyTextureSet>;
    Owner m_handle;
};

}  // namespace ntex

#endif  // NTEX_VULKAN_HPP_
