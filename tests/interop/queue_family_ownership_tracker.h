// SPDX-License-Identifier: MIT
// OwnershipTracker (tests only, used by VK_LAYER_NTEX_test_queue_family_split): which queue family owns each
// layer of each EXCLUSIVE image, following the image barriers of the command buffers in submission order,
// and what breaks the Vulkan spec's "Queue Family Ownership Transfer" rules. The validation layer (1.3.239)
// reports an acquire without its release, but not a family using an image another family owns, nor a
// release that is never acquired; those are what this adds:
//   - a barrier that keeps the contents (oldLayout not UNDEFINED) on a family that does not own the layer,
//     or on the family that released it and has not had it back;
//   - a release by a family that does not own the layer;
//   - a release still pending (never acquired) when the image is destroyed or the device goes
//     (pending_releases()).
// A barrier from UNDEFINED discards the contents, which needs no transfer: the family takes the layer.
// Ownership is per subresource: image handle, array layer and mip level.
#pragma once

#include <vulkan/vulkan.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ntex_test {

struct ImageBarrierOp {
    VkImage image;
    VkImageSubresourceRange range;   // VK_REMAINING_* resolved with the image's extent (set_extent)
    uint32_t src_family;             // as the application recorded them
    uint32_t dst_family;
    VkImageLayout old_layout;
};

class OwnershipTracker {
public:
    void set_concurrent(VkImage image) { m_concurrent.insert(image); }
    // The image's mip levels and array layers (for VK_REMAINING_MIP_LEVELS / _ARRAY_LAYERS).
    void set_extent(VkImage image, uint32_t levels, uint32_t layers) { m_extent[image] = {levels, layers}; }
    // A destroyed image: its handle may be reused. Returns a message per subresource whose release was never
    // acquired.
    std::vector<std::string> forget(VkImage image);
    // A message per subresource released and not acquired (at device destruction).
    std::vector<std::string> pending_releases() const;
    // Applies the image barriers of one command buffer executed on a queue of `family`, in order; returns
    // one message per violation (empty: none).
    std::vector<std::string> apply(uint32_t family, const std::vector<ImageBarrierOp>& ops);

private:
    struct Owner {
        uint32_t family = 0;
        bool released = false;    // released by `family` to `to`, not acquired yet
        uint32_t to = 0;
    };
    struct Key {
        VkImage image;
        uint32_t layer, level;
        bool operator<(const Key& o) const {
            return image != o.image ? image < o.image : layer != o.layer ? layer < o.layer : level < o.level;
        }
    };
    std::map<Key, Owner> m_owners;
    std::set<VkImage> m_concurrent;
    std::map<VkImage, std::pair<uint32_t, uint32_t>> m_extent;   // levels, layers
};

}  // namespace ntex_test
