// SPDX-License-Identifier: MIT
// render_test.cpp: headless rendering on whatever Vulkan 1.3 device exists (lavapipe in CI)
// with the validation layer on: a test-pattern texture is uploaded through the staging path,
// mipmapped, resized, rendered and read back; no validation message may appear.
#include "engine/error.h"
#include "engine/png_writer.h"
#include "engine/renderer.h"
#include "engine/texture.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Checkerboard of two saturated colours, 8 texels per square.
void write_checker(engine::Texture& tex, uint32_t slot, uint8_t r0, uint8_t g0, uint8_t b0) {
    auto* base = static_cast<uint8_t*>(tex.staging_data(slot));
    const VkExtent2D e = tex.extent();
    for (uint32_t y = 0; y < e.height; ++y) {
        uint8_t* row = base + y * tex.row_pitch();
        for (uint32_t x = 0; x < e.width; ++x) {
            const bool odd = ((x / 8) + (y / 8)) % 2 != 0;
            row[4 * x + 0] = odd ? r0 : 20;
            row[4 * x + 1] = odd ? g0 : 20;
            row[4 * x + 2] = odd ? b0 : 20;
            row[4 * x + 3] = 255;
        }
    }
}

struct Stats {
    double mean[3] = {0, 0, 0};
    double stddev = 0;   // of luma
};

Stats region_stats(const uint8_t* rgba, int width, int x0, int y0, int x1, int y1) {
    Stats s;
    double sum = 0, sum2 = 0;
    int n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t* p = rgba + 4 * (y * width + x);
            for (int c = 0; c < 3; ++c) s.mean[c] += p[c];
            const double l = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
            sum += l;
            sum2 += l * l;
            ++n;
        }
    for (double& m : s.mean) m /= n;
    s.stddev = std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)));
    return s;
}

class HeadlessRender : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("ntex_engine_test_" + std::to_string(::getpid()));
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    fs::path m_dir;
};

TEST_F(HeadlessRender, TestPatternThroughStagingMipsAndResizeWithZeroValidationMessages) {
    auto stats = std::make_shared<engine::ValidationStats>();
    std::string png;
    {
        engine::RendererCreateInfo ci;
        ci.headless = true;
        ci.size = {320, 180};
        ci.validation = true;
        ci.validation_stats = stats;
        ci.texture_size = {128, 128};
        engine::Renderer r(ci);
        // The layer must really be loaded: zero messages from no layer would prove nothing.
        ASSERT_TRUE(stats->layer_enabled) << "VK_LAYER_KHRONOS_validation was not enabled";

        for (int frame = 0; frame < 3; ++frame) {
            ASSERT_TRUE(r.begin_frame());
            if (frame == 1) r.resize_texture({64, 64});   // recreated while a frame is in flight
            write_checker(r.texture(), r.frame_slot(), 230, 40, 40);
            r.upload_texture();
            r.end_frame(frame == 2);
        }
        png = r.save_capture((m_dir / "render.png").string());
        EXPECT_EQ(r.texture().extent().width, 64u);
        EXPECT_EQ(r.texture().mip_levels(), 7u);
    }
    EXPECT_EQ(stats->errors.load(), 0u);
    EXPECT_EQ(stats->warnings.load(), 0u);

    ASSERT_TRUE(fs::path(png).is_absolute());
    int w = 0, h = 0, n = 0;
    uint8_t* pixels = stbi_load(png.c_str(), &w, &h, &n, 4);
    ASSERT_NE(pixels, nullptr) << png;
    ASSERT_EQ(w, 320);
    ASSERT_EQ(h, 180);
    const Stats all = region_stats(pixels, w, 0, 0, w, h);
    // The lower part of the image is the checkered ground plane: red squares must show.
    const Stats ground = region_stats(pixels, w, 0, 150, w, 180);
    stbi_image_free(pixels);
    EXPECT_GT(all.stddev, 10.0) << "image is (nearly) constant";
    EXPECT_GT(ground.mean[0], ground.mean[1] + 10.0) << "the red test pattern is not visible on the ground";

    // Nothing but the PNG is left (the writer goes through a temp file and a rename).
    int files = 0;
    for (const auto& entry : fs::directory_iterator(m_dir)) {
        ++files;
        EXPECT_EQ(entry.path().filename(), "render.png");
    }
    EXPECT_EQ(files, 1);
}

// Fills `bytes` of staging with a per-format pattern: stripes for colour maps, a ramp for
// one-channel maps.
void fill_pattern(void* data, size_t bytes, uint32_t texel_size, uint32_t width, uint32_t salt) {
    auto* p = static_cast<uint8_t*>(data);
    for (size_t i = 0; i < bytes / texel_size; ++i) {
        const uint32_t x = static_cast<uint32_t>(i % width), y = static_cast<uint32_t>(i / width);
        const auto v = static_cast<uint8_t>(((x / 4 + y / 4 + salt) % 2) != 0 ? 220 : 40);
        for (uint32_t c = 0; c < texel_size; ++c) p[i * texel_size + c] = texel_size == 4 && c == 3 ? 255 : v;
    }
}

TEST_F(HeadlessRender, MaterialMapsAndInfiniteGroundRegionsWithZeroValidationMessages) {
    auto stats = std::make_shared<engine::ValidationStats>();
    std::string png;
    {
        engine::RendererCreateInfo ci;
        ci.headless = true;
        ci.size = {320, 180};
        ci.validation = true;
        ci.validation_stats = stats;
        ci.texture_size = {64, 64};
        engine::Renderer r(ci);
        ASSERT_TRUE(stats->layer_enabled);
        constexpr uint32_t kChunk = 64, kGround = 256;
        r.create_ground(kGround, kChunk * kChunk);
        ASSERT_NE(r.ground(), nullptr);
        r.settings().infinite_ground = true;
        r.settings().normal_map = true;
        r.settings().height_texels = 4.0f;
        EXPECT_EQ(r.material().map(engine::MapKind::kAlbedo).format(), VK_FORMAT_R8G8B8A8_SRGB);
        EXPECT_EQ(r.material().map(engine::MapKind::kNormal).format(), VK_FORMAT_R8G8B8A8_UNORM);
        EXPECT_EQ(r.material().map(engine::MapKind::kRoughness).format(), VK_FORMAT_R8_UNORM);
        EXPECT_EQ(r.material().map(engine::MapKind::kHeight).format(), VK_FORMAT_R16_UNORM);

        for (uint32_t frame = 0; frame < 4; ++frame) {
            ASSERT_TRUE(r.begin_frame());
            for (uint32_t m = 0; m < engine::kMapKindCount; ++m) {
                const auto kind = static_cast<engine::MapKind>(m);
                engine::Texture& t = r.material().map(kind);
                if (frame != 2 || kind == engine::MapKind::kAlbedo) {   // frame 2: only albedo changes
                    fill_pattern(t.staging_data(r.frame_slot()), t.staging_size(), engine::Texture::texel_size(t.format()),
                                 t.extent().width, frame);
                    r.upload_map(kind);
                }
                // One chunk per frame into a different slot of the ground (the rest is kept).
                engine::Texture& g = r.ground()->map(kind);
                fill_pattern(g.staging_data(r.frame_slot()), g.staging_size(), engine::Texture::texel_size(g.format()),
                             kChunk, frame + m);
                const engine::TextureRegion region{0, kChunk * frame, kChunk * (frame % 2), kChunk, kChunk};
                r.upload_ground_regions(kind, {&region, 1});
            }
            r.end_frame(frame == 3);
        }
        png = r.save_capture((m_dir / "maps.png").string());
        EXPECT_EQ(r.ground()->map(engine::MapKind::kHeight).mip_levels(), 9u);
        EXPECT_EQ(r.material().map(engine::MapKind::kRoughness).mip_levels(), 7u);
    }
    EXPECT_EQ(stats->errors.load(), 0u);
    EXPECT_EQ(stats->warnings.load(), 0u);
    int w = 0, h = 0, n = 0;
    uint8_t* pixels = stbi_load(png.c_str(), &w, &h, &n, 4);
    ASSERT_NE(pixels, nullptr) << png;
    const Stats all = region_stats(pixels, w, 0, 0, w, h);
    stbi_image_free(pixels);
    EXPECT_GT(all.stddev, 10.0) << "image is (nearly) constant";
}

TEST(PngWriter, FailureLeavesNoFile) {
    const uint8_t rgba[4] = {1, 2, 3, 255};
    const fs::path missing = fs::temp_directory_path() / "ntex_no_such_dir_for_test" / "x.png";
    EXPECT_THROW(engine::write_png_atomic(missing.string(), rgba, 1, 1, 4), engine::Error);
    EXPECT_FALSE(fs::exists(missing));
}

TEST(Context, OutOfRangeDeviceIsAClearError) {
    engine::ContextCreateInfo ci;
    ci.device_index = 99;
    try {
        engine::Context ctx(ci);
        FAIL() << "device 99 accepted";
    } catch (const engine::Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("device index 99 out of range"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << "message must be one line";
    }
}

}  // namespace
