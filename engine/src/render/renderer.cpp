// SPDX-License-Identifier: MIT
// renderer.cpp: frame orchestration, swapchain rebuilds, offscreen capture.
#include "engine/renderer.h"

#include "engine/error.h"
#include "engine/frame.h"
#include "engine/overlay.h"
#include "engine/png_writer.h"
#include "engine/swapchain.h"
#include "engine/texture.h"
#include "engine/window.h"

#include <cstdio>

namespace engine {

Renderer::Renderer(const RendererCreateInfo& info) : m_headless(info.headless), m_offscreen_extent(info.size) {
    if (info.size.width == 0 || info.size.height == 0) throw Error("engine: render size must be non-zero");
    ContextCreateInfo ci;
    ci.validation = info.validation;
    ci.device_index = info.device_index;
    ci.validation_stats = info.validation_stats;
    if (!m_headless) {
        m_window = std::make_unique<Window>(info.title, static_cast<int>(info.size.width),
                                            static_cast<int>(info.size.height));
        ci.instance_extensions = m_window->required_instance_extensions();
        ci.create_surface = [w = m_window.get()](VkInstance instance) { return w->create_surface(instance); };
    }
    m_ctx = std::make_unique<Context>(ci);
    m_frames = std::make_unique<FrameRing>(*m_ctx);

    VkFormat color_format = kOffscreenFormat;
    if (m_headless) {
        ImageDesc d;
        d.extent = info.size;
        d.format = kOffscreenFormat;
        d.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
        m_color = Image(*m_ctx, d);
        create_depth(info.size);
        // Readback: host-visible; cached when available (the host reads every byte).
        const VkDeviceSize bytes = VkDeviceSize{info.size.width} * info.size.height * 4;
        m_readback = Buffer(*m_ctx, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                            VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    } else {
        m_window->wait_while_minimized();
        m_swapchain = std::make_unique<Swapchain>(*m_ctx, m_window->framebuffer_size());
        color_format = m_swapchain->format();
        create_depth(m_swapchain->extent());
    }
    m_material = std::make_unique<MaterialTextures>(*m_ctx, info.texture_size, kFramesInFlight);
    m_scene = std::make_unique<SceneRenderer>(*m_ctx, color_format);
    m_scene->set_material(*m_material);
    m_overlay = std::make_unique<Overlay>(*m_ctx, color_format, m_window.get());
    m_last_begin = std::chrono::steady_clock::now();
}

Renderer::~Renderer() {
    // Members go in reverse order; every one of them may still be in use by the device.
    if (m_ctx) vkDeviceWaitIdle(m_ctx->device());
}

void Renderer::create_depth(VkExtent2D extent) {
    ImageDesc d;
    d.extent = extent;
    d.format = SceneRenderer::kDepthFormat;
    d.usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
    d.aspect = VK_IMAGE_ASPECT_DEPTH_BIT;
    m_depth = Image(*m_ctx, d);
}

VkExtent2D Renderer::target_extent() const { return m_headless ? m_offscreen_extent : m_swapchain->extent(); }

uint32_t Renderer::frame_slot() const { return m_frames->index(); }

VkCommandBuffer Renderer::command_buffer() {
    if (!m_in_frame) throw Error("engine: command_buffer() outside begin_frame/end_frame");
    return m_frames->current().cmd;
}

void Renderer::add_submit_wait(VkSemaphore semaphore, uint64_t value, VkPipelineStageFlags2 stage) {
    VkSemaphoreSubmitInfo w{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    w.semaphore = semaphore;
    w.value = value;
    w.stageMask = stage;
    m_extra_waits.push_back(w);
}

void Renderer::add_submit_signal(VkSemaphore semaphore, uint64_t value) {
    VkSemaphoreSubmitInfo s{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    s.semaphore = semaphore;
    s.value = value;
    s.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;   // after this frame's last read of the images
    m_extra_signals.push_back(s);
}

void Renderer::use_external_material(const std::array<VkImageView, kMapKindCount>& views, VkImageLayout layout) {
    m_scene->set_external_material(m_frames->index(), views, layout, *m_material);
}

void Renderer::use_own_material() { m_scene->clear_external_material(m_frames->index()); }

// The frames' timeline alone is not enough before destroying what they used: on lavapipe (Mesa 22.3) a
// resize on the Vulkan compute path that waited only for it crashed in vkCreateComputePipelines or hung in
// the next frame (6 of 8 runs of demo.switch_size_vulkan); with the queue idle too, 0 of 14.
void Renderer::wait_idle() {
    m_frames->wait_all();
    ENGINE_VK_CHECK(vkQueueWaitIdle(m_ctx->queue()));
}

void Renderer::rebuild_swapchain() {
    m_window->wait_while_minimized();
    if (m_window->should_close()) return;
    // The old images, views, framebuffers and depth buffer may be in use by frames in flight. The
    // frames' timeline covers the submits but not the presents, which still wait on the per-image
    // render-finished semaphores the rebuild destroys: an idle queue covers those too (the validation
    // layer reported VUID-vkDestroySemaphore-semaphore-01137 here now and then).
    m_frames->wait_all();
    ENGINE_VK_CHECK(vkQueueWaitIdle(m_ctx->queue()));
    m_overlay->release_framebuffers();
    m_swapchain->recreate(m_window->framebuffer_size());
    create_depth(m_swapchain->extent());
    m_needs_rebuild = false;
}

bool Renderer::begin_frame() {
    if (m_in_frame) throw Error("engine: begin_frame called twice");
    const auto now = std::chrono::steady_clock::now();
    m_frame_seconds = std::chrono::duration<float>(now - m_last_begin).count();
    m_last_begin = now;

    if (!m_headless) {
        const MouseInput in = m_window->poll();
        if (m_window->should_close()) return false;
        if (!m_overlay->wants_mouse()) {
            m_camera.rotate(in.drag_dx, in.drag_dy);
            m_camera.zoom(in.scroll);
            m_camera.pan_pixels(in.pan_dx, in.pan_dy);
        }
        if (!m_overlay->wants_keyboard()) m_camera.move(in.move_right, in.move_forward, m_frame_seconds);
        if (m_window->take_resized()) m_needs_rebuild = true;
        if (m_needs_rebuild) rebuild_swapchain();
        if (m_window->should_close()) return false;
    }

    FrameData& frame = m_frames->begin();
    m_in_frame = true;
    if (!m_headless) {
        for (;;) {
            const SwapchainStatus s = m_swapchain->acquire(frame.image_available, &m_image_index);
            if (s == SwapchainStatus::kOutOfDate) {   // nothing acquired: rebuild and retry
                rebuild_swapchain();
                if (m_window->should_close()) return false;
                continue;
            }
            if (s == SwapchainStatus::kSuboptimal) m_needs_rebuild = true;   // usable; rebuild after present
            break;
        }
    }
    m_overlay->new_frame(target_extent(), m_frame_seconds);
    return true;
}

void Renderer::upload_map(MapKind kind) {
    if (!m_in_frame) throw Error("engine: upload_map outside begin_frame/end_frame");
    m_material->map(kind).record_upload(m_frames->current().cmd, m_frames->index());
}

void Renderer::resize_texture(VkExtent2D size) {
    // Frames in flight sample the old images through the material set: let them finish.
    m_frames->wait_all();
    m_material.reset();
    m_material = std::make_unique<MaterialTextures>(*m_ctx, size, kFramesInFlight);
    m_scene->set_material(*m_material);
}

void Renderer::create_ground(uint32_t size, uint32_t staging_texels) {
    m_frames->wait_all();
    m_ground.reset();
    m_ground = std::make_unique<MaterialTextures>(*m_ctx, VkExtent2D{size, size}, kFramesInFlight, staging_texels);
    m_scene->set_ground_material(*m_ground);
    m_settings.ground_image_size = static_cast<float>(size);
}

void Renderer::upload_ground_regions(MapKind kind, std::span<const TextureRegion> regions) {
    if (!m_in_frame) throw Error("engine: upload_ground_regions outside begin_frame/end_frame");
    if (!m_ground) throw Error("engine: upload_ground_regions before create_ground");
    m_ground->map(kind).record_upload_regions(m_frames->current().cmd, m_frames->index(), regions);
}

void Renderer::end_frame(bool capture) {
    if (!m_in_frame) throw Error("engine: end_frame without begin_frame");
    m_in_frame = false;
    FrameData& frame = m_frames->current();
    const VkCommandBuffer cmd = frame.cmd;
    const VkExtent2D extent = target_extent();
    const VkImage target = m_headless ? m_color.handle() : m_swapchain->image(m_image_index);
    const VkImageView target_view = m_headless ? m_color.view() : m_swapchain->view(m_image_index);

    // Maps never uploaded (a model without them, or before the first result) get their
    // neutral values, so every descriptor points at a defined image.
    m_material->record_default_clears(cmd);
    if (m_ground) m_ground->record_default_clears(cmd);

    // Contents are discarded (UNDEFINED): the scene clears. In window mode the acquire
    // semaphore is waited at COLOR_ATTACHMENT_OUTPUT, which this barrier's first scope
    // includes; headless, the previous frame's capture copy may still read the image.
    transition_image(cmd, target, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                     VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                     VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_2_COPY_BIT, 0,
                     VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                     VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
    // One depth buffer for both frames in flight: order after the previous frame's tests.
    transition_image(cmd, m_depth.handle(), VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                     VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
                     VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
                     VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
                     VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
                     VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT);

    m_scene->record(cmd, m_frames->index(), target_view, m_depth.view(), extent, m_camera, m_settings);
    m_overlay->record(cmd, target_view, extent);

    if (!m_headless) {
        transition_image(cmd, target, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                         VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                         VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_NONE, 0);
        VkSemaphore finished = m_swapchain->render_finished(m_image_index);
        m_frames->submit(frame.image_available, finished, m_extra_waits, m_extra_signals);
        m_extra_waits.clear();
        m_extra_signals.clear();
        const SwapchainStatus s = m_swapchain->present(m_image_index);
        if (s != SwapchainStatus::kOk) m_needs_rebuild = true;   // rebuilt at the next begin_frame
        return;
    }

    if (capture) {
        transition_image(cmd, target, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                         VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                         VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_COPY_BIT,
                         VK_ACCESS_2_TRANSFER_READ_BIT);
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.imageExtent = {extent.width, extent.height, 1};
        vkCmdCopyImageToBuffer(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, m_readback.handle(), 1, &region);
        // Make the copy's writes visible to host reads after the timeline wait.
        VkBufferMemoryBarrier2 b{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2};
        b.srcStageMask = VK_PIPELINE_STAGE_2_COPY_BIT;
        b.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT;
        b.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT;
        b.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT;
        b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        b.buffer = m_readback.handle();
        b.size = VK_WHOLE_SIZE;
        VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
        dep.bufferMemoryBarrierCount = 1;
        dep.pBufferMemoryBarriers = &b;
        vkCmdPipelineBarrier2(cmd, &dep);
    }
    m_frames->submit(VK_NULL_HANDLE, VK_NULL_HANDLE, m_extra_waits, m_extra_signals);
    m_extra_waits.clear();
    m_extra_signals.clear();
    m_captured = m_captured || capture;
}

std::string Renderer::save_capture(const std::string& path) {
    if (!m_headless || !m_captured) throw Error("engine: save_capture needs a headless frame ended with capture");
    m_frames->wait_all();
    m_readback.invalidate();
    return write_png_atomic(path, static_cast<const uint8_t*>(m_readback.mapped()), m_offscreen_extent.width,
                            m_offscreen_extent.height, size_t{m_offscreen_extent.width} * 4);
}

}  // namespace engine
