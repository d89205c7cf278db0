// SPDX-License-Identifier: MIT
// CudaTextureSet: the zero-copy texture set of the CUDA backend. Per slot and map one exportable
// VkImage (dedicated allocation, full mip chain, kept in VK_IMAGE_LAYOUT_GENERAL) imported into CUDA
// with a surface per mip level; two exported timeline semaphores imported into CUDA:
//   release: the host signals it (with the submit that samples a slot, after its last read);
//            CUDA waits on it before overwriting a slot;
//   ready:   CUDA signals it when a slot is written; the host's sampling submit waits on it at
//            FRAGMENT_SHADER | COMPUTE_SHADER.
// An update never waits on the host: it enqueues network -> wait(release) -> surface writes ->
// signal(ready) on the plan's CUDA stream and records a queue-family acquire barrier. Only compiled
// with NTEX_WITH_CUDA; the constructor throws (and vulkan_api.cpp falls back to TextureSet) when any
// check, export or import fails.
#pragma once

#include "backends/cuda/cuda_resources.h"
#include "backends/cuda/material_mips.h"
#include "interop/cuda_interop.h"
#include "interop/external_vulkan.h"
#include "interop/texture_set.h"

#include <memory>
#include <vector>

namespace ntex {
class AsyncGenerator;
class GeneratorBackend;
}

namespace ntex::interop {

class CudaTextureSet {
public:
    // `generator` must be idle or becomes so (waited for here, once) and must run on a CudaPlan.
    // Throws ntex::Error: INVALID_ARGUMENT (bad ring size or format: no fallback), UNSUPPORTED /
    // BACKEND / OUT_OF_MEMORY (a check, export or import failed: the caller falls back).
    CudaTextureSet(std::shared_ptr<const VulkanDevice> device, TextureSetSource source, AsyncGenerator& generator, uint32_t ring_size,
                   uint32_t mip_levels);
    // Makes sure CUDA no longer touches the images (see the .cpp), then releases CUDA imports before
    // the Vulkan objects they alias.
    ~CudaTextureSet();
    CudaTextureSet(const CudaTextureSet&) = delete;
    CudaTextureSet& operator=(const CudaTextureSet&) = delete;

    // True when commands were recorded; then *signal_value is the release value the host must signal.
    // `generator` is the set's generator's current AsyncGenerator (a hot reload replaces it).
    bool record_update(VkCommandBuffer cmd, AsyncGenerator& generator, uint64_t* signal_value);
    // The newest write's slot (slot < 0), or ring slot `slot` (< ring_size()).
    void images(NtexTextureSetImages* out, int slot = -1) const;
    uint32_t ring_size() const noexcept { return static_cast<uint32_t>(m_slots.size()); }
    uint32_t mip_levels() const noexcept { return m_mip_levels; }
    // VK_EXT_debug_utils names (no-op unless the host enabled it): "<prefix>: release timeline",
    // "<prefix>: ready timeline (CUDA)", and each map's image and view per slot (map_debug_name).
    void name_objects(const std::string& prefix) const noexcept;
    // The set's footprint: one dedicated exportable allocation per image, no staging.
    void memory_info(NtexTextureSetMemoryInfo* out) const noexcept;
    // With TextureSetSource::defer_final_barriers: the barriers record_update left out since the last
    // clear_final_barriers (the first update's UNDEFINED -> GENERAL transition, later the queue-family
    // acquire); the API clears them at the start of every update call. Caller: the thread that records updates.
    const std::vector<VkImageMemoryBarrier2>& final_barriers() const noexcept { return m_final_barriers; }
    void clear_final_barriers() noexcept { m_final_barriers.clear(); }

private:
    struct Slot {
        std::vector<std::unique_ptr<ExternalImage>> images;      // per map
        std::vector<std::unique_ptr<ImportedImage>> imports;     // per map, aliases images[i]
        std::vector<cuda::SurfaceTarget> targets;               // per map
        uint64_t release_wait = 0;   // release value after which no submit samples this slot any more
        uint64_t ready_value = 0;    // ready value CUDA signals once this slot's newest write is done
        uint64_t update_id = 0;      // NtexTextureSetImages::resultId of this slot (0 = never written)
    };

    // Record their barriers, or keep them in m_final_barriers when the host asked to defer them.
    void record_first_use(VkCommandBuffer cmd);
    // NTEX_MIP_FILTER_MATERIAL: the filter's table, work layout and per-image sources for `d`
    // (rebuilt when the plan changes: a hot reload may change ranges), and the writes of one slot.
    void prepare_material_mips(const ModelDescription& d);
    void enqueue_material_writes(const ModelDescription& d, const float* raw, int raw_w, int raw_h, int raw_c, int ox, int oy, int w, int h,
                                 const Slot& slot, cudaStream_t stream);
    void record_acquire(VkCommandBuffer cmd, const Slot& slot);
    void drain() noexcept;

    std::shared_ptr<const VulkanDevice> m_device;
    TextureSetSource m_source;
    std::vector<VkFormat> m_formats;
    uint32_t m_mip_levels = 1;
    int m_ordinal = -1;
    std::unique_ptr<ExternalTimeline> m_release;
    std::unique_ptr<ExternalTimeline> m_ready;
    std::unique_ptr<ImportedTimeline> m_cuda_release;
    std::unique_ptr<ImportedTimeline> m_cuda_ready;
    std::vector<Slot> m_slots;
    // NTEX_MIP_FILTER_MATERIAL only: every level's material and moments (one buffer: the stream
    // orders the slots' writes), and what prepare_material_mips built.
    cuda::DeviceBuffer m_mip_work;
    MaterialMipTable m_mip_table;
    MaterialMipLayout m_mip_layout;
    std::vector<TexelSource> m_mip_sources;   // per image: material channels (lo 0, inv 1) or constants
    std::weak_ptr<GeneratorBackend> m_mip_plan;

    bool m_initialized = false;       // the one-time UNDEFINED -> GENERAL transition was recorded
    std::vector<VkImageMemoryBarrier2> m_final_barriers;   // defer_final_barriers: the last update's
    uint64_t m_next_release = 1;
    uint64_t m_next_ready = 1;
    uint64_t m_updates = 0;
    int m_current = -1;               // slot of the newest write
    // Parameters of the newest write: the plan (weak: an expired one never matches, so a hot reload's
    // new generator at a reused address is still seen as new) and the parameter revision.
    std::weak_ptr<GeneratorBackend> m_last_plan;
    uint64_t m_last_revision = 0;
};

}  // namespace ntex::interop
