// SPDX-License-Identifier: MIT
// AlignedBuffer: a move-only, 64-byte aligned float array (cache lines, AVX-512 loads).
#pragma once

#include "core/checked_size.h"
#include "core/error.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace ntex {

class AlignedBuffer {
public:
    static constexpr std::size_t kAlignment = 64;

    AlignedBuffer() = default;
    explicit AlignedBuffer(std::size_t count) : m_count(count) {
        if (count == 0) {
            return;
        }
        const std::size_t bytes = (CheckedSize(count) * sizeof(float)).round_up(kAlignment).get("aligned buffer");
        void* p = std::aligned_alloc(kAlignment, bytes);
        if (p == nullptr) {
            fail(NTEX_ERROR_OUT_OF_MEMORY, "out of memory allocating ", bytes, " bytes");
        }
        std::memset(p, 0, bytes);
        m_data.reset(static_cast<float*>(p));
    }
    AlignedBuffer(AlignedBuffer&&) noexcept = default;
    AlignedBuffer& operator=(AlignedBuffer&&) noexcept = default;
    // Copies are deleted to prevent accidental multi-megabyte copies.
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;

    float* data() noexcept { return m_data.get(); }
    const float* data() const noexcept { return m_data.get(); }
    std::size_t size() const noexcept { return m_count; }
    float& operator[](std::size_t i) noexcept { return m_data.get()[i]; }
    const float& operator[](std::size_t i) const noexcept { return m_data.get()[i]; }

private:
    struct Free {
        void operator()(float* p) const noexcept { std::free(p); }
    };
    std::unique_ptr<float, Free> m_data;
    std::size_t m_count = 0;
};

}  // namespace ntex
