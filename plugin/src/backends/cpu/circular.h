// SPDX-License-Identifier: MIT
// Wrap-around helpers on NHWC float tensors: oneDNN pads with zeros only, so circular padding
// is a halo filled by copies, and the convolution runs with padding 0 (REFERENCE.md).
#pragma once

#include <cstddef>

namespace ntex::cpu {

// dst: (h + 2 halo) x (w + 2 halo) x c; src: h x w x c. Any halo >= 0 (wraps repeatedly if halo > h or w).
void circular_pad_nhwc(const float* src, float* dst, int c, int h, int w, int halo);

// dst: h x w x c taken from src (src_w wide) starting at (offset, offset).
// buf: (h + 2 halo) x (w + 2 halo) x c whose h x w interior is written: fills the halo with the
// interior's wrap-around (halo <= h and halo <= w). Serial: the halo is a thin border.
void fill_halo_nhwc(float* buf, int c, int h, int w, int halo) noexcept;

void crop_nhwc(const float* src, int src_w, float* dst, int c, int h, int w, int offset);

}  // namespace ntex::cpu
