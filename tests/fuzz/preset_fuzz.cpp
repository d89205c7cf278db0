// SPDX-License-Identifier: MIT
// Structure-aware libFuzzer target for presets (issue 14): the input is a preset JSON, mutated as a
// JSON tree (json_mutator.h). Checks beyond "no crash": a preset that parses writes back to JSON that
// parses to the same preset (the round trip an artist's save/load makes), and a layout that parses
// renders (render_layout over a 24x24 region at an origin taken from the seed) without undefined
// behaviour. ntex::Error is the expected outcome for bad input; anything else is a finding.
#include "json_mutator.h"
#include "model/preset.h"
#include "runtime/layout_pattern.h"
#include "core/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" std::size_t LLVMFuzzerCustomMutator(uint8_t* data, std::size_t size, std::size_t max_size, unsigned int seed) {
    return ntex::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    ntex::Preset preset;
    try {
        preset = ntex::preset_from_json(text, "fuzz.json");
    } catch (const ntex::Error&) {
        return 0;
    }
    // Round trip: what was accepted is written and read back unchanged.
    const std::string written = ntex::preset_to_json(preset);
    std::string again;
    try {
        again = ntex::preset_to_json(ntex::preset_from_json(written, "fuzz-roundtrip.json"));
    } catch (const ntex::Error& e) {
        std::fprintf(stderr, "preset_fuzz: an accepted preset does not read back: %s\n%s\n", e.what(), written.c_str());
        std::abort();
    }
    if (again != written) {
        std::fprintf(stderr, "preset_fuzz: the round trip changed the preset:\n%s\n%s\n", written.c_str(), again.c_str());
        std::abort();
    }
    if (preset.layout) {
        ntex::LayoutSpec spec = *preset.layout;
        if (spec.period_width == 0) spec.period_width = 256;   // the generator's size stands in for "0"
        if (spec.period_height == 0) spec.period_height = 256;
        try {
            ntex::validate_layout(spec);
        } catch (const ntex::Error&) {
            return 0;   // e.g. a period the generator would refuse
        }
        std::vector<float> out(24 * 24 * ntex::kLayoutChannels);
        // Origins anywhere on the int32 plane; negated in uint32 (wraps), since -INT32_MIN overflows int32.
        const uint32_t u = preset.seed * 2654435761u;
        ntex::render_layout(spec, static_cast<int32_t>(u), static_cast<int32_t>(0u - u), 24, 24, out.data());
        for (float v : out) {
            if (!(v >= 0.0f && v <= 1.0f)) {
                std::fprintf(stderr, "preset_fuzz: render_layout wrote %g (outside [0, 1]) for:\n%s\n", static_cast<double>(v), written.c_str());
                std::abort();
            }
        }
    }
    return 0;
}
