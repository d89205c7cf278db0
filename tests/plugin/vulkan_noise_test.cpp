// SPDX-License-Identifier: MIT
// shaders/noise.comp (vk_noise.h) against the CPU's hash noise (runtime/hash_noise.h): the input grid
// layout with its wrapped halo and the per-op noise maps, at origins far from zero (negative and
// beyond int32, where the coordinates wrap), on a headless device under validation. The hash is
// bit-identical; the Gaussians come from float32 Box-Muller on the GPU vs float64 on the CPU, so they
// must agree within 8 float32 ULP of max(1, |value|) (values reach about 5.8).
#include "backends/vulkan/vk_noise.h"
#include "backends/vulkan/vulkan_backend.h"
#include "backends/vulkan/vulkan_plan.h"
#include "core/wrap.h"
#include "runtime/hash_noise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace ntex::vulkan {
namespace {

const DeviceChoice& device() {
    static const DeviceChoice choice = open_headless(true);
    return choice;
}

// Runs the targets' dispatches once for (seed, origin) and returns each destination's floats.
std::vector<std::vector<float>> run_noise(std::vector<GpuNoise::Target> targets, std::vector<Buffer>& buffers, uint32_t seed,
                                          int32_t origin_x, int32_t origin_y) {
    const std::shared_ptr<ComputeContext>& context = device().context;
    const ComputeFunctions& vk = context->vk();
    PlanPipelines pipelines(context);
    Buffer dummy(context, 16, MemoryKind::Upload);
    GpuNoise noise(context, pipelines, targets, dummy.get());
    noise.write_params(noise.params().host(), seed, origin_x, origin_y);

    VkCommandPoolCreateInfo cpi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    cpi.queueFamilyIndex = context->queue_family();
    VkCommandPool pool = VK_NULL_HANDLE;
    EXPECT_EQ(vk.vkCreateCommandPool(context->device(), &cpi, nullptr, &pool), VK_SUCCESS);
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    EXPECT_EQ(vk.vkAllocateCommandBuffers(context->device(), &ai, &cmd), VK_SUCCESS);
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    EXPECT_EQ(vk.vkBeginCommandBuffer(cmd, &bi), VK_SUCCESS);
    memory_barrier(*context, cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
    noise.record(cmd);
    memory_barrier(*context, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    EXPECT_EQ(vk.vkEndCommandBuffer(cmd), VK_SUCCESS);
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    {
        std::lock_guard lock(context->queue_mutex());
        EXPECT_EQ(vk.vkQueueSubmit(context->queue(), 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
        EXPECT_EQ(vk.vkDeviceWaitIdle(context->device()), VK_SUCCESS);
    }
    vk.vkDestroyCommandPool(context->device(), pool, nullptr);
    std::vector<std::vector<float>> out;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const GpuNoise::Target& t = targets[i];
        const std::size_t n = static_cast<std::size_t>(t.w + 2 * t.halo) * (t.h + 2 * t.halo) * t.channels;
        out.emplace_back(buffers[i].host(), buffers[i].host() + n);
    }
    return out;
}

TEST(VulkanNoise, MatchesTheCpuHashNoise) {
    if (!device().context) GTEST_SKIP() << "no Vulkan device: " << device().reason;
    const int before = validation_messages(*device().context);
    // An input grid (4 x 3 cells, halo 2, 16 channels, cell size 16) and a 128 x 96 op map (stream 1007,
    // divisor 2), both host-readable for the check.
    std::vector<Buffer> buffers;
    buffers.emplace_back(device().context, std::size_t(8 * 7 * 16) * sizeof(float), MemoryKind::Readback);
    buffers.emplace_back(device().context, std::size_t(128 * 96) * sizeof(float), MemoryKind::Readback);
    std::vector<GpuNoise::Target> targets = {
        GpuNoise::Target{buffers[0].get(), 4, 3, 2, 16, 0, 16, 16},
        GpuNoise::Target{buffers[1].get(), 128, 96, 0, 1, kStreamNoiseBase + 7, 2, 2},
    };
    double worst = 0;
    std::size_t values = 0;
    for (const auto& [seed, ox, oy] : {std::tuple<uint32_t, int32_t, int32_t>{1u, 0, 0}, {0xDEADBEEFu, -4096, 2147483632},
                                      {7u, -2147483648, -32}}) {
        const auto got = run_noise(targets, buffers, seed, ox, oy);
        // Input grid: border cells repeat the wrapped interior; streams 0..15; absolute cell coordinates.
        const GpuNoise::Target& g = targets[0];
        for (int y = 0; y < g.h + 2 * g.halo; ++y) {
            for (int x = 0; x < g.w + 2 * g.halo; ++x) {
                const auto cx = static_cast<int32_t>(static_cast<uint32_t>(ox / 16) + static_cast<uint32_t>(wrap(x - g.halo, g.w)));
                const auto cy = static_cast<int32_t>(static_cast<uint32_t>(oy / 16) + static_cast<uint32_t>(wrap(y - g.halo, g.h)));
                for (int ch = 0; ch < g.channels; ++ch) {
                    const float want = gauss(seed, static_cast<uint32_t>(ch), cx, cy);
                    const float have = got[0][(static_cast<std::size_t>(y) * (g.w + 2 * g.halo) + x) * g.channels + ch];
                    const double d = std::fabs(double(want) - double(have)) / std::max(1.0, std::fabs(double(want)));
                    worst = std::isfinite(d) ? std::max(worst, d) : 1e9;
                    ++values;
                }
            }
        }
        // The op map: fill_noise_map's own layout.
        std::vector<float> want(static_cast<std::size_t>(128) * 96);
        fill_noise_map(want.data(), seed, kStreamNoiseBase + 7, 128, 96, ox / 2, oy / 2);
        for (std::size_t i = 0; i < want.size(); ++i) {
            const double d = std::fabs(double(want[i]) - double(got[1][i])) / std::max(1.0, std::fabs(double(want[i])));
            worst = std::isfinite(d) ? std::max(worst, d) : 1e9;
            ++values;
        }
    }
    // Relative to max(1, |value|): 8 float32 ULP, what Vulkan's division and sqrt precision leave room for.
    std::printf("GPU noise vs CPU: %zu values, max difference %.3g (relative to max(1, |value|))\n", values, worst);
    EXPECT_LT(worst, 8.0 / 8388608.0);
    EXPECT_EQ(validation_messages(*device().context), before) << "Vulkan validation messages (see stderr)";
}

}  // namespace
}  // namespace ntex::vulkan
