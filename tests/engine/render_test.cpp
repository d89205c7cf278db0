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
