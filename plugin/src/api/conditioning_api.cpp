// SPDX-License-Identifier: MIT
// conditioning_api.cpp: NtexConditioningParams / NtexModelConditioningInfo <-> runtime types.
#include "api/conditioning_api.h"

#include "api/guard.h"
#include "core/error.h"

#include <algorithm>
#include <cstring>

namespace ntex::api {

namespace {

static_assert(static_cast<int>(LayoutPattern::Mask) == NTEX_LAYOUT_PATTERN_MASK && static_cast<int>(LayoutPattern::Auto) == NTEX_LAYOUT_PATTERN_AUTO &&
                  static_cast<int>(kLastLayoutPattern) == NTEX_LAYOUT_PATTERN_BLOBS,
              "NtexLayoutPattern and LayoutPattern share their values");

struct ChainHeader {
    NtexStructureType sType;
    const void* pNext;
};

// uint32 fields become int only after a range check (4e9 must not wrap to a negative count).
int to_int(uint32_t v, const char* field, uint32_t max) {
    if (v > max) fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexConditioningParams::", field, " ", v, " is above ", max);
    return static_cast<int>(v);
}

}  // namespace

const NtexConditioningParams* find_conditioning(const void* pNext, const char* chain_name) {
    const NtexConditioningParams* found = nullptr;
    int length = 0;
    for (auto* next = static_cast<const ChainHeader*>(pNext); next != nullptr; next = static_cast<const ChainHeader*>(next->pNext)) {
        if (++length > kMaxChainLength) fail(NTEX_ERROR_INVALID_ARGUMENT, chain_name, " chain is longer than ", kMaxChainLength, " structs");
        if (raw_enum(next->sType) != NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, chain_name, " chain holds an unknown sType ", raw_enum(next->sType));
        }
        if (found != nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, chain_name, " chain holds two NtexConditioningParams");
        found = reinterpret_cast<const NtexConditioningParams*>(next);
    }
    return found;
}

LayoutSpec to_layout_spec(const NtexConditioningParams& c) {
    const int pattern = raw_enum(c.pattern);
    if (pattern < NTEX_LAYOUT_PATTERN_NONE || pattern > NTEX_LAYOUT_PATTERN_BLOBS) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "NtexConditioningParams::pattern ", pattern, " is not a known NtexLayoutPattern");
    }
    LayoutSpec s;
    s.pattern = static_cast<LayoutPattern>(pattern);
    s.columns = to_int(c.columns, "columns", 1u << 20);
    s.rows = to_int(c.rows, "rows", 1u << 20);
    s.period_width = to_int(c.periodWidth, "periodWidth", 1u << 20);
    s.period_height = to_int(c.periodHeight, "periodHeight", 1u << 20);
    s.offset = c.offset;
    s.gap = c.gap;
    s.bevel = c.bevel;
    s.jitter = c.jitter;
    s.seed = c.patternSeed;
    s.mask = c.pMask;
    s.mask_width = to_int(c.maskWidth, "maskWidth", 1u << 20);
    s.mask_height = to_int(c.maskHeight, "maskHeight", 1u << 20);
    return s;
}

NtexConditioningParams to_conditioning_params(int category, const LayoutSpec& layout) {
    NtexConditioningParams c{};
    c.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
    c.category = category;
    c.pattern = static_cast<NtexLayoutPattern>(layout.pattern);
    c.columns = static_cast<uint32_t>(layout.columns);
    c.rows = static_cast<uint32_t>(layout.rows);
    c.periodWidth = static_cast<uint32_t>(layout.period_width);
    c.periodHeight = static_cast<uint32_t>(layout.period_height);
    c.offset = layout.offset;
    c.gap = layout.gap;
    c.bevel = layout.bevel;
    c.jitter = layout.jitter;
    c.patternSeed = layout.seed;
    c.pMask = layout.mask;
    c.maskWidth = static_cast<uint32_t>(layout.mask_width);
    c.maskHeight = static_cast<uint32_t>(layout.mask_height);
    return c;
}

void fill_conditioning_info(const ModelDescription& d, void* model_info_pnext) {
    int length = 0;
    for (auto* next = static_cast<ChainHeader*>(model_info_pnext); next != nullptr;
         next = static_cast<ChainHeader*>(const_cast<void*>(next->pNext))) {
        if (++length > kMaxChainLength) fail(NTEX_ERROR_INVALID_ARGUMENT, "pInfo->pNext chain is longer than ", kMaxChainLength, " structs");
        if (raw_enum(next->sType) != NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "pInfo->pNext chain holds an unknown sType ", raw_enum(next->sType));
        }
        auto* info = reinterpret_cast<NtexModelConditioningInfo*>(next);
        void* keep = info->pNext;
        std::memset(info, 0, sizeof *info);
        info->sType = NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO;
        info->pNext = keep;
        info->categoryCount = static_cast<uint32_t>(std::min<std::size_t>(d.categories.size(), NTEX_MAX_CATEGORIES));
        for (uint32_t i = 0; i < info->categoryCount; ++i) {
            const std::string& name = d.categories[i];
            const std::size_t n = std::min<std::size_t>(name.size(), NTEX_MAX_NAME_SIZE - 1);
            std::memcpy(info->categoryNames[i], name.data(), n);
        }
        info->layoutChannels = static_cast<uint32_t>(d.layout_channels);
        info->hasLayoutPrior = d.layout_prior.empty() ? 0u : 1u;
    }
}

}  // namespace ntex::api
