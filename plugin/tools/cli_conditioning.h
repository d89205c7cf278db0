// SPDX-License-Identifier: MIT
// cli_conditioning.h: the category and layout options of `ntex generate` / `ntex bake`
// (--category, --pattern, --columns, ... --mask), range-checked while parsing and resolved against
// the model into an NtexConditioningParams.
#pragma once

#include <ntex/ntex.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
class Validator;
}  // namespace CLI

namespace ntex::cli {

// What the options hold after parsing. The numbers' defaults are the runtime's (LayoutSpec).
struct ConditioningOptions {
    std::string category;        // a category name or "any"; "" = not given (any)
    std::string pattern;         // none, bricks, tiles, hexagons, planks, panels, voronoi, blobs, mask; "" = none
    uint32_t columns = 4;
    uint32_t rows = 8;
    std::string period;          // "W" or "WxH"; "" = 0 (the generator's size)
    float offset = 0.5f;
    float gap = 3.0f;
    float bevel = 2.0f;
    float jitter = 0.0f;
    uint32_t pattern_seed = 0;
    std::string mask;            // a greyscale PNG: pattern mask
    std::vector<CLI::Option*> options;          // every option added (for excludes())
    std::vector<CLI::Option*> layout_numbers;   // --columns ... --pattern-seed: need a pattern
};

// An integer option read as plain decimal digits in lo..hi and converted here, never by CLI11
// (whose conversion reads "010" as octal 8 and "0x10" as hex). A bad value is a parse error naming
// the option and the value.
CLI::Option* add_integer_option(CLI::App& command, const std::string& name, uint32_t& value, const std::string& description,
                                uint32_t lo, uint32_t hi);
CLI::Option* add_integer_option(CLI::App& command, const std::string& name, int& value, const std::string& description, int lo,
                                int hi);

// A finite decimal number in lo..hi (CLI::Range lets NaN through).
CLI::Validator number_in(double lo, double hi);
// A non-empty path (`--out ""` used to fail later as ": rename failed").
CLI::Validator nonempty_path();

// Adds the options to `command`. Numbers are checked while parsing (decimal only, no wrap, finite,
// in the ranges of ntex.h): a bad value is a parse error naming the option.
void add_conditioning_options(CLI::App& command, ConditioningOptions& o);

// True when any of the options was given on the command line.
bool conditioning_given(const ConditioningOptions& o);

// The conditioning for `model` (for Generator::set_params); `mask` receives the mask's values (the
// result's mask points into it). Throws ntex::Error(INVALID_ARGUMENT) with one line: an unknown
// category (listing the valid ones), a pattern for a model without layout conditioning, layout
// numbers without --pattern, an unreadable, non-grey or too large (above 2048 x 2048) mask PNG.
Conditioning resolve_conditioning(const ConditioningOptions& o, const Model& model, std::vector<float>& mask);

// ", category metal, pattern bricks" for the lines `ntex generate` prints ("" when none given).
std::string describe_conditioning(const ConditioningOptions& o);

// `ntex info`: the categories and whether the model takes layouts (two lines).
void print_conditioning_info(const std::vector<std::string>& categories, int layout_channels, bool layout_prior);

}  // namespace ntex::cli
