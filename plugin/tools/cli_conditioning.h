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
}  // namespace CLI

namespace ntex::cli {

// What the options hold after parsing. The numbers' defaults are the runtime's (LayoutSpec).
struct ConditioningOptions {
    std::string category;        // a category name or "any"; "" = not given (any)
    std::string pattern;         // none, bricks, tiles, hexagons, planks, panels, voronoi, mask; "" = none
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

// Adds the options to `command`. Numbers are checked while parsing (decimal only, no wrap, finite,
// in the ranges of ntex.h): a bad value is a parse error naming the option.
void add_conditioning_options(CLI::App& command, ConditioningOptions& o);

// True when any of the options was given on the command line.
bool conditioning_given(const ConditioningOptions& o);

// The conditioning for `model`; `mask` receives the mask's values (pMask points into it). Throws
// ntex::Error(INVALID_ARGUMENT) with one line: an unknown category (listing the valid ones), a
// pattern for a model without layout conditioning, layout numbers without --pattern, an unreadable
// or non-grey mask PNG.
NtexConditioningParams resolve_conditioning(const ConditioningOptions& o, NtexModel model, std::vector<float>& mask);

// Generator::set_params with `conditioning` chained (the C++ wrapper's Params has no pNext).
void set_generator_params(const Generator& generator, const Generator::Params& p, const NtexConditioningParams& conditioning);

// ", category metal, pattern bricks" for the lines `ntex generate` prints ("" when none given).
std::string describe_conditioning(const ConditioningOptions& o);

// `ntex info`: the categories and whether the model takes layouts (two lines).
void print_conditioning_info(const std::vector<std::string>& categories, int layout_channels);

}  // namespace ntex::cli
