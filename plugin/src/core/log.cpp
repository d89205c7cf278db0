// SPDX-License-Identifier: MIT
// Logger implementation.
#include "core/log.h"

#include "core/printable.h"

namespace ntex {

void Logger::log(NtexLogLevel level, const std::string& message) const noexcept {
    if (m_callback == nullptr) {
        return;
    }
    // The callback is host C code; nothing may escape from here into our callers.
    try {
        // Warnings quote model strings too (map names, labels): escaped like errors.
        m_callback(level, printable(message).c_str(), m_user_data);
    } catch (...) {
    }
}

}  // namespace ntex
