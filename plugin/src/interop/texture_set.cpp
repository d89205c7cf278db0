// SPDX-License-Identifier: MIT
// texture_set.cpp: ring-buffered VkImages per map, uploaded through host-visible staging buffers.
#include "interop/texture_set.h"

#include "core/checked_size.h"
#include "core/error.h"
#include "runtime/async_generator.h"

#include <algorithm>
#include <type_traits>
#include <array>
#include <bit>

namespace ntex::interop {

namespace {

constexpr const char* kWritableFormats =
    "R8G8B8A8_SRGB/UNORM, B8G8R8A8_SRGB/UNORM, R8G8_UNORM, R8_UNORM, R16_UNORM, R16_SFLOAT, R16G16B16A16_SFLOAT, R32_SFLOAT, "
    "R32G32B32A32_SFLOAT";

}  // namespace

VkFormat format_for(NtexMapSemantic semantic) noexcept {
    switch (semantic) {
        case NTEX_MAP_SEMANTIC_ALBEDO: return VK_FORMAT_R8G8B8A8_SRGB;
        case NTEX_MAP_SEMANTIC_NORMAL: return VK_FORMAT_R8G8B8A8_UNORM;
        case NTEX_MAP_SEMANTIC_ROUGHNESS: return VK_FORMAT_R8_UNORM;
        case NTEX_MAP_SEMANTIC_HEIGHT: return VK_FORMAT_R16_UNORM;
        default: return VK_FORMAT_R8G8B8A8_UNORM;
    }
}

NtexHostFormat host_format_for(NtexMapSemantic semantic) noexcept {
    switch (semantic) {
        case NTEX_MAP_SEMANTIC_ROUGHNESS: return NTEX_HOST_FORMAT_R8_UNORM;
        case NTEX_MAP_SEMANTIC_HEIGHT: return NTEX_HOST_FORMAT_R16_UNORM;
        default: return NTEX_HOST_FORMAT_R8G8B8A8;
    }
}

NtexHostFormat host_format_for(VkFormat format) {
    switch (format) {
        case VK_FORMAT_R8G8B8A8_SRGB:
        case VK_FORMAT_R8G8B8A8_UNORM: return NTEX_HOST_FORMAT_R8G8B8A8;
        case VK_FORMAT_R8_UNORM: return NTEX_HOST_FORMAT_R8_UNORM;
        case VK_FORMAT_R16_UNORM: return NTEX_HOST_FORMAT_R16_UNORM;
        case VK_FORMAT_R32_SFLOAT: return NTEX_HOST_FORMAT_R32_SFLOAT;
        case VK_FORMAT_R32G32B32A32_SFLOAT: return NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT;
        case VK_FORMAT_R8G8_UNORM: return NTEX_HOST_FORMAT_R8G8_UNORM;
        case VK_FORMAT_B8G8R8A8_SRGB:
        case VK_FORMAT_B8G8R8A8_UNORM: return NTEX_HOST_FORMAT_B8G8R8A8;
        case VK_FORMAT_R16_SFLOAT: return NTEX_HOST_FORMAT_R16_SFLOAT;
        case VK_FORMAT_R16G16B16A16_SFLOAT: return NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT;
        default: fail(NTEX_ERROR_INVALID_ARGUMENT, "VkFormat ", static_cast<int>(format), " is not one ntex writes (", kWritableFormats, ")");
    }
}

uint32_t texel_bytes(VkFormat format) noexcept {
    switch (format) {
        case VK_FORMAT_R8_UNORM: return 1;
        case VK_FORMAT_R16_UNORM:
        case VK_FORMAT_R8G8_UNORM:
        case VK_FORMAT_R16_SFLOAT: return 2;
        case VK_FORMAT_R16G16B16A16_SFLOAT: return 8;
        case VK_FORMAT_R32G32B32A32_SFLOAT: return 16;
        default: return 4;
    }
}

namespace {

VkImageMemoryBarrier image_barrier(VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src_access,
                                   VkAccessFlags dst_access, uint32_t base_mip, uint32_t mip_count, uint32_t layer) {
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = src_access;
    b.dstAccessMask = dst_access;
    b.oldLayout = from;
    b.newLayout = to;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, base_mip, mip_count, layer, 1};
    return b;
}

bool writable_format(VkFormat format) noexcept {
    switch (format) {
        case VK_FORMAT_R8G8B8A8_SRGB:
        case VK_FORMAT_R8G8B8A8_UNORM:
        case VK_FORMAT_R8_UNORM:
        case VK_FORMAT_R16_UNORM:
        case VK_FORMAT_R32_SFLOAT:
        case VK_FORMAT_R32G32B32A32_SFLOAT:
        case VK_FORMAT_R8G8_UNORM:
        case VK_FORMAT_B8G8R8A8_SRGB:
        case VK_FORMAT_B8G8R8A8_UNORM:
        case VK_FORMAT_R16_SFLOAT:
        case VK_FORMAT_R16G16B16A16_SFLOAT: return true;
        default: return false;
    }
}

// Level `level` of an extent (0 beyond 31 halvings of a 32-bit extent, which no real image has).
uint32_t mip_extent(uint32_t extent, uint32_t level) noexcept { return level >= 32 ? 0u : std::max(1u, extent >> level); }

// A target's region at `level` levels below its baseMipLevel: (offset >> level), the generator's
// width x height halved as Vulkan halves extents.
struct Region {
    uint64_t x0, y0, x1, y1;   // [x0, x1) x [y0, y1)
};
Region region_at(VkOffset2D offset, uint32_t width, uint32_t height, uint32_t level) noexcept {
    const uint64_t x = level >= 32 ? 0u : static_cast<uint64_t>(offset.x) >> level;
    const uint64_t y = level >= 32 ? 0u : static_cast<uint64_t>(offset.y) >> level;
    return Region{x, y, x + mip_extent(width, level), y + mip_extent(height, level)};
}
bool overlap(const Region& a, const Region& b) noexcept { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }

}  // namespace

TextureSet::TextureSet(std::shared_ptr<const VulkanDevice> device, TextureSetSource source, uint32_t ring_size, uint32_t mip_levels,
                       bool device_texels)
    : m_device(std::move(device)), m_source(std::move(source)), m_device_texels(device_texels) {
    if (ring_size < 2 || ring_size > 4) fail(NTEX_ERROR_INVALID_ARGUMENT, "ringSize ", ring_size, " is outside 2..4");
    if (m_source.map_indices.empty()) fail(NTEX_ERROR_INVALID_ARGUMENT, "the texture set selects no map");
    const uint32_t limit = m_device->properties().limits.maxImageDimension2D;
    if (m_source.width > limit || m_source.height > limit) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "the generator's ", m_source.width, "x", m_source.height, " output exceeds the device's maxImageDimension2D ",
             limit);
    }
    const auto& vk = m_device->vk();
    const uint32_t full_chain = static_cast<uint32_t>(std::bit_width(std::max(m_source.width, m_source.height)));
    m_mip_levels = mip_levels == 0 ? full_chain : std::min(mip_levels, full_chain);
    // Material mips: every level comes from staging (host-converted, or written by the Vulkan compute
    // path's MaterialMipWriter on the device) and is copied; no blits.
    const bool material_mips = m_source.mip_filter == NTEX_MIP_FILTER_MATERIAL;
    check_targets(ring_size);

    CheckedSize offset = 0;
    for (std::size_t i = 0; i < m_source.semantics.size(); ++i) {
        const VkFormat format = !m_source.targets.empty() ? m_source.targets[i].format
                                : m_source.formats.empty() ? format_for(m_source.semantics[i]) : m_source.formats[i];
        m_host_formats.push_back(host_format_for(format));
        VkFormatProperties props{};
        vk.vkGetPhysicalDeviceFormatProperties(m_device->physical_device(), format, &props);
        const VkFormatFeatureFlags need = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
        if ((props.optimalTilingFeatures & need) != need) {
            fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format),
                 " cannot be sampled and copied to with optimal tiling on this device");
        }
        const VkFormatFeatureFlags blit = VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT |
                                          VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
        // No linear blits: no blitted mip chain (material mips are copies, which every format here allows).
        // A compute-only family cannot blit either.
        if (!material_mips && ((props.optimalTilingFeatures & blit) != blit || !m_device->graphics())) m_mip_levels = 1;
        m_formats.push_back(format);
        m_offsets.push_back(offset.get("staging buffer"));
        m_row_pitch.push_back((CheckedSize(m_source.width) * texel_bytes(format)).get_as<uint32_t>("staging row"));
        offset += CheckedSize(m_row_pitch.back()) * m_source.height;
        offset = offset.round_up(16);   // copies need offsets aligned to 4 and the texel size
    }
    m_level_offsets = m_offsets;
    m_level_pitch = m_row_pitch;
    for (uint32_t level = 1; material_mips && level < m_mip_levels; ++level) {
        for (std::size_t i = 0; i < m_formats.size(); ++i) {
            m_level_offsets.push_back(offset.get("staging buffer"));
            m_level_pitch.push_back((CheckedSize(mip_extent(m_source.width, level)) * texel_bytes(m_formats[i])).get_as<uint32_t>("staging row"));
            offset += CheckedSize(m_level_pitch.back()) * mip_extent(m_source.height, level);
            offset = offset.round_up(16);
        }
    }
    m_staging_size = offset.get("staging buffer");
    check_target_ranges();
    // What the final barrier makes the texels visible to: shader reads, plus storage writes after them
    // (finalLayout GENERAL: a host post-process) and input-attachment reads (a host target with that usage,
    // read in the fragment stage).
    for (std::size_t i = 0; i < m_formats.size(); ++i) {
        VkAccessFlags access = VK_ACCESS_SHADER_READ_BIT;
        if (m_source.final_layout == VK_IMAGE_LAYOUT_GENERAL) access |= VK_ACCESS_SHADER_WRITE_BIT;
        bool input_attachment = false;
        for (std::size_t k = i; k < m_source.targets.size(); k += m_formats.size()) {
            input_attachment = input_attachment || (m_source.targets[k].usage & VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT) != 0;
        }
        if (input_attachment && (m_source.consumer_stages & VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT) != 0) access |= VK_ACCESS_INPUT_ATTACHMENT_READ_BIT;
        m_consumer_access.push_back(access);
    }

    try {
        VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
        type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
        type.initialValue = 0;
        VkSemaphoreCreateInfo sci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        sci.pNext = &type;
        check_vk(vk.vkCreateSemaphore(m_device->device(), &sci, m_device->allocator(), &m_semaphore), "vkCreateSemaphore(timeline)");
        m_slots.resize(ring_size);
        create_resources();
    } catch (...) {
        destroy();
        throw;
    }
}

TextureSet::~TextureSet() { destroy(); }

void TextureSet::check_targets(uint32_t ring_size) {
    const std::vector<NtexTextureSetTarget>& targets = m_source.targets;
    const VkImageLayout final_layout = m_source.final_layout;
    if (final_layout != VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL && final_layout != VK_IMAGE_LAYOUT_GENERAL) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetsInfo::finalLayout ", static_cast<int>(final_layout),
             " is neither VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL nor VK_IMAGE_LAYOUT_GENERAL");
    }
    if (targets.empty()) return;
    const std::size_t maps = m_source.semantics.size();
    if (targets.size() != std::size_t{ring_size} * maps) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetsInfo::targetCount ", targets.size(), " is not ringSize x selected maps (", ring_size,
             " x ", maps, ")");
    }
    const std::vector<VkOffset2D>& offsets = m_source.target_offsets;
    if (!offsets.empty() && offsets.size() != targets.size()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetOffsetsInfo::offsetCount ", offsets.size(), " is not NtexTextureSetTargetsInfo::targetCount ",
             targets.size());
    }
    for (std::size_t k = 0; k < targets.size(); ++k) {
        const NtexTextureSetTarget& t = targets[k];
        const std::size_t map = k % maps;
        const std::string name = cat("NtexTextureSetTargetsInfo::pTargets[", k, "] (slot ", k / maps, ", map ", m_source.map_indices[map], ")");
        if (t.image == VK_NULL_HANDLE) fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".image is VK_NULL_HANDLE");
        if (!writable_format(t.format)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".format ", static_cast<int>(t.format),
                 " is not one ntex writes (", kWritableFormats, ")");
        }
        if (t.format != targets[map].format) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".format ", static_cast<int>(t.format), " differs from slot 0's ",
                 static_cast<int>(targets[map].format), " (a map has one format in every slot)");
        }
        if (!m_source.formats.empty() && t.format != m_source.formats[map]) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".format ", static_cast<int>(t.format), " differs from pFormats[", map, "] ",
                 static_cast<int>(m_source.formats[map]));
        }
        if (t.imageMipLevels == 0 || t.imageArrayLayers == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".imageMipLevels ", t.imageMipLevels, " and .imageArrayLayers ", t.imageArrayLayers,
                 " must both be at least 1");
        }
        if (t.baseMipLevel >= t.imageMipLevels) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".baseMipLevel ", t.baseMipLevel, " is not below .imageMipLevels ", t.imageMipLevels);
        }
        if (t.arrayLayer >= t.imageArrayLayers) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".arrayLayer ", t.arrayLayer, " is not below .imageArrayLayers ", t.imageArrayLayers);
        }
        const uint32_t w = t.extent.width == 0 ? 0 : mip_extent(t.extent.width, t.baseMipLevel);
        const uint32_t h = t.extent.height == 0 ? 0 : mip_extent(t.extent.height, t.baseMipLevel);
        if (offsets.empty() && (w != m_source.width || h != m_source.height)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".extent ", t.extent.width, "x", t.extent.height, " is ", w, "x", h, " at .baseMipLevel ",
                 t.baseMipLevel, ", not the generator's ", m_source.width, "x", m_source.height);
        }
        if (!offsets.empty()) {
            // An atlas region: inside level baseMipLevel; each further level only while the region stays
            // inside and on the 2 x 2 grid of the level above (offsets multiples of 2^level).
            const VkOffset2D o = offsets[k];
            if (o.x < 0 || o.y < 0) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetOffsetsInfo::pOffsets[", k, "] (", o.x, ", ", o.y, ") is negative");
            }
            const Region r = region_at(o, m_source.width, m_source.height, 0);
            if (r.x1 > w || r.y1 > h) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, name, ": the ", m_source.width, "x", m_source.height, " region at NtexTextureSetTargetOffsetsInfo::pOffsets[",
                     k, "] (", o.x, ", ", o.y, ") leaves level ", t.baseMipLevel, " (", w, "x", h, ")");
            }
            uint32_t levels = 1;
            for (; levels < 32; ++levels) {
                const uint32_t grid = 1u << levels;
                const Region rl = region_at(o, m_source.width, m_source.height, levels);
                const bool aligned = static_cast<uint32_t>(o.x) % grid == 0 && static_cast<uint32_t>(o.y) % grid == 0;
                if (!aligned || rl.x1 > mip_extent(t.extent.width, t.baseMipLevel + levels) || rl.y1 > mip_extent(t.extent.height, t.baseMipLevel + levels)) break;
            }
            m_mip_levels = std::min(m_mip_levels, levels);
        }
        if ((t.usage & VK_IMAGE_USAGE_TRANSFER_DST_BIT) == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".usage 0x", std::hex, t.usage, std::dec, " lacks VK_IMAGE_USAGE_TRANSFER_DST_BIT (ntex copies into it)");
        }
        if (m_source.final_layout == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL &&
            (t.usage & (VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT)) == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".usage 0x", std::hex, t.usage, std::dec,
                 " has neither SAMPLED nor INPUT_ATTACHMENT, which finalLayout SHADER_READ_ONLY_OPTIMAL needs (or choose GENERAL)");
        }
        const VkPhysicalDeviceLimits& limits = m_device->properties().limits;
        if (t.extent.width > limits.maxImageDimension2D || t.extent.height > limits.maxImageDimension2D ||
            t.imageArrayLayers > limits.maxImageArrayLayers ||
            t.imageMipLevels > static_cast<uint32_t>(std::bit_width(std::max(t.extent.width, t.extent.height)))) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ": an image of ", t.extent.width, "x", t.extent.height, ", ", t.imageMipLevels, " levels and ",
                 t.imageArrayLayers, " layers cannot exist on this device (maxImageDimension2D ", limits.maxImageDimension2D, ", maxImageArrayLayers ",
                 limits.maxImageArrayLayers, ", a full chain of ", std::bit_width(std::max(t.extent.width, t.extent.height)), " levels)");
        }
        // One VkImage is described once: every target naming it must describe it the same way.
        for (std::size_t j = 0; j < k; ++j) {
            const NtexTextureSetTarget& o = targets[j];
            if (o.image == t.image && (o.format != t.format || o.usage != t.usage || o.extent.width != t.extent.width ||
                                       o.extent.height != t.extent.height || o.imageMipLevels != t.imageMipLevels ||
                                       o.imageArrayLayers != t.imageArrayLayers)) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, name, " describes its image differently from pTargets[", j,
                     "] (format, usage, extent, imageMipLevels, imageArrayLayers must agree)");
            }
        }
        m_mip_levels = std::min(m_mip_levels, t.imageMipLevels - t.baseMipLevel);
    }
}

void TextureSet::check_target_ranges() const {
    const std::vector<NtexTextureSetTarget>& targets = m_source.targets;
    for (std::size_t k = 0; k < targets.size(); ++k) {
        const NtexTextureSetTarget& t = targets[k];
        const std::string name = cat("NtexTextureSetTargetsInfo::pTargets[", k, "]");
        if (m_mip_levels > 1 && m_source.mip_filter == NTEX_MIP_FILTER_BLIT && (t.usage & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, ".usage 0x", std::hex, t.usage, std::dec, " lacks VK_IMAGE_USAGE_TRANSFER_SRC_BIT, which the ",
                 m_mip_levels, " mip levels need (blits); or ask for mipLevels 1");
        }
        // Levels base .. base + m_mip_levels - 1 of one layer: two targets on one image and layer must not
        // share a level, unless their atlas regions are disjoint at every level they share and they belong
        // to different slots (one update transitions each of its subresources once).
        const std::vector<VkOffset2D>& offsets = m_source.target_offsets;
        const std::size_t maps = m_source.semantics.size();
        for (std::size_t j = 0; j < k; ++j) {
            const NtexTextureSetTarget& o = targets[j];
            if (o.image != t.image || o.arrayLayer != t.arrayLayer) continue;
            const uint32_t first = std::max(t.baseMipLevel, o.baseMipLevel);
            const uint32_t end = std::min(t.baseMipLevel + m_mip_levels, o.baseMipLevel + m_mip_levels);
            if (first >= end) continue;
            bool disjoint = !offsets.empty() && j / maps != k / maps;
            for (uint32_t level = first; disjoint && level < end; ++level) {
                disjoint = !overlap(region_at(offsets[k], m_source.width, m_source.height, level - t.baseMipLevel),
                                    region_at(offsets[j], m_source.width, m_source.height, level - o.baseMipLevel));
            }
            if (disjoint) continue;
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " and pTargets[", j, "] write the same subresource (layer ", t.arrayLayer, ", mip levels ",
                 t.baseMipLevel, " and ", o.baseMipLevel, ", ", m_mip_levels, " level(s) each)",
                 offsets.empty() ? "" : j / maps == k / maps ? " in one ring slot" : " with overlapping regions");
        }
    }
}

void TextureSet::create_resources() {
    const auto& vk = m_device->vk();
    const VkDevice dev = m_device->device();
    const VkAllocationCallbacks* allocator = m_device->allocator();
    std::vector<VkBuffer> buffers;
    std::vector<VkImage> images;
    for (Slot& slot : m_slots) {
        VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        bci.size = m_staging_size;
        bci.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | (m_device_texels ? VkBufferUsageFlags{VK_BUFFER_USAGE_STORAGE_BUFFER_BIT} : VkBufferUsageFlags{0});
        bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        check_vk(vk.vkCreateBuffer(dev, &bci, allocator, &slot.staging), "vkCreateBuffer(staging)");
        buffers.push_back(slot.staging);
        slot.maps.resize(m_formats.size());
        for (std::size_t i = 0; i < m_formats.size(); ++i) {
            if (!m_source.targets.empty()) {
                const std::size_t k = static_cast<std::size_t>(&slot - m_slots.data()) * m_formats.size() + i;
                const NtexTextureSetTarget& t = m_source.targets[k];
                const VkOffset2D offset = m_source.target_offsets.empty() ? VkOffset2D{0, 0} : m_source.target_offsets[k];
                slot.maps[i] = MapImage{t.image, t.view, true, t.baseMipLevel, t.arrayLayer, offset};
                continue;
            }
            VkImageCreateInfo ici{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
            ici.imageType = VK_IMAGE_TYPE_2D;
            ici.format = m_formats[i];
            ici.extent = {m_source.width, m_source.height, 1};
            ici.mipLevels = m_mip_levels;
            ici.arrayLayers = 1;
            ici.samples = VK_SAMPLE_COUNT_1_BIT;
            ici.tiling = VK_IMAGE_TILING_OPTIMAL;
            ici.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
            ici.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
            ici.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
            check_vk(vk.vkCreateImage(dev, &ici, allocator, &slot.maps[i].image), "vkCreateImage");
            images.push_back(slot.maps[i].image);
        }
    }
    // Host path: host-coherent staging, so the writes made before vkQueueSubmit are visible to the copy
    // without a flush. Device path: written by a compute shader, read by the copy: device-local. All
    // slots' staging buffers share a block, all images another (MemoryBlocks).
    if (m_device_texels) {
        m_staging_blocks.bind_buffers(*m_device, buffers, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, false, "staging");
    } else {
        m_staging_blocks.bind_buffers(*m_device, buffers, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, true,
                                      "staging");
        for (std::size_t s = 0; s < m_slots.size(); ++s) m_slots[s].mapped = m_staging_blocks.mapped(s);
    }
    if (images.empty()) return;   // host-owned targets
    m_image_blocks.bind_images(*m_device, images, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, "images");
    for (Slot& slot : m_slots) {
        for (std::size_t i = 0; i < m_formats.size(); ++i) {
            MapImage& m = slot.maps[i];
            VkImageViewCreateInfo vci{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
            vci.image = m.image;
            vci.viewType = VK_IMAGE_VIEW_TYPE_2D;
            vci.format = m_formats[i];
            vci.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, m_mip_levels, 0, 1};
            check_vk(vk.vkCreateImageView(dev, &vci, allocator, &m.view), "vkCreateImageView");
        }
    }
}

void TextureSet::destroy() noexcept {
    const auto& vk = m_device->vk();
    const VkDevice dev = m_device->device();
    const VkAllocationCallbacks* allocator = m_device->allocator();
    for (Slot& slot : m_slots) {
        for (MapImage& m : slot.maps) {
            if (m.host_owned) continue;
            if (m.view) vk.vkDestroyImageView(dev, m.view, allocator);
            if (m.image) vk.vkDestroyImage(dev, m.image, allocator);
        }
        if (slot.staging) vk.vkDestroyBuffer(dev, slot.staging, allocator);
    }
    m_slots.clear();
    m_image_blocks.release(*m_device);
    m_staging_blocks.release(*m_device);   // unmaps implicitly
    if (m_semaphore) vk.vkDestroySemaphore(dev, m_semaphore, allocator);
    m_semaphore = VK_NULL_HANDLE;
}

std::vector<VkBuffer> TextureSet::staging_buffers() const {
    std::vector<VkBuffer> buffers;
    for (const Slot& slot : m_slots) buffers.push_back(slot.staging);
    return buffers;
}

void TextureSet::commit(VkCommandBuffer cmd, Slot& slot, std::size_t index, uint64_t result_id, uint64_t* signal_value) {
    record_copies(cmd, slot, m_source.defer_final_barriers ? &m_final_barriers : nullptr);
    slot.initialized = true;
    slot.result_id = result_id;
    slot.staged_result = 0;
    slot.pending_value = m_next_value++;
    m_current = static_cast<int>(index);
    *signal_value = slot.pending_value;
}

bool TextureSet::record_device_update(VkCommandBuffer cmd, uint64_t* signal_value, const DeviceTexelRecorder& device_texels) {
    if (!m_device_texels || !device_texels) fail(NTEX_ERROR_BACKEND, "a device-texel texture set was updated without its device writer");
    const std::size_t next = static_cast<std::size_t>(m_current + 1) % m_slots.size();
    Slot& slot = m_slots[next];
    // The slot's previous update executed: its staging buffer and its staging arena of plan inputs
    // are free (the activations all slots share are ordered by the recorded barriers). Never waits.
    std::lock_guard<std::mutex> lock(m_mutex);
    const uint64_t reached = semaphore_value();
    m_last_busy = slot.pending_value > reached;
    if (m_last_busy) return false;
    if (!device_texels(cmd, next, reached + 1 >= m_next_value)) return false;
    // The compute shader's staging writes before the copies read them.
    VkBufferMemoryBarrier bb{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    bb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    bb.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    bb.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    bb.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    bb.buffer = slot.staging;
    bb.offset = 0;
    bb.size = VK_WHOLE_SIZE;
    m_device->barriers().record(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, {}, {&bb, 1}, {});
    commit(cmd, slot, next, ++m_device_updates, signal_value);
    return true;
}

void TextureSet::attach(AsyncGenerator& generator, uint64_t id_base, uint64_t token) {
    if (m_device_texels) return;
    if (attached_to(generator, token)) return;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_attached = nullptr;   // the previous generator is gone (see the header): nothing to remove
    }
    const uint64_t listener = generator.add_result_listener([this, &generator](uint64_t) { convert_on_worker(generator); });
    std::lock_guard<std::mutex> lock(m_mutex);
    m_attached = &generator;
    m_attached_token = token;
    m_id_base = id_base;
    m_listener = listener;
}

void TextureSet::detach() noexcept {
    AsyncGenerator* generator = nullptr;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::swap(generator, m_attached);
    }
    if (generator != nullptr) generator->remove_result_listener(m_listener);   // waits for a running conversion
}

std::optional<std::array<NtexChannelSource, 4>> TextureSet::packing_of(std::size_t image) const {
    if (m_source.packings.empty()) return std::nullopt;
    return m_source.packings[image];
}

uint64_t TextureSet::convert_into(Slot& slot, AsyncGenerator& generator, uint64_t id_base) const {
    uint64_t result_id = 0;
    if (m_source.mip_filter == NTEX_MIP_FILTER_MATERIAL) {
        // Every level of every map from one result, filtered as a material.
        std::vector<HostImageView> levels(m_level_offsets.size());
        const std::size_t maps = m_formats.size();
        for (std::size_t k = 0; k < levels.size(); ++k) {
            const uint32_t level = static_cast<uint32_t>(k / maps);
            levels[k] = HostImageView{m_host_formats[k % maps], static_cast<unsigned char*>(slot.mapped) + m_level_offsets[k], m_level_pitch[k],
                                      std::size_t(m_level_pitch[k]) * mip_extent(m_source.height, level), packing_of(k % maps)};
        }
        generator.read_map_levels(static_cast<uint32_t>(maps), m_source.map_indices.data(), m_mip_levels, levels.data(), slot.mips, &result_id);
        return result_id + id_base;
    }
    // Every map from the same result (read_maps never mixes two results).
    std::array<HostImageView, NTEX_MAX_MAPS> images{};
    for (std::size_t i = 0; i < m_formats.size(); ++i) {
        images[i] = HostImageView{m_host_formats[i], static_cast<unsigned char*>(slot.mapped) + m_offsets[i], m_row_pitch[i],
                                  std::size_t(m_row_pitch[i]) * m_source.height, packing_of(i)};
    }
    generator.read_maps(static_cast<uint32_t>(m_formats.size()), m_source.map_indices.data(), images.data(), &result_id);
    return result_id + id_base;
}

void TextureSet::convert_on_worker(AsyncGenerator& generator) {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_attached != &generator) return;
    const uint64_t reached = semaphore_value();
    // A slot whose last upload executed, other than the one the host samples now; an older staged
    // result that no update recorded yet is superseded.
    Slot* target = nullptr;
    for (std::size_t k = 1; k <= m_slots.size() && target == nullptr; ++k) {
        const std::size_t index = static_cast<std::size_t>(m_current + static_cast<int>(k)) % m_slots.size();
        Slot& slot = m_slots[index];
        if (static_cast<int>(index) == m_current || slot.converting || slot.pending_value > reached) continue;
        target = &slot;
    }
    // None free (the GPU is behind): a later result, or the render thread once the generator is idle,
    // brings the set up to date.
    if (target == nullptr) return;
    target->converting = true;
    target->staged_result = 0;
    const uint64_t id_base = m_id_base;
    lock.unlock();
    uint64_t converted = 0;
    try {
        converted = convert_into(*target, generator, id_base);
    } catch (...) {
        lock.lock();
        target->converting = false;
        throw;   // dropped by AsyncGenerator; the render thread's own conversion reports the error
    }
    lock.lock();
    target->converting = false;
    target->staged_result = converted;
}

bool TextureSet::record_update(VkCommandBuffer cmd, uint64_t* signal_value, AsyncGenerator& generator, uint64_t id_base) {
    if (m_device_texels) fail(NTEX_ERROR_BACKEND, "a device-texel texture set was updated like a host-copy set");
    uint64_t own = 0;
    const bool busy = generator.poll(&own);   // rethrows a failed job's error
    const uint64_t newest = own == 0 ? 0 : own + id_base;
    std::unique_lock<std::mutex> lock(m_mutex);
    m_last_busy = false;
    // The newest result the worker converted: recording its copies is all the render thread does.
    std::size_t best = m_slots.size();
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        const Slot& slot = m_slots[i];
        if (!slot.converting && slot.staged_result > m_last_result && (best == m_slots.size() || slot.staged_result > m_slots[best].staged_result)) {
            best = i;
        }
    }
    if (best < m_slots.size()) {
        Slot& slot = m_slots[best];
        m_last_result = slot.staged_result;
        commit(cmd, slot, best, slot.staged_result, signal_value);
        return true;
    }
    if (newest == 0 || newest <= m_last_result) return false;
    // Something new, and no slot but the shown one has its upload executed: the host has not run (or
    // never signals) the submits of earlier updates.
    const uint64_t reached = semaphore_value();
    m_last_busy = true;
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        if (static_cast<int>(i) != m_current && m_slots[i].pending_value <= reached) m_last_busy = false;
    }
    // A result the worker did not convert (made before attach(), or no slot was free). While the
    // generator is busy its worker converts a newer result before going idle: never on this thread then.
    if (busy) return false;
    const std::size_t next = static_cast<std::size_t>(m_current + 1) % m_slots.size();
    Slot& slot = m_slots[next];
    if (slot.converting || slot.pending_value > reached) return false;   // its previous upload still executes: next frame
    slot.converting = true;
    lock.unlock();
    uint64_t converted = 0;
    try {
        converted = convert_into(slot, generator, id_base);
    } catch (...) {
        lock.lock();
        slot.converting = false;
        throw;
    }
    lock.lock();
    slot.converting = false;
    ++m_caller_conversions;
    m_last_result = converted;
    commit(cmd, slot, next, converted, signal_value);
    return true;
}

std::string map_debug_name(const std::string& prefix, NtexMapSemantic semantic, std::size_t slot) {
    static const char* const kSemantic[] = {"other", "albedo", "normal", "roughness", "height"};
    const int s = static_cast<int>(semantic);
    return cat(prefix, ": ", s >= 0 && s <= 4 ? kSemantic[s] : "map", ", slot ", slot);
}

void TextureSet::name_objects(const std::string& prefix) const noexcept {
    if (!m_device->debug_utils()) return;
    try {
        m_device->name(VK_OBJECT_TYPE_SEMAPHORE, m_semaphore, prefix + ": timeline");
        for (std::size_t s = 0; s < m_slots.size(); ++s) {
            const Slot& slot = m_slots[s];
            m_device->name(VK_OBJECT_TYPE_BUFFER, slot.staging, cat(prefix, ": staging, slot ", s));
            for (std::size_t i = 0; i < slot.maps.size(); ++i) {
                if (slot.maps[i].host_owned) continue;   // the host's objects keep the host's names
                const std::string map = map_debug_name(prefix, m_source.semantics[i], s);
                m_device->name(VK_OBJECT_TYPE_IMAGE, slot.maps[i].image, map);
                m_device->name(VK_OBJECT_TYPE_IMAGE_VIEW, slot.maps[i].view, map + " view");
            }
        }
    } catch (...) {
        // Out of memory while formatting a debugging aid: leave the objects unnamed.
    }
}

bool TextureSet::last_update_found_slot_busy() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_last_busy;
}

uint64_t TextureSet::semaphore_value() const {
    uint64_t value = 0;
    check_vk(m_device->vk().vkGetSemaphoreCounterValue(m_device->device(), m_semaphore, &value), "vkGetSemaphoreCounterValue");
    return value;
}

uint64_t TextureSet::next_slot_wait_value() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_slots[static_cast<std::size_t>(m_current + 1) % m_slots.size()].pending_value;
}

void TextureSet::memory_info(NtexTextureSetMemoryInfo* out) const noexcept {
    out->imageBytes = m_image_blocks.bytes();
    out->stagingBytes = m_staging_blocks.bytes();
    const std::size_t own = m_image_blocks.own_allocations() + m_staging_blocks.own_allocations();
    out->deviceMemoryAllocations = static_cast<uint32_t>(own);
    out->hostMemoryBlocks = static_cast<uint32_t>(m_image_blocks.block_count() + m_staging_blocks.block_count() - own);
}

uint64_t TextureSet::caller_conversions() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_caller_conversions;
}

std::vector<VkImageMemoryBarrier2> TextureSet::final_barriers() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_final_barriers;
}

void TextureSet::clear_final_barriers() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_final_barriers.clear();
}

void TextureSet::record_copies(VkCommandBuffer cmd, Slot& slot, std::vector<VkImageMemoryBarrier2>* deferred) const {
    const auto& vk = m_device->vk();
    const int32_t w = static_cast<int32_t>(m_source.width);
    const int32_t h = static_cast<int32_t>(m_source.height);
    std::vector<VkImageMemoryBarrier> barriers;

    // Previous reads of these images (earlier submissions on this queue) finish before the overwrite.
    // Host targets: the host may have used the subresource before the slot's first update too (a
    // placeholder sampled by frames in flight, a clear or upload), and with finalLayout GENERAL may write
    // it in shaders between updates: wait for the consumer stages and transfers, and make shader and
    // transfer writes available, on every update.
    const bool host_targets = !m_source.targets.empty();
    const VkAccessFlags host_writes =
        host_targets ? VK_ACCESS_TRANSFER_WRITE_BIT | (m_source.final_layout == VK_IMAGE_LAYOUT_GENERAL ? VK_ACCESS_SHADER_WRITE_BIT : 0) : 0;
    // Atlas regions: the rest of each level is the host's, so even the first update keeps the contents
    // (the host hands the subresources over in finalLayout).
    const bool keep_contents = slot.initialized || !m_source.target_offsets.empty();
    const VkImageLayout old_layout = keep_contents ? m_source.final_layout : VK_IMAGE_LAYOUT_UNDEFINED;
    // From a read-only finalLayout there is nothing to make available: the host's own barrier into it
    // did that for any write before it (and best-practices validation flags write access on such a layout).
    const VkAccessFlags available =
        old_layout == VK_IMAGE_LAYOUT_UNDEFINED || old_layout == VK_IMAGE_LAYOUT_GENERAL ? host_writes : VkAccessFlags{0};
    for (const MapImage& m : slot.maps) {
        barriers.push_back(image_barrier(m.image, old_layout, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, available, VK_ACCESS_TRANSFER_WRITE_BIT,
                                         m.base_mip, m_mip_levels, m.layer));
    }
    const VkPipelineStageFlags before = host_targets ? m_source.consumer_stages | VK_PIPELINE_STAGE_TRANSFER_BIT
                                        : slot.initialized ? m_source.consumer_stages
                                                           : VkPipelineStageFlags{VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT};
    const BarrierRecorder& record = m_device->barriers();
    record.record(cmd, before, VK_PIPELINE_STAGE_TRANSFER_BIT, {}, {}, barriers);
    // Level 0 of every map, and with material mips every other level too (converted on the host).
    const uint32_t copied_levels = m_source.mip_filter == NTEX_MIP_FILTER_MATERIAL ? m_mip_levels : 1;
    for (uint32_t level = 0; level < copied_levels; ++level) {
        for (std::size_t i = 0; i < slot.maps.size(); ++i) {
            VkBufferImageCopy copy{};
            copy.bufferOffset = m_level_offsets[level * slot.maps.size() + i];
            copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, slot.maps[i].base_mip + level, slot.maps[i].layer, 1};
            copy.imageOffset = {slot.maps[i].offset.x >> level, slot.maps[i].offset.y >> level, 0};
            copy.imageExtent = {mip_extent(m_source.width, level), mip_extent(m_source.height, level), 1};
            vk.vkCmdCopyBufferToImage(cmd, slot.staging, slot.maps[i].image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
        }
    }
    if (copied_levels > 1) {
        // Every level is TRANSFER_DST: one barrier per map to the final layout.
        barriers.clear();
        for (std::size_t i = 0; i < slot.maps.size(); ++i) {
            const MapImage& m = slot.maps[i];
            barriers.push_back(image_barrier(m.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, m_source.final_layout, VK_ACCESS_TRANSFER_WRITE_BIT,
                                             m_consumer_access[i], m.base_mip, m_mip_levels, m.layer));
        }
        record.record_or_defer(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, m_source.consumer_stages, barriers, deferred);
        return;
    }
    // Mip chain: level l-1 becomes a blit source, then is downsampled into level l.
    for (uint32_t level = 1; level < m_mip_levels; ++level) {
        barriers.clear();
        for (const MapImage& m : slot.maps) {
            barriers.push_back(image_barrier(m.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                             VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT, m.base_mip + level - 1, 1, m.layer));
        }
        record.record(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, {}, {}, barriers);
        for (const MapImage& m : slot.maps) {
            VkImageBlit blit{};
            // The region at level - 1 and level (the whole level without atlas offsets).
            const int32_t sx = m.offset.x >> (level - 1), sy = m.offset.y >> (level - 1), dx = m.offset.x >> level, dy = m.offset.y >> level;
            blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, m.base_mip + level - 1, m.layer, 1};
            blit.srcOffsets[0] = {sx, sy, 0};
            blit.srcOffsets[1] = {sx + std::max(1, w >> (level - 1)), sy + std::max(1, h >> (level - 1)), 1};
            blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, m.base_mip + level, m.layer, 1};
            blit.dstOffsets[0] = {dx, dy, 0};
            blit.dstOffsets[1] = {dx + std::max(1, w >> level), dy + std::max(1, h >> level), 1};
            vk.vkCmdBlitImage(cmd, m.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, m.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit,
                              VK_FILTER_LINEAR);
        }
    }
    // Everything to the final layout (SHADER_READ_ONLY_OPTIMAL unless host targets chose GENERAL): levels
    // 0..n-2 are TRANSFER_SRC now, the last is TRANSFER_DST.
    barriers.clear();
    const VkImageLayout final_layout = m_source.final_layout;
    for (std::size_t i = 0; i < slot.maps.size(); ++i) {
        const MapImage& m = slot.maps[i];
        if (m_mip_levels > 1) {
            barriers.push_back(image_barrier(m.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, final_layout, VK_ACCESS_TRANSFER_READ_BIT,
                                             m_consumer_access[i], m.base_mip, m_mip_levels - 1, m.layer));
        }
        barriers.push_back(image_barrier(m.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, final_layout, VK_ACCESS_TRANSFER_WRITE_BIT,
                                         m_consumer_access[i], m.base_mip + m_mip_levels - 1, 1, m.layer));
    }
    record.record_or_defer(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, m_source.consumer_stages, barriers, deferred);
}

void TextureSet::images(NtexTextureSetImages* out, int which) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    void* next = out->pNext;
    *out = NtexTextureSetImages{};
    out->sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
    out->pNext = next;
    const std::size_t index = which >= 0 ? static_cast<std::size_t>(which) : m_current < 0 ? 0 : static_cast<std::size_t>(m_current);
    const Slot& slot = m_slots[index];
    const bool written = which >= 0 ? slot.initialized : m_current >= 0;
    out->resultId = written ? slot.result_id : 0;
    out->slot = static_cast<uint32_t>(index);
    out->mapCount = static_cast<uint32_t>(slot.maps.size());
    for (std::size_t i = 0; i < slot.maps.size(); ++i) {
        out->mapIndices[i] = m_source.map_indices[i];
        out->images[i] = slot.maps[i].image;
        out->views[i] = slot.maps[i].view;
        out->formats[i] = m_formats[i];
    }
    out->width = m_source.width;
    out->height = m_source.height;
    out->mipLevels = m_mip_levels;
    out->layout = written ? m_source.final_layout : VK_IMAGE_LAYOUT_UNDEFINED;
    out->semaphore = m_semaphore;
    out->waitValue = slot.pending_value;
}

}  // namespace ntex::interop
