// SPDX-License-Identifier: MIT
// conditioning.h: the demo's category and layout values (NtexConditioningParams without a host mask).
#pragma once

#include <ntex/ntex.h>

#include <cstdint>

namespace demo {

// The demo draws procedural patterns only (no mask). Defaults are the runtime's; a period of 0 is
// each generator's own size (the objects' texture, a chunk of the infinite ground, a bake).
struct Conditioning {
    int32_t category = NTEX_CATEGORY_ANY;
    NtexLayoutPattern pattern = NTEX_LAYOUT_PATTERN_NONE;
    uint32_t columns = 4;
    uint32_t rows = 8;
    uint32_t period_width = 0;
    uint32_t period_height = 0;
    float offset = 0.5f;
    float gap = 3.0f;
    float bevel = 2.0f;
    float jitter = 0.0f;
    uint32_t pattern_seed = 0;
};

}  // namespace demo
