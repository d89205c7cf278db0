// SPDX-License-Identifier: MIT
// libntex.so's own translation unit: the C API itself comes from ntex_impl (whole archive);
// this only pins the header version the shared library was built against.
#include <ntex/ntex.h>

static_assert(NTEX_HEADER_VERSION == 9, "update the library for the new header version");
