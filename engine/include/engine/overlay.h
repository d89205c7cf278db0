// SPDX-License-Identifier: MIT
// overlay.h: the Dear ImGui overlay (controls for the material generator and frame stats).
// Every ImGui call of the engine lives in src/ui/; this header exposes no ImGui types.
#pragma once

#include "engine/scene.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace engine {

class Context;
class Window;

// The generator's inputs as the overlay edits them.
struct MaterialControls {
    static constexpr uint32_t kMaxZSliders = 8;
    static constexpr int kMinResolution = 64;
    static constexpr int kMaxResolution = 1024;
    static constexpr int kResolutionStep = 16;

    uint32_t seed = 1;
    std::array<float, kMaxZSliders> z{};   // z[0..z_count): the first latent dimensions
    uint32_t z_count = kMaxZSliders;
    float psi = 1.0f;                      // truncation psi
    bool animate = false;
    float speed = 0.25f;                   // seeds per second while animating
    int resolution = 256;                  // generation size (square), multiple of 16
    // Latent directions (GANSpace): offsets in standard deviations along each of the model's.
    static constexpr uint32_t kMaxDirections = 16;
    std::array<float, kMaxDirections> directions{};
    std::vector<std::string> direction_labels;   // one slider per label
    bool infinite_ground = false;                // the toggle; the host may turn it off again
    int backend = 0;                             // generator backend: 0 auto, 1 CPU, 2 CUDA (ntex's NtexBackend values)
    // Files: the preset path (Save / Load) and the bake base path and size.
    std::array<char, 256> preset_path{"material.preset.json"};
    std::array<char, 256> bake_path{"baked/material"};
    int bake_size = 1024;
};

// What the overlay shows but does not edit.
struct OverlayInfo {
    std::string device;
    std::string model;
    std::string backend;
    std::string backend_note;     // why the fast backend is not used (shown in a warning colour); "" = none
    std::string backend_status;   // the last backend switch's result or error, one line; "" = none
    std::string maps;             // the model's maps ("albedo normal roughness height")
    float generation_ms = 0.0f;   // request (ntexGenerateAsync) to a new result id, as the host saw it
    unsigned long long result_id = 0;   // the id of the result on screen
    int frames_since_result = 0;
    bool generating = false;      // a request is queued or running
    bool has_normal_map = false;  // show the normal-strength slider instead of the bump
    bool has_height_map = false;  // show the parallax depth slider
    std::string ground_status;    // "infinite: 64/64 chunks, 12.3 ms per chunk" or why it is tiled
    std::string file_status;      // the last preset / bake result or error, one line
    float frame_ms = 0.0f;        // smoothed CPU frame time
    float fps = 0.0f;
};

// What changed this frame (the host regenerates only then).
struct OverlayActions {
    bool seed_changed = false;       // new seed typed, or Randomize pressed
    bool latent_changed = false;     // a z slider moved
    bool psi_changed = false;
    bool resolution_changed = false;
    bool directions_changed = false; // a direction slider moved or Reset was pressed
    bool ground_changed = false;     // the infinite-ground toggle flipped
    bool backend_changed = false;    // the backend combo changed: the host rebuilds its generators
    bool save_preset = false;        // Save preset pressed
    bool load_preset = false;        // Load preset pressed
    bool bake = false;               // Bake pressed
};

class Overlay {
public:
    // `window` may be null (headless: no input, the display size is set per frame).
    Overlay(const Context& ctx, VkFormat color_format, Window* window);
    ~Overlay();
    Overlay(const Overlay&) = delete;
    Overlay& operator=(const Overlay&) = delete;

    void new_frame(VkExtent2D display, float dt_seconds);
    OverlayActions draw_panel(MaterialControls& controls, SceneSettings& scene, const OverlayInfo& info);
    // True while the mouse is over a panel: the camera ignores drags and scrolls then.
    bool wants_mouse() const;
    // True while a text field has focus: WASD then types instead of moving the camera.
    bool wants_keyboard() const;
    // Renders the frame's UI into `target` (COLOR_ATTACHMENT_OPTIMAL before and after).
    void record(VkCommandBuffer cmd, VkImageView target, VkExtent2D extent);
    // Destroys cached framebuffers; call with no frame in flight when targets are recreated.
    void release_framebuffers();

private:
    VkFramebuffer framebuffer_for(VkImageView view, VkExtent2D extent);

    const Context& m_ctx;
    bool m_has_platform = false;
    VkRenderPass m_render_pass = VK_NULL_HANDLE;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    std::vector<std::pair<VkImageView, VkFramebuffer>> m_framebuffers;
    VkExtent2D m_framebuffer_extent{};
    int m_pending_resolution = 0;   // the resolution slider's value until it is released
    std::mt19937 m_rng{std::random_device{}()};   // the Randomize button
};

}  // namespace engine
