// SPDX-License-Identifier: MIT
// GeneratorBackend: what a backend's execution plan for one output size must provide.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ntex {

class GeneratorBackend {
public:
    virtual ~GeneratorBackend() = default;
    // The style vector changed: recompute modulated weights.
    virtual void set_style(const std::vector<float>& w) = 0;
    // The seed or the region's origin changed: recompute the input grid and the noise maps.
    // (origin_x, origin_y): the plane coordinates of the plan's top-left output pixel, multiples of
    // the cell size; every noise value is hashed by its absolute coordinate at its op's
    // resolution (docs/model_format.md, "Tiling modes"). (0, 0) is the tileable noise.
    virtual void set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) = 0;
    // The layout map changed (models with latent.layout_channels K > 0; docs/model_format.md,
    // "Layout conditioning"): `layout` holds the plan's whole region at full resolution, NHWC,
    // plan height x plan width x K floats. The backend keeps what each layout-injecting op needs:
    // the map averaged over d x d blocks at that op's divisor d (layout_levels.h). Never called
    // for a model without layout channels.
    virtual void set_layout(const float* layout) = 0;
    // Runs every op; the result stays readable through output() until the next run.
    virtual void run() = 0;
    // Final tensor, NHWC dense: output()[(y * width + x) * channels + c].
    virtual const float* output() const noexcept = 0;
    virtual int output_channels() const noexcept = 0;
    // A line per step of the plan (for logs).
    virtual std::string describe() const { return {}; }
    // Optional per-step timing for diagnostics.
    virtual void set_profiling(bool /*enabled*/) {}
    virtual std::string profile_report() const { return {}; }
};

}  // namespace ntex
