// SPDX-License-Identifier: MIT
// The one place that names the concrete backends (CPU, CUDA, Vulkan compute): runtime/ builds its
// plan through make_backend and never includes a backend's header (issue 12, "Architecture").
#pragma once

#include "runtime/backend.h"

#include <cstddef>
#include <memory>

namespace ntex {

class LoadedModel;
struct ModelDescription;
struct GeneratorSettings;

// The plan of settings.backend (CPU, CUDA or VULKAN; AUTO is resolved by the context) for a
// width x height (already padded) region. Throws INVALID_ARGUMENT for another backend value, and
// whatever the backend's constructor throws (UNSUPPORTED when it was not built, BACKEND, ...).
std::unique_ptr<GeneratorBackend> make_backend(std::shared_ptr<const LoadedModel> model, int width, int height, const GeneratorSettings& settings);

// Bytes of the buffers a width x height plan allocates, from the op list alone (the CPU plan's
// estimate: an upper bound for the GPU plans, which keep two activation buffers).
std::size_t estimate_plan_bytes(const ModelDescription& d, int width, int height) noexcept;

}  // namespace ntex
