// SPDX-License-Identifier: MIT
// png_writer.h: writes an RGBA8 image as PNG atomically (temp file + rename).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace engine {

// Writes `path` via "<path>.tmp-<pid>" then rename(), so a crash or error never leaves a
// partial PNG behind. Returns the absolute path written; throws engine::Error on failure.
std::string write_png_atomic(const std::string& path, const uint8_t* rgba, uint32_t width, uint32_t height,
                             size_t row_pitch);

}  // namespace engine
