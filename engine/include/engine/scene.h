// SPDX-License-Identifier: MIT
// scene.h: the demo scene (sky, ground plane, sphere, rounded cube) drawn with dynamic rendering.
#pragma once

#include "engine/buffer.h"
#include "engine/camera.h"
#include "engine/frame.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <vector>

namespace engine {

class Context;
class Texture;

// Shading constants (the model gives only albedo for now).
struct SceneSettings {
    float tiling = 2.0f;            // UV repeats per object UV unit
    float roughness = 0.55f;
    float metallic = 0.0f;
    float exposure = 1.0f;
    float ambient = 0.7f;
    float bump = 1.5f;              // relief from the albedo's luminance (0: flat)
    float light_intensity = 3.5f;
    float light_azimuth = 1.5f;     // radians around +y (0: from +z); from the right of the camera
    float light_elevation = 0.7f;   // radians above the horizon
};

class SceneRenderer {
public:
    static constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

    SceneRenderer(const Context& ctx, VkFormat color_format);
    ~SceneRenderer();
    SceneRenderer(const SceneRenderer&) = delete;
    SceneRenderer& operator=(const SceneRenderer&) = delete;

    // Points every frame's descriptor set at `texture`. No frame in flight may use the sets.
    void set_texture(const Texture& texture);

    // Records the whole scene into `color` (cleared) with `depth` (cleared). Both must be in
    // *_ATTACHMENT_OPTIMAL layout; `frame` selects the uniform buffer and descriptor set.
    void record(VkCommandBuffer cmd, uint32_t frame, VkImageView color, VkImageView depth, VkExtent2D extent,
                const OrbitCamera& camera, const SceneSettings& settings);

private:
    struct GpuMesh {
        Buffer vertices;
        Buffer indices;
        uint32_t index_count = 0;
    };
    void create_pipelines(VkFormat color_format);
    void upload_meshes();

    const Context& m_ctx;
    VkDescriptorSetLayout m_set_layout = VK_NULL_HANDLE;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkPipeline m_sky = VK_NULL_HANDLE;
    VkPipeline m_mesh = VK_NULL_HANDLE;
    std::array<Buffer, kFramesInFlight> m_uniforms;
    std::array<VkDescriptorSet, kFramesInFlight> m_sets{};
    std::vector<GpuMesh> m_meshes;   // plane, sphere, rounded cube
};

}  // namespace engine
