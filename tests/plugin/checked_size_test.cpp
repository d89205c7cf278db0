// SPDX-License-Identifier: MIT
// CheckedSize (size arithmetic that cannot wrap) and printable() (terminal-safe text): issue 14.
#include "core/aligned_buffer.h"
#include "core/checked_size.h"
#include "core/printable.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace ntex {
namespace {

constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();

TEST(CheckedSize, ComputesOrdinarySizes) {
    const CheckedSize bytes = CheckedSize(8192) * 8192 * 4096 * sizeof(float);
    EXPECT_FALSE(bytes.overflowed());
    EXPECT_EQ(bytes.get("x"), std::size_t{8192} * 8192 * 4096 * 4);
    EXPECT_EQ((CheckedSize(17) + 3).round_up(16).get("x"), 32u);
    EXPECT_EQ(CheckedSize(32).round_up(16).get("x"), 32u);
    EXPECT_EQ(max(CheckedSize(3), CheckedSize(9)).get("x"), 9u);
}

TEST(CheckedSize, OverflowIsSticky) {
    const CheckedSize big = CheckedSize(kMax / 2 + 1) * 2;   // wraps to 0 in plain arithmetic
    EXPECT_TRUE(big.overflowed());
    EXPECT_TRUE((big * 0).overflowed()) << "overflow must survive a later multiplication by zero";
    EXPECT_TRUE((big + 1).overflowed());
    EXPECT_TRUE(max(big, CheckedSize(1)).overflowed());
    EXPECT_TRUE((CheckedSize(kMax) + 1).overflowed());
    EXPECT_TRUE(CheckedSize(kMax - 3).round_up(16).overflowed());
    EXPECT_EQ(big.saturated(), kMax);
    try {
        (void)big.get("noise map");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_OUT_OF_MEMORY);
        EXPECT_STREQ(e.what(), "noise map: the size overflows 64-bit arithmetic");
    }
}

TEST(CheckedSize, NegativeInputsAreOverflow) {
    EXPECT_TRUE(CheckedSize(-1).overflowed());
    EXPECT_TRUE((CheckedSize(4) * int64_t{-2}).overflowed());
    EXPECT_TRUE((CheckedSize(4) + int{-1}).overflowed()) << "a negative width must not shrink a size";
}

TEST(CheckedSize, GetAsRefusesValuesThatDoNotFit) {
    EXPECT_EQ(CheckedSize(65535).get_as<uint16_t>("x"), 65535u);
    EXPECT_THROW((void)CheckedSize(65536).get_as<uint16_t>("row pitch"), Error);
    EXPECT_THROW((void)(CheckedSize(UINT32_MAX) + 1).get_as<uint32_t>("row pitch"), Error);
}

// AlignedBuffer's own count * sizeof(float) used to wrap for counts above SIZE_MAX / 4.
TEST(CheckedSize, AlignedBufferRefusesAWrappingCount) {
    try {
        AlignedBuffer b(kMax / 2);
        FAIL() << "allocated";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_OUT_OF_MEMORY);
        EXPECT_NE(std::string(e.what()).find("aligned buffer"), std::string::npos) << e.what();
    }
}

TEST(Printable, EscapesWhatATerminalActsOn) {
    EXPECT_EQ(printable("plain text, UTF-8: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "plain text, UTF-8: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    EXPECT_EQ(printable("\x1b[2J\x1b[31mOK"), "\\x1b[2J\\x1b[31mOK");
    EXPECT_EQ(printable("a\nb\rc\td\x7f"), "a\\x0ab\\x0dc\\x09d\\x7f");
    EXPECT_EQ(printable("csi \xc2\x9b" "31m"), "csi \\xc2\\x9b31m");                  // U+009B, a C1 control
    EXPECT_EQ(printable("raw \x9b" "31m"), "raw \\x9b31m");                             // 8-bit CSI, not UTF-8
    EXPECT_EQ(printable("overlong \xc0\xaf, surrogate \xed\xa0\x80"), "overlong \\xc0\\xaf, surrogate \\xed\\xa0\\x80");
    EXPECT_EQ(printable("cut \xe2\x82"), "cut \\xe2\\x82");
    EXPECT_EQ(printable(std::string_view("nul\0x", 5)), "nul\\x00x");
    EXPECT_EQ(printable("plan:\n\top 1\x1b", true), "plan:\n\top 1\\x1b");   // log text keeps its line breaks
}

}  // namespace
}  // namespace ntex
