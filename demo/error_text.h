// SPDX-License-Identifier: MIT
// error_text.h: how the demo words an error on its one-line outputs (stderr, the overlay, stdout).
// ntex::Exception::what() starts with the result's name; the demo's lines show the library's message
// alone, with what the demo was doing in front ("saving preset x.json: ..."), as they always have.
#pragma once

#include <ntex/ntex.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace demo {

// The message of an ntex::Exception (its result's name when the library gave none), else what().
inline std::string error_text(const std::exception& e) {
    if (const auto* n = dynamic_cast<const ntex::Exception*>(&e)) {
        return n->message().empty() ? std::string(ntexResultToString(n->result())) : n->message();
    }
    return e.what();
}

// Runs f(); an ntex::Exception from it is rethrown with "<what>: " in front of its message (the
// result code is kept).
template <typename F>
decltype(auto) with_context(std::string_view what, F&& f) {
    try {
        return f();
    } catch (const ntex::Exception& e) {
        throw ntex::Exception(e.result(), std::string(what) + ": " + error_text(e));
    }
}

}  // namespace demo
