// SPDX-License-Identifier: MIT
// binary16 conversion (core/half.h): the R16_SFLOAT / R16G16B16A16_SFLOAT texels of every path.
#include "core/half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace {

using ntex::float_to_half;
using ntex::half_to_float;

TEST(Half, KnownValues) {
    EXPECT_EQ(float_to_half(0.0f), 0x0000u);
    EXPECT_EQ(float_to_half(-0.0f), 0x8000u);
    EXPECT_EQ(float_to_half(1.0f), 0x3c00u);
    EXPECT_EQ(float_to_half(0.5f), 0x3800u);
    EXPECT_EQ(float_to_half(-2.0f), 0xc000u);
    EXPECT_EQ(float_to_half(65504.0f), 0x7bffu);                     // the largest finite half
    EXPECT_EQ(float_to_half(1.0e6f), 0x7c00u);                       // overflow: infinity
    EXPECT_EQ(float_to_half(std::numeric_limits<float>::infinity()), 0x7c00u);
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001u);        // the smallest subnormal
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -14)), 0x0400u);        // the smallest normal
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -26)), 0x0000u);        // below half the smallest subnormal
    const uint16_t nan = float_to_half(std::numeric_limits<float>::quiet_NaN());
    EXPECT_EQ(nan & 0x7c00u, 0x7c00u);
    EXPECT_NE(nan & 0x3ffu, 0u);
}

TEST(Half, RoundsToNearestTiesToEven) {
    const float step = std::ldexp(1.0f, -10);   // a half step at [1, 2)
    EXPECT_EQ(float_to_half(1.0f + 0.5f * step), 0x3c00u);             // tie: down to the even 1.0
    EXPECT_EQ(float_to_half(1.0f + 1.5f * step), 0x3c02u);             // tie: up to the even neighbour
    EXPECT_EQ(float_to_half(1.0f + 0.5001f * step), 0x3c01u);          // above the tie: up
    EXPECT_EQ(float_to_half(1.0f + 0.4999f * step), 0x3c00u);          // below: down
    EXPECT_EQ(float_to_half(2.0f - 0.25f * step), 0x4000u);            // rounding carries into the exponent
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -25)), 0x0000u);           // subnormal tie: to even (0)
    EXPECT_EQ(float_to_half(std::ldexp(3.0f, -25)), 0x0002u);           // subnormal tie: to even (2)
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -26)), 0x0400u);   // subnormal rounds up to the smallest normal
}

// Every finite half survives half -> float -> half, and every float between two halves goes to the nearer.
TEST(Half, EveryHalfRoundTripsAndMidpointsSplit) {
    for (uint32_t bits = 0; bits < 0x10000u; ++bits) {
        const auto h = static_cast<uint16_t>(bits);
        if ((h & 0x7c00u) == 0x7c00u) continue;   // infinities and NaNs
        const float f = half_to_float(h);
        ASSERT_EQ(float_to_half(f), h) << std::hex << bits;
        if ((h & 0x7fffu) == 0x7bffu) continue;   // the largest finite: no finite neighbour above
        const float next = half_to_float(static_cast<uint16_t>(h + 1));
        const float below_mid = std::nextafter(0.5f * (f + next), f);
        const float above_mid = std::nextafter(0.5f * (f + next), next);
        ASSERT_EQ(float_to_half(below_mid), h) << std::hex << bits;
        ASSERT_EQ(float_to_half(above_mid), static_cast<uint16_t>(h + 1)) << std::hex << bits;
    }
}

}  // namespace
