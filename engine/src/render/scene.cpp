// SPDX-License-Identifier: MIT
// scene.cpp: pipelines (sky + lit meshes), per-frame uniforms and the draw recording.
#include "engine/scene.h"

#include "engine/context.h"
#include "engine/error.h"
#include "engine/mesh.h"
#include "engine/shader.h"
#include "engine/shader_types.h"
#include "engine/material.h"
#include "engine/texture.h"

#include <glm/gtc/matrix_transform.hpp>

#include <cmath>
#include <cstddef>
#include <cstring>

namespace engine {
namespace {

constexpr float kGroundSize = 200.0f;   // follows the camera target; its edge is hidden in the distance fog
constexpr float kGroundUvRepeat = kGroundSize * 0.5f;   // mesh UV units per plane (one per 2 m)

constexpr float kSphereRadius = 0.85f;
constexpr float kCubeHalf = 0.75f;
const glm::vec3 kSphereCentre{-1.2f, kSphereRadius, 0.0f};
const glm::vec3 kCubeCentre{1.2f, kCubeHalf, 0.2f};

struct Placement {
    glm::mat4 model;
    glm::vec4 material;   // see DrawPushConstants (w, the bump, comes from the settings)
};

// The fixed layout of the demo scene: index matches m_meshes; material.z is the object id.
std::array<Placement, 3> placements() {
    return {{
        {glm::mat4(1.0f), {1.0f, 0.15f, 0.0f, 0.0f}},   // ground: a bit rougher
        {glm::translate(glm::mat4(1.0f), kSphereCentre), {1.0f, 0.0f, 1.0f, 0.0f}},
        {glm::rotate(glm::translate(glm::mat4(1.0f), kCubeCentre), 0.5f, {0.0f, 1.0f, 0.0f}),
         {0.5f, 0.0f, 2.0f, 0.0f}},
    }};
}

}  // namespace

SceneRenderer::SceneRenderer(const Context& ctx, VkFormat color_format) : m_ctx(ctx) {
    const VkDevice dev = ctx.device();
    VkDescriptorSetLayoutBinding ubo{};
    ubo.binding = 0;
    ubo.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    ubo.descriptorCount = 1;
    ubo.stageFlags = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
    VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    lci.bindingCount = 1;
    lci.pBindings = &ubo;
    ENGINE_VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &m_set_layout));

    std::array<VkDescriptorSetLayoutBinding, kMapKindCount> maps{};
    for (uint32_t i = 0; i < kMapKindCount; ++i) {
        maps[i].binding = i;
        maps[i].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
        maps[i].descriptorCount = 1;
        maps[i].stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
    }
    lci.bindingCount = kMapKindCount;
    lci.pBindings = maps.data();
    ENGINE_VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &m_material_layout));

    // Per frame: the uniform set. Materials: the objects' and the infinite ground's; they
    // change only when textures are recreated (with no frame in flight), so one set each.
    VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kFramesInFlight},
                                     {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, (2 + kFramesInFlight) * kMapKindCount}};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = 2 * kFramesInFlight + 2;   // + one external material set per frame in flight
    pci.poolSizeCount = 2;
    pci.pPoolSizes = sizes;
    ENGINE_VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &m_pool));

    std::array<VkDescriptorSetLayout, kFramesInFlight> layouts;
    layouts.fill(m_set_layout);
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = m_pool;
    ai.descriptorSetCount = kFramesInFlight;
    ai.pSetLayouts = layouts.data();
    ENGINE_VK_CHECK(vkAllocateDescriptorSets(dev, &ai, m_sets.data()));
    const VkDescriptorSetLayout material_layouts[2] = {m_material_layout, m_material_layout};
    VkDescriptorSet material_sets[2]{};
    ai.descriptorSetCount = 2;
    ai.pSetLayouts = material_layouts;
    ENGINE_VK_CHECK(vkAllocateDescriptorSets(dev, &ai, material_sets));
    m_object_material = material_sets[0];
    m_ground_material = material_sets[1];
    std::array<VkDescriptorSetLayout, kFramesInFlight> external_layouts;
    external_layouts.fill(m_material_layout);
    ai.descriptorSetCount = kFramesInFlight;
    ai.pSetLayouts = external_layouts.data();
    ENGINE_VK_CHECK(vkAllocateDescriptorSets(dev, &ai, m_external_material.data()));

    // One uniform buffer per frame in flight: the host rewrites it while the other frame runs.
    for (uint32_t i = 0; i < kFramesInFlight; ++i) {
        m_uniforms[i] = Buffer(ctx, sizeof(SceneUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT,
                               VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
        VkDescriptorBufferInfo bi{m_uniforms[i].handle(), 0, sizeof(SceneUniforms)};
        VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        w.dstSet = m_sets[i];
        w.dstBinding = 0;
        w.descriptorCount = 1;
        w.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
        w.pBufferInfo = &bi;
        vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);
    }

    VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(DrawPushConstants)};
    VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    const VkDescriptorSetLayout set_layouts[2] = {m_set_layout, m_material_layout};
    plci.setLayoutCount = 2;
    plci.pSetLayouts = set_layouts;
    plci.pushConstantRangeCount = 1;
    plci.pPushConstantRanges = &push;
    ENGINE_VK_CHECK(vkCreatePipelineLayout(dev, &plci, nullptr, &m_layout));

    create_pipelines(color_format);
    upload_meshes();
}

SceneRenderer::~SceneRenderer() {
    const VkDevice dev = m_ctx.device();
    for (VkPipeline p : m_mesh)
        if (p) vkDestroyPipeline(dev, p, nullptr);
    if (m_sky) vkDestroyPipeline(dev, m_sky, nullptr);
    if (m_layout) vkDestroyPipelineLayout(dev, m_layout, nullptr);
    if (m_pool) vkDestroyDescriptorPool(dev, m_pool, nullptr);
    if (m_material_layout) vkDestroyDescriptorSetLayout(dev, m_material_layout, nullptr);
    if (m_set_layout) vkDestroyDescriptorSetLayout(dev, m_set_layout, nullptr);
}

void SceneRenderer::create_pipelines(VkFormat color_format) {
    const VkDevice dev = m_ctx.device();
    ShaderModule scene_vs(dev, "scene.vert"), scene_fs(dev, "scene.frag");
    ShaderModule sky_vs(dev, "sky.vert"), sky_fs(dev, "sky.frag");

    VkPipelineShaderStageCreateInfo stages[2]{};
    for (auto& s : stages) {
        s.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        s.pName = "main";
    }
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;

    VkVertexInputBindingDescription binding{0, sizeof(Vertex), VK_VERTEX_INPUT_RATE_VERTEX};
    VkVertexInputAttributeDescription attrs[4] = {
        {0, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(Vertex, position)},
        {1, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(Vertex, normal)},
        {2, 0, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(Vertex, tangent)},
        {3, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(Vertex, uv)},
    };
    VkPipelineVertexInputStateCreateInfo mesh_input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    mesh_input.vertexBindingDescriptionCount = 1;
    mesh_input.pVertexBindingDescriptions = &binding;
    mesh_input.vertexAttributeDescriptionCount = 4;
    mesh_input.pVertexAttributeDescriptions = attrs;
    VkPipelineVertexInputStateCreateInfo no_input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};

    VkPipelineInputAssemblyStateCreateInfo ia{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    ia.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkPipelineViewportStateCreateInfo vp{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    vp.viewportCount = 1;
    vp.scissorCount = 1;
    VkPipelineRasterizationStateCreateInfo rs{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    rs.polygonMode = VK_POLYGON_MODE_FILL;
    rs.lineWidth = 1.0f;
    rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
    VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    ms.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
    VkPipelineDepthStencilStateCreateInfo ds{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
    VkPipelineColorBlendAttachmentState blend{};
    blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT |
                           VK_COLOR_COMPONENT_A_BIT;
    VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    cb.attachmentCount = 1;
    cb.pAttachments = &blend;
    VkDynamicState dyn_states[2] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    VkPipelineDynamicStateCreateInfo dyn{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
    dyn.dynamicStateCount = 2;
    dyn.pDynamicStates = dyn_states;
    VkPipelineRenderingCreateInfo rendering{VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO};
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachmentFormats = &color_format;
    rendering.depthAttachmentFormat = kDepthFormat;

    VkGraphicsPipelineCreateInfo ci{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    ci.pNext = &rendering;
    ci.stageCount = 2;
    ci.pStages = stages;
    ci.pInputAssemblyState = &ia;
    ci.pViewportState = &vp;
    ci.pRasterizationState = &rs;
    ci.pMultisampleState = &ms;
    ci.pDepthStencilState = &ds;
    ci.pColorBlendState = &cb;
    ci.pDynamicState = &dyn;
    ci.layout = m_layout;

    // Meshes: depth tested, back faces culled (the plane is seen from above).
    stages[0].module = scene_vs.handle();
    stages[1].module = scene_fs.handle();
    ci.pVertexInputState = &mesh_input;
    rs.cullMode = VK_CULL_MODE_BACK_BIT;
    ds.depthTestEnable = VK_TRUE;
    ds.depthWriteEnable = VK_TRUE;
    ds.depthCompareOp = VK_COMPARE_OP_LESS;
    // One variant per shading path (specialization constants in scene.frag): the driver drops
    // what a variant does not use. lavapipe runs both sides of a branch under a lane mask, so a
    // uniform `if` alone would still pay for the parallax march and the unused normal path.
    struct Spec {
        int32_t normal_mode;   // 0 flat, 1 albedo bump, 2 normal map
        VkBool32 parallax;
    };
    const VkSpecializationMapEntry entries[2] = {{0, offsetof(Spec, normal_mode), sizeof(int32_t)},
                                                 {1, offsetof(Spec, parallax), sizeof(VkBool32)}};
    for (uint32_t mode = 0; mode < 3; ++mode)
        for (uint32_t parallax = 0; parallax < 2; ++parallax) {
            const Spec spec{static_cast<int32_t>(mode), parallax};
            VkSpecializationInfo si{2, entries, sizeof(spec), &spec};
            stages[1].pSpecializationInfo = &si;
            ENGINE_VK_CHECK(
                vkCreateGraphicsPipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &m_mesh[mode * 2 + parallax]));
        }
    stages[1].pSpecializationInfo = nullptr;

    // Sky: drawn last at depth 1 where nothing else was drawn (the depth clear value is 1),
    // so covered pixels never run its shader. No depth write.
    stages[0].module = sky_vs.handle();
    stages[1].module = sky_fs.handle();
    ci.pVertexInputState = &no_input;
    rs.cullMode = VK_CULL_MODE_NONE;
    ds.depthWriteEnable = VK_FALSE;
    ds.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
    ENGINE_VK_CHECK(vkCreateGraphicsPipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &m_sky));
}

void SceneRenderer::upload_meshes() {
    const MeshData meshes[3] = {make_plane(kGroundSize, kGroundUvRepeat), make_uv_sphere(kSphereRadius, 64, 32),
                                make_rounded_cube(kCubeHalf, 0.18f, 12)};
    for (const MeshData& m : meshes) {
        const VkDeviceSize vsize = m.vertices.size() * sizeof(Vertex);
        const VkDeviceSize isize = m.indices.size() * sizeof(uint32_t);
        Buffer staging(m_ctx, vsize + isize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                       VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
        std::memcpy(staging.mapped(), m.vertices.data(), vsize);
        std::memcpy(static_cast<char*>(staging.mapped()) + vsize, m.indices.data(), isize);
        GpuMesh g;
        g.vertices = Buffer(m_ctx, vsize, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                            VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        g.indices = Buffer(m_ctx, isize, VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                           VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        g.index_count = static_cast<uint32_t>(m.indices.size());
        // Setup-time copy; submit_immediate waits, so the staging buffer can go right after.
        m_ctx.submit_immediate([&](VkCommandBuffer cmd) {
            VkBufferCopy vc{0, 0, vsize};
            vkCmdCopyBuffer(cmd, staging.handle(), g.vertices.handle(), 1, &vc);
            VkBufferCopy ic{vsize, 0, isize};
            vkCmdCopyBuffer(cmd, staging.handle(), g.indices.handle(), 1, &ic);
        });
        m_meshes.push_back(std::move(g));
    }
}

void SceneRenderer::write_material_set(VkDescriptorSet set, const MaterialTextures& material) {
    std::array<VkDescriptorImageInfo, kMapKindCount> images{};
    std::array<VkWriteDescriptorSet, kMapKindCount> writes{};
    for (uint32_t i = 0; i < kMapKindCount; ++i) {
        const Texture& t = material.map(static_cast<MapKind>(i));
        images[i] = {t.sampler(), t.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        writes[i] = VkWriteDescriptorSet{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
        writes[i].pImageInfo = &images[i];
    }
    vkUpdateDescriptorSets(m_ctx.device(), kMapKindCount, writes.data(), 0, nullptr);
}

void SceneRenderer::set_material(const MaterialTextures& material) {
    write_material_set(m_object_material, material);
    m_external_written.fill(false);   // their fallback entries named the old textures
}

void SceneRenderer::set_external_material(uint32_t frame, const std::array<VkImageView, kMapKindCount>& views,
                                          VkImageLayout layout, const MaterialTextures& fallback) {
    m_external_used[frame] = true;
    if (m_external_written[frame] && m_external_views[frame] == views && m_external_layout[frame] == layout) return;
    std::array<VkDescriptorImageInfo, kMapKindCount> images{};
    std::array<VkWriteDescriptorSet, kMapKindCount> writes{};
    for (uint32_t i = 0; i < kMapKindCount; ++i) {
        const Texture& t = fallback.map(static_cast<MapKind>(i));
        images[i] = views[i] != VK_NULL_HANDLE ? VkDescriptorImageInfo{t.sampler(), views[i], layout}
                                               : VkDescriptorImageInfo{t.sampler(), t.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        writes[i] = VkWriteDescriptorSet{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[i].dstSet = m_external_material[frame];
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
        writes[i].pImageInfo = &images[i];
    }
    vkUpdateDescriptorSets(m_ctx.device(), kMapKindCount, writes.data(), 0, nullptr);
    m_external_views[frame] = views;
    m_external_layout[frame] = layout;
    m_external_written[frame] = true;
}

void SceneRenderer::set_ground_material(const MaterialTextures& ground) {
    write_material_set(m_ground_material, ground);
    m_has_ground_material = true;
}

void SceneRenderer::record(VkCommandBuffer cmd, uint32_t frame, VkImageView color, VkImageView depth,
                           VkExtent2D extent, const OrbitCamera& camera, const SceneSettings& s) {
    const float aspect = static_cast<float>(extent.width) / static_cast<float>(std::max(extent.height, 1u));
    const glm::mat4 view_proj = camera.projection(aspect) * camera.view();
    SceneUniforms u{};
    u.view_proj = view_proj;
    u.inv_view_proj = glm::inverse(view_proj);
    u.camera_pos = glm::vec4(camera.eye(), 1.0f);
    const glm::vec3 to_light(std::cos(s.light_elevation) * std::sin(s.light_azimuth), std::sin(s.light_elevation),
                             std::cos(s.light_elevation) * std::cos(s.light_azimuth));
    u.light_dir = glm::vec4(glm::normalize(to_light), s.light_intensity);
    u.light_color = glm::vec4(1.0f, 0.96f, 0.9f, 0.0f);
    u.sky_zenith = glm::vec4(0.18f, 0.32f, 0.62f, s.exposure);
    u.sky_horizon = glm::vec4(0.62f, 0.70f, 0.80f, 0.0f);
    u.ground_color = glm::vec4(0.16f, 0.14f, 0.12f, 0.0f);
    u.params = glm::vec4(s.tiling, s.roughness_bias, s.metallic, s.ambient);
    const bool flat = s.flat_normals;
    u.maps = glm::vec4(s.normal_map && !flat ? std::max(s.normal_strength, 1e-3f) : 0.0f,
                       s.height_texels * s.height_depth, s.normal_map || flat ? 0.0f : s.bump, 0.0f);
    const bool infinite = s.infinite_ground && m_has_ground_material;
    u.ground = glm::vec4(infinite ? 1.0f : 0.0f, s.ground_texels_per_metre / s.ground_image_size,
                         s.ground_window_centre.x, s.ground_window_centre.y);
    u.ground_fade = glm::vec4(0.5f * s.ground_image_size / s.ground_texels_per_metre, 0.0f, 0.0f, 0.0f);
    // Shadow casters as spheres: exact for the sphere; for the cube a sphere between its
    // inscribed and circumscribed ones is a fair soft-shadow proxy.
    u.occluders[0] = glm::vec4(kSphereCentre, kSphereRadius);
    u.occluders[1] = glm::vec4(kCubeCentre, kCubeHalf * 1.15f);
    std::memcpy(m_uniforms[frame].mapped(), &u, sizeof(u));   // coherent; visible at submit

    VkRenderingAttachmentInfo color_att{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    color_att.imageView = color;
    color_att.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    color_att.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    color_att.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    VkRenderingAttachmentInfo depth_att{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    depth_att.imageView = depth;
    depth_att.imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL;
    depth_att.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    depth_att.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    depth_att.clearValue.depthStencil = {1.0f, 0};
    VkRenderingInfo ri{VK_STRUCTURE_TYPE_RENDERING_INFO};
    ri.renderArea = {{0, 0}, extent};
    ri.layerCount = 1;
    ri.colorAttachmentCount = 1;
    ri.pColorAttachments = &color_att;
    ri.pDepthAttachment = &depth_att;
    vkCmdBeginRendering(cmd, &ri);

    VkViewport viewport{0, 0, static_cast<float>(extent.width), static_cast<float>(extent.height), 0, 1};
    VkRect2D scissor{{0, 0}, extent};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_layout, 0, 1, &m_sets[frame], 0, nullptr);

    const uint32_t normal_mode = flat ? 0u : s.normal_map ? 2u : s.bump > 0.0f ? 1u : 0u;
    const uint32_t parallax = u.maps.y > 0.0f ? 1u : 0u;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_mesh[normal_mode * 2 + parallax]);
    const auto where = placements();
    for (size_t i = 0; i < m_meshes.size(); ++i) {
        DrawPushConstants pc{where[i].model, where[i].material};
        const bool world_uv = i == 0 && infinite;   // the ground plane is mesh 0
        if (i == 0) {
            // The plane follows the camera target. Tiled, it moves by whole texture periods so
            // the texture stays fixed in the world; infinite, its UVs come from world xz anyway.
            const float period = kGroundSize / kGroundUvRepeat / (where[0].material.x * std::max(s.tiling, 1e-3f));
            const glm::vec2 offset = world_uv ? glm::vec2(camera.target.x, camera.target.z)
                                              : glm::round(glm::vec2(camera.target.x, camera.target.z) / period) * period;
            pc.model = glm::translate(glm::mat4(1.0f), glm::vec3(offset.x, 0.0f, offset.y));
        }
        pc.material.w = world_uv ? 1.0f : 0.0f;
        const VkDescriptorSet objects = m_external_used[frame] ? m_external_material[frame] : m_object_material;
        const VkDescriptorSet material = world_uv ? m_ground_material : objects;
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_layout, 1, 1, &material, 0, nullptr);
        vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc),
                           &pc);
        const VkDeviceSize offset = 0;
        const VkBuffer vb = m_meshes[i].vertices.handle();
        vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
        vkCmdBindIndexBuffer(cmd, m_meshes[i].indices.handle(), 0, VK_INDEX_TYPE_UINT32);
        vkCmdDrawIndexed(cmd, m_meshes[i].index_count, 1, 0, 0, 0);
    }

    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_sky);
    const DrawPushConstants sky_pc{glm::mat4(1.0f), glm::vec4(1.0f, 0.0f, 0.0f, 0.0f)};
    vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(sky_pc),
                       &sky_pc);
    vkCmdDraw(cmd, 3, 1, 0, 0);
    vkCmdEndRendering(cmd);
}

}  // namespace engine
