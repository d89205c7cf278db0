// SPDX-License-Identifier: MIT
// TextureSet: a ring of sampled VkImages per material map on the host's device, filled from a
// generator's newest complete result by commands recorded into the host's command buffer.
//
// Per slot: one device-local image per map (+ view), or the host's own image subresource (host-owned
// targets: a mip range of one array layer, never created, viewed or destroyed here), and one
// host-visible staging buffer. The
// float-to-texel conversion runs on the generator's worker (a result listener, attach()) right after
// each result is published, into a free slot's staging buffer; the update on the render thread only
// records UNDEFINED/SHADER_READ -> TRANSFER_DST, buffer-to-image copies, a blit chain for the mips and
// a barrier to SHADER_READ_ONLY_OPTIMAL. The render thread converts only a result the worker could not
// (produced before attach(), or while no slot was free) and only while the generator is idle
// (caller_conversions() counts those): while it is busy, its next result is converted on the worker. The host signals our timeline semaphore with the submit that
// runs the copies; a slot's staging buffer is rewritten only once that value is reached (checked
// without waiting), so the CPU never races the GPU's copy.
//
// Device texels (the Vulkan compute path, interop/compute_texels.h): the staging buffers are
// device-local storage buffers that a compute shader fills inside the host's command buffer; as on the
// host path, an update needs only its slot's previous update executed.
#pragma once

#include "interop/memory_blocks.h"
#include "interop/vulkan_device.h"
#include "runtime/material_mips.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <vector>

namespace ntex {
class AsyncGenerator;
}

namespace ntex::interop {

// NtexTextureSetSyncInfo's default and the stages it accepts (those that can sample an image).
constexpr VkPipelineStageFlags kDefaultConsumerStages = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
// The consumer stages a compute-only family (an async-compute queue) can wait for, and its default.
constexpr VkPipelineStageFlags kComputeFamilyStages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR;
constexpr VkPipelineStageFlags kComputeFamilyDefaultStages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
constexpr VkPipelineStageFlags kShaderStages =
    VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_TESSELLATION_CONTROL_SHADER_BIT | VK_PIPELINE_STAGE_TESSELLATION_EVALUATION_SHADER_BIT |
    VK_PIPELINE_STAGE_GEOMETRY_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT |
    VK_PIPELINE_STAGE_TASK_SHADER_BIT_EXT | VK_PIPELINE_STAGE_MESH_SHADER_BIT_EXT | VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR;

// "<prefix>: albedo, slot 1": the debug name of a map's image (views add " view"), for every kind of set.
std::string map_debug_name(const std::string& prefix, NtexMapSemantic semantic, std::size_t slot);

struct TextureSetSource {
    NtexGenerator generator = nullptr;
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<uint32_t> map_indices;          // model map index per image
    std::vector<NtexMapSemantic> semantics;     // per image
    std::vector<VkFormat> formats;              // per image; empty = format_for(semantic)
    // NtexTextureSetPackingInfo: per image, the sources of its 4 components (map_indices are then all
    // NTEX_MAP_INDEX_PACKED, semantics OTHER); empty = image i is map map_indices[i].
    std::vector<std::array<NtexChannelSource, 4>> packings;
    // The stages in which the host samples the images (NtexTextureSetSyncInfo): the source stages of the
    // barrier before an overwrite and the destination stages of the barrier after it.
    VkPipelineStageFlags consumer_stages = kDefaultConsumerStages;
    // Host-owned targets (NtexTextureSetTargetsInfo), slot-major (ring x maps), checked by TextureSet; empty
    // = ntex creates its own images. final_layout: the layout every update leaves the images in.
    std::vector<NtexTextureSetTarget> targets;
    // NtexTextureSetTargetOffsetsInfo: per target, the atlas region's top-left texel at its baseMipLevel;
    // empty = every target is a whole level.
    std::vector<VkOffset2D> target_offsets;
    VkImageLayout final_layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    // NtexTextureSetMipInfo: BLIT records a vkCmdBlitImage chain; MATERIAL copies every level from staging,
    // filtered on the host (runtime/material_mips.h) or on the device (vulkan::MaterialMipWriter).
    NtexMipFilter mip_filter = NTEX_MIP_FILTER_BLIT;
    // NtexTextureSetSyncInfo::deferFinalBarriers: an update's final barriers are kept for the host
    // (final_barriers()) instead of being recorded.
    bool defer_final_barriers = false;
};



// Vulkan format and ntex host format of a map semantic (see ntex_vulkan.h).
VkFormat format_for(NtexMapSemantic semantic) noexcept;
NtexHostFormat host_format_for(NtexMapSemantic semantic) noexcept;
// The host format that fills a VkFormat; throws INVALID_ARGUMENT for a format ntex cannot write.
NtexHostFormat host_format_for(VkFormat format);
uint32_t texel_bytes(VkFormat format) noexcept;

class TextureSet {
public:
    // ring_size 2..4; mip_levels 0 = full chain. device_texels: staging buffers for a device writer
    // (see above). Throws ntex::Error (see ntexCreateTextureSet).
    TextureSet(std::shared_ptr<const VulkanDevice> device, TextureSetSource source, uint32_t ring_size, uint32_t mip_levels,
               bool device_texels = false);
    ~TextureSet();
    TextureSet(const TextureSet&) = delete;
    TextureSet& operator=(const TextureSet&) = delete;

    // Records into `cmd` the commands that fill a slot's staging buffer on the device, or returns
    // false having recorded nothing (nothing new, or the generator is busy). all_executed: every earlier
    // update of the set has executed (not only this slot's), so state shared by all slots (descriptor
    // sets, the plan) may be replaced.
    using DeviceTexelRecorder = std::function<bool(VkCommandBuffer cmd, std::size_t slot, bool all_executed)>;

    // Host path: converts each new result of `generator` on its worker from now on (a result listener;
    // result ids reported as id_base + the generator's own). `token` tells generator objects at one
    // address apart (the API passes the model revision the generator was built for). Attaching to
    // another generator or token (a hot reload replaced it) drops the old registration without touching
    // the old generator, which is gone. detach() removes the listener (waiting for a running
    // conversion) from the attached generator; the caller must know it still exists.
    void attach(AsyncGenerator& generator, uint64_t id_base, uint64_t token);
    void detach() noexcept;
    bool attached_to(const AsyncGenerator& generator, uint64_t token) const noexcept {
        return m_attached == &generator && m_attached_token == token;
    }

    // Host path. True when commands were recorded (then *signal_value must be signalled by the host's
    // submit): the newest converted result newer than the set's, else (generator idle) the newest
    // result converted on the calling thread. Errors of the generator's last job are rethrown.
    bool record_update(VkCommandBuffer cmd, uint64_t* signal_value, AsyncGenerator& generator, uint64_t id_base);
    // Device texels: the texels come from `device_texels` recorded into cmd.
    bool record_device_update(VkCommandBuffer cmd, uint64_t* signal_value, const DeviceTexelRecorder& device_texels);
    // The newest recorded update's slot (slot < 0), or ring slot `slot` (< ring_size()).
    void images(NtexTextureSetImages* out, int slot = -1) const;
    uint32_t ring_size() const noexcept { return static_cast<uint32_t>(m_slots.size()); }
    // Host path: results the render thread had to convert itself (see above).
    uint64_t caller_conversions() const;
    // Whether the last update recorded nothing because there was something to record but no slot's
    // previous upload had executed (a host that never signals its values stalls here for good), and
    // the semaphore's value / the value the next slot waits for, for the message that says so.
    bool last_update_found_slot_busy() const;
    // VK_EXT_debug_utils names for the images, views, staging buffers and the timeline semaphore
    // ("<prefix>: albedo, slot 0"); nothing unless the device has debug names on.
    void name_objects(const std::string& prefix) const noexcept;
    // With defer_final_barriers: the final barriers record_update / record_device_update left out since the
    // last clear_final_barriers (the API clears them at the start of every update call, so they are that
    // call's, and none after a call that recorded nothing or failed).
    std::vector<VkImageMemoryBarrier2> final_barriers() const;
    void clear_final_barriers();
    uint64_t semaphore_value() const;   // the timeline's value now (never waits); a slot is free once it reaches pending_value
    uint64_t next_slot_wait_value() const;

    uint32_t mip_levels() const noexcept { return m_mip_levels; }
    bool device_texels() const noexcept { return m_device_texels; }
    const VulkanDevice& device() const noexcept { return *m_device; }
    const TextureSetSource& source() const noexcept { return m_source; }
    // The staging layout: per selected map its host format and byte offset; one buffer per slot.
    const std::vector<NtexHostFormat>& host_formats() const noexcept { return m_host_formats; }
    const std::vector<VkDeviceSize>& staging_offsets() const noexcept { return m_offsets; }
    // With NTEX_MIP_FILTER_MATERIAL: every level's offsets, level-major ([level * maps + map]; level 0
    // = staging_offsets()); otherwise level 0's only.
    const std::vector<VkDeviceSize>& staging_level_offsets() const noexcept { return m_level_offsets; }
    std::vector<VkBuffer> staging_buffers() const;
    VkDeviceSize staging_bytes() const noexcept { return m_staging_size; }
    // The set's device-memory footprint (NtexTextureSetMemoryInfo's fields).
    void memory_info(NtexTextureSetMemoryInfo* out) const noexcept;

private:
    struct MapImage {
        VkImage image = VK_NULL_HANDLE;
        VkImageView view = VK_NULL_HANDLE;
        bool host_owned = false;   // a host target: not ours to name or destroy
        uint32_t base_mip = 0;     // the level that receives the full-size texels
        uint32_t layer = 0;
        VkOffset2D offset{0, 0};   // the atlas region's top-left texel at base_mip (level l: offset >> l)
    };
    struct Slot {
        std::vector<MapImage> maps;
        VkBuffer staging = VK_NULL_HANDLE;
        void* mapped = nullptr;      // host path: the staging buffer's bytes (persistently mapped)
        uint64_t pending_value = 0;   // the semaphore value that marks this slot's last upload done
        bool initialized = false;     // images have left VK_IMAGE_LAYOUT_UNDEFINED
        uint64_t result_id = 0;
        // Host path: a thread writes the staging buffer (the slot is not handed out meanwhile), and the
        // result the staging buffer holds that no update recorded yet (0 = none).
        bool converting = false;
        uint64_t staged_result = 0;
        std::unique_ptr<MaterialMips> mips;   // NTEX_MIP_FILTER_MATERIAL: the filter's buffers (the converting thread's)
    };

    // Checks the host-owned targets against the set (see NtexTextureSetTargetsInfo) and clamps
    // m_mip_levels to the levels every target has; throws INVALID_ARGUMENT naming the target and field.
    void check_targets(uint32_t ring_size);
    // After the formats are known (blits may limit the chain to one level): TRANSFER_SRC where mips are
    // blitted, and no two targets sharing a subresource.
    void check_target_ranges() const;
    // Every slot's staging buffer and images (or host targets), bound into two MemoryBlocks, and the views.
    void create_resources();
    void destroy() noexcept;
    // Records the slot's barriers, copies and mips; the final barriers go to `deferred` instead when it is
    // not null.
    void record_copies(VkCommandBuffer cmd, Slot& slot, std::vector<VkImageMemoryBarrier2>* deferred) const;
    // The worker's listener: converts the just-published result (the newest: the worker publishes no
    // other meanwhile) into a free slot.
    void convert_on_worker(AsyncGenerator& generator);
    // Converts the newest result into `slot`'s staging buffer; returns its id + id_base.
    uint64_t convert_into(Slot& slot, AsyncGenerator& generator, uint64_t id_base) const;
    // Image i's channel packing (NtexTextureSetPackingInfo), or none: image i is map map_indices[i].
    std::optional<std::array<NtexChannelSource, 4>> packing_of(std::size_t image) const;
    // Records `slot`'s copies as the newest update of result `result_id`. Caller holds m_mutex.
    void commit(VkCommandBuffer cmd, Slot& slot, std::size_t index, uint64_t result_id, uint64_t* signal_value);

    std::shared_ptr<const VulkanDevice> m_device;
    TextureSetSource m_source;
    bool m_device_texels = false;
    uint64_t m_device_updates = 0;         // device texels: resultId counts the set's updates
    std::vector<VkFormat> m_formats;
    std::vector<NtexHostFormat> m_host_formats;
    std::vector<VkDeviceSize> m_offsets;   // of each map inside a staging buffer
    std::vector<uint32_t> m_row_pitch;
    // NTEX_MIP_FILTER_MATERIAL: every level's place in the staging buffer, level-major ([level * maps + map];
    // level 0 = m_offsets), and its row pitch.
    std::vector<VkDeviceSize> m_level_offsets;
    std::vector<uint32_t> m_level_pitch;
    std::vector<VkAccessFlags> m_consumer_access;   // per map: the final barrier's destination access
    VkDeviceSize m_staging_size = 0;
    uint32_t m_mip_levels = 1;
    std::vector<Slot> m_slots;
    MemoryBlocks m_staging_blocks;
    MemoryBlocks m_image_blocks;
    VkSemaphore m_semaphore = VK_NULL_HANDLE;
    uint64_t m_next_value = 1;
    int m_current = -1;                    // slot of the newest recorded update
    uint64_t m_last_result = 0;
    std::vector<VkImageMemoryBarrier2> m_final_barriers;   // defer_final_barriers: the last update's (m_mutex)

    // Host path: slot states and the fields above are shared with the worker's listener.
    mutable std::mutex m_mutex;
    AsyncGenerator* m_attached = nullptr;
    uint64_t m_attached_token = 0;
    uint64_t m_id_base = 0;
    uint64_t m_listener = 0;
    uint64_t m_caller_conversions = 0;
    bool m_last_busy = false;
};

}  // namespace ntex::interop
