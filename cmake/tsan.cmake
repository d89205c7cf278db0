# SPDX-License-Identifier: MIT
# NTEX_TSAN: a ThreadSanitizer configuration that is meaningful despite libgomp (not instrumented: TSan
# cannot see its barriers and reports every OpenMP region as a race, or misses real ones). OpenMP's
# compiler support is off, so no OpenMP team ever starts; core/parallel.h's parallel_for, which most of
# ntex's per-element loops go through, splits its range over std::threads instead (TSan sees their
# creation and join); the remaining `omp parallel` pragmas (the convolution and upsample kernels) run
# serially. ntex's own threads (generator workers, the texel conversion on them, host threads) are
# what this configuration checks. libgomp is still linked for the omp_* API calls.
if(NTEX_TSAN)
  if(NTEX_WITH_CUDA)
    message(FATAL_ERROR "NTEX_TSAN: configure with -DNTEX_WITH_CUDA=OFF (the CUDA runtime is not instrumented)")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-unknown-pragmas)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(NTEX_THREAD_SANITIZER=1)
  message(STATUS "ntex: ThreadSanitizer build (OpenMP regions replaced, see cmake/tsan.cmake)")
endif()
