// SPDX-License-Identifier: MIT
// Layout levels: the full-resolution layout map averaged down to the resolution of each op that
// injects it (docs/model_format.md, "Layout conditioning"), shared by every backend.
#pragma once

#include "model/model_description.h"

#include <cstddef>
#include <vector>

namespace ntex {

// One op's layout level: `op_index` reads a w x h x K map, d = full width / w output pixels per pixel.
struct LayoutLevel {
    std::size_t op_index = 0;
    int divisor = 1;
    int width = 0, height = 0;
};

// The levels a plan of full_width x full_height needs, one per modconv with a layout_gain, in op
// order. Resolution divisors follow the upsamples (cell_size at the first op).
std::vector<LayoutLevel> layout_levels(const ModelDescription& d, int full_width, int full_height);

// out[(y * (W / d) + x) * K + k] = mean of full[((y d + i) * W + x d + j) * K + k] over i, j < d:
// the block average (exact for the power-of-two divisors of the format; the same as PyTorch's
// avg_pool2d(d) in the training code). W and H are multiples of d. Allocates nothing.
void downsample_layout(const float* full, int full_width, int full_height, int channels, int divisor, float* out) noexcept;

}  // namespace ntex
