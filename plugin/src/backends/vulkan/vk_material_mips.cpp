// SPDX-License-Identifier: MIT
// MaterialMipWriter: the map table, the work buffer's level layout, the filter and packing dispatches.
#include "backends/vulkan/vk_material_mips.h"

#include "backends/vulkan/vk_texel_writer.h"

#include "backends/vulkan/vulkan_plan.h"
#include "core/error.h"
#include "runtime/material.h"
#include "runtime/material_mip_texel.h"
#include "runtime/material_mips.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ntex::vulkan {

namespace {

// material_mips.comp's table: a header of kHeaderWords words (maps, material channels, moments, normal
// map, roughness map, 3 spare), then kMapWords per model map (offset, count, srgb, derived, lo, inv, 4 final-tensor
// channels). Keep in sync with the shader's kHeader / kMapWords.
constexpr std::size_t kHeaderWords = 8;
constexpr std::size_t kMapWords = 10;
constexpr uint32_t kGroup = 8;              // material_mips.comp's local size (8 x 8)

int level_size(int size, int level) noexcept { return MaterialMips::level_size(size, level); }

uint32_t float_bits(float v) noexcept {
    uint32_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
}

// The push block of material_mips.comp (64 bytes, like texels.comp's; the pipeline layout's range).
struct FilterPush {
    int32_t mode = 0;
    int32_t sw = 0, sh = 0, dw = 0, dh = 0, ox = 0, oy = 0, src_c = 0;
    int32_t src_base = 0, src_mom = 0, dst_base = 0, dst_mom = 0;
    float height_scale = 1.0f;
    int32_t pad0 = 0, pad1 = 0, pad2 = 0;
};
static_assert(sizeof(FilterPush) == 64 && sizeof(FilterPush) <= kPushConstantBytes, "FilterPush must match shaders/material_mips.comp");

}  // namespace

MaterialMipWriter::MaterialMipWriter(std::shared_ptr<ComputeContext> context, PlanPipelines& pipelines, std::vector<VkBuffer> destinations, int width, int height,
                                     int levels, std::vector<VkDeviceSize> level_offsets, std::vector<NtexHostFormat> formats,
                                     std::vector<uint32_t> map_indices, std::vector<std::array<NtexChannelSource, 4>> packings)
    : m_context(std::move(context)), m_pipelines(pipelines), m_destinations(std::move(destinations)), m_width(width), m_height(height),
      m_levels(levels), m_level_offsets(std::move(level_offsets)), m_formats(std::move(formats)), m_map_indices(std::move(map_indices)),
      m_packings(std::move(packings)) {
    if (width < 1 || height < 1 || levels < 2 || m_formats.empty() || m_formats.size() != m_map_indices.size() ||
        (!m_packings.empty() && m_packings.size() != m_formats.size()) ||
        m_level_offsets.size() != static_cast<std::size_t>(levels) * m_formats.size()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "material mip writer: inconsistent levels (", levels, "), maps (", m_formats.size(), ") or level offsets (",
             m_level_offsets.size(), ")");
    }
    for (VkDeviceSize offset : m_level_offsets) {
        if (offset % 4 != 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "material mip level offset ", offset, " is not a multiple of 4");
    }
    try {
        m_dummy = Buffer(m_context, 16, MemoryKind::Upload);
        std::memset(m_dummy.host(), 0, m_dummy.bytes());
        m_sets = allocate_sets_or_release(m_pipelines, static_cast<uint32_t>(m_destinations.size() + 1), &m_pool);
        m_filter = m_pipelines.get(Shader::MaterialMips);
        m_texels = m_pipelines.get(Shader::Texels);
    } catch (...) {
        release();
        throw;
    }
}

MaterialMipWriter::~MaterialMipWriter() { release(); }

void MaterialMipWriter::release() noexcept {
    if (m_pool != VK_NULL_HANDLE) m_context->vk().vkDestroyDescriptorPool(m_context->device(), m_pool, m_context->allocator());   // frees the sets
    m_pool = VK_NULL_HANDLE;
    m_sets.clear();
}

void MaterialMipWriter::bind_source(VkBuffer final_tensor, std::size_t bytes, const ModelDescription& d) {
    require_storage_range(*m_context, bytes, "the generator's final tensor");
    const MaterialLayout layout = make_material_layout(d);
    // The table (runtime/material_mip_texel.h: maps chosen as MaterialMips chooses them) in
    // material_mips.comp's words. Built in locals and committed at the end: a failure below leaves the
    // previous binding intact.
    const MaterialMipTable mt = material_mip_table(d);
    std::vector<uint32_t> table(kHeaderWords + kMapWords * static_cast<std::size_t>(mt.maps), 0u);
    table[0] = static_cast<uint32_t>(mt.maps);
    table[1] = static_cast<uint32_t>(mt.channels);
    table[2] = static_cast<uint32_t>(mt.moments);
    table[3] = static_cast<uint32_t>(mt.normal_map);      // -1 reads back as int -1
    table[4] = static_cast<uint32_t>(mt.roughness_map);   // words 5..7 are spare
    for (int i = 0; i < mt.maps; ++i) {
        const MaterialMipTable::Map& m = mt.map[i];
        uint32_t* r = table.data() + kHeaderWords + kMapWords * static_cast<std::size_t>(i);
        r[0] = static_cast<uint32_t>(m.offset);
        r[1] = static_cast<uint32_t>(m.count);
        r[2] = static_cast<uint32_t>(m.srgb);
        r[3] = static_cast<uint32_t>(m.derived);
        r[4] = float_bits(m.lo);
        r[5] = float_bits(m.inv);
        for (std::size_t k = 0; k < 4; ++k) r[6 + k] = static_cast<uint32_t>(m.channel[k]);
    }

    // Every level's material, then its moments (material_mip_layout), in 32-bit indices.
    const MaterialMipLayout work_layout = material_mip_layout(mt, m_width, m_height, m_levels);
    if (work_layout.floats > static_cast<std::size_t>(INT32_MAX)) {
        fail(NTEX_ERROR_UNSUPPORTED, "a ", m_width, "x", m_height, " material of ", mt.channels, " channels is too large for the material mip filter's 32-bit indices");
    }
    const std::vector<int32_t> material_base(work_layout.material.begin(), work_layout.material.end());
    const std::vector<int32_t> moment_base(work_layout.moments.begin(), work_layout.moments.end());
    const std::size_t work_bytes = std::max<std::size_t>(work_layout.floats, 1) * sizeof(float);
    require_storage_range(*m_context, work_bytes, "the material mip filter's work buffer");

    // texels.comp's constants per level >= 1 and selected image: the CPU path's select on the level's
    // material (write_map's component rule for a map, the packing's sources for a packed image).
    std::vector<TexelSource> sources;
    for (std::size_t i = 0; i < m_formats.size(); ++i) {
        sources.push_back(material_level_source(layout, m_map_indices[i], m_packings.empty() ? nullptr : &m_packings[i],
                                                "NtexTextureSetPackingInfo image"));
    }
    std::vector<TexelPushConstants> pack;
    for (int l = 1; l < m_levels; ++l) {
        const int w = level_size(m_width, l), h = level_size(m_height, l);
        for (std::size_t i = 0; i < m_formats.size(); ++i) {
            const VkDeviceSize offset = m_level_offsets[static_cast<std::size_t>(l) * m_formats.size() + i];
            TexelPushConstants pc = make_source_texel_map(sources[i], m_formats[i], static_cast<std::size_t>(offset)).pc;
            pc.src_w = w, pc.src_h = h, pc.src_c = mt.channels;
            pc.w = w, pc.h = h;
            const uint64_t words = (static_cast<uint64_t>(w) * static_cast<uint64_t>(h) * host_format_texel_size(m_formats[i]) + 3) / 4;
            if (words > static_cast<uint64_t>(INT32_MAX) || offset / 4 > static_cast<uint64_t>(INT32_MAX)) {
                fail(NTEX_ERROR_UNSUPPORTED, "a material mip level is too large for texels.comp's 32-bit indices");
            }
            pc.words = static_cast<int32_t>(words);
            pc.dst_word = static_cast<int32_t>(offset / 4);
            pc.src_base = material_base[static_cast<std::size_t>(l)];
            pack.push_back(pc);
        }
    }

    // New buffers are allocated before either replaces the bound one, so a failed allocation changes nothing.
    const std::size_t table_bytes = table.size() * sizeof(uint32_t);
    Buffer work = m_work.bytes() < work_bytes ? Buffer(m_context, work_bytes, MemoryKind::DeviceLocal) : Buffer();
    Buffer table_buffer = m_table.bytes() < table_bytes ? Buffer(m_context, table_bytes, MemoryKind::Upload) : Buffer();
    if (work.get() != VK_NULL_HANDLE) m_work = std::move(work);
    if (table_buffer.get() != VK_NULL_HANDLE) m_table = std::move(table_buffer);
    std::memcpy(m_table.host(), table.data(), table_bytes);
    m_channels = mt.channels;
    m_moments = mt.moments;
    m_height_scale = d.height_scale;
    m_material_base = std::move(material_base);
    m_moment_base = std::move(moment_base);
    m_pack = std::move(pack);

    const VkBuffer z = m_dummy.get();
    const VkBuffer filter[kPlanBindings] = {final_tensor, m_work.get(), m_table.get(), z, z, z, z};
    write_plan_bindings(*m_context, m_sets[0], filter);
    for (std::size_t slot = 0; slot < m_destinations.size(); ++slot) {
        const VkBuffer packing[kPlanBindings] = {m_work.get(), m_destinations[slot], z, z, z, z, z};
        write_plan_bindings(*m_context, m_sets[1 + slot], packing);
    }
}

void MaterialMipWriter::record(VkCommandBuffer cmd, std::size_t slot, int src_w, int src_h, int src_c, int ox, int oy) const {
    if (slot + 1 >= m_sets.size()) fail(NTEX_ERROR_INVALID_ARGUMENT, "material mip writer slot ", slot, " out of range");
    if (m_material_base.empty()) fail(NTEX_ERROR_BACKEND, "material mip writer recorded before bind_source");
    if (ox < 0 || oy < 0 || ox + m_width > src_w || oy + m_height > src_h) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "material crop ", m_width, "x", m_height, " at (", ox, ", ", oy, ") leaves the ", src_w, "x", src_h, " tensor");
    }
    const ComputeFunctions& vk = m_context->vk();
    constexpr VkPipelineStageFlags cs = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    constexpr VkAccessFlags rw = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    // The work buffer is shared by the ring's slots: the previous update's filter and packing (in this
    // command buffer or an earlier submission) before this one rewrites it.
    memory_barrier(*m_context, cmd, cs, rw, cs, rw);
    vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_filter);
    vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelines.layout(), 0, 1, &m_sets[0], 0, nullptr);
    FilterPush pc;
    pc.height_scale = m_height_scale;
    pc.src_c = src_c;
    for (int l = 0; l < m_levels; ++l) {
        const int dw = level_size(m_width, l), dh = level_size(m_height, l);
        pc.mode = l == 0 ? 0 : 1;
        if (l == 0) {
            pc.sw = src_w, pc.sh = src_h, pc.ox = ox, pc.oy = oy;
        } else {
            pc.sw = level_size(m_width, l - 1), pc.sh = level_size(m_height, l - 1);
            pc.src_base = m_material_base[static_cast<std::size_t>(l - 1)];
            pc.src_mom = m_moment_base[static_cast<std::size_t>(l - 1)];
            memory_barrier(*m_context, cmd, cs, VK_ACCESS_SHADER_WRITE_BIT, cs, rw);   // level l - 1 before its reader
        }
        pc.dw = dw, pc.dh = dh;
        pc.dst_base = m_material_base[static_cast<std::size_t>(l)];
        pc.dst_mom = m_moment_base[static_cast<std::size_t>(l)];
        vk.vkCmdPushConstants(cmd, m_pipelines.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof pc, &pc);
        vk.vkCmdDispatch(cmd, (static_cast<uint32_t>(dw) + kGroup - 1) / kGroup, (static_cast<uint32_t>(dh) + kGroup - 1) / kGroup, 1);
    }
    memory_barrier(*m_context, cmd, cs, VK_ACCESS_SHADER_WRITE_BIT, cs, VK_ACCESS_SHADER_READ_BIT);   // every level before packing
    vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_texels);
    vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelines.layout(), 0, 1, &m_sets[1 + slot], 0, nullptr);
    for (const TexelPushConstants& pack : m_pack) dispatch_texels(*m_context, cmd, m_pipelines.layout(), pack);
}

void MaterialMipWriter::debug_objects(DebugObjects& out) const {
    out.add(VK_OBJECT_TYPE_BUFFER, m_work.get(), "material mips work buffer");
    out.add(VK_OBJECT_TYPE_BUFFER, m_table.get(), "material mips map table");
    out.add(VK_OBJECT_TYPE_BUFFER, m_dummy.get(), "material mips unused binding");
    out.add(VK_OBJECT_TYPE_DESCRIPTOR_POOL, m_pool, "material mips descriptor pool");
}

}  // namespace ntex::vulkan
