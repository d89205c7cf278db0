// SPDX-License-Identifier: MIT
// conditioning_api.h: the C structs of category and layout conditioning (ntex.h) to and from the
// runtime's types, with every field checked before it reaches the runtime.
#pragma once

#include "model/model_description.h"
#include "runtime/layout_pattern.h"

#include <ntex/ntex.h>

namespace ntex::api {

// Longest pNext chain walked (a cycle or a corrupt pointer chain must end in an error, not a hang).
constexpr int kMaxChainLength = 32;

// The NtexConditioningParams in a params' pNext chain, or nullptr. INVALID_ARGUMENT for an unknown
// sType, a second conditioning struct or a chain longer than kMaxChainLength.
const NtexConditioningParams* find_conditioning(const void* pNext, const char* chain_name);

// The runtime's layout spec for c (fields converted with their ranges checked: no integer wrap);
// validate_layout is left to the generator, which knows the size that resolves a period of 0.
LayoutSpec to_layout_spec(const NtexConditioningParams& c);

// The C struct for a runtime category and layout (the inverse of to_layout_spec).
NtexConditioningParams to_conditioning_params(int category, const LayoutSpec& layout);

// Fills a NtexModelConditioningInfo found in an NtexModelInfo's pNext chain (if any).
void fill_conditioning_info(const ModelDescription& d, void* model_info_pnext);

}  // namespace ntex::api
