// SPDX-License-Identifier: MIT
// TextureSet: a ring of sampled VkImages per material map on the host's device, filled from a
// generator's newest complete result by commands recorded into the host's command buffer.
//
// Per slot: one device-local image per map (+ view) and one host-visible staging buffer. An update
// converts the result into the staging buffer on the calling thread (ntexReadMaps), then records
// UNDEFINED/SHADER_READ -> TRANSFER_DST, buffer-to-image copies, a blit chain for the mips and a
// barrier to SHADER_READ_ONLY_OPTIMAL. The host signals our timeline semaphore with the submit that
// runs those commands; a slot's staging buffer is rewritten only once that value is reached (checked
// without waiting), so the CPU never races the GPU's copy.
//
// Device texels (the Vulkan compute path, interop/compute_texels.h): the staging buffers are
// device-local storage buffers that a compute shader fills inside the host's command buffer; as on the
// host path, an update needs only its slot's previous update executed.
#pragma once

#include "interop/vulkan_device.h"

#include <functional>
#include <memory>
#include <vector>

namespace ntex::interop {

struct TextureSetSource {
    NtexGenerator generator = nullptr;
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<uint32_t> map_indices;          // model map index per image
    std::vector<NtexMapSemantic> semantics;     // per image
    std::vector<VkFormat> formats;              // per image; empty = format_for(semantic)
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
    // false having recorded nothing (nothing new, or the generator is busy).
    using DeviceTexelRecorder = std::function<bool(VkCommandBuffer cmd, std::size_t slot)>;

    // True when commands were recorded (then *signal_value must be signalled by the host's submit).
    // A set made with device_texels takes its texels from `device_texels` instead of ntexReadMaps.
    bool record_update(VkCommandBuffer cmd, uint64_t* signal_value, const DeviceTexelRecorder& device_texels = {});
    void images(NtexTextureSetImages* out) const;

    uint32_t mip_levels() const noexcept { return m_mip_levels; }
    bool device_texels() const noexcept { return m_device_texels; }
    const VulkanDevice& device() const noexcept { return *m_device; }
    const TextureSetSource& source() const noexcept { return m_source; }
    // The staging layout: per selected map its host format and byte offset; one buffer per slot.
    const std::vector<NtexHostFormat>& host_formats() const noexcept { return m_host_formats; }
    const std::vector<VkDeviceSize>& staging_offsets() const noexcept { return m_offsets; }
    std::vector<VkBuffer> staging_buffers() const;
    VkDeviceSize staging_bytes() const noexcept { return m_staging_size; }

private:
    struct MapImage {
        VkImage image = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkImageView view = VK_NULL_HANDLE;
    };
    struct Slot {
        std::vector<MapImage> maps;
        VkBuffer staging = VK_NULL_HANDLE;
        VkDeviceMemory staging_memory = VK_NULL_HANDLE;
        void* mapped = nullptr;
        uint64_t pending_value = 0;   // the semaphore value that marks this slot's last upload done
        bool initialized = false;     // images have left VK_IMAGE_LAYOUT_UNDEFINED
        uint64_t result_id = 0;
    };

    void create_slot(Slot& slot);
    void destroy() noexcept;
    void record_copies(VkCommandBuffer cmd, Slot& slot) const;

    bool record_device_update(VkCommandBuffer cmd, uint64_t* signal_value, const DeviceTexelRecorder& device_texels);

    std::shared_ptr<const VulkanDevice> m_device;
    TextureSetSource m_source;
    bool m_device_texels = false;
    uint64_t m_device_updates = 0;         // device texels: resultId counts the set's updates
    std::vector<VkFormat> m_formats;
    std::vector<NtexHostFormat> m_host_formats;
    std::vector<VkDeviceSize> m_offsets;   // of each map inside a staging buffer
    std::vector<uint32_t> m_row_pitch;
    VkDeviceSize m_staging_size = 0;
    uint32_t m_mip_levels = 1;
    std::vector<Slot> m_slots;
    VkSemaphore m_semaphore = VK_NULL_HANDLE;
    uint64_t m_next_value = 1;
    int m_current = -1;                    // slot of the newest recorded update
    uint64_t m_last_result = 0;
};

}  // namespace ntex::interop
