# SPDX-License-Identifier: MIT
# ctest `consumer.install_and_link`: installs the build into <build>/consumer-prefix, checks the
# package (SONAME, no private dependency in the exported interface), then configures, builds and runs
# tests/consumer against it, as an external host would.
# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DMODEL=... -DC_COMPILER=... [-DC_FLAGS=... -DLINKER_FLAGS=...] -P this
foreach(var BUILD_DIR SOURCE_DIR MODEL C_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer_test.cmake: ${var} not set")
  endif()
endforeach()
set(prefix ${BUILD_DIR}/consumer-prefix)
set(consumer_build ${BUILD_DIR}/consumer-build)
file(REMOVE_RECURSE ${prefix} ${consumer_build})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}${err}" PARENT_SCOPE)
endfunction()

# 1. Install (what `cmake --install` gives a host).
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
include(GNUInstallDirs)
foreach(f include/ntex/ntex.h include/ntex/ntex_vulkan.h include/ntex/ntex.hpp bin/ntex
          ${CMAKE_INSTALL_LIBDIR}/cmake/ntex/ntexConfig.cmake ${CMAKE_INSTALL_LIBDIR}/cmake/ntex/ntexConfigVersion.cmake
          ${CMAKE_INSTALL_LIBDIR}/cmake/ntex/ntexTargets.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()
file(GLOB libs RELATIVE ${prefix}/${CMAKE_INSTALL_LIBDIR} ${prefix}/${CMAKE_INSTALL_LIBDIR}/libntex.so*)
list(SORT libs)
message(STATUS "installed libraries: ${libs}")

# 2. The SONAME is versioned and a symlink chain leads to it.
find_program(READELF readelf)
if(READELF)
  run(${READELF} -d ${prefix}/${CMAKE_INSTALL_LIBDIR}/libntex.so)
  if(NOT run_output MATCHES "\\(SONAME\\)[^\n]*\\[libntex\\.so\\.[0-9]+\\.[0-9]+\\]")
    message(FATAL_ERROR "libntex.so has no versioned SONAME:\n${run_output}")
  endif()
  string(REGEX MATCH "libntex\\.so\\.[0-9]+\\.[0-9]+" soname "${run_output}")
  message(STATUS "SONAME ${soname}")
  if(NOT EXISTS ${prefix}/${CMAKE_INSTALL_LIBDIR}/${soname})
    message(FATAL_ERROR "no ${soname} installed beside libntex.so")
  endif()
endif()

# 3. The exported target leaks no private dependency (oneDNN, OpenMP, JSON, the static impl).
file(GLOB target_files ${prefix}/${CMAKE_INSTALL_LIBDIR}/cmake/ntex/ntexTargets*.cmake)
foreach(f IN LISTS target_files)
  file(READ ${f} text)
  if(text MATCHES "dnnl|OpenMP|gomp|nlohmann|ntex_impl|INTERFACE_LINK_LIBRARIES")
    message(FATAL_ERROR "${f} exposes a private dependency (${CMAKE_MATCH_0})")
  endif()
endforeach()

# 4. Configure and build the host against the prefix only (no package registry, no source tree).
set(flags)
if(C_FLAGS)
  list(APPEND flags "-DCMAKE_C_FLAGS=${C_FLAGS}")
endif()
if(CXX_FLAGS)
  list(APPEND flags "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
endif()
if(CXX_COMPILER)
  list(APPEND flags "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(LINKER_FLAGS)
  list(APPEND flags "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${consumer_build} -G Ninja
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF ${flags})
if(NOT run_output MATCHES "ntex_consumer: ntex [0-9.]+ from ${prefix}/")
  message(FATAL_ERROR "the consumer did not find ntex in ${prefix}:\n${run_output}")
endif()
run(${CMAKE_COMMAND} --build ${consumer_build})

# 5. Run it.
run(${consumer_build}/ntex_consumer ${MODEL})
message(STATUS "${run_output}")
if(NOT run_output MATCHES "ntex_consumer: ok")
  message(FATAL_ERROR "unexpected output:\n${run_output}")
endif()

# 6. The Vulkan hosts (C99 and C++20): ntex's texture sets on the host's own device (lavapipe without a
# GPU), under the validation layer; each exits non-zero on any validation message or failed check.
foreach(host ntex_consumer_vulkan ntex_consumer_vulkan_cpp)
  run(${consumer_build}/${host} ${MODEL})
  message(STATUS "${run_output}")
  if(NOT run_output MATCHES "${host}: validation \\(synchronization, best practices\\): 0 error\\(s\\), 0 warning\\(s\\)")
    message(FATAL_ERROR "unexpected output:\n${run_output}")
  endif()
endforeach()
