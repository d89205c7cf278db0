// SPDX-License-Identifier: MIT
// options.h: the demo's command line.
#pragma once

#include <ntex/ntex.hpp>
#include <ntex/ntex_vulkan.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
    bool infinite_ground = false;    // --ground infinite|tiled
    float target_x = 0.0f;           // camera target offset on the ground (metres), headless panning
    float target_z = 0.0f;
    bool flat_normals = false;       // ignore the normal map (comparison renders)
    float height_depth = 1.0f;       // parallax depth scale
    std::vector<float> directions;   // latent direction offsets (sigma)
    std::string preset;              // load at start
    std::string save_preset;         // write at the end
    std::string bake;                // bake base path, at the end
    uint32_t bake_size = 1024;
    NtexBackend backend = NTEX_BACKEND_AUTO;        // --backend auto|cpu|cuda
    NtexPrecision precision = NTEX_PRECISION_DEFAULT;   // --precision default|fp16|fp32
    std::optional<NtexBackend> switch_backend;    // --switch-backend: after the first frame, as the overlay's control
    uint32_t switch_size = 0;                     // --switch-size: after the first frame, as the resolution control; 0 = none
    uint32_t bench_frames = 0;                    // --bench-frames: time this many animated frames, print demo-bench
    std::optional<bool> zero_copy;                // --zero-copy on|off; unset = on with CUDA and Vulkan compute, off on the CPU
    NtexMipFilter mip_filter = NTEX_MIP_FILTER_BLIT;   // --mip-filter blit|material: the texture set's mips
    // Conditional models (as `ntex generate`): --category NAME|any, --pattern NAME and the pattern's
    // numbers in `layout` (its category and pattern fields unused: the names are resolved against
    // the model once it is loaded, material_controls.h). A preset given too replaces them.
    std::string category;                         // "" = any
    std::string pattern;                          // "" = none
    ntex::Conditioning layout;
    bool layout_numbers_given = false;            // any of --columns ... --pattern-seed
};

// Parses argv. Returns the options, or an exit code: 0 after --help, 2 after a bad value
// (one line on stderr naming the option and value).
struct ParseResult {
    std::optional<Options> options;
    int exit_code = 0;
};
ParseResult parse_options(int argc, char** argv);

}  // namespace demo
