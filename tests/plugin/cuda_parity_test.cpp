// SPDX-License-Identifier: MIT
// CUDA backend vs the CPU reference (ggml test-backend-ops style): the same model, size, latent and
// seed through CudaPlan and CpuPlan, final tensors compared by NMSE (FP32 < 1e-6, FP16 < 1e-4), on
// fresh random latents each run; layout injection through the two plans directly (set_layout with a
// random layout); and the surface write: every texel of every map, and of channel-packed images,
// written into a poisoned CUDA array equals the host conversion (write_map / write_texels). Label `gpu`: skipped without a device.
#include "backends/cpu/cpu_plan.h"
#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_plan.h"
#include "backends/cuda/surface_write.h"
#include "core/error.h"
#include "core/half.h"
#include "runtime/hash_noise.h"
#include "runtime/layout_levels.h"
#include "runtime/material.h"
#include "runtime/texture_generator.h"
#include "../common/require_gpu.h"
#include "test_support.h"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace ntex {
namespace {

#define SKIP_WITHOUT_DEVICE(choice)                                               \
    const cuda::DeviceChoice choice = cuda::select_device(nullptr);               \
    if (choice.ordinal < 0) NTEX_GPU_UNAVAILABLE(choice.reason)

// A fresh seed per run (printed, so a failure can be replayed with NTEX_TEST_SEED).
using test::fresh_seed;
using test::nmse;

// Non-square sizes catch an x/y or w/h swap in any kernel; the tiny model runs other shapes than the
// shipped variant (4 and 6 channels, a k=5 conv whose producer writes a 2-pixel halo, an output op
// after an upsample) (review cuda-first-gpu #10).
struct ParityCase {
    int width;
    int height;
    NtexTilingMode tiling;
    cuda::Precision precision;
    bool tiny = false;
};

std::string case_name(const ParityCase& c) {
    return cat(c.tiny ? "tiny_" : "", c.width, "x", c.height, c.tiling == NTEX_TILING_MODE_INFINITE ? "_infinite_" : "_tileable_",
               cuda::precision_name(c.precision));
}

// NMSE hides errors on outputs whose mean is far from 0 (the clamped [0, 1] maps average about 0.5)
// and errors confined to a few texels (a border off by one): also the NMSE of mean-removed values and
// the largest absolute difference, each with its own bound per precision.
double centred_nmse(const float* a, const float* ref, std::size_t n) {
    double mean = 0;
    for (std::size_t i = 0; i < n; ++i) mean += ref[i];
    mean /= static_cast<double>(std::max<std::size_t>(n, 1));
    double err = 0, norm = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(a[i]) - static_cast<double>(ref[i]);
        const double r = static_cast<double>(ref[i]) - mean;
        err += d * d;
        norm += r * r;
    }
    return norm > 0 ? err / norm : err;
}

double max_abs_diff(const float* a, const float* b, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    return m;
}

struct Limits {
    double nmse, centred, max_abs;
};
Limits limits_for(cuda::Precision p) {
    // FP32: FMA math only, the CPU's arithmetic up to summation order. FP16: half storage of every
    // activation (about 3 significant digits), FP32 accumulation.
    return p == cuda::Precision::Fp32 ? Limits{1e-6, 1e-5, 1e-3} : Limits{1e-4, 1e-3, 5e-2};
}

// gtest prints the case by name in test ids (instead of its bytes).
void PrintTo(const ParityCase& c, std::ostream* os) { *os << case_name(c); }

class CudaParity : public ::testing::TestWithParam<ParityCase> {};

TEST_P(CudaParity, FinalTensorMatchesTheCpuReference) {
    SKIP_WITHOUT_DEVICE(choice);
    const ParityCase& c = GetParam();
    // The shipped material variant (several maps, noise injection, the output op fused) or the tiny one.
    test::TinyModelOptions tiny;
    tiny.material = true;
    auto model = test::load_in_memory(c.tiny ? test::make_tiny_model(tiny) : test::make_shipped_material_variant());
    const ModelDescription& d = model->description();
    GeneratorSettings cpu_settings;
    cpu_settings.threads = 2;
    cpu_settings.tiling = c.tiling;
    GeneratorSettings gpu_settings = cpu_settings;
    gpu_settings.backend = NTEX_BACKEND_CUDA;
    gpu_settings.cuda_device = choice.ordinal;
    gpu_settings.precision = c.precision;
    TextureGenerator cpu(model, c.width, c.height, cpu_settings);
    TextureGenerator gpu(model, c.width, c.height, gpu_settings);

    const uint32_t seed = fresh_seed();
    SCOPED_TRACE(cat("seed ", seed, " (NTEX_TEST_SEED to replay)"));
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> z(static_cast<std::size_t>(d.z_dim));
    for (float& v : z) v = normal(rng);
    GeneratorParams p;
    p.seed = seed;
    p.z = z.data();
    p.psi = 0.8f;
    if (c.tiling == NTEX_TILING_MODE_INFINITE) {
        std::uniform_int_distribution<int> cells(-1000, 1000);
        p.origin_x = cells(rng) * d.cell_size;
        p.origin_y = cells(rng) * d.cell_size;
    }
    cpu.set_params(p);
    gpu.set_params(p);
    cpu.generate();
    gpu.generate();
    ASSERT_EQ(cpu.output_channels(), gpu.output_channels());
    const std::size_t n = static_cast<std::size_t>(cpu.plan_width()) * static_cast<std::size_t>(cpu.plan_height()) *
                          static_cast<std::size_t>(cpu.output_channels());
    const Limits limit = limits_for(c.precision);
    const double e = nmse(gpu.output(), cpu.output(), n);
    const double centred = centred_nmse(gpu.output(), cpu.output(), n);
    const double worst = max_abs_diff(gpu.output(), cpu.output(), n);
    std::printf("%s: NMSE %.3g, mean-removed NMSE %.3g, max |diff| %.3g\n", case_name(c).c_str(), e, centred, worst);
    EXPECT_LT(e, limit.nmse) << case_name(c) << "\n" << gpu.backend().describe();
    EXPECT_LT(centred, limit.centred) << case_name(c);
    EXPECT_LT(worst, limit.max_abs) << case_name(c);
    // A second frame with a new seed only (noise recomputed, weights kept) still matches.
    p.seed = seed + 1;
    cpu.set_params(p);
    gpu.set_params(p);
    cpu.generate();
    gpu.generate();
    EXPECT_LT(nmse(gpu.output(), cpu.output(), n), limit.nmse) << case_name(c) << " second frame";
    EXPECT_LT(max_abs_diff(gpu.output(), cpu.output(), n), limit.max_abs) << case_name(c) << " second frame";
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, CudaParity,
    ::testing::Values(ParityCase{64, 64, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp32}, ParityCase{64, 64, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp16},
                      ParityCase{256, 256, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp32},
                      ParityCase{256, 256, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp16},
                      ParityCase{512, 512, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp32},
                      ParityCase{512, 512, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp16},
                      ParityCase{128, 128, NTEX_TILING_MODE_INFINITE, cuda::Precision::Fp32},
                      ParityCase{128, 128, NTEX_TILING_MODE_INFINITE, cuda::Precision::Fp16},
                      ParityCase{128, 64, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp32}, ParityCase{64, 128, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp16},
                      ParityCase{192, 64, NTEX_TILING_MODE_INFINITE, cuda::Precision::Fp32},
                      ParityCase{64, 64, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp32, true},
                      ParityCase{64, 64, NTEX_TILING_MODE_TILEABLE, cuda::Precision::Fp16, true},
                      ParityCase{96, 64, NTEX_TILING_MODE_INFINITE, cuda::Precision::Fp32, true}),
    [](const ::testing::TestParamInfo<ParityCase>& param) { return case_name(param.param); });

// --- layout injection ----------------------------------------------------------------------

class CudaLayoutParity : public ::testing::TestWithParam<cuda::Precision> {};

// The plans directly (no TextureGenerator): the layout is any K-channel map, not one of the
// runtime's patterns, so every level's block average differs from its neighbours'.
TEST_P(CudaLayoutParity, LayoutInjectionMatchesTheCpuReference) {
    SKIP_WITHOUT_DEVICE(choice);
    const cuda::Precision precision = GetParam();
    test::TinyModelOptions options;
    options.layout_channels = 3;
    auto model = test::load_in_memory(test::make_tiny_model(options));
    const ModelDescription& d = model->description();
    const int size = 64;
    ASSERT_GT(d.layout_channels, 0);
    ASSERT_FALSE(layout_levels(d, size, size).empty()) << "the tiny model injects no layout";
    cpu::CpuPlan cpu(model, size, size, 2);
    cuda::CudaPlan gpu(model, size, size, choice.ordinal, precision);
    EXPECT_NE(gpu.describe().find("+ layout"), std::string::npos) << gpu.describe();

    const uint32_t seed = fresh_seed();
    SCOPED_TRACE(cat("seed ", seed, " (NTEX_TEST_SEED to replay)"));
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> w(static_cast<std::size_t>(d.w_dim));
    for (float& v : w) v = normal(rng);
    const std::size_t k = static_cast<std::size_t>(d.layout_channels);
    auto random_layout = [&] {
        // Smooth per-channel waves plus per-pixel noise: nontrivial at every divisor.
        std::vector<float> l(static_cast<std::size_t>(size) * size * k);
        const float phase = normal(rng);
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x) {
                for (std::size_t c = 0; c < k; ++c) {
                    const float wave = std::sin(0.2f * static_cast<float>(x + 2 * y) + phase + static_cast<float>(c));
                    l[(static_cast<std::size_t>(y) * size + static_cast<std::size_t>(x)) * k + c] = 2.0f * wave + 0.5f * normal(rng);
                }
            }
        }
        return l;
    };
    const std::size_t n = static_cast<std::size_t>(size) * size * static_cast<std::size_t>(cpu.output_channels());
    ASSERT_EQ(cpu.output_channels(), gpu.output_channels());
    const double nmse_limit = precision == cuda::Precision::Fp32 ? 1e-6 : 1e-4;
    const double abs_limit = precision == cuda::Precision::Fp32 ? 1e-3 : 3e-2;
    for (GeneratorBackend* plan : {static_cast<GeneratorBackend*>(&cpu), static_cast<GeneratorBackend*>(&gpu)}) {
        plan->set_style(w);
        plan->set_seed(seed, 0, 0);
    }
    std::vector<float> previous;
    for (int frame = 0; frame < 2; ++frame) {
        SCOPED_TRACE(cat("frame ", frame));
        // Frame 1 changes the layout only: the CUDA graph must read the new level contents.
        const std::vector<float> layout = random_layout();
        cpu.set_layout(layout.data());
        gpu.set_layout(layout.data());
        cpu.run();
        gpu.run();
        EXPECT_LT(nmse(gpu.output(), cpu.output(), n), nmse_limit) << cuda::precision_name(precision) << "\n" << gpu.describe();
        EXPECT_LT(max_abs_diff(gpu.output(), cpu.output(), n), abs_limit);
        if (frame == 1) {
            EXPECT_GT(nmse(gpu.output(), previous.data(), n), 1e-4) << "a new layout left the output unchanged";
        }
        previous.assign(gpu.output(), gpu.output() + n);
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, CudaLayoutParity, ::testing::Values(cuda::Precision::Fp32, cuda::Precision::Fp16),
                         [](const ::testing::TestParamInfo<cuda::Precision>& param) { return std::string(cuda::precision_name(param.param)); });

// --- surface write -------------------------------------------------------------------------

struct FormatCase {
    cuda::SurfaceFormat surface;
    NtexHostFormat host;
    cudaChannelFormatDesc desc;
    std::size_t texel;
};

std::vector<FormatCase> formats() {
    return {
        {cuda::SurfaceFormat::Rgba8Srgb, NTEX_HOST_FORMAT_R8G8B8A8, cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned), 4},
        {cuda::SurfaceFormat::Rgba8Unorm, NTEX_HOST_FORMAT_R8G8B8A8, cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned), 4},
        {cuda::SurfaceFormat::R8Unorm, NTEX_HOST_FORMAT_R8_UNORM, cudaCreateChannelDesc(8, 0, 0, 0, cudaChannelFormatKindUnsigned), 1},
        {cuda::SurfaceFormat::R16Unorm, NTEX_HOST_FORMAT_R16_UNORM, cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindUnsigned), 2},
        {cuda::SurfaceFormat::R32Float, NTEX_HOST_FORMAT_R32_SFLOAT, cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat), 4},
        {cuda::SurfaceFormat::Rgba32Float, NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, cudaCreateChannelDesc(32, 32, 32, 32, cudaChannelFormatKindFloat), 16},
        {cuda::SurfaceFormat::Bgra8Srgb, NTEX_HOST_FORMAT_B8G8R8A8, cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned), 4},
        {cuda::SurfaceFormat::Bgra8Unorm, NTEX_HOST_FORMAT_B8G8R8A8, cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned), 4},
        {cuda::SurfaceFormat::Rg8Unorm, NTEX_HOST_FORMAT_R8G8_UNORM, cudaCreateChannelDesc(8, 8, 0, 0, cudaChannelFormatKindUnsigned), 2},
        {cuda::SurfaceFormat::R16Float, NTEX_HOST_FORMAT_R16_SFLOAT, cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindFloat), 2},
        {cuda::SurfaceFormat::Rgba16Float, NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT, cudaCreateChannelDesc(16, 16, 16, 16, cudaChannelFormatKindFloat), 8},
    };
}

// Element-wise comparison of one texel: integer formats within 1 LSB, halves within one step at [0.5, 1),
// floats within 1e-5.
bool texel_close(const uint8_t* a, const uint8_t* b, std::size_t texel, NtexHostFormat f) {
    switch (f) {
        case NTEX_HOST_FORMAT_R8G8B8A8:
        case NTEX_HOST_FORMAT_B8G8R8A8:
        case NTEX_HOST_FORMAT_R8G8_UNORM:
        case NTEX_HOST_FORMAT_R8_UNORM:
            for (std::size_t i = 0; i < texel; ++i) {
                if (std::abs(int{a[i]} - int{b[i]}) > 1) return false;
            }
            return true;
        case NTEX_HOST_FORMAT_R16_UNORM: {
            uint16_t x, y;
            std::memcpy(&x, a, 2);
            std::memcpy(&y, b, 2);
            return std::abs(int{x} - int{y}) <= 1;
        }
        case NTEX_HOST_FORMAT_R16_SFLOAT:
        case NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT:   // within one binary16 step at [0.5, 1)
            for (std::size_t i = 0; i < texel / 2; ++i) {
                uint16_t x, y;
                std::memcpy(&x, a + 2 * i, 2);
                std::memcpy(&y, b + 2 * i, 2);
                if (!(std::fabs(half_to_float(x) - half_to_float(y)) <= 1.0f / 2048.0f)) return false;
            }
            return true;
        default: {
            for (std::size_t i = 0; i < texel / 4; ++i) {
                float x, y;
                std::memcpy(&x, a + 4 * i, 4);
                std::memcpy(&y, b + 4 * i, 4);
                if (!(std::fabs(x - y) <= 1e-5f * std::max(1.0f, std::fabs(y)))) return false;
            }
            return true;
        }
    }
}

// Writes `target` (format f.surface, one level) into a poisoned size x size CUDA array from the plan's final
// tensor and expects every texel within texel_close of `want` (the host conversion) and none left poisoned.
void expect_surface_write(const ModelDescription& d, cuda::CudaPlan& plan, int channels, int size, const FormatCase& f, cuda::SurfaceTarget target,
                          const std::vector<uint8_t>& want) {
    cudaArray_t array = nullptr;
    ASSERT_EQ(cudaMallocArray(&array, &f.desc, size, size, cudaArraySurfaceLoadStore), cudaSuccess);
    const std::size_t pitch = size * f.texel;
    std::vector<uint8_t> poison(pitch * size, 0xCD);
    ASSERT_EQ(cudaMemcpy2DToArray(array, 0, 0, poison.data(), pitch, pitch, size, cudaMemcpyHostToDevice), cudaSuccess);
    cudaResourceDesc res{};
    res.resType = cudaResourceTypeArray;
    res.res.array.array = array;
    cudaSurfaceObject_t surf = 0;
    ASSERT_EQ(cudaCreateSurfaceObject(&surf, &res), cudaSuccess);
    target.format = f.surface;
    target.mip_levels = 1;
    target.levels[0] = surf;
    cuda::enqueue_write_surfaces(d, plan.device_output(), plan.width(), plan.height(), channels, 0, 0, size, size, &target, 1, plan.stream());
    ASSERT_EQ(cudaStreamSynchronize(plan.stream()), cudaSuccess);
    std::vector<uint8_t> got(pitch * size);
    ASSERT_EQ(cudaMemcpy2DFromArray(got.data(), pitch, array, 0, 0, pitch, size, cudaMemcpyDeviceToHost), cudaSuccess);
    std::size_t bad = 0, poisoned = 0;
    for (std::size_t t = 0; t < static_cast<std::size_t>(size) * size; ++t) {
        const uint8_t* g = got.data() + t * f.texel;
        if (std::all_of(g, g + f.texel, [](uint8_t b) { return b == 0xCD; }) &&
            !std::all_of(want.data() + t * f.texel, want.data() + (t + 1) * f.texel, [](uint8_t b) { return b == 0xCD; })) {
            ++poisoned;
        }
        if (!texel_close(g, want.data() + t * f.texel, f.texel, f.host)) ++bad;
    }
    EXPECT_EQ(poisoned, 0u) << "texels left unwritten";
    EXPECT_EQ(bad, 0u) << "texels differing from the host conversion by more than 1 LSB";
    cudaDestroySurfaceObject(surf);
    cudaFreeArray(array);
}

struct SurfaceFixture {
    std::shared_ptr<const LoadedModel> model;
    std::unique_ptr<TextureGenerator> gen;
    std::vector<float> material;   // the host copy: the reference
    cuda::CudaPlan& plan() const { return dynamic_cast<cuda::CudaPlan&>(gen->backend()); }
};

SurfaceFixture surface_fixture(const cuda::DeviceChoice& choice, int size) {
    SurfaceFixture f;
    f.model = test::load_in_memory(test::make_shipped_material_variant());
    GeneratorSettings settings;
    settings.backend = NTEX_BACKEND_CUDA;
    settings.cuda_device = choice.ordinal;
    settings.precision = cuda::Precision::Fp32;
    f.gen = std::make_unique<TextureGenerator>(f.model, size, size, settings);
    f.gen->set_params(fresh_seed(), nullptr, 0.7f);
    f.gen->generate();   // host copy for the reference; the device tensor stays valid
    f.material = f.gen->material();
    EXPECT_EQ(cudaSetDevice(choice.ordinal), cudaSuccess);
    return f;
}

TEST(CudaSurfaceWrite, EveryTexelOfEveryMapMatchesTheHostConversion) {
    SKIP_WITHOUT_DEVICE(choice);
    const int size = 128;
    SurfaceFixture fx = surface_fixture(choice, size);
    const ModelDescription& d = fx.model->description();
    auto& plan = fx.plan();
    for (uint32_t map = 0; map < d.outputs.size(); ++map) {
        for (const FormatCase& f : formats()) {
            // 1-channel formats take a map's first channel; every map goes through every format.
            SCOPED_TRACE(cat("map ", map, " (", d.outputs[map].name, "), surface format ", static_cast<int>(f.surface)));
            std::vector<uint8_t> want(size * f.texel * size);
            write_map(fx.material.data(), fx.gen->material_layout(), size, size, map, f.host, want.data(), size * f.texel);
            cuda::SurfaceTarget target;
            target.map_index = map;
            expect_surface_write(d, plan, fx.gen->output_channels(), size, f, target, want);
        }
    }
}

TEST(CudaSurfaceWrite, ChannelPackedImagesMatchTheHostConversion) {
    SKIP_WITHOUT_DEVICE(choice);
    const int size = 128;
    SurfaceFixture fx = surface_fixture(choice, size);
    const ModelDescription& d = fx.model->description();
    auto& plan = fx.plan();
    // material_v1's maps: albedo 0, normal 1 (derived), roughness 2, height 3.
    constexpr uint32_t zero = NTEX_CHANNEL_SOURCE_ZERO, one = NTEX_CHANNEL_SOURCE_ONE;
    const std::vector<std::array<NtexChannelSource, 4>> packings = {
        {{{1, 0}, {1, 1}, {2, 0}, {3, 0}}},        // normal.xy, roughness, height
        {{{one, 0}, {2, 0}, {zero, 0}, {3, 0}}},   // ORM + height
        {{{1, 2}, {0, 2}, {0, 0}, {1, 1}}},        // derived z, albedo blue and red, normal y
    };
    for (std::size_t i = 0; i < packings.size(); ++i) {
        for (const FormatCase& f : formats()) {
            SCOPED_TRACE(cat("packing ", i, ", surface format ", static_cast<int>(f.surface)));
            std::vector<uint8_t> want(size * f.texel * size);
            write_texels(fx.material.data(), fx.gen->material_layout().channels, size, size, packed_select(fx.gen->material_layout(), packings[i], "test"),
                         f.host, want.data(), size * f.texel);
            cuda::SurfaceTarget target;
            target.map_index = NTEX_MAP_INDEX_PACKED;
            target.packed = true;
            target.packing = packings[i];
            expect_surface_write(d, plan, fx.gen->output_channels(), size, f, target, want);
        }
    }
}

}  // namespace
}  // namespace ntex
