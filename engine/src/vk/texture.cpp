// SPDX-License-Identifier: MIT
// texture.cpp: staging uploads (whole or rectangles) and mip generation with vkCmdBlitImage
// and sync2 barriers; falls back to one level where the format cannot be blitted linearly.
#include "engine/texture.h"

#include "engine/context.h"
#include "engine/error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace engine {
namespace {

void mip_barrier(VkCommandBuffer cmd, VkImage image, uint32_t level, VkImageLayout from, VkImageLayout to,
                 VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stage,
                 VkAccessFlags2 dst_access) {
    VkImageMemoryBarrier2 b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
    b.srcStageMask = src_stage;
    b.srcAccessMask = src_access;
    b.dstStageMask = dst_stage;
    b.dstAccessMask = dst_access;
    b.oldLayout = from;
    b.newLayout = to;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, level, 1, 0, 1};
    VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dep.imageMemoryBarrierCount = 1;
    dep.pImageMemoryBarriers = &b;
    vkCmdPipelineBarrier2(cmd, &dep);
}

const char* format_name(VkFormat f) {
    switch (f) {
        case VK_FORMAT_R8G8B8A8_SRGB: return "R8G8B8A8_SRGB";
        case VK_FORMAT_R8G8B8A8_UNORM: return "R8G8B8A8_UNORM";
        case VK_FORMAT_R8_UNORM: return "R8_UNORM";
        case VK_FORMAT_R16_UNORM: return "R16_UNORM";
        default: return "format";
    }
}

bool is_power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

uint32_t Texture::texel_size(VkFormat format) {
    switch (format) {
        case VK_FORMAT_R8G8B8A8_SRGB:
        case VK_FORMAT_R8G8B8A8_UNORM: return 4;
        case VK_FORMAT_R16_UNORM: return 2;
        case VK_FORMAT_R8_UNORM: return 1;
        default: throw Error("engine: unsupported texture format " + std::to_string(static_cast<int>(format)));
    }
}

Texture::Texture(const Context& ctx, VkExtent2D extent, uint32_t staging_slots)
    : Texture(ctx, TextureDesc{extent, kFormat, staging_slots, 0, {0.5f, 0.5f, 0.5f, 1.0f}}) {}

Texture::Texture(const Context& ctx, const TextureDesc& d) : m_device(ctx.device()), m_desc(d), m_extent(d.extent) {
    if (m_extent.width == 0 || m_extent.height == 0) throw Error("engine: texture size must be non-zero");
    texel_size(d.format);   // throws for formats we cannot stage
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(ctx.physical_device(), d.format, &fp);
    const VkFormatFeatureFlags f = fp.optimalTilingFeatures;
    const VkFormatFeatureFlags basic = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
    if ((f & basic) != basic)
        throw Error(std::string("vulkan: ") + format_name(d.format) + " cannot be sampled on " + ctx.device_name());
    const bool linear = (f & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT) != 0;
    const VkFormatFeatureFlags blit = VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT;
    // vkCmdBlitImage with VK_FILTER_LINEAR needs the linear-filter feature too.
    const bool mips = linear && (f & blit) == blit;
    if (!mips)
        std::fprintf(stderr, "engine: %s has no linear blit on %s: one mip level%s\n", format_name(d.format),
                     ctx.device_name().c_str(), linear ? "" : ", nearest filtering");

    ImageDesc desc;
    desc.extent = m_extent;
    desc.format = d.format;
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    desc.mip_levels = mips ? mip_count(m_extent) : 1;
    m_image = Image(ctx, desc);

    // HOST_COHERENT: the host writes whole images or regions; no flush bookkeeping needed.
    m_staging_bytes = d.staging_bytes != 0 ? d.staging_bytes : VkDeviceSize{row_pitch()} * m_extent.height;
    for (uint32_t i = 0; i < d.staging_slots; ++i)
        m_staging.emplace_back(ctx, m_staging_bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                               VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);

    VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    si.magFilter = linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    si.minFilter = si.magFilter;
    si.mipmapMode = VK_SAMPLER_MIPMAP_MODE_LINEAR;
    // Generated maps tile exactly (circular padding), and the infinite ground's image is
    // addressed toroidally: repeat.
    si.addressModeU = VK_SAMPLER_ADDRESS_MODE_REPEAT;
    si.addressModeV = VK_SAMPLER_ADDRESS_MODE_REPEAT;
    si.addressModeW = VK_SAMPLER_ADDRESS_MODE_REPEAT;
    si.maxLod = VK_LOD_CLAMP_NONE;
    ENGINE_VK_CHECK(vkCreateSampler(m_device, &si, nullptr, &m_sampler));
}

Texture::~Texture() {
    if (m_sampler != VK_NULL_HANDLE) vkDestroySampler(m_device, m_sampler, nullptr);
}

void* Texture::staging_data(uint32_t slot) const {
    if (slot >= m_staging.size()) throw Error("engine: texture staging slot out of range");
    return m_staging[slot].mapped();
}

void Texture::record_upload(VkCommandBuffer cmd, uint32_t slot) {
    if (slot >= m_staging.size()) throw Error("engine: texture staging slot out of range");
    if (m_staging_bytes < VkDeviceSize{row_pitch()} * m_extent.height)
        throw Error("engine: texture staging is smaller than the image; upload regions instead");
    // Earlier frames on this queue may still sample the image: wait for their fragment reads
    // (a write-after-read hazard needs only the execution dependency), discard old contents.
    transition_image(cmd, m_image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                     VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, 0,
                     VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {m_extent.width, m_extent.height, 1};
    vkCmdCopyBufferToImage(cmd, m_staging[slot].handle(), m_image.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                           &region);
    record_mips(cmd, {0, 0, m_extent.width, m_extent.height});
}

void Texture::record_upload_regions(VkCommandBuffer cmd, uint32_t slot, std::span<const TextureRegion> regions) {
    if (slot >= m_staging.size()) throw Error("engine: texture staging slot out of range");
    if (regions.empty()) return;
    if (!m_has_content) record_default_clear(cmd);   // the texels outside the regions must be defined
    std::vector<VkBufferImageCopy> copies;
    std::array<uint32_t, 4> rect{m_extent.width, m_extent.height, 0, 0};
    const VkDeviceSize texel = texel_size(m_desc.format);
    for (const TextureRegion& r : regions) {
        if (r.width == 0 || r.height == 0 || r.x + r.width > m_extent.width || r.y + r.height > m_extent.height ||
            r.buffer_offset + VkDeviceSize{r.width} * r.height * texel > m_staging_bytes)
            throw Error("engine: texture region outside the image or its staging buffer");
        VkBufferImageCopy c{};
        c.bufferOffset = r.buffer_offset;
        c.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        c.imageOffset = {static_cast<int32_t>(r.x), static_cast<int32_t>(r.y), 0};
        c.imageExtent = {r.width, r.height, 1};
        copies.push_back(c);
        rect = {std::min(rect[0], r.x), std::min(rect[1], r.y), std::max(rect[2], r.x + r.width),
                std::max(rect[3], r.y + r.height)};
    }
    // Keep the contents (old layout SHADER_READ_ONLY, not UNDEFINED); earlier frames' fragment
    // reads must finish before the copy and blits write.
    transition_image(cmd, m_image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
                     VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, 0,
                     VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    vkCmdCopyBufferToImage(cmd, m_staging[slot].handle(), m_image.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                           static_cast<uint32_t>(copies.size()), copies.data());
    // Rectangles halve exactly only in power-of-two images; otherwise rebuild whole levels.
    if (!is_power_of_two(m_extent.width) || !is_power_of_two(m_extent.height))
        rect = {0, 0, m_extent.width, m_extent.height};
    record_mips(cmd, rect);
}

void Texture::record_mips(VkCommandBuffer cmd, const std::array<uint32_t, 4>& rect) {
    const VkImage image = m_image.handle();
    const uint32_t levels = mip_levels();
    const bool whole = rect[0] == 0 && rect[1] == 0 && rect[2] == m_extent.width && rect[3] == m_extent.height;
    int32_t w = static_cast<int32_t>(m_extent.width);
    int32_t h = static_cast<int32_t>(m_extent.height);
    // The rectangle at the previous level (x0, y0, x1, y1).
    int32_t x0 = static_cast<int32_t>(rect[0]), y0 = static_cast<int32_t>(rect[1]);
    int32_t x1 = static_cast<int32_t>(rect[2]), y1 = static_cast<int32_t>(rect[3]);
    for (uint32_t level = 1; level < levels; ++level) {
        // Level-1 was just written (copy or blit): make it a blit source.
        mip_barrier(cmd, image, level - 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                    VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                    VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_READ_BIT);
        const int32_t nw = std::max(w / 2, 1);
        const int32_t nh = std::max(h / 2, 1);
        VkImageBlit blit{};
        blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level - 1, 0, 1};
        blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level, 0, 1};
        if (whole) {
            blit.srcOffsets[1] = {w, h, 1};
            blit.dstOffsets[1] = {nw, nh, 1};
        } else {
            // Power of two: each texel of this level averages an aligned 2x2 block of the
            // previous one, so the covering rectangle halves (rounded outwards).
            const int32_t dx0 = x0 / 2, dy0 = y0 / 2;
            const int32_t dx1 = std::min((x1 + 1) / 2, nw), dy1 = std::min((y1 + 1) / 2, nh);
            blit.srcOffsets[0] = {dx0 * 2, dy0 * 2, 0};
            blit.srcOffsets[1] = {std::min(dx1 * 2, w), std::min(dy1 * 2, h), 1};
            blit.dstOffsets[0] = {dx0, dy0, 0};
            blit.dstOffsets[1] = {dx1, dy1, 1};
            x0 = dx0, y0 = dy0, x1 = dx1, y1 = dy1;
        }
        // Linear filtering of an sRGB image averages in linear space (correct mip colours).
        vkCmdBlitImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                       1, &blit, VK_FILTER_LINEAR);
        mip_barrier(cmd, image, level - 1, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                    VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_PIPELINE_STAGE_2_BLIT_BIT, 0,
                    VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT);
        w = nw;
        h = nh;
    }
    mip_barrier(cmd, image, levels - 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
                VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT);
    m_has_content = true;
}

void Texture::record_clear(VkCommandBuffer cmd, const float rgba[4]) {
    const VkImage image = m_image.handle();
    transition_image(cmd, image, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                     VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, 0,
                     VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    VkClearColorValue color{};
    for (int i = 0; i < 4; ++i) color.float32[i] = rgba[i];
    const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, VK_REMAINING_MIP_LEVELS, 0, 1};
    vkCmdClearColorImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &color, 1, &range);
    transition_image(cmd, image, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                     VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                     VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_2_COPY_BIT |
                         VK_PIPELINE_STAGE_2_BLIT_BIT,
                     VK_ACCESS_2_SHADER_SAMPLED_READ_BIT);
    m_has_content = true;
}

void Texture::upload_now(const Context& ctx, const void* texels) {
    const VkDeviceSize bytes = VkDeviceSize{row_pitch()} * m_extent.height;
    Buffer staging(ctx, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                   VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    std::memcpy(staging.mapped(), texels, bytes);
    // submit_immediate waits for the queue, so the staging buffer can go right after.
    ctx.submit_immediate([&](VkCommandBuffer cmd) {
        transition_image(cmd, m_image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                         VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_PIPELINE_STAGE_2_NONE, 0,
                         VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_BLIT_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.imageExtent = {m_extent.width, m_extent.height, 1};
        vkCmdCopyBufferToImage(cmd, staging.handle(), m_image.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                               &region);
        record_mips(cmd, {0, 0, m_extent.width, m_extent.height});
    });
}

}  // namespace engine
