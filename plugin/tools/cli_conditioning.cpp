// SPDX-License-Identifier: MIT
// cli_conditioning.cpp: --category / --pattern / layout numbers / --mask for `ntex generate` and
// `ntex bake`. Numbers are validated as text before CLI11 converts them: its own conversion
// accepts octal and hex ("010" = 8) and wraps "-18446744073709551615" to 1, and CLI::Range lets NaN through.
#include "tools/cli_conditioning.h"

#include "core/error.h"
#include "runtime/layout_pattern.h"

#include <ntex/ntex.hpp>

#include <CLI/CLI.hpp>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace ntex::cli {
namespace {

constexpr const char* kPatterns = "none, bricks, tiles, hexagons, planks, panels, voronoi or mask";
constexpr int kMaxMaskSide = 8192;

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

// A greyscale PNG (8 or 16 bits, an alpha channel ignored) as values in [0, 1].
void load_mask(const std::string& path, std::vector<float>& mask, uint32_t* width, uint32_t* height) {
    int w = 0, h = 0, channels = 0;
    if (stbi_info(path.c_str(), &w, &h, &channels) == 0) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': not a readable PNG (", stbi_failure_reason(), ")");
    }
    if (channels > 2) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': expected a greyscale PNG, it has ", channels, " channels");
    if (w < 1 || h < 1 || w > kMaxMaskSide || h > kMaxMaskSide) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", w, "x", h, " is outside 1..", kMaxMaskSide, " per side");
    }
    const bool wide = stbi_is_16_bit(path.c_str()) != 0;
    const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    mask.resize(n);
    int got_w = 0, got_h = 0, got_c = 0;
    if (wide) {
        std::unique_ptr<stbi_us, void (*)(void*)> pixels(stbi_load_16(path.c_str(), &got_w, &got_h, &got_c, 1), stbi_image_free);
        if (!pixels) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", stbi_failure_reason());
        for (std::size_t i = 0; i < n; ++i) mask[i] = static_cast<float>(pixels.get()[i]) / 65535.0f;
    } else {
        std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load(path.c_str(), &got_w, &got_h, &got_c, 1), stbi_image_free);
        if (!pixels) fail(NTEX_ERROR_INVALID_ARGUMENT, "--mask '", path, "': ", stbi_failure_reason());
        for (std::size_t i = 0; i < n; ++i) mask[i] = static_cast<float>(pixels.get()[i]) / 255.0f;
    }
    *width = static_cast<uint32_t>(w);
    *height = static_cast<uint32_t>(h);
}

}  // namespace

void add_conditioning_options(CLI::App& command, ConditioningOptions& o) {
    auto& v = o.options;
    v.push_back(command.add_option("--category", o.category, "category name (see `ntex info`) or any (default)"));
    v.push_back(command.add_option("--pattern", o.pattern, "layout pattern: none (default), bricks, tiles, hexagons, planks, panels, voronoi, mask")
                    ->check(CLI::Validator(
                        [](std::string& value) -> std::string {
                            LayoutPattern p = LayoutPattern::None;
                            return parse_layout_pattern(value, &p) ? "" : "'" + value + "' is not a layout pattern (" + kPatterns + ")";
                        },
                        "PATTERN")));
    auto& n = o.layout_numbers;
    n.push_back(command.add_option("--columns", o.columns, "cells across one period (default 4)")->check(integer_in(1, 64)));
    n.push_back(command.add_option("--rows", o.rows, "cells down one period (default 8; hexagons: even)")->check(integer_in(1, 64)));
    n.push_back(command.add_option("--period", o.period, "W or WxH pixels of one repetition, 0 or 16..8192 (default 0: the size)")
                    ->check(CLI::Validator(
                        [](std::string& value) -> std::string {
                            uint32_t w = 0, h = 0;
                            return parse_period(value, &w, &h) ? "" : "expected W or WxH, each 0 or 16..8192, got '" + value + "'";
                        },
                        "W[xH]")));
    n.push_back(command.add_option("--offset", o.offset, "bricks, planks: row shift in cells, 0..1 (default 0.5)")->check(number_in(0, 1)));
    n.push_back(command.add_option("--gap", o.gap, "gap width in pixels, 0..64 (default 3)")->check(number_in(0, 64)));
    n.push_back(command.add_option("--bevel", o.bevel, "gap-to-face ramp in pixels, 0..64 (default 2)")->check(number_in(0, 64)));
    n.push_back(command.add_option("--jitter", o.jitter, "per-pattern randomness, 0..1 (default 0)")->check(number_in(0, 1)));
    n.push_back(command.add_option("--pattern-seed", o.pattern_seed, "seed of the pattern's cells (default 0)")
                    ->check(integer_in(0, UINT32_MAX)));
    v.insert(v.end(), n.begin(), n.end());
    v.push_back(command.add_option("--mask", o.mask, "greyscale PNG (values / 255, 16-bit / 65535) tiled over the period: pattern mask"));
}

bool conditioning_given(const ConditioningOptions& o) {
    for (const CLI::Option* option : o.options) {
        if (option->count() > 0) return true;
    }
    return false;
}

NtexConditioningParams resolve_conditioning(const ConditioningOptions& o, NtexModel model, std::vector<float>& mask) {
    NtexModelConditioningInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO;
    NtexModelInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
    info.pNext = &ci;
    check(ntexGetModelInfo(model, &info));

    NtexConditioningParams c{};
    c.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
    c.category = NTEX_CATEGORY_ANY;
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
                fail(NTEX_ERROR_INVALID_ARGUMENT, option->get_name(), " needs --pattern (bricks, tiles, hexagons, planks, panels, voronoi) or --mask");
            }
        }
        return c;
    }
    if (ci.layoutChannels == 0) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--pattern ", layout_pattern_name(pattern), ": model '", info.name, "' has no layout conditioning");
    }
    c.pattern = static_cast<NtexLayoutPattern>(pattern);
    c.columns = o.columns;
    c.rows = o.rows;
    if (!o.period.empty() && !parse_period(o.period, &c.periodWidth, &c.periodHeight)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "--period '", o.period, "': expected W or WxH, each 0 or 16..8192");
    }
    c.offset = o.offset;
    c.gap = o.gap;
    c.bevel = o.bevel;
    c.jitter = o.jitter;
    c.patternSeed = o.pattern_seed;
    if (pattern == LayoutPattern::Mask) {
        load_mask(o.mask, mask, &c.maskWidth, &c.maskHeight);
        c.pMask = mask.data();
    }
    return c;
}

void set_generator_params(const Generator& generator, const Generator::Params& p, const NtexConditioningParams& conditioning) {
    NtexGeneratorParams params{};
    params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    params.pNext = &conditioning;
    params.seed = p.seed;
    params.pZ = p.z.empty() ? nullptr : p.z.data();
    params.zCount = static_cast<uint32_t>(p.z.size());
    params.truncationPsi = p.truncation_psi;
    params.pDirectionOffsets = p.direction_offsets.empty() ? nullptr : p.direction_offsets.data();
    params.directionCount = static_cast<uint32_t>(p.direction_offsets.size());
    params.originX = p.origin_x;
    params.originY = p.origin_y;
    check(ntexSetGeneratorParams(generator.get(), &params));
}

std::string describe_conditioning(const ConditioningOptions& o) {
    std::string s;
    if (!o.category.empty()) s += ", category " + o.category;
    if (!o.mask.empty()) s += ", mask " + o.mask;
    else if (!o.pattern.empty()) s += ", pattern " + o.pattern;
    return s;
}

void print_conditioning_info(const std::vector<std::string>& categories, int layout_channels) {
    if (categories.empty()) {
        std::printf("categories:  none (unconditional)\n");
    } else {
        std::string names;
        for (const std::string& c : categories) names += (names.empty() ? "" : ", ") + c;
        std::printf("categories:  %zu (%s; --category any: unconditional)\n", categories.size(), names.c_str());
    }
    if (layout_channels > 0) {
        std::printf("layouts:     yes (%d channels; --pattern bricks, tiles, hexagons, planks, panels, voronoi or --mask)\n", layout_channels);
    } else {
        std::printf("layouts:     no\n");
    }
}

}  // namespace ntex::cli
