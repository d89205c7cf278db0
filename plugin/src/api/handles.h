// SPDX-License-Identifier: MIT
// What the C API's opaque handles point to.
#pragma once

#include "core/log.h"
#include "model/model.h"
#include "runtime/texture_generator.h"

#include <ntex/ntex.h>

#include <memory>

struct NtexContext_T {
    ntex::Logger logger;
    NtexBackend backend = NTEX_BACKEND_CPU;
    int threads = 1;
};

struct NtexModel_T {
    NtexContext context = nullptr;
    std::shared_ptr<const ntex::LoadedModel> model;
};

struct NtexGenerator_T {
    NtexContext context = nullptr;
    std::unique_ptr<ntex::TextureGenerator> generator;
};
