// SPDX-License-Identifier: MIT
// TextureGenerator: one output size, one backend plan; tracks which inputs changed so the
// mapping network and weight modulation rerun only when z/psi change, noise only when the seed does.
#pragma once

#include "model/model.h"
#include "runtime/backend.h"

#include <ntex/ntex.h>

#include <memory>
#include <vector>

namespace ntex {

struct GeneratorSettings {
    int threads = 1;   // CPU threads (already resolved, >= 1)
};

class TextureGenerator {
public:
    // Throws INVALID_ARGUMENT for a bad size. Builds the backend plan once.
    TextureGenerator(std::shared_ptr<const LoadedModel> model, int width, int height, const GeneratorSettings& settings);

    // z == nullptr: z = latent_from_seed(seed). Throws INVALID_ARGUMENT for non-finite z or psi.
    void set_params(uint32_t seed, const float* z, float psi);
    void generate();
    bool has_result() const noexcept { return m_has_result; }

    // Copies output map `index` into a host image; see NtexHostImage.
    void read_map(uint32_t index, NtexHostFormat format, void* data, std::size_t row_pitch, std::size_t size) const;

    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }
    const LoadedModel& model() const noexcept { return *m_model; }
    // Final tensor (NHWC) of the last generation.
    const float* output() const noexcept { return m_backend->output(); }
    int output_channels() const noexcept { return m_backend->output_channels(); }
    const std::vector<float>& style() const noexcept { return m_w; }
    GeneratorBackend& backend() noexcept { return *m_backend; }

    // Counters for tests: how often the mapping / noise recomputation ran.
    int mapping_runs() const noexcept { return m_mapping_runs; }
    int seed_updates() const noexcept { return m_seed_updates; }

    static void validate_size(const ModelDescription& d, int64_t width, int64_t height);

private:
    std::shared_ptr<const LoadedModel> m_model;
    int m_width;
    int m_height;
    int m_threads;
    std::unique_ptr<GeneratorBackend> m_backend;

    uint32_t m_seed = 0;
    std::vector<float> m_z;
    std::vector<float> m_new_z;            // set_params' candidate z (swapped with m_z on change)
    float m_psi = 1.0f;
    std::vector<float> m_w;
    std::vector<float> m_mapping_scratch;  // run_mapping_into's two ping-pong rows
    bool m_style_dirty = true;
    bool m_seed_dirty = true;
    bool m_has_result = false;
    int m_mapping_runs = 0;
    int m_seed_updates = 0;
};

}  // namespace ntex
