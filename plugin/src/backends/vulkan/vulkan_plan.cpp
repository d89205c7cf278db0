// SPDX-License-Identifier: MIT
// VulkanPlan: walks the model's ops once into dispatch steps (the CUDA plan's walk, with the conv
// epilogue fused into the conv shader), then records one command buffer that run() resubmits.
#include "backends/vulkan/vulkan_plan.h"

#include "core/checked_size.h"
#include "core/error.h"
#include "runtime/hash_noise.h"
#include "runtime/layout_levels.h"
#include "runtime/style.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace ntex::vulkan {

namespace {

// A hung device must not hang the host forever: a frame of this backend takes well under this.
constexpr uint64_t kFenceTimeoutNs = 120ull * 1000 * 1000 * 1000;

uint32_t groups_for(int n, int per_group) { return static_cast<uint32_t>((n + per_group - 1) / per_group); }

}  // namespace

void memory_barrier(const ComputeContext& context, VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src_access,
                    VkPipelineStageFlags dst_stage, VkAccessFlags dst_access) noexcept {
    context.barriers().memory(cmd, src_stage, src_access, dst_stage, dst_access);
}

namespace {

int activation_id(Activation a) noexcept { return a == Activation::LRelu ? 1 : a == Activation::Tanh ? 2 : 0; }

}  // namespace

VulkanPlan::VulkanPlan(std::shared_ptr<ComputeContext> context, std::shared_ptr<const LoadedModel> model, int width, int height, bool fp16)
    : m_context(std::move(context)),
      m_model(std::move(model)),
      m_width(width),
      m_height(height),
      m_element_bytes(fp16 ? 2 : sizeof(float)),
      m_pipelines(m_context, fp16),
      m_inputs(m_context) {
    try {
        build();
        create_descriptors();
        record();
    } catch (...) {
        release();
        throw;
    }
}

VulkanPlan::~VulkanPlan() { release(); }

void VulkanPlan::release() noexcept {
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    // run() always waits for its fence, so no submitted work can still use what is freed here.
    if (m_fence != VK_NULL_HANDLE) vk.vkDestroyFence(device, m_fence, m_context->allocator());
    if (m_command_pool != VK_NULL_HANDLE) vk.vkDestroyCommandPool(device, m_command_pool, m_context->allocator());   // frees m_cmd
    if (m_pool != VK_NULL_HANDLE) vk.vkDestroyDescriptorPool(device, m_pool, m_context->allocator());                // frees the sets
    m_fence = VK_NULL_HANDLE;
    m_command_pool = VK_NULL_HANDLE;
    m_cmd = VK_NULL_HANDLE;
    m_pool = VK_NULL_HANDLE;
}

void VulkanPlan::build() {
    const ModelDescription& d = m_model->description();
    const int gw = m_width / d.cell_size, gh = m_height / d.cell_size;
    // Only a conv reads its input's halo; upsample and output read with wrapped indices.
    auto wanted_halo = [&](std::size_t j) { return j < d.ops.size() && d.ops[j].kind == OpKind::ModConv ? d.ops[j].kernel / 2 : 0; };
    std::size_t act_floats = 0;
    auto next_dst = [&](const Tensor& src, std::size_t j, int c, int h, int w) {
        Tensor t{src.buf == Buf::Act0 ? Buf::Act1 : Buf::Act0, c, h, w, wanted_halo(j)};
        if (j >= d.ops.size()) t = Tensor{Buf::Final, c, h, w, 0};
        else act_floats = std::max(act_floats, t.floats());
        return t;
    };
    const std::vector<LayoutLevel> levels = layout_levels(d, m_width, m_height);
    Tensor cur;
    bool have = false;
    int c = 0, h = gh, w = gw;
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const SynthesisOp& op = d.ops[i];
        switch (op.kind) {
            case OpKind::NoiseInput:
                c = op.channels;
                m_input = Tensor{Buf::Input, c, h, w, wanted_halo(i + 1)};
                cur = m_input;
                have = true;
                break;
            case OpKind::Upsample: {
                if (!have) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": op ", i, ": upsample before any input");
                Step s;
                s.shader = Shader::Upsample;
                s.src = cur;
                s.dst = next_dst(cur, i + 1, c, 2 * h, 2 * w);
                s.label = cat("op ", i, " upsample ", w, "x", h, "x", c, ": bilinear x2 (wrap-around)", s.dst.halo ? cat(" -> halo ", s.dst.halo) : "");
                m_steps.push_back(s);
                h *= 2;
                w *= 2;
                cur = s.dst;
                break;
            }
            case OpKind::ModConv: {
                if (!have) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": op ", i, ": modconv before any input");
                if (cur.halo != op.kernel / 2) fail(NTEX_ERROR_BACKEND, "op ", i, ": conv input has halo ", cur.halo, ", needs ", op.kernel / 2);
                Conv cv;
                cv.op_index = i;
                cv.in = op.in, cv.out = op.out, cv.k = op.kernel, cv.w = w, cv.h = h;
                // conv.comp's layout: output channels in vec4 groups, zero-padded to a multiple of 4.
                const int out4 = (op.out + kConvOutputsPerInvocation - 1) / kConvOutputsPerInvocation * kConvOutputsPerInvocation;
                const CheckedSize filter_floats = CheckedSize(out4) * op.in * op.kernel * op.kernel;
                // Written by modulate.comp (vk_modulation.h) from w, never by the host.
                cv.filter = Buffer(m_context, (filter_floats * m_element_bytes).get("filter buffer"), MemoryKind::DeviceLocal);
                const std::vector<float>& bias = m_model->tensor(op.bias);
                cv.bias = Buffer(m_context, bias.size() * sizeof(float), MemoryKind::Upload);
                std::memcpy(cv.bias.host(), bias.data(), bias.size() * sizeof(float));
                Step s;
                s.shader = Shader::Conv;
                s.src = cur;
                s.pc.strength = 0.0f;
                if (op.noise) {
                    // Written by noise.comp (vk_noise.h) ahead of the network, never by the host.
                    cv.noise = Buffer(m_context, (CheckedSize(w) * h * m_element_bytes).get("noise buffer"), MemoryKind::DeviceLocal);
                    s.pc.strength = m_model->tensor(op.noise_strength)[0];
                    s.spec.has_noise = 1;
                }
                if (!op.layout_gain.empty()) {
                    const auto level = std::find_if(levels.begin(), levels.end(), [&](const LayoutLevel& l) { return l.op_index == i; });
                    if (level == levels.end() || level->width != w || level->height != h) {
                        fail(NTEX_ERROR_BACKEND, "op ", i, ": layout level does not match the op's ", w, "x", h, " output");
                    }
                    const std::vector<float>& gain = m_model->tensor(op.layout_gain);   // [out][K]
                    cv.layout_gain = Buffer(m_context, gain.size() * sizeof(float), MemoryKind::Upload);
                    std::memcpy(cv.layout_gain.host(), gain.data(), gain.size() * sizeof(float));
                    // Zero until the first set_layout (an all-zero layout, never uninitialised memory).
                    // One buffer per resolution (two convs per stage inject at the same one).
                    auto shared = std::find_if(m_layout_levels.begin(), m_layout_levels.end(),
                                               [&](const LayoutLevelBuffer& b) { return b.divisor == level->divisor; });
                    if (shared == m_layout_levels.end()) {
                        // Zero until the first set_layout (an all-zero layout, never uninitialised memory).
                        LayoutLevelBuffer b{level->divisor,
                                            Buffer(m_context, (CheckedSize(w) * h * d.layout_channels * sizeof(float)).get("layout buffer"),
                                                   MemoryKind::Upload)};
                        std::memset(b.values.host(), 0, b.values.bytes());
                        m_layout_levels.push_back(std::move(b));
                        shared = m_layout_levels.end() - 1;
                    }
                    cv.layout_level = static_cast<int>(shared - m_layout_levels.begin());
                    s.spec.layout_k = d.layout_channels;
                }
                const bool fuse_output = i + 1 < d.ops.size() && d.ops[i + 1].kind == OpKind::Output;
                if (fuse_output) {
                    s.spec.output_op = 1;
                    s.pc.scale = d.ops[i + 1].scale;
                    s.pc.shift = d.ops[i + 1].shift;
                }
                s.spec.in_c = op.in, s.spec.out_c = op.out, s.spec.kernel = op.kernel;
                s.spec.out_vec4 = conv_output_groups(op.out);
                s.spec.activation = activation_id(op.activation);
                s.dst = next_dst(cur, fuse_output ? i + 2 : i + 1, op.out, h, w);
                s.conv = static_cast<int>(m_convs.size());
                s.flops = 2.0 * op.out * op.in * op.kernel * op.kernel * static_cast<double>(h) * w;
                s.label = cat("op ", i, " modconv ", op.in, "->", op.out, " k", op.kernel, " ", w, "x", h, ": conv.comp + bias",
                              op.noise ? " + noise" : "", op.layout_gain.empty() ? "" : " + layout", " + ", activation_name(op.activation),
                              fuse_output ? " + output" : "", s.dst.halo ? cat(" -> halo ", s.dst.halo) : std::string());
                m_convs.push_back(std::move(cv));
                m_steps.push_back(s);
                cur = s.dst;
                c = op.out;
                if (fuse_output) ++i;
                break;
            }
            case OpKind::Output: {
                if (!have) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": op ", i, ": output before any input");
                Step s;
                s.shader = Shader::Output;
                s.src = cur;
                s.dst = next_dst(cur, i + 1, c, h, w);
                s.pc.scale = op.scale;
                s.pc.shift = op.shift;
                s.label = cat("op ", i, " output (output.comp)");
                m_steps.push_back(s);
                cur = s.dst;
                break;
            }
        }
    }
    if (!have || cur.buf != Buf::Final) fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops: the last op leaves no result");
    if (cur.h != m_height || cur.w != m_width) {
        fail(NTEX_ERROR_INVALID_MODEL, d.file, ": synthesis.ops produce ", cur.w, "x", cur.h, ", not ", m_width, "x", m_height);
    }
    m_out_channels = cur.c;
    m_input_buf = Buffer(m_context, (CheckedSize(m_input.floats()) * m_element_bytes).get("input buffer"), MemoryKind::DeviceLocal);
    const std::size_t act_bytes = (CheckedSize(act_floats) * m_element_bytes).get("activation buffer");
    const std::size_t final_bytes = (CheckedSize(cur.floats()) * sizeof(float)).get("result buffer");
    for (Buffer& b : m_act) b = Buffer(m_context, act_bytes, MemoryKind::DeviceLocal);
    m_final = Buffer(m_context, final_bytes, MemoryKind::DeviceLocal);
    m_readback = Buffer(m_context, final_bytes, MemoryKind::Readback);
    std::memset(m_readback.host(), 0, m_readback.bytes());
    m_dummy = Buffer(m_context, 16, MemoryKind::Upload);
    std::memset(m_dummy.host(), 0, m_dummy.bytes());
    // The noise: the input grid (streams 0..c-1 at cell coordinates) and each conv's map (stream
    // 1000 + op at its resolution's coordinates), computed on the GPU from the seed and origin.
    std::vector<GpuNoise::Target> targets;
    targets.push_back(GpuNoise::Target{m_input_buf.get(), m_input.w, m_input.h, m_input.halo, m_input.c, 0, d.cell_size, d.cell_size});
    for (const Conv& cv : m_convs) {
        if (!cv.noise.get()) continue;
        targets.push_back(GpuNoise::Target{cv.noise.get(), cv.w, cv.h, 0, 1, kStreamNoiseBase + static_cast<uint32_t>(cv.op_index),
                                           m_width / cv.w, m_height / cv.h});
    }
    m_noise = std::make_unique<GpuNoise>(m_context, m_pipelines, std::move(targets), m_dummy.get());
    // The host-written inputs, registered once their vectors stop growing (regions keep pointers).
    m_noise_region = m_inputs.add(m_noise->params());
    // The conv filters: modulated and demodulated from w on the GPU.
    std::vector<GpuModulation::Target> modulated;
    for (const Conv& cv : m_convs) modulated.push_back(GpuModulation::Target{cv.op_index, cv.filter.get()});
    m_modulation = std::make_unique<GpuModulation>(m_context, m_pipelines, *m_model, std::move(modulated), m_dummy.get());
    m_style_region = m_inputs.add(m_modulation->style());
    for (LayoutLevelBuffer& level : m_layout_levels) level.region = m_inputs.add(level.values);

    for (Step& s : m_steps) {
        s.pc.src_w = s.src.w, s.pc.src_h = s.src.h, s.pc.src_halo = s.src.halo;
        s.pc.dst_w = s.dst.w, s.pc.dst_h = s.dst.h, s.pc.dst_halo = s.dst.halo;
        s.pc.channels = s.dst.c;
        s.groups[0] = groups_for(s.dst.w + 2 * s.dst.halo, 8);
        s.groups[1] = groups_for(s.dst.h + 2 * s.dst.halo, 8);
        s.groups[2] = s.shader == Shader::Conv ? groups_for(s.dst.c, kConvOutputsPerInvocation * s.spec.out_vec4) : 1;
        // The step writing the final tensor stores FP32 in the FP16 build (shaders/compute_common.glsl).
        s.spec.dst_fp32 = s.dst.buf == Buf::Final ? 1 : 0;
        s.pipeline = m_pipelines.get(s.shader, s.shader == Shader::Conv ? s.spec.values() : std::vector<int32_t>{s.spec.dst_fp32});
    }
}

VkBuffer VulkanPlan::buffer_of(Buf b) const noexcept {
    switch (b) {
        case Buf::Input: return m_input_buf.get();
        case Buf::Act0: return m_act[0].get();
        case Buf::Act1: return m_act[1].get();
        case Buf::Final: return m_final.get();
    }
    return VK_NULL_HANDLE;
}

void VulkanPlan::create_descriptors() {
    const std::vector<VkDescriptorSet> allocated = m_pipelines.allocate_sets(static_cast<uint32_t>(m_steps.size()), &m_pool);
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        Step& s = m_steps[i];
        s.set = allocated[i];
        VkBuffer bound[kPlanBindings];
        std::fill(std::begin(bound), std::end(bound), m_dummy.get());
        bound[0] = buffer_of(s.src.buf);
        bound[1] = buffer_of(s.dst.buf);
        if (s.conv >= 0) {
            const Conv& cv = m_convs[static_cast<std::size_t>(s.conv)];
            bound[2] = cv.filter.get();
            bound[3] = cv.bias.get();
            if (cv.noise.get()) bound[4] = cv.noise.get();
            if (cv.layout_level >= 0) {
                bound[5] = m_layout_levels[static_cast<std::size_t>(cv.layout_level)].values.get();
                bound[6] = cv.layout_gain.get();
            }
        }
        write_plan_bindings(*m_context, s.set, bound);
    }
}

void VulkanPlan::record() {
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    VkCommandPoolCreateInfo cpi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    cpi.queueFamilyIndex = m_context->queue_family();
    NTEX_VK_CHECK(vk.vkCreateCommandPool(device, &cpi, m_context->allocator(), &m_command_pool));
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = m_command_pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    NTEX_VK_CHECK(vk.vkAllocateCommandBuffers(device, &ai, &m_cmd));
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    NTEX_VK_CHECK(vk.vkCreateFence(device, &fci, m_context->allocator(), &m_fence));

    // Recorded once: the buffers, pipelines and push constants never change for the plan's life;
    // per-frame inputs live in the mapped buffers. Resubmitting is valid because run() waits for
    // the previous submission (no SIMULTANEOUS_USE needed).
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    NTEX_VK_CHECK(vk.vkBeginCommandBuffer(m_cmd, &bi));
    // run() resubmits it: it always computes the noise and modulates (cheap next to the network).
    record_network(m_cmd, /*noise=*/true, /*modulate=*/true);
    auto barrier = [&](VkPipelineStageFlags src_stage, VkAccessFlags src_access, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access) {
        memory_barrier(*m_context, m_cmd, src_stage, src_access, dst_stage, dst_access);
    };
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
    VkBufferCopy copy{0, 0, m_final.bytes()};
    vk.vkCmdCopyBuffer(m_cmd, m_final.get(), m_readback.get(), 1, &copy);
    // Makes the copy visible to the host's reads after the fence wait.
    barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    NTEX_VK_CHECK(vk.vkEndCommandBuffer(m_cmd));
}

void VulkanPlan::record_into(VkCommandBuffer cmd) {
    // The noise and the filters persist between updates: each is recomputed only when its input
    // changed since the last recording (the CPU plan's rule), so a style-only or seed-only update
    // skips the other.
    const bool noise = m_seed_pending, modulate = m_style_pending;
    m_seed_pending = m_style_pending = false;
    record_network(cmd, noise, modulate);
}

void VulkanPlan::record_network(VkCommandBuffer cmd, bool noise, bool modulate) {
    const ComputeFunctions& vk = m_context->vk();
    m_inputs.record(cmd);   // staged inputs changed since the last update (nothing in place)
    auto barrier = [&](VkPipelineStageFlags src_stage, VkAccessFlags src_access, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access) {
        memory_barrier(*m_context, cmd, src_stage, src_access, dst_stage, dst_access);
    };
    // The previous frame's dispatches and copies (earlier submissions) against this frame's first
    // writes of the same buffers, and the host's writes of the mapped inputs (made available by
    // vkQueueSubmit itself; listed so the dependency is explicit).
    barrier(VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    // The input grid and the noise maps for the current seed and origin, and the filters for the
    // current style, then the network reads them.
    if (noise) m_noise->record(cmd);
    if (modulate) m_modulation->record(cmd);
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        const Step& s = m_steps[i];
        vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s.pipeline);
        vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelines.layout(), 0, 1, &s.set, 0, nullptr);
        vk.vkCmdPushConstants(cmd, m_pipelines.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushConstants), &s.pc);
        vk.vkCmdDispatch(cmd, s.groups[0], s.groups[1], s.groups[2]);
        // Each step reads the previous one's output (RAW) and overwrites the buffer the step
        // before it read (WAR): one global memory barrier covers both.
        if (i + 1 < m_steps.size()) {
            barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                    VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
        }
    }
}

void VulkanPlan::set_style(const std::vector<float>& w) {
    const ModelDescription& d = m_model->description();
    if (w.size() != static_cast<std::size_t>(d.w_dim)) fail(NTEX_ERROR_INVALID_ARGUMENT, "style vector has ", w.size(), " values, not ", d.w_dim);
    // Only w: modulate.comp computes the styles and the (de)modulated filters on the GPU.
    std::memcpy(m_inputs.write(m_style_region), w.data(), w.size() * sizeof(float));
    m_style_pending = true;
}

void VulkanPlan::set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) {
    // Only the parameters: noise.comp computes the values on the GPU (bit-identical hash, Box-Muller
    // within a few float32 ULP of the CPU's float64; shaders/noise.comp).
    m_noise->write_params(m_inputs.write(m_noise_region), seed, origin_x, origin_y);
    m_seed_pending = true;
}

void VulkanPlan::set_layout(const float* layout) {
    const int k = m_model->description().layout_channels;
    for (LayoutLevelBuffer& level : m_layout_levels) {
        if (layout == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, "set_layout: null layout");
        downsample_layout(layout, m_width, m_height, k, level.divisor, m_inputs.write(level.region));
    }
}

void VulkanPlan::run() {
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    const auto start = std::chrono::steady_clock::now();
    NTEX_VK_CHECK(vk.vkResetFences(device, 1, &m_fence));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &m_cmd;
    {
        std::lock_guard lock(m_context->queue_mutex());
        NTEX_VK_CHECK(vk.vkQueueSubmit(m_context->queue(), 1, &si, m_fence));
    }
    const VkResult waited = vk.vkWaitForFences(device, 1, &m_fence, VK_TRUE, kFenceTimeoutNs);
    if (waited == VK_TIMEOUT) fail(NTEX_ERROR_BACKEND, "Vulkan compute: the frame did not finish within 120 s (vkWaitForFences: VK_TIMEOUT)");
    NTEX_VK_CHECK(waited);
    if (m_profiling) m_samples.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
}

void VulkanPlan::set_profiling(bool enabled) {
    m_profiling = enabled;
    m_samples.clear();
}

std::string VulkanPlan::profile_report() const {
    std::vector<double> v = m_samples;
    std::sort(v.begin(), v.end());
    const double median = v.empty() ? 0.0 : v[v.size() / 2];
    double flops = 0;
    int convs = 0;
    for (const Step& s : m_steps) {
        flops += s.flops;
        convs += s.shader == Shader::Conv ? 1 : 0;
    }
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "Vulkan compute on %s: whole frame (submit to fence), no per-step timestamps yet\n"
                  "total: %.3f ms (median over %zu runs), %.4f GFLOP, %.1f GFLOP/s\n",
                  m_context->describe().c_str(), median, v.size(), flops * 1e-9, median > 0 ? flops / (median * 1e6) : 0.0);
    std::string s = buf;
    std::snprintf(buf, sizeof buf, "%9.1f MiB device buffers, %d conv steps, %zu pipelines\n", static_cast<double>(device_bytes()) / 1048576.0,
                  convs, m_pipelines.pipeline_count());
    return s + buf;
}

std::vector<VulkanPlan::NamedObject> VulkanPlan::debug_objects() const {
    DebugObjects out;
    out.add(VK_OBJECT_TYPE_BUFFER, m_input_buf.get(), "input grid");
    out.add(VK_OBJECT_TYPE_BUFFER, m_act[0].get(), "activations 0");
    out.add(VK_OBJECT_TYPE_BUFFER, m_act[1].get(), "activations 1");
    out.add(VK_OBJECT_TYPE_BUFFER, m_final.get(), "final tensor");
    out.add(VK_OBJECT_TYPE_BUFFER, m_readback.get(), "read-back");
    out.add(VK_OBJECT_TYPE_BUFFER, m_dummy.get(), "unused binding");
    for (const Conv& cv : m_convs) {
        out.add(VK_OBJECT_TYPE_BUFFER, cv.filter.get(), cat("op ", cv.op_index, " filter"));
        out.add(VK_OBJECT_TYPE_BUFFER, cv.bias.get(), cat("op ", cv.op_index, " bias"));
        out.add(VK_OBJECT_TYPE_BUFFER, cv.noise.get(), cat("op ", cv.op_index, " noise"));
        out.add(VK_OBJECT_TYPE_BUFFER, cv.layout_gain.get(), cat("op ", cv.op_index, " layout gain"));
    }
    for (std::size_t i = 0; i < m_layout_levels.size(); ++i) out.add(VK_OBJECT_TYPE_BUFFER, m_layout_levels[i].values.get(), cat("layout level ", i));
    // Pipelines are shared between steps of one shape: named after their first step.
    std::vector<VkPipeline> named;
    for (const Step& s : m_steps) {
        if (std::find(named.begin(), named.end(), s.pipeline) != named.end()) continue;
        named.push_back(s.pipeline);
        out.add(VK_OBJECT_TYPE_PIPELINE, s.pipeline, s.label.substr(0, s.label.find(':')) + " pipeline");
    }
    out.add(VK_OBJECT_TYPE_DESCRIPTOR_POOL, m_pool, "descriptor pool");
    if (m_modulation) m_modulation->debug_objects(out);
    if (m_noise) m_noise->debug_objects(out);
    m_inputs.debug_objects(out);
    return out.objects();
}

std::size_t VulkanPlan::device_bytes() const noexcept {
    std::size_t b = m_input_buf.bytes() + m_act[0].bytes() + m_act[1].bytes() + m_final.bytes() + m_readback.bytes() + m_dummy.bytes();
    if (m_noise) b += m_noise->params().bytes();
    if (m_modulation) b += m_modulation->device_bytes();
    for (const Conv& cv : m_convs) b += cv.filter.bytes() + cv.bias.bytes() + cv.noise.bytes() + cv.layout_gain.bytes();
    for (const LayoutLevelBuffer& l : m_layout_levels) b += l.values.bytes();
    b += m_inputs.arena_bytes();
    return b;
}

std::string VulkanPlan::describe() const {
    std::string s = cat("Vulkan compute on ", m_context->describe(), fp16() ? ", FP16 storage and products, FP32 sums" : ", FP32", "; ntexGenerate submits and waits; texture sets record into the host's command buffer\n");
    for (const Step& step : m_steps) s += step.label + "\n";
    return s;
}

}  // namespace ntex::vulkan
