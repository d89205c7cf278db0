// SPDX-License-Identifier: MIT
// vulkan_api.cpp: the C boundary of ntex_vulkan.h (texture sets on the host's Vulkan device).
#include "api/guard.h"
#include "api/handles.h"
#include "interop/texture_set.h"

#include <ntex/ntex_vulkan.h>

using ntex::fail;
using ntex::api::guarded;
using ntex::api::logger_of;
using ntex::api::raw_enum;
using ntex::api::require_non_null;
using ntex::api::require_stype;

struct NtexTextureSet_T {
    NtexContext context = nullptr;
    std::unique_ptr<ntex::interop::TextureSet> set;
};

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
        set->set = std::make_unique<ntex::interop::TextureSet>(context->vulkan, std::move(source), ring, pCreateInfo->mipLevels);
        context->logger.info(ntex::cat("ntex: texture set ", shape.width, "x", shape.height, ", ", map_count, " map(s), ring of ", ring,
                                       ", ", set->set->mip_levels(), " mip level(s) on ", context->vulkan->describe()));
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
        if (!set->set->record_update(commandBuffer, pSignalValue)) status = NTEX_NOT_READY;
    });
    return r != NTEX_SUCCESS ? r : status;
}

NTEX_API NtexResult ntexGetTextureSetImages(NtexTextureSet set, NtexTextureSetImages* pImages) {
    return guarded(ntex::api::logger_of_live(set), "ntexGetTextureSetImages", [&] {
        ntex::api::require_live(set, "set");
        require_non_null(pImages, "pImages");
        require_stype(pImages->sType, NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES, "pImages");
        set->set->images(pImages);
    });
}

}  // extern "C"
