// SPDX-License-Identifier: MIT
// cli_conditioning.cpp: --category / --pattern / layout numbers / --mask for `ntex generate` and
// `ntex bake`. Numbers are validated as text and integers converted here, never by CLI11: its own
// conversion accepts octal and hex ("010" = 8) and wraps "-18446744073709551615" to 1, and
// CLI::Range lets NaN through.
#include "tools/cli_conditioning.h"

#include "core/error.h"
#include "core/printable.h"
#include "runtime/layout_pattern.h"

#include <ntex/ntex.hpp>

#include <CLI/CLI.hpp>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace ntex::cli {
namespace {

constexpr const char* kPatterns = "none, bricks, tiles, hexagons, planks, panels, voronoi, blobs, auto or mask";
constexpr int kMaxMaskSide = kMaxMaskSize;   // the runtime's limit (layout_pattern.h)
// A 2048 x 2048 16-bit grey + alpha PNG is 16 MiB of pixels; stored (uncompressed) deflate adds
// little, so anything far larger is not a mask and is refused before it is decoded.
constexpr std::size_t kMaxMaskFileBytes = 64u << 20;

// A plain decimal integer (digits only) that fits in uint64; false for anything else.
bool parse_decimal(const std::string& s, uint64_t* out) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size();
}

CLI::Validator integer_in(uint64_t lo, uint64_t hi) {
    const std::string range = cat(lo, "..", hi);
    return CLI::Validator(
        [lo, hi, range](std::string& value) -> std::string {
            uint64_t v = 0;
            if (!parse_decimal(value, &v) || v < lo || v > hi) return "must be an integer in " + range + ", got '" + value + "'";
            return "";
        },
        "INT in " + range);
}

// The option's text was checked by integer_in(lo, hi) before CLI11 runs this callback; the check
// here only keeps a bad value from ever being assigned.
template <typename T>
CLI::Option* add_integer(CLI::App& command, const std::string& name, T& value, const std::string& description, uint64_t lo,
                         uint64_t hi) {
    CLI::Option* option = command.add_option_function<std::string>(
        name,
        [&value, name, lo, hi](const std::string& text) {
            uint64_t v = 0;
            if (!parse_decimal(text, &v) || v < lo || v > hi) throw CLI::ValidationError(name, "'" + text + "' is not an integer in range");
            value = static_cast<T>(v);
        },
        description);
    option->type_name("INT")->check(integer_in(lo, hi));
    return option;
}

// "W" or "WxH", each 0 (the generator's size) or 16..8192. Returns false for anything else.
bool parse_period(const std::string& s, uint32_t* w, uint32_t* h) {
    const std::size_t x = s.find('x');
    uint64_t a = 0, b = 0;
    if (!parse_decimal(s.substr(0, x), &a)) return false;
    b = a;
    if (x != std::string::npos && !parse_decimal(s.substr(x + 1), &b)) return false;
    const auto ok = [](uint64_t v) { return v == 0 || (v >= 16 && v <= 8192); };
    if (!ok(a) || !ok(b)) return false;
    *w = static_cast<uint32_t>(a);
    *h = static_cast<uint32_t>(b);
    return true;
}

std::string category_list(const NtexModelConditioningInfo& ci) {
    std::string list = "any";
    for (uint32_t i = 0; i < ci.categoryCount; ++i) list += cat(", ", ci.categoryNames[i]);
    return list;
}

// The whole file, at most kMaxMaskFileBytes (read once: info and pixels come from the same bytes;
// a file that grows meanwhile is read only up to the size checked).
std::vector<unsigned char> read_mask_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
    }
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': cannot open the file");
    const std::streamoff end = in.tellg();
    if (end < 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': cannot read the file");
    if (static_cast<uint64_t>(end) > kMaxMaskFileBytes) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", end, " bytes is larger than any ", kMaxMaskSide, "x", kMaxMaskSide,
             " mask PNG (", kMaxMaskFileBytes >> 20, " MiB)");
    }
    std::vector<unsigned char> bytes(static_cast<std::size_t>(end));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return bytes;
}

// A greyscale PNG (8 or 16 bits, an alpha channel ignored) as values in [0, 1]. Decoded once to 16
// bits (stb widens 8-bit v to v * 257, so v * 257 / 65535 is exactly v / 255), and the size the
// decoder returns is the size copied.
void load_mask(const std::string& path, std::vector<float>& mask, uint32_t* width, uint32_t* height) {
    const std::vector<unsigned char> bytes = read_mask_file(path);
    const auto* data = bytes.data();
    const int size = static_cast<int>(bytes.size());
    int w = 0, h = 0, channels = 0;
    if (stbi_info_from_memory(data, size, &w, &h, &channels) == 0) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': not a readable PNG (", stbi_failure_reason(), ")");
    }
    const auto check_shape = [&](int pw, int ph, int pc) {
        if (pc > 2) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': expected a greyscale PNG, it has ", pc, " channels");
        if (pw < 1 || ph < 1 || pw > kMaxMaskSide || ph > kMaxMaskSide) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", pw, "x", ph, " is outside 1..", kMaxMaskSide, " per side");
        }
    };
    check_shape(w, h, channels);   // before decoding: a huge image is refused without allocating it
    int got_w = 0, got_h = 0, got_c = 0;
    std::unique_ptr<stbi_us, void (*)(void*)> pixels(stbi_load_16_from_memory(data, size, &got_w, &got_h, &got_c, 1), stbi_image_free);
    if (!pixels) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", stbi_failure_reason());
    check_shape(got_w, got_h, got_c);
    const std::size_t n = static_cast<std::size_t>(got_w) * static_cast<std::size_t>(got_h);
    mask.resize(n);
    for (std::size_t i = 0; i < n; ++i) mask[i] = static_cast<float>(pixels.get()[i]) / 65535.0f;
    *width = static_cast<uint32_t>(got_w);
    *height = static_cast<uint32_t>(got_h);
}

}  // namespace

CLI::Validator number_in(double lo, double hi) {
    const std::string range = cat(lo, "..", hi);
    return CLI::Validator(
        [lo, hi, range](std::string& value) -> std::string {
            char* end = nullptr;
            const double v = value.empty() ? 0.0 : std::strtod(value.c_str(), &end);
            if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) || v < lo || v > hi) {
                return "must be a number in " + range + ", got '" + value + "'";
            }
            return "";
        },
        "FLOAT in " + range);
}

CLI::Validator nonempty_path() {
    return CLI::Validator(
        [](std::string& value) -> std::string { return value.empty() ? "must name a file, got an empty path" : ""; }, "PATH");
}


CLI::Option* add_integer_option(CLI::App& command, const std::string& name, uint32_t& value, const std::string& description,
                                uint32_t lo, uint32_t hi) {
    return add_integer(command, name, value, description, lo, hi);
}

CLI::Option* add_integer_option(CLI::App& command, const std::string& name, int& value, const std::string& description, int lo,
                                int hi) {
    if (lo < 0 || hi < lo) fail(NTEX_ERROR_INVALID_ARGUMENT, name, ": integer options take non-negative ranges");
    return add_integer(command, name, value, description, static_cast<uint64_t>(lo), static_cast<uint64_t>(hi));
}

void add_conditioning_options(CLI::App& command, ConditioningOptions& o) {
    auto& v = o.options;
    v.push_back(command.add_option("--category", o.category, "category name (see `ntex info`) or any (default)"));
    v.push_back(command.add_option("--pattern", o.pattern, "layout pattern: none (default), bricks, tiles, hexagons, planks, panels, voronoi, blobs, auto (the model's layout prior for the category, chosen by --pattern-seed), mask")
                    ->check(CLI::Validator(
                        [](std::string& value) -> std::string {
                            LayoutPattern p = LayoutPattern::None;
                            return parse_layout_pattern(value, &p) ? "" : "'" + value + "' is not a layout pattern (" + kPatterns + ")";
                        },
                        "PATTERN")));
    auto& n = o.layout_numbers;
    n.push_back(add_integer_option(command, "--columns", o.columns, "cells across one period, 1..64 (default 4)", 1, 64));
    n.push_back(add_integer_option(command, "--rows", o.rows, "cells down one period, 1..64 (default 8; hexagons: even)", 1, 64));
    n.push_back(command.add_option("--period", o.period, "W or WxH pixels of one repetition, 0 or 16..8192 (default 0: the size)")
                    ->check(CLI::Validator(
                        [](std::string& value) -> std::string {
                            uint32_t w = 0, h = 0;
                            return parse_period(value, &w, &h) ? "" : "expected W or WxH, each 0 or 16..8192, got '" + value + "'";
                        },
                        "W[xH]")));
    n.push_back(command.add_option("--offset", o.offset, "bricks, planks: row shift in cells; blobs: noise threshold; 0..1 (default 0.5)")->check(number_in(0, 1)));
    n.push_back(command.add_option("--gap", o.gap, "gap width in pixels, 0..64 (default 3)")->check(number_in(0, 64)));
    n.push_back(command.add_option("--bevel", o.bevel, "gap-to-face ramp in pixels, 0..64 (default 2)")->check(number_in(0, 64)));
    n.push_back(command.add_option("--jitter", o.jitter, "per-pattern randomness, 0..1 (default 0)")->check(number_in(0, 1)));
    n.push_back(add_integer_option(command, "--pattern-seed", o.pattern_seed, "seed of the pattern's cells (default 0)", 0, UINT32_MAX));
    v.insert(v.end(), n.begin(), n.end());
    v.push_back(command.add_option("--mask", o.mask, "greyscale PNG (values / 255, 16-bit / 65535) tiled over the period: pattern mask"));
}

bool conditioning_given(const ConditioningOptions& o) {
    for (const CLI::Option* option : o.options) {
        if (option->count() > 0) return true;
    }
    return false;
}

Conditioning resolve_conditioning(const ConditioningOptions& o, const Model& model, std::vector<float>& mask) {
    const NtexModelInfo info = model.info();
    const NtexModelConditioningInfo ci = model.conditioning_info();

    Conditioning c;
    if (!o.category.empty() && o.category != "any") {
        if (ci.categoryCount == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "--category '", o.category, "': model '", info.name, "' has no categories (only any)");
        }
        uint32_t i = 0;
        while (i < ci.categoryCount && o.category != ci.categoryNames[i]) ++i;
        if (i == ci.categoryCount) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "--category '", o.category, "' is not a category of model '", info.name, "' (",
                 category_list(ci), ")");
        }
        c.category = static_cast<int32_t>(i);
    }

    LayoutPattern pattern = LayoutPattern::None;
    if (!o.pattern.empty() && !parse_layout_pattern(o.pattern, &pattern)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--pattern '", o.pattern, "' is not a layout pattern (", kPatterns, ")");
    }
    if (!o.mask.empty()) {
        if (!o.pattern.empty() && pattern != LayoutPattern::Mask) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask is the mask pattern: it cannot be combined with --pattern ", o.pattern);
        }
        pattern = LayoutPattern::Mask;
    } else if (pattern == LayoutPattern::Mask) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--pattern mask needs --mask FILE.png");
    }
    if (pattern == LayoutPattern::None) {
        for (const CLI::Option* option : o.layout_numbers) {
            if (option->count() > 0) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, option->get_name(), " needs --pattern (bricks, tiles, hexagons, planks, panels, voronoi, blobs) or --mask");
            }
        }
        return c;
    }
    if (ci.layoutChannels == 0) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--pattern ", layout_pattern_name(pattern), ": model '", info.name, "' has no layout conditioning");
    }
    if (pattern == LayoutPattern::Auto) {
        if (ci.hasLayoutPrior == 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "--pattern auto: model '", info.name, "' has no layout prior");
        // The prior chooses every number; only the seed is the user's.
        for (const CLI::Option* option : o.layout_numbers) {
            if (option->count() > 0 && option->get_name() != "--pattern-seed") {
                fail(NTEX_ERROR_INVALID_ARGUMENT, option->get_name(), " is chosen by the layout prior with --pattern auto (only --pattern-seed applies)");
            }
        }
    }
    c.pattern = static_cast<NtexLayoutPattern>(pattern);
    c.columns = o.columns;
    c.rows = o.rows;
    if (!o.period.empty() && !parse_period(o.period, &c.period_width, &c.period_height)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--period '", o.period, "': expected W or WxH, each 0 or 16..8192");
    }
    c.offset = o.offset;
    c.gap = o.gap;
    c.bevel = o.bevel;
    c.jitter = o.jitter;
    c.pattern_seed = o.pattern_seed;
    if (pattern == LayoutPattern::Mask) {
        load_mask(o.mask, mask, &c.mask_width, &c.mask_height);
        c.mask = mask.data();
    }
    return c;
}

std::string describe_conditioning(const ConditioningOptions& o) {
    std::string s;
    if (!o.category.empty()) s += ", category " + o.category;
    if (!o.mask.empty()) s += ", mask " + o.mask;
    else if (!o.pattern.empty()) s += ", pattern " + o.pattern;
    return s;
}

void print_conditioning_info(const std::vector<std::string>& categories, int layout_channels, bool layout_prior) {
    if (categories.empty()) {
        std::printf("categories:  none (unconditional)\n");
    } else {
        std::string names;
        for (const std::string& c : categories) names += (names.empty() ? "" : ", ") + c;
        std::printf("categories:  %zu (%s; --category any: unconditional)\n", categories.size(), printable(names).c_str());
    }
    if (layout_channels > 0) {
        std::printf("layouts:     yes (%d channels; --pattern bricks, tiles, hexagons, planks, panels, voronoi, blobs%s or --mask)\n", layout_channels,
                    layout_prior ? ", auto (layout prior)" : "");
    } else {
        std::printf("layouts:     no\n");
    }
}

}  // namespace ntex::cli
