// SPDX-License-Identifier: MIT
// Layout patterns: periodicity, region consistency, geometry, validation, and parity with the Python mirror.
#include "core/error.h"
#include "runtime/layout_pattern.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace ntex {
namespace {

std::vector<float> render(const LayoutSpec& s, int32_t x0, int32_t y0, int w, int h) {
    std::vector<float> out(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * kLayoutChannels, -1.0f);
    render_layout(s, x0, y0, w, h, out.data());
    return out;
}

float raised(const LayoutSpec& s, int32_t x, int32_t y) { return render(s, x, y, 1, 1)[0]; }

double raised_fraction(const LayoutSpec& s) {
    const std::vector<float> v = render(s, 0, 0, s.period_width, s.period_height);
    std::size_t n = 0;
    for (std::size_t i = 0; i < v.size(); i += kLayoutChannels) n += v[i] > 0.5f ? 1 : 0;
    return static_cast<double>(n) / static_cast<double>(v.size() / kLayoutChannels);
}

// An 8 x 8 mask in [0, 1] with distinct values (kept alive for the specs that point at it).
const std::vector<float>& test_mask() {
    static const std::vector<float> m = [] {
        std::vector<float> v(64);
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 37) % 64) / 63.0f;
        return v;
    }();
    return m;
}

// Every pattern that renders (not None, not Auto) with non-default parameters, randomness switched on
// and non-square periods.
std::vector<LayoutSpec> all_patterns() {
    std::vector<LayoutSpec> specs;
    for (int p = 1; p <= static_cast<int>(kLastLayoutPattern); ++p) {
        if (static_cast<LayoutPattern>(p) == LayoutPattern::Auto) continue;
        LayoutSpec s;
        s.pattern = static_cast<LayoutPattern>(p);
        s.columns = 5;
        s.rows = 6;
        s.period_width = 90;
        s.period_height = 66;
        s.offset = 0.3f;
        s.gap = 2.5f;
        s.bevel = 1.5f;
        s.jitter = 0.7f;
        s.seed = 1234;
        s.mask = test_mask().data();
        s.mask_width = 8;
        s.mask_height = 8;
        specs.push_back(s);
    }
    return specs;
}

TEST(LayoutPattern, NameParseRoundTrip) {
    for (int p = 0; p <= static_cast<int>(kLastLayoutPattern); ++p) {
        LayoutPattern out = LayoutPattern::None;
        ASSERT_TRUE(parse_layout_pattern(layout_pattern_name(static_cast<LayoutPattern>(p)), &out)) << p;
        EXPECT_EQ(static_cast<int>(out), p);
    }
    EXPECT_STREQ(layout_pattern_name(LayoutPattern::Voronoi), "voronoi");
    EXPECT_STREQ(layout_pattern_name(LayoutPattern::Blobs), "blobs");
    EXPECT_STREQ(layout_pattern_name(static_cast<LayoutPattern>(10)), "unknown");
    LayoutPattern out = LayoutPattern::Tiles;
    EXPECT_FALSE(parse_layout_pattern("Bricks", &out));
    EXPECT_FALSE(parse_layout_pattern("", &out));
    EXPECT_FALSE(parse_layout_pattern("stones", &out));
    EXPECT_EQ(out, LayoutPattern::Tiles);
}

TEST(LayoutPattern, NoneGivesZeros) {
    LayoutSpec s;
    for (float v : render(s, -5, 7, 13, 9)) EXPECT_EQ(v, 0.0f);
}

TEST(LayoutPattern, RangesAndPresent) {
    for (const LayoutSpec& s : all_patterns()) {
        const std::vector<float> v = render(s, -45, -33, 90, 66);
        for (std::size_t i = 0; i < v.size(); i += kLayoutChannels) {
            ASSERT_GE(v[i], 0.0f) << layout_pattern_name(s.pattern);
            ASSERT_LE(v[i], 1.0f) << layout_pattern_name(s.pattern);
            ASSERT_EQ(v[i + 1], 1.0f) << layout_pattern_name(s.pattern);
        }
    }
}

TEST(LayoutPattern, ExactlyPeriodicEverywhere) {
    const int w = 37, h = 23;
    for (const LayoutSpec& s : all_patterns()) {
        const int pw = s.period_width, ph = s.period_height;
        const std::vector<float> base = render(s, -61, -17, w, h);
        const int32_t shifts[][2] = {{pw, 0}, {0, ph}, {-pw, 0}, {-3 * pw, 2 * ph}, {7 * pw, -5 * ph}};
        for (const auto& d : shifts) {
            const std::vector<float> other = render(s, -61 + d[0], -17 + d[1], w, h);
            EXPECT_EQ(std::memcmp(base.data(), other.data(), base.size() * sizeof(float)), 0)
                << layout_pattern_name(s.pattern) << " shift " << d[0] << "," << d[1];
        }
        // Near the int32 ends (x0 + x passes INT32_MAX inside the region): the same pixels as the
        // equivalent origin inside the first period.
        const int64_t far_x = static_cast<int64_t>(INT32_MAX) - 5, far_y = INT32_MIN;
        const auto mod = [](int64_t a, int64_t m) { return ((a % m) + m) % m; };
        const std::vector<float> far = render(s, static_cast<int32_t>(far_x), static_cast<int32_t>(far_y), w, h);
        const std::vector<float> near = render(s, static_cast<int32_t>(mod(far_x, pw)), static_cast<int32_t>(mod(far_y, ph)), w, h);
        EXPECT_EQ(std::memcmp(far.data(), near.data(), far.size() * sizeof(float)), 0) << layout_pattern_name(s.pattern);
    }
}

TEST(LayoutPattern, OverlappingRegionsAgree) {
    const int w = 40, h = 30, dx = 13, dy = -9;
    for (const LayoutSpec& s : all_patterns()) {
        const std::vector<float> a = render(s, -20, 5, w, h);
        const std::vector<float> b = render(s, -20 + dx, 5 + dy, w, h);
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                const int bx = x - dx, by = y - dy;
                if (bx < 0 || bx >= w || by < 0 || by >= h) continue;
                for (int c = 0; c < kLayoutChannels; ++c)
                    ASSERT_EQ(a[(static_cast<std::size_t>(y) * w + x) * 2 + c], b[(static_cast<std::size_t>(by) * w + bx) * 2 + c])
                        << layout_pattern_name(s.pattern) << " at " << x << "," << y;
            }
        }
    }
}

TEST(LayoutPattern, BrickGapsAndFaces) {
    LayoutSpec s;  // 4 x 8 bricks of 64 x 32 px, running bond, gap 3, bevel 2
    s.pattern = LayoutPattern::Bricks;
    EXPECT_EQ(raised(s, 32, 16), 1.0f);    // centre of the first brick
    EXPECT_EQ(raised(s, 0, 10), 0.0f);     // head joint of course 0 (x = 0)
    EXPECT_EQ(raised(s, 20, 31), 0.0f);    // bed joint between courses 0 and 1 (y = 32)
    EXPECT_EQ(raised(s, 32, 40), 0.0f);    // course 1 is shifted half a brick: joint at x = 32
    EXPECT_EQ(raised(s, 0, 40), 1.0f);     // ... so x = 0 is the middle of a brick there
    EXPECT_EQ(raised(s, 32 - 256, 16 + 512), 1.0f);
    // The ramp: d = 2.5 px from the joint at x = 0 gives (2.5 - 1.5) / 2.
    EXPECT_FLOAT_EQ(raised(s, 2, 16), 0.5f);
    s.bevel = 0.0f;   // hard step at d >= gap / 2
    EXPECT_EQ(raised(s, 1, 16), 1.0f);
    EXPECT_EQ(raised(s, 0, 16), 0.0f);
}

TEST(LayoutPattern, TilePanelHexagonFaces) {
    LayoutSpec s;
    s.columns = 4;
    s.rows = 4;
    s.pattern = LayoutPattern::Tiles;
    EXPECT_EQ(raised(s, 32, 32), 1.0f);
    EXPECT_EQ(raised(s, 64, 100), 0.0f);
    s.pattern = LayoutPattern::Panels;  // jitter 0: no splits, the same grid
    EXPECT_EQ(raised(s, 32, 32), 1.0f);
    s.jitter = 1.0f;                    // every panel split through its middle
    for (int cy = 0; cy < 4; ++cy)
        for (int cx = 0; cx < 4; ++cx) EXPECT_EQ(raised(s, cx * 64 + 32, cy * 64 + 32), 0.0f) << cx << "," << cy;
    s.jitter = 0.0f;
    s.pattern = LayoutPattern::Hexagons;  // 4 across, 4 down: centres at ((i + 0.5 + 0.5 (j & 1)) 64, (j + 0.5) 64)
    EXPECT_EQ(raised(s, 32, 32), 1.0f);
    EXPECT_EQ(raised(s, 64, 96), 1.0f);   // odd row, shifted half a hexagon
    EXPECT_EQ(raised(s, 63, 32), 0.0f);   // between (32, 32) and (96, 32)
}

// A spec of `pattern` with the given cell counts and period, the other fields at their defaults.
LayoutSpec spec_of(LayoutPattern pattern, int columns, int rows, int period_width, int period_height) {
    LayoutSpec s;
    s.pattern = pattern;
    s.columns = columns;
    s.rows = rows;
    s.period_width = period_width;
    s.period_height = period_height;
    return s;
}

TEST(LayoutPattern, VoronoiWithoutJitterIsTheGrid) {
    const LayoutSpec tiles = spec_of(LayoutPattern::Tiles, 5, 3, 100, 60);
    LayoutSpec voronoi = tiles;
    voronoi.pattern = LayoutPattern::Voronoi;
    const std::vector<float> a = render(tiles, -7, -3, 100, 60), b = render(voronoi, -7, -3, 100, 60);
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5) << i;
}

TEST(LayoutPattern, PlanksWithoutJitterAreBricks) {
    LayoutSpec bricks;
    bricks.pattern = LayoutPattern::Bricks;
    bricks.offset = 0.25f;
    LayoutSpec planks = bricks;
    planks.pattern = LayoutPattern::Planks;
    const std::vector<float> a = render(bricks, 0, 0, 256, 256), b = render(planks, 0, 0, 256, 256);
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5) << i;
}

// Blobs: the threshold (offset) sets how much is raised (a hard step, no gap or bevel, marks where the
// noise in [0, 1) exceeds it), and the pattern seed which blobs.
TEST(LayoutPattern, BlobsThresholdSetsTheArea) {
    LayoutSpec s = spec_of(LayoutPattern::Blobs, 4, 4, 128, 128);
    s.gap = 0.0f;
    s.bevel = 0.0f;
    s.seed = 5;
    double previous = 1.0;
    for (float t : {0.2f, 0.4f, 0.6f, 0.8f}) {
        s.offset = t;
        const double area = raised_fraction(s);
        EXPECT_LT(area, previous) << "threshold " << t;
        previous = area;
    }
    s.offset = 0.0f;   // the noise is in [0, 1]: everything (bar exact zeros) is above 0, nothing above 1
    EXPECT_GT(raised_fraction(s), 0.99);
    s.offset = 1.0f;
    EXPECT_EQ(raised_fraction(s), 0.0);
    // A different seed gives different blobs; the same seed the same ones.
    s.offset = 0.5f;
    const std::vector<float> a = render(s, 0, 0, 64, 64);
    EXPECT_EQ(render(s, 0, 0, 64, 64), a);
    s.seed = 6;
    EXPECT_NE(render(s, 0, 0, 64, 64), a);
}

// Blobs' ramp is centred on the edge: the bevel softens the edge without moving it, so the pixels above
// 0.5 are the same at every bevel (the soft training layouts ramp around their threshold the same way).
TEST(LayoutPattern, BlobsBevelSoftensWithoutMovingTheEdge) {
    LayoutSpec s = spec_of(LayoutPattern::Blobs, 4, 4, 128, 128);
    s.gap = 0.0f;
    s.jitter = 0.3f;
    s.seed = 7;
    s.bevel = 0.0f;
    const std::vector<float> hard = render(s, 0, 0, 128, 128);
    int previous_ramped = 0;
    for (float bevel : {2.0f, 16.0f, 48.0f}) {
        s.bevel = bevel;
        const std::vector<float> soft = render(s, 0, 0, 128, 128);
        int moved = 0, ramped = 0;
        for (std::size_t i = 0; i < hard.size(); i += 2) {   // channel 0 of (raised, present)
            moved += (soft[i] > 0.5f) != (hard[i] > 0.5f);
            ramped += soft[i] > 0.02f && soft[i] < 0.98f;
        }
        EXPECT_EQ(moved, 0) << "bevel " << bevel;
        EXPECT_GT(ramped, previous_ramped) << "bevel " << bevel;   // a wider bevel leaves more pixels on the ramp
        previous_ramped = ramped;
    }
}

TEST(LayoutPattern, WiderGapsRaiseLess) {
    for (LayoutSpec s : all_patterns()) {
        if (s.pattern == LayoutPattern::Mask) continue;
        s.gap = 1.0f;
        const double thin = raised_fraction(s);
        s.gap = 4.0f;
        const double mid = raised_fraction(s);
        s.gap = 9.0f;
        const double wide = raised_fraction(s);
        EXPECT_GT(thin, mid) << layout_pattern_name(s.pattern);
        EXPECT_GT(mid, wide) << layout_pattern_name(s.pattern);
        EXPECT_GT(thin, 0.5) << layout_pattern_name(s.pattern);
    }
}

TEST(LayoutPattern, MaskIsBilinearAndWraps) {
    LayoutSpec s;
    s.pattern = LayoutPattern::Mask;
    s.period_width = 24;  // 3 px per mask pixel: pixel 3 k + 1 sits on mask pixel k's centre
    s.period_height = 24;
    s.mask = test_mask().data();
    s.mask_width = 8;
    s.mask_height = 8;
    const auto m = [](int i, int j) { return test_mask()[static_cast<std::size_t>(i) * 8 + j]; };
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) EXPECT_FLOAT_EQ(raised(s, 3 * j + 1, 3 * i + 1), m(i, j)) << i << "," << j;
    // A third of the way from mask pixel 2 to 3 across.
    EXPECT_NEAR(raised(s, 3 * 2 + 2, 3 * 5 + 1), (2.0f / 3.0f) * m(5, 2) + (1.0f / 3.0f) * m(5, 3), 1e-6);
    // Wrap-around: pixel 0 is two thirds of the way from mask pixel 7 (previous period) to 0.
    EXPECT_NEAR(raised(s, 0, 3 * 4 + 1), (1.0f / 3.0f) * m(4, 7) + (2.0f / 3.0f) * m(4, 0), 1e-6);
    EXPECT_NEAR(raised(s, 3 * 6 + 1, -1), (2.0f / 3.0f) * m(7, 6) + (1.0f / 3.0f) * m(0, 6), 1e-6);  // y = 23
    // gap and bevel do not apply to a mask.
    const std::vector<float> a = render(s, -5, -5, 30, 30);
    s.gap = 40.0f;
    s.bevel = 0.0f;
    EXPECT_EQ(render(s, -5, -5, 30, 30), a);
}

void expect_rejected(const LayoutSpec& s, const std::string& field) {
    try {
        validate_layout(s);
        ADD_FAILURE() << "accepted, expected a complaint about " << field;
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_INVALID_ARGUMENT);
        EXPECT_EQ(std::string(e.what()).rfind(field + ":", 0), 0u) << e.what();
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
    // render_layout must not misbehave on it either: a spec with a bad field renders zeros.
    if (field.rfind("layout.mask[", 0) != 0) {
        for (float v : render(s, 0, 0, 4, 3)) EXPECT_EQ(v, 0.0f) << field;
    }
}

TEST(LayoutPattern, ValidateNamesTheBadField) {
    for (const LayoutSpec& s : all_patterns()) EXPECT_NO_THROW(validate_layout(s)) << layout_pattern_name(s.pattern);
    EXPECT_NO_THROW(validate_layout(LayoutSpec{}));

    LayoutSpec base;
    base.pattern = LayoutPattern::Bricks;
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    LayoutSpec s = base;
    s.gap = 80.0f;
    try {
        validate_layout(s);
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "layout.gap: 80 is outside 0..64");
    }
    s = base; s.columns = 0; expect_rejected(s, "layout.columns");
    s = base; s.columns = 65; expect_rejected(s, "layout.columns");
    s = base; s.rows = -1; expect_rejected(s, "layout.rows");
    s = base; s.period_width = 15; expect_rejected(s, "layout.period_width");
    s = base; s.period_height = 8193; expect_rejected(s, "layout.period_height");
    s = base; s.offset = 1.5f; expect_rejected(s, "layout.offset");
    s = base; s.offset = nan; expect_rejected(s, "layout.offset");
    s = base; s.gap = -0.5f; expect_rejected(s, "layout.gap");
    s = base; s.gap = inf; expect_rejected(s, "layout.gap");
    s = base; s.bevel = 65.0f; expect_rejected(s, "layout.bevel");
    s = base; s.jitter = nan; expect_rejected(s, "layout.jitter");
    s = base; s.jitter = 1.01f; expect_rejected(s, "layout.jitter");
    s = base; s.pattern = static_cast<LayoutPattern>(42); expect_rejected(s, "layout.pattern");
    s = base; s.pattern = LayoutPattern::Hexagons; s.rows = 7; expect_rejected(s, "layout.rows");
    s = base; s.pattern = LayoutPattern::Blobs; s.columns = 1; expect_rejected(s, "layout.columns");   // constant along x
    s = base; s.pattern = LayoutPattern::Blobs; s.rows = 1; expect_rejected(s, "layout.rows");
    s = base; s.pattern = LayoutPattern::Mask; expect_rejected(s, "layout.mask");
    s.mask = test_mask().data();
    s.mask_width = 0; s.mask_height = 8; expect_rejected(s, "layout.mask_width");
    s.mask_width = 8; s.mask_height = 9000; expect_rejected(s, "layout.mask_height");
    std::vector<float> bad(test_mask());
    s.mask = bad.data();
    s.mask_height = 8;
    bad[13] = 1.5f; expect_rejected(s, "layout.mask[13]");
    bad[13] = nan; expect_rejected(s, "layout.mask[13]");
    bad[13] = 0.5f; EXPECT_NO_THROW(validate_layout(s));
}

// Parity with models/training/ntex_train/patterns.py (python3 -m ntex_train.patterns --write-fixture).
TEST(LayoutPattern, MatchesThePythonMirror) {
    std::ifstream in(std::string(NTEX_SOURCE_DIR) + "/tests/fixtures/layout_patterns.json");
    ASSERT_TRUE(in) << "tests/fixtures/layout_patterns.json missing";
    const nlohmann::json doc = nlohmann::json::parse(in);
    ASSERT_GE(doc.at("cases").size(), 8u);
    std::vector<bool> covered(static_cast<std::size_t>(kLastLayoutPattern) + 1, false);
    for (const nlohmann::json& c : doc.at("cases")) {
        const nlohmann::json& j = c.at("spec");
        LayoutSpec s;
        ASSERT_TRUE(parse_layout_pattern(j.at("pattern").get<std::string>(), &s.pattern));
        covered[static_cast<std::size_t>(s.pattern)] = true;
        s.columns = j.value("columns", s.columns);
        s.rows = j.value("rows", s.rows);
        s.period_width = j.value("period_width", s.period_width);
        s.period_height = j.value("period_height", s.period_height);
        s.offset = j.value("offset", s.offset);
        s.gap = j.value("gap", s.gap);
        s.bevel = j.value("bevel", s.bevel);
        s.jitter = j.value("jitter", s.jitter);
        s.seed = j.value("seed", s.seed);
        std::vector<float> mask;
        if (j.contains("mask")) {
            mask = j.at("mask").get<std::vector<float>>();
            s.mask = mask.data();
            s.mask_width = j.at("mask_width").get<int>();
            s.mask_height = j.at("mask_height").get<int>();
        }
        ASSERT_NO_THROW(validate_layout(s)) << j.dump();
        const int w = c.at("w").get<int>(), h = c.at("h").get<int>();
        const std::vector<float> got = render(s, c.at("x0").get<int32_t>(), c.at("y0").get<int32_t>(), w, h);
        const std::vector<float> want = c.at("values").get<std::vector<float>>();
        ASSERT_EQ(got.size(), want.size()) << j.at("pattern");
        int bad = 0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            if (std::abs(got[i] - want[i]) > 1e-4f && bad++ < 5)
                ADD_FAILURE() << j.at("pattern") << " pixel " << (i / 2) % static_cast<std::size_t>(w) << ","
                              << (i / 2) / static_cast<std::size_t>(w) << " channel " << i % 2 << ": C++ " << got[i]
                              << ", Python " << want[i];
        }
        EXPECT_EQ(bad, 0) << j.at("pattern");
    }
    for (int p = 0; p <= static_cast<int>(kLastLayoutPattern); ++p) {   // every pattern that renders
        if (static_cast<LayoutPattern>(p) != LayoutPattern::Auto) {
            EXPECT_TRUE(covered[static_cast<std::size_t>(p)]) << layout_pattern_name(static_cast<LayoutPattern>(p));
        }
    }
}

}  // namespace
}  // namespace ntex
