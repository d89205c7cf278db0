// SPDX-License-Identifier: MIT
// camera.cpp: orbit camera math.
#include "engine/camera.h"

#include <glm/gtc/matrix_transform.hpp>

#include <algorithm>
#include <cmath>

namespace engine {

void OrbitCamera::rotate(float dx_pixels, float dy_pixels) {
    constexpr float kRadiansPerPixel = 0.006f;
    yaw += dx_pixels * kRadiansPerPixel;
    pitch = std::clamp(pitch + dy_pixels * kRadiansPerPixel, -kMaxPitch, kMaxPitch);
}

void OrbitCamera::zoom(float wheel_steps) {
    distance = std::clamp(distance * std::pow(0.9f, wheel_steps), kMinDistance, kMaxDistance);
}

void OrbitCamera::pan_pixels(float dx_pixels, float dy_pixels) {
    // Drag the ground: moving the mouse right moves the target left.
    const float metres_per_pixel = 0.0015f * distance;
    move_xz(-dx_pixels * metres_per_pixel, dy_pixels * metres_per_pixel);
}

void OrbitCamera::move(float right, float forward, float seconds) {
    const float metres = 1.5f * distance * std::clamp(seconds, 0.0f, 0.25f);   // ~10 m/s at the default distance
    move_xz(right * metres, forward * metres);
}

void OrbitCamera::move_xz(float right, float forward) {
    // The eye sits at +(sin yaw, cos yaw) from the target: forward is the opposite, right is
    // forward x up.
    const glm::vec3 f(-std::sin(yaw), 0.0f, -std::cos(yaw));
    const glm::vec3 r(std::cos(yaw), 0.0f, -std::sin(yaw));
    target += r * right + f * forward;
}

glm::vec3 OrbitCamera::eye() const {
    const float p = std::clamp(pitch, -kMaxPitch, kMaxPitch);
    const glm::vec3 offset(std::sin(yaw) * std::cos(p), std::sin(p), std::cos(yaw) * std::cos(p));
    return target + offset * distance;
}

glm::mat4 OrbitCamera::view() const { return glm::lookAtRH(eye(), target, glm::vec3(0, 1, 0)); }

glm::mat4 OrbitCamera::projection(float aspect) const {
    glm::mat4 p = glm::perspectiveRH_ZO(fov_y, aspect, near_plane, far_plane);
    p[1][1] *= -1.0f;   // Vulkan clip space has +y down
    return p;
}

}  // namespace engine
