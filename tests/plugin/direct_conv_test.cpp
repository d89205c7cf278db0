// SPDX-License-Identifier: MIT
// ntex's own CPU kernels (direct_conv.h, upsample.h) against naive double-precision oracles, on
// every ISA this CPU can run, over shapes with channel and row tails; and the native plan against
// the oneDNN plan on the shipped model.
#include "backends/cpu/cpu_plan.h"
#include "backends/cpu/direct_conv.h"
#include "backends/cpu/upsample.h"
#include "model/model.h"
#include "naive_reference.h"
#include "runtime/texture_generator.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <vector>

namespace ntex {
namespace {

std::vector<cpu::CpuIsa> runnable_isas() {
    switch (cpu::detect_isa()) {
        case cpu::CpuIsa::Avx512: return {cpu::CpuIsa::Avx512, cpu::CpuIsa::Avx2};
        case cpu::CpuIsa::Avx2: return {cpu::CpuIsa::Avx2};
        case cpu::CpuIsa::None: break;
    }
    return {};
}

std::vector<float> random_vector(std::size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

struct ConvCase {
    int in, out, kernel, width, height, dst_halo;
    Activation activation;
    bool noise, output_op;
};

// out(y, x, o) = epilogue(bias[o] + sum in(y + kh, x + kw, i) * w[o][i][kh][kw]) in double.
double naive_value(const ConvCase& c, const std::vector<float>& src, const std::vector<float>& w, const std::vector<float>& bias,
                   const std::vector<float>& noise, float strength, int y, int x, int o) {
    const int halo = c.kernel / 2;
    const std::size_t src_w = static_cast<std::size_t>(c.width + 2 * halo);
    double v = bias[static_cast<std::size_t>(o)];
    for (int i = 0; i < c.in; ++i)
        for (int kh = 0; kh < c.kernel; ++kh)
            for (int kw = 0; kw < c.kernel; ++kw) {
                const double a = src[((static_cast<std::size_t>(y + kh)) * src_w + static_cast<std::size_t>(x + kw)) * static_cast<std::size_t>(c.in) +
                                     static_cast<std::size_t>(i)];
                const double b = w[((static_cast<std::size_t>(o) * static_cast<std::size_t>(c.in) + static_cast<std::size_t>(i)) * static_cast<std::size_t>(c.kernel) +
                                    static_cast<std::size_t>(kh)) * static_cast<std::size_t>(c.kernel) + static_cast<std::size_t>(kw)];
                v += a * b;
            }
    if (c.noise) v += static_cast<double>(strength) * noise[static_cast<std::size_t>(y) * static_cast<std::size_t>(c.width) + static_cast<std::size_t>(x)];
    if (c.activation == Activation::LRelu) v = v >= 0 ? v : kLReluSlope * v;
    if (c.activation == Activation::Tanh) v = std::tanh(v);
    if (c.output_op) v = std::clamp(v * 0.5 + 0.5, 0.0, 1.0);
    return v;
}

TEST(DirectConv, MatchesNaiveConvolutionOnEveryIsa) {
    const std::vector<cpu::CpuIsa> isas = runnable_isas();
    if (isas.empty()) GTEST_SKIP() << "this CPU has neither AVX2+FMA nor AVX-512F: the plan uses oneDNN";
    // The shipped model's layers, plus channel counts that leave partial vectors and blocks,
    // widths that leave partial pixel blocks, 1x1 and 5x5 kernels, and every epilogue.
    const std::vector<ConvCase> cases = {
        {16, 64, 3, 37, 3, 1, Activation::LRelu, true, false},  {64, 64, 3, 13, 2, 1, Activation::LRelu, false, false},
        {64, 48, 3, 19, 2, 0, Activation::LRelu, true, false},  {48, 32, 3, 29, 2, 1, Activation::Linear, false, false},
        {32, 16, 3, 40, 2, 1, Activation::LRelu, true, false},  {16, 16, 3, 17, 3, 0, Activation::LRelu, false, false},
        {16, 5, 1, 33, 2, 0, Activation::Tanh, false, true},    {16, 3, 1, 5, 2, 0, Activation::Linear, false, true},
        {3, 7, 3, 1, 1, 2, Activation::Linear, true, false},    {5, 17, 5, 11, 3, 0, Activation::LRelu, false, false},
        {70, 33, 3, 9, 2, 1, Activation::Tanh, true, false},    {1, 1, 1, 3, 1, 0, Activation::LRelu, false, true},
        {64, 80, 3, 7, 2, 0, Activation::LRelu, true, true},
    };
    const float strength = 0.37f;
    uint32_t seed = 1;
    for (cpu::CpuIsa isa : isas) {
        for (const ConvCase& c : cases) {
            const int halo = c.kernel / 2;
            const std::size_t src_floats = static_cast<std::size_t>(c.height + 2 * halo) * static_cast<std::size_t>(c.width + 2 * halo) * static_cast<std::size_t>(c.in);
            const std::vector<float> src = random_vector(src_floats, ++seed);
            const std::vector<float> w = random_vector(static_cast<std::size_t>(c.out) * static_cast<std::size_t>(c.in) * static_cast<std::size_t>(c.kernel * c.kernel), ++seed, 0.3f);
            const std::vector<float> bias = random_vector(static_cast<std::size_t>(c.out), ++seed);
            const std::vector<float> noise = random_vector(static_cast<std::size_t>(c.width) * static_cast<std::size_t>(c.height), ++seed);
            cpu::DirectConv conv(isa, c.in, c.out, c.kernel, c.width, c.height, bias.data());
            AlignedBuffer packed(conv.packed_weight_floats());
            conv.pack_weights(w.data(), packed.data());

            // Poison the destination: the interior must be overwritten, the halo left alone.
            const int dw = c.width + 2 * c.dst_halo, dh = c.height + 2 * c.dst_halo;
            const float halo_marker = 1234.5f;
            std::vector<float> dst(static_cast<std::size_t>(dw) * static_cast<std::size_t>(dh) * static_cast<std::size_t>(c.out),
                                   std::numeric_limits<float>::quiet_NaN());
            for (int y = 0; y < dh; ++y)
                for (int x = 0; x < dw; ++x)
                    if (y < c.dst_halo || y >= c.height + c.dst_halo || x < c.dst_halo || x >= c.width + c.dst_halo)
                        for (int o = 0; o < c.out; ++o) dst[(static_cast<std::size_t>(y) * dw + x) * c.out + o] = halo_marker;

            cpu::ConvEpilogue e;
            e.noise = c.noise ? noise.data() : nullptr;
            e.noise_strength = strength;
            e.activation = c.activation;
            e.output_op = c.output_op;
            e.scale = 0.5f;
            e.shift = 0.5f;
            for (bool parallel : {false, true}) {
                conv.run(src.data(), packed.data(), dst.data(), c.dst_halo, e, parallel);
                double worst = 0;
                for (int y = 0; y < dh; ++y)
                    for (int x = 0; x < dw; ++x)
                        for (int o = 0; o < c.out; ++o) {
                            const float got = dst[(static_cast<std::size_t>(y) * dw + x) * c.out + o];
                            const int iy = y - c.dst_halo, ix = x - c.dst_halo;
                            if (iy < 0 || iy >= c.height || ix < 0 || ix >= c.width) {
                                ASSERT_EQ(got, halo_marker) << "halo written at " << x << "," << y;
                                continue;
                            }
                            const double want = naive_value(c, src, w, bias, noise, strength, iy, ix, o);
                            ASSERT_TRUE(std::isfinite(got)) << "output not written at " << ix << "," << iy << " channel " << o;
                            worst = std::max(worst, std::fabs(got - want) / (1.0 + std::fabs(want)));
                        }
                EXPECT_LT(worst, 2e-5) << cpu::isa_name(isa) << " in " << c.in << " out " << c.out << " k" << c.kernel << " "
                                       << c.width << "x" << c.height << " parallel " << parallel;
            }
        }
    }
}

TEST(DirectConv, VectorTanhMatchesStdTanh) {
    const std::vector<cpu::CpuIsa> isas = runnable_isas();
    if (isas.empty()) GTEST_SKIP() << "this CPU has neither AVX2+FMA nor AVX-512F";
    // A 1x1 conv with weight 1 and bias 0 is the identity: its epilogue applies tanh to x.
    const int n = 20001;
    std::vector<float> x(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = -12.0f + 24.0f * static_cast<float>(i) / static_cast<float>(n - 1);
    x[0] = 0.0f;
    x[1] = -0.0f;
    x[2] = 1e-8f;
    x[3] = 100.0f;
    x[4] = -100.0f;
    const float one = 1.0f, zero = 0.0f;
    for (cpu::CpuIsa isa : isas) {
        cpu::DirectConv conv(isa, 1, 1, 1, n, 1, &zero);
        AlignedBuffer packed(conv.packed_weight_floats());
        conv.pack_weights(&one, packed.data());
        std::vector<float> y(static_cast<std::size_t>(n));
        cpu::ConvEpilogue e;
        e.activation = Activation::Tanh;
        conv.run(x.data(), packed.data(), y.data(), 0, e, false);
        double worst = 0;
        for (int i = 0; i < n; ++i) worst = std::max(worst, std::fabs(static_cast<double>(y[static_cast<std::size_t>(i)]) - std::tanh(static_cast<double>(x[static_cast<std::size_t>(i)]))));
        EXPECT_LT(worst, 5e-7) << cpu::isa_name(isa);
        EXPECT_EQ(y[3], 1.0f);
        EXPECT_EQ(y[4], -1.0f);
    }
}

TEST(NativeUpsample, MatchesWrapAroundReference) {
    for (auto [c, h, w] : {std::tuple{3, 4, 5}, std::tuple{16, 1, 1}, std::tuple{33, 6, 3}}) {
        test::Chw x{c, h, w, random_vector(static_cast<std::size_t>(c * h * w), static_cast<uint32_t>(c + h + w))};
        const test::Chw padded = test::reference_circular_pad(x, 1);
        const test::Chw up = test::reference_upsample(x);   // 2h x 2w, wrap-around
        std::vector<float> src(padded.v.size());
        for (int ch = 0; ch < c; ++ch)
            for (int y = 0; y < h + 2; ++y)
                for (int xx = 0; xx < w + 2; ++xx) src[(static_cast<std::size_t>(y) * (w + 2) + xx) * c + ch] = padded.at(ch, y, xx);
        for (int halo : {0, 1}) {
            const test::Chw want = halo ? test::reference_circular_pad(up, 1) : up;
            std::vector<float> dst(want.v.size(), std::numeric_limits<float>::quiet_NaN());
            for (bool parallel : {false, true}) {
                cpu::upsample2x_circular(src.data(), dst.data(), c, h, w, halo, parallel);
                double worst = 0;
                for (int ch = 0; ch < c; ++ch)
                    for (int y = 0; y < want.h; ++y)
                        for (int xx = 0; xx < want.w; ++xx) {
                            const float got = dst[(static_cast<std::size_t>(y) * want.w + xx) * c + ch];
                            ASSERT_TRUE(std::isfinite(got));
                            worst = std::max(worst, std::fabs(static_cast<double>(got) - want.at(ch, y, xx)));
                        }
                EXPECT_LT(worst, 1e-6) << c << "x" << h << "x" << w << " halo " << halo;
            }
        }
    }
}

// The two kernel sets on one model, size and latent: largest absolute difference of the final
// tensors and their NMSE (oneDNN as the reference).
struct KernelDifference {
    double worst = 0, nmse = 0;
};
KernelDifference native_vs_onednn(const std::shared_ptr<const LoadedModel>& model, int w, int h, uint32_t seed, float psi) {
    GeneratorSettings s;
    s.threads = 2;
    s.cpu_kernels = cpu::CpuKernels::Native;
    TextureGenerator native(model, w, h, s);
    s.cpu_kernels = cpu::CpuKernels::OneDnn;
    TextureGenerator onednn(model, w, h, s);
    native.set_params(seed, nullptr, psi);
    onednn.set_params(seed, nullptr, psi);
    native.generate();
    onednn.generate();
    const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * static_cast<std::size_t>(native.output_channels());
    double worst = 0, sum_sq = 0, ref_sq = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(native.output()[i]) - onednn.output()[i];
        worst = std::max(worst, std::fabs(d));
        sum_sq += d * d;
        ref_sq += static_cast<double>(onednn.output()[i]) * onednn.output()[i];
    }
    return {worst, ref_sq > 0 ? sum_sq / ref_sq : 0.0};
}

// The two kernel sets on the shipped material model: the same maps to float rounding.
TEST(CpuKernels, NativeMatchesOneDnnOnTheShippedModel) {
    if (cpu::detect_isa() == cpu::CpuIsa::None) GTEST_SKIP() << "this CPU has neither AVX2+FMA nor AVX-512F";
    const std::filesystem::path path = test::source_dir() / "models" / "material_v1.json";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present";
    auto model = LoadedModel::load(path);
    for (auto [w, h] : {std::pair{256, 256}, std::pair{96, 160}}) {
        for (uint32_t seed : {1u, 77u}) {
            const KernelDifference diff = native_vs_onednn(model, w, h, seed, 0.7f);
            EXPECT_LT(diff.worst, 1e-4) << w << "x" << h << " seed " << seed;
            EXPECT_LT(diff.nmse, 1e-10) << w << "x" << h << " seed " << seed;
        }
    }
}

// A halo wider than the grid (a k5 conv after a k3 at the coarsest level, generated at one cell):
// the native kernels' in-place halo must wrap more than once, as oneDNN's padded path does
// (review robustness-2026-12 #2: overlapping memcpy, wrong texels). Fixture from the review.
TEST(CpuKernels, NativeMatchesOneDnnWhenTheHaloIsWiderThanTheGrid) {
    if (cpu::detect_isa() == cpu::CpuIsa::None) GTEST_SKIP() << "this CPU has neither AVX2+FMA nor AVX-512F";
    auto model = LoadedModel::load(test::source_dir() / "tests" / "fixtures" / "k5_after_k3_one_cell" / "m.json");
    for (int size : {16, 32}) {
        const double worst = native_vs_onednn(model, size, size, 3, 1.0f).worst;
        EXPECT_LT(worst, 1e-5) << size << "x" << size;
    }
}

}  // namespace
}  // namespace ntex
