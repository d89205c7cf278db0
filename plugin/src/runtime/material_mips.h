// SPDX-License-Identifier: MIT
// MaterialMips: the mip levels of a whole material at once, filtered the way each map's meaning asks
// (NTEX_MIP_FILTER_MATERIAL), where a blit chain filters every map as plain colour:
// - albedo with color_space "srgb": averaged in linear light (IEC 61966-2-1 transfer functions), then
//   encoded again, so a mip of black and white texels is the mid grey the eye sees at a distance;
// - a tangent-space normal (encoded n * 0.5 + 0.5): the unit normals of the level-0 footprint are
//   averaged and the average renormalised;
// - roughness (perceptual, alpha = r^2 as in Burley 2012 / glTF): alpha^2 averaged over the footprint
//   and widened by the variance of the normals the footprint hides (Toksvig, "Mipmapping Normal Maps",
//   JGT 2005): with |Na| the length of the averaged unit normal, sigma^2 = (1 - |Na|) / |Na| and
//   alpha'^2 = mean(alpha^2) + 2 sigma^2 (the Blinn-Phong exponent s = 2 / alpha^2 - 2 divided by
//   1 + s sigma^2, to first order), clamped to 1. Bumps too small to see at a distance then make the
//   surface rougher instead of aliasing to sparkles. Without a normal map: mean(alpha^2) only;
// - everything else (height, linear colour, other): the plain average.
// Each level is a box filter of the one above (a footprint of 2 x 2 texels, or 3 where an odd size
// halves: dst texel x covers src texels floor(x * ws / wd) .. floor((x + 1) * ws / wd) - 1, so every
// texel counts once); the normals' average and mean alpha^2 are carried unrounded from level 0, so
// Toksvig sees the level-0 footprint (exactly for power-of-two sizes; with odd sizes a level is a mean of
// unequal footprints' means), not the renormalised level above. Sizes halve as Vulkan's
// (max(1, size >> level)). Only roughness and sRGB albedo are clamped to [0, 1] (their transfer functions
// need it); every other channel is a plain average of what the network produced.
#pragma once

#include "model/model_description.h"
#include "runtime/material.h"

#include <vector>

namespace ntex {

class MaterialMips {
public:
    // Plans for `desc`'s maps laid out as `layout`; nothing is allocated until set_level0(). Throws
    // Error(INVALID_MODEL) for more than kMaxChannels material channels (the format allows at most 32).
    // `source` identifies the model the plan is for (see plans_for).
    MaterialMips(const ModelDescription& desc, const MaterialLayout& layout, const void* source = nullptr);
    static constexpr int kMaxChannels = 64;
    bool plans_for(const void* source) const noexcept { return m_source == source; }

    // Copies the w x h material tensor `level0` (layout.channels floats per texel, as build_material_tensor
    // makes it): what a reader holding the result lock does, so the filtering below runs without it.
    void set_level0(const float* level0, int w, int h);
    // Levels 1 .. levels - 1 of the level 0 set last. Reuses its buffers between calls of the same size (a
    // texture set calls it every frame; nothing is allocated then). Parallel over rows with the caller's
    // OpenMP setting. Not thread-safe: one object per concurrent caller.
    void compute(int levels);
    // Level `level` (0 .. levels - 1) of the last compute(): a material tensor in `layout`, level_width x
    // level_height texels.
    const float* level(int level) const noexcept {
        return level == 0 ? m_level0.data() : m_levels[static_cast<std::size_t>(level)].material.data();
    }
    static int level_size(int size, int level) noexcept { return size >> level > 0 ? size >> level : 1; }

private:
    struct Level {
        std::vector<float> material;   // layout.channels per texel
        std::vector<float> moments;    // per texel: mean unit normal (3) and mean alpha^2 (1)
    };
    // Moments per texel: kMoments when a normal or roughness map needs them (renormalised normals,
    // alpha^2 and Toksvig), 0 for a model with neither (albedo and height are plain averages).
    int moment_count() const noexcept;
    void level0_moments();
    // One level from the level above (material and moments, sw x sh texels).
    void downsample(const float* material, const float* moments, int sw, int sh, Level& dst, int dw, int dh) const;

    const void* m_source = nullptr;
    MaterialLayout m_layout;
    std::vector<float> m_level0;
    int m_w = 0, m_h = 0;
    std::vector<MapSemantic> m_semantics;
    std::vector<bool> m_srgb;
    int m_normal = -1;      // the map whose normals drive Toksvig (the first normal map), -1 = none
    int m_roughness = -1;   // the first roughness map, -1 = none
    std::vector<Level> m_levels;   // [0] holds only level 0's moments (its material is m_level0)
};

// IEC 61966-2-1 (sRGB) transfer functions on [0, 1].
float srgb_to_linear(float v) noexcept;
float linear_to_srgb(float v) noexcept;

}  // namespace ntex
