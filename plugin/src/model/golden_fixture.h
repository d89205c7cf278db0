// SPDX-License-Identifier: MIT
// Golden fixtures: reference outputs written by the PyTorch side, checked by `ntex check-golden`
// and the golden test. Layout (safetensors; one group of tensors per case, named "<case>.<field>"):
//   <case>.output  F32 [C, H, W] or [1, C, H, W]  the final tensor (after the output op), required
//   <case>.z       F32 [z_dim]                   optional; absent: z = latent_from_seed(seed)
//   <case>.w       F32 [w_dim]                   optional; checked too when present
//   <case>.seed    any int/float dtype, 1 value  or __metadata__ "<case>.seed" (decimal string)
//   <case>.psi     1 value                       or __metadata__ "<case>.psi"; default 1
//   <case>.category  1 value                     or __metadata__; default -1 (any; conditional models)
//   __metadata__ "<case>.layout"  JSON {"pattern", "columns", "rows", "offset", "gap", "bevel",
//                  "jitter", "seed"} (a procedural layout, period = the case's size); absent: none
// The case name is everything before the last '.' or '/' of the output tensor's name.
#pragma once

#include "model/model.h"
#include "model/safetensors.h"
#include "runtime/layout_pattern.h"

#include <memory>
#include <string>
#include <vector>

namespace ntex {

struct GoldenCase {
    std::string name;
    uint32_t seed = 0;
    float psi = 1.0f;
    int category = -1;
    bool has_layout = false;
    LayoutSpec layout;             // period 0: the case's size
    std::vector<float> z;          // empty: from the seed
    std::vector<float> w;          // empty: not checked
    int width = 0, height = 0, channels = 0;
    std::vector<float> expected;   // CHW
};

struct GoldenResult {
    std::string name;
    int width = 0, height = 0;
    double max_abs_error = 0.0;
    double w_max_abs_error = -1.0;  // -1: the fixture has no w
};

std::vector<GoldenCase> load_golden_cases(const SafetensorsFile& fixture);
std::vector<GoldenResult> run_golden_cases(const std::shared_ptr<const LoadedModel>& model, const std::vector<GoldenCase>& cases,
                                           int threads);

}  // namespace ntex
