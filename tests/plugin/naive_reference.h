// SPDX-License-Identifier: MIT
// A direct, slow C++ transcription of docs/model_format.md (CHW, modulo indexing, double
// accumulation), independent of oneDNN and of the runtime's own helpers: the oracle for the plan.
#pragma once

#include "model/model.h"

#include <cstdint>
#include <vector>

namespace ntex::test {

struct Chw {
    int c = 0, h = 0, w = 0;
    std::vector<float> v;
    float& at(int ch, int y, int x) { return v[(static_cast<std::size_t>(ch) * h + y) * w + x]; }
    float at(int ch, int y, int x) const { return v[(static_cast<std::size_t>(ch) * h + y) * w + x]; }
};

// category: -1 = any (the last embedding row) for conditional models.
std::vector<float> reference_mapping(const LoadedModel& model, const std::vector<float>& z, float psi, int category = -1);
Chw reference_circular_pad(const Chw& x, int halo);
Chw reference_upsample(const Chw& x);
// layout: null, or height x width x layout_channels floats (NHWC) at full resolution; each
// layout-injecting op reads its d x d block averages.
Chw reference_generate(const LoadedModel& model, int width, int height, uint32_t seed, const std::vector<float>& z, float psi,
                       int category = -1, const std::vector<float>* layout = nullptr);

}  // namespace ntex::test
