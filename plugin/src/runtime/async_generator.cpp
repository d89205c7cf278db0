// SPDX-License-Identifier: MIT
// AsyncGenerator: worker thread, request superseding, double-buffered results.
#include "runtime/async_generator.h"

#include "core/checked_size.h"
#include "core/error.h"
#include "core/parallel.h"

#include <pthread.h>

#include <algorithm>

namespace ntex {

void AsyncGenerator::ParamsRecord::assign(const GeneratorParams& p) {
    seed = p.seed;
    has_z = p.z != nullptr;
    if (has_z) std::copy(p.z, p.z + z.size(), z.begin());
    psi = p.psi;
    direction_count = p.direction_count;
    std::copy(p.direction_offsets, p.direction_offsets + p.direction_count, offsets.begin());
    origin_x = p.origin_x;
    origin_y = p.origin_y;
    category = p.category;
    has_layout = p.layout != nullptr;
    if (!has_layout) mask.clear();   // keeps its capacity; a stale mask is never copied again
    if (has_layout) {
        layout = *p.layout;
        const std::size_t n = layout.pattern == LayoutPattern::Mask && layout.mask
                                  ? static_cast<std::size_t>(layout.mask_width) * static_cast<std::size_t>(layout.mask_height)
                                  : 0;
        mask.assign(layout.mask, layout.mask + n);
        layout.mask = mask.empty() ? nullptr : mask.data();
    }
}

void AsyncGenerator::ParamsRecord::copy_from(const ParamsRecord& other) {
    // Element copies into vectors of the same size: no allocation (operator= could reallocate).
    seed = other.seed;
    has_z = other.has_z;
    std::copy(other.z.begin(), other.z.end(), z.begin());
    psi = other.psi;
    direction_count = other.direction_count;
    std::copy(other.offsets.begin(), other.offsets.end(), offsets.begin());
    origin_x = other.origin_x;
    origin_y = other.origin_y;
    category = other.category;
    has_layout = other.has_layout;
    layout = other.layout;
    mask.assign(other.mask.begin(), other.mask.end());
    layout.mask = mask.empty() ? nullptr : mask.data();
}

GeneratorParams AsyncGenerator::ParamsRecord::view() const {
    GeneratorParams p;
    p.seed = seed;
    p.z = has_z ? z.data() : nullptr;
    p.psi = psi;
    p.direction_offsets = offsets.data();
    p.direction_count = direction_count;
    p.origin_x = origin_x;
    p.origin_y = origin_y;
    p.category = category;
    if (has_layout) p.layout = &layout;   // its mask points into `mask` (set by assign/copy_from)
    return p;
}

AsyncGenerator::AsyncGenerator(std::shared_ptr<const LoadedModel> model, int width, int height, const GeneratorSettings& settings)
    : m_threads(std::max(1, settings.threads)), m_thread_start(settings.thread_start), m_thread_start_user(settings.thread_start_user) {
    m_generator = std::make_unique<TextureGenerator>(std::move(model), width, height, settings);
    const ModelDescription& d = m_generator->model().description();
    for (ParamsRecord* r : {&m_requested, &m_snapshot}) {
        r->z.assign(static_cast<std::size_t>(d.z_dim), 0.0f);
        r->offsets.assign(kMaxDirections, 0.0f);
    }
    const std::size_t floats = (CheckedSize(width) * height * m_generator->material_layout().channels).get("result buffer");
    m_buffers[0] = AlignedBuffer(floats);
    m_buffers[1] = AlignedBuffer(floats);
    m_front = m_buffers[0].data();
    m_back = m_buffers[1].data();
}

AsyncGenerator::~AsyncGenerator() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_worker.joinable()) m_worker.join();
}

void AsyncGenerator::set_params(const GeneratorParams& p) {
    m_generator->validate(p);   // immutable state only: safe while a job runs
    std::lock_guard<std::mutex> lock(m_mutex);
    m_requested.assign(p);
    ++m_params_revision;
}

uint64_t AsyncGenerator::params_revision() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_params_revision;
}

bool AsyncGenerator::try_with_idle_generator(const std::function<void(TextureGenerator&, uint64_t)>& fn) {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_pending || m_running) return false;
    // Marked running like a synchronous generate(): generate()/wait_idle() from another thread wait
    // for us, and the worker cannot start (it only starts on m_pending, which generate_async sets
    // and which we leave for it to see afterwards).
    m_snapshot.copy_from(m_requested);
    const uint64_t revision = m_params_revision;
    m_running = true;
    lock.unlock();
    try {
        if (m_inject_failure.exchange(false)) fail(NTEX_ERROR_BACKEND, "injected failure");
        m_generator->apply_validated_params(m_snapshot.view());   // validated by set_params
        fn(*m_generator, revision);
    } catch (...) {
        lock.lock();
        m_running = false;
        m_idle.notify_all();
        m_wake.notify_one();
        throw;
    }
    lock.lock();
    m_running = false;
    m_idle.notify_all();
    m_wake.notify_one();   // a request made meanwhile may start now
    return true;
}

void AsyncGenerator::run_job() {
    if (m_inject_failure.exchange(false)) fail(NTEX_ERROR_BACKEND, "injected failure");
    m_generator->apply_validated_params(m_snapshot.view());   // validated by set_params
    m_generator->generate();
    m_generator->build_material(m_back);
    uint64_t id = 0;
    {
        std::lock_guard<std::mutex> lock(m_result_mutex);
        std::swap(m_front, m_back);
        id = ++m_result_id;
    }
    std::lock_guard<std::mutex> lock(m_listener_mutex);
    for (auto& [key, fn] : m_listeners) {
        try {
            fn(id);
        } catch (...) {
            // Dropped by contract: the listener's owner notices the unconverted result and falls back.
        }
    }
}

uint64_t AsyncGenerator::add_result_listener(ResultListener fn) {
    // Ids unique across generators: removing a stale id from a generator that reuses a destroyed one's
    // address can never remove another owner's listener.
    static std::atomic<uint64_t> next_id{1};
    const uint64_t id = next_id.fetch_add(1);
    std::lock_guard<std::mutex> lock(m_listener_mutex);
    m_listeners.emplace_back(id, std::move(fn));
    return id;
}

void AsyncGenerator::remove_result_listener(uint64_t id) {
    std::lock_guard<std::mutex> lock(m_listener_mutex);
    std::erase_if(m_listeners, [&](const auto& entry) { return entry.first == id; });
}

void AsyncGenerator::generate() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [&] { return !m_pending && !m_running; });
    m_snapshot.copy_from(m_requested);
    m_running = true;
    lock.unlock();
    try {
        run_job();
    } catch (...) {
        lock.lock();
        m_running = false;
        m_idle.notify_all();
        m_wake.notify_one();
        throw;
    }
    lock.lock();
    m_running = false;
    m_idle.notify_all();
    m_wake.notify_one();
}

void AsyncGenerator::generate_async() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_worker.joinable()) {
        m_worker = std::thread([this] {
            // A name profilers and debuggers show; then the host's hook (pinning, priority), before any work,
            // so the OpenMP threads this thread's generations create inherit what it set.
            pthread_setname_np(pthread_self(), "ntex-worker");
            if (m_thread_start != nullptr) m_thread_start(m_thread_start_user, NTEX_THREAD_KIND_GENERATOR_WORKER);
            worker_loop();
        });
    }
    m_pending = true;   // a request not yet started is simply superseded by this one
    m_wake.notify_one();
}

void AsyncGenerator::worker_loop() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        // Not while a caller-thread job (generate, try_with_idle_generator) holds the generator.
        m_wake.wait(lock, [&] { return m_stop || (m_pending && !m_running); });
        if (m_stop) break;
        m_pending = false;
        m_running = true;
        m_snapshot.copy_from(m_requested);
        lock.unlock();
        std::exception_ptr error;
        try {
            run_job();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        if (error) m_error = error;
        m_running = false;
        m_idle.notify_all();
    }
}

bool AsyncGenerator::poll(uint64_t* result_id) {
    bool busy = false;
    std::exception_ptr error;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        busy = m_pending || m_running;
        std::swap(error, m_error);
    }
    {
        std::lock_guard<std::mutex> lock(m_result_mutex);
        *result_id = m_result_id;
    }
    if (error) std::rethrow_exception(error);
    return busy;
}

void AsyncGenerator::wait_idle() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [&] { return !m_pending && !m_running; });
}

uint64_t AsyncGenerator::completed_generations() const {
    std::lock_guard<std::mutex> lock(m_result_mutex);
    return m_result_id;
}

namespace {
// What image i of read_maps holds: its packing, or map map_indices[i] by write_map's rule (both
// checked against the model: a hot reload may have changed its maps since the host chose them). On the
// stack: reads run every frame and allocate nothing (tests/plugin/alloc_count_test.cpp).
using Selects = std::array<ChannelSelect, NTEX_MAX_MAPS>;
Selects selects_of(const TextureGenerator& g, uint32_t count, const uint32_t* map_indices, const HostImageView* images, int w, int h) {
    const std::size_t maps = g.model().description().outputs.size();
    if (count > NTEX_MAX_MAPS) fail(NTEX_ERROR_INVALID_ARGUMENT, "count ", count, " is above NTEX_MAX_MAPS (", NTEX_MAX_MAPS, ")");
    Selects out{};
    for (uint32_t i = 0; i < count; ++i) {
        const HostImageView& im = images[i];
        if (im.packing) {
            check_host_buffer(static_cast<int>(im.format), im.data, im.row_pitch, im.size, w, h);
            out[i] = packed_select(g.material_layout(), *im.packing, "NtexChannelPacking", static_cast<int>(i));
        } else {
            check_host_image(map_indices[i], maps, static_cast<int>(im.format), im.data, im.row_pitch, im.size, w, h);
            out[i] = map_select(g.material_layout(), map_indices[i]);
        }
    }
    return out;
}
}  // namespace

void AsyncGenerator::read_maps(uint32_t count, const uint32_t* map_indices, const HostImageView* images, uint64_t* result_id) {
    const TextureGenerator& g = *m_generator;
    const Selects selects = selects_of(g, count, map_indices, images, g.width(), g.height());
    std::lock_guard<std::mutex> lock(m_result_mutex);
    if (m_result_id == 0) fail(NTEX_NOT_READY, "no generated result yet: call ntexGenerate or ntexGenerateAsync first");
    OmpThreads guard(m_threads);
    for (uint32_t i = 0; i < count; ++i) {
        const HostImageView& im = images[i];
        write_texels(m_front, g.material_layout().channels, g.width(), g.height(), selects[i], im.format, im.data, im.row_pitch);
    }
    if (result_id != nullptr) *result_id = m_result_id;
}

void AsyncGenerator::read_map_levels(uint32_t count, const uint32_t* map_indices, uint32_t levels, const HostImageView* images,
                                     std::unique_ptr<MaterialMips>& scratch, uint64_t* result_id) {
    const TextureGenerator& g = *m_generator;
    Selects selects{};
    for (uint32_t l = 0; l < levels; ++l) {
        const int w = MaterialMips::level_size(g.width(), static_cast<int>(l)), h = MaterialMips::level_size(g.height(), static_cast<int>(l));
        selects = selects_of(g, count, map_indices, images + std::size_t(l) * count, w, h);   // the same at every level
    }
    // A hot reload may bring another description (colour spaces): the plan follows the model.
    if (!scratch || !scratch->plans_for(&g.model())) scratch = std::make_unique<MaterialMips>(g.model().description(), g.material_layout(), &g.model());
    uint64_t id = 0;
    {
        // Only the copy of level 0 holds the result lock (the render thread's polls take it too); the
        // filtering and the writes run on the copy.
        std::lock_guard<std::mutex> lock(m_result_mutex);
        if (m_result_id == 0) fail(NTEX_NOT_READY, "no generated result yet: call ntexGenerate or ntexGenerateAsync first");
        scratch->set_level0(m_front, g.width(), g.height());
        id = m_result_id;
    }
    OmpThreads guard(m_threads);
    scratch->compute(static_cast<int>(levels));
    for (uint32_t l = 0; l < levels; ++l) {
        const float* material = scratch->level(static_cast<int>(l));
        const int w = MaterialMips::level_size(g.width(), static_cast<int>(l)), h = MaterialMips::level_size(g.height(), static_cast<int>(l));
        for (uint32_t i = 0; i < count; ++i) {
            const HostImageView& im = images[std::size_t(l) * count + i];
            write_texels(material, g.material_layout().channels, w, h, selects[i], im.format, im.data, im.row_pitch);
        }
    }
    if (result_id != nullptr) *result_id = id;
}

}  // namespace ntex
