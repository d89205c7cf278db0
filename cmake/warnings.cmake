# SPDX-License-Identifier: MIT
# Project warning flags, applied per target (never globally) so third-party code compiles as-is.
function(ntex_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX,C>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror=return-type>)
endfunction()
