// SPDX-License-Identifier: MIT
// renderer.h: ties the engine together: window or offscreen target, frames in flight, the
// generated texture, the scene and the overlay. One begin_frame/end_frame pair per frame.
#pragma once

#include "engine/buffer.h"
#include "engine/camera.h"
#include "engine/context.h"
#include "engine/image.h"
#include "engine/material.h"
#include "engine/scene.h"

#include <vulkan/vulkan.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace engine {

class FrameRing;
class Overlay;
class Swapchain;
class Window;

struct RendererCreateInfo {
    bool headless = false;               // render into an offscreen image instead of a window
    VkExtent2D size{1280, 720};          // window or offscreen image size
    bool validation = false;
    int device_index = -1;               // < 0: automatic choice
    std::string title = "ntex";
    std::shared_ptr<ValidationStats> validation_stats;   // required with validation
    VkExtent2D texture_size{256, 256};   // initial generated material size
};

class Renderer {
public:
    static constexpr VkFormat kOffscreenFormat = VK_FORMAT_R8G8B8A8_SRGB;   // PNG-ready bytes

    explicit Renderer(const RendererCreateInfo& info);
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Polls input, waits until the next frame slot is free, acquires a swapchain image
    // (rebuilding the swapchain when the window changed) and starts the overlay frame.
    // Returns false when the window is closing (then call nothing else but the destructor).
    bool begin_frame();
    // Records (into the current frame) the copy of material().map(kind).staging_data(frame_slot())
    // into that map and its mip generation. Fill the staging memory first.
    void upload_map(MapKind kind);
    void upload_texture() { upload_map(MapKind::kAlbedo); }
    // Replaces the material's textures with ones of a new size; waits for every frame in flight
    // first. Each map holds its neutral value until uploaded.
    void resize_texture(VkExtent2D size);
    // Creates the infinite ground's material (square, `size` texels) whose staging slots hold
    // `staging_texels` texels per map (packed chunks); waits for every frame in flight first.
    void create_ground(uint32_t size, uint32_t staging_texels);
    // Records the copy of packed regions of ground()->map(kind)'s current staging slot.
    void upload_ground_regions(MapKind kind, std::span<const TextureRegion> regions);
    // Between begin_frame and end_frame: the frame's command buffer (recording), for commands another
    // library records before the scene (e.g. ntexCmdUpdateTextureSet).
    VkCommandBuffer command_buffer();
    // Extra semaphores for this frame's submit (cleared by end_frame): a wait before `stage`, and a
    // timeline signal after the frame's commands.
    void add_submit_wait(VkSemaphore semaphore, uint64_t value, VkPipelineStageFlags2 stage);
    void add_submit_signal(VkSemaphore semaphore, uint64_t value);
    // This frame samples `views` (per MapKind; VK_NULL_HANDLE = the material's own texture) in
    // `layout` instead of material(); use_own_material() goes back. See SceneRenderer.
    void use_external_material(const std::array<VkImageView, kMapKindCount>& views, VkImageLayout layout);
    void use_own_material();
    // Waits until no submitted frame runs and the queue is idle (before destroying images a frame may
    // sample, or anything else its commands used).
    void wait_idle();
    // Records the scene and the overlay, submits and presents. With `capture` (headless
    // only) the image is also copied for save_capture().
    void end_frame(bool capture = false);
    // Waits for the captured frame and writes it as PNG (atomically). Returns the absolute path.
    std::string save_capture(const std::string& path);

    uint32_t frame_slot() const;
    MaterialTextures& material() { return *m_material; }
    Texture& texture() { return m_material->map(MapKind::kAlbedo); }
    MaterialTextures* ground() { return m_ground.get(); }   // null until create_ground
    Overlay& overlay() { return *m_overlay; }
    OrbitCamera& camera() { return m_camera; }
    SceneSettings& settings() { return m_settings; }
    const Context& context() const { return *m_ctx; }
    Window* window() { return m_window.get(); }   // null when headless
    bool headless() const { return m_headless; }
    float frame_seconds() const { return m_frame_seconds; }   // time between the last two begin_frame calls
    VkExtent2D target_extent() const;

private:
    void rebuild_swapchain();
    void create_depth(VkExtent2D extent);

    bool m_headless = false;
    std::unique_ptr<Window> m_window;
    std::unique_ptr<Context> m_ctx;
    std::unique_ptr<FrameRing> m_frames;
    std::unique_ptr<Swapchain> m_swapchain;
    Image m_color;   // headless target
    Image m_depth;
    std::unique_ptr<MaterialTextures> m_material;
    std::unique_ptr<MaterialTextures> m_ground;
    std::unique_ptr<SceneRenderer> m_scene;
    std::unique_ptr<Overlay> m_overlay;
    Buffer m_readback;

    OrbitCamera m_camera;
    SceneSettings m_settings;
    VkExtent2D m_offscreen_extent{};
    uint32_t m_image_index = 0;
    bool m_in_frame = false;
    bool m_needs_rebuild = false;
    bool m_captured = false;
    std::vector<VkSemaphoreSubmitInfo> m_extra_waits;
    std::vector<VkSemaphoreSubmitInfo> m_extra_signals;
    std::chrono::steady_clock::time_point m_last_begin{};
    float m_frame_seconds = 1.0f / 60.0f;
};

}  // namespace engine
