// SPDX-License-Identifier: MIT
// PNG encoding into memory with stb_image_write (and a 16-bit greyscale writer on top of its
// zlib compressor), then one atomic file write.
#include "tools/png_writer.h"

#include "core/error.h"
#include "model/file_io.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include <array>
#include <cstdlib>
#include <string>

namespace ntex {

namespace {
void append(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    const auto* bytes = static_cast<const uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
}

void write_stb_png(const std::filesystem::path& path, int width, int height, int components, const uint8_t* pixels) {
    std::vector<uint8_t> png;
    if (stbi_write_png_to_func(append, &png, width, height, components, pixels, width * components) == 0) {
        fail(NTEX_ERROR_IO, path.string(), ": PNG encoding failed");
    }
    write_file_atomic(path, png.data(), png.size());
}

uint32_t crc32(const uint8_t* data, std::size_t n, uint32_t crc = 0) {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

void put_chunk(std::vector<uint8_t>& out, const char* type, const uint8_t* data, std::size_t n) {
    put_u32(out, static_cast<uint32_t>(n));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data, data + n);
    put_u32(out, crc32(out.data() + start, n + 4));
}
}  // namespace

void write_png_rgba8_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint8_t>& rgba) {
    write_stb_png(path, width, height, 4, rgba.data());
}

void write_png_gray8_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint8_t>& gray) {
    write_stb_png(path, width, height, 1, gray.data());
}

void write_png_gray16_atomic(const std::filesystem::path& path, int width, int height, const std::vector<uint16_t>& gray) {
    // Scanlines: filter byte 0 (none), then big-endian samples (PNG is network byte order).
    const std::size_t row = 1 + 2 * static_cast<std::size_t>(width);
    std::vector<uint8_t> raw(row * static_cast<std::size_t>(height));
    for (int y = 0; y < height; ++y) {
        uint8_t* r = raw.data() + static_cast<std::size_t>(y) * row;
        r[0] = 0;
        for (int x = 0; x < width; ++x) {
            const uint16_t v = gray[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)];
            r[1 + 2 * x] = static_cast<uint8_t>(v >> 8);
            r[2 + 2 * x] = static_cast<uint8_t>(v & 0xFF);
        }
    }
    int zlen = 0;
    unsigned char* z = stbi_zlib_compress(raw.data(), static_cast<int>(raw.size()), &zlen, 8);
    if (z == nullptr) fail(NTEX_ERROR_IO, path.string(), ": PNG compression failed");
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<uint8_t> ihdr;
    put_u32(ihdr, static_cast<uint32_t>(width));
    put_u32(ihdr, static_cast<uint32_t>(height));
    ihdr.insert(ihdr.end(), {16, 0, 0, 0, 0});   // bit depth 16, greyscale, deflate, filter 0, no interlace
    put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
    put_chunk(png, "IDAT", z, static_cast<std::size_t>(zlen));
    STBIW_FREE(z);
    put_chunk(png, "IEND", nullptr, 0);
    write_file_atomic(path, png.data(), png.size());
}

}  // namespace ntex
