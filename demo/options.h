// SPDX-License-Identifier: MIT
// options.h: the demo's command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace demo {

struct Options {
    bool headless = false;
    std::optional<int> frames;   // window: until closed; headless: 3
    std::string out = "demo.png";
    uint32_t seed = 1;
    std::string model;           // default: the shipped model (compile definition)
    uint32_t size = 256;         // generation resolution
    bool validation = false;
    int device = -1;
    uint32_t width = 1280;
    uint32_t height = 720;
    bool animate = false;
};

// Parses argv. Returns the options, or an exit code: 0 after --help, 2 after a bad value
// (one line on stderr naming the option and value).
struct ParseResult {
    std::optional<Options> options;
    int exit_code = 0;
};
ParseResult parse_options(int argc, char** argv);

}  // namespace demo
