# SPDX-License-Identifier: MIT
# cmake -DINPUT=x.spv -DOUTPUT=x.cpp -DSYMBOL=name -P ntex_spirv_to_cpp.cmake: SPIR-V bytes as a C++ array.
file(READ "${INPUT}" _hex HEX)
string(LENGTH "${_hex}" _len)
math(EXPR _bytes "${_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _array "${_hex}")
# One line per 32 bytes keeps the file diffable and the compiler happy.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n" _array "${_array}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by cmake/ntex_spirv_to_cpp.cmake: do not edit.\n#include <cstddef>\nextern \"C\" {\nalignas(4) extern const unsigned char ${SYMBOL}[] = {\n${_array}\n};\nextern const std::size_t ${SYMBOL}_size = ${_bytes};\n}\n")
