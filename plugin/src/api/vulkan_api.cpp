// SPDX-License-Identifier: MIT
// vulkan_api.cpp: the C boundary of ntex_vulkan.h (texture sets on the host's Vulkan device).
#include "api/conditioning_api.h"
#include "api/guard.h"
#include "api/handles.h"
#include "interop/compute_texels.h"
#include "interop/texture_set.h"
#if NTEX_WITH_CUDA
#include "interop/cuda_texture_set.h"
#endif

#include <ntex/ntex_vulkan.h>

using ntex::fail;
using ntex::api::guarded;
using ntex::api::logger_of;
using ntex::api::raw_enum;
using ntex::api::require_non_null;
using ntex::api::require_stype;

struct NtexTextureSet_T {
    NtexContext context = nullptr;
    NtexGenerator generator = nullptr;
    // Exactly one of the two: `set` (host staging copies, or with `compute` the Vulkan compute path
    // writing the staging buffers on the device) or the CUDA zero-copy path.
    std::unique_ptr<ntex::interop::TextureSet> set;
    std::unique_ptr<ntex::interop::ComputeTexels> compute;   // declared after `set`: destroyed first
#if NTEX_WITH_CUDA
    std::unique_ptr<ntex::interop::CudaTextureSet> cuda;
#endif
    uint32_t mip_levels() const noexcept {
#if NTEX_WITH_CUDA
        if (cuda) return cuda->mip_levels();
#endif
        return set->mip_levels();
    }
};

namespace {

#if NTEX_WITH_CUDA
// The CUDA zero-copy set, or null (with a one-line warning) when any check, export or import fails:
// the CPU path then serves the set. Argument errors (INVALID_ARGUMENT) are not fallbacks.
std::unique_ptr<ntex::interop::CudaTextureSet> try_cuda_set(NtexContext context, NtexGenerator generator,
                                                            const ntex::interop::TextureSetSource& source, uint32_t ring, uint32_t mips) {
    try {
        return std::make_unique<ntex::interop::CudaTextureSet>(context->vulkan, source, *generator->generator, ring, mips);
    } catch (const ntex::Error& e) {
        if (e.result() == NTEX_ERROR_INVALID_ARGUMENT) throw;
        context->logger.warning(ntex::cat("ntex: texture set falls back to host copies (CPU path): ", e.what()));
    }
    return nullptr;
}
#endif

// The Vulkan compute path (the generator's VulkanPlan on the host's device records the network and the
// texel conversion into the host's command buffer), or false (with a one-line warning) when it cannot
// serve this set: the host-copy path then does. Argument errors (INVALID_ARGUMENT) are not fallbacks.
bool try_compute_set(NtexContext context, NtexTextureSet_T& set, const ntex::interop::TextureSetSource& source, uint32_t ring, uint32_t mips) {
    try {
        auto staged = std::make_unique<ntex::interop::TextureSet>(context->vulkan, source, ring, mips, true);
        set.compute = std::make_unique<ntex::interop::ComputeTexels>(*staged, *set.generator->generator);
        set.set = std::move(staged);
        return true;
    } catch (const ntex::Error& e) {
        if (e.result() == NTEX_ERROR_INVALID_ARGUMENT) throw;
        set.compute.reset();
        context->logger.warning(ntex::cat("ntex: texture set falls back to host copies (CPU conversion): ", e.what()));
    }
    return false;
}

// Fills the NtexTextureSetPathInfo structs of an NtexTextureSetImages' pNext chain (bounded walk).
void fill_path_info(const NtexTextureSet_T& set, void* pnext) {
    struct Header {
        NtexStructureType sType;
        void* pNext;
    };
    int length = 0;
    for (auto* next = static_cast<Header*>(pnext); next != nullptr; next = static_cast<Header*>(next->pNext)) {
        if (++length > ntex::api::kMaxChainLength) fail(NTEX_ERROR_INVALID_ARGUMENT, "pImages->pNext chain is longer than ", ntex::api::kMaxChainLength, " structs");
        if (raw_enum(next->sType) != NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pImages->pNext chain holds an unknown sType ", raw_enum(next->sType));
        }
        auto* info = reinterpret_cast<NtexTextureSetPathInfo*>(next);
        info->path = set.compute ? NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE : NTEX_TEXTURE_SET_PATH_HOST_COPIES;
#if NTEX_WITH_CUDA
        if (set.cuda) info->path = NTEX_TEXTURE_SET_PATH_CUDA;
#endif
        info->generatesOnUpdate = info->path == NTEX_TEXTURE_SET_PATH_HOST_COPIES ? VK_FALSE : VK_TRUE;
    }
}

}  // namespace

extern "C" {

NTEX_API NtexResult ntexCreateTextureSet(NtexContext context, const NtexTextureSetCreateInfo* pCreateInfo, NtexTextureSet* pSet) {
    return guarded(ntex::api::logger_of_live(context), "ntexCreateTextureSet", [&] {
        ntex::api::require_live(context, "context");
        require_non_null(pCreateInfo, "pCreateInfo");
        require_non_null(pSet, "pSet");
        *pSet = nullptr;
        require_stype(pCreateInfo->sType, NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO, "pCreateInfo");
        ntex::api::require_live(pCreateInfo->generator, "pCreateInfo->generator");
        if (!context->vulkan) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "the context has no Vulkan device: chain an NtexVulkanDeviceInfo into "
                                              "NtexContextCreateInfo::pNext");
        }
        if (pCreateInfo->generator->context != context) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->generator belongs to another context");
        }
        const NtexGenerator generator = pCreateInfo->generator;
        ntex::interop::TextureSetSource source;
        source.generator = generator;
        const ntex::api::GeneratorShape shape = ntex::api::generator_shape(generator);
        source.width = shape.width;
        source.height = shape.height;
        const uint32_t map_count = static_cast<uint32_t>(shape.semantics.size());
        const uint32_t mask = pCreateInfo->mapMask == 0 ? (1u << map_count) - 1u : pCreateInfo->mapMask;
        if ((mask >> map_count) != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->mapMask 0x", std::hex, pCreateInfo->mapMask, std::dec,
                 " selects a map beyond the model's ", map_count);
        }
        for (uint32_t i = 0; i < map_count; ++i) {
            if (mask & (1u << i)) {
                source.map_indices.push_back(i);
                source.semantics.push_back(shape.semantics[i]);
            }
        }
        if (pCreateInfo->pFormats != nullptr) {
            source.formats.assign(pCreateInfo->pFormats, pCreateInfo->pFormats + source.map_indices.size());
        }
        const uint32_t ring = pCreateInfo->ringSize == 0 ? 2u : pCreateInfo->ringSize;
        auto set = std::make_unique<NtexTextureSet_T>();
        set->context = context;
        set->generator = generator;
#if NTEX_WITH_CUDA
        if (context->backend == NTEX_BACKEND_CUDA) set->cuda = try_cuda_set(context, generator, source, ring, pCreateInfo->mipLevels);
        if (!set->cuda)
#endif
        {
            if (context->backend == NTEX_BACKEND_VULKAN) try_compute_set(context, *set, source, ring, pCreateInfo->mipLevels);
            if (!set->set) set->set = std::make_unique<ntex::interop::TextureSet>(context->vulkan, std::move(source), ring, pCreateInfo->mipLevels);
        }
        const char* path = set->compute ? "Vulkan compute (recorded into the host's command buffer)" : "host copies";
#if NTEX_WITH_CUDA
        if (set->cuda) path = "zero-copy CUDA";
#endif
        context->logger.info(ntex::cat("ntex: texture set ", shape.width, "x", shape.height, ", ", map_count, " map(s), ring of ", ring,
                                       ", ", set->mip_levels(), " mip level(s), ", path, ", on ", context->vulkan->describe()));
        ntex::api::register_handle(set.get());
        *pSet = set.release();
    });
}

NTEX_API void ntexDestroyTextureSet(NtexTextureSet set) {
    // NULL, already destroyed or unknown handles are ignored (never a double free).
    if (set == nullptr || !ntex::api::is_live(set)) return;
    ntex::api::unregister_handle(set);
    delete set;
}

NTEX_API NtexResult ntexCmdUpdateTextureSet(NtexTextureSet set, VkCommandBuffer commandBuffer, uint64_t* pSignalValue) {
    NtexResult status = NTEX_SUCCESS;
    const NtexResult r = guarded(ntex::api::logger_of_live(set), "ntexCmdUpdateTextureSet", [&] {
        ntex::api::require_live(set, "set");
        require_non_null(pSignalValue, "pSignalValue");
        if (commandBuffer == VK_NULL_HANDLE) fail(NTEX_ERROR_INVALID_ARGUMENT, "commandBuffer is VK_NULL_HANDLE");
        *pSignalValue = 0;
#if NTEX_WITH_CUDA
        if (set->cuda) {
            // The generator must outlive the set; a hot reload replaces its AsyncGenerator (and plan).
            ntex::api::require_live(set->generator, "the set's generator");
            ntex::api::refresh_generator(set->generator);
            if (!set->cuda->record_update(commandBuffer, *set->generator->generator, pSignalValue)) status = NTEX_NOT_READY;
            return;
        }
#endif
        if (set->compute) {
            ntex::api::require_live(set->generator, "the set's generator");
            ntex::api::refresh_generator(set->generator);
            ntex::AsyncGenerator& generator = *set->generator->generator;
            const auto device_texels = [&](VkCommandBuffer cmd, std::size_t slot) { return set->compute->record(cmd, generator, slot); };
            if (!set->set->record_update(commandBuffer, pSignalValue, device_texels)) status = NTEX_NOT_READY;
            return;
        }
        if (!set->set->record_update(commandBuffer, pSignalValue)) status = NTEX_NOT_READY;
    });
    return r != NTEX_SUCCESS ? r : status;
}

NTEX_API NtexResult ntexGetTextureSetImages(NtexTextureSet set, NtexTextureSetImages* pImages) {
    return guarded(ntex::api::logger_of_live(set), "ntexGetTextureSetImages", [&] {
        ntex::api::require_live(set, "set");
        require_non_null(pImages, "pImages");
        require_stype(pImages->sType, NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES, "pImages");
        fill_path_info(*set, pImages->pNext);
#if NTEX_WITH_CUDA
        if (set->cuda) {
            set->cuda->images(pImages);
            return;
        }
#endif
        set->set->images(pImages);
    });
}

}  // extern "C"
