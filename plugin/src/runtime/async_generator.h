// SPDX-License-Identifier: MIT
// AsyncGenerator: a TextureGenerator plus a lazily started worker thread and two material
// tensors (front: the newest complete result, read by the host; back: written by the running
// generation), swapped under a mutex when a generation completes. What ntexGenerate*,
// ntexGetResultId, ntexWaitIdle and ntexReadMap(s) run on.
#pragma once

#include "core/aligned_buffer.h"
#include "runtime/material_mips.h"
#include "runtime/texture_generator.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace ntex {

// A host image as ntexReadMaps receives it (already checked for NULL and sType). With `packing`
// (NtexChannelPacking's sources, checked against the model by read_maps) its components come from
// those sources and the map index it is read with is ignored.
struct HostImageView {
    NtexHostFormat format;
    void* data;
    std::size_t row_pitch;
    std::size_t size;
    std::optional<std::array<NtexChannelSource, 4>> packing;
};

class AsyncGenerator {
public:
    // Allocates everything (plan, both material tensors, the parameter records) here.
    AsyncGenerator(std::shared_ptr<const LoadedModel> model, int width, int height, const GeneratorSettings& settings);
    // Joins the worker: a queued request is dropped, a running generation finishes first.
    ~AsyncGenerator();
    AsyncGenerator(const AsyncGenerator&) = delete;
    AsyncGenerator& operator=(const AsyncGenerator&) = delete;

    // Validates and records the parameters; the next generation to start uses them. Never waits
    // for a running generation.
    void set_params(const GeneratorParams& p);
    // Waits until idle, then generates on the calling thread and publishes the result.
    void generate();
    // Requests a generation on the worker (started on first use) and returns at once; replaces a
    // request that has not started yet.
    void generate_async();
    // The newest complete result's id (0 before the first) and whether work is queued or running.
    // Rethrows (once) an exception of a worker generation. Never blocks on a generation.
    bool poll(uint64_t* result_id);
    void wait_idle();
    // Converts maps from one complete result; every image is checked before any is written.
    // NOT_READY before the first result. Holds the result lock while converting.
    void read_maps(uint32_t count, const uint32_t* map_indices, const HostImageView* images, uint64_t* result_id);
    // read_maps for mip levels 0 .. levels - 1 filtered as a material (runtime/material_mips.h):
    // images[l * count + i] is map i at level l, max(1, width >> l) x max(1, height >> l) texels.
    // `scratch` holds the filter's buffers between calls (created on first use, again after a reload; one
    // per concurrent caller). The result lock is held only while level 0 is copied into it.
    void read_map_levels(uint32_t count, const uint32_t* map_indices, uint32_t levels, const HostImageView* images,
                         std::unique_ptr<MaterialMips>& scratch, uint64_t* result_id);

    // Device path (zero-copy texture sets): when no generation is queued or running, marks the
    // generator busy, applies the newest parameters to it (set_params, not run) and calls
    // fn(generator, params_revision) on the calling thread, then marks it idle again; returns true.
    // Returns false at once, without calling fn, while a generation is queued or running (never
    // waits). params_revision counts set_params calls, so a caller can tell whether they changed.
    bool try_with_idle_generator(const std::function<void(TextureGenerator&, uint64_t)>& fn);
    // set_params calls so far (0 before the first).
    uint64_t params_revision() const;

    // Result listeners: fn(result_id) runs after each published result, on the thread that generated
    // it (the worker, or the caller of generate()), before the generator is marked idle, so a
    // wait_idle() that returns also saw the listeners finish. A listener may call read_maps and poll,
    // never generate/wait_idle (that would wait for itself). Exceptions it throws are dropped (a
    // listener is an optimisation; its owner falls back). What texture sets on the host-copy path use
    // to convert texels off the render thread.
    using ResultListener = std::function<void(uint64_t result_id)>;
    uint64_t add_result_listener(ResultListener fn);
    // Removes a listener; waits for a call of it that is running. Unknown ids are ignored (ids are
    // unique across all generators of the process).
    void remove_result_listener(uint64_t id);

    // The wrapped generator: only while idle (tests, tools).
    TextureGenerator& generator() noexcept { return *m_generator; }
    // Generations completed (sync and async), for tests of superseding.
    uint64_t completed_generations() const;
    // Tests: the next job throws Error(BACKEND, "injected failure") instead of generating, so the
    // error path (stored by the worker, rethrown by poll) can be checked.
    void inject_failure_for_test() noexcept { m_inject_failure.store(true); }

private:
    // Parameters owned by value, sized at construction so copying never allocates.
    struct ParamsRecord {
        uint32_t seed = 0;
        bool has_z = false;
        std::vector<float> z;
        float psi = 1.0f;
        std::vector<float> offsets;
        uint32_t direction_count = 0;
        int32_t origin_x = 0, origin_y = 0;
        int category = -1;
        bool has_layout = false;
        LayoutSpec layout;            // mask points into `mask` (view() fixes it up)
        std::vector<float> mask;      // reallocates only when a larger mask is set
        void assign(const GeneratorParams& p);
        void copy_from(const ParamsRecord& other);
        GeneratorParams view() const;
    };

    void worker_loop();
    // Generates with m_snapshot into m_back, publishes it (swap + id) and runs the result listeners.
    // Caller marked m_running.
    void run_job();

    std::unique_ptr<TextureGenerator> m_generator;
    int m_threads;
    PFN_ntexThreadStart m_thread_start = nullptr;   // NtexThreadCallbacks (GeneratorSettings)
    void* m_thread_start_user = nullptr;

    // Control state, guarded by m_mutex.
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;   // worker: a request or stop
    std::condition_variable m_idle;   // waiters: the worker finished a job
    ParamsRecord m_requested;
    ParamsRecord m_snapshot;          // the running job's copy (written under m_mutex, read by the job)
    bool m_pending = false;
    bool m_running = false;
    bool m_stop = false;
    uint64_t m_params_revision = 0;
    std::exception_ptr m_error;
    std::atomic<bool> m_inject_failure{false};
    std::thread m_worker;

    // Results, guarded by m_result_mutex: the worker swaps the pointers, readers convert from m_front.
    mutable std::mutex m_result_mutex;
    AlignedBuffer m_buffers[2];
    float* m_front = nullptr;
    float* m_back = nullptr;
    uint64_t m_result_id = 0;

    // Result listeners, guarded by m_listener_mutex (held while they run, so removal waits for them).
    std::mutex m_listener_mutex;
    std::vector<std::pair<uint64_t, ResultListener>> m_listeners;
};

}  // namespace ntex
