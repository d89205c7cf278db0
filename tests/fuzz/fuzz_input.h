// SPDX-License-Identifier: MIT
// The fuzz input layout shared by the fuzz target and the seed writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ntex::fuzz {

// Separates the model JSON from the safetensors bytes (a JSON text cannot contain a NUL byte).
inline constexpr std::string_view kSplit{"\0NTEX-WEIGHTS\0", 14};

struct Parts {
    const uint8_t* json;
    std::size_t json_size;
    const uint8_t* weights;
    std::size_t weights_size;
};

inline Parts split(const uint8_t* data, std::size_t size) {
    std::string_view all(reinterpret_cast<const char*>(data), size);
    const std::size_t at = all.find(kSplit);
    if (at == std::string_view::npos) return Parts{data, size, data, size};
    return Parts{data, at, data + at + kSplit.size(), size - at - kSplit.size()};
}

}  // namespace ntex::fuzz
