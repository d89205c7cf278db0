# SPDX-License-Identifier: MIT
# Detects the CUDA toolkit (default /usr/local/cuda). NTEX_WITH_CUDA defaults to ON when nvcc and
# cuDNN are found; the CUDA backend itself is built by plugin/ when the option is ON.
if(NOT DEFINED CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
  set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()
include(CheckLanguage)
check_language(CUDA)
set(_ntex_cuda_default OFF)
if(CMAKE_CUDA_COMPILER)
  find_package(CUDAToolkit QUIET)
  find_path(NTEX_CUDNN_INCLUDE_DIR cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include /usr/include)
  find_library(NTEX_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda/lib64 /usr/lib/x86_64-linux-gnu)
  if(CUDAToolkit_FOUND AND NTEX_CUDNN_INCLUDE_DIR AND NTEX_CUDNN_LIBRARY)
    set(_ntex_cuda_default ON)
  endif()
endif()
option(NTEX_WITH_CUDA "Build the CUDA/cuDNN backend" ${_ntex_cuda_default})
if(NTEX_WITH_CUDA)
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
