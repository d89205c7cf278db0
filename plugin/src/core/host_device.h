// SPDX-License-Identifier: MIT
// NTEX_HOST_DEVICE: marks an inline function compiled for the host and, under nvcc, for the device too,
// so the CUDA kernels' per-texel arithmetic is the code the host tests run.
#pragma once

#if defined(__CUDACC__)
#define NTEX_HOST_DEVICE __host__ __device__
#else
#define NTEX_HOST_DEVICE
#endif
