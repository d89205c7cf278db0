// SPDX-License-Identifier: MIT
// layout_prior.cpp: drawing an AUTO layout from the model's per-category layout prior.
#include "runtime/layout_prior.h"

#include "runtime/hash_noise.h"

#include <algorithm>
#include <cmath>

namespace ntex {

namespace {

// Draws from categories first..last-1 of the prior, as if their entries were one list in order.
LayoutSpec draw(const LayoutPrior& prior, std::size_t first, std::size_t last, int key, uint32_t seed) noexcept {
    uint64_t total = 0;
    for (std::size_t c = first; c < last; ++c) {
        for (const LayoutPriorEntry& e : prior.per_category[c]) total += e.count;
    }
    LayoutSpec none;
    none.seed = seed;
    if (total == 0) return none;
    uint64_t pick = hash4(seed, kStreamLayoutPrior, key, 0) % total;
    for (std::size_t c = first; c < last; ++c) {
        for (const LayoutPriorEntry& e : prior.per_category[c]) {
            if (pick < e.count) {
                LayoutSpec s = e.spec;
                s.seed = seed;
                return s;
            }
            pick -= e.count;
        }
    }
    return none;   // unreachable: pick < total
}

// The divisor p of size nearest to period in ratio (|log(p / period)|; ties: the larger p), at least
// 16 px (validate_layout's minimum) when the size has such a divisor.
int fitted_period(int size, int period) noexcept {
    int best = size;
    double best_score = 1e300;
    for (int k = 1; k <= size; ++k) {
        if (size % k != 0) continue;
        const int p = size / k;
        if (p < 16 && best >= 16) break;   // p only shrinks from here
        const double score = std::fabs(std::log(static_cast<double>(p) / period));
        if (score < best_score) {
            best = p;
            best_score = score;
        }
    }
    return best;
}

}  // namespace

LayoutSpec sample_layout_prior(const LayoutPrior& prior, int category, uint32_t seed) noexcept {
    const std::size_t count = prior.per_category.size();
    if (category >= 0 && static_cast<std::size_t>(category) < count) {
        const auto c = static_cast<std::size_t>(category);
        return draw(prior, c, c + 1, category, seed);
    }
    return draw(prior, 0, count, static_cast<int>(count), seed);
}

LayoutSpec fit_layout_period(LayoutSpec s, int width, int height) noexcept {
    if (s.pattern == LayoutPattern::None || s.pattern == LayoutPattern::Mask || s.pattern == LayoutPattern::Auto) return s;
    const int old_width = s.period_width, old_height = s.period_height;
    s.period_width = fitted_period(width, s.period_width);
    s.period_height = fitted_period(height, s.period_height);
    if (s.pattern == LayoutPattern::Blobs) {
        // Noise has no aspect limit, but a 1-cell lattice axis is constant (validate_layout refuses it):
        // both counts follow their periods, so the lattice cells keep their size, at least 2 each.
        const auto scaled = [](int count, int now, int before) {
            return std::clamp(static_cast<int>(std::lround(static_cast<double>(count) * now / before)), kMinBlobCells, 64);
        };
        s.columns = scaled(s.columns, s.period_width, old_width);
        s.rows = scaled(s.rows, s.period_height, old_height);
        return s;
    }
    if (s.pattern == LayoutPattern::Voronoi || s.pattern == LayoutPattern::Hexagons) {
        const auto aspect_ok = [](const LayoutSpec& t) {
            const double aspect = (static_cast<double>(t.period_width) / t.columns) / (static_cast<double>(t.period_height) / t.rows);
            return aspect >= 0.5 && aspect <= 2.0;
        };
        if (!aspect_ok(s)) {
            // Rows keep the cell height, columns follow for square cells (Hexagons: rows stay even).
            const int step = s.pattern == LayoutPattern::Hexagons ? 2 : 1;
            const long rows = std::lround(static_cast<double>(s.rows) * s.period_height / old_height / step) * step;
            s.rows = static_cast<int>(std::clamp<long>(rows, step, 64));
            const double columns = static_cast<double>(s.rows) * s.period_width / s.period_height;
            s.columns = std::clamp(static_cast<int>(std::lround(columns)), 1, 64);
        }
        if (!aspect_ok(s)) {   // a strip too thin for square cells (e.g. 16 x 1024): no layout
            LayoutSpec none;
            none.seed = s.seed;
            return none;
        }
    }
    return s;
}

}  // namespace ntex
