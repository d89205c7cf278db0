// SPDX-License-Identifier: MIT
// printable(): text from a file made safe to print on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace ntex {

// Returns `text` with every byte a terminal could act on written as \xNN: C0 controls (ESC starts the
// ANSI sequences that clear a screen or fake a green "OK"), DEL, the C1 controls U+0080..U+009F
// (CSI is U+009B) and bytes that are not well-formed UTF-8 (Unicode 15, table 3-7), which some
// terminals read as 8-bit C1 controls. Printable ASCII and other well-formed UTF-8 pass unchanged.
// Review robustness-2026-12: model strings were echoed raw in errors.
// keep_line_breaks: '\n' and '\t' pass (multi-line log text such as a plan description); errors keep
// the default, so that they stay one line.
std::string printable(std::string_view text, bool keep_line_breaks = false);

}  // namespace ntex
