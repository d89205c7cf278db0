// SPDX-License-Identifier: MIT
// material.cpp: per-map formats and neutral values; the four textures of a material.
#include "engine/material.h"

namespace engine {

VkFormat map_format(MapKind kind) {
    switch (kind) {
        case MapKind::kAlbedo: return VK_FORMAT_R8G8B8A8_SRGB;
        case MapKind::kNormal: return VK_FORMAT_R8G8B8A8_UNORM;   // RG8 would do; RGBA8 matches the host format
        case MapKind::kRoughness: return VK_FORMAT_R8_UNORM;
        case MapKind::kHeight: return VK_FORMAT_R16_UNORM;
    }
    return VK_FORMAT_UNDEFINED;
}

std::array<float, 4> map_neutral_value(MapKind kind) {
    switch (kind) {
        case MapKind::kAlbedo: return {0.5f, 0.5f, 0.5f, 1.0f};
        case MapKind::kNormal: return {0.5f, 0.5f, 1.0f, 1.0f};
        case MapKind::kRoughness: return {0.6f, 0.6f, 0.6f, 1.0f};
        case MapKind::kHeight: return {0.5f, 0.5f, 0.5f, 1.0f};
    }
    return {0.0f, 0.0f, 0.0f, 1.0f};
}

const char* map_kind_name(MapKind kind) {
    switch (kind) {
        case MapKind::kAlbedo: return "albedo";
        case MapKind::kNormal: return "normal";
        case MapKind::kRoughness: return "roughness";
        case MapKind::kHeight: return "height";
    }
    return "?";
}

MaterialTextures::MaterialTextures(const Context& ctx, VkExtent2D extent, uint32_t staging_slots,
                                   uint32_t staging_texels) {
    for (uint32_t i = 0; i < kMapKindCount; ++i) {
        const auto kind = static_cast<MapKind>(i);
        TextureDesc d;
        d.extent = extent;
        d.format = map_format(kind);
        d.staging_slots = staging_slots;
        d.staging_bytes = VkDeviceSize{staging_texels} * Texture::texel_size(d.format);
        d.clear = map_neutral_value(kind);
        m_maps[i] = std::make_unique<Texture>(ctx, d);
    }
}

void MaterialTextures::record_default_clears(VkCommandBuffer cmd) {
    for (auto& t : m_maps)
        if (!t->has_content()) t->record_default_clear(cmd);
}

}  // namespace engine
