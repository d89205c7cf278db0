// SPDX-License-Identifier: MIT
// TexelWriter: texels.comp's per-map push constants, one descriptor set per slot, the dispatches.
#include "backends/vulkan/vk_texel_writer.h"

#include "core/error.h"
#include "model/texel_source.h"
#include "runtime/material.h"

#include <algorithm>
#include <cstring>

namespace ntex::vulkan {

namespace {

constexpr uint32_t kWordsPerGroup = 64;      // texels.comp's local_size_x
constexpr uint32_t kMaxGroupsX = 65535;      // the minimum maxComputeWorkGroupCount[0] Vulkan guarantees

}  // namespace

TexelMap make_source_texel_map(const TexelSource& source, NtexHostFormat format, std::size_t offset) {
    const std::size_t texel = host_format_texel_size(format);
    if (texel == 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "host format ", static_cast<int>(format), " is not one texels.comp writes");
    if (offset % 4 != 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "texel offset ", offset, " is not a multiple of 4");
    TexelMap t;
    t.texel_bytes = static_cast<uint32_t>(texel);
    t.offset = offset;
    t.pc.format = static_cast<int32_t>(format);
    t.pc.height_scale = source.height_scale;
    t.pc.derived_channel = source.derived_channel;
    t.pc.dlo = source.dlo;
    t.pc.dinv = source.dinv;
    for (std::size_t k = 0; k < 4; ++k) {
        t.pc.select |= source.select[k] << (8 * k);
        t.pc.lo[k] = source.lo[k];
        t.pc.inv[k] = source.inv[k];
    }
    return t;
}

TexelMap make_texel_map(const ModelDescription& d, uint32_t map_index, NtexHostFormat format, std::size_t offset) {
    return make_source_texel_map(texel_source_of_map(d, map_index), format, offset);
}

TexelMap make_packed_texel_map(const ModelDescription& d, const std::array<NtexChannelSource, 4>& sources, NtexHostFormat format,
                               std::size_t offset) {
    return make_source_texel_map(texel_source_of_packing(d, sources), format, offset);
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
