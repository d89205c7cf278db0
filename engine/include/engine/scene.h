// SPDX-License-Identifier: MIT
// scene.h: the demo scene (sky, ground plane, sphere, rounded cube) drawn with dynamic rendering.
#pragma once

#include "engine/buffer.h"
#include "engine/camera.h"
#include "engine/frame.h"
#include "engine/material.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <vector>

namespace engine {

class Context;
class MaterialTextures;

// Shading settings: user controls plus what the material provides.
struct SceneSettings {
    float tiling = 2.0f;            // UV repeats per object UV unit
    float roughness_bias = 0.0f;    // added to the roughness map (a neutral 0.6 without one)
    float metallic = 0.0f;
    float exposure = 1.0f;
    float ambient = 0.7f;
    float bump = 1.5f;              // without a normal map: relief from the albedo's luminance (0: flat)
    bool normal_map = false;        // the material has a normal map (else the albedo bump is used)
    bool flat_normals = false;      // ignore the normal map and the bump (comparison renders)
    float normal_strength = 1.0f;   // scales the normal map's tangent-plane part
    float height_texels = 0.0f;     // the model's heightScale; 0: no height map, no parallax
    float height_depth = 1.0f;      // user scale of the parallax depth (0: off)
    bool infinite_ground = false;   // draw the ground with the ground material in world-xz UVs
    float ground_texels_per_metre = 32.0f;
    float ground_image_size = 2048.0f;      // texels (square) of the ground material's images
    glm::vec2 ground_window_centre{0.0f};   // world xz of the generated window's centre
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

    // Points the objects' material set (and the ground's unless infinite) at `material`. No
    // frame in flight may use the set.
    void set_material(const MaterialTextures& material);
    // Points the infinite ground's material set at `ground` (drawn when settings.infinite_ground).
    // No frame in flight may use the set.
    void set_ground_material(const MaterialTextures& ground);
    // Frame `frame` samples these views (one per MapKind; VK_NULL_HANDLE = `fallback`'s own texture)
    // in `layout` instead of the objects' material: images another library fills, e.g. ntex texture
    // sets. Per frame in flight, so rewriting it never touches a set a running frame uses; only
    // rewritten when something changed. clear_external_material returns the frame to its own maps.
    void set_external_material(uint32_t frame, const std::array<VkImageView, kMapKindCount>& views, VkImageLayout layout,
                               const MaterialTextures& fallback);
    void clear_external_material(uint32_t frame) { m_external_used[frame] = false; }

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
    void write_material_set(VkDescriptorSet set, const MaterialTextures& material);

    const Context& m_ctx;
    VkDescriptorSetLayout m_set_layout = VK_NULL_HANDLE;            // set 0: per-frame uniforms
    VkDescriptorSetLayout m_material_layout = VK_NULL_HANDLE;       // set 1: the four maps
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkPipeline m_sky = VK_NULL_HANDLE;
    std::array<VkPipeline, 6> m_mesh{};   // [normal mode (flat, bump, map) * 2 + parallax]
    std::array<Buffer, kFramesInFlight> m_uniforms;
    std::array<VkDescriptorSet, kFramesInFlight> m_sets{};
    VkDescriptorSet m_object_material = VK_NULL_HANDLE;
    VkDescriptorSet m_ground_material = VK_NULL_HANDLE;
    std::array<VkDescriptorSet, kFramesInFlight> m_external_material{};
    std::array<std::array<VkImageView, kMapKindCount>, kFramesInFlight> m_external_views{};
    std::array<VkImageLayout, kFramesInFlight> m_external_layout{};
    std::array<bool, kFramesInFlight> m_external_used{};
    std::array<bool, kFramesInFlight> m_external_written{};   // the set holds m_external_views (+ current fallbacks)
    bool m_has_ground_material = false;
    std::vector<GpuMesh> m_meshes;   // plane, sphere, rounded cube
};

}  // namespace engine
