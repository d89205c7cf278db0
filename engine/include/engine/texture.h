// SPDX-License-Identifier: MIT
// texture.h: one generated material map: a sampled image (RGBA8 sRGB, RGBA8 UNORM, R8 or R16
// UNORM) with a mip chain, fed through persistently mapped staging buffers (one per frame in
// flight) that the host writes, either whole or in rectangles (the infinite ground's chunks).
#pragma once

#include "engine/buffer.h"
#include "engine/image.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace engine {

class Context;

struct TextureDesc {
    VkExtent2D extent{};
    VkFormat format = VK_FORMAT_R8G8B8A8_SRGB;
    uint32_t staging_slots = 1;        // one per frame in flight
    VkDeviceSize staging_bytes = 0;    // per slot; 0: one whole image
    std::array<float, 4> clear{0.5f, 0.5f, 0.5f, 1.0f};   // content before the first upload (linear)
};

// A rectangle of texels in staging slot `slot` at `buffer_offset` (rows of row_length texels,
// tightly packed) that goes to mip 0 at (x, y).
struct TextureRegion {
    VkDeviceSize buffer_offset = 0;
    uint32_t x = 0, y = 0, width = 0, height = 0;
};

class Texture {
public:
    static constexpr VkFormat kFormat = VK_FORMAT_R8G8B8A8_SRGB;   // the default (albedo)

    // `staging_slots`: one staging buffer per frame in flight, so the host can fill the next
    // frame's buffer while the previous frame's copy may still be executing.
    Texture(const Context& ctx, VkExtent2D extent, uint32_t staging_slots);
    Texture(const Context& ctx, const TextureDesc& desc);
    ~Texture();
    Texture(const Texture&) = delete;
    Texture& operator=(const Texture&) = delete;

    // Bytes per texel of a supported format (4, 2 or 1); throws for others.
    static uint32_t texel_size(VkFormat format);

    // Host pointer to slot `slot`'s staging memory: extent.height rows of row_pitch() bytes
    // (or staging_size() bytes of packed regions). Write only after the slot's frame was waited on.
    void* staging_data(uint32_t slot) const;
    size_t row_pitch() const { return static_cast<size_t>(m_extent.width) * texel_size(m_desc.format); }
    size_t staging_size() const { return static_cast<size_t>(m_staging_bytes); }

    // Records: staging[slot] -> mip 0, then each mip from the previous one with a linear blit,
    // leaving every level SHADER_READ_ONLY for the fragment shader.
    void record_upload(VkCommandBuffer cmd, uint32_t slot);
    // Records copies of `regions` of staging[slot] into mip 0, keeping the rest of the image,
    // and rebuilds the mips only over the rectangles they cover.
    void record_upload_regions(VkCommandBuffer cmd, uint32_t slot, std::span<const TextureRegion> regions);
    // Records a clear of all mips to `rgba` (linear) so the image is valid before the first upload.
    void record_clear(VkCommandBuffer cmd, const float rgba[4]);
    // Records the clear to the description's clear value.
    void record_default_clear(VkCommandBuffer cmd) { record_clear(cmd, m_desc.clear.data()); }
    // Setup time only (no frame in flight may use the image): uploads a whole image from host
    // memory (rows of row_pitch() bytes) through a temporary staging buffer and waits.
    void upload_now(const Context& ctx, const void* texels);

    bool has_content() const { return m_has_content; }
    VkExtent2D extent() const { return m_extent; }
    VkFormat format() const { return m_desc.format; }
    uint32_t mip_levels() const { return m_image.desc().mip_levels; }
    VkImageView view() const { return m_image.view(); }
    VkSampler sampler() const { return m_sampler; }

private:
    // Level 0 holds the new texels (TRANSFER_DST); builds levels 1.. over `rect` (x0, y0, x1, y1
    // at level 0) and leaves every level SHADER_READ_ONLY.
    void record_mips(VkCommandBuffer cmd, const std::array<uint32_t, 4>& rect);

    VkDevice m_device = VK_NULL_HANDLE;
    TextureDesc m_desc;
    VkExtent2D m_extent{};
    Image m_image;
    std::vector<Buffer> m_staging;
    VkDeviceSize m_staging_bytes = 0;
    VkSampler m_sampler = VK_NULL_HANDLE;
    bool m_has_content = false;
};

}  // namespace engine
