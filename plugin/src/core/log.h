// SPDX-License-Identifier: MIT
// Logger: forwards library messages to the host's log callback and message callback (never throws).
#pragma once

#include <ntex/ntex.h>

#include <string>

namespace ntex {

class Logger {
public:
    Logger() = default;
    Logger(PFN_ntexLogCallback callback, void* user_data) : m_callback(callback), m_user_data(user_data) {}

    // The NtexMessengerCreateInfo's callback: messages at or above `min_severity`, with their result.
    void set_messenger(PFN_ntexMessageCallback callback, void* user_data, NtexLogLevel min_severity) noexcept {
        m_messenger = callback;
        m_messenger_user_data = user_data;
        m_min_severity = min_severity;
    }

    // To both callbacks (the log callback without the result).
    void log(NtexLogLevel level, const std::string& message, NtexResult result = NTEX_SUCCESS) const noexcept;
    // To the message callback only: per-frame events (a skipped busy slot) that would flood a plain log.
    void message(NtexLogLevel level, NtexResult result, const std::string& text) const noexcept;
    // True when message() at `level` reaches a callback (callers skip formatting otherwise).
    bool wants_message(NtexLogLevel level) const noexcept { return m_messenger != nullptr && level >= m_min_severity; }
    void debug(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_DEBUG, message); }
    void info(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_INFO, message); }
    void warning(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_WARNING, message); }
    void error(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_ERROR, message); }

private:
    PFN_ntexLogCallback m_callback = nullptr;
    void* m_user_data = nullptr;
    PFN_ntexMessageCallback m_messenger = nullptr;
    void* m_messenger_user_data = nullptr;
    NtexLogLevel m_min_severity = NTEX_LOG_LEVEL_WARNING;
};

}  // namespace ntex
