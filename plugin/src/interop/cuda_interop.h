// SPDX-License-Identifier: MIT
// The CUDA half of the zero-copy path: Vulkan allocations and timeline semaphores imported into CUDA
// from opaque fds (cudaImportExternalMemory / cudaImportExternalSemaphore), the image mapped as a
// mipmapped array with one surface object per level. Only compiled with NTEX_WITH_CUDA; CUDA runtime
// API only (no device code). RAII: destructors release in reverse order and never throw.
#pragma once

#include "backends/cuda/surface_write.h"
#include "interop/vulkan_device.h"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

namespace ntex::interop {

// The CUDA channel format (what surf2Dwrite stores) and the surface_write texel layout of a VkFormat
// ntex writes; throws Error(UNSUPPORTED) for any other format.
cudaChannelFormatDesc cuda_channel_format(VkFormat format);
cuda::SurfaceFormat surface_format(VkFormat format);

// Throws Error(UNSUPPORTED) unless CUDA device `ordinal` is the Vulkan device (same UUID).
void require_same_device(int ordinal, const VulkanDevice& device);

// One Vulkan image's dedicated allocation in CUDA, mapped as a mipmapped array (base at offset 0, the
// Vulkan image's format, extent and level count, cudaArraySurfaceLoadStore) with a surface per level.
class ImportedImage {
public:
    // Takes `fd` (from vkGetMemoryFdKHR): after a successful cudaImportExternalMemory CUDA owns it;
    // if that import fails it is closed here. `allocation_size` is the Vulkan allocation's size. The
    // current CUDA device must be the Vulkan device. Throws Error(BACKEND / OUT_OF_MEMORY).
    ImportedImage(int fd, VkDeviceSize allocation_size, VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels);
    ~ImportedImage();
    ImportedImage(const ImportedImage&) = delete;
    ImportedImage& operator=(const ImportedImage&) = delete;

    // The surfaces as enqueue_write_surfaces takes them.
    cuda::SurfaceTarget target(uint32_t map_index) const noexcept;

private:
    void release() noexcept;

    cudaExternalMemory_t m_memory = nullptr;
    cudaMipmappedArray_t m_array = nullptr;
    std::vector<cudaSurfaceObject_t> m_surfaces;
    cuda::SurfaceFormat m_format;
};

// A Vulkan timeline semaphore in CUDA (cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd).
class ImportedTimeline {
public:
    explicit ImportedTimeline(int fd);   // takes `fd` as ImportedImage does. Throws Error(BACKEND).
    ~ImportedTimeline();
    ImportedTimeline(const ImportedTimeline&) = delete;
    ImportedTimeline& operator=(const ImportedTimeline&) = delete;

    // Enqueue on `stream`: wait until the semaphore reaches `value` / set it to `value`. No host wait.
    void wait_async(uint64_t value, cudaStream_t stream) const;
    void signal_async(uint64_t value, cudaStream_t stream) const;

private:
    cudaExternalSemaphore_t m_semaphore = nullptr;
};

}  // namespace ntex::interop
