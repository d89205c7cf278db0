// SPDX-License-Identifier: MIT
// material_generator.h: the demo's asynchronous generator on top of ntex::Generator (ntex.hpp): one
// request in flight, a poll that never blocks and measures request-to-result latency, and reads of
// every map of one result by engine material slot.
#pragma once

#include "material_model.h"

#include <ntex/ntex.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace demo {

// What a generation uses: the wrapper's parameters (seed, z, truncation_psi, direction_offsets,
// origin) and the category and layout, chained only for models that take them.
struct GenerationParams : ntex::Generator::Params {
    ntex::Conditioning conditioning;
};

// Where one map of a result goes: width x height texels, rows row_pitch bytes apart.
struct MapTarget {
    Map map;
    void* data;
    size_t row_pitch;
    size_t size;
};

class MaterialGenerator {
public:
    // Throws ntex::Exception (size, tiling mode, memory).
    MaterialGenerator(const MaterialModel& model, uint32_t width, uint32_t height, NtexTilingMode mode);

    uint32_t width() const { return m_generator.width(); }
    uint32_t height() const { return m_generator.height(); }

    // set_params + generate_async: returns at once; supersedes a queued request. on_this_thread: generate
    // before returning instead (poll() then reports the result as usual).
    void request(const GenerationParams& params, bool on_this_thread = false);
    // Never blocks. True when a result newer than the last one read is complete: its id
    // changed, or the generator went idle after a request (every request is then served).
    bool poll();
    bool busy() const { return m_pending; }
    // Milliseconds from the oldest request not yet served to the result that poll() reported.
    double last_latency_ms() const { return m_latency_ms; }
    uint64_t result_id() const { return m_result_id; }
    // Every map of `targets` from the same, newest complete result (maps the model lacks are skipped).
    void read(std::span<const MapTarget> targets) const;
    // Setup and headless capture only: set_params + a synchronous generation on this thread.
    void generate_now(const GenerationParams& params);
    // Blocks until the worker is idle (headless capture).
    void wait_idle() { m_generator.wait_idle(); }
    // Parameters only (a CUDA or Vulkan compute texture set's update generates from them).
    void set_params(const GenerationParams& params);
    // The wrapper, for presets, bakes and texture sets (material_files.h, zero_copy_material.h).
    ntex::Generator& generator() { return m_generator; }
    const ntex::Generator& generator() const { return m_generator; }

private:
    const MaterialModel& m_model;
    ntex::Generator m_generator;   // its destructor joins the worker (a running generation finishes)
    bool m_pending = false;
    uint64_t m_result_id = 0;
    std::chrono::steady_clock::time_point m_first_unserved{}, m_last_request{};
    double m_latency_ms = 0.0;
};

}  // namespace demo
