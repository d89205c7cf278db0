// SPDX-License-Identifier: MIT
// Which kernels a CPU plan runs (cpu_plan.h): ntex's own (allocation-free, direct_conv.h) or oneDNN's.
#pragma once

namespace ntex::cpu {

enum class CpuKernels { Auto, Native, OneDnn };

// Auto -> Native when the CPU has AVX2+FMA or AVX-512F, else OneDnn. The environment variable
// NTEX_CPU_KERNELS=onednn turns Auto into OneDnn (benchmarks and comparisons; read when a plan is
// built). Native on a CPU without those ISAs falls back to OneDnn. Thread-safe.
CpuKernels resolve_cpu_kernels(CpuKernels requested) noexcept;

}  // namespace ntex::cpu
