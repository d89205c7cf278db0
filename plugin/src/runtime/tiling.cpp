// SPDX-License-Identifier: MIT
// Receptive-field radius and halo of a model's op list.
#include "runtime/tiling.h"

namespace ntex {

int receptive_field_radius(const ModelDescription& d) noexcept {
    // The op list starts at the noise grid (divisor cell_size) and every upsample halves the divisor.
    int divisor = d.cell_size;
    int radius = 0;
    for (const SynthesisOp& op : d.ops) {
        if (op.kind == OpKind::ModConv) {
            radius += (op.kernel / 2) * divisor;
        } else if (op.kind == OpKind::Upsample) {
            // Bilinear x2 reads input pixel floor(o / 2 - 0.25) and the next one: at most one input
            // pixel (d output pixels) beyond the output pixel's own footprint.
            radius += divisor;
            divisor /= op.factor;
        }
    }
    for (const OutputMap& m : d.outputs) {
        if (m.derived_from >= 0) {
            radius += 1;  // central differences read one neighbour on each side
            break;
        }
    }
    return radius;
}

int halo_pixels(const ModelDescription& d) noexcept {
    const int r = receptive_field_radius(d);
    return (r + d.cell_size - 1) / d.cell_size * d.cell_size;
}

}  // namespace ntex
