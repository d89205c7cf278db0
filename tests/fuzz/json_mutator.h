// SPDX-License-Identifier: MIT
// A structure-aware libFuzzer mutator for JSON inputs (model descriptions, presets): the input is
// parsed, one to three edits are made to the tree (a value replaced by an edge value or another type, a
// key or element removed, an element duplicated or swapped, a subtree copied elsewhere, a string
// replaced by a name the grammar uses), and the tree is written back. Byte-level mutation stays for
// inputs that do not parse, so the parser's error paths are fuzzed too. Deterministic in `seed`.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

extern "C" std::size_t LLVMFuzzerMutate(uint8_t* data, std::size_t size, std::size_t max_size);

namespace ntex::fuzz {

// Every node of the tree, as JSON pointers (root first).
inline void collect_pointers(const nlohmann::json& node, const nlohmann::json::json_pointer& at, std::vector<nlohmann::json::json_pointer>& out) {
    out.push_back(at);
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) collect_pointers(it.value(), at / it.key(), out);
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) collect_pointers(node[i], at / i, out);
    }
}

inline nlohmann::json edge_value(std::mt19937_64& rng, const std::vector<std::string>& names) {
    static const double numbers[] = {0.0, -1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 8.0, 16.0, 64.0, 65.0, 255.0, 256.0, 4096.0, 8192.0, 8193.0,
                                     65535.0, 65536.0, 2147483647.0, 2147483648.0, -2147483648.0, 4294967295.0, 4294967296.0,
                                     9.2233720368547758e18, -9.2233720368547758e18, 1.8446744073709552e19, 1e38, 3.5e38, 1e300, -1e300,
                                     1e-300, 4.9e-324, 0.5, -0.5, 1e-7, 0.999999, 1.0000001};
    switch (rng() % 9) {
        case 0: return numbers[rng() % (sizeof numbers / sizeof numbers[0])];
        case 1: return static_cast<int64_t>(rng());   // any 64-bit integer
        case 2: return static_cast<uint64_t>(rng());
        case 3: return names.empty() ? nlohmann::json("") : nlohmann::json(names[rng() % names.size()]);
        case 4: return nullptr;
        case 5: return (rng() & 1) != 0;
        case 6: return nlohmann::json::array();
        case 7: return nlohmann::json::object();
        default: return std::string(rng() % 300, static_cast<char>('a' + rng() % 26));
    }
}

// Names worth trying as string values and keys: every key and string of the tree.
inline void collect_names(const nlohmann::json& node, std::vector<std::string>& out) {
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            out.push_back(it.key());
            collect_names(it.value(), out);
        }
    } else if (node.is_array()) {
        for (const auto& v : node) collect_names(v, out);
    } else if (node.is_string()) {
        out.push_back(node.get<std::string>());
    }
}

// One structural edit; false when the tree offered nothing to edit.
inline bool mutate_tree(nlohmann::json& root, std::mt19937_64& rng) {
    std::vector<nlohmann::json::json_pointer> nodes;
    collect_pointers(root, nlohmann::json::json_pointer(), nodes);
    std::vector<std::string> names;
    collect_names(root, names);
    const nlohmann::json::json_pointer target = nodes[rng() % nodes.size()];
    nlohmann::json& node = root[target];
    switch (rng() % 7) {
        case 0:   // replace by an edge value or another type
        case 1:
            node = edge_value(rng, names);
            return true;
        case 2: {   // remove it from its parent
            if (target.empty()) return false;
            nlohmann::json& parent = root[target.parent_pointer()];
            if (parent.is_object()) parent.erase(target.back());
            else if (parent.is_array()) parent.erase(static_cast<std::size_t>(std::stoul(target.back())));
            return true;
        }
        case 3: {   // duplicate or swap array elements (ops, shapes, directions)
            if (!node.is_array() || node.empty()) return false;
            const std::size_t i = rng() % node.size(), j = rng() % node.size();
            if ((rng() & 1) != 0) {
                const nlohmann::json copy = node[i];   // insert may reallocate what node[i] refers to
                node.insert(node.begin() + static_cast<std::ptrdiff_t>(j), copy);
            } else {
                std::swap(node[i], node[j]);
            }
            return true;
        }
        case 4: {   // copy another subtree here
            node = nlohmann::json(root[nodes[rng() % nodes.size()]]);
            return true;
        }
        case 5: {   // nudge a number
            if (!node.is_number()) return false;
            const double v = node.get<double>();
            const double deltas[] = {1.0, -1.0, 2.0, 0.5, -0.5, 1e-6};
            const double scaled = v * ((rng() & 1) != 0 ? 2.0 : -1.0);
            // As an integer where one can hold it (the mutator must not itself convert out of range).
            const bool integral = std::fabs(scaled) < 9.0e18;
            node = (rng() & 1) != 0 ? nlohmann::json(v + deltas[rng() % 6])
                                    : integral ? nlohmann::json(static_cast<int64_t>(scaled)) : nlohmann::json(scaled);
            return true;
        }
        default: {   // add a key the grammar uses (or a new one) to an object
            if (!node.is_object()) return false;
            const std::string key = names.empty() || (rng() % 4) == 0 ? "unknown_key" : names[rng() % names.size()];
            node[key] = edge_value(rng, names);
            return true;
        }
    }
}

// The libFuzzer custom-mutator body.
inline std::size_t mutate_json(uint8_t* data, std::size_t size, std::size_t max_size, unsigned int seed) {
    std::mt19937_64 rng(seed);
    // One in eight: bytes, so malformed JSON keeps being explored.
    if (rng() % 8 == 0) return LLVMFuzzerMutate(data, size, max_size);
    nlohmann::json root = nlohmann::json::parse(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size, nullptr, false);
    if (root.is_discarded()) return LLVMFuzzerMutate(data, size, max_size);
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < edits; ++i) {
        try {
            mutate_tree(root, rng);
        } catch (const std::exception&) {
            // a pointer invalidated by an earlier edit: skip this edit
        }
    }
    const std::string text = root.dump();
    if (text.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
    std::memcpy(data, text.data(), text.size());
    return text.size();
}

}  // namespace ntex::fuzz
