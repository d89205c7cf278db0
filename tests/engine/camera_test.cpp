// SPDX-License-Identifier: MIT
// camera_test.cpp: orbit camera math and Vulkan clip conventions (depth 0..1, y down).
#include "engine/camera.h"

#include <gtest/gtest.h>

#include <glm/gtc/matrix_transform.hpp>

namespace {

glm::vec3 project(const glm::mat4& m, const glm::vec3& p) {
    const glm::vec4 c = m * glm::vec4(p, 1.0f);
    return glm::vec3(c) / c.w;
}

TEST(OrbitCamera, EyeOrbitsTargetAtDistance) {
    engine::OrbitCamera cam;
    cam.target = {1.0f, 2.0f, 3.0f};
    cam.distance = 4.0f;
    for (float yaw : {0.0f, 1.0f, 2.5f, -2.0f}) {
        cam.yaw = yaw;
        cam.pitch = 0.4f;
        EXPECT_NEAR(glm::length(cam.eye() - cam.target), 4.0f, 1e-5f);
        EXPECT_GT(cam.eye().y, cam.target.y);   // positive pitch looks down from above
    }
    cam.yaw = 0.0f;
    cam.pitch = 0.0f;
    const glm::vec3 e = cam.eye();
    EXPECT_NEAR(e.x, 1.0f, 1e-5f);
    EXPECT_NEAR(e.z, 7.0f, 1e-5f);   // yaw 0: on +z, looking along -z
}

TEST(OrbitCamera, ViewPutsTargetOnNegativeZ) {
    engine::OrbitCamera cam;
    cam.yaw = 0.8f;
    cam.pitch = -0.3f;
    const glm::vec4 t = cam.view() * glm::vec4(cam.target, 1.0f);
    EXPECT_NEAR(t.x, 0.0f, 1e-4f);
    EXPECT_NEAR(t.y, 0.0f, 1e-4f);
    EXPECT_NEAR(t.z, -cam.distance, 1e-4f);
}

TEST(OrbitCamera, ProjectionIsVulkanStyle) {
    engine::OrbitCamera cam;
    const glm::mat4 p = cam.projection(16.0f / 9.0f);
    EXPECT_NEAR(project(p, {0, 0, -cam.near_plane}).z, 0.0f, 1e-5f);
    EXPECT_NEAR(project(p, {0, 0, -cam.far_plane}).z, 1.0f, 1e-4f);
    EXPECT_LT(project(p, {0, 1, -5}).y, 0.0f);   // up in view space is up on screen (-y in Vulkan NDC)
    EXPECT_GT(project(p, {1, 0, -5}).x, 0.0f);
}

TEST(OrbitCamera, InputIsClamped) {
    engine::OrbitCamera cam;
    cam.rotate(0.0f, 1e6f);
    EXPECT_LE(cam.pitch, engine::OrbitCamera::kMaxPitch);
    cam.rotate(0.0f, -1e6f);
    EXPECT_GE(cam.pitch, -engine::OrbitCamera::kMaxPitch);
    cam.zoom(1000.0f);
    EXPECT_FLOAT_EQ(cam.distance, engine::OrbitCamera::kMinDistance);
    cam.zoom(-1000.0f);
    EXPECT_FLOAT_EQ(cam.distance, engine::OrbitCamera::kMaxDistance);
    const float d = cam.distance;
    cam.zoom(1.0f);
    EXPECT_LT(cam.distance, d);   // positive wheel zooms in
}

TEST(OrbitCamera, MoveKeepsHeightAndGoesWhereTheCameraLooks) {
    engine::OrbitCamera c;
    const glm::vec3 start = c.target;
    c.move(0.0f, 1.0f, 0.1f);   // W for 0.1 s
    const glm::vec3 moved = c.target - start;
    EXPECT_FLOAT_EQ(moved.y, 0.0f);
    const glm::vec3 look = c.target - c.eye();
    EXPECT_GT(glm::dot(glm::vec2(moved.x, moved.z), glm::vec2(look.x, look.z)), 0.0f) << "W moves forward";
    const glm::vec3 before = c.target;
    c.move(1.0f, 0.0f, 0.1f);   // D: to the right, perpendicular to the view
    const glm::vec3 right = c.target - before;
    EXPECT_NEAR(glm::dot(glm::vec2(right.x, right.z), glm::vec2(look.x, look.z)), 0.0f, 1e-4f);
    EXPECT_GT(glm::dot(right, glm::cross(look, glm::vec3(0, 1, 0))), 0.0f) << "D moves to the screen's right";
}

}  // namespace
