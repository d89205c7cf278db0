// SPDX-License-Identifier: MIT
// PNG output for the CLI (stb_image_write), written atomically (temp file + rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace ntex {

void write_png_rgba8_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint8_t>& rgba);

}  // namespace ntex
