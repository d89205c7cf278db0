// SPDX-License-Identifier: MIT
// Whole-file reads and atomic writes (temp file + rename) with ntex errors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ntex {

// The largest file ntex reads (model JSON, weights, presets, masks): 2 GiB, far above any model it
// can run, checked before allocating (review robustness-2026-12 #14).
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{2} << 30;

// The whole file. Throws FILE_NOT_FOUND when it cannot be opened or is not a regular file (a FIFO,
// device or directory: never blocks on one), IO when it is larger than kMaxFileBytes or a read fails;
// every message names the path.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);
// Writes a unique temp file beside the target ("<name>.tmp-<pid>-XXXXXX", so concurrent writers of one
// path never share it), fsyncs it and renames it over the target: readers see the old or the new file,
// never a mix. The target is the file a symlink names (the link stays a link). An existing target that
// is not a regular file (directory, device, FIFO, socket) is refused. Temp files of this target left by
// a process that died are removed by the next write. Throws IO naming the target.
void write_file_atomic(const std::filesystem::path& path, const void* data, std::size_t size);

// Throws INVALID_ARGUMENT when `output` is the same file as any existing one of `inputs` (through
// links and relative paths): a command never overwrites a file it reads.
void refuse_overwriting_inputs(const std::filesystem::path& output, const std::vector<std::filesystem::path>& inputs);

}  // namespace ntex
