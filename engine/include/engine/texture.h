// SPDX-License-Identifier: MIT
// texture.h: the generated material texture: an sRGB RGBA8 image with a full mip chain, fed
// through persistently mapped staging buffers (one per frame in flight) that the host writes.
#pragma once

#include "engine/buffer.h"
#include "engine/image.h"

#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace engine {

class Context;

class Texture {
public:
    static constexpr VkFormat kFormat = VK_FORMAT_R8G8B8A8_SRGB;

    // `staging_slots`: one staging buffer per frame in flight, so the host can fill the next
    // frame's buffer while the previous frame's copy may still be executing.
    Texture(const Context& ctx, VkExtent2D extent, uint32_t staging_slots);
    ~Texture();
    Texture(const Texture&) = delete;
    Texture& operator=(const Texture&) = delete;

    // Host pointer to slot `slot`'s staging memory: extent.height rows of row_pitch() bytes,
    // RGBA8 texels holding sRGB-encoded colour. Write only after the slot's frame was waited on.
    void* staging_data(uint32_t slot) const;
    size_t row_pitch() const { return static_cast<size_t>(m_extent.width) * 4; }
    size_t staging_size() const { return row_pitch() * m_extent.height; }

    // Records: staging[slot] -> mip 0, then each mip from the previous one with a linear blit,
    // leaving every level SHADER_READ_ONLY for the fragment shader.
    void record_upload(VkCommandBuffer cmd, uint32_t slot);
    // Records a clear of all mips to `rgba` (linear) so the image is valid before the first upload.
    void record_clear(VkCommandBuffer cmd, const float rgba[4]);

    bool has_content() const { return m_has_content; }
    VkExtent2D extent() const { return m_extent; }
    uint32_t mip_levels() const { return m_image.desc().mip_levels; }
    VkImageView view() const { return m_image.view(); }
    VkSampler sampler() const { return m_sampler; }

private:
    VkDevice m_device = VK_NULL_HANDLE;
    VkExtent2D m_extent{};
    Image m_image;
    std::vector<Buffer> m_staging;
    VkSampler m_sampler = VK_NULL_HANDLE;
    bool m_has_content = false;
};

}  // namespace engine
