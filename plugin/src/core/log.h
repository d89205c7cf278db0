// SPDX-License-Identifier: MIT
// Logger: forwards library messages to the host's log callback (never throws).
#pragma once

#include <ntex/ntex.h>

#include <string>

namespace ntex {

class Logger {
public:
    Logger() = default;
    Logger(PFN_ntexLogCallback callback, void* user_data) : m_callback(callback), m_user_data(user_data) {}

    void log(NtexLogLevel level, const std::string& message) const noexcept;
    void debug(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_DEBUG, message); }
    void info(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_INFO, message); }
    void warning(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_WARNING, message); }
    void error(const std::string& message) const noexcept { log(NTEX_LOG_LEVEL_ERROR, message); }

private:
    PFN_ntexLogCallback m_callback = nullptr;
    void* m_user_data = nullptr;
};

}  // namespace ntex
