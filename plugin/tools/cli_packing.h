// SPDX-License-Identifier: MIT
// cli_packing.h: `--pack NAME=R,G,B,A` of `ntex generate` / `ntex bake`: a channel-packed RGBA8 PNG
// (an ORM file, or normal.xy + roughness + height) written beside the maps as <base>_<NAME>.png, through
// the same NtexChannelPacking a host passes to ntexReadMap.
#pragma once

#include <ntex/ntex.h>

#include <string>

namespace ntex::cli {

struct PackedOutput {
    std::string name;              // the file suffix: letters, digits, '_' and '-'; not a map's name
    NtexChannelPacking packing{};  // sType set, sources checked against the model
};

// Parses one --pack value against the model's maps. A source is 0 or 1 (a constant), a map name (its
// first component), or map.C with C a component index 0..3 or one of x y z w / r g b a. Throws
// INVALID_ARGUMENT with one line naming the value and what is wrong (unknown map, component past the
// map's channels, not four sources, a bad or reserved name).
PackedOutput parse_pack(const std::string& value, const NtexModelInfo& info);

}  // namespace ntex::cli
