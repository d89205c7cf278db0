// SPDX-License-Identifier: MIT
// The w-dependent parts of the generator: mapping network (z -> w) and modulated weights.
#pragma once

#include "model/model.h"

#include <vector>

namespace ntex {

// The "any category" value of `category` below (conditional models use embedding row C, the last).
constexpr int kAnyCategory = -1;

// w = w_avg + psi * (mapping(normalize(z)) - w_avg). z has z_dim values. Conditional models
// (docs/model_format.md, "Conditional mapping") read [normalize(z), normalize(embed[c])] and truncate
// towards the category's own w_avg row; `category` is 0..C-1 or kAnyCategory, and must be
// kAnyCategory for a model without categories (the caller validates).
std::vector<float> run_mapping(const LoadedModel& model, const float* z, float psi, int category = kAnyCategory);

// Modulated (and, if requested, demodulated) conv weights of op `op_index` for style vector w,
// in plain OIHW order.
std::vector<float> modulated_weights(const LoadedModel& model, std::size_t op_index, const std::vector<float>& w);

float apply_activation(Activation a, float x) noexcept;

// Allocation-free forms used per frame. run_mapping_into writes w_dim values to `out`; `scratch`
// holds 2 * mapping_scratch_size(model) floats. modulated_weights_into writes the op's OIHW
// weights to `out`; `scratch` holds op.in floats.
std::size_t mapping_scratch_size(const ModelDescription& d) noexcept;
void run_mapping_into(const LoadedModel& model, const float* z, float psi, int category, float* out, float* scratch);
void modulated_weights_into(const LoadedModel& model, std::size_t op_index, const float* w, float* out, float* scratch);

}  // namespace ntex
