// SPDX-License-Identifier: MIT
// Bilinear x2 upsampling of a periodic (tileable) NHWC image: ntex's own, allocation-free
// replacement for oneDNN's resampling_linear on the native-kernel path (direct_conv.h says why).
#pragma once

namespace ntex::cpu {

// Half-pixel-centre bilinear interpolation (PyTorch `interpolate(scale_factor=2,
// mode="bilinear", align_corners=False)`, oneDNN resampling_linear) with wrap-around indexing:
// out(2i) = 0.25 in(i-1) + 0.75 in(i), out(2i+1) = 0.75 in(i) + 0.25 in(i+1) along each axis.
// src: (h + 2) x (w + 2) x c, the h x w image with a 1-pixel wrap-around halo.
// dst: (2h + 2 dst_halo) x (2w + 2 dst_halo) x c, written whole: the halo is the wrap of the
// periodic result, so a following conv needs no separate pad.
// `parallel`: one OpenMP region over output rows. Allocates nothing.
void upsample2x_circular(const float* src, float* dst, int c, int h, int w, int dst_halo, bool parallel) noexcept;

}  // namespace ntex::cpu
