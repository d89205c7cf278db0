// SPDX-License-Identifier: MIT
// PNG output for the CLI, written atomically (temp file + rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace ntex {

// 8-bit RGBA (stb_image_write).
void write_png_rgba8_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint8_t>& rgba);
// 8-bit greyscale (stb_image_write).
void write_png_gray8_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint8_t>& gray);
// 16-bit greyscale (stb_image_write has no 16-bit PNG: chunks written here, zlib stream from stb).
// `gray` holds width x height host-endian values.
void write_png_gray16_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint16_t>& gray);

}  // namespace ntex
