// SPDX-License-Identifier: MIT
// cuda_texture_set.cpp: the zero-copy ring (exported VkImages written by CUDA, timeline semaphores).
//
// Which value guards what (R = release timeline, signalled by the host; T = ready timeline, by CUDA):
// - update k writes slot s = (current + 1) % ring: CUDA runs the network, waits R >= s.release_wait,
//   writes every map and mip of s, signals T = t_k. The host's submit of that frame waits T >= t_k
//   at FRAGMENT | COMPUTE and signals R = r_k after its last read.
// - Submits that sampled the previous slot p were all made before the submit signalling r_k, and a
//   semaphore signal covers every command earlier in submission order on its queue, so R >= r_k means
//   nobody reads p any more: p.release_wait = r_k. (Hence: one queue samples a set's images.)
// - The first update records only the images' transition UNDEFINED -> GENERAL (it must execute
//   before CUDA writes, and a transition from UNDEFINED would discard CUDA's texels) and returns r_0:
//   every slot's release_wait starts at r_0; the first write happens at the next update.
#include "interop/cuda_texture_set.h"

#include "backends/cuda/cuda_plan.h"
#include "backends/cuda/cuda_resources.h"
#include "core/error.h"
#include "model/texel_source.h"
#include "runtime/material.h"
#include "runtime/async_generator.h"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace ntex::interop {

namespace {

cuda::CudaPlan& cuda_plan_of(TextureGenerator& g) {
    auto* plan = dynamic_cast<cuda::CudaPlan*>(&g.backend());
    if (plan == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "the generator does not run on the CUDA backend");
    return *plan;
}

}  // namespace

CudaTextureSet::CudaTextureSet(std::shared_ptr<const VulkanDevice> device, TextureSetSource source, AsyncGenerator& generator,
                               uint32_t ring_size, uint32_t mip_levels)
    : m_device(std::move(device)), m_source(std::move(source)) {
    // Argument errors first: they are the host's bug, not a reason to fall back.
    if (ring_size < 2 || ring_size > 4) fail(NTEX_ERROR_INVALID_ARGUMENT, "ringSize ", ring_size, " is outside 2..4");
    if (m_source.map_indices.empty()) fail(NTEX_ERROR_INVALID_ARGUMENT, "the texture set selects no map");
    if (!m_source.packings.empty() && m_source.packings.size() != m_source.map_indices.size()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "the texture set has ", m_source.packings.size(), " packings for ", m_source.map_indices.size(), " images");
    }
    for (std::size_t i = 0; i < m_source.semantics.size(); ++i) {
        const VkFormat format = m_source.formats.empty() ? format_for(m_source.semantics[i]) : m_source.formats[i];
        (void)host_format_for(format);   // INVALID_ARGUMENT for a format ntex does not write
        m_formats.push_back(format);
    }
    const uint32_t full_chain = static_cast<uint32_t>(std::bit_width(std::max(m_source.width, m_source.height)));
    m_mip_levels = mip_levels == 0 ? full_chain : std::min(mip_levels, full_chain);
    m_mip_levels = std::min<uint32_t>(m_mip_levels, cuda::kMaxSurfaceMips);

    // The plan's device; the set is created on the host thread while the generator is idle.
    generator.wait_idle();
    m_ordinal = cuda_plan_of(generator.generator()).device_ordinal();
    // A packing the writer cannot evaluate (normals from two heights: UNSUPPORTED) fails here, where
    // vulkan_api.cpp falls back to host copies, not at an update.
    for (const auto& packing : m_source.packings) (void)texel_source_of_packing(generator.generator().model().description(), packing);
    if (m_source.mip_filter == NTEX_MIP_FILTER_MATERIAL) (void)material_mip_table(generator.generator().model().description());   // INVALID_MODEL: falls back
    require_external_fd_support(*m_device);
    cuda::DeviceGuard guard(m_ordinal);
    require_same_device(m_ordinal, *m_device);

    try {
        std::vector<ExternalImageDesc> descs;
        for (VkFormat format : m_formats) {
            bool dedicated_only = false;   // honoured: every allocation is dedicated anyway
            descs.push_back(describe_external_image(*m_device, format, m_source.width, m_source.height, m_mip_levels, &dedicated_only));
        }
        m_release = std::make_unique<ExternalTimeline>(m_device);
        m_ready = std::make_unique<ExternalTimeline>(m_device);
        m_cuda_release = std::make_unique<ImportedTimeline>(m_release->export_fd());
        m_cuda_ready = std::make_unique<ImportedTimeline>(m_ready->export_fd());
        m_slots.resize(ring_size);
        for (Slot& slot : m_slots) {
            for (std::size_t i = 0; i < m_formats.size(); ++i) {
                slot.images.push_back(std::make_unique<ExternalImage>(m_device, descs[i]));
                const ExternalImage& image = *slot.images.back();
                slot.imports.push_back(std::make_unique<ImportedImage>(image.export_fd(), image.allocation_size(), m_formats[i],
                                                                       m_source.width, m_source.height, m_mip_levels));
                slot.targets.push_back(slot.imports.back()->target(m_source.map_indices[i]));
                if (!m_source.packings.empty()) {   // packed image i: sources checked against the model upstream
                    slot.targets.back().packed = true;
                    slot.targets.back().packing = m_source.packings[i];
                }
            }
        }
        if (m_source.mip_filter == NTEX_MIP_FILTER_MATERIAL && m_mip_levels > 1) {
            // The filter's work buffer now, so a failed cudaMalloc falls back to host copies (its size
            // never changes: a reload that changes the maps is refused).
            prepare_material_mips(generator.generator().model().description());
            m_mip_plan = generator.generator().shared_backend();
        }
    } catch (...) {
        // Nothing was enqueued yet: plain reverse-order release (CUDA imports before Vulkan objects).
        m_mip_work = cuda::DeviceBuffer();   // while the guard holds the plan's device
        m_slots.clear();
        m_cuda_ready.reset();
        m_cuda_release.reset();
        throw;
    }
}

CudaTextureSet::~CudaTextureSet() {
    drain();
    auto release_all = [this]() noexcept {
        m_slots.clear();           // per slot: surfaces + mapped arrays + external memory, then the images
        m_mip_work = cuda::DeviceBuffer();   // under the guard: the plan's device
        m_cuda_ready.reset();      // CUDA's semaphore imports before the Vulkan semaphores
        m_cuda_release.reset();
        m_ready.reset();
        m_release.reset();
    };
    try {
        cuda::DeviceGuard guard(m_ordinal);   // the imports belong to the plan's device
        release_all();
    } catch (...) {
        release_all();   // the guard failed (driver gone): release anyway, errors are printed
    }
}

void CudaTextureSet::drain() noexcept {
    // The host has waited for its frames (ntexDestroyTextureSet's contract), so every release value it
    // was given is signalled and CUDA's last write finished. A host that recorded an update but never
    // submitted it leaves CUDA waiting on a release value forever: signal it from the host so the
    // stream drains, then wait (bounded) for CUDA's last ready value before freeing what it writes.
    if (!m_release || !m_ready || m_next_ready == 1) return;
    const VulkanFunctions& vk = m_device->vk();
    const VkDevice dev = m_device->device();
    uint64_t released = 0;
    if (vk.vkGetSemaphoreCounterValue(dev, m_release->get(), &released) == VK_SUCCESS && released < m_next_release - 1 &&
        vk.vkSignalSemaphore != nullptr) {
        VkSemaphoreSignalInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO};
        si.semaphore = m_release->get();
        si.value = m_next_release - 1;
        if (vk.vkSignalSemaphore(dev, &si) != VK_SUCCESS) std::fprintf(stderr, "ntex: vkSignalSemaphore(release) failed while draining\n");
    }
    const VkSemaphore ready = m_ready->get();
    const uint64_t last = m_next_ready - 1;
    VkSemaphoreWaitInfo wi{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    wi.semaphoreCount = 1;
    wi.pSemaphores = &ready;
    wi.pValues = &last;
    const VkResult r = vk.vkWaitSemaphores(dev, &wi, uint64_t{5'000'000'000});   // 5 s, destruction only
    if (r != VK_SUCCESS) std::fprintf(stderr, "ntex: CUDA did not finish writing a texture set before its destruction (%s)\n", vk_result_name(r));
}

void CudaTextureSet::record_first_use(VkCommandBuffer cmd) {
    std::vector<VkImageMemoryBarrier> barriers;
    for (const Slot& slot : m_slots) {
        for (const auto& image : slot.images) barriers.push_back(first_use_barrier(image->image(), m_mip_levels));
    }
    m_device->barriers().record_or_defer(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, m_source.consumer_stages, barriers,
                                         m_source.defer_final_barriers ? &m_final_barriers : nullptr);
}

void CudaTextureSet::record_acquire(VkCommandBuffer cmd, const Slot& slot) {
    std::vector<VkImageMemoryBarrier> barriers;
    for (const auto& image : slot.images) {
        barriers.push_back(acquire_from_external_barrier(image->image(), m_device->queue_family(), m_mip_levels));
    }
    m_device->barriers().record_or_defer(cmd, m_source.consumer_stages, m_source.consumer_stages, barriers,
                                         m_source.defer_final_barriers ? &m_final_barriers : nullptr);
}

bool CudaTextureSet::record_update(VkCommandBuffer cmd, AsyncGenerator& generator, uint64_t* signal_value) {
    if (!m_initialized) {
        record_first_use(cmd);
        const uint64_t r0 = m_next_release++;
        for (Slot& slot : m_slots) slot.release_wait = r0;
        m_initialized = true;
        *signal_value = r0;
        return true;
    }
    bool wrote = false;
    const std::size_t next = static_cast<std::size_t>(m_current + 1) % m_slots.size();
    Slot& slot = m_slots[next];
    uint64_t ready_value = 0;
    // Never waits: a generation queued or running on the worker (ntexGenerateAsync) means NOT_READY.
    const bool idle = generator.try_with_idle_generator([&](TextureGenerator& g, uint64_t revision) {
        if (m_current >= 0 && m_last_plan.lock() == g.shared_backend() && revision == m_last_revision) return;   // nothing changed
        cuda::CudaPlan& plan = cuda_plan_of(g);
        cuda::DeviceGuard guard(plan.device_ordinal());
        const cudaStream_t stream = plan.stream();
        g.prepare();                                              // style / seed changes to the plan
        plan.enqueue();                                           // the network (a CUDA graph)
        // Only the surface writes touch the slot: the network above overlaps the host's last reads.
        m_cuda_release->wait_async(slot.release_wait, stream);   // no submit samples this slot any more
        if (m_source.mip_filter == NTEX_MIP_FILTER_MATERIAL && m_mip_levels > 1) {
            if (m_mip_plan.lock() != g.shared_backend()) {
                prepare_material_mips(g.model().description());
                m_mip_plan = g.shared_backend();
            }
            enqueue_material_writes(g.model().description(), plan.device_output(), g.plan_width(), g.plan_height(), plan.output_channels(), g.halo(),
                                    g.halo(), g.width(), g.height(), slot, stream);
        } else {
            cuda::enqueue_write_surfaces(g.model().description(), plan.device_output(), g.plan_width(), g.plan_height(), plan.output_channels(),
                                         g.halo(), g.halo(), g.width(), g.height(), slot.targets.data(), slot.targets.size(), stream);
        }
        ready_value = m_next_ready;
        m_cuda_ready->signal_async(ready_value, stream);
        ++m_next_ready;
        m_last_plan = g.shared_backend();
        m_last_revision = revision;
        wrote = true;
    });
    if (!idle || !wrote) return false;

    record_acquire(cmd, slot);
    const uint64_t release = m_next_release++;
    if (m_current >= 0) m_slots[static_cast<std::size_t>(m_current)].release_wait = release;
    slot.ready_value = ready_value;
    slot.update_id = ++m_updates;
    m_current = static_cast<int>(next);
    *signal_value = release;
    return true;
}

void CudaTextureSet::prepare_material_mips(const ModelDescription& d) {
    const MaterialLayout layout = make_material_layout(d);
    MaterialMipTable table = material_mip_table(d);
    MaterialMipLayout work = material_mip_layout(table, m_source.width, m_source.height, static_cast<int>(m_mip_levels));
    std::vector<TexelSource> sources;
    for (std::size_t i = 0; i < m_formats.size(); ++i) {
        sources.push_back(material_level_source(layout, m_source.map_indices[i], m_source.packings.empty() ? nullptr : &m_source.packings[i],
                                                "NtexTextureSetPackingInfo image"));
    }
    // Allocated before anything is replaced: a failure leaves the previous state intact.
    if (m_mip_work.bytes() < work.floats * sizeof(float)) m_mip_work = cuda::DeviceBuffer(work.floats * sizeof(float));
    m_mip_table = table;
    m_mip_layout = std::move(work);
    m_mip_sources = std::move(sources);
}

void CudaTextureSet::enqueue_material_writes(const ModelDescription& d, const float* raw, int raw_w, int raw_h, int raw_c, int ox, int oy, int w, int h,
                                             const Slot& slot, cudaStream_t stream) {
    // Level 0 exactly as the blit path writes it (from the final tensor; one call, so every target is
    // checked before the first launch), then the filtered levels.
    cuda::SurfaceTarget level0[cuda::kMaxSurfaceTargets];
    const std::size_t count = std::min(slot.targets.size(), cuda::kMaxSurfaceTargets);
    for (std::size_t i = 0; i < count; ++i) {
        level0[i] = slot.targets[i];
        level0[i].mip_levels = 1;
    }
    cuda::enqueue_write_surfaces(d, raw, raw_w, raw_h, raw_c, ox, oy, w, h, level0, count, stream);
    float* work = m_mip_work.as<float>();
    cuda::enqueue_material_mips(m_mip_table, m_mip_layout, raw, raw_w, raw_h, raw_c, ox, oy, w, h, static_cast<int>(m_mip_levels), work, stream);
    for (std::size_t i = 0; i < slot.targets.size(); ++i) {
        const cuda::SurfaceTarget& target = slot.targets[i];
        for (uint32_t l = 1; l < target.mip_levels; ++l) {
            const int lw = std::max(w >> l, 1), lh = std::max(h >> l, 1);
            cuda::enqueue_write_surface_level(m_mip_sources[i], work + m_mip_layout.material[l], lw, lh, m_mip_table.channels, target.format,
                                              target.levels[l], stream);
        }
    }
}

void CudaTextureSet::name_objects(const std::string& prefix) const noexcept {
    if (!m_device->debug_utils()) return;
    try {
        m_device->name(VK_OBJECT_TYPE_SEMAPHORE, m_release->get(), prefix + ": release timeline");
        m_device->name(VK_OBJECT_TYPE_SEMAPHORE, m_ready->get(), prefix + ": ready timeline (CUDA)");
        for (std::size_t s = 0; s < m_slots.size(); ++s) {
            for (std::size_t i = 0; i < m_slots[s].images.size(); ++i) {
                const std::string map = map_debug_name(prefix, m_source.semantics[i], s);
                m_device->name(VK_OBJECT_TYPE_IMAGE, m_slots[s].images[i]->image(), map);
                m_device->name(VK_OBJECT_TYPE_IMAGE_VIEW, m_slots[s].images[i]->view(), map + " view");
            }
        }
    } catch (...) {
        // Out of memory while formatting a debugging aid: leave the objects unnamed.
    }
}

void CudaTextureSet::memory_info(NtexTextureSetMemoryInfo* out) const noexcept {
    out->imageBytes = 0;
    out->stagingBytes = m_mip_work.bytes();   // NTEX_MIP_FILTER_MATERIAL's work buffer (device memory, cudaMalloc)
    out->deviceMemoryAllocations = 0;
    out->hostMemoryBlocks = 0;   // exportable memory is always ntex's own (the host hook cannot export)
    for (const Slot& slot : m_slots) {
        for (const auto& image : slot.images) {
            out->imageBytes += image->allocation_size();
            ++out->deviceMemoryAllocations;
        }
    }
}

void CudaTextureSet::images(NtexTextureSetImages* out, int which) const {
    void* next = out->pNext;
    *out = NtexTextureSetImages{};
    out->sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
    out->pNext = next;
    const std::size_t index = which >= 0 ? static_cast<std::size_t>(which) : m_current < 0 ? 0 : static_cast<std::size_t>(m_current);
    const Slot& slot = m_slots[index];
    out->resultId = slot.update_id;   // ids of this set's writes (1, 2, ...); 0 before the first
    out->slot = static_cast<uint32_t>(index);
    out->mapCount = static_cast<uint32_t>(slot.images.size());
    for (std::size_t i = 0; i < slot.images.size(); ++i) {
        out->mapIndices[i] = m_source.map_indices[i];
        out->images[i] = slot.images[i]->image();
        out->views[i] = slot.images[i]->view();
        out->formats[i] = m_formats[i];
    }
    out->width = m_source.width;
    out->height = m_source.height;
    out->mipLevels = m_mip_levels;
    out->layout = m_initialized ? VK_IMAGE_LAYOUT_GENERAL : VK_IMAGE_LAYOUT_UNDEFINED;
    out->semaphore = m_release->get();
    out->waitValue = 0;   // CPU path only: the CUDA path's completion is (readySemaphore, readyValue)
    out->readySemaphore = m_ready->get();
    out->readyValue = slot.ready_value;
    out->readyStageMask = m_source.consumer_stages;
}

}  // namespace ntex::interop
