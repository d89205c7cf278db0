// SPDX-License-Identifier: MIT
// latent_path.h: smooth latent animation: slerp between the z of consecutive seeds.
#pragma once

#include <cstdint>
#include <vector>

namespace demo {

// Spherical interpolation of direction plus linear interpolation of length: Gaussian latents
// keep a typical norm along the path (plain lerp shrinks it towards the middle).
std::vector<float> slerp(const std::vector<float>& a, const std::vector<float>& b, float t);

}  // namespace demo
