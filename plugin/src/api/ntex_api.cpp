// SPDX-License-Identifier: MIT
// The C boundary: validates arguments and turns every exception into an NtexResult, keeps the
// message for ntexGetLastErrorMessage and sends it to the host's log callback. Nothing throws
// across extern "C".
#include "api/handles.h"
#include "core/error.h"
#include "runtime/hash_noise.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include <omp.h>

namespace {

thread_local std::string t_last_error;

void set_last_error(const ntex::Logger* logger, const char* function, NtexResult result, const char* message) noexcept {
    try {
        t_last_error = message;
        if (logger != nullptr) {
            logger->log(result < 0 ? NTEX_LOG_LEVEL_ERROR : NTEX_LOG_LEVEL_WARNING,
                        std::string(function) + ": " + ntexResultToString(result) + ": " + message);
        }
    } catch (...) {
        // Out of memory while formatting: keep the previous message rather than throw.
    }
}

// Runs body; maps exceptions to result codes. The only place exceptions become codes.
template <typename Body>
NtexResult guarded(const ntex::Logger* logger, const char* function, Body&& body) noexcept {
    try {
        body();
        return NTEX_SUCCESS;
    } catch (const ntex::Error& e) {
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

using ntex::fail;

// Enum fields come from C callers and may hold any int; reading them through the enum type would
// be undefined for out-of-range values, so they are inspected as their raw integer.
template <typename E>
int raw_enum(const E& value) noexcept {
    static_assert(sizeof(E) == sizeof(int), "C enums are int-sized here");
    int raw = 0;
    std::memcpy(&raw, &value, sizeof raw);
    return raw;
}

template <typename T>
void require_non_null(const T* p, const char* name) {
    if (p == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, name, " is NULL");
}

void require_stype(const NtexStructureType& actual, NtexStructureType expected, const char* name) {
    if (raw_enum(actual) != static_cast<int>(expected)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, name, "->sType is ", raw_enum(actual), ", expected ", static_cast<int>(expected));
    }
}

const ntex::Logger* logger_of(NtexContext c) noexcept { return c ? &c->logger : nullptr; }

void copy_name(char (&dst)[NTEX_MAX_NAME_SIZE], const std::string& src) noexcept {
    std::size_t n = std::min<std::size_t>(src.size(), NTEX_MAX_NAME_SIZE - 1);
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

NTEX_API NtexResult ntexCreateContext(const NtexContextCreateInfo* pCreateInfo, NtexContext* pContext) {
    ntex::Logger host_logger;
    if (pCreateInfo != nullptr && raw_enum(pCreateInfo->sType) == NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO) {
        host_logger = ntex::Logger(pCreateInfo->pfnLog, pCreateInfo->pLogUserData);
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
        NtexBackend backend = NTEX_BACKEND_CPU;
        if (requested == NTEX_BACKEND_CUDA) {
            fail(NTEX_ERROR_UNSUPPORTED, "the CUDA backend is not built into this library");
        } else if (requested != NTEX_BACKEND_AUTO && requested != NTEX_BACKEND_CPU) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "unknown backend ", requested);
        }
        if (pCreateInfo->threadCount > 1024) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "threadCount ", pCreateInfo->threadCount, " is above 1024");
        }
        auto context = std::make_unique<NtexContext_T>();
        context->logger = host_logger;
        context->backend = backend;
        context->threads = pCreateInfo->threadCount != 0 ? static_cast<int>(pCreateInfo->threadCount) : std::max(1, omp_get_num_procs());
        context->logger.info(ntex::cat("ntex: CPU backend (oneDNN ", dnnl::version()->major, ".", dnnl::version()->minor, ".",
                                       dnnl::version()->patch, "), ", context->threads, " threads"));
        *pContext = context.release();
    });
}

NTEX_API void ntexDestroyContext(NtexContext context) { delete context; }

NTEX_API NtexBackend ntexGetContextBackend(NtexContext context) {
    return context != nullptr ? context->backend : NTEX_BACKEND_AUTO;
}

NTEX_API NtexResult ntexLoadModel(NtexContext context, const NtexModelLoadInfo* pLoadInfo, NtexModel* pModel) {
    return guarded(logger_of(context), "ntexLoadModel", [&] {
        require_non_null(context, "context");
        require_non_null(pLoadInfo, "pLoadInfo");
        require_non_null(pModel, "pModel");
        *pModel = nullptr;
        require_stype(pLoadInfo->sType, NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO, "pLoadInfo");
        require_non_null(pLoadInfo->pPath, "pLoadInfo->pPath");
        auto model = std::make_unique<NtexModel_T>();
        model->context = context;
        model->model = ntex::LoadedModel::load(pLoadInfo->pPath);
        const auto& d = model->model->description();
        context->logger.info(ntex::cat("ntex: loaded model '", d.name, "' (", d.ops.size(), " ops, ",
                                       model->model->parameter_count(), " parameters)"));
        *pModel = model.release();
    });
}

NTEX_API void ntexDestroyModel(NtexModel model) { delete model; }

NTEX_API NtexResult ntexGetModelInfo(NtexModel model, NtexModelInfo* pInfo) {
    return guarded(model ? logger_of(model->context) : nullptr, "ntexGetModelInfo", [&] {
        require_non_null(model, "model");
        require_non_null(pInfo, "pInfo");
        require_stype(pInfo->sType, NTEX_STRUCTURE_TYPE_MODEL_INFO, "pInfo");
        const ntex::ModelDescription& d = model->model->description();
        void* next = pInfo->pNext;
        std::memset(pInfo, 0, sizeof *pInfo);
        pInfo->sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        pInfo->pNext = next;
        copy_name(pInfo->name, d.name);
        pInfo->zDim = static_cast<uint32_t>(d.z_dim);
        pInfo->wDim = static_cast<uint32_t>(d.w_dim);
        pInfo->cellSize = static_cast<uint32_t>(d.cell_size);
        pInfo->mapCount = static_cast<uint32_t>(d.outputs.size());
        for (std::size_t i = 0; i < d.outputs.size() && i < NTEX_MAX_MAPS; ++i) copy_name(pInfo->mapNames[i], d.outputs[i].name);
        pInfo->parameterCount = model->model->parameter_count();
    });
}

NTEX_API NtexResult ntexLatentFromSeed(NtexModel model, uint32_t seed, float* pZ, uint32_t zCount) {
    return guarded(model ? logger_of(model->context) : nullptr, "ntexLatentFromSeed", [&] {
        require_non_null(model, "model");
        require_non_null(pZ, "pZ");
        const int z_dim = model->model->description().z_dim;
        if (zCount != static_cast<uint32_t>(z_dim)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "zCount ", zCount, " differs from the model's zDim ", z_dim);
        }
        std::vector<float> z = ntex::latent_from_seed(seed, z_dim);
        std::copy(z.begin(), z.end(), pZ);
    });
}

NTEX_API NtexResult ntexCreateGenerator(NtexContext context, const NtexGeneratorCreateInfo* pCreateInfo, NtexGenerator* pGenerator) {
    return guarded(logger_of(context), "ntexCreateGenerator", [&] {
        require_non_null(context, "context");
        require_non_null(pCreateInfo, "pCreateInfo");
        require_non_null(pGenerator, "pGenerator");
        *pGenerator = nullptr;
        require_stype(pCreateInfo->sType, NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO, "pCreateInfo");
        require_non_null(pCreateInfo->model, "pCreateInfo->model");
        ntex::TextureGenerator::validate_size(pCreateInfo->model->model->description(), pCreateInfo->width, pCreateInfo->height);
        auto generator = std::make_unique<NtexGenerator_T>();
        generator->context = context;
        ntex::GeneratorSettings settings;
        settings.threads = context->threads;
        generator->generator = std::make_unique<ntex::TextureGenerator>(pCreateInfo->model->model, static_cast<int>(pCreateInfo->width),
                                                                        static_cast<int>(pCreateInfo->height), settings);
        context->logger.info(ntex::cat("ntex: generator ", pCreateInfo->width, "x", pCreateInfo->height, " on the CPU backend, ",
                                       context->threads, " threads"));
        context->logger.debug("ntex: plan:\n" + generator->generator->backend().describe());
        *pGenerator = generator.release();
    });
}

NTEX_API void ntexDestroyGenerator(NtexGenerator generator) { delete generator; }

NTEX_API NtexResult ntexSetGeneratorParams(NtexGenerator generator, const NtexGeneratorParams* pParams) {
    return guarded(generator ? logger_of(generator->context) : nullptr, "ntexSetGeneratorParams", [&] {
        require_non_null(generator, "generator");
        require_non_null(pParams, "pParams");
        require_stype(pParams->sType, NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS, "pParams");
        const uint32_t z_dim = static_cast<uint32_t>(generator->generator->model().description().z_dim);
        if (pParams->pZ != nullptr && pParams->zCount != z_dim) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pParams->zCount ", pParams->zCount, " differs from the model's zDim ", z_dim);
        }
        generator->generator->set_params(pParams->seed, pParams->pZ, pParams->truncationPsi);
    });
}

NTEX_API NtexResult ntexGenerate(NtexGenerator generator) {
    return guarded(generator ? logger_of(generator->context) : nullptr, "ntexGenerate", [&] {
        require_non_null(generator, "generator");
        generator->generator->generate();
    });
}

NTEX_API NtexResult ntexReadMap(NtexGenerator generator, uint32_t mapIndex, const NtexHostImage* pImage) {
    return guarded(generator ? logger_of(generator->context) : nullptr, "ntexReadMap", [&] {
        require_non_null(generator, "generator");
        require_non_null(pImage, "pImage");
        require_stype(pImage->sType, NTEX_STRUCTURE_TYPE_HOST_IMAGE, "pImage");
        require_non_null(pImage->pData, "pImage->pData");
        const int format = raw_enum(pImage->format);
        if (format != NTEX_HOST_FORMAT_R8G8B8A8 && format != NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pImage->format ", format, " is not a known NtexHostFormat");
        }
        generator->generator->read_map(mapIndex, pImage->format, pImage->pData, pImage->rowPitch, pImage->size);
    });
}

}  // extern "C"

// Header version 2 entry points: placeholders until the asynchronous runtime lands (issue 4).
extern "C" {

NTEX_API NtexResult ntexGenerateAsync(NtexGenerator generator) {
    return guarded(generator ? logger_of(generator->context) : nullptr, "ntexGenerateAsync", [&] {
        require_non_null(generator, "generator");
        generator->generator->generate();
    });
}

NTEX_API NtexResult ntexGetResultId(NtexGenerator generator, uint64_t* pResultId) {
    return guarded(generator ? logger_of(generator->context) : nullptr, "ntexGetResultId", [&] {
        require_non_null(generator, "generator");
        require_non_null(pResultId, "pResultId");
        *pResultId = generator->generator->has_result() ? 1 : 0;
    });
}

NTEX_API NtexResult ntexWaitIdle(NtexGenerator generator) {
    return guarded(generator ? logger_of(generator->context) : nullptr, "ntexWaitIdle", [&] {
        require_non_null(generator, "generator");
    });
}

NTEX_API NtexResult ntexReadMaps(NtexGenerator generator, uint32_t count, const uint32_t* pMapIndices,
                                 const NtexHostImage* pImages, uint64_t* pResultId) {
    for (uint32_t i = 0; i < count; ++i) {
        if (pMapIndices == nullptr || pImages == nullptr) break;
        NtexResult r = ntexReadMap(generator, pMapIndices[i], &pImages[i]);
        if (r != NTEX_SUCCESS) return r;
    }
    if (pResultId != nullptr) *pResultId = 1;
    return NTEX_SUCCESS;
}

}  // extern "C"
