// SPDX-License-Identifier: MIT
// Layout levels: block averages of the layout map per injecting op.
#include "runtime/layout_levels.h"

namespace ntex {

std::vector<LayoutLevel> layout_levels(const ModelDescription& d, int full_width, int full_height) {
    std::vector<LayoutLevel> levels;
    int div = d.cell_size;
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const SynthesisOp& op = d.ops[i];
        if (op.kind == OpKind::Upsample) div /= op.factor;
        if (op.kind != OpKind::ModConv || op.layout_gain.empty()) continue;
        levels.push_back(LayoutLevel{i, div, full_width / div, full_height / div});
    }
    return levels;
}

void downsample_layout(const float* full, int full_width, int full_height, int channels, int divisor, float* out) noexcept {
    const int w = full_width / divisor;
    const int h = full_height / divisor;
    const std::size_t k = static_cast<std::size_t>(channels);
    const float inv = 1.0f / static_cast<float>(divisor * divisor);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            float* o = out + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * k;
            for (std::size_t c = 0; c < k; ++c) o[c] = 0.0f;
            for (int i = 0; i < divisor; ++i) {
                const float* row = full + (static_cast<std::size_t>(y * divisor + i) * static_cast<std::size_t>(full_width) +
                                           static_cast<std::size_t>(x * divisor)) * k;
                for (int j = 0; j < divisor; ++j) {
                    for (std::size_t c = 0; c < k; ++c) o[c] += row[static_cast<std::size_t>(j) * k + c];
                }
            }
            for (std::size_t c = 0; c < k; ++c) o[c] *= inv;
        }
    }
}

}  // namespace ntex
