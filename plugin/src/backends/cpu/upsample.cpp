// SPDX-License-Identifier: MIT
#include "backends/cpu/upsample.h"

#include "core/wrap.h"

#include <cstddef>

namespace ntex::cpu {

namespace {

struct Tap {
    int a, b;        // indices into the halo-padded source (0 .. n + 1)
    float wa, wb;
};

// Output coordinate `o` of a padded output (halo `halo`) over a source of n pixels.
inline Tap tap(int o, int n, int halo) noexcept {
    const int l = wrap(o - halo, 2 * n);
    const int i = l / 2;
    // Source index i lives at i + 1 in the padded source.
    if (l % 2 == 0) return Tap{i, i + 1, 0.25f, 0.75f};
    return Tap{i + 1, i + 2, 0.75f, 0.25f};
}

void upsample_row(const float* src, float* dst, int c, int h, int w, int dst_halo, int y) noexcept {
    const std::size_t cs = static_cast<std::size_t>(c);
    const std::size_t src_row = static_cast<std::size_t>(w + 2) * cs;
    const int out_w = 2 * w + 2 * dst_halo;
    const Tap ty = tap(y, h, dst_halo);
    const float* r0 = src + static_cast<std::size_t>(ty.a) * src_row;
    const float* r1 = src + static_cast<std::size_t>(ty.b) * src_row;
    float* out = dst + static_cast<std::size_t>(y) * static_cast<std::size_t>(out_w) * cs;
    for (int x = 0; x < out_w; ++x) {
        const Tap tx = tap(x, w, dst_halo);
        const float* p00 = r0 + static_cast<std::size_t>(tx.a) * cs;
        const float* p01 = r0 + static_cast<std::size_t>(tx.b) * cs;
        const float* p10 = r1 + static_cast<std::size_t>(tx.a) * cs;
        const float* p11 = r1 + static_cast<std::size_t>(tx.b) * cs;
        float* o = out + static_cast<std::size_t>(x) * cs;
        const float w00 = ty.wa * tx.wa, w01 = ty.wa * tx.wb, w10 = ty.wb * tx.wa, w11 = ty.wb * tx.wb;
#pragma omp simd
        for (int k = 0; k < c; ++k) o[k] = w00 * p00[k] + w01 * p01[k] + w10 * p10[k] + w11 * p11[k];
    }
}

}  // namespace

void upsample2x_circular(const float* src, float* dst, int c, int h, int w, int dst_halo, bool parallel) noexcept {
    const int rows = 2 * h + 2 * dst_halo;
    if (parallel) {
#pragma omp parallel for schedule(static)
        for (int y = 0; y < rows; ++y) upsample_row(src, dst, c, h, w, dst_halo, y);
    } else {
        for (int y = 0; y < rows; ++y) upsample_row(src, dst, c, h, w, dst_halo, y);
    }
}

}  // namespace ntex::cpu
