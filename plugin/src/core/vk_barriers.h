// SPDX-License-Identifier: MIT
// BarrierRecorder: records the pipeline barriers ntex puts into a host's command buffer either as
// synchronization2 (vkCmdPipelineBarrier2, Vulkan 1.3 core or VK_KHR_synchronization2) or as the
// original vkCmdPipelineBarrier, with the same meaning. Why both: synchronization2 is what the compute
// path's contract asks for (per-barrier stage masks, the form validation and captures show best), but it
// is a device feature the host must enable, and ntex cannot query enabled features, so it is used only
// when the host declares it (NtexVulkanDeviceFeatures::synchronization2) and the device exposes an entry
// point; everything else keeps the core 1.0 call. One recorder serves the texture sets (interop) and the
// compute plan (backends/vulkan), so both record the same way.
#pragma once

#ifndef VK_NO_PROTOTYPES
#define VK_NO_PROTOTYPES
#endif
#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ntex {

class BarrierRecorder {
public:
    BarrierRecorder() = default;
    // legacy: the device's vkCmdPipelineBarrier (required before record()); sync2: its
    // vkCmdPipelineBarrier2 or vkCmdPipelineBarrier2KHR, or nullptr for the original call.
    BarrierRecorder(PFN_vkCmdPipelineBarrier legacy, PFN_vkCmdPipelineBarrier2 sync2) noexcept : m_legacy(legacy), m_sync2(sync2) {}

    bool synchronization2() const noexcept { return m_sync2 != nullptr; }

    // One dependency from src_stage to dst_stage (sync1 masks; their bits mean the same in the *2 flags)
    // with these barriers. Under synchronization2 each barrier carries both stage masks unchanged, and a
    // call without barriers records one empty memory barrier (the execution dependency). No allocation:
    // barriers are converted kChunk at a time on the stack; longer lists take several calls, which is
    // the same dependency (every barrier names the same stages, and ntex's barriers never overlap).
    static constexpr std::size_t kChunk = 16;
    void record(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage,
                std::span<const VkMemoryBarrier> memory, std::span<const VkBufferMemoryBarrier> buffers,
                std::span<const VkImageMemoryBarrier> images) const noexcept;
    // record(cmd, src_stage, dst_stage, {}, {}, images), or with `deferred` not null the same barriers
    // appended to it (image_barrier2) for a host that records them itself.
    void record_or_defer(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage,
                         std::span<const VkImageMemoryBarrier> images, std::vector<VkImageMemoryBarrier2>* deferred) const;
    // The common case: one global memory barrier.
    void memory(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                VkAccessFlags dst_access) const noexcept;

private:
    PFN_vkCmdPipelineBarrier m_legacy = nullptr;
    PFN_vkCmdPipelineBarrier2 m_sync2 = nullptr;
};

// A sync1 image barrier with its dependency's stage masks as one VkImageMemoryBarrier2 (every sync1 stage
// and access bit has the same value and meaning in the *2 flags): what record() records under
// synchronization2, and what a texture set hands a host that batches ntex's final barriers itself.
VkImageMemoryBarrier2 image_barrier2(const VkImageMemoryBarrier& barrier, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage) noexcept;

// The synchronization2 entry point of `device` when the host declared the feature enabled, the physical
// device supports it and the device exposes vkCmdPipelineBarrier2 (core 1.3) or vkCmdPipelineBarrier2KHR;
// else nullptr with `why` saying which of these failed. features2: the instance's
// vkGetPhysicalDeviceFeatures2 (may be null: then unsupported); device_api_version: the physical
// device's VkPhysicalDeviceProperties::apiVersion (the core name is asked for only from 1.3 on).
PFN_vkCmdPipelineBarrier2 synchronization2_entry(bool declared, PFN_vkGetPhysicalDeviceFeatures2 features2, VkPhysicalDevice physical_device,
                                                 uint32_t device_api_version, PFN_vkGetDeviceProcAddr get_device, VkDevice device,
                                                 std::string& why);

}  // namespace ntex
