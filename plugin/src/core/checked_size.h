// SPDX-License-Identifier: MIT
// CheckedSize: the one place where element and byte counts that decide an allocation are computed.
#pragma once

#include "core/error.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ntex {

// A non-negative size that remembers overflow instead of wrapping (issue 14: "integer arithmetic on
// sizes in one checked helper"). Every count that decides an allocation or a budget check goes
// through it: widths, heights, channels and kernel sizes come from model files and callers, and
// although today's limits (8192 px, 4096 channels, 256 ops) keep products inside 64 bits, no
// allocation should depend on someone having done that arithmetic elsewhere. A negative input or
// an overflowing sum or product makes the value "overflowed"; it stays so through further
// arithmetic. Use get() where an allocation follows (throws) and saturated() where a budget
// comparison follows (SIZE_MAX is above every budget). Thread-safe: a plain value.
class CheckedSize {
public:
    constexpr CheckedSize() noexcept = default;
    template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
    constexpr CheckedSize(T value) noexcept {   // NOLINT(google-explicit-constructor): reads like arithmetic
        if constexpr (std::is_signed_v<T>) {
            if (value < 0) {
                m_overflow = true;
                return;
            }
        }
        if (static_cast<std::make_unsigned_t<T>>(value) > std::numeric_limits<std::size_t>::max()) {
            m_overflow = true;
            return;
        }
        m_value = static_cast<std::size_t>(value);
    }

    friend constexpr CheckedSize operator*(CheckedSize a, CheckedSize b) noexcept {
        CheckedSize r;
        r.m_overflow = a.m_overflow || b.m_overflow || __builtin_mul_overflow(a.m_value, b.m_value, &r.m_value);
        return r;
    }
    friend constexpr CheckedSize operator+(CheckedSize a, CheckedSize b) noexcept {
        CheckedSize r;
        r.m_overflow = a.m_overflow || b.m_overflow || __builtin_add_overflow(a.m_value, b.m_value, &r.m_value);
        return r;
    }
    CheckedSize& operator*=(CheckedSize b) noexcept { return *this = *this * b; }
    CheckedSize& operator+=(CheckedSize b) noexcept { return *this = *this + b; }
    // Rounds up to a multiple of `step` (> 0), e.g. channel blocks of 16.
    constexpr CheckedSize round_up(std::size_t step) const noexcept {
        const CheckedSize sum = *this + CheckedSize(step - 1);
        CheckedSize r;
        r.m_overflow = sum.m_overflow;
        r.m_value = sum.m_overflow ? 0 : sum.m_value / step * step;
        return r;
    }
    friend constexpr CheckedSize max(CheckedSize a, CheckedSize b) noexcept {
        if (a.m_overflow) return a;
        if (b.m_overflow) return b;
        return a.m_value >= b.m_value ? a : b;
    }

    constexpr bool overflowed() const noexcept { return m_overflow; }
    // The value, or SIZE_MAX after an overflow: for comparisons against a budget or a limit.
    constexpr std::size_t saturated() const noexcept { return m_overflow ? std::numeric_limits<std::size_t>::max() : m_value; }
    // The value; after an overflow throws NTEX_ERROR_OUT_OF_MEMORY naming `what` (no allocation of
    // that size could succeed).
    std::size_t get(const char* what) const {
        if (m_overflow) fail(NTEX_ERROR_OUT_OF_MEMORY, what, ": the size overflows ", sizeof(std::size_t) * 8, "-bit arithmetic");
        return m_value;
    }
    // get() for a narrower unsigned type (a Vulkan row pitch, a 32-bit count): also throws when the
    // value does not fit in T.
    template <typename T>
    T get_as(const char* what) const {
        static_assert(std::is_unsigned_v<T>);
        const std::size_t v = get(what);
        if (v > std::numeric_limits<T>::max()) fail(NTEX_ERROR_OUT_OF_MEMORY, what, ": ", v, " does not fit in ", sizeof(T) * 8, " bits");
        return static_cast<T>(v);
    }

private:
    std::size_t m_value = 0;
    bool m_overflow = false;
};

}  // namespace ntex
