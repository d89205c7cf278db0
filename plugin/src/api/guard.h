// SPDX-License-Identifier: MIT
// guard.h: what every C entry point shares: argument checks and `guarded`, the only place where
// exceptions become NtexResult codes (the message is kept for ntexGetLastErrorMessage and sent to
// the host's log callback). Nothing throws across extern "C".
#pragma once

#include "core/error.h"
#include "core/log.h"

#include <ntex/ntex.h>

#include <cstring>
#include <exception>
#include <new>

namespace ntex::api {

// Stores the calling thread's last error message and logs it (never throws).
void set_last_error(const Logger* logger, const char* function, NtexResult result, const char* message) noexcept;
// Translates the exception in flight (called from a catch block) into a result code.
NtexResult translate_exception(const Logger* logger, const char* function) noexcept;

template <typename Body>
NtexResult guarded(const Logger* logger, const char* function, Body&& body) noexcept {
    try {
        body();
        return NTEX_SUCCESS;
    } catch (...) {
        return translate_exception(logger, function);
    }
}

// Enum fields come from C callers and may hold any int; reading them through the enum type would
// be undefined for out-of-range values, so they are inspected as their raw integer.
template <typename E>
int raw_enum(const E& value) noexcept {
    static_assert(sizeof(E) == sizeof(int), "C enums are int-sized here");
    int raw = 0;
    std::memcpy(&raw, &value, sizeof raw);
    return raw;
}

template <typename T>
void require_non_null(const T* p, const char* name) {
    if (p == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, name, " is NULL");
}

inline void require_stype(const NtexStructureType& actual, NtexStructureType expected, const char* name) {
    if (raw_enum(actual) != static_cast<int>(expected)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, name, "->sType is ", raw_enum(actual), ", expected ", static_cast<int>(expected));
    }
}

}  // namespace ntex::api
