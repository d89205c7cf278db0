// SPDX-License-Identifier: MIT
// The C boundary: validates arguments and turns every exception into an NtexResult, keeps the
// message for ntexGetLastErrorMessage and sends it to the host's log callback. Nothing throws
// across extern "C".
#include "api/conditioning_api.h"
#include "api/guard.h"
#include "api/handles.h"
#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/direct_conv.h"
#include "backends/cuda/cuda_backend.h"
#include "backends/vulkan/vulkan_backend.h"
#include "core/error.h"
#include "runtime/hash_noise.h"
#include "runtime/latent_animation.h"
#include "runtime/tiling.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <unordered_map>

#include <omp.h>

namespace {

thread_local std::string t_last_error;

}  // namespace

namespace ntex::api {

void set_last_error(const Logger* logger, const char* function, NtexResult result, const char* message) noexcept {
    try {
        t_last_error = message;
        if (logger != nullptr) {
            logger->log(result < 0 ? NTEX_LOG_LEVEL_ERROR : NTEX_LOG_LEVEL_WARNING,
                        std::string(function) + ": " + ntexResultToString(result) + ": " + message, result);
        }
    } catch (...) {
        // Out of memory while formatting: keep the previous message rather than throw.
    }
}

NtexResult translate_exception(const Logger* logger, const char* function) noexcept {
    try {
        throw;
    } catch (const Error& e) {
        set_last_error(logger, function, e.result(), e.what());
        return e.result();
    } catch (const dnnl::error& e) {
        set_last_error(logger, function, NTEX_ERROR_BACKEND, (std::string("oneDNN: ") + e.what()).c_str());
        return NTEX_ERROR_BACKEND;
    } catch (const std::bad_alloc&) {
        set_last_error(logger, function, NTEX_ERROR_OUT_OF_MEMORY, "out of memory");
        return NTEX_ERROR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error(logger, function, NTEX_ERROR_UNKNOWN, e.what());
        return NTEX_ERROR_UNKNOWN;
    } catch (...) {
        set_last_error(logger, function, NTEX_ERROR_UNKNOWN, "unknown exception");
        return NTEX_ERROR_UNKNOWN;
    }
}

GeneratorShape generator_shape(NtexGenerator generator) {
    const TextureGenerator& g = generator->generator->generator();
    GeneratorShape shape;
    shape.width = static_cast<uint32_t>(g.width());
    shape.height = static_cast<uint32_t>(g.height());
    for (const OutputMap& m : g.model().description().outputs) shape.semantics.push_back(static_cast<NtexMapSemantic>(m.semantic));
    shape.layout = g.material_layout();
    return shape;
}

namespace {
std::mutex g_handles_mutex;
std::unordered_map<const void*, HandleKind>& live_handles() {
    // Deliberately never destroyed: hosts may destroy handles from their own static destructors.
    static auto* handles = new std::unordered_map<const void*, HandleKind>();
    return *handles;
}
}  // namespace

void register_handle(const void* handle, HandleKind kind) {
    std::lock_guard lock(g_handles_mutex);
    live_handles()[handle] = kind;
}

void unregister_handle(const void* handle, HandleKind kind) noexcept {
    std::lock_guard lock(g_handles_mutex);
    const auto it = live_handles().find(handle);
    if (it != live_handles().end() && it->second == kind) live_handles().erase(it);
}

bool is_live(const void* handle, HandleKind kind) noexcept {
    std::lock_guard lock(g_handles_mutex);
    const auto it = live_handles().find(handle);
    return it != live_handles().end() && it->second == kind;
}

std::unique_ptr<AsyncGenerator> make_async_generator(NtexGenerator_T& generator, std::shared_ptr<const LoadedModel> loaded) {
    NtexContext_T& context = *generator.context;
    GeneratorSettings settings;
    settings.threads = context.threads;
    settings.tiling = generator.tiling;
    settings.backend = generator.cpu_fallback ? NTEX_BACKEND_CPU : context.backend;
    settings.cuda_device = context.cuda_device;
    settings.precision = generator.precision;
    settings.vulkan_device = context.vulkan_compute;
    settings.thread_start = context.thread_callbacks.pfnThreadStart;
    settings.thread_start_user = context.thread_callbacks.pUserData;
    try {
        return std::make_unique<AsyncGenerator>(loaded, generator.width, generator.height, settings);
    } catch (const Error& e) {
        const bool plan_failure = e.result() == NTEX_ERROR_BACKEND || e.result() == NTEX_ERROR_UNSUPPORTED;
        if (!plan_failure || settings.backend != NTEX_BACKEND_CUDA || context.requested_backend != NTEX_BACKEND_AUTO) throw;
        context.logger.warning(cat("ntex: the CUDA plan could not be built (", e.what(), "); this generator runs on the CPU backend"));
        generator.cpu_fallback = true;
        generator.precision = cuda::Precision::Fp32;
        settings.backend = NTEX_BACKEND_CPU;
        settings.precision = generator.precision;
        return std::make_unique<AsyncGenerator>(loaded, generator.width, generator.height, settings);
    }
}

void refresh_generator(NtexGenerator generator) {
    // The model handle must outlive its generators; if a host destroyed it anyway the generator
    // keeps its own reference to the weights and simply never reloads.
    if (!is_live(generator->model)) return;
    NtexModel_T& handle = *generator->model;
    const uint64_t revision = handle.revision.load();
    if (revision == generator->model_revision) return;
    std::shared_ptr<const LoadedModel> loaded;
    {
        std::lock_guard lock(handle.mutex);
        loaded = handle.model;
    }
    generator->generator->wait_idle();
    uint64_t last = 0;
    generator->generator->poll(&last);
    auto fresh = make_async_generator(*generator, loaded);
    // Reapply the parameters (the reload kept zDim and the maps; directions may differ in number).
    const std::size_t directions = loaded->description().directions.size();
    generator->offsets.resize(std::max(generator->offsets.size(), directions), 0.0f);
    GeneratorParams p;
    p.seed = generator->seed;
    p.z = generator->has_z ? generator->z.data() : nullptr;
    p.psi = generator->psi;
    p.direction_count = std::min<uint32_t>(generator->direction_count, static_cast<uint32_t>(directions));
    p.direction_offsets = p.direction_count > 0 ? generator->offsets.data() : nullptr;
    p.origin_x = generator->origin_x;
    p.origin_y = generator->origin_y;
    p.category = generator->category;
    p.layout = generator->has_layout ? &generator->layout : nullptr;
    fresh->set_params(p);
    generator->generator = std::move(fresh);
    generator->result_id_base += last;
    generator->direction_count = p.direction_count;
    generator->model_revision = revision;
    generator->context->logger.info(cat("ntex: generator ", generator->width, "x", generator->height, " now runs the reloaded model '",
                                        loaded->description().name, "'"));
}

}  // namespace ntex::api

namespace {

// The two fields every extension struct begins with.
struct NtexStructureHeader {
    NtexStructureType sType;
    const void* pNext;
};

using ntex::fail;
using ntex::api::guarded;
using ntex::api::logger_of;
using ntex::api::raw_enum;
using ntex::api::require_non_null;
using ntex::api::require_stype;


// Copies into a fixed C string field, truncating, always NUL-terminated.
template <std::size_t N>
void copy_text(char (&dst)[N], const std::string& src) noexcept {
    const std::size_t n = std::min(src.size(), N - 1);
    std::memcpy(dst, src.data(), n);
    dst[n] = '\0';
}


}  // namespace

extern "C" {

NTEX_API const char* ntexResultToString(NtexResult result) {
    switch (raw_enum(result)) {
        case NTEX_SUCCESS: return "NTEX_SUCCESS";
        case NTEX_NOT_READY: return "NTEX_NOT_READY";
        case NTEX_ERROR_INVALID_ARGUMENT: return "NTEX_ERROR_INVALID_ARGUMENT";
        case NTEX_ERROR_FILE_NOT_FOUND: return "NTEX_ERROR_FILE_NOT_FOUND";
        case NTEX_ERROR_INVALID_MODEL: return "NTEX_ERROR_INVALID_MODEL";
        case NTEX_ERROR_OUT_OF_MEMORY: return "NTEX_ERROR_OUT_OF_MEMORY";
        case NTEX_ERROR_UNSUPPORTED: return "NTEX_ERROR_UNSUPPORTED";
        case NTEX_ERROR_BACKEND: return "NTEX_ERROR_BACKEND";
        case NTEX_ERROR_VERSION_MISMATCH: return "NTEX_ERROR_VERSION_MISMATCH";
        case NTEX_ERROR_IO: return "NTEX_ERROR_IO";
        case NTEX_ERROR_UNKNOWN: return "NTEX_ERROR_UNKNOWN";
    }
    return "NTEX_RESULT_UNRECOGNIZED";
}

NTEX_API const char* ntexGetLastErrorMessage(void) { return t_last_error.c_str(); }

namespace {

// AUTO/CPU/CUDA/VULKAN -> the backend in use (ntex.h, ntexCreateContext): CUDA when built with it and
// select_device finds a device (the one whose UUID equals the chained Vulkan device's); else, for AUTO
// with a chained Vulkan device that is a GPU, Vulkan compute on it; else the CPU with the reasons logged;
// CUDA or VULKAN asked for but unusable fails with the reason.
void resolve_backend(NtexContext_T& context, int requested, const NtexVulkanDeviceInfo* vulkan_info, const NtexVulkanDeviceFeatures* features,
                     const NtexDeviceMemoryCallbacks* memory) {
    // The kernels every CPU generator of this context will run (cpu_kernels.h; the same resolution).
    const std::string kernels = ntex::cpu::resolve_cpu_kernels(ntex::cpu::CpuKernels::Auto) == ntex::cpu::CpuKernels::Native
                                    ? ntex::cat("ntex ", ntex::cpu::isa_name(ntex::cpu::detect_isa()), " kernels")
                                    : ntex::cat("oneDNN ", dnnl::version()->major, ".", dnnl::version()->minor, ".", dnnl::version()->patch);
    const std::string cpu_name = ntex::cat("CPU (", kernels, ", ", context.threads, " threads)");
    context.backend = NTEX_BACKEND_CPU;
    context.device_name = cpu_name;
    context.fallback_reason.clear();
    if (requested == NTEX_BACKEND_CPU) {
        context.logger.info("ntex: backend " + context.device_name);
        return;
    }
    if (requested == NTEX_BACKEND_VULKAN) {
        // Only when asked for (AUTO does not pick it yet): the host's chained device, else a
        // headless one ntex creates and owns.
        const ntex::vulkan::DeviceChoice choice =
            vulkan_info != nullptr ? ntex::vulkan::borrow_device(*vulkan_info, features, memory) : ntex::vulkan::open_headless(false);
        if (!choice.context) fail(NTEX_ERROR_UNSUPPORTED, "backend VULKAN is not usable: ", choice.reason);
        context.backend = NTEX_BACKEND_VULKAN;
        context.vulkan_compute = choice.context;
        context.device_name = choice.name;
        context.logger.info("ntex: backend Vulkan compute on " + context.device_name);
        return;
    }
    std::string reason;
    if (!ntex::cuda::built_with_cuda()) {
        reason = "this library was built without CUDA";
    } else if (context.vulkan && !context.vulkan->has_device_uuid()) {
        reason = "the Vulkan device reports no deviceUUID (vkGetPhysicalDeviceProperties2 missing), so no CUDA device can be matched to it";
    } else {
        const ntex::cuda::DeviceChoice choice = ntex::cuda::select_device(context.vulkan ? context.vulkan->device_uuid().data() : nullptr);
        if (choice.ordinal >= 0) {
            context.backend = NTEX_BACKEND_CUDA;
            context.cuda_device = choice.ordinal;
            context.device_name = ntex::cat(choice.name, " (CUDA device ", choice.ordinal, ")");
            context.logger.info("ntex: backend " + context.device_name);
            return;
        }
        reason = choice.reason;
    }
    if (requested == NTEX_BACKEND_CUDA) fail(NTEX_ERROR_UNSUPPORTED, "backend CUDA is not usable: ", reason);
    // AUTO, CUDA ruled out: Vulkan compute on the host's own GPU (never a headless device ntex would open
    // itself: a host without Vulkan gets the CPU).
    if (vulkan_info != nullptr) {
        std::string refusal = ntex::vulkan::auto_vulkan_refusal(static_cast<int>(context.vulkan->properties().deviceType));
        if (refusal.empty()) {
            const ntex::vulkan::DeviceChoice choice = ntex::vulkan::borrow_device(*vulkan_info, features, memory);
            if (choice.context) {
                context.backend = NTEX_BACKEND_VULKAN;
                context.vulkan_compute = choice.context;
                context.device_name = choice.name;
                context.fallback_reason = ntex::cat("CUDA: ", reason);
                context.logger.info(ntex::cat("ntex: CUDA backend not used (", reason, "); backend Vulkan compute on ", context.device_name));
                return;
            }
            refusal = choice.reason;
        }
        reason = ntex::cat("CUDA: ", reason, "; Vulkan compute: ", refusal);
    }
    context.fallback_reason = reason;
    // Expected on every machine without an NVIDIA GPU: info, not a warning (ntexGetContextBackendInfo keeps it).
    context.logger.info("ntex: GPU backends not used (" + reason + "); falling back to " + cpu_name);
    context.logger.info("ntex: backend " + context.device_name);
}

// The first NtexMessengerCreateInfo in a context's chain, or nullptr; bounded like every walk (a
// looping chain is reported by the validating walk in ntexCreateContext).
const NtexMessengerCreateInfo* find_messenger(const void* chain) noexcept {
    int length = 0;
    for (auto* next = static_cast<const NtexStructureHeader*>(chain); next != nullptr && ++length <= ntex::api::kMaxChainLength;
         next = static_cast<const NtexStructureHeader*>(next->pNext)) {
        if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO) return reinterpret_cast<const NtexMessengerCreateInfo*>(next);
    }
    return nullptr;
}

void apply_messenger(ntex::Logger& logger, const NtexMessengerCreateInfo& m) noexcept {
    const int level = raw_enum(m.minSeverity);
    if (m.pfnCallback == nullptr || level < NTEX_LOG_LEVEL_DEBUG || level > NTEX_LOG_LEVEL_ERROR) return;   // refused by the walk
    logger.set_messenger(m.pfnCallback, m.pUserData, static_cast<NtexLogLevel>(level));
}

}  // namespace


NTEX_API NtexResult ntexCreateContext(const NtexContextCreateInfo* pCreateInfo, NtexContext* pContext) {
    ntex::Logger host_logger;
    if (pCreateInfo != nullptr && raw_enum(pCreateInfo->sType) == NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO) {
        host_logger = ntex::Logger(pCreateInfo->pfnLog, pCreateInfo->pLogUserData);
        // The messenger first, so that it also hears this call's own errors (as a Vulkan instance's
        // chained debug messenger does); the walk below validates the chain.
        if (const NtexMessengerCreateInfo* m = find_messenger(pCreateInfo->pNext)) apply_messenger(host_logger, *m);
    }
    return guarded(&host_logger, "ntexCreateContext", [&] {
        require_non_null(pCreateInfo, "pCreateInfo");
        require_non_null(pContext, "pContext");
        *pContext = nullptr;
        require_stype(pCreateInfo->sType, NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO, "pCreateInfo");
        if (pCreateInfo->headerVersion != NTEX_HEADER_VERSION) {
            fail(NTEX_ERROR_VERSION_MISMATCH, "headerVersion ", pCreateInfo->headerVersion, " but the library implements ",
                 NTEX_HEADER_VERSION);
        }
        const int requested = raw_enum(pCreateInfo->backend);
        if (requested != NTEX_BACKEND_AUTO && requested != NTEX_BACKEND_CPU && requested != NTEX_BACKEND_CUDA && requested != NTEX_BACKEND_VULKAN) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "unknown backend ", requested);
        }
        // libgomp exits the process when it cannot create a team, and sizes per-team arrays on the
        // stack by the thread count (review robustness-2026-12 #6): keep counts to what machines run.
        if (pCreateInfo->threadCount > NTEX_MAX_THREADS) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "threadCount ", pCreateInfo->threadCount, " is above ", NTEX_MAX_THREADS);
        }
        auto context = std::make_unique<NtexContext_T>();
        context->logger = host_logger;
        // Extension structs: walk pNext (Vulkan style); unknown sTypes are an error, not ignored.
        const NtexVulkanDeviceInfo* vulkan_info = nullptr;
        const NtexVulkanDeviceFeatures* device_features = nullptr;
        bool debug_utils = false, debug_info_given = false;
        const NtexDeviceMemoryCallbacks* memory_callbacks = nullptr;
        int chain_length = 0;
        for (auto* next = static_cast<const NtexStructureHeader*>(pCreateInfo->pNext); next != nullptr;
             next = static_cast<const NtexStructureHeader*>(next->pNext)) {
            // Bounded: a chain that loops back on itself is an error, not a hang (review #16).
            if (++chain_length > ntex::api::kMaxChainLength) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain is longer than ", ntex::api::kMaxChainLength, " structs");
            }
            if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO) {
                const auto* m = reinterpret_cast<const NtexMessengerCreateInfo*>(next);
                if (m->pfnCallback == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexMessengerCreateInfo::pfnCallback is NULL");
                const int level = raw_enum(m->minSeverity);
                if (level < NTEX_LOG_LEVEL_DEBUG || level > NTEX_LOG_LEVEL_ERROR) {
                    fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexMessengerCreateInfo::minSeverity ", level, " is not an NtexLogLevel");
                }
            } else if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_THREAD_CALLBACKS) {
                const auto* t = reinterpret_cast<const NtexThreadCallbacks*>(next);
                if (t->pfnThreadStart == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexThreadCallbacks::pfnThreadStart is NULL");
                context->thread_callbacks = *t;
                context->thread_callbacks.pNext = nullptr;
            } else if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO) {
                vulkan_info = reinterpret_cast<const NtexVulkanDeviceInfo*>(next);
            } else if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_FEATURES) {
                device_features = reinterpret_cast<const NtexVulkanDeviceFeatures*>(next);
            } else if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_DEVICE_MEMORY_CALLBACKS) {
                memory_callbacks = reinterpret_cast<const NtexDeviceMemoryCallbacks*>(next);
            } else if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_VULKAN_DEBUG_INFO) {
                debug_utils = reinterpret_cast<const NtexVulkanDebugInfo*>(next)->debugUtils == VK_TRUE;
                debug_info_given = true;
            } else {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain holds an unknown sType ", raw_enum(next->sType));
            }
        }
        if ((debug_info_given || memory_callbacks != nullptr || device_features != nullptr) && vulkan_info == nullptr) {
            fail(NTEX_ERROR_INVALID_ARGUMENT,
                 debug_info_given ? "an NtexVulkanDebugInfo" : memory_callbacks != nullptr ? "an NtexDeviceMemoryCallbacks" : "an NtexVulkanDeviceFeatures",
                 " needs an NtexVulkanDeviceInfo in the same chain");
        }
        if (vulkan_info != nullptr) {
            const bool sync2_declared = device_features != nullptr && device_features->synchronization2 == VK_TRUE;
            context->vulkan = std::make_shared<const ntex::interop::VulkanDevice>(*vulkan_info, debug_utils, memory_callbacks, sync2_declared);
            context->logger.info("ntex: Vulkan device " + context->vulkan->describe() + (debug_utils ? " (debug names and labels on)" : "") +
                                 (context->vulkan->barriers().synchronization2() ? ", synchronization2 barriers" : ""));
            if (sync2_declared && !context->vulkan->barriers().synchronization2()) {
                context->logger.warning("ntex: NtexVulkanDeviceFeatures::synchronization2 is set, but " + context->vulkan->synchronization2_reason() +
                                        "; barriers are recorded with vkCmdPipelineBarrier");
            }
        }
        context->threads = pCreateInfo->threadCount != 0 ? static_cast<int>(pCreateInfo->threadCount) : std::max(1, omp_get_num_procs());
        resolve_backend(*context, requested, vulkan_info, device_features, memory_callbacks);
        context->requested_backend = static_cast<NtexBackend>(requested);
        ntex::api::register_handle(context.get());
        *pContext = context.release();
    });
}

NTEX_API void ntexDestroyContext(NtexContext context) {
    // NULL, already destroyed or unknown handles are ignored (never a double free).
    if (context == nullptr || !ntex::api::is_live(context)) return;
    ntex::api::unregister_handle(context);
    delete context;
}

NTEX_API NtexBackend ntexGetContextBackend(NtexContext context) {
    return context != nullptr && ntex::api::is_live(context) ? context->backend : NTEX_BACKEND_AUTO;
}

NTEX_API NtexResult ntexGetContextBackendInfo(NtexContext context, NtexBackendInfo* pInfo) {
    return guarded(ntex::api::logger_of_live(context), "ntexGetContextBackendInfo", [&] {
        ntex::api::require_live(context, "context");
        require_non_null(pInfo, "pInfo");
        require_stype(pInfo->sType, NTEX_STRUCTURE_TYPE_BACKEND_INFO, "pInfo");
        pInfo->backend = context->backend;
        copy_text(pInfo->deviceName, context->device_name);
        copy_text(pInfo->fallbackReason, context->fallback_reason);
    });
}

NTEX_API NtexResult ntexLoadModel(NtexContext context, const NtexModelLoadInfo* pLoadInfo, NtexModel* pModel) {
    return guarded(ntex::api::logger_of_live(context), "ntexLoadModel", [&] {
        ntex::api::require_live(context, "context");
        require_non_null(pLoadInfo, "pLoadInfo");
        require_non_null(pModel, "pModel");
        *pModel = nullptr;
        require_stype(pLoadInfo->sType, NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO, "pLoadInfo");
        require_non_null(pLoadInfo->pPath, "pLoadInfo->pPath");
        auto model = std::make_unique<NtexModel_T>();
        model->context = context;
        model->model = ntex::LoadedModel::load(pLoadInfo->pPath);
        model->path = pLoadInfo->pPath;
        const auto& d = model->model->description();
        context->logger.info(ntex::cat("ntex: loaded model '", d.name, "' (", d.ops.size(), " ops, ",
                                       model->model->parameter_count(), " parameters)"));
        ntex::api::register_handle(model.get());
        *pModel = model.release();
    });
}

NTEX_API void ntexDestroyModel(NtexModel model) {
    // NULL, already destroyed or unknown handles are ignored (never a double free).
    if (model == nullptr || !ntex::api::is_live(model)) return;
    ntex::api::unregister_handle(model);
    delete model;
}

NTEX_API NtexResult ntexReloadModel(NtexModel model) {
    return guarded(ntex::api::logger_of_live(model), "ntexReloadModel", [&] {
        ntex::api::require_live(model, "model");
        // Everything is validated before anything changes: on any error the running model stays.
        std::shared_ptr<const ntex::LoadedModel> fresh = ntex::LoadedModel::load(model->path);
        std::lock_guard lock(model->mutex);
        const ntex::ModelDescription& old_d = model->model->description();
        const ntex::ModelDescription& new_d = fresh->description();
        bool same_maps = old_d.outputs.size() == new_d.outputs.size();
        for (std::size_t i = 0; same_maps && i < old_d.outputs.size(); ++i) {
            same_maps = old_d.outputs[i].name == new_d.outputs[i].name && old_d.outputs[i].semantic == new_d.outputs[i].semantic &&
                        old_d.outputs[i].channel_count() == new_d.outputs[i].channel_count();
        }
        if (!same_maps || old_d.z_dim != new_d.z_dim || old_d.cell_size != new_d.cell_size) {
            fail(NTEX_ERROR_INVALID_MODEL, model->path, ": the new files change the maps, zDim or cellSize of model '", old_d.name,
                 "'; load them as a new model (the previous model keeps running)");
        }
        // Generators keep their category by index and their layout: a reload that reorders or
        // drops categories, or the layout input, would silently change or break them.
        // A generator on AUTO needs the prior too.
        if (old_d.categories != new_d.categories || old_d.layout_channels != new_d.layout_channels ||
            old_d.layout_prior.empty() != new_d.layout_prior.empty()) {
            fail(NTEX_ERROR_INVALID_MODEL, model->path, ": the new files change the categories, the layout channels or the layout prior of model '",
                 old_d.name, "'; load them as a new model (the previous model keeps running)");
        }
        model->model = std::move(fresh);
        model->revision.fetch_add(1);
        model->context->logger.info(ntex::cat("ntex: reloaded model '", new_d.name, "' from ", model->path));
    });
}

NTEX_API NtexResult ntexGetModelInfo(NtexModel model, NtexModelInfo* pInfo) {
    return guarded(ntex::api::logger_of_live(model), "ntexGetModelInfo", [&] {
        ntex::api::require_live(model, "model");
        require_non_null(pInfo, "pInfo");
        require_stype(pInfo->sType, NTEX_STRUCTURE_TYPE_MODEL_INFO, "pInfo");
        std::lock_guard lock(model->mutex);   // against a concurrent ntexReloadModel
        const ntex::ModelDescription& d = model->model->description();
        void* next = pInfo->pNext;
        std::memset(pInfo, 0, sizeof *pInfo);
        pInfo->sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        pInfo->pNext = next;
        copy_text(pInfo->name, d.name);
        pInfo->zDim = static_cast<uint32_t>(d.z_dim);
        pInfo->wDim = static_cast<uint32_t>(d.w_dim);
        pInfo->cellSize = static_cast<uint32_t>(d.cell_size);
        pInfo->mapCount = static_cast<uint32_t>(d.outputs.size());
        for (std::size_t i = 0; i < d.outputs.size() && i < NTEX_MAX_MAPS; ++i) {
            copy_text(pInfo->mapNames[i], d.outputs[i].name);
            pInfo->mapSemantics[i] = static_cast<NtexMapSemantic>(d.outputs[i].semantic);
            pInfo->mapChannels[i] = static_cast<uint32_t>(d.outputs[i].channel_count());
        }
        pInfo->parameterCount = model->model->parameter_count();
        pInfo->haloPixels = static_cast<uint32_t>(ntex::halo_pixels(d));
        pInfo->heightScale = d.height_scale;
        pInfo->directionCount = static_cast<uint32_t>(d.directions.size());
        for (std::size_t i = 0; i < d.directions.size() && i < NTEX_MAX_DIRECTIONS; ++i) copy_text(pInfo->directionLabels[i], d.directions[i].label);
        ntex::api::fill_conditioning_info(d, next);
    });
}

NTEX_API NtexResult ntexLatentFromSeed(NtexModel model, uint32_t seed, float* pZ, uint32_t zCount) {
    return guarded(ntex::api::logger_of_live(model), "ntexLatentFromSeed", [&] {
        ntex::api::require_live(model, "model");
        require_non_null(pZ, "pZ");
        const int z_dim = [&] {
            std::lock_guard lock(model->mutex);
            return model->model->description().z_dim;
        }();
        if (zCount != static_cast<uint32_t>(z_dim)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "zCount ", zCount, " differs from the model's zDim ", z_dim);
        }
        std::vector<float> z = ntex::latent_from_seed(seed, z_dim);
        std::copy(z.begin(), z.end(), pZ);
    });
}

NTEX_API NtexResult ntexCreateGenerator(NtexContext context, const NtexGeneratorCreateInfo* pCreateInfo, NtexGenerator* pGenerator) {
    return guarded(ntex::api::logger_of_live(context), "ntexCreateGenerator", [&] {
        ntex::api::require_live(context, "context");
        require_non_null(pCreateInfo, "pCreateInfo");
        require_non_null(pGenerator, "pGenerator");
        *pGenerator = nullptr;
        require_stype(pCreateInfo->sType, NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO, "pCreateInfo");
        ntex::api::require_live(pCreateInfo->model, "pCreateInfo->model");
        {
            std::lock_guard lock(pCreateInfo->model->mutex);
            ntex::TextureGenerator::validate_size(pCreateInfo->model->model->description(), pCreateInfo->width, pCreateInfo->height);
        }
        const int tiling = raw_enum(pCreateInfo->tilingMode);
        if (tiling != NTEX_TILING_MODE_TILEABLE && tiling != NTEX_TILING_MODE_INFINITE) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->tilingMode ", tiling, " is not a known NtexTilingMode");
        }
        // Extension structs: NtexGeneratorPrecisionInfo; unknown sTypes are an error, not ignored.
        int precision = NTEX_PRECISION_DEFAULT;
        int chain_length = 0;
        for (auto* next = static_cast<const NtexStructureHeader*>(pCreateInfo->pNext); next != nullptr;
             next = static_cast<const NtexStructureHeader*>(next->pNext)) {
            if (++chain_length > ntex::api::kMaxChainLength) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain is longer than ", ntex::api::kMaxChainLength, " structs");
            }
            if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO) {
                precision = raw_enum(reinterpret_cast<const NtexGeneratorPrecisionInfo*>(next)->precision);
                if (precision != NTEX_PRECISION_DEFAULT && precision != NTEX_PRECISION_FP32 && precision != NTEX_PRECISION_FP16) {
                    fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexGeneratorPrecisionInfo::precision ", precision, " is not a known NtexPrecision");
                }
            } else {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain holds an unknown sType ", raw_enum(next->sType));
            }
        }
        auto generator = std::make_unique<NtexGenerator_T>();
        generator->context = context;
        // DEFAULT: FP16 on CUDA (the fast mode), FP32 on the CPU (its only mode: FP16 is accepted and computed in FP32)
        // and on Vulkan compute (FP16 only when asked for and the device can: not measured faster on any GPU yet).
        generator->precision = context->backend == NTEX_BACKEND_CUDA && precision != NTEX_PRECISION_FP32 ? ntex::cuda::Precision::Fp16
                                                                                                          : ntex::cuda::Precision::Fp32;
        if (context->backend == NTEX_BACKEND_VULKAN && precision == NTEX_PRECISION_FP16) {
            std::string why;
            if (ntex::vulkan::supports_fp16(*context->vulkan_compute, &why)) {
                generator->precision = ntex::cuda::Precision::Fp16;
            } else {
                context->logger.info(ntex::cat("ntex: FP16 asked for, computing in FP32: ", why));
            }
        }
        generator->width = static_cast<int>(pCreateInfo->width);
        generator->height = static_cast<int>(pCreateInfo->height);
        generator->tiling = static_cast<NtexTilingMode>(tiling);
        std::shared_ptr<const ntex::LoadedModel> loaded;
        {
            std::lock_guard lock(pCreateInfo->model->mutex);
            loaded = pCreateInfo->model->model;
        }
        generator->generator = ntex::api::make_async_generator(*generator, loaded);
        ntex::TextureGenerator& g = generator->generator->generator();
        const NtexBackend runs_on = g.backend_kind();
        context->logger.info(ntex::cat("ntex: generator ", pCreateInfo->width, "x", pCreateInfo->height,
                                       tiling == NTEX_TILING_MODE_INFINITE ? ntex::cat(" infinite (halo ", g.halo(), ")") : std::string(" tileable"),
                                       runs_on == NTEX_BACKEND_CUDA
                                           ? ntex::cat(" on ", context->device_name, ", ", ntex::cuda::precision_name(generator->precision))
                                       : runs_on == NTEX_BACKEND_VULKAN
                                           ? ntex::cat(" on ", context->device_name, " (Vulkan compute, ", ntex::cuda::precision_name(generator->precision), ")")
                                           : ntex::cat(" on the CPU backend, ", context->threads, " threads")));
        context->logger.debug("ntex: plan:\n" + g.backend().describe());
        generator->model = pCreateInfo->model;
        generator->model_revision = pCreateInfo->model->revision.load();
        generator->z.assign(static_cast<std::size_t>(g.model().description().z_dim), 0.0f);
        generator->offsets.assign(g.model().description().directions.size(), 0.0f);
        ntex::api::register_handle(generator.get());
        *pGenerator = generator.release();
    });
}

NTEX_API void ntexDestroyGenerator(NtexGenerator generator) {
    // NULL, already destroyed or unknown handles are ignored (never a double free).
    if (generator == nullptr || !ntex::api::is_live(generator)) return;
    ntex::api::unregister_handle(generator);
    delete generator;
}

NTEX_API NtexResult ntexSetGeneratorParams(NtexGenerator generator, const NtexGeneratorParams* pParams) {
    return guarded(ntex::api::logger_of_live(generator), "ntexSetGeneratorParams", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        require_non_null(pParams, "pParams");
        require_stype(pParams->sType, NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS, "pParams");
        const uint32_t z_dim = static_cast<uint32_t>(generator->generator->generator().model().description().z_dim);
        if (pParams->pZ != nullptr && pParams->zCount != z_dim) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pParams->zCount ", pParams->zCount, " differs from the model's zDim ", z_dim);
        }
        const float t = pParams->animationTime;
        if (!std::isfinite(t) || t < 0.0f || t > 16777216.0f) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pParams->animationTime ", t, " is not finite in 0..16777216");
        }
        ntex::GeneratorParams p;
        p.seed = pParams->seed;
        p.z = pParams->pZ;
        if (pParams->pZ == nullptr && t > 0.0f) {
            generator->animated_z.resize(z_dim);
            ntex::animated_latent(pParams->seed, t, static_cast<int>(z_dim), generator->animated_z.data());
            p.z = generator->animated_z.data();
        }
        p.psi = pParams->truncationPsi;
        p.direction_offsets = pParams->pDirectionOffsets;
        p.direction_count = pParams->directionCount;
        p.origin_x = pParams->originX;
        p.origin_y = pParams->originY;
        const NtexConditioningParams* cond = ntex::api::find_conditioning(pParams->pNext, "pParams->pNext");
        ntex::LayoutSpec layout;
        if (cond != nullptr) {
            p.category = cond->category;
            layout = ntex::api::to_layout_spec(*cond);
            p.layout = &layout;
        }
        generator->generator->set_params(p);
        generator->category = p.category;
        generator->has_layout = p.layout != nullptr;
        if (p.layout != nullptr) {
            // Kept for presets and hot reload (a mask reallocates only when it grows).
            const std::size_t n = layout.pattern == ntex::LayoutPattern::Mask && layout.mask != nullptr
                                      ? static_cast<std::size_t>(layout.mask_width) * static_cast<std::size_t>(layout.mask_height)
                                      : 0;
            generator->layout_mask.assign(layout.mask, layout.mask + n);
            generator->layout = layout;
            generator->layout.mask = generator->layout_mask.empty() ? nullptr : generator->layout_mask.data();
        }
        // Recorded for ntexSavePreset; sizes were fixed at creation, so this never allocates.
        generator->seed = p.seed;
        generator->has_z = p.z != nullptr;
        if (p.z != nullptr) std::copy(p.z, p.z + z_dim, generator->z.begin());
        generator->psi = p.psi;
        generator->direction_count = p.direction_count;
        std::fill(generator->offsets.begin(), generator->offsets.end(), 0.0f);
        if (p.direction_offsets != nullptr) std::copy(p.direction_offsets, p.direction_offsets + p.direction_count, generator->offsets.begin());
        generator->origin_x = p.origin_x;
        generator->origin_y = p.origin_y;
    });
}

NTEX_API NtexResult ntexGenerate(NtexGenerator generator) {
    return guarded(ntex::api::logger_of_live(generator), "ntexGenerate", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        ntex::api::refresh_generator(generator);
        generator->generator->generate();
    });
}

NTEX_API NtexResult ntexGenerateAsync(NtexGenerator generator) {
    return guarded(ntex::api::logger_of_live(generator), "ntexGenerateAsync", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        ntex::api::refresh_generator(generator);
        generator->generator->generate_async();
    });
}

NTEX_API NtexResult ntexGetResultId(NtexGenerator generator, uint64_t* pResultId) {
    // NOT_READY is the usual answer while a generation runs (polled every frame): a status, not
    // logged as an error.
    bool busy = false;
    NtexResult result = guarded(ntex::api::logger_of_live(generator), "ntexGetResultId", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        require_non_null(pResultId, "pResultId");
        busy = generator->generator->poll(pResultId);
        if (*pResultId != 0 || generator->result_id_base != 0) *pResultId += generator->result_id_base;
    });
    return result == NTEX_SUCCESS && busy ? NTEX_NOT_READY : result;
}

NTEX_API NtexResult ntexWaitIdle(NtexGenerator generator) {
    return guarded(ntex::api::logger_of_live(generator), "ntexWaitIdle", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        generator->generator->wait_idle();
    });
}

}  // extern "C"

namespace {
// `index` < 0: the single image of ntexReadMap ("pImage"), else pImages[index]; map_index: the map it is
// read as (NTEX_MAP_INDEX_PACKED exactly when an NtexChannelPacking is chained).
ntex::HostImageView host_image_view(const NtexHostImage* image, int index, uint32_t map_index) {
    auto name = [&] { return index < 0 ? std::string("pImage") : ntex::cat("pImages[", index, "]"); };
    if (image == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, name(), " is NULL");
    if (raw_enum(image->sType) != NTEX_STRUCTURE_TYPE_HOST_IMAGE) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, name(), "->sType is ", raw_enum(image->sType), ", expected ",
             static_cast<int>(NTEX_STRUCTURE_TYPE_HOST_IMAGE));
    }
    const int format = raw_enum(image->format);
    if (ntex::host_format_texel_size(format) == 0) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, name(), "->format ", format, " is not a known NtexHostFormat");
    }
    if (image->pData == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, name(), "->pData is NULL");
    ntex::HostImageView v;
    v.format = static_cast<NtexHostFormat>(format);
    v.data = image->pData;
    v.row_pitch = image->rowPitch;
    v.size = image->size;
    if (image->pNext != nullptr) {
        const auto* packing = static_cast<const NtexChannelPacking*>(image->pNext);
        if (raw_enum(packing->sType) != NTEX_STRUCTURE_TYPE_CHANNEL_PACKING) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name(), "->pNext has sType ", raw_enum(packing->sType), ", expected NULL or ",
                 static_cast<int>(NTEX_STRUCTURE_TYPE_CHANNEL_PACKING), " (NtexChannelPacking)");
        }
        if (packing->pNext != nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, name(), "->pNext->pNext must be NULL");
        v.packing.emplace();
        std::copy(std::begin(packing->channels), std::end(packing->channels), v.packing->begin());
    }
    if (v.packing.has_value() != (map_index == NTEX_MAP_INDEX_PACKED)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, name(), v.packing ? " chains an NtexChannelPacking: its map index must be NTEX_MAP_INDEX_PACKED"
                                                           : " is read with NTEX_MAP_INDEX_PACKED but chains no NtexChannelPacking");
    }
    return v;
}
}  // namespace

extern "C" {

NTEX_API NtexResult ntexReadMap(NtexGenerator generator, uint32_t mapIndex, const NtexHostImage* pImage) {
    return guarded(ntex::api::logger_of_live(generator), "ntexReadMap", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        const ntex::HostImageView view = host_image_view(pImage, -1, mapIndex);
        generator->generator->read_maps(1, &mapIndex, &view, nullptr);
    });
}

NTEX_API NtexResult ntexReadMaps(NtexGenerator generator, uint32_t count, const uint32_t* pMapIndices, const NtexHostImage* pImages,
                                 uint64_t* pResultId) {
    return guarded(ntex::api::logger_of_live(generator), "ntexReadMaps", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        if (count > NTEX_MAX_MAPS) fail(NTEX_ERROR_INVALID_ARGUMENT, "count ", count, " is above NTEX_MAX_MAPS (", NTEX_MAX_MAPS, ")");
        if (count > 0) {
            require_non_null(pMapIndices, "pMapIndices");
            require_non_null(pImages, "pImages");
        }
        ntex::HostImageView views[NTEX_MAX_MAPS];
        for (uint32_t i = 0; i < count; ++i) views[i] = host_image_view(&pImages[i], static_cast<int>(i), pMapIndices[i]);
        generator->generator->read_maps(count, pMapIndices, views, pResultId);
        if (pResultId != nullptr) *pResultId += generator->result_id_base;
    });
}

}  // extern "C"
