// SPDX-License-Identifier: MIT
// Whole-file reads and atomic writes (temp file + rename) with ntex errors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ntex {

// Throws FILE_NOT_FOUND when the file cannot be opened, IO on a read error.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);
// Writes to "<path>.tmp-<pid>" then renames over path; throws IO.
void write_file_atomic(const std::filesystem::path& path, const void* data, std::size_t size);

}  // namespace ntex
