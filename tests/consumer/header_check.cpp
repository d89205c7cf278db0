// SPDX-License-Identifier: MIT
// Compiled, not run: ntex.hpp (and ntex.h through it) must build warning-free as C++20
// (g++ -std=c++20 -Wall -Wextra -Werror -pedantic).
#include <ntex/ntex.hpp>

int main() {
    return ntex::check(NTEX_SUCCESS) == NTEX_SUCCESS ? 0 : 1;
}
