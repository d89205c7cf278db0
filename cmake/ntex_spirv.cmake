# SPDX-License-Identifier: MIT
# libntex's compute shaders: glslc -> SPIR-V in the build dir (never committed) -> a generated C++
# source holding the bytes, compiled into the target. No file(GLOB): callers list every shader.
#
#   ntex_embed_spirv(<target> SOURCES a.comp b.comp INCLUDES common.glsl [DEFINES NAME...] [SUFFIX _x])
#
# For shaders/<name>.<ext> the generated source defines `ntex_spirv_<name>_<ext><suffix>` (bytes,
# 4-aligned) and `ntex_spirv_<name>_<ext><suffix>_size` (bytes), both extern "C"
# (backends/vulkan/vk_shaders.h). DEFINES are passed to glslc as -D<NAME> (a variant of the same
# source, e.g. the FP16 build with SUFFIX _f16).
find_program(NTEX_GLSLC glslc)
set(_ntex_spirv_script "${CMAKE_CURRENT_LIST_DIR}/ntex_spirv_to_cpp.cmake")

function(ntex_embed_spirv target)
  cmake_parse_arguments(ARG "" "SUFFIX" "SOURCES;INCLUDES;DEFINES" ${ARGN})
  if(NOT NTEX_GLSLC)
    message(FATAL_ERROR "ntex_embed_spirv: glslc not found")
  endif()
  set(_dir "${CMAKE_CURRENT_BINARY_DIR}/spirv")
  set(_deps "")
  foreach(_inc IN LISTS ARG_INCLUDES)
    list(APPEND _deps "${_inc}")
  endforeach()
  set(_defines "")
  foreach(_def IN LISTS ARG_DEFINES)
    list(APPEND _defines "-D${_def}")
  endforeach()
  foreach(_src IN LISTS ARG_SOURCES)
    get_filename_component(_name "${_src}" NAME)
    set(_name "${_name}${ARG_SUFFIX}")
    string(REPLACE "." "_" _symbol "ntex_spirv_${_name}")
    set(_spv "${_dir}/${_name}.spv")
    set(_cpp "${_dir}/${_name}.cpp")
    # -O: size and speed; -Werror: a shader warning fails the build like a C++ one.
    add_custom_command(
      OUTPUT "${_spv}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${_dir}"
      COMMAND "${NTEX_GLSLC}" --target-env=vulkan1.1 -O -Werror ${_defines} -o "${_spv}" "${_src}"
      DEPENDS "${_src}" ${_deps}
      COMMENT "glslc ${_name}"
      VERBATIM)
    add_custom_command(
      OUTPUT "${_cpp}"
      COMMAND "${CMAKE_COMMAND}" -DINPUT=${_spv} -DOUTPUT=${_cpp} -DSYMBOL=${_symbol} -P "${_ntex_spirv_script}"
      DEPENDS "${_spv}" "${_ntex_spirv_script}"
      COMMENT "embed ${_name}.spv"
      VERBATIM)
    target_sources(${target} PRIVATE "${_cpp}")
  endforeach()
endfunction()
