// SPDX-License-Identifier: MIT
// compute_texels.h when the library is built without the Vulkan compute backend (no glslc): the
// texture set always uses host copies (a VULKAN context cannot be created in such a build anyway).
#include "interop/compute_texels.h"

#include "core/error.h"

namespace ntex::interop {

ComputeTexels::ComputeTexels(const TextureSet& set, AsyncGenerator& /*generator*/) : m_set(set) {
    fail(NTEX_ERROR_UNSUPPORTED, "this library was built without the Vulkan compute backend (glslc was not found)");
}

ComputeTexels::~ComputeTexels() = default;

bool ComputeTexels::record(VkCommandBuffer /*cmd*/, AsyncGenerator& /*generator*/, std::size_t /*slot*/, bool /*all_executed*/) { return false; }

void ComputeTexels::name_objects(const std::string& /*prefix*/) noexcept {}

std::size_t ComputeTexels::work_bytes() const noexcept { return 0; }

}  // namespace ntex::interop
