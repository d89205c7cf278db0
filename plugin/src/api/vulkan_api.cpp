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

#include <atomic>

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
    uint32_t selected_maps = 0;
    uint32_t serial = 0;             // 1, 2, ... per process: the number in debug names and labels
    uint32_t busy_updates = 0;       // consecutive updates that found their slot's upload not executed
    bool stall_reported = false;     // the one-time warning about a release value never signalled
    NtexTextureSet_T() = default;
    NtexTextureSet_T(const NtexTextureSet_T&) = delete;
    NtexTextureSet_T& operator=(const NtexTextureSet_T&) = delete;
    // The host path's result listener goes with the set. Only from a generator that still exists and
    // was not replaced by a hot reload (a replaced one took its listeners with it).
    ~NtexTextureSet_T() {
        if (set && ntex::api::is_live(generator) && set->attached_to(*generator->generator, generator->model_revision)) set->detach();
    }
    // Host path: the generator's worker converts its results for this set (see TextureSet::attach).
    void attach_host_path() {
        if (set && !compute) set->attach(*generator->generator, generator->result_id_base, generator->model_revision);
    }
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

// What NtexTextureSetCreateInfo::pNext adds to `source` (bounded walk): an NtexTextureSetSyncInfo's consumer
// stages (else the default), an NtexTextureSetTargetsInfo's host-owned targets and an
// NtexTextureSetTargetOffsetsInfo's atlas offsets (both checked by TextureSet), the mip filter.
// Unknown sTypes, stages that cannot sample (or, on a compute-only family, graphics stages) and a NULL
// pTargets are INVALID_ARGUMENT. graphics, compute: what the context's queue family has (the default consumer
// stages are those of FRAGMENT | COMPUTE it can wait for).
void read_create_chain(const void* pnext, ntex::interop::TextureSetSource& source, bool graphics, bool compute) {
    struct Header {
        NtexStructureType sType;
        const void* pNext;
    };
    const VkPipelineStageFlags default_stages =
        !graphics ? ntex::interop::kComputeFamilyDefaultStages
        : compute ? ntex::interop::kDefaultConsumerStages
                  : VkPipelineStageFlags{VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT};
    source.consumer_stages = default_stages;
    int length = 0;
    bool have_targets = false, have_sync = false, have_mips = false, have_offsets = false, have_packing = false;
    for (auto* next = static_cast<const Header*>(pnext); next != nullptr; next = static_cast<const Header*>(next->pNext)) {
        if (++length > ntex::api::kMaxChainLength) fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain is longer than ", ntex::api::kMaxChainLength, " structs");
        const int type = raw_enum(next->sType);
        if (type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO && type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO &&
            type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO && type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO &&
            type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain holds an unknown sType ", type);
        }
        // One of each: a second one silently replacing the first would hide a host's mistake.
        bool& seen = type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO ? have_targets
                     : type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO  ? have_sync
                     : type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO   ? have_mips
                     : type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO ? have_packing
                                                                          : have_offsets;
        if (seen) fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->pNext chain holds sType ", type, " twice");
        seen = true;
        if (type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO) {
            const auto* info = reinterpret_cast<const NtexTextureSetTargetsInfo*>(next);
            if (info->targetCount == 0 || info->pTargets == nullptr) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetsInfo: targetCount ", info->targetCount, " with pTargets ",
                     info->pTargets == nullptr ? "NULL" : "set", ": give ringSize x selected maps targets");
            }
            // Bounded before copying: a wild count is refused here rather than read out of bounds.
            if (info->targetCount > 4u * NTEX_MAX_MAPS) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetsInfo::targetCount ", info->targetCount, " is above ringSize x maps (at most ",
                     4u * NTEX_MAX_MAPS, ")");
            }
            source.targets.assign(info->pTargets, info->pTargets + info->targetCount);
            source.final_layout = info->finalLayout == VK_IMAGE_LAYOUT_UNDEFINED ? VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL : info->finalLayout;
            continue;
        }
        if (type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO) {
            const auto* info = reinterpret_cast<const NtexTextureSetTargetOffsetsInfo*>(next);
            if (info->offsetCount == 0 || info->pOffsets == nullptr) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetOffsetsInfo: offsetCount ", info->offsetCount, " with pOffsets ",
                     info->pOffsets == nullptr ? "NULL" : "set", ": give one offset per target");
            }
            if (info->offsetCount > 4u * NTEX_MAX_MAPS) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetOffsetsInfo::offsetCount ", info->offsetCount,
                     " is above ringSize x maps (at most ", 4u * NTEX_MAX_MAPS, ")");
            }
            source.target_offsets.assign(info->pOffsets, info->pOffsets + info->offsetCount);
            continue;
        }
        if (type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO) {
            const auto* info = reinterpret_cast<const NtexTextureSetPackingInfo*>(next);
            if (info->imageCount == 0 || info->imageCount > NTEX_MAX_MAPS || info->pImages == nullptr) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetPackingInfo: imageCount ", info->imageCount, " with pImages ",
                     info->pImages == nullptr ? "NULL" : "set", ": give 1..", NTEX_MAX_MAPS, " packed images");
            }
            for (uint32_t i = 0; i < info->imageCount; ++i) {
                const NtexChannelPacking& p = info->pImages[i];
                if (raw_enum(p.sType) != NTEX_STRUCTURE_TYPE_CHANNEL_PACKING || p.pNext != nullptr) {
                    fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetPackingInfo::pImages[", i, "]: sType ", raw_enum(p.sType),
                         p.pNext != nullptr ? " with a non-NULL pNext" : "", ", expected sType ",
                         static_cast<int>(NTEX_STRUCTURE_TYPE_CHANNEL_PACKING), " and pNext NULL");
                }
                std::array<NtexChannelSource, 4> sources{};
                std::copy(std::begin(p.channels), std::end(p.channels), sources.begin());
                source.packings.push_back(sources);
            }
            continue;
        }
        if (type == NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO) {
            const int filter = raw_enum(reinterpret_cast<const NtexTextureSetMipInfo*>(next)->filter);
            if (filter != NTEX_MIP_FILTER_BLIT && filter != NTEX_MIP_FILTER_MATERIAL) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetMipInfo::filter ", filter, " is not an NtexMipFilter (0 BLIT, 1 MATERIAL)");
            }
            source.mip_filter = static_cast<NtexMipFilter>(filter);
            continue;
        }
        const VkPipelineStageFlags mask = reinterpret_cast<const NtexTextureSetSyncInfo*>(next)->consumerStageMask;
        if ((mask & ~ntex::interop::kShaderStages) != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetSyncInfo::consumerStageMask 0x", std::hex, mask, std::dec,
                 " holds stages that cannot sample an image (allowed: the vertex, tessellation, geometry, fragment, compute, task, mesh and ray-tracing shader stages)");
        }
        if (!compute && (mask & VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT) != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetSyncInfo::consumerStageMask 0x", std::hex, mask, std::dec,
                 " holds the compute stage, which the context's queue family (without compute) cannot wait for");
        }
        if (!graphics && (mask & ~ntex::interop::kComputeFamilyStages) != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetSyncInfo::consumerStageMask 0x", std::hex, mask, std::dec,
                 " holds graphics stages, which the context's compute-only queue family cannot wait for (allowed: compute and ray-tracing shader stages)");
        }
        source.consumer_stages = mask == 0 ? default_stages : mask;
        const VkBool32 defer = reinterpret_cast<const NtexTextureSetSyncInfo*>(next)->deferFinalBarriers;
        if (defer != VK_FALSE && defer != VK_TRUE) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetSyncInfo::deferFinalBarriers ", defer, " is neither VK_FALSE nor VK_TRUE");
        }
        source.defer_final_barriers = defer == VK_TRUE;
    }
    if (have_offsets && !have_targets) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexTextureSetTargetOffsetsInfo without NtexTextureSetTargetsInfo: offsets place host-owned targets");
    }
}

// Fills the NtexTextureSetPathInfo and NtexTextureSetMemoryInfo structs of an NtexTextureSetImages'
// pNext chain. The chain is checked whole first (bounded walk), so an error leaves every struct as it was.
void fill_chained_info(const NtexTextureSet_T& set, void* pnext) {
    struct Header {
        NtexStructureType sType;
        void* pNext;
    };
    int length = 0;
    for (auto* next = static_cast<Header*>(pnext); next != nullptr; next = static_cast<Header*>(next->pNext)) {
        if (++length > ntex::api::kMaxChainLength) fail(NTEX_ERROR_INVALID_ARGUMENT, "pImages->pNext chain is longer than ", ntex::api::kMaxChainLength, " structs");
        const int type = raw_enum(next->sType);
        if (type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO && type != NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pImages->pNext chain holds an unknown sType ", type);
        }
    }
    for (auto* next = static_cast<Header*>(pnext); next != nullptr; next = static_cast<Header*>(next->pNext)) {
        if (raw_enum(next->sType) == NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO) {
            auto* memory = reinterpret_cast<NtexTextureSetMemoryInfo*>(next);
#if NTEX_WITH_CUDA
            if (set.cuda) {
                set.cuda->memory_info(memory);
                continue;
            }
#endif
            set.set->memory_info(memory);
            // The material mip filter's work buffer on the Vulkan compute path (suballocated from the
            // generator's blocks, so not in deviceMemoryAllocations).
            if (set.compute) memory->stagingBytes += set.compute->work_bytes();
            continue;
        }
        auto* info = reinterpret_cast<NtexTextureSetPathInfo*>(next);
        info->path = set.compute ? NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE : NTEX_TEXTURE_SET_PATH_HOST_COPIES;
#if NTEX_WITH_CUDA
        if (set.cuda) info->path = NTEX_TEXTURE_SET_PATH_CUDA;
#endif
        info->generatesOnUpdate = info->path == NTEX_TEXTURE_SET_PATH_HOST_COPIES ? VK_FALSE : VK_TRUE;
        info->callerConversions = info->path == NTEX_TEXTURE_SET_PATH_HOST_COPIES ? set.set->caller_conversions() : 0;
    }
}

// A host that never signals the value an update asked for stalls the set forever: every later update
// finds its slot's upload "not executed" and returns NOT_READY. Said once, as a warning naming the
// semaphore, after kStallUpdates such updates in a row (about two seconds at 60 frames per second).
constexpr uint32_t kStallUpdates = 120;

void note_busy_slot(NtexTextureSet_T& set, bool recorded) {
    if (recorded) {
        set.busy_updates = 0;
        return;
    }
    const bool busy = set.set->last_update_found_slot_busy();
    set.busy_updates = busy ? set.busy_updates + 1 : 0;
    if (busy && set.context->logger.wants_message(NTEX_LOG_LEVEL_DEBUG)) {
        set.context->logger.message(NTEX_LOG_LEVEL_DEBUG, NTEX_NOT_READY,
                                    ntex::cat("ntex: texture set: update skipped: the next slot's upload has not executed (semaphore value ",
                                              set.set->semaphore_value(), ", slot waits for ", set.set->next_slot_wait_value(), ")"));
    }
    if (set.busy_updates == kStallUpdates && !set.stall_reported) {
        set.stall_reported = true;
        set.context->logger.log(NTEX_LOG_LEVEL_WARNING, ntex::cat("ntex: texture set: ", kStallUpdates, " updates in a row found the next slot's upload not executed: "
                                              "does every submit of a recorded update signal (NtexTextureSetImages::semaphore, *pSignalValue)? "
                                              "(semaphore value ", set.set->semaphore_value(), ", slot waits for ", set.set->next_slot_wait_value(), ")"),
                                NTEX_NOT_READY);
    }
}

// ntexGetTextureSetImages (slot < 0: the newest update's) and ntexGetTextureSetSlotImages (ring slot `slot`).
void fill_images(NtexTextureSet set, int64_t slot, NtexTextureSetImages* pImages) {
    ntex::api::require_live(set, "set");
    require_non_null(pImages, "pImages");
    require_stype(pImages->sType, NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES, "pImages");
#if NTEX_WITH_CUDA
    const uint32_t ring = set->cuda ? set->cuda->ring_size() : set->set->ring_size();
#else
    const uint32_t ring = set->set->ring_size();
#endif
    if (slot >= ring) fail(NTEX_ERROR_INVALID_ARGUMENT, "slot ", slot, " is not below the ring size ", ring);
    fill_chained_info(*set, pImages->pNext);
#if NTEX_WITH_CUDA
    if (set->cuda) {
        set->cuda->images(pImages, static_cast<int>(slot));
        return;
    }
#endif
    set->set->images(pImages, static_cast<int>(slot));
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
        const ntex::api::GeneratorUse use(pCreateInfo->generator, "pCreateInfo->generator");
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
        read_create_chain(pCreateInfo->pNext, source, context->vulkan->graphics(), context->vulkan->compute());
        if (!source.packings.empty()) {
            // Packed images replace the map selection; each source is checked against the model here
            // (and again at every read: a hot reload may change the maps).
            if (pCreateInfo->mapMask != 0) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->mapMask must be 0 with an NtexTextureSetPackingInfo (it selects the images)");
            }
            for (std::size_t i = 0; i < source.packings.size(); ++i) {
                const std::string what = ntex::cat("NtexTextureSetPackingInfo::pImages[", i, "]");
                ntex::packed_select(shape.layout, source.packings[i], what.c_str());
                source.map_indices.push_back(NTEX_MAP_INDEX_PACKED);
                source.semantics.push_back(NTEX_MAP_SEMANTIC_OTHER);
            }
        }
        const uint32_t mask = pCreateInfo->mapMask == 0 ? (1u << map_count) - 1u : pCreateInfo->mapMask;
        if ((mask >> map_count) != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pCreateInfo->mapMask 0x", std::hex, pCreateInfo->mapMask, std::dec,
                 " selects a map beyond the model's ", map_count);
        }
        for (uint32_t i = 0; i < map_count && source.packings.empty(); ++i) {
            if (mask & (1u << i)) {
                source.map_indices.push_back(i);
                source.semantics.push_back(shape.semantics[i]);
            }
        }
        if (pCreateInfo->pFormats != nullptr) {
            source.formats.assign(pCreateInfo->pFormats, pCreateInfo->pFormats + source.map_indices.size());
            // Allowed (1-channel formats take the first channel, R8G8 the first two) but almost always a
            // mistake for a colour, and a 1-channel normal loses its direction: say so once. R8G8 is the
            // usual two-channel normal encoding, so a normal in it gets no warning.
            for (std::size_t i = 0; i < source.formats.size() && source.packings.empty(); ++i) {
                const VkFormat f = source.formats[i];
                const bool one_channel = f == VK_FORMAT_R8_UNORM || f == VK_FORMAT_R16_UNORM || f == VK_FORMAT_R16_SFLOAT || f == VK_FORMAT_R32_SFLOAT;
                const NtexMapSemantic sem = source.semantics[i];
                const bool colour_or_normal = sem == NTEX_MAP_SEMANTIC_ALBEDO || sem == NTEX_MAP_SEMANTIC_NORMAL;
                if (one_channel && colour_or_normal) {
                    context->logger.warning(ntex::cat("ntex: texture set: map ", source.map_indices[i], " (",
                                                      sem == NTEX_MAP_SEMANTIC_ALBEDO ? "albedo" : "normal", ") goes to the 1-channel VkFormat ",
                                                      static_cast<int>(f), ": only its first channel is kept"));
                } else if (f == VK_FORMAT_R8G8_UNORM && sem == NTEX_MAP_SEMANTIC_ALBEDO) {
                    context->logger.warning(ntex::cat("ntex: texture set: map ", source.map_indices[i],
                                                      " (albedo) goes to VK_FORMAT_R8G8_UNORM: its blue channel is dropped"));
                }
            }
        }
        const uint32_t ring = pCreateInfo->ringSize == 0 ? 2u : pCreateInfo->ringSize;
        const bool packed = !source.packings.empty();   // for the log below (source moves into the set)
        auto set = std::make_unique<NtexTextureSet_T>();
        set->selected_maps = static_cast<uint32_t>(source.map_indices.size());
        set->context = context;
        set->generator = generator;
#if NTEX_WITH_CUDA
        // CUDA writes only images whose memory it imported, which host-owned targets are not.
        if (context->backend == NTEX_BACKEND_CUDA && !source.targets.empty()) {
            context->logger.info("ntex: texture set with host-owned targets: host copies (CUDA writes only images it exported itself)");
        } else if (context->backend == NTEX_BACKEND_CUDA) {
            set->cuda = try_cuda_set(context, generator, source, ring, pCreateInfo->mipLevels);
        }
        if (!set->cuda)
#endif
        {
            if (context->backend == NTEX_BACKEND_VULKAN) try_compute_set(context, *set, source, ring, pCreateInfo->mipLevels);
            if (!set->set) set->set = std::make_unique<ntex::interop::TextureSet>(context->vulkan, std::move(source), ring, pCreateInfo->mipLevels);
        }
        set->attach_host_path();
        static std::atomic<uint32_t> serials{0};
        set->serial = ++serials;
        if (set->set) set->set->name_objects(ntex::cat("ntex texture set ", set->serial));   // VK_EXT_debug_utils, when on
        if (set->compute) set->compute->name_objects(ntex::cat("ntex texture set ", set->serial));
#if NTEX_WITH_CUDA
        if (set->cuda) set->cuda->name_objects(ntex::cat("ntex texture set ", set->serial));
#endif
        const char* path = set->compute ? "Vulkan compute (recorded into the host's command buffer)" : "host copies";
#if NTEX_WITH_CUDA
        if (set->cuda) path = "zero-copy CUDA";
#endif
        const bool host_targets = set->set && !set->set->source().targets.empty();
        const std::string images = packed ? ntex::cat(set->selected_maps, " channel-packed image(s) of the model's ", map_count, " map(s)")
                                          : ntex::cat(set->selected_maps, " of the model's ", map_count, " map(s)");
        context->logger.info(ntex::cat("ntex: texture set ", shape.width, "x", shape.height, ", ", images, host_targets ? " into host-owned images" : "", ", ring of ", ring,
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
        // Deferred final barriers describe this call's commands only: none survive from an earlier call, also
        // when this one fails below.
#if NTEX_WITH_CUDA
        if (set->cuda) set->cuda->clear_final_barriers();
#endif
        if (set->set) set->set->clear_final_barriers();
        require_non_null(pSignalValue, "pSignalValue");
        if (commandBuffer == VK_NULL_HANDLE) fail(NTEX_ERROR_INVALID_ARGUMENT, "commandBuffer is VK_NULL_HANDLE");
        *pSignalValue = 0;
        // The generator must outlive the set; a hot reload replaces its AsyncGenerator (and plan).
        const ntex::api::GeneratorUse use(set->generator, "the set's generator");
        ntex::api::refresh_generator(set->generator);
        ntex::AsyncGenerator& generator = *set->generator->generator;
        bool recorded = false;
        // VK_EXT_debug_utils (NtexVulkanDebugInfo): the recorded commands under one label, closed on
        // every path out (also when nothing was recorded: an empty label region is valid).
        const ntex::interop::VulkanDevice& device = *set->context->vulkan;
        device.begin_label(commandBuffer, ntex::cat("ntex: update texture set ", set->serial));
        struct EndLabel {
            const ntex::interop::VulkanDevice& device;
            VkCommandBuffer cmd;
            ~EndLabel() { device.end_label(cmd); }
        } end_label{device, commandBuffer};
#if NTEX_WITH_CUDA
        if (set->cuda) {
            if (!set->cuda->record_update(commandBuffer, generator, pSignalValue)) status = NTEX_NOT_READY;
            return;
        }
#endif
        if (set->compute) {
            const auto device_texels = [&](VkCommandBuffer cmd, std::size_t slot, bool all_executed) {
                return set->compute->record(cmd, generator, slot, all_executed);
            };
            recorded = set->set->record_device_update(commandBuffer, pSignalValue, device_texels);
        } else {
            set->attach_host_path();   // again after a hot reload replaced the generator
            recorded = set->set->record_update(commandBuffer, pSignalValue, generator, set->generator->result_id_base);
        }
        if (!recorded) status = NTEX_NOT_READY;
        note_busy_slot(*set, recorded);   // inside the guard: its Vulkan query may throw
    });
    return r != NTEX_SUCCESS ? r : status;
}

NTEX_API NtexResult ntexGetTextureSetFinalBarriers(NtexTextureSet set, uint32_t* pBarrierCount, VkImageMemoryBarrier2* pBarriers) {
    NtexResult status = NTEX_SUCCESS;
    const NtexResult r = guarded(ntex::api::logger_of_live(set), "ntexGetTextureSetFinalBarriers", [&] {
        ntex::api::require_live(set, "set");
        require_non_null(pBarrierCount, "pBarrierCount");
        std::vector<VkImageMemoryBarrier2> barriers;
#if NTEX_WITH_CUDA
        if (set->cuda) barriers = set->cuda->final_barriers();
        else
#endif
            barriers = set->set->final_barriers();
        const uint32_t count = static_cast<uint32_t>(barriers.size());
        if (pBarriers == nullptr) {
            *pBarrierCount = count;
            return;
        }
        const uint32_t written = std::min(*pBarrierCount, count);
        std::copy(barriers.begin(), barriers.begin() + written, pBarriers);
        *pBarrierCount = written;
        if (written < count) status = NTEX_NOT_READY;
    });
    return r != NTEX_SUCCESS ? r : status;
}

NTEX_API NtexResult ntexGetTextureSetSlotImages(NtexTextureSet set, uint32_t slot, NtexTextureSetImages* pImages) {
    return guarded(ntex::api::logger_of_live(set), "ntexGetTextureSetSlotImages", [&] { fill_images(set, static_cast<int64_t>(slot), pImages); });
}

NTEX_API NtexResult ntexGetTextureSetImages(NtexTextureSet set, NtexTextureSetImages* pImages) {
    return guarded(ntex::api::logger_of_live(set), "ntexGetTextureSetImages", [&] { fill_images(set, -1, pImages); });
}

}  // extern "C"
