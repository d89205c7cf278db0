// SPDX-License-Identifier: MIT
// main.cpp: ntex_demo entry point: parse options, run, report validation counts.
#include "demo_app.h"
#include "error_text.h"
#include "options.h"

#include <engine/context.h>

#include <cstdio>
#include <exception>
#include <memory>

int main(int argc, char** argv) {
    const demo::ParseResult parsed = demo::parse_options(argc, argv);
    if (!parsed.options) return parsed.exit_code;
    const demo::Options& options = *parsed.options;

    auto validation = std::make_shared<engine::ValidationStats>();
    int rc = 0;
    try {
        rc = demo::run_demo(options, validation);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntex_demo: error: %s\n", demo::error_text(e).c_str());
        rc = 1;
    }
    // Counted until the instance is gone (leaks are reported at vkDestroyInstance).
    if (options.validation && validation->layer_enabled) {
        const unsigned errors = validation->errors.load(), warnings = validation->warnings.load();
        std::printf("validation: %u errors, %u warnings\n", errors, warnings);
        if (rc == 0 && errors + warnings > 0) rc = 3;
    }
    return rc;
}
