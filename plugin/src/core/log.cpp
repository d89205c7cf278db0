// SPDX-License-Identifier: MIT
// Logger implementation.
#include "core/log.h"

#include "core/printable.h"

namespace ntex {

void Logger::log(NtexLogLevel level, const std::string& message, NtexResult result) const noexcept {
    if (m_callback == nullptr && !wants_message(level)) {
        return;
    }
    // The callbacks are host C code; nothing may escape from here into our callers.
    try {
        // Warnings quote model strings too (map names, labels): escaped like errors.
        const std::string text = printable(message, /*keep_line_breaks=*/true);
        if (m_callback != nullptr) m_callback(level, text.c_str(), m_user_data);
        if (wants_message(level)) m_messenger(level, result, text.c_str(), m_messenger_user_data);
    } catch (...) {
    }
}

void Logger::message(NtexLogLevel level, NtexResult result, const std::string& text) const noexcept {
    if (!wants_message(level)) return;
    try {
        m_messenger(level, result, printable(text, /*keep_line_breaks=*/true).c_str(), m_messenger_user_data);
    } catch (...) {
    }
}

}  // namespace ntex
