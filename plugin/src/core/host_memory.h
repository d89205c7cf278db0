// SPDX-License-Identifier: MIT
// host_allocate: one block of device memory from the host's NtexDeviceMemoryCallbacks, with the checks
// every caller needs (a memory object, the asked alignment inside it, a mapped pointer when asked for).
// Why in core: the texture sets' images (interop) and the Vulkan compute backend's buffers both take
// blocks from the same callbacks, and a host's wrong answer must read the same from either.
#pragma once

#include <ntex/ntex_vulkan.h>

#include <cstdint>

namespace ntex {

// Calls callbacks.pfnAllocate(pUserData, size, alignment, type_bits, flags, mapped, &a) and returns a.
// `what` names the resources in errors ("texture set images", "Vulkan compute buffers").
// Errors (ntex::Exception): OUT_OF_MEMORY when pfnAllocate fails (its VkResult named); INVALID_ARGUMENT
// when it returns no memory, an offset not a multiple of `alignment`, or no mapped pointer though
// `mapped` was asked for; the block is handed back through pfnFree first, so nothing leaks.
// Thread-safety: as the host's callbacks (ntex_vulkan.h, NtexDeviceMemoryCallbacks).
NtexDeviceMemoryAllocation host_allocate(const NtexDeviceMemoryCallbacks& callbacks, VkDeviceSize size, VkDeviceSize alignment,
                                         uint32_t type_bits, VkMemoryPropertyFlags flags, bool mapped, const char* what);

}  // namespace ntex
