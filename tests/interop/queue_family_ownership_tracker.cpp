// SPDX-License-Identifier: MIT
// queue_family_ownership_tracker.cpp: see queue_family_ownership_tracker.h.
#include "queue_family_ownership_tracker.h"

#include <cstdio>

namespace ntex_test {
namespace {

bool special(uint32_t family) {
    return family == VK_QUEUE_FAMILY_IGNORED || family == VK_QUEUE_FAMILY_EXTERNAL || family == VK_QUEUE_FAMILY_FOREIGN_EXT;
}

std::string name(VkImage image, uint32_t layer, uint32_t level) {
    char text[80];
    std::snprintf(text, sizeof text, "VkImage %p layer %u level %u", static_cast<void*>(image), layer, level);
    return text;
}

}  // namespace

std::vector<std::string> OwnershipTracker::forget(VkImage image) {
    std::vector<std::string> errors;
    m_concurrent.erase(image);
    m_extent.erase(image);
    for (auto it = m_owners.begin(); it != m_owners.end();) {
        if (it->first.image != image) {
            ++it;
            continue;
        }
        if (it->second.released) {
            errors.push_back("queue family " + std::to_string(it->second.family) + " released " + name(image, it->first.layer, it->first.level) +
                             " to family " + std::to_string(it->second.to) + ", which never acquired it (image destroyed)");
        }
        it = m_owners.erase(it);
    }
    return errors;
}

std::vector<std::string> OwnershipTracker::pending_releases() const {
    std::vector<std::string> errors;
    for (const auto& [key, owner] : m_owners) {
        if (owner.released) {
            errors.push_back("queue family " + std::to_string(owner.family) + " released " + name(key.image, key.layer, key.level) + " to family " +
                             std::to_string(owner.to) + ", which never acquired it (device destroyed)");
        }
    }
    return errors;
}

std::vector<std::string> OwnershipTracker::apply(uint32_t family, const std::vector<ImageBarrierOp>& ops) {
    std::vector<std::string> errors;
    for (const ImageBarrierOp& op : ops) {
        if (m_concurrent.count(op.image) != 0) continue;
        const auto extent = m_extent.find(op.image);   // unknown (not created through the layer): one past the base
        const uint32_t levels = extent == m_extent.end() ? op.range.baseMipLevel + 1 : extent->second.first;
        const uint32_t layers = extent == m_extent.end() ? op.range.baseArrayLayer + 1 : extent->second.second;
        const VkImageSubresourceRange& r = op.range;
        const uint32_t level_end = r.levelCount == VK_REMAINING_MIP_LEVELS ? levels : r.baseMipLevel + r.levelCount;
        const uint32_t layer_end = r.layerCount == VK_REMAINING_ARRAY_LAYERS ? layers : r.baseArrayLayer + r.layerCount;
        const bool transfer = op.src_family != op.dst_family && !special(op.src_family) && !special(op.dst_family);
        for (uint32_t layer = r.baseArrayLayer; layer < layer_end; ++layer) {
          for (uint32_t level = r.baseMipLevel; level < level_end; ++level) {
            const Key key{op.image, layer, level};
            auto it = m_owners.find(key);
            if (it == m_owners.end()) {   // first seen: the family using it owns it
                it = m_owners.emplace(key, Owner{family, false, 0}).first;
            }
            Owner& owner = it->second;
            const std::string what = name(op.image, layer, level);
            if (transfer && family == op.src_family) {   // a release
                if (owner.family != family || owner.released) {
                    errors.push_back("queue family " + std::to_string(family) + " releases " + what + ", which it does not own" +
                                     (owner.released ? " (family " + std::to_string(owner.family) + " released it to family " +
                                                           std::to_string(owner.to) + ", which has not acquired it)"
                                                     : " (family " + std::to_string(owner.family) + " does)"));
                }
                owner = Owner{family, true, op.dst_family};
            } else if (transfer && family == op.dst_family) {   // an acquire
                if (!owner.released || owner.to != family) {
                    errors.push_back("queue family " + std::to_string(family) + " acquires " + what + ", which was not released to it");
                }
                owner = Owner{family, false, 0};
            } else if (transfer) {
                errors.push_back("queue family " + std::to_string(family) + " records a transfer of " + what + " between two other families");
            } else if (op.old_layout == VK_IMAGE_LAYOUT_UNDEFINED) {
                owner = Owner{family, false, 0};   // contents discarded: no transfer needed
            } else if (owner.family != family || owner.released) {
                errors.push_back("queue family " + std::to_string(family) + " uses " + what + " (a barrier keeping its contents), which " +
                                 (owner.released ? "it released to family " + std::to_string(owner.to) + " and has not acquired back"
                                                 : "family " + std::to_string(owner.family) + " owns"));
            }
          }
        }
    }
    return errors;
}

}  // namespace ntex_test
