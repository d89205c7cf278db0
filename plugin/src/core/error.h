// SPDX-License-Identifier: MIT
// ntex::Error: the C++ exception used inside the library; carries the C API result code.
#pragma once

#include "core/printable.h"

#include <ntex/ntex.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ntex {

// The message goes through printable(): it often quotes text from a hostile file (a name, an op, a
// key), and it ends up on terminals and in host logs.
class Error : public std::runtime_error {
public:
    Error(NtexResult result, const std::string& message) : std::runtime_error(printable(message)), m_result(result) {}
    NtexResult result() const noexcept { return m_result; }

private:
    NtexResult m_result;
};

// Concatenates anything streamable; keeps error sites short (GCC 12 has no <format>).
template <typename... Args>
std::string cat(Args&&... args) {
    std::ostringstream out;
    (out << ... << std::forward<Args>(args));
    return out.str();
}

template <typename... Args>
[[noreturn]] void fail(NtexResult result, Args&&... args) {
    throw Error(result, cat(std::forward<Args>(args)...));
}

}  // namespace ntex
