// SPDX-License-Identifier: MIT
// ntex_gpu_bench: the CUDA backend's generation time and roofline (issue 6; scripts/bench_gpu.sh
// runs it beside PyTorch on the same GPU). Not a ctest test: it prints numbers.
//   Generate/<size>/<precision>  one replayed frame graph (CudaPlan::enqueue), CUDA-event time per
//                                 iteration (manual time), steady state (style and seed unchanged)
//   GenerateNewStyle/<size>/...  a new w every frame: modulation kernels + frame graph
//   PeakFp16Gemm, PeakFp32Gemm   cuBLAS 8192^3 GEMM: FP16 in / FP32 accumulate (tensor cores), and
//                                 FP32 without TF32: this GPU's measured compute peaks
//   PeakCopy                      1 GiB device-to-device copy: the measured memory bandwidth
// Counters per generation: GFLOP (model FLOPs per megapixel x megapixels), min_MB (each activation
// written once and read once at the plan's precision, plus weights and the FP32 final tensor: a
// lower bound on DRAM traffic), TFLOP/s and GB/s achieved; scripts/bench_gpu.sh divides them by the
// peaks for the roofline table.
// Environment: NTEX_BENCH_MODEL (default: the shipped material_v1.json).
#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_plan.h"
#include "model/model.h"
#include "runtime/hash_noise.h"
#include "runtime/style.h"

#include <benchmark/benchmark.h>
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::string model_path() {
    const char* env = std::getenv("NTEX_BENCH_MODEL");
    return env != nullptr ? env : NTEX_DEFAULT_MODEL;
}

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
void check(cublasStatus_t s, const char* what) {
    if (s != CUBLAS_STATUS_SUCCESS) throw std::runtime_error(std::string(what) + ": cuBLAS status " + std::to_string(static_cast<int>(s)));
}

// Lower bound on the bytes one generation moves: every op's input read once and output written once.
double min_bytes(const ntex::ModelDescription& d, int size, std::size_t element) {
    double bytes = 0;
    long h = size / d.cell_size, w = h, c = 0;
    for (const ntex::SynthesisOp& op : d.ops) {
        switch (op.kind) {
            case ntex::OpKind::NoiseInput:
                c = op.channels;
                bytes += static_cast<double>(c * h * w) * static_cast<double>(element);
                break;
            case ntex::OpKind::Upsample:
                bytes += static_cast<double>(c * h * w) * static_cast<double>(element);
                h *= op.factor;
                w *= op.factor;
                bytes += static_cast<double>(c * h * w) * static_cast<double>(element);
                break;
            case ntex::OpKind::ModConv:
                bytes += static_cast<double>((op.in + op.out) * h * w) * static_cast<double>(element);
                bytes += static_cast<double>(op.out) * op.in * op.kernel * op.kernel * static_cast<double>(element);
                if (op.noise) bytes += static_cast<double>(h * w) * static_cast<double>(element);
                c = op.out;
                break;
            case ntex::OpKind::Output:
                bytes += static_cast<double>(c * h * w) * (static_cast<double>(element) + 4.0);
                break;
        }
    }
    return bytes;
}

int device_or_skip(benchmark::State& state) {
    const ntex::cuda::DeviceChoice choice = ntex::cuda::select_device(nullptr);
    if (choice.ordinal < 0) state.SkipWithError(("no CUDA device: " + choice.reason).c_str());
    return choice.ordinal;
}

void BM_Generate(benchmark::State& state, bool new_style) {
    const int ordinal = device_or_skip(state);
    if (ordinal < 0) return;
    try {
        const int size = static_cast<int>(state.range(0));
        const auto precision = state.range(1) == 16 ? ntex::cuda::Precision::Fp16 : ntex::cuda::Precision::Fp32;
        auto model = ntex::LoadedModel::load(model_path());
        const ntex::ModelDescription& d = model->description();
        ntex::cuda::CudaPlan plan(model, size, size, ordinal, precision);
        std::vector<std::vector<float>> styles;
        for (uint32_t s = 0; s < 8; ++s) {
            const std::vector<float> z = ntex::latent_from_seed(s + 1, d.z_dim);
            styles.push_back(ntex::run_mapping(*model, z.data(), 1.0f));
        }
        plan.set_style(styles[0]);
        plan.set_seed(1, 0, 0);
        for (int i = 0; i < 3; ++i) plan.enqueue();   // warm-up (graph upload, first touch)
        check(cudaStreamSynchronize(plan.stream()), "cudaStreamSynchronize");
        cudaEvent_t start = nullptr, stop = nullptr;
        check(cudaEventCreate(&start), "cudaEventCreate");
        check(cudaEventCreate(&stop), "cudaEventCreate");
        std::size_t frame = 0;
        for (auto _ : state) {
            check(cudaEventRecord(start, plan.stream()), "cudaEventRecord");
            if (new_style) plan.set_style(styles[++frame % styles.size()]);
            plan.enqueue();
            check(cudaEventRecord(stop, plan.stream()), "cudaEventRecord");
            check(cudaEventSynchronize(stop), "cudaEventSynchronize");
            float ms = 0;
            check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
            state.SetIterationTime(static_cast<double>(ms) * 1e-3);
        }
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        const double gflop = d.flops_per_megapixel * static_cast<double>(size) * size * 1e-6 * 1e-9;
        const double mbytes = min_bytes(d, size, precision == ntex::cuda::Precision::Fp16 ? 2 : 4) * 1e-6;
        state.counters["GFLOP"] = gflop;
        state.counters["min_MB"] = mbytes;
        state.counters["TFLOP/s"] = benchmark::Counter(gflop * 1e-3, benchmark::Counter::kIsIterationInvariantRate);
        state.counters["GB/s"] = benchmark::Counter(mbytes * 1e-3, benchmark::Counter::kIsIterationInvariantRate);
        state.counters["device_MB"] = static_cast<double>(plan.device_bytes()) * 1e-6;
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_PeakGemm(benchmark::State& state, bool fp16) {
    const int ordinal = device_or_skip(state);
    if (ordinal < 0) return;
    try {
        check(cudaSetDevice(ordinal), "cudaSetDevice");
        const int n = 8192;
        const std::size_t elems = static_cast<std::size_t>(n) * n;
        const std::size_t in_bytes = elems * (fp16 ? sizeof(__half) : sizeof(float));
        void *a = nullptr, *b = nullptr, *c = nullptr;
        check(cudaMalloc(&a, in_bytes), "cudaMalloc");
        check(cudaMalloc(&b, in_bytes), "cudaMalloc");
        check(cudaMalloc(&c, elems * sizeof(float)), "cudaMalloc");
        check(cudaMemset(a, 0x3c, in_bytes), "cudaMemset");   // nonzero finite values (1.0-ish halves)
        check(cudaMemset(b, 0x3c, in_bytes), "cudaMemset");
        cublasHandle_t handle = nullptr;
        check(cublasCreate(&handle), "cublasCreate");
        // FP32: pedantic math (no TF32) is the FP32 peak the exact mode competes with.
        check(cublasSetMathMode(handle, fp16 ? CUBLAS_DEFAULT_MATH : CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
        const float alpha = 1.0f, beta = 0.0f;
        const cudaDataType_t t = fp16 ? CUDA_R_16F : CUDA_R_32F;
        auto gemm = [&] {
            check(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, a, t, n, b, t, n, &beta, c, CUDA_R_32F, n,
                               CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                  "cublasGemmEx");
        };
        gemm();
        check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
        cudaEvent_t start = nullptr, stop = nullptr;
        check(cudaEventCreate(&start), "cudaEventCreate");
        check(cudaEventCreate(&stop), "cudaEventCreate");
        for (auto _ : state) {
            check(cudaEventRecord(start), "cudaEventRecord");
            gemm();
            check(cudaEventRecord(stop), "cudaEventRecord");
            check(cudaEventSynchronize(stop), "cudaEventSynchronize");
            float ms = 0;
            check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
            state.SetIterationTime(static_cast<double>(ms) * 1e-3);
        }
        state.counters["TFLOP/s"] = benchmark::Counter(2.0 * n * n * static_cast<double>(n) * 1e-12,
                                                       benchmark::Counter::kIsIterationInvariantRate);
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        cublasDestroy(handle);
        cudaFree(a);
        cudaFree(b);
        cudaFree(c);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_PeakCopy(benchmark::State& state) {
    const int ordinal = device_or_skip(state);
    if (ordinal < 0) return;
    try {
        check(cudaSetDevice(ordinal), "cudaSetDevice");
        const std::size_t bytes = std::size_t{1} << 30;
        void *a = nullptr, *b = nullptr;
        check(cudaMalloc(&a, bytes), "cudaMalloc");
        check(cudaMalloc(&b, bytes), "cudaMalloc");
        check(cudaMemset(a, 1, bytes), "cudaMemset");
        cudaEvent_t start = nullptr, stop = nullptr;
        check(cudaEventCreate(&start), "cudaEventCreate");
        check(cudaEventCreate(&stop), "cudaEventCreate");
        for (auto _ : state) {
            check(cudaEventRecord(start), "cudaEventRecord");
            check(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice), "cudaMemcpyAsync");
            check(cudaEventRecord(stop), "cudaEventRecord");
            check(cudaEventSynchronize(stop), "cudaEventSynchronize");
            float ms = 0;
            check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
            state.SetIterationTime(static_cast<double>(ms) * 1e-3);
        }
        // Read + write: the traffic a kernel streaming through memory would see.
        state.counters["GB/s"] = benchmark::Counter(2.0 * static_cast<double>(bytes) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        cudaFree(a);
        cudaFree(b);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void sizes(benchmark::internal::Benchmark* b) {
    for (int precision : {16, 32}) {
        for (int size : {512, 1024, 2048, 4096}) b->Args({size, precision});
    }
    b->ArgNames({"size", "fp"})->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Generate, steady, false)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Generate, new_style, true)->Apply(sizes);
BENCHMARK_CAPTURE(BM_PeakGemm, fp16, true)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK_CAPTURE(BM_PeakGemm, fp32, false)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(BM_PeakCopy)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);

BENCHMARK_MAIN();
