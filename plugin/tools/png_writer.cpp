// SPDX-License-Identifier: MIT
// PNG encoding into memory with stb_image_write, then one atomic file write.
#include "tools/png_writer.h"

#include "core/error.h"
#include "model/file_io.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

namespace ntex {

namespace {
void append(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    const auto* bytes = static_cast<const uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
}
}  // namespace

void write_png_rgba8_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint8_t>& rgba) {
    std::vector<uint8_t> png;
    if (stbi_write_png_to_func(append, &png, width, height, 4, rgba.data(), width * 4) == 0) {
        fail(NTEX_ERROR_IO, path.string(), ": PNG encoding failed");
    }
    write_file_atomic(path, png.data(), png.size());
}

}  // namespace ntex
