// SPDX-License-Identifier: MIT
// File helpers.
#include "model/file_io.h"

#include "core/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include <unistd.h>

namespace ntex {

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        fail(NTEX_ERROR_FILE_NOT_FOUND, path.string(), ": is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail(NTEX_ERROR_FILE_NOT_FOUND, path.string(), ": cannot open: ", std::strerror(errno));
    }
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    if (size < 0) {
        fail(NTEX_ERROR_IO, path.string(), ": cannot determine the file size");
    }
    in.seekg(0, std::ios::beg);
    std::vector<uint8_t> bytes(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
        fail(NTEX_ERROR_IO, path.string(), ": read error");
    }
    return bytes;
}

std::string read_file_text(const std::filesystem::path& path) {
    std::vector<uint8_t> bytes = read_file_bytes(path);
    return std::string(bytes.begin(), bytes.end());
}

void write_file_atomic(const std::filesystem::path& path, const void* data, std::size_t size) {
    std::filesystem::path tmp = path;
    tmp += cat(".tmp-", ::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) {
        fail(NTEX_ERROR_IO, tmp.string(), ": cannot create: ", std::strerror(errno));
    }
    bool ok = std::fwrite(data, 1, size, f) == size;
    ok = (std::fflush(f) == 0) && ok;
    ok = (::fsync(::fileno(f)) == 0) && ok;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        fail(NTEX_ERROR_IO, tmp.string(), ": write failed");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        fail(NTEX_ERROR_IO, path.string(), ": rename failed: ", ec.message());
    }
}

}  // namespace ntex
