// SPDX-License-Identifier: MIT
// window_test.cpp: a real window (run under xvfb-run): frames through the swapchain, then a
// resize that must rebuild the swapchain, all with the validation layer reporting nothing.
#include "engine/renderer.h"
#include "engine/texture.h"
#include "engine/window.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace {

void fill(engine::Texture& tex, uint32_t slot, uint8_t value) {
    std::memset(tex.staging_data(slot), value, tex.staging_size());
}

TEST(Window, RendersAndRebuildsTheSwapchainOnResize) {
    auto stats = std::make_shared<engine::ValidationStats>();
    {
        engine::RendererCreateInfo ci;
        ci.size = {320, 240};
        ci.validation = true;
        ci.validation_stats = stats;
        ci.texture_size = {64, 64};
        engine::Renderer r(ci);
        ASSERT_TRUE(stats->layer_enabled);
        ASSERT_NE(r.window(), nullptr);
        EXPECT_EQ(r.target_extent().width, 320u);
        EXPECT_EQ(r.target_extent().height, 240u);

        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(r.begin_frame());
            fill(r.texture(), r.frame_slot(), static_cast<uint8_t>(40 * i));
            r.upload_texture();
            r.end_frame();
        }
        r.window()->set_size(400, 300);
        bool resized = false;
        for (int i = 0; i < 60 && !resized; ++i) {
            ASSERT_TRUE(r.begin_frame());
            r.end_frame();
            resized = r.target_extent().width == 400 && r.target_extent().height == 300;
        }
        EXPECT_TRUE(resized) << "swapchain still " << r.target_extent().width << "x" << r.target_extent().height;
        for (int i = 0; i < 3; ++i) {
            ASSERT_TRUE(r.begin_frame());
            r.end_frame();
        }
    }
    EXPECT_EQ(stats->errors.load(), 0u);
    EXPECT_EQ(stats->warnings.load(), 0u);
}

}  // namespace
