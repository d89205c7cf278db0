/* SPDX-License-Identifier: MIT */
/* Compiled, not run: ntex.h must build warning-free as strict C99 (gcc -std=c99 -Wall -Wextra -Werror
 * -pedantic) and as C++20 (g++ -x c++ -std=c++20 -Wall -Wextra -Werror -pedantic). */
#include <ntex/ntex.h>

#include <string.h>

int main(void) {
    NtexContextCreateInfo info;
    PFN_ntexGenerate generate = ntexGenerate;
    memset(&info, 0, sizeof info);
    info.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    info.headerVersion = NTEX_HEADER_VERSION;
    info.threadCount = 2;
    return (info.threadCount == 2 && generate != NULL) ? 0 : 1;
}
