// SPDX-License-Identifier: MIT
// MaterialMipWriter: NTEX_MIP_FILTER_MATERIAL on the Vulkan compute path. Records, after the texel
// writer's level 0, material_mips.comp dispatches that compute every level of the float material in a
// work buffer (runtime/material_mips.h's filter: linear-light albedo, renormalised normals, Toksvig
// roughness, averaged height), then texels.comp dispatches that pack levels 1 .. levels - 1 of each
// selected map into the slot's staging buffer at the texture set's level offsets. The set's copies then
// take every level from staging, as on the host path; no graphics queue and no blits are involved.
#pragma once

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_debug_names.h"
#include "backends/vulkan/vk_pipeline.h"
#include "model/model_description.h"

#include <ntex/ntex.h>

#include <array>
#include <memory>
#include <vector>

namespace ntex::vulkan {

class MaterialMipWriter {
public:
    // `destinations`: one staging buffer per ring slot (STORAGE_BUFFER usage); `levels` (>= 2) mip levels of
    // a width x height set; `level_offsets[l * maps + i]`: the byte offset (a multiple of 4) of selected map
    // i's level l in a destination (level 0's entries are not used: TexelWriter writes level 0);
    // `formats[i]` / `map_indices[i]`: selected map i's host format and model map; `packings`: empty, or
    // per image its channel packing (NtexTextureSetPackingInfo; map_indices are then ignored). Nothing is allocated
    // until bind_source. Throws INVALID_ARGUMENT for inconsistent sizes, BACKEND / OUT_OF_MEMORY.
    // `pipelines`: the texel writer's (its texels.comp pipeline packs the levels); must outlive this.
    MaterialMipWriter(std::shared_ptr<ComputeContext> context, PlanPipelines& pipelines, std::vector<VkBuffer> destinations, int width, int height, int levels,
                      std::vector<VkDeviceSize> level_offsets, std::vector<NtexHostFormat> formats, std::vector<uint32_t> map_indices,
                      std::vector<std::array<NtexChannelSource, 4>> packings = {});
    ~MaterialMipWriter();
    MaterialMipWriter(const MaterialMipWriter&) = delete;
    MaterialMipWriter& operator=(const MaterialMipWriter&) = delete;

    // Binds the plan's final tensor (`bytes` long) and the model `d` the levels are filtered for (its
    // maps' ranges, derived normals, colour spaces), (re)allocating the work buffer for its material
    // channels. Only call it when no pending submission uses this writer's commands (a hot reload:
    // the texture set has waited). Throws UNSUPPORTED when a buffer exceeds maxStorageBufferRange or a
    // level's indices exceed texels.comp's 32-bit ints, INVALID_MODEL for more than 64 material channels.
    void bind_source(VkBuffer final_tensor, std::size_t bytes, const ModelDescription& d);
    // Records the levels of slot `slot` from the final tensor (src_w x src_h x src_c NHWC floats)
    // cropped at (ox, oy). The caller orders the final tensor's writes before this (compute -> compute)
    // and the staging writes before their reader (compute -> transfer); this orders its own work buffer
    // against the previous update's use of it.
    void record(VkCommandBuffer cmd, std::size_t slot, int src_w, int src_h, int src_c, int ox, int oy) const;

    // Device-local bytes of the work buffer (every level's float material and moments); 0 before bind_source.
    std::size_t work_bytes() const noexcept { return m_work.bytes(); }
    void debug_objects(DebugObjects& out) const;

private:
    void release() noexcept;
    std::shared_ptr<ComputeContext> m_context;
    PlanPipelines& m_pipelines;   // the texel writer's
    std::vector<VkBuffer> m_destinations;
    int m_width, m_height, m_levels;
    std::vector<VkDeviceSize> m_level_offsets;
    std::vector<NtexHostFormat> m_formats;
    std::vector<uint32_t> m_map_indices;
    std::vector<std::array<NtexChannelSource, 4>> m_packings;
    // From the bound model: material channels per texel, moments per texel (4 or 0), and per level the
    // first float of its material and of its moments in the work buffer.
    int m_channels = 0;
    int m_moments = 0;
    std::vector<int32_t> m_material_base, m_moment_base;
    std::vector<TexelPushConstants> m_pack;   // per level >= 1 and selected map: texels.comp's constants
    float m_height_scale = 1.0f;
    Buffer m_work, m_table, m_dummy;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    std::vector<VkDescriptorSet> m_sets;      // [0]: the filter's; [1 + slot]: packing into slot's staging
    VkPipeline m_filter = VK_NULL_HANDLE;
    VkPipeline m_texels = VK_NULL_HANDLE;
};

}  // namespace ntex::vulkan
