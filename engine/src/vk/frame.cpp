// SPDX-License-Identifier: MIT
// frame.cpp: command pools, acquire semaphores and the pacing timeline semaphore.
#include "engine/frame.h"

#include "engine/context.h"
#include "engine/error.h"

#include <vector>

namespace engine {

FrameRing::FrameRing(const Context& ctx) : m_ctx(ctx) {
    const VkDevice dev = ctx.device();
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    type.initialValue = 0;
    VkSemaphoreCreateInfo tci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    tci.pNext = &type;
    ENGINE_VK_CHECK(vkCreateSemaphore(dev, &tci, nullptr, &m_timeline));
    for (FrameData& f : m_frames) {
        VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
        pci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;   // reset as a whole every frame
        pci.queueFamilyIndex = ctx.queue_family();
        ENGINE_VK_CHECK(vkCreateCommandPool(dev, &pci, nullptr, &f.pool));
        VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        ai.commandPool = f.pool;
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        ai.commandBufferCount = 1;
        ENGINE_VK_CHECK(vkAllocateCommandBuffers(dev, &ai, &f.cmd));
        VkSemaphoreCreateInfo sci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        ENGINE_VK_CHECK(vkCreateSemaphore(dev, &sci, nullptr, &f.image_available));
    }
}

FrameRing::~FrameRing() {
    const VkDevice dev = m_ctx.device();
    // Never destroy what the device may still use; errors cannot be reported from here.
    vkDeviceWaitIdle(dev);
    for (FrameData& f : m_frames) {
        if (f.image_available != VK_NULL_HANDLE) vkDestroySemaphore(dev, f.image_available, nullptr);
        if (f.pool != VK_NULL_HANDLE) vkDestroyCommandPool(dev, f.pool, nullptr);
    }
    if (m_timeline != VK_NULL_HANDLE) vkDestroySemaphore(dev, m_timeline, nullptr);
}

void FrameRing::wait_value(uint64_t value) const {
    if (value == 0) return;
    VkSemaphoreWaitInfo wi{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    wi.semaphoreCount = 1;
    wi.pSemaphores = &m_timeline;
    wi.pValues = &value;
    ENGINE_VK_CHECK(vkWaitSemaphores(m_ctx.device(), &wi, UINT64_MAX));
}

FrameData& FrameRing::begin() {
    m_index = (m_index + 1) % kFramesInFlight;
    FrameData& f = m_frames[m_index];
    wait_value(f.done_value);
    ENGINE_VK_CHECK(vkResetCommandPool(m_ctx.device(), f.pool, 0));
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    ENGINE_VK_CHECK(vkBeginCommandBuffer(f.cmd, &bi));
    return f;
}

void FrameRing::submit(VkSemaphore wait_binary, VkSemaphore signal_binary, std::span<const VkSemaphoreSubmitInfo> waits,
                       std::span<const VkSemaphoreSubmitInfo> signals_extra) {
    FrameData& f = m_frames[m_index];
    ENGINE_VK_CHECK(vkEndCommandBuffer(f.cmd));

    VkSemaphoreSubmitInfo wait{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    wait.semaphore = wait_binary;
    wait.stageMask = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;   // the first write to the image
    std::vector<VkSemaphoreSubmitInfo> all_waits(waits.begin(), waits.end());
    std::vector<VkSemaphoreSubmitInfo> signals(2);
    signals[0] = {VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    signals[0].semaphore = m_timeline;
    signals[0].value = m_last_value + 1;
    signals[0].stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    signals[1] = {VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    signals[1].semaphore = signal_binary;
    signals[1].stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;

    VkCommandBufferSubmitInfo cmd{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
    cmd.commandBuffer = f.cmd;
    VkSubmitInfo2 si{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
    if (wait_binary != VK_NULL_HANDLE) all_waits.push_back(wait);
    if (signal_binary == VK_NULL_HANDLE) signals.pop_back();
    signals.insert(signals.end(), signals_extra.begin(), signals_extra.end());
    si.waitSemaphoreInfoCount = static_cast<uint32_t>(all_waits.size());
    si.pWaitSemaphoreInfos = all_waits.data();
    si.commandBufferInfoCount = 1;
    si.pCommandBufferInfos = &cmd;
    si.signalSemaphoreInfoCount = static_cast<uint32_t>(signals.size());
    si.pSignalSemaphoreInfos = signals.data();
    ENGINE_VK_CHECK(vkQueueSubmit2(m_ctx.queue(), 1, &si, VK_NULL_HANDLE));
    f.done_value = ++m_last_value;
}

void FrameRing::wait_all() const { wait_value(m_last_value); }

}  // namespace engine
