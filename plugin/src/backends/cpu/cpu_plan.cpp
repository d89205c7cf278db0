// SPDX-License-Identifier: MIT
// CpuPlan: builds oneDNN primitives and buffers once; run() only executes.
#include "backends/cpu/cpu_plan.h"

#include "core/checked_size.h"

#include "backends/cpu/circular.h"
#include "backends/cpu/upsample.h"
#include "core/checked_size.h"
#include "core/parallel.h"
#include "core/error.h"
#include "core/wrap.h"
#include "runtime/hash_noise.h"
#include "runtime/layout_levels.h"
#include "runtime/style.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace ntex::cpu {

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

memory::desc nhwc(int c, int h, int w) { return memory::desc({1, c, h, w}, dt::f32, tag::nhwc); }

struct BufferSizes {
    CheckedSize max_dense, max_padded, max_resampled, input, noise;
    CheckedSize weights;   // per-op modulated + packed weights (floats)
};

// Floats of the shared buffers build() allocates for a width x height plan.
BufferSizes buffer_sizes(const ModelDescription& d, int width, int height) noexcept {
    BufferSizes b;
    CheckedSize c = 0, h = height / d.cell_size, w = width / d.cell_size;
    for (const SynthesisOp& op : d.ops) {
        switch (op.kind) {
            case OpKind::NoiseInput:
                c = op.channels;
                b.input = c * h * w;
                break;
            case OpKind::Upsample:
                b.max_padded = max(b.max_padded, c * (h + 2) * (w + 2));
                b.max_resampled = max(b.max_resampled, c * (h * 2 + 4) * (w * 2 + 4));
                h *= 2;
                w *= 2;
                b.max_dense = max(b.max_dense, c * h * w);
                break;
            case OpKind::ModConv: {
                const int halo = op.kernel / 2;
                if (halo > 0) b.max_padded = max(b.max_padded, c * (h + 2 * halo) * (w + 2 * halo));
                c = op.out;
                b.max_dense = max(b.max_dense, c * h * w);
                if (op.noise) b.noise += h * w;
                if (!op.layout_gain.empty()) b.noise += h * w * d.layout_channels;
                // Per-op weights: the modulated copy and the packed copy (channel blocks padded up
                // to 16), even when ops share one tensor (review robustness-2026-12 #4: 1 MB of
                // model took 2.3 GB through shared weights).
                const CheckedSize k2 = CheckedSize(op.kernel) * op.kernel;
                b.weights += CheckedSize(op.in) * op.out * k2 + CheckedSize(op.in).round_up(16) * CheckedSize(op.out).round_up(16) * k2;
                break;
            }
            case OpKind::Output: break;
        }
    }
    return b;
}

}  // namespace

std::size_t CpuPlan::estimate_buffer_bytes(const ModelDescription& d, int width, int height) noexcept {
    const BufferSizes b = buffer_sizes(d, width, height);
    return (sizeof(float) * (2 * b.max_dense + b.max_padded + b.max_resampled + b.input + b.noise + b.weights)).saturated();
}

namespace {

// Refuse plans that cannot fit in physical memory: the buffers are touched at allocation, and
// on Linux overcommit would otherwise end in the OOM killer taking down the host application.
// (TextureGenerator applies its own, usually smaller, budget before this.) The estimate is the
// oneDNN plan's, an upper bound for the native one.
void check_fits_in_memory(const ModelDescription& d, int width, int height) {
    const double bytes = static_cast<double>(CpuPlan::estimate_buffer_bytes(d, width, height));
    const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    if (physical > 0 && bytes > 0.75 * physical) {
        fail(NTEX_ERROR_OUT_OF_MEMORY, "a ", width, "x", height, " generator needs about ", static_cast<long long>(bytes / 1048576.0),
             " MiB of buffers, more than 3/4 of this machine's ", static_cast<long long>(physical / 1048576.0), " MiB");
    }
}

// The halo op j wants around its input: conv K/2, upsample 1; -1 = dense input.
int wanted_halo(const ModelDescription& d, std::size_t j) noexcept {
    if (j >= d.ops.size()) return -1;
    if (d.ops[j].kind == OpKind::ModConv) return d.ops[j].kernel / 2 > 0 ? d.ops[j].kernel / 2 : -1;
    if (d.ops[j].kind == OpKind::Upsample) return 1;
    return -1;
}

}  // namespace

CpuKernels resolve_cpu_kernels(CpuKernels requested) noexcept {
    if (requested == CpuKernels::Auto) {
        const char* env = std::getenv("NTEX_CPU_KERNELS");
        if (env != nullptr && std::strcmp(env, "onednn") == 0) return CpuKernels::OneDnn;   // getenv: thread-safe while nobody calls setenv
        requested = CpuKernels::Native;
    }
    if (requested == CpuKernels::Native && detect_isa() == CpuIsa::None) return CpuKernels::OneDnn;
    return requested;
}

CpuPlan::CpuPlan(std::shared_ptr<const LoadedModel> model, int width, int height, int threads, CpuKernels kernels)
    : m_model(std::move(model)), m_width(width), m_height(height), m_threads(threads), m_kernels(resolve_cpu_kernels(kernels)),
      m_engine(dnnl::engine::kind::cpu, 0), m_stream(m_engine) {
    // Primitive creation reads the OpenMP thread count to partition work, so it runs under the same setting.
    OmpThreads guard(m_threads);
    if (m_kernels == CpuKernels::Native) {
        m_isa = detect_isa();
        build_native();
    } else {
        build();
    }
}

std::string CpuPlan::kernels_name() const {
    return m_kernels == CpuKernels::Native ? cat("ntex ", isa_name(m_isa)) : std::string("oneDNN");
}

int CpuPlan::threads_for(double flops) const noexcept {
    // Below ~1 ms of single-core work a second thread's wake-up (and, on a busy machine, its
    // wait for a time slice) costs more than it saves.
    return flops < kSerialFlops ? 1 : m_threads;
}

float* CpuPlan::alloc(std::size_t count) {
    m_arena.push_back(std::make_unique<AlignedBuffer>(count));
    return m_arena.back()->data();
}

void CpuPlan::add_scratchpad(const memory::desc& scratchpad_md, std::unordered_map<int, memory>& args) {
    const std::size_t bytes = scratchpad_md.get_size();
    if (bytes == 0) return;
    m_scratchpad_bytes = std::max(m_scratchpad_bytes, bytes);
    memory mem(scratchpad_md, m_engine, DNNL_MEMORY_NONE);
    m_scratchpad_mems.push_back(mem);
    args.emplace(DNNL_ARG_SCRATCHPAD, mem);
}

void CpuPlan::flatten(const std::unordered_map<int, memory>& args, std::vector<dnnl_exec_arg_t>& out) {
    out.clear();
    for (const auto& [arg, mem] : args) out.push_back(dnnl_exec_arg_t{arg, mem.get()});
}

void CpuPlan::execute(const dnnl::primitive& primitive, const std::vector<dnnl_exec_arg_t>& args) {
    // The C entry point with the argument array built at plan time: dnnl::primitive::execute
    // would convert its std::unordered_map into a fresh std::vector on every call.
    const dnnl_status_t status = dnnl_primitive_execute(primitive.get(), m_stream.get(), static_cast<int>(args.size()), args.data());
    if (status != dnnl_success) {
        fail(NTEX_ERROR_BACKEND, "oneDNN: primitive execution failed (status ", static_cast<int>(status), ")");
    }
}

std::size_t CpuPlan::planned_bytes() const noexcept {
    std::size_t bytes = m_scratchpad_bytes;
    for (const auto& b : m_arena) bytes += b->size() * sizeof(float);
    for (const auto& n : m_noise_maps) bytes += n.values.size() * sizeof(float);
    for (const auto& n : m_layout_maps) bytes += n.values.size() * sizeof(float);
    for (const Step& s : m_steps) {
        if (s.kind == StepKind::Conv && s.needs_reorder) bytes += s.weights_mem.get_desc().get_size();
    }
    return bytes;
}

void CpuPlan::build() {
    const ModelDescription& d = m_model->description();
    m_grid_w = m_width / d.cell_size;
    m_grid_h = m_height / d.cell_size;

    // Pass 1: sizes of the shared buffers (ping-pong activations, padded input, resample output).
    const BufferSizes sizes = buffer_sizes(d, m_width, m_height);
    const std::size_t max_dense = sizes.max_dense.get("activation buffer"), max_padded = sizes.max_padded.get("padded buffer"),
                      max_resampled = sizes.max_resampled.get("upsample buffer");
    check_fits_in_memory(d, m_width, m_height);
    float* dense[2] = {alloc(max_dense), alloc(max_dense)};
    float* padded = max_padded ? alloc(max_padded) : nullptr;
    float* resampled = max_resampled ? alloc(max_resampled) : nullptr;

    // Pass 2: steps. The current tensor is `cur` (dense NHWC) and/or the shared `padded` buffer
    // holding it with a `cur_halo`-wide wrap-around halo (-1: no padded copy). Producers write the
    // padded form directly when the next op wants it, which saves a pass and a parallel region.
    float* cur = nullptr;
    int cur_halo = -1;
    int which = 0;
    int c = 0, h = m_grid_h, w = m_grid_w;
    auto wanted_halo = [&](std::size_t j) { return ntex::cpu::wanted_halo(d, j); };
    auto ensure_padded = [&](std::size_t i, int halo) {
        if (cur_halo == halo) return;
        Step pad(StepKind::Pad);
        pad.src = cur, pad.dst = padded, pad.c = c, pad.h = h, pad.w = w, pad.halo = halo;
        pad.label = cat("op ", i, ": circular pad ", halo, " (", w, "x", h, "x", c, ")");
        m_steps.push_back(std::move(pad));
        cur_halo = halo;
    };
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const SynthesisOp& op = d.ops[i];
        switch (op.kind) {
            case OpKind::NoiseInput: {
                c = op.channels;
                m_input_channels = c;
                m_input = alloc(static_cast<std::size_t>(c) * static_cast<std::size_t>(h) * static_cast<std::size_t>(w));
                cur = m_input;
                cur_halo = -1;
                break;
            }
            case OpKind::Upsample: {
                ensure_padded(i, 1);
                Step rs(StepKind::Resample);
                memory::desc src_md = nhwc(c, h + 2, w + 2);
                memory::desc dst_md = nhwc(c, 2 * h + 4, 2 * w + 4);
                dnnl::resampling_forward::desc rd(dnnl::prop_kind::forward_inference, dnnl::algorithm::resampling_linear,
                                                  src_md, dst_md);
                // Small primitives are created single-threaded so oneDNN runs them without a
                // parallel region where it honours the creation thread count (kSerialFlops).
                OmpThreads serial(threads_for(static_cast<double>(c) * (2 * h + 4) * (2 * w + 4) * 8.0));
                dnnl::primitive_attr rs_attr;
                rs_attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
                dnnl::resampling_forward::primitive_desc pd(rd, rs_attr, m_engine);
                rs.primitive = dnnl::resampling_forward(pd);
                rs.args = {{DNNL_ARG_SRC, memory(src_md, m_engine, padded)}, {DNNL_ARG_DST, memory(dst_md, m_engine, resampled)}};
                add_scratchpad(pd.scratchpad_desc(), rs.args);
                rs.label = cat("op ", i, " upsample ", w, "x", h, "x", c, ": oneDNN resampling_linear (", pd.impl_info_str(), ")");
                m_steps.push_back(std::move(rs));

                // The resampled image has a 2-pixel border; its inner 1-pixel ring already equals
                // the wrap-around halo (bilinear of a periodic signal is periodic, with the same
                // weights), so a following 3x3 conv gets its padded input by a crop at offset 1.
                const int next_halo = wanted_halo(i + 1) == 1 ? 1 : 0;
                Step crop(StepKind::Crop);
                float* dst = next_halo ? padded : dense[which];
                if (!next_halo) which ^= 1;
                crop.src = resampled, crop.dst = dst, crop.c = c, crop.h = 2 * h + 2 * next_halo, crop.w = 2 * w + 2 * next_halo;
                crop.halo = 2 - next_halo;
                crop.src_w = 2 * w + 4;
                crop.label = cat("op ", i, " upsample: crop ", 2 - next_halo, next_halo ? " (keeps a 1-pixel halo)" : "");
                m_steps.push_back(std::move(crop));
                h *= 2;
                w *= 2;
                cur = next_halo ? nullptr : dst;
                cur_halo = next_halo ? 1 : -1;
                break;
            }
            case OpKind::ModConv: {
                const int halo = op.kernel / 2;
                const float* conv_src = cur;
                if (halo > 0) {
                    ensure_padded(i, halo);
                    conv_src = padded;
                }
                float* dst = dense[which];
                which ^= 1;
                // The output op right after the conv folds into its post-ops (or the noise loop).
                const bool fuse_output = i + 1 < d.ops.size() && d.ops[i + 1].kind == OpKind::Output;
                dnnl::post_ops po;
                // Noise and layout injection come before the activation, so such a conv gets a
                // Post step instead of eltwise post-ops.
                const bool needs_post = op.noise || !op.layout_gain.empty();
                if (!needs_post) {
                    if (op.activation == Activation::LRelu) po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, kLReluSlope, 0.0f);
                    if (op.activation == Activation::Tanh) po.append_eltwise(1.0f, dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f);
                    if (fuse_output) {
                        const SynthesisOp& out = d.ops[i + 1];
                        po.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, out.scale, out.shift);
                        po.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, 0.0f, 1.0f);
                    }
                }
                dnnl::primitive_attr attr;
                attr.set_post_ops(po);
                attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
                memory::desc src_md = nhwc(c, h + 2 * halo, w + 2 * halo);
                memory::desc dst_md = nhwc(op.out, h, w);
                memory::desc user_w_md({op.out, op.in, op.kernel, op.kernel}, dt::f32, tag::oihw);
                memory::desc any_w_md({op.out, op.in, op.kernel, op.kernel}, dt::f32, tag::any);
                memory::desc bias_md({op.out}, dt::f32, tag::x);
                dnnl::convolution_forward::desc cd(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                                   src_md, any_w_md, bias_md, dst_md, {1, 1}, {0, 0}, {0, 0});
                const double flops = 2.0 * op.out * op.in * op.kernel * op.kernel * static_cast<double>(h) * w;
                OmpThreads serial(threads_for(flops));
                dnnl::convolution_forward::primitive_desc pd(cd, attr, m_engine);

                Step conv(StepKind::Conv);
                conv.op_index = i;
                conv.flops = flops;
                m_arena.push_back(std::make_unique<AlignedBuffer>(static_cast<std::size_t>(op.out) * static_cast<std::size_t>(op.in) *
                                                                  static_cast<std::size_t>(op.kernel * op.kernel)));
                conv.user_weights = m_arena.back().get();
                conv.user_weights_mem = memory(user_w_md, m_engine, conv.user_weights->data());
                conv.needs_reorder = pd.weights_desc() != user_w_md;
                if (conv.needs_reorder) {
                    conv.weights_mem = memory(pd.weights_desc(), m_engine);
                    dnnl::primitive_attr reorder_attr;
                    reorder_attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
                    dnnl::reorder::primitive_desc reorder_pd(conv.user_weights_mem, conv.weights_mem, reorder_attr);
                    conv.reorder = dnnl::reorder(reorder_pd);
                    std::unordered_map<int, memory> reorder_args = {{DNNL_ARG_FROM, conv.user_weights_mem}, {DNNL_ARG_TO, conv.weights_mem}};
                    add_scratchpad(reorder_pd.scratchpad_desc(), reorder_args);
                    flatten(reorder_args, conv.reorder_args);
                    // The memory objects are kept alive by the step (user_weights_mem, weights_mem)
                    // and m_scratchpad_mems.
                } else {
                    conv.weights_mem = conv.user_weights_mem;
                }
                const std::vector<float>& bias = m_model->tensor(op.bias);
                float* bias_buf = alloc(bias.size());
                std::copy(bias.begin(), bias.end(), bias_buf);
                conv.primitive = dnnl::convolution_forward(pd);
                conv.args = {{DNNL_ARG_SRC, memory(pd.src_desc(), m_engine, const_cast<float*>(conv_src))},
                             {DNNL_ARG_WEIGHTS, conv.weights_mem},
                             {DNNL_ARG_BIAS, memory(bias_md, m_engine, bias_buf)},
                             {DNNL_ARG_DST, memory(pd.dst_desc(), m_engine, dst)}};
                add_scratchpad(pd.scratchpad_desc(), conv.args);
                if (pd.src_desc() != src_md || pd.dst_desc() != dst_md) {
                    fail(NTEX_ERROR_BACKEND, "oneDNN chose a non-NHWC activation layout for op ", i);
                }
                conv.label = cat("op ", i, " modconv ", op.in, "->", op.out, " k", op.kernel, " ", w, "x", h, ": oneDNN ",
                                 threads_for(flops) == 1 ? "(1 thread) " : "", pd.impl_info_str(),
                                 conv.needs_reorder ? " (weights reordered)" : "",
                                 needs_post ? "" : cat(" post-ops: ", activation_name(op.activation), fuse_output ? "+output" : ""));
                m_steps.push_back(std::move(conv));
                cur = dst;
                cur_halo = -1;

                if (needs_post) {
                    Step post(StepKind::Post);
                    if (op.noise) {
                        m_noise_maps.push_back(NoiseMap{i, w, h, AlignedBuffer((CheckedSize(w) * h).get("noise map"))});
                        post.noise = m_noise_maps.back().values.data();
                        post.noise_strength = &m_model->tensor(op.noise_strength);
                    }
                    std::tie(post.layout, post.layout_gain) = plan_layout(i, w, h, op.out);
                    post.layout_channels = post.layout ? d.layout_channels : 0;
                    post.data = dst;
                    post.c = op.out;
                    post.h = h;
                    post.w = w;
                    post.pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
                    post.activation = op.activation;
                    if (fuse_output) {
                        post.output_op = true;
                        post.scale = d.ops[i + 1].scale;
                        post.shift = d.ops[i + 1].shift;
                    }
                    // Write straight into the next op's padded input when it wants one.
                    const int next_halo = wanted_halo(fuse_output ? i + 2 : i + 1);
                    if (next_halo > 0) {
                        post.dst = padded;
                        post.halo = next_halo;
                        cur = nullptr;
                        cur_halo = next_halo;
                    }
                    post.label = cat("op ", i, op.noise ? " noise + " : " ", post.layout ? "layout + " : "", activation_name(op.activation),
                                     fuse_output ? " + output" : "",
                                     next_halo > 0 ? cat(" -> circular pad ", next_halo) : std::string());
                    m_steps.push_back(std::move(post));
                }
                if (fuse_output) {
                    ++i;  // consumed
                }
                c = op.out;
                break;
            }
            case OpKind::Output: {
                // Standalone output op (not right after a conv): in place on a buffer we own.
                float* dst = cur;
                if (cur == m_input) {
                    dst = dense[which];
                    which ^= 1;
                    std::memcpy(dst, cur, static_cast<std::size_t>(c) * static_cast<std::size_t>(h) * static_cast<std::size_t>(w) * sizeof(float));
                }
                Step post(StepKind::Post);
                post.data = dst;
                post.c = c;
                post.h = h;
                post.w = w;
                post.pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
                post.output_op = true;
                post.scale = op.scale;
                post.shift = op.shift;
                post.label = cat("op ", i, " output");
                m_steps.push_back(std::move(post));
                cur = dst;
                cur_halo = -1;
                break;
            }
        }
    }
    if (cur == nullptr) {
        fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops: the last op leaves no dense result");
    }
    m_output = cur;
    m_output_channels = c;

    if (m_scratchpad_bytes > 0) {
        m_scratchpad = AlignedBuffer((m_scratchpad_bytes + sizeof(float) - 1) / sizeof(float));
        for (memory& mem : m_scratchpad_mems) mem.set_data_handle(m_scratchpad.data());
    }
    for (Step& step : m_steps) {
        if (step.kind == StepKind::Conv || step.kind == StepKind::Resample) flatten(step.args, step.exec_args);
    }
    std::size_t max_in = 0;
    for (const SynthesisOp& op : d.ops) max_in = std::max(max_in, static_cast<std::size_t>(op.in));
    m_modulation_scratch.resize(max_in);
}

void CpuPlan::build_native() {
    const ModelDescription& d = m_model->description();
    m_grid_w = m_width / d.cell_size;
    m_grid_h = m_height / d.cell_size;
    check_fits_in_memory(d, m_width, m_height);
    // Two buffers used in turn: every op reads one and writes the other, already with the
    // wrap-around halo the next op reads (so there are no separate pad, crop or noise passes).
    // Each tensor is the input of the next op, padded as it wants, so max_padded and max_dense
    // bound every one of them.
    const BufferSizes sizes = buffer_sizes(d, m_width, m_height);
    const std::size_t ping_pong = max(sizes.max_padded, sizes.max_dense).get("activation buffer");
    float* bufs[2] = {alloc(ping_pong), alloc(ping_pong)};
    int which = 0;   // the buffer the next op writes
    float* cur = nullptr;
    int cur_halo = 0;
    int c = 0, h = m_grid_h, w = m_grid_w;
    auto halo_for = [&](std::size_t j) { return std::max(0, wanted_halo(d, j)); };
    auto take = [&]() {
        float* b = bufs[which];
        which ^= 1;
        return b;
    };
    auto ensure_halo = [&](std::size_t i, int halo) {
        if (cur_halo == halo) return;
        if (cur_halo != 0) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops[", i, "]: no plan for a halo change from ", cur_halo, " to ", halo);
        Step pad(StepKind::Pad);
        pad.src = cur, pad.dst = take(), pad.c = c, pad.h = h, pad.w = w, pad.halo = halo;
        pad.label = cat("op ", i, ": circular pad ", halo, " (", w, "x", h, "x", c, ")");
        cur = pad.dst;
        cur_halo = halo;
        m_steps.push_back(std::move(pad));
    };
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const SynthesisOp& op = d.ops[i];
        switch (op.kind) {
            case OpKind::NoiseInput: {
                c = op.channels;
                m_input_channels = c;
                m_input = alloc(static_cast<std::size_t>(c) * static_cast<std::size_t>(h) * static_cast<std::size_t>(w));
                cur = m_input;
                cur_halo = 0;
                break;
            }
            case OpKind::Upsample: {
                ensure_halo(i, 1);
                Step up(StepKind::NativeUpsample);
                up.src = cur, up.dst = take(), up.c = c, up.h = h, up.w = w, up.halo = halo_for(i + 1);
                up.parallel = m_threads > 1 && worth_parallel(static_cast<std::size_t>(c) * 4 * static_cast<std::size_t>(h) * static_cast<std::size_t>(w));
                up.label = cat("op ", i, " upsample ", w, "x", h, "x", c, ": ntex bilinear x2 (wrap-around", up.halo ? cat(", -> halo ", up.halo) : std::string(), ")");
                cur = up.dst;
                cur_halo = up.halo;
                h *= 2;
                w *= 2;
                m_steps.push_back(std::move(up));
                break;
            }
            case OpKind::ModConv: {
                ensure_halo(i, op.kernel / 2);
                const bool fuse_output = i + 1 < d.ops.size() && d.ops[i + 1].kind == OpKind::Output;
                const double flops = 2.0 * op.out * op.in * op.kernel * op.kernel * static_cast<double>(h) * w;
                Step conv(StepKind::NativeConv);
                conv.op_index = i;
                conv.flops = flops;
                m_arena.push_back(std::make_unique<AlignedBuffer>(static_cast<std::size_t>(op.out) * static_cast<std::size_t>(op.in) *
                                                                  static_cast<std::size_t>(op.kernel * op.kernel)));
                conv.user_weights = m_arena.back().get();
                conv.direct = std::make_unique<DirectConv>(m_isa, op.in, op.out, op.kernel, w, h, m_model->tensor(op.bias).data());
                conv.packed_weights = alloc(conv.direct->packed_weight_floats());
                conv.src = cur;
                conv.dst = take();
                conv.halo = halo_for(fuse_output ? i + 2 : i + 1);
                conv.c = op.out, conv.h = h, conv.w = w;
                conv.parallel = m_threads > 1 && flops >= kSerialFlops;
                conv.epilogue.activation = op.activation;
                if (op.noise) {
                    m_noise_maps.push_back(NoiseMap{i, w, h, AlignedBuffer((CheckedSize(w) * h).get("noise map"))});
                    conv.epilogue.noise = m_noise_maps.back().values.data();
                    conv.epilogue.noise_strength = m_model->tensor(op.noise_strength)[0];
                }
                std::tie(conv.epilogue.layout, conv.epilogue.layout_gain) = plan_layout(i, w, h, conv.direct->padded_out());
                conv.epilogue.layout_channels = conv.epilogue.layout ? d.layout_channels : 0;
                if (fuse_output) {
                    conv.epilogue.output_op = true;
                    conv.epilogue.scale = d.ops[i + 1].scale;
                    conv.epilogue.shift = d.ops[i + 1].shift;
                }
                conv.label = cat("op ", i, " modconv ", op.in, "->", op.out, " k", op.kernel, " ", w, "x", h, ": ntex ", isa_name(m_isa),
                                 " direct conv", conv.parallel ? "" : " (1 thread)", ", fused: bias", op.noise ? " + noise" : "",
                                 conv.epilogue.layout ? " + layout" : "", " + ",
                                 activation_name(op.activation), fuse_output ? " + output" : "",
                                 conv.halo ? cat(" -> halo ", conv.halo) : std::string());
                cur = conv.dst;
                cur_halo = conv.halo;
                c = op.out;
                m_steps.push_back(std::move(conv));
                if (cur_halo > 0) {
                    Step halo(StepKind::Halo);
                    halo.data = cur, halo.c = c, halo.h = h, halo.w = w, halo.halo = cur_halo;
                    halo.label = cat("op ", i, ": wrap-around halo ", cur_halo);
                    m_steps.push_back(std::move(halo));
                }
                if (fuse_output) ++i;   // consumed
                break;
            }
            case OpKind::Output: {
                // Standalone output op (not right after a conv): in place, on a copy when the
                // input is the noise input itself (rewritten only by set_seed).
                if (cur == m_input) {
                    Step copy(StepKind::Crop);
                    copy.src = cur, copy.dst = take(), copy.c = c, copy.h = h, copy.w = w, copy.halo = 0, copy.src_w = w;
                    copy.label = cat("op ", i, ": copy");
                    cur = copy.dst;
                    m_steps.push_back(std::move(copy));
                }
                Step post(StepKind::Post);
                post.data = cur;
                post.c = c;
                post.h = h;
                post.w = w;
                post.pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
                post.output_op = true;
                post.scale = op.scale;
                post.shift = op.shift;
                post.label = cat("op ", i, " output");
                m_steps.push_back(std::move(post));
                break;
            }
        }
    }
    if (cur == nullptr || cur_halo != 0) {
        fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops: the last op leaves no dense result");
    }
    m_output = cur;
    m_output_channels = c;
    std::size_t max_in = 0;
    for (const SynthesisOp& op : d.ops) max_in = std::max(max_in, static_cast<std::size_t>(op.in));
    m_modulation_scratch.resize(max_in);
}

void CpuPlan::set_style(const std::vector<float>& w) {
    // Weights are small (at most a few hundred KB): one thread, so no parallel region per reorder.
    OmpThreads guard(1);
    for (Step& s : m_steps) {
        if (s.kind == StepKind::NativeConv) {
            modulated_weights_into(*m_model, s.op_index, w.data(), s.user_weights->data(), m_modulation_scratch.data());
            s.direct->pack_weights(s.user_weights->data(), s.packed_weights);
            continue;
        }
        if (s.kind != StepKind::Conv) continue;
        modulated_weights_into(*m_model, s.op_index, w.data(), s.user_weights->data(), m_modulation_scratch.data());
        if (s.needs_reorder) {
            execute(s.reorder, s.reorder_args);
        }
    }
    if (m_kernels == CpuKernels::OneDnn) m_stream.wait();
}

std::pair<const float*, const float*> CpuPlan::plan_layout(std::size_t i, int w, int h, int stride) {
    const ModelDescription& d = m_model->description();
    const SynthesisOp& op = d.ops[i];
    if (op.layout_gain.empty()) return {nullptr, nullptr};
    const std::size_t k = static_cast<std::size_t>(d.layout_channels);
    // One level per resolution, shared by the ops that inject the layout there (two convs per stage:
    // at 4096^2 a second full-resolution copy would be 128 MiB). AlignedBuffer keeps its storage when
    // the vector moves it, so earlier ops' pointers stay valid.
    const int divisor = m_width / w;
    auto level = std::find_if(m_layout_maps.begin(), m_layout_maps.end(), [&](const LayoutMap& m) { return m.divisor == divisor; });
    if (level == m_layout_maps.end()) {
        m_layout_maps.push_back(LayoutMap{i, divisor, AlignedBuffer((CheckedSize(w) * h * k).get("layout map"))});
        std::fill_n(m_layout_maps.back().values.data(), m_layout_maps.back().values.size(), 0.0f);
        level = m_layout_maps.end() - 1;
    }
    const float* values = level->values.data();
    // Gains [out][K] -> [K][stride], so the kernels load a channel vector per layout channel.
    const std::vector<float>& gain = m_model->tensor(op.layout_gain);
    float* t = alloc(k * static_cast<std::size_t>(stride));
    std::fill_n(t, k * static_cast<std::size_t>(stride), 0.0f);
    for (int o = 0; o < op.out; ++o) {
        for (std::size_t c = 0; c < k; ++c) t[c * static_cast<std::size_t>(stride) + static_cast<std::size_t>(o)] = gain[static_cast<std::size_t>(o) * k + c];
    }
    return {values, t};
}

void CpuPlan::set_layout(const float* layout) {
    const int k = m_model->description().layout_channels;
    for (LayoutMap& m : m_layout_maps) downsample_layout(layout, m_width, m_height, k, m.divisor, m.values.data());
}

void CpuPlan::set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) {
    OmpThreads guard(m_threads);
    const ModelDescription& d = m_model->description();
    const int c = m_input_channels;
    const int gw = m_grid_w;
    const int gh = m_grid_h;
    // Absolute cell coordinates: the origin is a multiple of the cell size (checked by the caller).
    const int32_t cx0 = origin_x / d.cell_size;
    const int32_t cy0 = origin_y / d.cell_size;
    float* input = m_input;
    parallel_for(gh, use_parallel(static_cast<std::size_t>(gh) * static_cast<std::size_t>(gw) * static_cast<std::size_t>(c) * 8), [&](int64_t row) {
        const int i = static_cast<int>(row);
        for (int j = 0; j < gw; ++j) {
            float* px = input + (static_cast<std::size_t>(i) * static_cast<std::size_t>(gw) + static_cast<std::size_t>(j)) * static_cast<std::size_t>(c);
            for (int ch = 0; ch < c; ++ch) px[ch] = gauss(seed, static_cast<uint32_t>(ch), cx0 + j, cy0 + i);
        }
    });
    for (NoiseMap& n : m_noise_maps) {
        // The map's resolution divides the output's: pixel x of the map covers `div` output pixels.
        const int32_t div_x = m_width / n.w;
        const int32_t div_y = m_height / n.h;
        fill_noise_map(n.values.data(), seed, kStreamNoiseBase + static_cast<uint32_t>(n.op_index), n.w, n.h, origin_x / div_x,
                       origin_y / div_y);
    }
}

namespace {

// y = act(y + strength * n[pixel]) [then clamp(y * scale + shift, 0, 1)], read from `data`
// (dense h x w x c) and written to `out`: in place, or into a buffer with a `halo`-wide
// wrap-around border for the next op. One parallel region: rows, then the halo rows.
// The loops are orphaned `omp for`s: inside post_loop's parallel region they share the work, called
// directly (small tensors, one thread) they run serially without opening a region at all.
// Layout injection for the oneDNN path's Post step (the native kernels fuse it instead).
struct PostLayout {
    const float* layout = nullptr;   // h x w x k
    const float* gain = nullptr;     // [k][c]
    std::size_t k = 0;
};

template <Activation A, bool Output>
void post_loop_body(const float* data, float* out, int h, int w, std::size_t c, int halo, const float* noise, float strength,
                    const PostLayout& lay, float scale, float shift) {
    const std::size_t pw = static_cast<std::size_t>(w + 2 * halo);
    const std::size_t row_floats = pw * c;
    {
#pragma omp for schedule(static)
        for (int y = 0; y < h; ++y) {
            const float* in_row = data + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * c;
            float* padded_row = out + static_cast<std::size_t>(y + halo) * row_floats;
            float* out_row = padded_row + static_cast<std::size_t>(halo) * c;
            const float* noise_row = noise ? noise + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) : nullptr;
            for (int x = 0; x < w; ++x) {
                const float nv = noise_row ? strength * noise_row[x] : 0.0f;
                const float* px = in_row + static_cast<std::size_t>(x) * c;
                float* po = out_row + static_cast<std::size_t>(x) * c;
                const float* lp = lay.layout ? lay.layout + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * lay.k
                                             : nullptr;
                for (std::size_t k = 0; k < c; ++k) {
                    float v = px[k] + nv;
                    if (lp) {
                        for (std::size_t j = 0; j < lay.k; ++j) v += lay.gain[j * c + k] * lp[j];
                    }
                    if constexpr (A == Activation::LRelu) v = v >= 0.0f ? v : kLReluSlope * v;
                    if constexpr (A == Activation::Tanh) v = std::tanh(v);
                    if constexpr (Output) v = std::clamp(v * scale + shift, 0.0f, 1.0f);
                    po[k] = v;
                }
            }
            for (int x = 0; x < halo; ++x) {
                std::memcpy(padded_row + static_cast<std::size_t>(x) * c,
                            out_row + static_cast<std::size_t>(wrap(x - halo, w)) * c, c * sizeof(float));
                std::memcpy(padded_row + static_cast<std::size_t>(halo + w + x) * c,
                            out_row + static_cast<std::size_t>(wrap(x, w)) * c, c * sizeof(float));
            }
        }
        if (halo > 0) {
            // Implicit barrier above: every interior row (with its side halo) is complete.
#pragma omp for schedule(static)
            for (int r = 0; r < 2 * halo; ++r) {
                const int dst_row = r < halo ? r : h + r;
                const int src_row = halo + wrap(dst_row - halo, h);
                std::memcpy(out + static_cast<std::size_t>(dst_row) * row_floats, out + static_cast<std::size_t>(src_row) * row_floats,
                            row_floats * sizeof(float));
            }
        }
    }
}

template <Activation A, bool Output>
void post_loop(const float* data, float* out, int h, int w, std::size_t c, int halo, const float* noise, float strength,
               const PostLayout& lay, float scale, float shift) {
    if (use_parallel(static_cast<std::size_t>(h) * static_cast<std::size_t>(w) * c)) {
#pragma omp parallel
        post_loop_body<A, Output>(data, out, h, w, c, halo, noise, strength, lay, scale, shift);
    } else {
        post_loop_body<A, Output>(data, out, h, w, c, halo, noise, strength, lay, scale, shift);
    }
}

}  // namespace

void CpuPlan::run() {
    OmpThreads guard(m_threads);
    for (std::size_t index = 0; index < m_steps.size(); ++index) {
        Step& s = m_steps[index];
        const auto start = m_profiling ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        switch (s.kind) {
            case StepKind::Pad: circular_pad_nhwc(s.src, s.dst, s.c, s.h, s.w, s.halo); break;
            case StepKind::Crop: crop_nhwc(s.src, s.src_w, s.dst, s.c, s.h, s.w, s.halo); break;
            case StepKind::Resample:
            case StepKind::Conv: execute(s.primitive, s.exec_args); break;
            case StepKind::NativeConv: s.direct->run(s.src, s.packed_weights, s.dst, s.halo, s.epilogue, s.parallel); break;
            case StepKind::NativeUpsample: upsample2x_circular(s.src, s.dst, s.c, s.h, s.w, s.halo, s.parallel); break;
            case StepKind::Halo: fill_halo_nhwc(s.data, s.c, s.h, s.w, s.halo); break;
            case StepKind::Post: {
                const float strength = s.noise_strength ? (*s.noise_strength)[0] : 0.0f;
                const std::size_t c = static_cast<std::size_t>(s.c);
                const PostLayout lay{s.layout, s.layout_gain, static_cast<std::size_t>(s.layout_channels)};
                auto run_post = [&](auto act_tag) {
                    constexpr Activation A = decltype(act_tag)::value;
                    float* out = s.dst != nullptr ? s.dst : s.data;
                    if (s.output_op) post_loop<A, true>(s.data, out, s.h, s.w, c, s.halo, s.noise, strength, lay, s.scale, s.shift);
                    else post_loop<A, false>(s.data, out, s.h, s.w, c, s.halo, s.noise, strength, lay, s.scale, s.shift);
                };
                switch (s.activation) {
                    case Activation::Linear: run_post(std::integral_constant<Activation, Activation::Linear>{}); break;
                    case Activation::LRelu: run_post(std::integral_constant<Activation, Activation::LRelu>{}); break;
                    case Activation::Tanh: run_post(std::integral_constant<Activation, Activation::Tanh>{}); break;
                }
                break;
            }
        }
        if (m_profiling) {
            if (m_kernels == CpuKernels::OneDnn) m_stream.wait();
            m_step_samples[index].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
    }
    if (m_kernels == CpuKernels::OneDnn) m_stream.wait();
    if (m_profiling) ++m_profiled_runs;
}

std::string CpuPlan::profile_report() const {
    // Medians, not means: on a shared machine single runs can wait a whole scheduler slice.
    auto median = [](std::vector<double> v) {
        if (v.empty()) return 0.0;
        const std::size_t mid = v.size() / 2;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
        double m = v[mid];
        if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)));
        return m;
    };
    std::vector<double> ms(m_steps.size(), 0.0);
    double total = 0, conv_ms = 0, conv_flops = 0;
    int convs = 0;
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        ms[i] = i < m_step_samples.size() ? median(m_step_samples[i]) : 0.0;
        total += ms[i];
        if (m_steps[i].kind == StepKind::Conv || m_steps[i].kind == StepKind::NativeConv) {
            conv_ms += ms[i];
            conv_flops += m_steps[i].flops;
            ++convs;
        }
    }
    auto gflops_per_s = [](double flops, double t_ms) { return t_ms > 0 ? flops / (t_ms * 1e6) : 0.0; };
    auto percent = [total](double t_ms) { return total > 0 ? 100.0 * t_ms / total : 0.0; };
    std::string s = cat("kernels: ", kernels_name(), "\nstep  median ms     GFLOP  GFLOP/s  % total  op (median over ", m_profiled_runs, " runs)\n");
    char buf[256];
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        const Step& step = m_steps[i];
        if (step.flops > 0) {
            std::snprintf(buf, sizeof buf, "%4zu %10.3f %9.4f %8.1f %7.1f%%  ", i, ms[i], step.flops * 1e-9,
                          gflops_per_s(step.flops, ms[i]), percent(ms[i]));
        } else {
            std::snprintf(buf, sizeof buf, "%4zu %10.3f %9s %8s %7.1f%%  ", i, ms[i], "-", "-", percent(ms[i]));
        }
        s += buf + step.label + "\n";
    }
    // Fixed wording: scripts/bench.sh parses the "convolutions:" line.
    std::snprintf(buf, sizeof buf,
                  "total: %.3f ms (sum of step medians), %.4f GFLOP, %.1f GFLOP/s\n"
                  "convolutions: %d steps, %.3f ms (%.1f%% of total), %.4f GFLOP, %.1f GFLOP/s\n",
                  total, conv_flops * 1e-9, gflops_per_s(conv_flops, total), convs, conv_ms, percent(conv_ms),
                  conv_flops * 1e-9, gflops_per_s(conv_flops, conv_ms));
    s += buf;
    std::snprintf(buf, sizeof buf, "%9.1f MiB planned buffers (activations, noise, weights, scratchpad %.1f MiB)\n",
                  static_cast<double>(planned_bytes()) / 1048576.0, static_cast<double>(m_scratchpad_bytes) / 1048576.0);
    return s + buf;
}

std::string CpuPlan::describe() const {
    std::string s;
    for (const Step& step : m_steps) s += step.label + "\n";
    return s;
}

}  // namespace ntex::cpu
