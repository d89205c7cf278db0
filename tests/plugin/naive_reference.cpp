// SPDX-License-Identifier: MIT
// The naive reference implementation of the model format's math.
#include "naive_reference.h"

#include "runtime/hash_noise.h"

#include <algorithm>
#include <cmath>

namespace ntex::test {

namespace {

int wrap(int v, int n) { return ((v % n) + n) % n; }

double act(Activation a, double x) {
    switch (a) {
        case Activation::LRelu: return x >= 0 ? x : 0.2 * x;
        case Activation::Tanh: return std::tanh(x);
        case Activation::Linear: break;
    }
    return x;
}

}  // namespace

namespace {
void normalize(std::vector<double>& h) {
    double s = 0;
    for (double v : h) s += v * v;
    double inv = 1.0 / std::sqrt(s / static_cast<double>(h.size()) + 1e-8);
    for (double& v : h) v *= inv;
}
}  // namespace

std::vector<float> reference_mapping(const LoadedModel& model, const std::vector<float>& z, float psi, int category) {
    const ModelDescription& d = model.description();
    std::vector<double> h(z.begin(), z.end());
    if (d.normalize_z) normalize(h);
    std::size_t row = 0;
    if (!d.categories.empty()) {
        row = category < 0 ? d.categories.size() : static_cast<std::size_t>(category);
        const auto& table = model.tensor(d.class_embed);
        std::vector<double> e(table.begin() + static_cast<std::ptrdiff_t>(row * static_cast<std::size_t>(d.embed_dim)),
                              table.begin() + static_cast<std::ptrdiff_t>((row + 1) * static_cast<std::size_t>(d.embed_dim)));
        normalize(e);
        h.insert(h.end(), e.begin(), e.end());
    }
    for (const MappingLayer& l : d.mapping_layers) {
        const auto& W = model.tensor(l.weight);
        const auto& b = model.tensor(l.bias);
        std::vector<double> next(static_cast<std::size_t>(l.out));
        for (int o = 0; o < l.out; ++o) {
            double acc = b[static_cast<std::size_t>(o)];
            for (int i = 0; i < l.in; ++i) acc += static_cast<double>(W[static_cast<std::size_t>(o * l.in + i)]) * h[static_cast<std::size_t>(i)];
            next[static_cast<std::size_t>(o)] = act(l.activation, acc);
        }
        h = next;
    }
    const float* avg = model.tensor(d.w_avg).data() + row * h.size();
    std::vector<float> w(h.size());
    for (std::size_t k = 0; k < h.size(); ++k) w[k] = static_cast<float>(avg[k] + psi * (h[k] - avg[k]));
    return w;
}

Chw reference_circular_pad(const Chw& x, int halo) {
    Chw out{x.c, x.h + 2 * halo, x.w + 2 * halo, {}};
    out.v.resize(static_cast<std::size_t>(out.c) * out.h * out.w);
    for (int c = 0; c < x.c; ++c)
        for (int y = 0; y < out.h; ++y)
            for (int xx = 0; xx < out.w; ++xx) out.at(c, y, xx) = x.at(c, wrap(y - halo, x.h), wrap(xx - halo, x.w));
    return out;
}

Chw reference_upsample(const Chw& x) {
    Chw out{x.c, 2 * x.h, 2 * x.w, {}};
    out.v.resize(static_cast<std::size_t>(out.c) * out.h * out.w);
    for (int c = 0; c < x.c; ++c)
        for (int oy = 0; oy < out.h; ++oy)
            for (int ox = 0; ox < out.w; ++ox) {
                double sy = (oy + 0.5) / 2.0 - 0.5, sx = (ox + 0.5) / 2.0 - 0.5;
                int y0 = static_cast<int>(std::floor(sy)), x0 = static_cast<int>(std::floor(sx));
                double fy = sy - y0, fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * x.at(c, wrap(y0, x.h), wrap(x0, x.w)) + fx * x.at(c, wrap(y0, x.h), wrap(x0 + 1, x.w))) +
                           fy * ((1 - fx) * x.at(c, wrap(y0 + 1, x.h), wrap(x0, x.w)) + fx * x.at(c, wrap(y0 + 1, x.h), wrap(x0 + 1, x.w)));
                out.at(c, oy, ox) = static_cast<float>(v);
            }
    return out;
}

Chw reference_generate(const LoadedModel& model, int width, int height, uint32_t seed, const std::vector<float>& z, float psi,
                       int category, const std::vector<float>* layout) {
    const ModelDescription& d = model.description();
    std::vector<float> w = reference_mapping(model, z, psi, category);
    const int lk = d.layout_channels;
    // Layout at this op's resolution: the mean over the d x d block of full-resolution pixels.
    auto layout_at = [&](int k, int r, int col, int div) {
        if (layout == nullptr) return 0.0;
        double sum = 0;
        for (int i = 0; i < div; ++i)
            for (int j = 0; j < div; ++j)
                sum += (*layout)[((static_cast<std::size_t>(r * div + i) * static_cast<std::size_t>(width)) + static_cast<std::size_t>(col * div + j)) *
                                     static_cast<std::size_t>(lk) + static_cast<std::size_t>(k)];
        return sum / (div * div);
    };
    Chw x;
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const SynthesisOp& op = d.ops[i];
        if (op.kind == OpKind::NoiseInput) {
            x = Chw{op.channels, height / d.cell_size, width / d.cell_size, {}};
            x.v.resize(static_cast<std::size_t>(x.c) * x.h * x.w);
            for (int c = 0; c < x.c; ++c)
                for (int r = 0; r < x.h; ++r)
                    for (int col = 0; col < x.w; ++col) x.at(c, r, col) = gauss(seed, static_cast<uint32_t>(c), col, r);
        } else if (op.kind == OpKind::Upsample) {
            x = reference_upsample(x);
        } else if (op.kind == OpKind::Output) {
            for (float& v : x.v) v = static_cast<float>(std::clamp(static_cast<double>(v) * op.scale + op.shift, 0.0, 1.0));
        } else {
            const auto& W = model.tensor(op.weight);
            const auto& b = model.tensor(op.bias);
            const auto& A = model.tensor(op.affine_weight);
            const auto& a = model.tensor(op.affine_bias);
            const int I = op.in, O = op.out, K = op.kernel, p = K / 2;
            std::vector<double> s(static_cast<std::size_t>(I));
            for (int c = 0; c < I; ++c) {
                double acc = a[static_cast<std::size_t>(c)];
                for (int k = 0; k < d.w_dim; ++k) acc += static_cast<double>(A[static_cast<std::size_t>(c * d.w_dim + k)]) * w[static_cast<std::size_t>(k)];
                s[static_cast<std::size_t>(c)] = acc;
            }
            std::vector<double> Wm(W.size());
            for (int o = 0; o < O; ++o) {
                double sum = 0;
                for (int c = 0; c < I; ++c)
                    for (int k = 0; k < K * K; ++k) {
                        std::size_t idx = (static_cast<std::size_t>(o) * I + c) * K * K + k;
                        Wm[idx] = W[idx] * s[static_cast<std::size_t>(c)];
                        sum += Wm[idx] * Wm[idx];
                    }
                if (op.demodulate) {
                    double inv = 1.0 / std::sqrt(sum + 1e-8);
                    for (std::size_t idx = static_cast<std::size_t>(o) * I * K * K; idx < static_cast<std::size_t>(o + 1) * I * K * K; ++idx) Wm[idx] *= inv;
                }
            }
            Chw y{O, x.h, x.w, {}};
            y.v.resize(static_cast<std::size_t>(O) * y.h * y.w);
            const float strength = op.noise ? model.tensor(op.noise_strength)[0] : 0.0f;
            const std::vector<float>* gain = op.layout_gain.empty() ? nullptr : &model.tensor(op.layout_gain);
            const int div = width / y.w;
            for (int o = 0; o < O; ++o)
                for (int r = 0; r < y.h; ++r)
                    for (int col = 0; col < y.w; ++col) {
                        double acc = b[static_cast<std::size_t>(o)];
                        for (int c = 0; c < I; ++c)
                            for (int ky = 0; ky < K; ++ky)
                                for (int kx = 0; kx < K; ++kx)
                                    acc += Wm[((static_cast<std::size_t>(o) * I + c) * K + ky) * K + kx] *
                                           x.at(c, wrap(r + ky - p, x.h), wrap(col + kx - p, x.w));
                        if (op.noise) acc += strength * static_cast<double>(gauss(seed, 1000u + static_cast<uint32_t>(i), col, r));
                        if (gain != nullptr) {
                            for (int k = 0; k < lk; ++k)
                                acc += static_cast<double>((*gain)[static_cast<std::size_t>(o * lk + k)]) * layout_at(k, r, col, div);
                        }
                        y.at(o, r, col) = static_cast<float>(act(op.activation, acc));
                    }
            x = std::move(y);
        }
    }
    return x;
}

}  // namespace ntex::test
