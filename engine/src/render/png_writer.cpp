// SPDX-License-Identifier: MIT
// png_writer.cpp: stb_image_write (Debian libstb) behind a temp-file-and-rename.
#include "engine/png_writer.h"

#include "engine/error.h"

#include <stb_image_write.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace engine {

std::string write_png_atomic(const std::string& path, const uint8_t* rgba, uint32_t width, uint32_t height,
                             size_t row_pitch) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target = fs::absolute(fs::path(path), ec);
    if (ec) throw Error("png: bad output path '" + path + "': " + ec.message());
    const fs::path tmp = target.string() + ".tmp-" + std::to_string(::getpid());
    if (!stbi_write_png(tmp.c_str(), static_cast<int>(width), static_cast<int>(height), 4, rgba,
                        static_cast<int>(row_pitch))) {
        fs::remove(tmp, ec);
        throw Error("png: cannot write " + target.string() + ": " + std::strerror(errno));
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw Error("png: cannot rename to " + target.string() + ": " + ec.message());
    }
    return target.lexically_normal().string();
}

}  // namespace engine
