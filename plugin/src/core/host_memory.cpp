// SPDX-License-Identifier: MIT
#include "core/host_memory.h"

#include "core/error.h"
#include "core/vk_result.h"

namespace ntex {

NtexDeviceMemoryAllocation host_allocate(const NtexDeviceMemoryCallbacks& callbacks, VkDeviceSize size, VkDeviceSize alignment,
                                         uint32_t type_bits, VkMemoryPropertyFlags flags, bool mapped, const char* what) {
    NtexDeviceMemoryAllocation a{};
    const VkResult r = callbacks.pfnAllocate(callbacks.pUserData, size, alignment, type_bits, flags, mapped ? VK_TRUE : VK_FALSE, &a);
    if (r != VK_SUCCESS) {
        fail(NTEX_ERROR_OUT_OF_MEMORY, "NtexDeviceMemoryCallbacks::pfnAllocate(", what, ", ", size, " bytes) returned ", vk_result_name(r));
    }
    const bool misaligned = alignment > 1 && a.offset % alignment != 0;
    if (a.memory == VK_NULL_HANDLE || misaligned || (mapped && a.pMapped == nullptr)) {
        callbacks.pfnFree(callbacks.pUserData, &a);
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexDeviceMemoryCallbacks::pfnAllocate(", what, "): returned ",
             a.memory == VK_NULL_HANDLE ? "no memory" : mapped && a.pMapped == nullptr ? "no mapped pointer" : "a misaligned offset",
             " (alignment ", alignment, ")");
    }
    return a;
}

}  // namespace ntex
