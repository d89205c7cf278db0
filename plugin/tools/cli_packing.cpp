// SPDX-License-Identifier: MIT
#include "tools/cli_packing.h"

#include "core/error.h"
#include "core/printable.h"

#include <cstring>
#include <sstream>
#include <vector>

namespace ntex::cli {

namespace {

[[noreturn]] void bad(const std::string& value, const std::string& why) {
    ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--pack '", ntex::printable(value), "': ", why);
}

// "x" / "r" / "0" -> 0 ... ; -1 for anything else.
int component_index(const std::string& c) {
    static const char* const names[4][3] = {{"0", "x", "r"}, {"1", "y", "g"}, {"2", "z", "b"}, {"3", "w", "a"}};
    for (int k = 0; k < 4; ++k) {
        for (const char* n : names[k]) {
            if (c == n) return k;
        }
    }
    return -1;
}

NtexChannelSource parse_source(const std::string& value, const std::string& s, const NtexModelInfo& info) {
    if (s == "0") return {NTEX_CHANNEL_SOURCE_ZERO, 0};
    if (s == "1") return {NTEX_CHANNEL_SOURCE_ONE, 0};
    const std::size_t dot = s.find('.');
    const std::string map = s.substr(0, dot);
    uint32_t index = info.mapCount;
    for (uint32_t i = 0; i < info.mapCount; ++i) {
        if (map == info.mapNames[i]) index = i;
    }
    if (index == info.mapCount) {
        std::string names;
        for (uint32_t i = 0; i < info.mapCount; ++i) names += (i ? ", " : "") + std::string(info.mapNames[i]);
        bad(value, "'" + ntex::printable(s) + "' is not 0, 1 or a map of the model (" + names + ")");
    }
    int component = 0;
    if (dot != std::string::npos) {
        component = component_index(s.substr(dot + 1));
        if (component < 0) bad(value, "'" + ntex::printable(s) + "': the component after '.' is one of 0-3, x y z w or r g b a");
    }
    if (static_cast<uint32_t>(component) >= info.mapChannels[index]) {
        bad(value, "'" + s + "': map " + map + " has " + std::to_string(info.mapChannels[index]) + " channel(s)");
    }
    return {index, static_cast<uint32_t>(component)};
}

}  // namespace

PackedOutput parse_pack(const std::string& value, const NtexModelInfo& info) {
    const std::size_t eq = value.find('=');
    if (eq == std::string::npos) bad(value, "expected NAME=R,G,B,A (e.g. orm=1,roughness,0,height)");
    PackedOutput out;
    out.name = value.substr(0, eq);
    if (out.name.empty() || out.name.size() > 64 ||
        out.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos) {
        bad(value, "the name (the file suffix) is 1 to 64 letters, digits, '_' or '-'");
    }
    // Case-insensitive: on a case-insensitive file system "Height" would replace height's PNG.
    auto lower = [](std::string t) {
        for (char& c : t) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        return t;
    };
    for (uint32_t i = 0; i < info.mapCount; ++i) {
        if (lower(out.name) == lower(info.mapNames[i])) bad(value, "the name '" + out.name + "' is a map's: its PNG would replace that map's");
    }
    std::vector<std::string> sources;
    std::stringstream list(value.substr(eq + 1));
    for (std::string s; std::getline(list, s, ',');) sources.push_back(s);
    if (sources.size() != 4 || value.back() == ',') bad(value, "expected four sources (R, G, B, A) after '='");
    out.packing.sType = NTEX_STRUCTURE_TYPE_CHANNEL_PACKING;
    for (std::size_t k = 0; k < 4; ++k) out.packing.channels[k] = parse_source(value, sources[k], info);
    return out;
}

}  // namespace ntex::cli
