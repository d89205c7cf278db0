// SPDX-License-Identifier: MIT
// DebugObjects: the compute backend's Vulkan objects with a name each ("activations 0", "op 3 filter"),
// collected by the objects that own them, for VK_EXT_debug_utils names given by the layer that knows
// whether the host's device has debug utils (interop::ComputeTexels::name_objects). Names show up in
// validation messages, RenderDoc and Nsight instead of raw handles (review embedding-2026-12).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ntex::vulkan {

struct NamedObject {
    VkObjectType type;
    uint64_t handle;
    std::string name;
};

class DebugObjects {
public:
    // Skips VK_NULL_HANDLE (an optional buffer the model does not need).
    template <typename Handle>
    void add(VkObjectType type, Handle handle, std::string name) {
        if (handle == VK_NULL_HANDLE) return;
        // Non-dispatchable handles are pointers on 64-bit platforms and uint64_t elsewhere.
        uint64_t bits = 0;
        if constexpr (std::is_pointer_v<Handle>) bits = reinterpret_cast<uint64_t>(handle);
        else bits = static_cast<uint64_t>(handle);
        m_objects.push_back(NamedObject{type, bits, std::move(name)});
    }
    const std::vector<NamedObject>& objects() const noexcept { return m_objects; }

private:
    std::vector<NamedObject> m_objects;
};

}  // namespace ntex::vulkan
