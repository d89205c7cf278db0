// SPDX-License-Identifier: MIT
// cuda_interop.cpp: importing Vulkan images and timeline semaphores into CUDA (opaque fds).
#include "interop/cuda_interop.h"

#include "backends/cuda/cuda_check.h"

#include <cstring>

#include <unistd.h>

namespace ntex::interop {

cudaChannelFormatDesc cuda_channel_format(VkFormat format) {
    switch (format) {
        case VK_FORMAT_R8G8B8A8_SRGB:   // the bytes are stored as they are (already sRGB-encoded)
        case VK_FORMAT_R8G8B8A8_UNORM: return cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
        case VK_FORMAT_R8_UNORM: return cudaCreateChannelDesc(8, 0, 0, 0, cudaChannelFormatKindUnsigned);
        case VK_FORMAT_R16_UNORM: return cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindUnsigned);
        case VK_FORMAT_R32_SFLOAT: return cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindFloat);
        case VK_FORMAT_R32G32B32A32_SFLOAT: return cudaCreateChannelDesc(32, 32, 32, 32, cudaChannelFormatKindFloat);
        case VK_FORMAT_B8G8R8A8_SRGB:   // the bytes as they are, swizzled by the writer
        case VK_FORMAT_B8G8R8A8_UNORM: return cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsigned);
        case VK_FORMAT_R8G8_UNORM: return cudaCreateChannelDesc(8, 8, 0, 0, cudaChannelFormatKindUnsigned);
        case VK_FORMAT_R16_SFLOAT: return cudaCreateChannelDesc(16, 0, 0, 0, cudaChannelFormatKindFloat);
        case VK_FORMAT_R16G16B16A16_SFLOAT: return cudaCreateChannelDesc(16, 16, 16, 16, cudaChannelFormatKindFloat);
        default: fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format), " has no CUDA surface format in ntex");
    }
}

cuda::SurfaceFormat surface_format(VkFormat format) {
    switch (format) {
        case VK_FORMAT_R8G8B8A8_SRGB: return cuda::SurfaceFormat::Rgba8Srgb;
        case VK_FORMAT_R8G8B8A8_UNORM: return cuda::SurfaceFormat::Rgba8Unorm;
        case VK_FORMAT_R8_UNORM: return cuda::SurfaceFormat::R8Unorm;
        case VK_FORMAT_R16_UNORM: return cuda::SurfaceFormat::R16Unorm;
        case VK_FORMAT_R32_SFLOAT: return cuda::SurfaceFormat::R32Float;
        case VK_FORMAT_R32G32B32A32_SFLOAT: return cuda::SurfaceFormat::Rgba32Float;
        case VK_FORMAT_B8G8R8A8_SRGB: return cuda::SurfaceFormat::Bgra8Srgb;
        case VK_FORMAT_B8G8R8A8_UNORM: return cuda::SurfaceFormat::Bgra8Unorm;
        case VK_FORMAT_R8G8_UNORM: return cuda::SurfaceFormat::Rg8Unorm;
        case VK_FORMAT_R16_SFLOAT: return cuda::SurfaceFormat::R16Float;
        case VK_FORMAT_R16G16B16A16_SFLOAT: return cuda::SurfaceFormat::Rgba16Float;
        default: fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format), " has no CUDA surface format in ntex");
    }
}

void require_same_device(int ordinal, const VulkanDevice& device) {
    if (!device.has_device_uuid()) {
        fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan device's UUID is unknown (vkGetPhysicalDeviceProperties2 is not exposed)");
    }
    cudaDeviceProp prop{};
    NTEX_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
    if (std::memcmp(prop.uuid.bytes, device.device_uuid().data(), VK_UUID_SIZE) != 0) {
        fail(NTEX_ERROR_UNSUPPORTED, "CUDA device ", ordinal, " (", prop.name, ") is not the Vulkan device '", device.properties().deviceName,
             "' (different UUIDs)");
    }
}

ImportedImage::ImportedImage(int fd, VkDeviceSize allocation_size, VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels)
    : m_format(cuda::SurfaceFormat::Rgba8Unorm) {
    try {
        m_format = surface_format(format);
        if (mip_levels == 0 || mip_levels > static_cast<uint32_t>(cuda::kMaxSurfaceMips)) {
            fail(NTEX_ERROR_UNSUPPORTED, mip_levels, " mip levels: CUDA surfaces are written for 1..", cuda::kMaxSurfaceMips);
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    cudaExternalMemoryHandleDesc hd{};
    hd.type = cudaExternalMemoryHandleTypeOpaqueFd;
    hd.handle.fd = fd;
    hd.size = allocation_size;
    hd.flags = cudaExternalMemoryDedicated;   // the Vulkan allocation is dedicated to this image
    const cudaError_t imported = cudaImportExternalMemory(&m_memory, &hd);
    if (imported != cudaSuccess) {
        ::close(fd);   // only a successful import transfers the fd to CUDA
        m_memory = nullptr;
        cuda::throw_cuda_error(imported, "cudaImportExternalMemory(OPAQUE_FD, dedicated)", __FILE__, __LINE__);
    }
    try {
        // An OPTIMAL-tiled image is opaque: map it as an array (never as a linear buffer).
        cudaExternalMemoryMipmappedArrayDesc ad{};
        ad.offset = 0;
        ad.formatDesc = cuda_channel_format(format);
        ad.extent = cudaExtent{width, height, 0};   // depth 0: a 2D array
        ad.flags = cudaArraySurfaceLoadStore;
        ad.numLevels = mip_levels;
        NTEX_CUDA_CHECK(cudaExternalMemoryGetMappedMipmappedArray(&m_array, m_memory, &ad));
        m_surfaces.reserve(mip_levels);
        for (uint32_t level = 0; level < mip_levels; ++level) {
            cudaArray_t array = nullptr;   // owned by the mipmapped array
            NTEX_CUDA_CHECK(cudaGetMipmappedArrayLevel(&array, m_array, level));
            cudaResourceDesc rd{};
            rd.resType = cudaResourceTypeArray;
            rd.res.array.array = array;
            cudaSurfaceObject_t surface = 0;
            NTEX_CUDA_CHECK(cudaCreateSurfaceObject(&surface, &rd));
            m_surfaces.push_back(surface);
        }
    } catch (...) {
        release();
        throw;
    }
}

ImportedImage::~ImportedImage() { release(); }

void ImportedImage::release() noexcept {
    for (cudaSurfaceObject_t s : m_surfaces) NTEX_CUDA_CHECK_PRINT(cudaDestroySurfaceObject(s));
    m_surfaces.clear();
    if (m_array) NTEX_CUDA_CHECK_PRINT(cudaFreeMipmappedArray(m_array));
    m_array = nullptr;
    if (m_memory) NTEX_CUDA_CHECK_PRINT(cudaDestroyExternalMemory(m_memory));
    m_memory = nullptr;
}

cuda::SurfaceTarget ImportedImage::target(uint32_t map_index) const noexcept {
    cuda::SurfaceTarget t;
    t.map_index = map_index;
    t.format = m_format;
    t.mip_levels = static_cast<uint32_t>(m_surfaces.size());
    for (std::size_t i = 0; i < m_surfaces.size(); ++i) t.levels[i] = m_surfaces[i];
    return t;
}

ImportedTimeline::ImportedTimeline(int fd) {
    cudaExternalSemaphoreHandleDesc hd{};
    hd.type = cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd;
    hd.handle.fd = fd;
    const cudaError_t imported = cudaImportExternalSemaphore(&m_semaphore, &hd);
    if (imported != cudaSuccess) {
        ::close(fd);
        m_semaphore = nullptr;
        cuda::throw_cuda_error(imported, "cudaImportExternalSemaphore(TimelineSemaphoreFd)", __FILE__, __LINE__);
    }
}

ImportedTimeline::~ImportedTimeline() {
    if (m_semaphore) NTEX_CUDA_CHECK_PRINT(cudaDestroyExternalSemaphore(m_semaphore));
}

void ImportedTimeline::wait_async(uint64_t value, cudaStream_t stream) const {
    cudaExternalSemaphoreWaitParams p{};
    p.params.fence.value = value;
    NTEX_CUDA_CHECK(cudaWaitExternalSemaphoresAsync(&m_semaphore, &p, 1, stream));
}

void ImportedTimeline::signal_async(uint64_t value, cudaStream_t stream) const {
    cudaExternalSemaphoreSignalParams p{};
    p.params.fence.value = value;
    NTEX_CUDA_CHECK(cudaSignalExternalSemaphoresAsync(&m_semaphore, &p, 1, stream));
}

}  // namespace ntex::interop
