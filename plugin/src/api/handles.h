// SPDX-License-Identifier: MIT
// What the C API's opaque handles point to.
#pragma once

#include "backends/cuda/cuda_backend.h"
#include "backends/vulkan/vulkan_backend.h"
#include "core/error.h"
#include "core/log.h"
#include "model/model.h"
#include "interop/vulkan_device.h"
#include "model/preset.h"
#include "runtime/async_generator.h"

#include <ntex/ntex.h>

#include <atomic>
#include <memory>
#include <thread>
#include <mutex>
#include <string>
#include <vector>

struct NtexContext_T {
    ntex::Logger logger;
    NtexBackend backend = NTEX_BACKEND_CPU;
    NtexBackend requested_backend = NTEX_BACKEND_AUTO;   // what NtexContextCreateInfo asked for
    int threads = 1;
    NtexThreadCallbacks thread_callbacks{};   // pfnThreadStart null: none
    std::string device_name;         // ntexGetContextBackendInfo::deviceName
    std::string fallback_reason;     // why CUDA is not used ("" when it is, or CPU was asked for)
    int cuda_device = -1;            // backend CUDA: the device ordinal (cuda::select_device)
    // The host's Vulkan device when NtexVulkanDeviceInfo was chained (texture sets), else null.
    std::shared_ptr<const ntex::interop::VulkanDevice> vulkan;
    // Backend VULKAN: the compute device (the host's, borrowed, or a headless one ntex owns).
    std::shared_ptr<ntex::vulkan::ComputeContext> vulkan_compute;
};

struct NtexModel_T {
    NtexContext context = nullptr;
    std::shared_ptr<const ntex::LoadedModel> model;
    // Hot reload (ntexReloadModel): the files' path, and a revision bumped by each successful
    // reload. `model` is replaced under `mutex`; generators pick the new one up at their next
    // generation (ntex::api::refresh_generator).
    std::string path;
    std::atomic<uint64_t> revision{0};
    std::mutex mutex;
};

struct NtexGenerator_T {
    NtexContext context = nullptr;
    NtexModel model = nullptr;            // the handle it was created from (hot reload)
    uint64_t model_revision = 0;
    int width = 0;
    int height = 0;
    NtexTilingMode tiling = NTEX_TILING_MODE_TILEABLE;
    ntex::cuda::Precision precision = ntex::cuda::Precision::Fp32;   // resolved (CUDA only; the CPU computes in FP32)
    bool cpu_fallback = false;            // AUTO chose CUDA but its plan could not be built: runs on the CPU
    uint64_t result_id_base = 0;          // ids of results before the last reload: ids keep increasing
    std::unique_ptr<ntex::AsyncGenerator> generator;   // its destructor joins the worker thread
    // The host thread inside an ntex call on this generator (GeneratorUse), and how deep.
    std::atomic<std::thread::id> user{};
    int user_depth = 0;                   // touched only by `user`
    // The last parameters accepted by ntexSetGeneratorParams, for ntexSavePreset. Vectors are sized
    // at creation (z_dim, model directions) so recording never allocates.
    uint32_t seed = 0;
    bool has_z = false;
    std::vector<float> z;
    float psi = 1.0f;
    std::vector<float> offsets;
    uint32_t direction_count = 0;
    int32_t origin_x = 0;
    int32_t origin_y = 0;
    std::vector<float> animated_z;        // z(animationTime), when animating without an explicit z
    int32_t category = -1;                // NtexConditioningParams: -1 = any
    bool has_layout = false;
    ntex::LayoutSpec layout;              // as given (period 0 = the size); mask points into layout_mask
    std::vector<float> layout_mask;
};

namespace ntex::api {

// Live handles: every create registers its handle with its type and every destroy removes it, so a
// destroyed, made-up or wrongly typed handle (a model cast to a generator in C: review
// robustness-2026-12 #10) is reported as INVALID_ARGUMENT instead of being dereferenced. (A handle
// whose memory was reused by a newer object of the same type cannot be told apart: as in Vulkan, using
// a destroyed handle is still the host's bug; this only keeps it from crashing in the common case.)
enum class HandleKind { Context, Model, Generator, TextureSet };
void register_handle(const void* handle, HandleKind kind);
void unregister_handle(const void* handle, HandleKind kind) noexcept;
bool is_live(const void* handle, HandleKind kind) noexcept;

template <typename T>
constexpr HandleKind handle_kind() noexcept;
template <>
constexpr HandleKind handle_kind<NtexContext_T>() noexcept { return HandleKind::Context; }
template <>
constexpr HandleKind handle_kind<NtexModel_T>() noexcept { return HandleKind::Model; }
template <>
constexpr HandleKind handle_kind<NtexGenerator_T>() noexcept { return HandleKind::Generator; }
template <>
constexpr HandleKind handle_kind<NtexTextureSet_T>() noexcept { return HandleKind::TextureSet; }

template <typename T>
void register_handle(const T* handle) { register_handle(static_cast<const void*>(handle), handle_kind<T>()); }
template <typename T>
void unregister_handle(const T* handle) noexcept { unregister_handle(static_cast<const void*>(handle), handle_kind<T>()); }
template <typename T>
bool is_live(const T* handle) noexcept { return is_live(static_cast<const void*>(handle), handle_kind<T>()); }

inline const Logger* logger_of(NtexContext c) noexcept { return c ? &c->logger : nullptr; }
inline const Logger* logger_of_live(NtexContext c) noexcept { return c && is_live(c) ? &c->logger : nullptr; }
template <typename Handle>
const Logger* logger_of_live(Handle h) noexcept {
    return h && is_live(h) ? logger_of_live(h->context) : nullptr;
}
template <typename Handle>
void require_live(Handle h, const char* name) {
    if (h == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, name, " is NULL");
    if (!is_live(h)) fail(NTEX_ERROR_INVALID_ARGUMENT, name, " is not a live ntex handle (destroyed, or not created by ntex)");
}

// A generator is used by one host thread at a time (ntex.h, Thread-safety). Every entry point that
// touches one holds this for the call: checks the handle (require_live) and claims the generator for the
// calling thread (re-entrant on that thread); a second thread entering meanwhile gets INVALID_ARGUMENT
// instead of racing it (review robustness-2026-12 #17: four threads on one generator while a fifth
// reloaded its model freed the generator under them).
class GeneratorUse {
public:
    GeneratorUse(NtexGenerator generator, const char* name) : m_generator(generator) {
        require_live(generator, name);
        const std::thread::id me = std::this_thread::get_id();
        std::thread::id expected{};
        if (!generator->user.compare_exchange_strong(expected, me) && expected != me) {
            m_generator = nullptr;
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " is in use by another thread: a generator (and its texture sets) is used by one thread at a time");
        }
        ++generator->user_depth;
    }
    ~GeneratorUse() {
        if (m_generator != nullptr && --m_generator->user_depth == 0) m_generator->user.store(std::thread::id{});
    }
    GeneratorUse(const GeneratorUse&) = delete;
    GeneratorUse& operator=(const GeneratorUse&) = delete;

private:
    NtexGenerator m_generator;
};

// What a texture set needs to know about its generator.
struct GeneratorShape {
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<NtexMapSemantic> semantics;   // per model map
    MaterialLayout layout;                    // where each map's channels are (checks channel packings)
};
GeneratorShape generator_shape(NtexGenerator generator);

// After a successful ntexReloadModel: rebuilds the generator's plan on the new model (waiting for
// a running generation first) and reapplies its parameters. No-op when up to date.
void refresh_generator(NtexGenerator generator);

// The generator's AsyncGenerator (its width, height, tiling and precision set) on the context's
// backend. Under AUTO a CUDA plan that cannot be built (a cuDNN sub-library that does not load, no
// working algorithm, a failed graph capture: BACKEND or UNSUPPORTED) falls back to the CPU backend
// with one warning, and the generator stays on the CPU (cpu_fallback): AUTO means "CUDA where
// usable, else the CPU" (review cuda-first-gpu.md #5). CUDA asked for explicitly still fails.
std::unique_ptr<ntex::AsyncGenerator> make_async_generator(NtexGenerator_T& generator, std::shared_ptr<const ntex::LoadedModel> loaded);

}  // namespace ntex::api
