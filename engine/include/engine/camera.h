// SPDX-License-Identifier: MIT
// camera.h: an orbit camera (yaw/pitch/distance around a target) with Vulkan clip conventions.
#pragma once

#include <glm/glm.hpp>

namespace engine {

class OrbitCamera {
public:
    glm::vec3 target{-0.7f, 0.55f, 0.0f};   // left of centre: the overlay covers the left
    float yaw = 0.6f;           // radians around +y; 0 looks along -z
    float pitch = 0.35f;        // radians above the horizon, clamped to +-kMaxPitch
    float distance = 6.5f;      // clamped to [kMinDistance, kMaxDistance]
    float fov_y = 0.8f;         // radians
    float near_plane = 0.05f;
    float far_plane = 200.0f;

    static constexpr float kMaxPitch = 1.5f;
    static constexpr float kMinDistance = 1.0f;
    static constexpr float kMaxDistance = 50.0f;

    // Left-drag: pixels moved; scroll: wheel steps (positive zooms in).
    void rotate(float dx_pixels, float dy_pixels);
    void zoom(float wheel_steps);
    // Right-drag: moves the target over the ground (xz) by pixels, scaled with the distance.
    void pan_pixels(float dx_pixels, float dy_pixels);
    // WASD: axes in -1..1 (right, forward as seen from the eye) for `seconds`.
    void move(float right, float forward, float seconds);

    glm::vec3 eye() const;
    // Moves the target along the ground by metres to the right and forward.
    void move_xz(float right, float forward);
    glm::mat4 view() const;
    // Right-handed view space, depth 0..1, y down in clip space (Vulkan).
    glm::mat4 projection(float aspect) const;
};

}  // namespace engine
