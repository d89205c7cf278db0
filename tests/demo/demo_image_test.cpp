// SPDX-License-Identifier: MIT
// demo_image_test.cpp: checks the PNGs the headless demo wrote for seeds 1 and 2 (paths on the
// command line): the textured objects are visible, and the two seeds give different materials.
// `--differ A.png B.png ground|objects MIN` checks that two renders (e.g. normal-mapped vs
// flat normals, two camera targets over the infinite ground) are textured there and differ by
// a mean |difference| above MIN.
#include <gtest/gtest.h>
#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

std::string g_seed1_png;
std::string g_seed2_png;
std::string g_region;        // --differ / --same mode
bool g_same = false;         // --same: the regions must match within g_min_difference (a maximum then)
double g_min_difference = 0;

struct Png {
    int width = 0, height = 0;
    std::unique_ptr<uint8_t, void (*)(void*)> pixels{nullptr, stbi_image_free};
    const uint8_t* at(int x, int y) const { return pixels.get() + 4 * (y * width + x); }
};

Png load(const std::string& path) {
    Png p;
    int channels = 0;
    p.pixels.reset(stbi_load(path.c_str(), &p.width, &p.height, &channels, 4));
    return p;
}

struct Box {
    const char* name;
    int x0, y0, x1, y1;
};

// Inside the objects for the default camera at 1280x720 (see engine::OrbitCamera and the
// placements in engine/src/render/scene.cpp); the overlay covers x < 350.
constexpr Box kSphere{"sphere", 545, 270, 630, 350};
constexpr Box kCube{"rounded cube", 800, 320, 1000, 500};
constexpr Box kGround{"ground", 400, 640, 1280, 720};
constexpr Box kScene{"scene (right of the overlay)", 360, 0, 1280, 720};

struct Stats {
    double mean[3] = {0, 0, 0};
    double luma_stddev = 0;
};

Stats stats(const Png& p, const Box& b) {
    Stats s;
    double sum = 0, sum2 = 0;
    const double n = double(b.x1 - b.x0) * (b.y1 - b.y0);
    for (int y = b.y0; y < b.y1; ++y)
        for (int x = b.x0; x < b.x1; ++x) {
            const uint8_t* px = p.at(x, y);
            for (int c = 0; c < 3; ++c) s.mean[c] += px[c];
            const double l = 0.2126 * px[0] + 0.7152 * px[1] + 0.0722 * px[2];
            sum += l;
            sum2 += l * l;
        }
    for (double& m : s.mean) m /= n;
    s.luma_stddev = std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)));
    return s;
}

double mean_abs_difference(const Png& a, const Png& b, const Box& box) {
    double sum = 0;
    for (int y = box.y0; y < box.y1; ++y)
        for (int x = box.x0; x < box.x1; ++x)
            for (int c = 0; c < 3; ++c) sum += std::abs(int(a.at(x, y)[c]) - int(b.at(x, y)[c]));
    return sum / (3.0 * (box.x1 - box.x0) * (box.y1 - box.y0));
}

std::string describe(const Stats& s) {
    char buf[128];
    std::snprintf(buf, sizeof(buf), "mean rgb (%.1f, %.1f, %.1f), luma std %.2f", s.mean[0], s.mean[1], s.mean[2],
                  s.luma_stddev);
    return buf;
}

TEST(DemoImage, ObjectsAreTexturedAndSeedsDiffer) {
    const Png a = load(g_seed1_png), b = load(g_seed2_png);
    ASSERT_TRUE(a.pixels) << "cannot read " << g_seed1_png;
    ASSERT_TRUE(b.pixels) << "cannot read " << g_seed2_png;
    ASSERT_EQ(a.width, 1280);
    ASSERT_EQ(a.height, 720);
    ASSERT_EQ(b.width, 1280);
    ASSERT_EQ(b.height, 720);

    for (const Png* p : {&a, &b}) {
        const Stats scene = stats(*p, kScene);
        EXPECT_GT(scene.luma_stddev, 10.0) << "image is nearly constant: " << describe(scene);
        const Stats sky = stats(*p, {"sky", 400, 0, 1280, 40});
        for (const Box& box : {kSphere, kCube, kGround}) {
            const Stats s = stats(*p, box);
            std::printf("%s: %s\n", box.name, describe(s).c_str());
            // The generated texture shows as detail inside the object ...
            EXPECT_GT(s.luma_stddev, 3.0) << box.name << " looks untextured: " << describe(s);
            // ... and the object is not just more sky.
            double d = 0;
            for (int c = 0; c < 3; ++c) d += std::abs(s.mean[c] - sky.mean[c]);
            EXPECT_GT(d, 15.0) << box.name << " has the sky's colour: " << describe(s);
        }
    }
    for (const Box& box : {kSphere, kCube, kGround}) {
        const double diff = mean_abs_difference(a, b, box);
        std::printf("%s: seed 1 vs 2 mean |difference| %.2f\n", box.name, diff);
        EXPECT_GT(diff, 5.0) << box.name << ": seeds 1 and 2 look the same";
    }
}

TEST(DemoImage, TwoRendersDifferInRegion) {
    if (g_region.empty()) GTEST_SKIP() << "only with --differ";
    const Png a = load(g_seed1_png), b = load(g_seed2_png);
    ASSERT_TRUE(a.pixels) << "cannot read " << g_seed1_png;
    ASSERT_TRUE(b.pixels) << "cannot read " << g_seed2_png;
    ASSERT_EQ(a.width, b.width);
    ASSERT_EQ(a.height, b.height);
    ASSERT_EQ(a.width, 1280);
    ASSERT_EQ(a.height, 720);
    std::vector<Box> boxes;
    if (g_region == "ground") boxes = {kGround, {"far ground", 400, 560, 1280, 640}};
    else boxes = {kSphere, kCube};
    for (const Box& box : boxes) {
        for (const Png* p : {&a, &b}) {
            const Stats s = stats(*p, box);
            std::printf("%s: %s\n", box.name, describe(s).c_str());
            EXPECT_GT(s.luma_stddev, 3.0) << box.name << " looks untextured: " << describe(s);
        }
        const double diff = mean_abs_difference(a, b, box);
        if (g_same) {
            std::printf("%s: mean |difference| %.3f (maximum %.3f)\n", box.name, diff, g_min_difference);
            EXPECT_LE(diff, g_min_difference) << box.name << ": the two renders differ";
        } else {
            std::printf("%s: mean |difference| %.2f (minimum %.2f)\n", box.name, diff, g_min_difference);
            EXPECT_GT(diff, g_min_difference) << box.name << ": the two renders look the same";
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    if (argc == 6 && (std::string(argv[1]) == "--differ" || std::string(argv[1]) == "--same")) {
        g_same = std::string(argv[1]) == "--same";
        g_seed1_png = argv[2];
        g_seed2_png = argv[3];
        g_region = argv[4];
        g_min_difference = std::atof(argv[5]);
        if (g_region != "ground" && g_region != "objects") {
            std::fprintf(stderr, "demo_image_test: region must be 'ground' or 'objects'\n");
            return 2;
        }
        ::testing::GTEST_FLAG(filter) = "DemoImage.TwoRendersDifferInRegion";
        return RUN_ALL_TESTS();
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: demo_image_test SEED1.png SEED2.png | --differ A.png B.png ground|objects MIN | --same A.png B.png ground|objects MAX\n");
        return 2;
    }
    g_seed1_png = argv[1];
    g_seed2_png = argv[2];
    ::testing::GTEST_FLAG(filter) = "DemoImage.ObjectsAreTexturedAndSeedsDiffer";
    return RUN_ALL_TESTS();
}
