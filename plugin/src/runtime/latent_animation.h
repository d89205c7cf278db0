// SPDX-License-Identifier: MIT
// Latent animation (NtexGeneratorParams::animationTime): z travels along the loop of seed latents,
// z(t) = slerp(z(seed + k), z(seed + k + 1), f) with k = floor(t), f = t - k. Spherical
// interpolation of the direction plus linear interpolation of the length, so a Gaussian latent
// keeps a typical norm on the way (a plain lerp shrinks it halfway; Shoemake 1985 for slerp).
#pragma once

#include <cstdint>

namespace ntex {

// Writes z(t) for `seed` into out[0..z_dim). t >= 0 and finite (checked by the caller).
void animated_latent(uint32_t seed, double t, int z_dim, float* out);

}  // namespace ntex
