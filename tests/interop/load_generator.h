// SPDX-License-Identifier: MIT
// load_generator: the model and a generator on a context, what every interop test does before making a
// texture set (tests only; GoogleTest's AssertionResult, so the failure names ntex's message).
#pragma once

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace ntex_test {

// The model at `path` and a width x height generator of it on `context`.
inline ::testing::AssertionResult load_generator(NtexContext context, const std::string& path, uint32_t width, uint32_t height,
                                                 NtexModel* model, NtexGenerator* generator) {
    NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
    li.pPath = path.c_str();
    if (ntexLoadModel(context, &li, model) != NTEX_SUCCESS) return ::testing::AssertionFailure() << ntexGetLastErrorMessage();
    NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
    gi.model = *model;
    gi.width = width;
    gi.height = height;
    if (ntexCreateGenerator(context, &gi, generator) != NTEX_SUCCESS) return ::testing::AssertionFailure() << ntexGetLastErrorMessage();
    return ::testing::AssertionSuccess();
}

// The ntex objects of a test in the documented destruction order (each may be null).
inline void destroy_in_order(NtexTextureSet set, NtexGenerator generator, NtexModel model, NtexContext context) {
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
}

}  // namespace ntex_test
