// SPDX-License-Identifier: MIT
// The model's layout prior: which procedural layout a texture of a category has, for the AUTO layout.
#pragma once

#include "runtime/layout_pattern.h"

#include <cstdint>
#include <vector>

namespace ntex {

// Why: a layout-conditioned model (material_v2) draws its structure from the layout; asked for a
// category alone it has none and draws none (brick_tile without a layout gives streaks, not bricks).
// models/training/ntex_train/layout_prior.py fits, for every training crop with a usable layout, the
// closest procedural pattern (of the 32 nearest in autocorrelation, the best aligned where one aligns,
// else the nearest if close enough, else "none") and counts, per category, how often each fitted spec
// occurred, every training texture weighing the same. The AUTO layout draws
// one of the category's entries with probability count / total (docs/model_format.md, "Layout prior").

// hash4(seed, kStreamLayoutPrior, key, 0) picks the entry; key = category, or the category count for
// "any". Kept clear of the other layout streams (layout_pattern.h).
constexpr uint32_t kStreamLayoutPrior = 3000007;
constexpr int kMaxLayoutPriorEntries = 256;        // per category: a prior is a summary, not a data set
constexpr uint32_t kMaxLayoutPriorCount = 1u << 16;  // per entry, so 16 x 256 counts sum below 2^32

struct LayoutPriorEntry {
    uint32_t count = 0;   // 1..kMaxLayoutPriorCount: how many training crops fitted this spec
    LayoutSpec spec;      // a procedural pattern (None..Voronoi or Blobs, never Mask or Auto), seed 0, valid
};

struct LayoutPrior {
    // per_category[c]: category c's entries (the model's category order); empty: the model has none.
    std::vector<std::vector<LayoutPriorEntry>> per_category;
    bool empty() const noexcept { return per_category.empty(); }
};

// The spec the AUTO layout renders for `category` (0..C-1, or -1: every category's entries together,
// in category order) and layout seed `seed`: entry k of the list with probability count_k / total,
// chosen by hash4(seed, kStreamLayoutPrior, key, 0) mod total, with spec.seed = seed. A category with
// no entries (or an empty prior) gives LayoutPattern::None. Pure and thread-safe; mirrored bit for bit
// by layout_prior.sample in models/training/ntex_train/layout_prior.py (tests/fixtures/layout_prior.json).
LayoutSpec sample_layout_prior(const LayoutPrior& prior, int category, uint32_t seed) noexcept;

// TILEABLE mode: each period (the prior's 256 px) replaced by the divisor of the texture's side nearest
// to it in ratio (|log(p / period)|, ties to the larger; at least 16 px where the side has such a
// divisor), so the layout tiles a texture of any size (1000 px: 250; 700: 350). A Blobs spec gets
// columns and rows scaled with its periods (lround, 2..64), so its lattice cells keep their size. A
// Voronoi or Hexagons spec whose cells this takes beyond 2:1 (validate_layout's limit) gets rows scaled with the period
// height (Hexagons: even) and columns = lround(rows * period_width / period_height), so they stay
// square-ish; where even that fails (a strip like 16 x 1024) it becomes None. None, Mask and Auto pass
// unchanged. The result always passes validate_layout when both sides are at least 16.
LayoutSpec fit_layout_period(LayoutSpec spec, int width, int height) noexcept;

}  // namespace ntex
