// SPDX-License-Identifier: MIT
// Mapping network and weight modulation; small, so plain loops (float32 like the reference).
#include "runtime/style.h"

#include <algorithm>
#include <cmath>

namespace ntex {

float apply_activation(Activation a, float x) noexcept {
    switch (a) {
        case Activation::LRelu: return x >= 0.0f ? x : kLReluSlope * x;
        case Activation::Tanh: return std::tanh(x);
        case Activation::Linear: break;
    }
    return x;
}

std::size_t mapping_scratch_size(const ModelDescription& d) noexcept {
    std::size_t n = static_cast<std::size_t>(std::max(d.z_dim + d.embed_dim, d.w_dim));
    for (const MappingLayer& layer : d.mapping_layers) n = std::max(n, static_cast<std::size_t>(layer.out));
    return n;
}

namespace {
// x /= sqrt(mean(x^2) + 1e-8): StyleGAN's normalize_2nd_moment.
void normalize_2nd_moment(float* x, int n) noexcept {
    float sum = 0.0f;
    for (int k = 0; k < n; ++k) sum += x[k] * x[k];
    const float inv = 1.0f / std::sqrt(sum / static_cast<float>(n) + 1e-8f);
    for (int k = 0; k < n; ++k) x[k] *= inv;
}
}  // namespace

void run_mapping_into(const LoadedModel& model, const float* z, float psi, int category, float* out, float* scratch) {
    const ModelDescription& d = model.description();
    const std::size_t stride = mapping_scratch_size(d);
    float* h = scratch;
    float* next = scratch + stride;
    std::copy(z, z + d.z_dim, h);
    if (d.normalize_z) normalize_2nd_moment(h, d.z_dim);
    std::size_t avg_row = 0;
    if (!d.categories.empty()) {
        // Row C of the table is "any category" (trained by class dropout).
        avg_row = category < 0 ? d.categories.size() : static_cast<std::size_t>(category);
        const float* e = model.tensor(d.class_embed).data() + avg_row * static_cast<std::size_t>(d.embed_dim);
        std::copy(e, e + d.embed_dim, h + d.z_dim);
        normalize_2nd_moment(h + d.z_dim, d.embed_dim);
    }
    for (const MappingLayer& layer : d.mapping_layers) {
        const std::vector<float>& weight = model.tensor(layer.weight);
        const std::vector<float>& bias = model.tensor(layer.bias);
        for (int o = 0; o < layer.out; ++o) {
            const float* row = weight.data() + static_cast<std::size_t>(o) * static_cast<std::size_t>(layer.in);
            float acc = 0.0f;
            for (int i = 0; i < layer.in; ++i) acc += row[i] * h[i];
            next[o] = apply_activation(layer.activation, acc + bias[static_cast<std::size_t>(o)]);
        }
        std::swap(h, next);
    }
    const float* w_avg = model.tensor(d.w_avg).data() + avg_row * static_cast<std::size_t>(d.w_dim);
    for (std::size_t k = 0; k < static_cast<std::size_t>(d.w_dim); ++k) {
        out[k] = w_avg[k] + psi * (h[k] - w_avg[k]);
    }
}

std::vector<float> run_mapping(const LoadedModel& model, const float* z, float psi, int category) {
    const ModelDescription& d = model.description();
    std::vector<float> scratch(2 * mapping_scratch_size(d));
    std::vector<float> w(static_cast<std::size_t>(d.w_dim));
    run_mapping_into(model, z, psi, category, w.data(), scratch.data());
    return w;
}

void modulated_weights_into(const LoadedModel& model, std::size_t op_index, const float* w, float* result, float* s) {
    const ModelDescription& d = model.description();
    const SynthesisOp& op = d.ops.at(op_index);
    const std::vector<float>& a_w = model.tensor(op.affine_weight);
    const std::vector<float>& a_b = model.tensor(op.affine_bias);
    const std::vector<float>& weight = model.tensor(op.weight);
    const std::size_t in = static_cast<std::size_t>(op.in);
    const std::size_t out = static_cast<std::size_t>(op.out);
    const std::size_t kk = static_cast<std::size_t>(op.kernel * op.kernel);
    const std::size_t w_dim = static_cast<std::size_t>(d.w_dim);

    for (std::size_t i = 0; i < in; ++i) {
        float acc = 0.0f;
        for (std::size_t k = 0; k < w_dim; ++k) acc += a_w[i * w_dim + k] * w[k];
        s[i] = acc + a_b[i];
    }
    for (std::size_t o = 0; o < out; ++o) {
        float sum = 0.0f;
        for (std::size_t i = 0; i < in; ++i) {
            for (std::size_t k = 0; k < kk; ++k) {
                std::size_t idx = (o * in + i) * kk + k;
                float v = weight[idx] * s[i];
                result[idx] = v;
                sum += v * v;
            }
        }
        if (op.demodulate) {
            float scale = 1.0f / std::sqrt(sum + 1e-8f);
            for (std::size_t idx = o * in * kk; idx < (o + 1) * in * kk; ++idx) result[idx] *= scale;
        }
    }
}

std::vector<float> modulated_weights(const LoadedModel& model, std::size_t op_index, const std::vector<float>& w) {
    const SynthesisOp& op = model.description().ops.at(op_index);
    std::vector<float> s(static_cast<std::size_t>(op.in));
    std::vector<float> result(model.tensor(op.weight).size());
    modulated_weights_into(model, op_index, w.data(), result.data(), s.data());
    return result;
}

}  // namespace ntex
