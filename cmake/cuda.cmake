# SPDX-License-Identifier: MIT
# Detects the CUDA toolkit (default /usr/local/cuda). NTEX_WITH_CUDA defaults to ON when nvcc and
# cuDNN are found; the CUDA backend itself is built by plugin/ when the option is ON.
if(NOT DEFINED CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
  set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()
include(CheckLanguage)
check_language(CUDA)
set(_ntex_cuda_default OFF)
# cuDNN where GPU machines keep it: the toolkit, Debian's multiarch dirs, or the pip wheel
# (nvidia-cudnn-cu12/13, e.g. inside a PyTorch venv) whose lib/ has only the versioned libcudnn.so.9
# (review cuda-first-gpu.md #1). NTEX_CUDNN_ROOT or the environment's CUDNN_ROOT point at any of them.
set(_ntex_cudnn_roots ${NTEX_CUDNN_ROOT} $ENV{CUDNN_ROOT})
foreach(_py /opt/torch/.venv/bin/python3 /usr/bin/python3 python3)
  execute_process(COMMAND ${_py} -c "import nvidia.cudnn as m; print(list(m.__path__)[0])"
                  OUTPUT_VARIABLE _ntex_wheel RESULT_VARIABLE _ntex_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_ntex_rc EQUAL 0 AND _ntex_wheel)
    list(APPEND _ntex_cudnn_roots "${_ntex_wheel}")
  endif()
endforeach()
set(_ntex_cudnn_include_hints /usr/local/cuda/include /usr/include)
set(_ntex_cudnn_lib_hints /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/lib/x86_64-linux-gnu)
foreach(_root IN LISTS _ntex_cudnn_roots)
  list(PREPEND _ntex_cudnn_include_hints "${_root}/include")
  list(PREPEND _ntex_cudnn_lib_hints "${_root}/lib" "${_root}/lib64")
endforeach()
if(CMAKE_CUDA_COMPILER)
  find_package(CUDAToolkit QUIET)
  find_path(NTEX_CUDNN_INCLUDE_DIR cudnn.h HINTS ${_ntex_cudnn_include_hints} ${CUDAToolkit_INCLUDE_DIRS})
  find_library(NTEX_CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 HINTS ${_ntex_cudnn_lib_hints} ${CUDAToolkit_LIBRARY_DIR})
  if(CUDAToolkit_FOUND AND NTEX_CUDNN_INCLUDE_DIR AND NTEX_CUDNN_LIBRARY)
    set(_ntex_cuda_default ON)
  endif()
endif()
option(NTEX_WITH_CUDA "Build the CUDA/cuDNN backend" ${_ntex_cuda_default})
if(NTEX_WITH_CUDA)
  # Asked for (or found): every piece must be there. A build asked for CUDA never quietly becomes
  # CPU-only, or a GPU machine's test run would skip every GPU test and pass.
  if(NOT CMAKE_CUDA_COMPILER)
    message(FATAL_ERROR "NTEX_WITH_CUDA=ON but no CUDA compiler: set CMAKE_CUDA_COMPILER (nvcc) or install the CUDA toolkit")
  endif()
  if(NOT CUDAToolkit_FOUND)
    message(FATAL_ERROR "NTEX_WITH_CUDA=ON but find_package(CUDAToolkit) failed for ${CMAKE_CUDA_COMPILER}")
  endif()
  if(NOT NTEX_CUDNN_INCLUDE_DIR OR NOT NTEX_CUDNN_LIBRARY)
    message(FATAL_ERROR "NTEX_WITH_CUDA=ON but cuDNN was not found (cudnn.h: ${NTEX_CUDNN_INCLUDE_DIR}, "
                        "libcudnn: ${NTEX_CUDNN_LIBRARY}); pass -DNTEX_CUDNN_ROOT=<dir with include/ and lib/> "
                        "(e.g. the nvidia/cudnn folder of a pip wheel) or NTEX_CUDNN_INCLUDE_DIR and NTEX_CUDNN_LIBRARY")
  endif()
  message(STATUS "ntex: CUDA ${CUDAToolkit_VERSION} with cuDNN (${NTEX_CUDNN_LIBRARY}) found")
else()
  message(STATUS "ntex: CUDA backend off (NTEX_WITH_CUDA=OFF, or no usable CUDA toolkit + cuDNN found)")
endif()

# The CUDA language and architectures, only when the backend is built (plugin/ adds the sources).
# Architectures: Turing .. Hopper (H100 = 90); override with -DCMAKE_CUDA_ARCHITECTURES=90 for a
# faster single-GPU build. cudart is linked statically and cuDNN is dlopen'ed at run time
# (backends/cuda/cudnn_api.cpp), so libntex.so still loads on machines without an NVIDIA driver.
if(NTEX_WITH_CUDA)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES "75;80;86;89;90")
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  set(CMAKE_CUDA_STANDARD 17)   # CMake 3.25 knows no CUDA20 flags for nvcc; device code needs only C++17
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  set(CMAKE_CUDA_EXTENSIONS OFF)
endif()
