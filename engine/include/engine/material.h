// SPDX-License-Identifier: MIT
// material.h: the four textures of one generated material (albedo, normal, roughness, height),
// each in the format an engine samples it in, with a neutral value until a map is uploaded.
#pragma once

#include "engine/texture.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <memory>

namespace engine {

class Context;

enum class MapKind : uint32_t { kAlbedo = 0, kNormal = 1, kRoughness = 2, kHeight = 3 };
constexpr uint32_t kMapKindCount = 4;

// Albedo RGBA8 sRGB (sampling decodes to linear); normal RGBA8 UNORM (n * 0.5 + 0.5, OpenGL
// convention); roughness R8 UNORM (perceptual); height R16 UNORM (8 bits band under parallax).
VkFormat map_format(MapKind kind);
// What a model without the map gets: grey albedo, a flat normal (0.5, 0.5, 1), roughness 0.6,
// height 0.5 (with no height map parallax is off anyway).
std::array<float, 4> map_neutral_value(MapKind kind);
const char* map_kind_name(MapKind kind);

class MaterialTextures {
public:
    // `staging_texels`: per staging slot and map, room for this many texels (packed regions);
    // 0: one whole image.
    MaterialTextures(const Context& ctx, VkExtent2D extent, uint32_t staging_slots, uint32_t staging_texels = 0);

    Texture& map(MapKind kind) { return *m_maps[static_cast<uint32_t>(kind)]; }
    const Texture& map(MapKind kind) const { return *m_maps[static_cast<uint32_t>(kind)]; }
    VkExtent2D extent() const { return m_maps[0]->extent(); }
    // Records the neutral clear of every map that has no content yet (before the first draw).
    void record_default_clears(VkCommandBuffer cmd);

private:
    std::array<std::unique_ptr<Texture>, kMapKindCount> m_maps;
};

}  // namespace engine
