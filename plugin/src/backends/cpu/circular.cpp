// SPDX-License-Identifier: MIT
// Circular pad and crop; row-parallel, a memcpy per row plus the halo columns.
#include "backends/cpu/circular.h"

#include "core/parallel.h"
#include "core/wrap.h"

#include <cstring>

namespace ntex::cpu {

void circular_pad_nhwc(const float* src, float* dst, int c, int h, int w, int halo) {
    const int pw = w + 2 * halo;
    const int ph = h + 2 * halo;
    const std::size_t cs = static_cast<std::size_t>(c);
    ntex::parallel_for(ph, ntex::use_parallel(cs * static_cast<std::size_t>(pw) * static_cast<std::size_t>(ph)), [&](int64_t row) {
        const int yy = static_cast<int>(row);
        const float* srow = src + static_cast<std::size_t>(wrap(yy - halo, h)) * static_cast<std::size_t>(w) * cs;
        float* drow = dst + static_cast<std::size_t>(yy) * static_cast<std::size_t>(pw) * cs;
        std::memcpy(drow + static_cast<std::size_t>(halo) * cs, srow, static_cast<std::size_t>(w) * cs * sizeof(float));
        for (int x = 0; x < halo; ++x) {
            std::memcpy(drow + static_cast<std::size_t>(x) * cs, srow + static_cast<std::size_t>(wrap(x - halo, w)) * cs,
                        cs * sizeof(float));
            std::memcpy(drow + static_cast<std::size_t>(halo + w + x) * cs, srow + static_cast<std::size_t>(wrap(x, w)) * cs,
                        cs * sizeof(float));
        }
    });
}

void fill_halo_nhwc(float* buf, int c, int h, int w, int halo) noexcept {
    if (halo <= 0) return;
    const std::size_t cs = static_cast<std::size_t>(c);
    const std::size_t row = static_cast<std::size_t>(w + 2 * halo) * cs;
    // Every halo texel copies the interior texel it wraps to, never another halo texel (a halo wider
    // than the grid, e.g. a k5 conv at one cell, wraps more than once: review robustness-2026-12 #2).
    const auto interior_column = [&](int x) { return static_cast<std::size_t>(halo + wrap(x - halo, w)); };
    for (int y = halo; y < h + halo; ++y) {
        float* r = buf + static_cast<std::size_t>(y) * row;
        if (halo <= w) {   // one block each side: [0, halo) <- [w, w + halo), [w + halo, w + 2 halo) <- [halo, 2 halo)
            std::memcpy(r, r + static_cast<std::size_t>(w) * cs, static_cast<std::size_t>(halo) * cs * sizeof(float));
            std::memcpy(r + static_cast<std::size_t>(w + halo) * cs, r + static_cast<std::size_t>(halo) * cs,
                        static_cast<std::size_t>(halo) * cs * sizeof(float));
            continue;
        }
        for (int x = 0; x < halo; ++x) {
            std::memcpy(r + static_cast<std::size_t>(x) * cs, r + interior_column(x) * cs, cs * sizeof(float));
            std::memcpy(r + static_cast<std::size_t>(w + halo + x) * cs, r + interior_column(w + halo + x) * cs, cs * sizeof(float));
        }
    }
    // Halo rows: whole padded interior rows (their halo columns are filled above).
    for (int y = 0; y < halo; ++y) {
        const std::size_t top_src = static_cast<std::size_t>(halo + wrap(y - halo, h));
        const std::size_t bottom_src = static_cast<std::size_t>(halo + wrap(y, h));
        std::memcpy(buf + static_cast<std::size_t>(y) * row, buf + top_src * row, row * sizeof(float));
        std::memcpy(buf + static_cast<std::size_t>(h + halo + y) * row, buf + bottom_src * row, row * sizeof(float));
    }
}

void crop_nhwc(const float* src, int src_w, float* dst, int c, int h, int w, int offset) {
    const std::size_t cs = static_cast<std::size_t>(c);
    ntex::parallel_for(h, ntex::use_parallel(cs * static_cast<std::size_t>(w) * static_cast<std::size_t>(h)), [&](int64_t y) {
        const float* srow = src + (static_cast<std::size_t>(y + offset) * static_cast<std::size_t>(src_w) +
                                   static_cast<std::size_t>(offset)) * cs;
        std::memcpy(dst + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * cs, srow,
                    static_cast<std::size_t>(w) * cs * sizeof(float));
    });
}

}  // namespace ntex::cpu
