// SPDX-License-Identifier: MIT
// Compiled, not run: ntex.hpp and ntex_vulkan.hpp (and the C headers through them) must build
// warning-free as C++20 (g++ -std=c++20 -Wall -Wextra -Werror -pedantic).
#include <ntex/ntex.hpp>
#include <ntex/ntex_vulkan.hpp>

int main() {
    return ntex::check(NTEX_SUCCESS) == NTEX_SUCCESS ? 0 : 1;
}
