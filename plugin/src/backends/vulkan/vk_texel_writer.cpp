// SPDX-License-Identifier: MIT
// TexelWriter: texels.comp's per-map push constants, one descriptor set per slot, the dispatches.
#include "backends/vulkan/vk_texel_writer.h"

#include "core/error.h"
#include "runtime/material.h"

#include <algorithm>
#include <cstring>

namespace ntex::vulkan {

namespace {

constexpr uint32_t kConstant = 255;          // texels.comp: component reads the constant lo[k]
constexpr uint32_t kDerivedX = 252;          // texels.comp: components 252..254 = the derived normal's x, y, z
constexpr uint32_t kWordsPerGroup = 64;      // texels.comp's local_size_x
constexpr uint32_t kMaxGroupsX = 65535;      // the minimum maxComputeWorkGroupCount[0] Vulkan guarantees

uint32_t channel_byte(int channel) {
    if (channel < 0 || channel >= static_cast<int>(kDerivedX)) fail(NTEX_ERROR_INVALID_ARGUMENT, "final-tensor channel ", channel, " out of range");
    return static_cast<uint32_t>(channel);
}

TexelMap empty_texel_map(const ModelDescription& d, NtexHostFormat format, std::size_t offset) {
    const std::size_t texel = host_format_texel_size(format);
    if (texel == 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "host format ", static_cast<int>(format), " is not one texels.comp writes");
    if (offset % 4 != 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "texel offset ", offset, " is not a multiple of 4");
    TexelMap t;
    t.texel_bytes = static_cast<uint32_t>(texel);
    t.offset = offset;
    t.pc.format = static_cast<int32_t>(format);
    t.pc.height_scale = d.height_scale;
    return t;
}

// Component k of `t` reads component `component` of map `map`: a final-tensor channel with the map's range,
// or a component of the normal derived from the height (the set's one derived_channel).
void set_component(const ModelDescription& d, TexelMap& t, std::size_t k, uint32_t map, uint32_t component) {
    const OutputMap& m = d.outputs[map];
    if (m.derived_from >= 0) {
        const OutputMap& hm = d.outputs[static_cast<std::size_t>(m.derived_from)];
        const int32_t channel = static_cast<int32_t>(channel_byte(hm.channels.at(0)));
        if (t.pc.derived_channel >= 0 && t.pc.derived_channel != channel) {
            fail(NTEX_ERROR_UNSUPPORTED, "texels.comp derives one normal per image; this packing asks for two");
        }
        t.pc.derived_channel = channel;
        t.pc.dlo = hm.range_min;
        t.pc.dinv = 1.0f / (hm.range_max - hm.range_min);   // the CPU path's value, bit for bit
        t.pc.select |= (kDerivedX + component) << (8 * k);
        return;
    }
    t.pc.select |= channel_byte(m.channels.at(component)) << (8 * k);
    t.pc.lo[k] = m.range_min;
    t.pc.inv[k] = 1.0f / (m.range_max - m.range_min);
}

}  // namespace

TexelMap make_texel_map(const ModelDescription& d, uint32_t map_index, NtexHostFormat format, std::size_t offset) {
    if (map_index >= d.outputs.size()) fail(NTEX_ERROR_INVALID_ARGUMENT, "map index ", map_index, " out of range (", d.outputs.size(), " maps)");
    TexelMap t = empty_texel_map(d, format, offset);
    // write_map's component rule: a 1-channel map repeats in R, G and B, a 2-channel map repeats its
    // last; alpha is the 4th channel or 1.
    const std::size_t n = d.outputs[map_index].channel_count();
    if (n == 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "map ", map_index, " has no channel");
    for (std::size_t k = 0; k < 3; ++k) set_component(d, t, k, map_index, static_cast<uint32_t>(std::min(k, n - 1)));
    if (n == 4) {
        set_component(d, t, 3, map_index, 3);
    } else {
        t.pc.select |= kConstant << 24;
        t.pc.lo[3] = 1.0f;
    }
    return t;
}

TexelMap make_packed_texel_map(const ModelDescription& d, const std::array<NtexChannelSource, 4>& sources, NtexHostFormat format,
                               std::size_t offset) {
    TexelMap t = empty_texel_map(d, format, offset);
    for (std::size_t k = 0; k < 4; ++k) {
        const NtexChannelSource& s = sources[k];
        if (s.mapIndex == NTEX_CHANNEL_SOURCE_ZERO || s.mapIndex == NTEX_CHANNEL_SOURCE_ONE) {
            t.pc.select |= kConstant << (8 * k);
            t.pc.lo[k] = s.mapIndex == NTEX_CHANNEL_SOURCE_ONE ? 1.0f : 0.0f;
            continue;
        }
        if (s.mapIndex >= d.outputs.size() || s.component >= static_cast<uint32_t>(d.outputs[s.mapIndex].channel_count())) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "packed component ", k, ": map ", s.mapIndex, " component ", s.component, " is not in the model");
        }
        set_component(d, t, k, s.mapIndex, s.component);
    }
    return t;
}

void require_storage_range(const ComputeContext& context, std::size_t bytes, const char* what) {
    const uint32_t limit = context.properties().limits.maxStorageBufferRange;
    if (bytes > limit) {
        fail(NTEX_ERROR_UNSUPPORTED, what, " (", bytes, " bytes) exceeds the device's maxStorageBufferRange (", limit, " bytes)");
    }
}

void dispatch_texels(const ComputeContext& context, VkCommandBuffer cmd, VkPipelineLayout layout, const TexelPushConstants& pc) {
    const uint64_t groups = (static_cast<uint64_t>(pc.words) + kWordsPerGroup - 1) / kWordsPerGroup;
    const uint32_t gx = static_cast<uint32_t>(std::min<uint64_t>(groups, kMaxGroupsX));
    const uint32_t gy = static_cast<uint32_t>((groups + gx - 1) / gx);
    context.vk().vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof pc, &pc);
    context.vk().vkCmdDispatch(cmd, gx, gy, 1);
}

TexelWriter::TexelWriter(std::shared_ptr<ComputeContext> context, std::vector<VkBuffer> destinations, std::size_t destination_bytes, int width,
                         int height)
    : m_context(std::move(context)), m_pipelines(m_context), m_destinations(std::move(destinations)), m_width(width), m_height(height) {
    require_storage_range(*m_context, destination_bytes, "the texture set's staging buffer");
    try {
        m_dummy = Buffer(m_context, 16, MemoryKind::Upload);
        std::memset(m_dummy.host(), 0, m_dummy.bytes());
        m_sets = m_pipelines.allocate_sets(static_cast<uint32_t>(m_destinations.size()), &m_pool);
        m_pipeline = m_pipelines.get(Shader::Texels);
    } catch (...) {
        release();
        throw;
    }
}

TexelWriter::~TexelWriter() { release(); }

void TexelWriter::release() noexcept {
    if (m_pool != VK_NULL_HANDLE) m_context->vk().vkDestroyDescriptorPool(m_context->device(), m_pool, m_context->allocator());   // frees the sets
    m_pool = VK_NULL_HANDLE;
    m_sets.clear();
}

void TexelWriter::bind_source(VkBuffer final_tensor, std::size_t bytes, std::vector<TexelMap> maps) {
    require_storage_range(*m_context, bytes, "the generator's final tensor");
    m_maps = std::move(maps);
    for (std::size_t slot = 0; slot < m_sets.size(); ++slot) {
        const VkBuffer d = m_dummy.get();
        const VkBuffer bound[kPlanBindings] = {final_tensor, m_destinations[slot], d, d, d, d, d};
        write_plan_bindings(*m_context, m_sets[slot], bound);
    }
}

void TexelWriter::record(VkCommandBuffer cmd, std::size_t slot, int src_w, int src_h, int src_c, int ox, int oy) const {
    if (slot >= m_sets.size()) fail(NTEX_ERROR_INVALID_ARGUMENT, "texel writer slot ", slot, " out of range");
    if (ox < 0 || oy < 0 || ox + m_width > src_w || oy + m_height > src_h) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "texel crop ", m_width, "x", m_height, " at (", ox, ", ", oy, ") leaves the ", src_w, "x", src_h, " tensor");
    }
    const ComputeFunctions& vk = m_context->vk();
    vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipeline);
    vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelines.layout(), 0, 1, &m_sets[slot], 0, nullptr);
    const uint64_t texels = static_cast<uint64_t>(m_width) * static_cast<uint64_t>(m_height);
    for (const TexelMap& map : m_maps) {
        TexelPushConstants pc = map.pc;
        pc.src_w = src_w, pc.src_h = src_h, pc.src_c = src_c;
        pc.ox = ox, pc.oy = oy, pc.w = m_width, pc.h = m_height;
        const uint64_t words = (texels * map.texel_bytes + 3) / 4;
        if (words > static_cast<uint64_t>(INT32_MAX) || map.offset / 4 > static_cast<uint64_t>(INT32_MAX)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "a ", m_width, "x", m_height, " map is too large for texels.comp's 32-bit indices");
        }
        pc.words = static_cast<int32_t>(words);
        pc.dst_word = static_cast<int32_t>(map.offset / 4);
        dispatch_texels(*m_context, cmd, m_pipelines.layout(), pc);
    }
}

void TexelWriter::debug_objects(DebugObjects& out) const {
    out.add(VK_OBJECT_TYPE_BUFFER, m_dummy.get(), "texel writer unused binding");
    out.add(VK_OBJECT_TYPE_DESCRIPTOR_POOL, m_pool, "texel writer descriptor pool");
}

}  // namespace ntex::vulkan
