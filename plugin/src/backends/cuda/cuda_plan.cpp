// SPDX-License-Identifier: MIT
// CudaPlan: cuDNN descriptors, algorithms, workspace and buffers chosen once; the per-frame sequence
// is captured in a CUDA graph and replayed by enqueue().
//
// Why our own epilogue rather than cudnnConvolutionBiasActivationForward: the legacy fused op only
// offers ReLU/identity-style activations (no leaky ReLU, no tanh in the fused path) and has no noise
// injection term; and the epilogue has to write the next op's wrap-around halo anyway (cuDNN pads with
// zeros only). So the conv runs with padding 0 on a halo-padded input, and one kernel does bias + noise
// + activation (+ output op) + halo + FP16 conversion in a single pass over the conv's output.
#include "backends/cuda/cuda_plan.h"

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_resources.h"
#include "backends/cuda/cudnn_api.h"
#include "backends/cuda/plan_kernels.h"
#include "core/error.h"
#include "runtime/hash_noise.h"
#include "runtime/layout_levels.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace ntex::cuda {

namespace {

// Buffers of the plan; steps name them and resolve the pointer when launched.
enum class Buf { Input, Act0, Act1, ConvOut, Final };

struct Ref {
    Buf buf = Buf::Input;
    DType type = DType::F32;
    int c = 0, h = 0, w = 0, halo = 0;
    std::size_t count() const noexcept {
        return static_cast<std::size_t>(c) * static_cast<std::size_t>(h + 2 * halo) * static_cast<std::size_t>(w + 2 * halo);
    }
};

// cuDNN may use at most this much workspace for one convolution.
constexpr std::size_t kMaxWorkspace = std::size_t{1} << 30;

cudnnDataType_t cudnn_type(DType t) { return t == DType::F16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT; }

}  // namespace

struct CudaPlan::Impl {
    enum class Kind { Conv, Epilogue, Upsample, Output };
    struct Conv {
        std::size_t op_index = 0;
        int in = 0, out = 0, k = 0;
        bool demodulate = true;
        TensorDesc x, y;
        FilterDesc f;
        ConvDesc conv;
        cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
        std::size_t workspace = 0;
        // Usable algorithms in cuDNN's heuristic order (choose_algorithm); `chosen` indexes the one in
        // use. trial_run() moves to the next when one fails to execute (review cuda-first-gpu #4).
        struct Candidate {
            cudnnConvolutionFwdAlgo_t algo;
            cudnnMathType_t math;
            std::size_t workspace;
        };
        std::vector<Candidate> candidates;
        std::size_t chosen = 0;
        DeviceBuffer weight, affine_w, affine_b, bias, filter, noise;
        int noise_w = 0, noise_h = 0;
        // Layout injection (op.layout_gain): the op's level (the conv output's w x h x layout_channels,
        // FP32 NHWC, whatever the precision: it is tiny) and its gains [out][layout_channels] FP32;
        // both empty when the op has none. The level is staged at layout_offset floats into
        // layout_staging.
        DeviceBuffer layout, layout_gain;
        int layout_divisor = 0;
        std::size_t layout_offset = 0;
    };
    struct Step {
        Kind kind = Kind::Conv;
        Ref src, dst;
        std::size_t conv = 0;    // Conv / Epilogue: index into convs
        int activation = kActLinear;
        bool output_op = false;
        float scale = 1.0f, shift = 0.0f, strength = 0.0f;
        double flops = 0;
        std::string label;
    };

    std::shared_ptr<const LoadedModel> model;
    int width = 0, height = 0, ordinal = 0;
    Precision precision = Precision::Fp32;
    DType act_type = DType::F32;
    const CudnnApi* dnn = nullptr;
    Stream stream;
    CudnnHandle handle;
    std::vector<Conv> convs;
    std::vector<Step> steps;
    DeviceBuffer input, act[2], conv_out, final_out, workspace, w_dev, s_dev;
    Ref input_ref;
    PinnedBuffer host_out;
    int out_channels = 0;
    // set_layout: K, the host staging memory of every level (pinned, so the copies are truly
    // asynchronous and do not wait for the frame in flight) and an event recorded after the last
    // copies from it (see set_layout).
    int layout_channels = 0;
    PinnedBuffer layout_staging;
    Event layout_copied;
    Graph graph;
    GraphExec exec;
    // Profiling: events around each step (direct launches instead of the graph).
    bool profiling = false;
    std::vector<Event> events;
    std::vector<std::vector<double>> samples;
    int profiled_runs = 0;
    bool output_valid = false;

    void* ptr(Buf b) const noexcept {
        switch (b) {
            case Buf::Input: return input.get();
            case Buf::Act0: return act[0].get();
            case Buf::Act1: return act[1].get();
            case Buf::ConvOut: return conv_out.get();
            case Buf::Final: return final_out.get();
        }
        return nullptr;
    }
    TensorView view(const Ref& r) const noexcept { return TensorView{ptr(r.buf), r.type, r.c, r.h, r.w, r.halo}; }

    void build();
    void choose_algorithm(Conv& cv, const Ref& src, const Ref& dst);
    void launch(const Step& s, cudaStream_t st);
    void launch_all(cudaStream_t st);
    // One eager pass outside capture: loads kernels, and runs each convolution with its candidate
    // algorithms in turn until one executes (then the graph uses it).
    void trial_run();
    void use_candidate(Conv& cv, std::size_t index);
    void capture();
    std::string graph_note;   // why the plan runs without a CUDA graph ("" when it has one)
};

void CudaPlan::Impl::choose_algorithm(Conv& cv, const Ref& src, const Ref& dst) {
    const cudnnDataType_t t = cudnn_type(act_type);
    cudnnTensorDescriptor_t x = nullptr, y = nullptr;
    NTEX_CUDNN_CHECK(dnn->cudnnCreateTensorDescriptor(&x));
    cv.x = TensorDesc(x);
    NTEX_CUDNN_CHECK(dnn->cudnnCreateTensorDescriptor(&y));
    cv.y = TensorDesc(y);
    cudnnFilterDescriptor_t f = nullptr;
    NTEX_CUDNN_CHECK(dnn->cudnnCreateFilterDescriptor(&f));
    cv.f = FilterDesc(f);
    cudnnConvolutionDescriptor_t c = nullptr;
    NTEX_CUDNN_CHECK(dnn->cudnnCreateConvolutionDescriptor(&c));
    cv.conv = ConvDesc(c);
    NTEX_CUDNN_CHECK(dnn->cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NHWC, t, 1, src.c, src.h + 2 * src.halo, src.w + 2 * src.halo));
    NTEX_CUDNN_CHECK(dnn->cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NHWC, t, 1, dst.c, dst.h, dst.w));
    // NHWC filters are KRSC: filter[out][r][s][in], as launch_modulate writes them.
    NTEX_CUDNN_CHECK(dnn->cudnnSetFilter4dDescriptor(f, t, CUDNN_TENSOR_NHWC, cv.out, cv.in, cv.k, cv.k));
    // Padding 0: the input carries its wrap-around halo. FP32 accumulation in both modes.
    NTEX_CUDNN_CHECK(dnn->cudnnSetConvolution2dDescriptor(c, 0, 0, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    // FP32 mode: FMA math only. CUDNN_DEFAULT_MATH would allow TF32 tensor cores on Ampere and
    // later (10-bit mantissa), which breaks the NMSE < 1e-6 parity with the CPU reference.
    const cudnnMathType_t math = precision == Precision::Fp16 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
    NTEX_CUDNN_CHECK(dnn->cudnnSetConvolutionMathType(c, math));

    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int returned = 0;
    NTEX_CUDNN_CHECK(dnn->cudnnGetConvolutionForwardAlgorithm_v7(handle.get(), x, f, c, y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf));
    // Every usable entry, in cuDNN's order (review cuda-first-gpu #4): its own math type (never tensor
    // ops in FP32), deterministic only (the 1000-frame test compares frames byte for byte), a workspace
    // cuDNN can size within the limit. Heuristic entries that report SUCCESS can still fail to size or
    // to run (NHWC HALF with K not a multiple of 8), so this is a list, not a single pick.
    auto add = [&](cudnnConvolutionFwdAlgo_t algo, cudnnMathType_t math_type) {
        for (const Conv::Candidate& existing : cv.candidates) {
            if (existing.algo == algo && existing.math == math_type) return;
        }
        if (dnn->cudnnSetConvolutionMathType(c, math_type) != CUDNN_STATUS_SUCCESS) return;
        std::size_t bytes = 0;
        if (dnn->cudnnGetConvolutionForwardWorkspaceSize(handle.get(), x, f, c, y, algo, &bytes) != CUDNN_STATUS_SUCCESS) return;
        if (bytes > kMaxWorkspace) return;
        cv.candidates.push_back(Conv::Candidate{algo, math_type, bytes});
    };
    for (int i = 0; i < returned; ++i) {
        const cudnnConvolutionFwdAlgoPerf_t& p = perf[i];
        if (p.status != CUDNN_STATUS_SUCCESS || p.memory > kMaxWorkspace) continue;
        if (p.determinism == CUDNN_NON_DETERMINISTIC) continue;
        if (precision == Precision::Fp32 && p.mathType == CUDNN_TENSOR_OP_MATH) continue;
        // FFT and Winograd transform the inputs with rounding of their own; in FP32 mode keep to
        // the direct/GEMM family so the result stays within the parity threshold.
        if (precision == Precision::Fp32 && (p.algo == CUDNN_CONVOLUTION_FWD_ALGO_FFT || p.algo == CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING ||
                                             p.algo == CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED)) {
            continue;
        }
        add(p.algo, precision == Precision::Fp32 ? CUDNN_FMA_MATH : p.mathType);
    }
    // Last resort: implicit GEMM, which cuDNN implements for every shape and type.
    add(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, math);
    add(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, precision == Precision::Fp32 ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH);
    if (cv.candidates.empty()) fail(NTEX_ERROR_BACKEND, "cuDNN offers no usable forward algorithm for op ", cv.op_index);
    use_candidate(cv, 0);
}

void CudaPlan::Impl::use_candidate(Conv& cv, std::size_t index) {
    const Conv::Candidate& k = cv.candidates[index];
    NTEX_CUDNN_CHECK(dnn->cudnnSetConvolutionMathType(cv.conv.get(), k.math));
    cv.chosen = index;
    cv.algo = k.algo;
    cv.workspace = k.workspace;
}

void CudaPlan::Impl::build() {
    const ModelDescription& d = model->description();
    const int gw = width / d.cell_size, gh = height / d.cell_size;
    auto wanted_halo = [&](std::size_t j) -> int {
        if (j >= d.ops.size()) return 0;
        if (d.ops[j].kind == OpKind::ModConv) return d.ops[j].kernel / 2;
        return 0;   // upsample and output read with wrapped indices: no halo needed
    };
    // Where op j's input goes: the dense FP32 final tensor after the last op, else the free
    // activation buffer with op j's halo.
    int which = 0;
    auto next_dst = [&](std::size_t j, int c, int h, int w) {
        Ref r;
        r.c = c, r.h = h, r.w = w;
        if (j >= d.ops.size()) {
            r.buf = Buf::Final;
            r.type = DType::F32;
            r.halo = 0;
        } else {
            r.buf = which == 0 ? Buf::Act0 : Buf::Act1;
            which ^= 1;
            r.type = act_type;
            r.halo = wanted_halo(j);
        }
        return r;
    };
    std::size_t act_count = 0, conv_count = 0, final_count = 0;
    layout_channels = d.layout_channels;
    const std::vector<LayoutLevel> levels = layout_levels(d, width, height);
    std::size_t staging_floats = 0;
    auto note = [&](const Ref& r) {
        if (r.buf == Buf::Final) final_count = std::max(final_count, r.count());
        else if (r.buf == Buf::Act0 || r.buf == Buf::Act1) act_count = std::max(act_count, r.count());
    };
    Ref cur;
    bool have = false;
    int c = 0, h = gh, w = gw;
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const SynthesisOp& op = d.ops[i];
        switch (op.kind) {
            case OpKind::NoiseInput: {
                c = op.channels;
                input_ref = Ref{Buf::Input, act_type, c, h, w, wanted_halo(i + 1)};
                cur = input_ref;
                have = true;
                break;
            }
            case OpKind::Upsample: {
                if (!have) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": op ", i, ": upsample before any input");
                Step s;
                s.kind = Kind::Upsample;
                s.src = cur;
                s.dst = next_dst(i + 1, c, 2 * h, 2 * w);
                note(s.dst);
                s.label = cat("op ", i, " upsample ", w, "x", h, "x", c, ": bilinear x2 kernel (wrap-around)");
                steps.push_back(s);
                h *= 2;
                w *= 2;
                cur = s.dst;
                break;
            }
            case OpKind::ModConv: {
                if (!have) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": op ", i, ": modconv before any input");
                if (cur.halo != op.kernel / 2) fail(NTEX_ERROR_BACKEND, "op ", i, ": conv input has halo ", cur.halo, ", needs ", op.kernel / 2);
                if (cur.buf == Buf::Final) fail(NTEX_ERROR_BACKEND, "op ", i, ": reads the final tensor");
                Conv cv;
                cv.op_index = i;
                cv.in = op.in;
                cv.out = op.out;
                cv.k = op.kernel;
                cv.demodulate = op.demodulate;
                const Ref conv_dst{Buf::ConvOut, act_type, op.out, h, w, 0};
                conv_count = std::max(conv_count, conv_dst.count());
                choose_algorithm(cv, cur, conv_dst);
                auto upload = [&](const std::string& name) {
                    const std::vector<float>& t = model->tensor(name);
                    DeviceBuffer b(t.size() * sizeof(float));
                    // On the plan's stream (non-blocking: the legacy default stream would not order
                    // before it); the model's tensors outlive the copy.
                    NTEX_CUDA_CHECK(cudaMemcpyAsync(b.get(), t.data(), t.size() * sizeof(float), cudaMemcpyHostToDevice, stream.get()));
                    return b;
                };
                cv.weight = upload(op.weight);
                cv.affine_w = upload(op.affine_weight);
                cv.affine_b = upload(op.affine_bias);
                cv.bias = upload(op.bias);
                cv.filter = DeviceBuffer(static_cast<std::size_t>(op.out) * static_cast<std::size_t>(op.in) *
                                         static_cast<std::size_t>(op.kernel * op.kernel) * dtype_size(act_type));
                float strength = 0.0f;
                if (op.noise) {
                    cv.noise = DeviceBuffer(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * sizeof(float));
                    cv.noise_w = w;
                    cv.noise_h = h;
                    strength = model->tensor(op.noise_strength)[0];
                }
                if (!op.layout_gain.empty()) {
                    // The shared level list (the CPU plan's too) must agree with this walk's
                    // resolution: the kernel indexes the level with the conv output's pixel.
                    const auto level = std::find_if(levels.begin(), levels.end(), [&](const LayoutLevel& l) { return l.op_index == i; });
                    if (level == levels.end() || level->width != w || level->height != h) {
                        fail(NTEX_ERROR_BACKEND, "op ", i, ": layout level does not match the op's ", w, "x", h, " output");
                    }
                    cv.layout_gain = upload(op.layout_gain);   // [out][K], shape checked by the parser
                    const std::size_t floats = static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * static_cast<std::size_t>(layout_channels);
                    cv.layout = DeviceBuffer(floats * sizeof(float));
                    // Zero until the first set_layout: a run without one sees an all-zero layout
                    // instead of uninitialised memory.
                    NTEX_CUDA_CHECK(cudaMemsetAsync(cv.layout.get(), 0, cv.layout.bytes(), stream.get()));
                    cv.layout_divisor = level->divisor;
                    cv.layout_offset = staging_floats;
                    staging_floats += floats;
                }
                Step conv;
                conv.kind = Kind::Conv;
                conv.src = cur;
                conv.dst = conv_dst;
                conv.conv = convs.size();
                conv.flops = 2.0 * op.out * op.in * op.kernel * op.kernel * static_cast<double>(h) * w;
                // trial_run() appends the algorithm it settles on.
                conv.label = cat("op ", i, " modconv ", op.in, "->", op.out, " k", op.kernel, " ", w, "x", h);
                convs.push_back(std::move(cv));
                steps.push_back(conv);

                const bool fuse_output = i + 1 < d.ops.size() && d.ops[i + 1].kind == OpKind::Output;
                Step epi;
                epi.kind = Kind::Epilogue;
                epi.src = conv_dst;
                epi.conv = conv.conv;
                epi.activation = op.activation == Activation::LRelu ? kActLRelu : op.activation == Activation::Tanh ? kActTanh : kActLinear;
                epi.strength = strength;
                if (fuse_output) {
                    epi.output_op = true;
                    epi.scale = d.ops[i + 1].scale;
                    epi.shift = d.ops[i + 1].shift;
                }
                epi.dst = next_dst(fuse_output ? i + 2 : i + 1, op.out, h, w);
                note(epi.dst);
                epi.label = cat("op ", i, " epilogue: bias", op.noise ? " + noise" : "", op.layout_gain.empty() ? "" : " + layout", " + ",
                                activation_name(op.activation),
                                fuse_output ? " + output" : "", epi.dst.halo ? cat(" -> halo ", epi.dst.halo) : std::string(),
                                act_type == DType::F16 && epi.dst.buf != Buf::Final ? " (fp16 store)" : "");
                steps.push_back(epi);
                cur = epi.dst;
                c = op.out;
                if (fuse_output) ++i;
                break;
            }
            case OpKind::Output: {
                if (!have) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": op ", i, ": output before any input");
                Step s;
                s.kind = Kind::Output;
                s.src = cur;
                s.dst = next_dst(i + 1, c, h, w);
                note(s.dst);
                s.scale = op.scale;
                s.shift = op.shift;
                s.label = cat("op ", i, " output");
                steps.push_back(s);
                cur = s.dst;
                break;
            }
        }
    }
    if (!have || cur.buf != Buf::Final) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops: the last op leaves no result");
    if (cur.h != height || cur.w != width) {
        fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops produce ", cur.w, "x", cur.h, ", not ", width, "x", height);
    }
    out_channels = cur.c;

    input = DeviceBuffer(input_ref.count() * dtype_size(act_type));
    for (DeviceBuffer& b : act) b = DeviceBuffer(act_count * dtype_size(act_type));
    conv_out = DeviceBuffer(conv_count * dtype_size(act_type));
    final_out = DeviceBuffer(final_count * sizeof(float));
    host_out = PinnedBuffer(final_count * sizeof(float));
    std::size_t ws = 0, max_in = 0;
    for (const Conv& cv : convs) {
        ws = std::max(ws, cv.workspace);
        max_in = std::max(max_in, static_cast<std::size_t>(cv.in));
    }
    workspace = DeviceBuffer(ws);
    w_dev = DeviceBuffer(static_cast<std::size_t>(d.w_dim) * sizeof(float));
    s_dev = DeviceBuffer(std::max<std::size_t>(max_in, 1) * sizeof(float));
    if (staging_floats > 0) {
        layout_staging = PinnedBuffer(staging_floats * sizeof(float));
        layout_copied = make_event(cudaEventDisableTiming);
    }
}

void CudaPlan::Impl::launch(const Step& s, cudaStream_t st) {
    static const float kOne = 1.0f, kZero = 0.0f;   // alpha/beta: float for FLOAT and HALF data
    switch (s.kind) {
        case Kind::Conv: {
            const Conv& cv = convs[s.conv];
            NTEX_CUDNN_CHECK(dnn->cudnnConvolutionForward(handle.get(), &kOne, cv.x.get(), ptr(s.src.buf), cv.f.get(), cv.filter.get(),
                                                         cv.conv.get(), cv.algo, workspace.get(), cv.workspace, &kZero, cv.y.get(),
                                                         ptr(s.dst.buf)));
            break;
        }
        case Kind::Epilogue: {
            const Conv& cv = convs[s.conv];
            EpilogueArgs a;
            a.src = ptr(s.src.buf);
            a.src_type = s.src.type;
            a.c = s.src.c, a.h = s.src.h, a.w = s.src.w;
            a.bias = cv.bias.as<float>();
            a.noise = cv.noise.as<float>();
            a.strength = s.strength;
            if (cv.layout.get()) {
                a.layout = cv.layout.as<float>();
                a.layout_gain = cv.layout_gain.as<float>();
                a.layout_channels = layout_channels;
            }
            a.activation = s.activation;
            a.output_op = s.output_op;
            a.scale = s.scale, a.shift = s.shift;
            a.dst = view(s.dst);
            launch_epilogue(a, st);
            break;
        }
        case Kind::Upsample: launch_upsample(view(s.src), view(s.dst), st); break;
        case Kind::Output: launch_output(view(s.src), view(s.dst), s.scale, s.shift, st); break;
    }
}

void CudaPlan::Impl::launch_all(cudaStream_t st) {
    for (const Step& s : steps) launch(s, st);
}

void CudaPlan::Impl::trial_run() {
    // Reads not-yet-initialised buffers; the results are discarded.
    for (Step& s : steps) {
        if (s.kind != Kind::Conv) {
            launch(s, stream.get());
            continue;
        }
        Conv& cv = convs[s.conv];
        for (;;) {
            std::string failure;
            try {
                launch(s, stream.get());
                NTEX_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
                break;
            } catch (const Error& e) {
                failure = e.what();
            }
            if (cv.chosen + 1 >= cv.candidates.size()) {
                fail(NTEX_ERROR_BACKEND, "no cuDNN algorithm of op ", cv.op_index, " runs (", cv.candidates.size(), " tried; last: ", failure, ")");
            }
            use_candidate(cv, cv.chosen + 1);
            if (cv.workspace > workspace.bytes()) workspace = DeviceBuffer(cv.workspace);
        }
        s.label += cat(": cuDNN algo ", static_cast<int>(cv.algo), " (", precision_name(precision), ", workspace ", cv.workspace, " B",
                       cv.chosen > 0 ? cat(", candidate ", cv.chosen + 1, " of ", cv.candidates.size()) : std::string(), ")");
    }
    NTEX_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
}

void CudaPlan::Impl::capture() {
    // One eager pass first: it loads every kernel module (CUDA lazy loading, cuDNN's own kernels),
    // lets cuDNN initialise outside capture, where such calls are not allowed, and settles each
    // convolution's algorithm.
    trial_run();
    // Thread-local capture: only this thread's calls join the graph; a host thread using CUDA at
    // the same time is not disturbed (global mode would make its unsafe calls fail). If capture or
    // instantiation fails (cuDNN documents no capture guarantee for its legacy API), relaxed mode is
    // tried, then the plan runs eagerly (enqueue launches the steps; review cuda-first-gpu #5).
    std::string failures;
    for (const cudaStreamCaptureMode mode : {cudaStreamCaptureModeThreadLocal, cudaStreamCaptureModeRelaxed}) {
        cudaGraph_t g = nullptr;
        try {
            NTEX_CUDA_CHECK(cudaStreamBeginCapture(stream.get(), mode));
            try {
                launch_all(stream.get());
            } catch (...) {
                cudaStreamEndCapture(stream.get(), &g);   // leaves capture mode; the partial graph is dropped
                if (g) cudaGraphDestroy(g);
                throw;
            }
            NTEX_CUDA_CHECK(cudaStreamEndCapture(stream.get(), &g));
            graph = Graph(g);
            cudaGraphExec_t e = nullptr;
            NTEX_CUDA_CHECK(cudaGraphInstantiate(&e, g, 0));
            exec = GraphExec(e);
            graph_note.clear();
            return;
        } catch (const Error& e) {
            cudaGetLastError();   // clear a non-sticky error before the next attempt
            graph = Graph();
            failures += cat(failures.empty() ? "" : "; ", mode == cudaStreamCaptureModeRelaxed ? "relaxed" : "thread-local", " capture: ", e.what());
        }
    }
    NTEX_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
    graph_note = cat("no CUDA graph (", failures, "): steps launched one by one");
}

CudaPlan::CudaPlan(std::shared_ptr<const LoadedModel> model, int width, int height, int ordinal, Precision precision)
    : m(std::make_unique<Impl>()) {
    m->model = std::move(model);
    m->width = width;
    m->height = height;
    m->ordinal = ordinal;
    m->precision = precision;
    m->act_type = precision == Precision::Fp16 ? DType::F16 : DType::F32;
    m->dnn = &require_cudnn();
    DeviceGuard device(ordinal);
    m->stream = make_stream();
    cudnnHandle_t h = nullptr;
    NTEX_CUDNN_CHECK(m->dnn->cudnnCreate(&h));
    m->handle = CudnnHandle(h);
    NTEX_CUDNN_CHECK(m->dnn->cudnnSetStream(h, m->stream.get()));
    m->build();
    m->capture();
    for (std::size_t i = 0; i <= m->steps.size(); ++i) m->events.push_back(make_event());
}

CudaPlan::~CudaPlan() {
    if (!m) return;
    // Work still queued reads our buffers: wait before they are freed.
    try {
        DeviceGuard device(m->ordinal);
        NTEX_CUDA_CHECK_PRINT(cudaStreamSynchronize(m->stream.get()));
        m.reset();
    } catch (...) {
        // DeviceGuard failed (driver gone): members are released by unique_ptr as best they can.
    }
}

void CudaPlan::set_style(const std::vector<float>& w) {
    DeviceGuard device(m->ordinal);
    const ModelDescription& d = m->model->description();
    if (w.size() != static_cast<std::size_t>(d.w_dim)) fail(NTEX_ERROR_INVALID_ARGUMENT, "style vector has ", w.size(), " values, not ", d.w_dim);
    cudaStream_t st = m->stream.get();
    // Pageable source: the copy is staged before cudaMemcpyAsync returns, so `w` may change at once.
    NTEX_CUDA_CHECK(cudaMemcpyAsync(m->w_dev.get(), w.data(), w.size() * sizeof(float), cudaMemcpyHostToDevice, st));
    for (Impl::Conv& cv : m->convs) {
        launch_affine(cv.affine_w.as<float>(), cv.affine_b.as<float>(), m->w_dev.as<float>(), cv.in, d.w_dim, m->s_dev.as<float>(), st);
        launch_modulate(cv.weight.as<float>(), m->s_dev.as<float>(), cv.out, cv.in, cv.k, cv.demodulate, cv.filter.get(), m->act_type, st);
    }
}

void CudaPlan::set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) {
    DeviceGuard device(m->ordinal);
    const ModelDescription& d = m->model->description();
    cudaStream_t st = m->stream.get();
    launch_noise_grid(m->view(m->input_ref), seed, origin_x / d.cell_size, origin_y / d.cell_size, st);
    for (const Impl::Conv& cv : m->convs) {
        if (!cv.noise.get()) continue;
        const int32_t div_x = m->width / cv.noise_w;
        const int32_t div_y = m->height / cv.noise_h;
        launch_noise_map(cv.noise.as<float>(), cv.noise_w, cv.noise_h, seed, kStreamNoiseBase + static_cast<uint32_t>(cv.op_index),
                         origin_x / div_x, origin_y / div_y, st);
    }
}

void CudaPlan::set_layout(const float* layout) {
    if (!m->layout_staging.get()) return;   // no op injects a layout
    if (layout == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, "set_layout: null layout");
    DeviceGuard device(m->ordinal);
    cudaStream_t st = m->stream.get();
    // The previous set_layout's copies read the pinned staging memory asynchronously (they run
    // after the frames enqueued before them): refilling it now could change what they upload.
    // Wait for them; an event never recorded completes at once. Only those copies are waited for,
    // not the frame enqueued since, so the host still runs a frame ahead of the device.
    NTEX_CUDA_CHECK(cudaEventSynchronize(m->layout_copied.get()));
    float* staging = m->layout_staging.as<float>();
    for (const Impl::Conv& cv : m->convs) {
        if (!cv.layout.get()) continue;
        float* level = staging + cv.layout_offset;
        downsample_layout(layout, m->width, m->height, m->layout_channels, cv.layout_divisor, level);
        // Stream order: after every frame already enqueued (which may still read the old level: the
        // graph reads the buffer by pointer) and before the next enqueue(). Outside the graph, as
        // set_seed's noise launches.
        NTEX_CUDA_CHECK(cudaMemcpyAsync(cv.layout.get(), level, cv.layout.bytes(), cudaMemcpyHostToDevice, st));
    }
    NTEX_CUDA_CHECK(cudaEventRecord(m->layout_copied.get(), st));
}

void CudaPlan::enqueue() {
    DeviceGuard device(m->ordinal);
    cudaStream_t st = m->stream.get();
    if (!m->profiling && m->exec.get() != nullptr) {
        NTEX_CUDA_CHECK(cudaGraphLaunch(m->exec.get(), st));
        return;
    }
    if (!m->profiling) {
        m->launch_all(st);   // capture failed (graph_note): the same steps, launched eagerly
        return;
    }
    for (std::size_t i = 0; i < m->steps.size(); ++i) {
        NTEX_CUDA_CHECK(cudaEventRecord(m->events[i].get(), st));
        m->launch(m->steps[i], st);
    }
    NTEX_CUDA_CHECK(cudaEventRecord(m->events[m->steps.size()].get(), st));
}

void CudaPlan::run() {
    DeviceGuard device(m->ordinal);
    m->output_valid = false;
    enqueue();
    cudaStream_t st = m->stream.get();
    NTEX_CUDA_CHECK(cudaMemcpyAsync(m->host_out.get(), m->final_out.get(), m->final_out.bytes(), cudaMemcpyDeviceToHost, st));
    NTEX_CUDA_CHECK(cudaStreamSynchronize(st));
    m->output_valid = true;
    if (m->profiling) {
        for (std::size_t i = 0; i < m->steps.size(); ++i) {
            float ms = 0.0f;
            NTEX_CUDA_CHECK(cudaEventElapsedTime(&ms, m->events[i].get(), m->events[i + 1].get()));
            m->samples[i].push_back(static_cast<double>(ms));
        }
        ++m->profiled_runs;
    }
}

const float* CudaPlan::output() const noexcept { return m->host_out.as<float>(); }
int CudaPlan::output_channels() const noexcept { return m->out_channels; }
cudaStream_t CudaPlan::stream() const noexcept { return m->stream.get(); }
const float* CudaPlan::device_output() const noexcept { return m->final_out.as<float>(); }
int CudaPlan::device_ordinal() const noexcept { return m->ordinal; }
Precision CudaPlan::precision() const noexcept { return m->precision; }
int CudaPlan::width() const noexcept { return m->width; }
int CudaPlan::height() const noexcept { return m->height; }

std::size_t CudaPlan::device_bytes() const noexcept {
    std::size_t b = m->input.bytes() + m->act[0].bytes() + m->act[1].bytes() + m->conv_out.bytes() + m->final_out.bytes() +
                    m->workspace.bytes() + m->w_dev.bytes() + m->s_dev.bytes();
    for (const Impl::Conv& cv : m->convs) {
        b += cv.weight.bytes() + cv.affine_w.bytes() + cv.affine_b.bytes() + cv.bias.bytes() + cv.filter.bytes() + cv.noise.bytes() +
             cv.layout.bytes() + cv.layout_gain.bytes();
    }
    return b;
}

std::string CudaPlan::describe() const {
    std::string s;
    for (const Impl::Step& step : m->steps) s += step.label + "\n";
    if (!m->graph_note.empty()) s += m->graph_note + "\n";
    return s;
}

void CudaPlan::set_profiling(bool enabled) {
    m->profiling = enabled;
    m->samples.assign(m->steps.size(), {});
    m->profiled_runs = 0;
}

std::string CudaPlan::profile_report() const {
    // The CPU plan's format (scripts/bench.sh parses the "convolutions:" line); times from CUDA events.
    auto median = [](std::vector<double> v) {
        if (v.empty()) return 0.0;
        const std::size_t mid = v.size() / 2;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
        double r = v[mid];
        if (v.size() % 2 == 0) r = 0.5 * (r + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)));
        return r;
    };
    const auto& steps = m->steps;
    std::vector<double> ms(steps.size(), 0.0);
    double total = 0, conv_ms = 0, conv_flops = 0;
    int convs = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        ms[i] = i < m->samples.size() ? median(m->samples[i]) : 0.0;
        total += ms[i];
        if (steps[i].kind == Impl::Kind::Conv) {
            conv_ms += ms[i];
            conv_flops += steps[i].flops;
            ++convs;
        }
    }
    auto gflops_per_s = [](double flops, double t_ms) { return t_ms > 0 ? flops / (t_ms * 1e6) : 0.0; };
    auto percent = [total](double t_ms) { return total > 0 ? 100.0 * t_ms / total : 0.0; };
    std::string s = cat("step  median ms     GFLOP  GFLOP/s  % total  op (median over ", m->profiled_runs, " runs)\n");
    char buf[256];
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].flops > 0) {
            std::snprintf(buf, sizeof buf, "%4zu %10.3f %9.4f %8.1f %7.1f%%  ", i, ms[i], steps[i].flops * 1e-9,
                          gflops_per_s(steps[i].flops, ms[i]), percent(ms[i]));
        } else {
            std::snprintf(buf, sizeof buf, "%4zu %10.3f %9s %8s %7.1f%%  ", i, ms[i], "-", "-", percent(ms[i]));
        }
        s += buf + steps[i].label + "\n";
    }
    std::snprintf(buf, sizeof buf,
                  "total: %.3f ms (sum of step medians), %.4f GFLOP, %.1f GFLOP/s\n"
                  "convolutions: %d steps, %.3f ms (%.1f%% of total), %.4f GFLOP, %.1f GFLOP/s\n",
                  total, conv_flops * 1e-9, gflops_per_s(conv_flops, total), convs, conv_ms, percent(conv_ms), conv_flops * 1e-9,
                  gflops_per_s(conv_flops, conv_ms));
    s += buf;
    std::snprintf(buf, sizeof buf, "%9.1f MiB planned buffers (activations, noise, layout, weights, workspace %.1f MiB)\n",
                  static_cast<double>(device_bytes()) / 1048576.0, static_cast<double>(m->workspace.bytes()) / 1048576.0);
    return s + buf;
}

}  // namespace ntex::cuda
