// SPDX-License-Identifier: MIT
// demo_app.h: the demo's frame loop (generation + rendering).
#pragma once

#include "options.h"

#include <engine/context.h>

#include <memory>

namespace demo {

// Runs the demo; returns the process exit code. Throws on errors (one-line messages).
int run_demo(const Options& options, const std::shared_ptr<engine::ValidationStats>& validation_stats);

}  // namespace demo
