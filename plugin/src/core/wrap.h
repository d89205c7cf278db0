// SPDX-License-Identifier: MIT
// Wrap-around (periodic) indexing, the one rule behind tileable textures: index v of a period n.
#pragma once

namespace ntex {

// v mod n in [0, n) for any int v (C++ `%` keeps the sign of v). n > 0.
constexpr int wrap(int v, int n) noexcept {
    const int r = v % n;
    return r < 0 ? r + n : r;
}

}  // namespace ntex
