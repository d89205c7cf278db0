// SPDX-License-Identifier: MIT
// TexelWriter: records texels.comp dispatches that turn a VulkanPlan's final tensor into the packed
// texels of a texture set's maps, one destination buffer per ring slot (the set's staging buffers,
// written by the device instead of the host). The arithmetic is the CPU path's (runtime/material.h:
// range normalisation, derived normals, floor(v * 255 + 0.5) rounding), so the texels match it
// within 1 LSB.
#pragma once

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_debug_names.h"
#include "backends/vulkan/vk_pipeline.h"
#include "model/model_description.h"
#include "model/texel_source.h"

#include <ntex/ntex.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace ntex::vulkan {

// One map as texels.comp writes it.
struct TexelMap {
    TexelPushConstants pc;    // format, select, derived_channel, ranges, height_scale; the rest is set per record
    uint32_t texel_bytes = 0;
    std::size_t offset = 0;   // bytes into the destination buffer (a multiple of 4)
};

// The TexelMap of `source` (model/texel_source.h; texels.comp's select bytes are its select values)
// written as `format` at byte `offset` (a multiple of 4). Throws INVALID_ARGUMENT for a bad format or offset.
TexelMap make_source_texel_map(const TexelSource& source, NtexHostFormat format, std::size_t offset);

// The TexelMap of model map `map_index` written as `format` at byte `offset` (a multiple of 4).
// Throws INVALID_ARGUMENT for a bad index, format or offset.
TexelMap make_texel_map(const ModelDescription& d, uint32_t map_index, NtexHostFormat format, std::size_t offset);

// The TexelMap of a channel-packed image (NtexChannelPacking's sources, already checked against the
// model): constants, map channels with their ranges, derived-normal components. Throws UNSUPPORTED when
// two components ask for normals derived from different heights (texels.comp derives one per image).
TexelMap make_packed_texel_map(const ModelDescription& d, const std::array<NtexChannelSource, 4>& sources, NtexHostFormat format,
                               std::size_t offset);

// Throws UNSUPPORTED naming `what` when `bytes` exceed the device's maxStorageBufferRange.
void require_storage_range(const ComputeContext& context, std::size_t bytes, const char* what);

// Pushes `pc` and dispatches texels.comp over its pc.words words (the caller binds the pipeline and the
// descriptor set).
void dispatch_texels(const ComputeContext& context, VkCommandBuffer cmd, VkPipelineLayout layout, const TexelPushConstants& pc);

class TexelWriter {
public:
    // `destinations`: one buffer per slot (STORAGE_BUFFER usage, `destination_bytes` each, large
    // enough for every map at width x height). Throws UNSUPPORTED when a destination exceeds the
    // device's maxStorageBufferRange, BACKEND / OUT_OF_MEMORY.
    TexelWriter(std::shared_ptr<ComputeContext> context, std::vector<VkBuffer> destinations, std::size_t destination_bytes, int width,
                int height);
    ~TexelWriter();
    TexelWriter(const TexelWriter&) = delete;
    TexelWriter& operator=(const TexelWriter&) = delete;

    // Binds the plan's final tensor (`bytes` long) as the source of every slot's descriptor set and
    // replaces the maps (a hot reload may change ranges, channels and the height scale). Only call it
    // when no pending submission uses this writer's commands (descriptor updates are not synchronised).
    // Throws UNSUPPORTED when the tensor exceeds the device's maxStorageBufferRange.
    void bind_source(VkBuffer final_tensor, std::size_t bytes, std::vector<TexelMap> maps);
    // Records one dispatch per map writing slot `slot`'s destination from the final tensor
    // (src_w x src_h x src_c NHWC floats) cropped at (ox, oy). The caller orders the final tensor's
    // writes before this (compute -> compute) and these writes before their reader.
    void record(VkCommandBuffer cmd, std::size_t slot, int src_w, int src_h, int src_c, int ox, int oy) const;

    // Its pipelines (texels.comp's among them), for the material mip filter that packs with it.
    PlanPipelines& pipelines() noexcept { return m_pipelines; }

    // Its Vulkan objects, named for VK_EXT_debug_utils (vk_debug_names.h).
    void debug_objects(DebugObjects& out) const;

private:
    void release() noexcept;
    std::shared_ptr<ComputeContext> m_context;
    PlanPipelines m_pipelines;
    std::vector<TexelMap> m_maps;
    std::vector<VkBuffer> m_destinations;
    int m_width, m_height;
    Buffer m_dummy;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    std::vector<VkDescriptorSet> m_sets;   // per slot
    VkPipeline m_pipeline = VK_NULL_HANDLE;
};

}  // namespace ntex::vulkan
