// SPDX-License-Identifier: MIT
// Material maps: parsing of the v2 output keys (semantics, derived normals, height_scale,
// directions), the material tensor, derived normals, host formats, latent directions.
#include "core/error.h"
#include "core/half.h"
#include "runtime/material.h"
#include "runtime/style.h"
#include "runtime/texture_generator.h"
#include "runtime/tiling.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace ntex {
namespace {

std::shared_ptr<const LoadedModel> material_model(uint32_t seed = 1) {
    test::TinyModelOptions o;
    o.material = true;
    o.seed = seed;
    return test::load_in_memory(test::make_tiny_model(o));
}

// Parses a modified tiny material model and returns the INVALID_MODEL message ("" if it loads).
template <typename Edit>
std::string load_error(Edit&& edit) {
    test::TinyModelOptions o;
    o.material = true;
    test::TinyModel m = test::make_tiny_model(o);
    edit(m);
    try {
        test::load_in_memory(m, "m.json");
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_INVALID_MODEL);
        return e.what();
    }
    return "";
}

TEST(MaterialModel, ParsesOutputsHeightScaleAndDirections) {
    auto model = material_model();
    const ModelDescription& d = model->description();
    ASSERT_EQ(d.outputs.size(), 4u);
    EXPECT_EQ(d.outputs[0].semantic, MapSemantic::Albedo);
    EXPECT_EQ(d.outputs[1].semantic, MapSemantic::Normal);
    EXPECT_EQ(d.outputs[1].derived_from, 3);
    EXPECT_EQ(d.outputs[1].channel_count(), 3);
    EXPECT_EQ(d.outputs[2].semantic, MapSemantic::Roughness);
    EXPECT_EQ(d.outputs[3].semantic, MapSemantic::Height);
    EXPECT_EQ(d.height_scale, 3.0f);
    ASSERT_EQ(d.directions.size(), 2u);
    EXPECT_EQ(d.directions[1].label, "direction 1");
    EXPECT_FLOAT_EQ(d.directions[0].sigma, 1.7f);
    MaterialLayout layout = make_material_layout(d);
    EXPECT_EQ(layout.channels, 8);
    EXPECT_EQ(layout.offsets, (std::vector<int>{0, 3, 6, 7}));
    // Legacy "rgb" is albedo.
    auto tiny = test::load_in_memory(test::make_tiny_model());
    EXPECT_EQ(tiny->description().outputs[0].semantic, MapSemantic::Albedo);
    EXPECT_EQ(tiny->description().height_scale, 1.0f);
    EXPECT_EQ(make_material_layout(tiny->description()).channels, 3);
}

TEST(MaterialModel, ErrorsNameTheField) {
    EXPECT_EQ(load_error([](test::TinyModel&) {}), "");
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description.erase("height_scale"); }).find("m.json: height_scale: missing"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["height_scale"] = -1.0; }).find("height_scale: must be finite"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["outputs"][1]["derived_from"] = "bump"; })
                  .find("outputs[1].derived_from: names no map ('bump')"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["outputs"][1]["derived_from"] = "roughness"; })
                  .find("outputs[1].derived_from: map 'roughness' is not a height map"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["outputs"][1]["convention"] = "directx"; })
                  .find("outputs[1].convention: unknown convention 'directx'"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["outputs"][3]["channels"] = {3, 4}; })
                  .find("outputs[3].channels: a height map has exactly 1 channel"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["directions"][0]["sigma"] = 0.0; })
                  .find("directions[0].sigma: must be finite and in (0, 1e6]"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["directions"][1]["label"] = std::string(64, 'x'); })
                  .find("directions[1].label: longer than 63 characters"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["directions"][1]["tensor"] = "nope"; })
                  .find("directions[1].tensor: tensor 'nope' is not declared in 'tensors'"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.description["tensors"]["directions.0"]["shape"] = {5}; })
                  .find("tensors.directions.0.shape: is [5] but directions[0].tensor needs [6]"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) {
                  for (float& v : m.find("directions.0")->values) v *= 2.0f;
              }).find("directions[0].tensor: 'directions.0' has norm 2"),
              std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) { m.find("directions.1")->values[2] = NAN; }).find("non-finite"), std::string::npos);
    EXPECT_NE(load_error([](test::TinyModel& m) {
                  for (int i = 0; i < 15; ++i) m.description["directions"].push_back(m.description["directions"][0]);
              }).find("directions: at most 16 directions are supported, got 17"),
              std::string::npos);
}

// The halo: sum of each op's reach in output pixels (docs/model_format.md), rounded up to the cell.
TEST(MaterialModel, HaloFromOpList) {
    auto tiny = material_model();
    // cell 4: conv3 at /4 (4) + up from /4 (4) + conv3 at /2 (2) + conv5 at /2 (4) + up from /2 (2) + conv1 (0) + normal (1)
    EXPECT_EQ(receptive_field_radius(tiny->description()), 17);
    EXPECT_EQ(halo_pixels(tiny->description()), 20);
    if (!std::filesystem::exists(test::shipped_model_json())) GTEST_SKIP() << "albedo_v1 absent";
    auto shipped = LoadedModel::load(test::shipped_model_json());
    EXPECT_EQ(receptive_field_radius(shipped->description()), 92);
    EXPECT_EQ(halo_pixels(shipped->description()), 96);
}

float at(const std::vector<float>& m, int w, int c, int x, int y, int ch) {
    return m[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * static_cast<std::size_t>(c) +
             static_cast<std::size_t>(ch)];
}

// The runtime's normal map equals central differences of its own height map (wrapping, tileable).
TEST(DerivedNormals, AgreeWithCentralDifferencesOfHeight) {
    auto model = material_model();
    GeneratorSettings s;
    s.threads = 2;
    const int w = 48, h = 32;
    TextureGenerator gen(model, w, h, s);
    gen.set_params(3, nullptr, 1.0f);
    gen.generate();
    std::vector<float> m = gen.material();
    const int c = 8;
    const float scale = model->description().height_scale;
    double max_err = 0.0, max_slope = 0.0;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const float gx = 0.5f * (at(m, w, c, (x + 1) % w, y, 7) - at(m, w, c, (x + w - 1) % w, y, 7));
            const float gy = 0.5f * (at(m, w, c, x, (y + 1) % h, 7) - at(m, w, c, x, (y + h - 1) % h, 7));
            const float n[3] = {-scale * gx, scale * gy, 1.0f};
            const float len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            for (int k = 0; k < 3; ++k) {
                max_err = std::max(max_err, static_cast<double>(std::fabs(at(m, w, c, x, y, 3 + k) - (n[k] / len * 0.5f + 0.5f))));
            }
            max_slope = std::max(max_slope, static_cast<double>(std::fabs(gx)));
        }
    }
    EXPECT_LT(max_err, 1e-6);
    EXPECT_GT(max_slope, 1e-3) << "flat height map: the test would be vacuous";
}

// A height rising to the right tilts the normal to -X; rising downwards (rows) tilts it to +Y (OpenGL).
TEST(DerivedNormals, RampSigns) {
    const int w = 16, h = 8;
    std::vector<float> height(static_cast<std::size_t>(w * h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) height[static_cast<std::size_t>(y * w + x)] = 0.02f * static_cast<float>(x);
    std::vector<float> n(static_cast<std::size_t>(w * h * 3));
    derive_normals(height.data(), w, h, 1, 0, 0.0f, 1.0f, 0, 0, w, 2.0f, n.data(), 3, 0, h);
    // Interior pixel: gx = 0.02, n = normalize(-0.04, 0, 1).
    const float len = std::sqrt(0.04f * 0.04f + 1.0f);
    EXPECT_NEAR(n[(3 * w + 5) * 3 + 0], -0.04f / len * 0.5f + 0.5f, 1e-6);
    EXPECT_LT(n[(3 * w + 5) * 3 + 0], 0.5f);
    EXPECT_NEAR(n[(3 * w + 5) * 3 + 1], 0.5f, 1e-7);
    EXPECT_NEAR(n[(3 * w + 5) * 3 + 2], 1.0f / len * 0.5f + 0.5f, 1e-6);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) height[static_cast<std::size_t>(y * w + x)] = 0.02f * static_cast<float>(y);
    derive_normals(height.data(), w, h, 1, 0, 0.0f, 1.0f, 0, 0, w, 2.0f, n.data(), 3, 0, h);
    EXPECT_NEAR(n[(3 * w + 5) * 3 + 0], 0.5f, 1e-7);
    EXPECT_GT(n[(3 * w + 5) * 3 + 1], 0.5f);
}

TEST(HostFormats, ConversionsAndRounding) {
    auto model = material_model();
    GeneratorSettings s;
    s.threads = 1;
    const int w = 16, h = 8;
    TextureGenerator gen(model, w, h, s);
    gen.set_params(4, nullptr, 1.0f);
    gen.generate();
    const std::vector<float> m = gen.material();
    const MaterialLayout& layout = gen.material_layout();
    for (uint32_t map = 0; map < 4; ++map) {
        const int off = layout.offsets[map], n = layout.counts[map];
        std::vector<float> r32(static_cast<std::size_t>(w * h));
        std::vector<uint8_t> r8(static_cast<std::size_t>(w * h) + 7);
        std::vector<uint16_t> r16(static_cast<std::size_t>(w * h));
        std::vector<uint8_t> rgba8(static_cast<std::size_t>(w * h * 4));
        std::vector<float> rgba32(static_cast<std::size_t>(w * h * 4));
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R32_SFLOAT, r32.data(), w * 4);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R8_UNORM, r8.data(), w);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R16_UNORM, r16.data(), w * 2);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R8G8B8A8, rgba8.data(), w * 4);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, rgba32.data(), w * 16);
        std::vector<uint8_t> rg8(static_cast<std::size_t>(w * h * 2));
        std::vector<uint8_t> bgra8(static_cast<std::size_t>(w * h * 4));
        std::vector<uint16_t> r16f(static_cast<std::size_t>(w * h));
        std::vector<uint16_t> rgba16f(static_cast<std::size_t>(w * h * 4));
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R8G8_UNORM, rg8.data(), w * 2);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_B8G8R8A8, bgra8.data(), w * 4);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R16_SFLOAT, r16f.data(), w * 2);
        write_map(m.data(), layout, w, h, map, NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT, rgba16f.data(), w * 8);
        for (std::size_t p = 0; p < static_cast<std::size_t>(w * h); ++p) {
            const float v0 = m[p * 8 + static_cast<std::size_t>(off)];
            EXPECT_EQ(r32[p], v0);   // multi-channel maps: channel 0
            EXPECT_EQ(r8[p], static_cast<uint8_t>(std::floor(std::clamp(v0, 0.0f, 1.0f) * 255.0f + 0.5f)));
            EXPECT_EQ(r16[p], static_cast<uint16_t>(std::floor(std::clamp(v0, 0.0f, 1.0f) * 65535.0f + 0.5f)));
            for (int k = 0; k < 3; ++k) {
                const float v = m[p * 8 + static_cast<std::size_t>(off + std::min(k, n - 1))];  // 1 channel: repeated
                EXPECT_EQ(rgba32[p * 4 + static_cast<std::size_t>(k)], v);
                EXPECT_EQ(rgba8[p * 4 + static_cast<std::size_t>(k)], static_cast<uint8_t>(std::floor(v * 255.0f + 0.5f)));
            }
            EXPECT_EQ(rgba32[p * 4 + 3], 1.0f);
            EXPECT_EQ(rgba8[p * 4 + 3], 255);
            // The engine formats: BGRA8 is RGBA8 swizzled, RG8 its first two bytes, the halves the floats rounded.
            for (int k = 0; k < 3; ++k) EXPECT_EQ(bgra8[p * 4 + static_cast<std::size_t>(2 - k)], rgba8[p * 4 + static_cast<std::size_t>(k)]);
            EXPECT_EQ(bgra8[p * 4 + 3], 255);
            EXPECT_EQ(rg8[p * 2], rgba8[p * 4]);
            EXPECT_EQ(rg8[p * 2 + 1], rgba8[p * 4 + 1]);
            EXPECT_EQ(r16f[p], float_to_half(v0));
            EXPECT_LE(std::abs(half_to_float(r16f[p]) - v0), std::ldexp(1.0f, -12)) << "half of " << v0;
            for (int k = 0; k < 4; ++k) EXPECT_EQ(rgba16f[p * 4 + static_cast<std::size_t>(k)], float_to_half(rgba32[p * 4 + static_cast<std::size_t>(k)]));
        }
    }
    // Pitch and size are checked per format.
    EXPECT_NO_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R16_UNORM, &m, 32, 32 * 8, w, h));
    EXPECT_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R16_UNORM, &m, 31, 1000, w, h), Error);
    EXPECT_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R8_UNORM, &m, 16, 16 * 8 - 1, w, h), Error);
    EXPECT_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R32_SFLOAT, &m, 63, 1000, w, h), Error);
    EXPECT_THROW(check_host_image(4, 4, NTEX_HOST_FORMAT_R8_UNORM, &m, 16, 1000, w, h), Error);
    EXPECT_NO_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT, &m, 16 * 8, 16 * 8 * 8, w, h));
    EXPECT_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT, &m, 16 * 8 - 1, 100000, w, h), Error);
    EXPECT_THROW(check_host_image(0, 4, 9, &m, 1000, 100000, w, h), Error);
    EXPECT_THROW(check_host_image(0, 4, -1, &m, 1000, 100000, w, h), Error);
    EXPECT_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R8_UNORM, nullptr, 16, 1000, w, h), Error);
    EXPECT_THROW(check_host_image(0, 4, NTEX_HOST_FORMAT_R8G8B8A8, &m, SIZE_MAX / 4, SIZE_MAX, w, h), Error);
}

// w = truncate(w) + sum a_i sigma_i v_i; offsets rerun the modulation only.
TEST(LatentDirections, OffsetsChangeStyleOnly) {
    auto model = material_model();
    const ModelDescription& d = model->description();
    GeneratorSettings s;
    s.threads = 2;
    TextureGenerator gen(model, 16, 16, s);
    GeneratorParams p;
    p.seed = 7;
    p.psi = 0.7f;
    gen.set_params(p);
    gen.generate();
    const std::vector<float> base = gen.material();
    const std::vector<float> w0 = gen.style();
    const int mapping = gen.mapping_runs(), styles = gen.style_updates(), seeds = gen.seed_updates();
    const float offsets[2] = {1.5f, -2.0f};
    p.direction_offsets = offsets;
    p.direction_count = 2;
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), mapping);
    EXPECT_EQ(gen.seed_updates(), seeds);
    EXPECT_EQ(gen.style_updates(), styles + 1);
    const std::vector<float>& v0 = model->tensor(d.directions[0].tensor);
    const std::vector<float>& v1 = model->tensor(d.directions[1].tensor);
    for (std::size_t k = 0; k < w0.size(); ++k) {
        EXPECT_NEAR(gen.style()[k], w0[k] + 1.5f * 1.7f * v0[k] - 2.0f * 1.7f * v1[k], 1e-5);
    }
    EXPECT_NE(gen.material(), base);
    // Back to no offsets (count 0): the original result, bit for bit.
    p.direction_count = 0;
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.material(), base);
    EXPECT_EQ(gen.mapping_runs(), mapping);
    // Validation.
    const float bad[3] = {0.0f, NAN, 0.0f};
    p.direction_offsets = bad;
    p.direction_count = 2;
    EXPECT_THROW(gen.validate(p), Error);
    p.direction_count = 3;
    EXPECT_THROW(gen.validate(p), Error);
    p.direction_offsets = nullptr;
    p.direction_count = 1;
    EXPECT_THROW(gen.validate(p), Error);
}

}  // namespace
}  // namespace ntex
