// SPDX-License-Identifier: MIT
// Infinite mode: how far the wrap-around of a circular plan reaches inward (the halo).
#pragma once

#include "model/model_description.h"

namespace ntex {

// Receptive-field radius of one output pixel, in output pixels, from the op list
// (docs/model_format.md, "Tiling modes"): a k x k conv at resolution divisor d adds (k / 2) * d,
// a bilinear x2 upsample from divisor d adds d, a derived normal map adds 1. albedo_v1: 92.
int receptive_field_radius(const ModelDescription& d) noexcept;

// receptive_field_radius rounded up to a multiple of cell_size (albedo_v1: 96): the border an
// infinite-mode generator adds around its region and then discards.
int halo_pixels(const ModelDescription& d) noexcept;

// The widest halo an infinite-mode generator accepts (pixels on each side; the shipped models need
// 96..160): a larger one is refused with INVALID_MODEL before anything is planned or allocated.
constexpr int kMaxHalo = 4096;

}  // namespace ntex
