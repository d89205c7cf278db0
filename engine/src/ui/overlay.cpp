// SPDX-License-Identifier: MIT
// overlay.cpp: Dear ImGui 1.86 (Debian) with its GLFW + Vulkan backends. The 1.86 Vulkan
// backend needs a VkRenderPass, so the UI gets a one-subpass pass that LOADs the scene.
#include "engine/overlay.h"

#include "engine/context.h"
#include "engine/error.h"
#include "engine/frame.h"
#include "engine/window.h"

#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace engine {
namespace {

// ImGui's backend reports Vulkan failures through a C callback; remember the first one and
// raise it from the overlay call that triggered it.
VkResult g_imgui_vk_error = VK_SUCCESS;
void check_imgui_vk(VkResult r) {
    if (r != VK_SUCCESS && g_imgui_vk_error == VK_SUCCESS) g_imgui_vk_error = r;
}
void raise_imgui_vk(const char* where) {
    const VkResult r = g_imgui_vk_error;
    g_imgui_vk_error = VK_SUCCESS;
    if (r < 0) throw VulkanError(where, r);
}

// The target is sRGB: ImGui's colours are authored in sRGB, so convert them to linear once
// and let the attachment encode them back.
void linearize_style(ImGuiStyle& style) {
    for (ImVec4& c : style.Colors) {
        c.x = std::pow(c.x, 2.2f);
        c.y = std::pow(c.y, 2.2f);
        c.z = std::pow(c.z, 2.2f);
    }
}

}  // namespace

Overlay::Overlay(const Context& ctx, VkFormat color_format, Window* window) : m_ctx(ctx) {
    const VkDevice dev = ctx.device();

    VkAttachmentDescription color{};
    color.format = color_format;
    color.samples = VK_SAMPLE_COUNT_1_BIT;
    color.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;   // the scene is already there
    color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    color.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    color.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    color.initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    color.finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;   // the caller transitions next
    VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription subpass{};
    subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    subpass.colorAttachmentCount = 1;
    subpass.pColorAttachments = &ref;
    // The scene pass wrote the attachment just before: order those writes before our
    // load/blend (read + write) at colour output.
    VkSubpassDependency deps[2]{};
    deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
    deps[0].dstSubpass = 0;
    deps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[0].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].srcSubpass = 0;
    deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
    deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[1].dstAccessMask = 0;
    VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    rp.attachmentCount = 1;
    rp.pAttachments = &color;
    rp.subpassCount = 1;
    rp.pSubpasses = &subpass;
    rp.dependencyCount = 2;
    rp.pDependencies = deps;
    ENGINE_VK_CHECK(vkCreateRenderPass(dev, &rp, nullptr, &m_render_pass));

    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;   // the backend frees its set
    pci.maxSets = 4;
    pci.poolSizeCount = 1;
    pci.pPoolSizes = &size;
    ENGINE_VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &m_pool));

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // never write imgui.ini into the working directory
    ImGui::StyleColorsDark();
    ImGui::GetStyle().WindowRounding = 4.0f;
    // Compact rows: the panel (with up to 8 direction sliders) must fit a 720-pixel window.
    ImGui::GetStyle().ItemSpacing.y = 2.0f;
    ImGui::GetStyle().FramePadding.y = 1.0f;
    linearize_style(ImGui::GetStyle());
    if (window) {
        ImGui_ImplGlfw_InitForVulkan(window->native(), true);   // chains to the Window's callbacks
        m_has_platform = true;
    }

    ImGui_ImplVulkan_InitInfo info{};
    info.Instance = ctx.instance();
    info.PhysicalDevice = ctx.physical_device();
    info.Device = dev;
    info.QueueFamily = ctx.queue_family();
    info.Queue = ctx.queue();
    info.DescriptorPool = m_pool;
    info.Subpass = 0;
    // The backend rotates its vertex/index buffers per draw; one more than the frames in
    // flight means a buffer is never rewritten while a pending frame reads it.
    info.MinImageCount = 2;
    info.ImageCount = kFramesInFlight + 1;
    info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    info.CheckVkResultFn = check_imgui_vk;
    if (!ImGui_ImplVulkan_Init(&info, m_render_pass)) throw Error("imgui: ImGui_ImplVulkan_Init failed");
    raise_imgui_vk("ImGui_ImplVulkan_Init");

    ctx.submit_immediate([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
    ImGui_ImplVulkan_DestroyFontUploadObjects();
    raise_imgui_vk("ImGui_ImplVulkan_CreateFontsTexture");
}

Overlay::~Overlay() {
    vkDeviceWaitIdle(m_ctx.device());
    release_framebuffers();
    ImGui_ImplVulkan_Shutdown();
    if (m_has_platform) ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    if (m_pool) vkDestroyDescriptorPool(m_ctx.device(), m_pool, nullptr);
    if (m_render_pass) vkDestroyRenderPass(m_ctx.device(), m_render_pass, nullptr);
}

void Overlay::new_frame(VkExtent2D display, float dt_seconds) {
    ImGui_ImplVulkan_NewFrame();
    if (m_has_platform) {
        ImGui_ImplGlfw_NewFrame();
    } else {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(static_cast<float>(display.width), static_cast<float>(display.height));
        io.DeltaTime = std::max(dt_seconds, 1e-4f);
    }
    ImGui::NewFrame();
}

OverlayActions Overlay::draw_panel(MaterialControls& c, SceneSettings& scene, const OverlayInfo& info) {
    OverlayActions a;
    ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(340, 0), ImGuiCond_FirstUseEver);
    ImGui::Begin("ntex material");
    ImGui::PushItemWidth(-118.0f);   // room for the longest label ("truncation psi")
    ImGui::Text("model: %s", info.model.c_str());
    ImGui::Text("generator: %s", info.backend.c_str());
    if (!info.backend_note.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.2f, 1.0f), "CUDA not used: %s", info.backend_note.c_str());
        ImGui::PopTextWrapPos();
    }
    // Switching rebuilds the host's generators on the chosen backend; a failure keeps the running one.
    static const char* const kBackends[] = {"auto", "CPU", "CUDA", "Vulkan compute"};   // NtexBackend order
    if (ImGui::Combo("backend", &c.backend, kBackends, 4)) a.backend_changed = true;
    if (!info.backend_status.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(info.backend_status.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::Text("renderer: %s", info.device.c_str());
    ImGui::Text("maps: %s", info.maps.c_str());
    ImGui::Separator();

    int seed = static_cast<int>(c.seed);
    if (ImGui::InputInt("seed", &seed)) {
        c.seed = static_cast<uint32_t>(std::max(seed, 0));
        a.seed_changed = true;
    }
    if (ImGui::Button("Randomize")) {
        c.seed = std::uniform_int_distribution<uint32_t>(0, 1000000)(m_rng);
        a.seed_changed = true;
    }
    // Collapsed by default: the panel must fit a 720-pixel-high window with the directions.
    if (ImGui::TreeNode("latent z[0..7]")) {
        for (uint32_t i = 0; i < c.z_count; ++i) {
            char label[16];
            std::snprintf(label, sizeof(label), "z[%u]", i);
            if (ImGui::SliderFloat(label, &c.z[i], -3.0f, 3.0f, "%.2f")) a.latent_changed = true;
        }
        ImGui::TreePop();
    }
    if (ImGui::SliderFloat("truncation psi", &c.psi, 0.0f, 1.5f, "%.2f")) a.psi_changed = true;
    ImGui::Checkbox("animate", &c.animate);
    ImGui::SliderFloat("speed", &c.speed, 0.02f, 2.0f, "%.2f seeds/s");

    // Recreating the generator is costly: apply the size when the slider is released.
    int& pending = m_pending_resolution;
    if (pending == 0) pending = c.resolution;
    ImGui::SliderInt("resolution", &pending, MaterialControls::kMinResolution, MaterialControls::kMaxResolution);
    const bool released = ImGui::IsItemDeactivatedAfterEdit();
    const bool active = ImGui::IsItemActive();
    pending = std::clamp((pending + MaterialControls::kResolutionStep / 2) / MaterialControls::kResolutionStep *
                             MaterialControls::kResolutionStep,
                         MaterialControls::kMinResolution, MaterialControls::kMaxResolution);
    if (released && pending != c.resolution) {
        c.resolution = pending;
        a.resolution_changed = true;
    }
    if (!active) pending = c.resolution;

    if (!c.direction_labels.empty()) {
        ImGui::Separator();
        ImGui::TextUnformatted("latent directions (sigma)");
        const size_t n = std::min<size_t>(c.direction_labels.size(), MaterialControls::kMaxDirections);
        for (size_t i = 0; i < n; ++i) {
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::SliderFloat(c.direction_labels[i].c_str(), &c.directions[i], -3.0f, 3.0f, "%.2f"))
                a.directions_changed = true;
            ImGui::PopID();
        }
        if (ImGui::Button("Reset directions")) {
            c.directions.fill(0.0f);
            a.directions_changed = true;
        }
    }

    ImGui::Separator();
    ImGui::SliderFloat("tiling", &scene.tiling, 0.25f, 8.0f, "%.2f");
    ImGui::SliderFloat("roughness bias", &scene.roughness_bias, -0.5f, 0.5f, "%.2f");
    ImGui::SliderFloat("metallic", &scene.metallic, 0.0f, 1.0f, "%.2f");
    if (info.has_normal_map)
        ImGui::SliderFloat("normal strength", &scene.normal_strength, 0.0f, 3.0f, "%.2f");
    else
        ImGui::SliderFloat("bump", &scene.bump, 0.0f, 4.0f, "%.2f");
    ImGui::Checkbox("flat normals", &scene.flat_normals);
    if (info.has_height_map) ImGui::SliderFloat("height depth", &scene.height_depth, 0.0f, 4.0f, "%.2f");
    ImGui::SliderFloat("exposure", &scene.exposure, 0.1f, 4.0f, "%.2f");
    if (ImGui::Checkbox("infinite ground", &c.infinite_ground)) a.ground_changed = true;
    if (!info.ground_status.empty()) ImGui::TextWrapped("%s", info.ground_status.c_str());
    if (ImGui::CollapsingHeader("preset & bake")) {
        ImGui::InputText("preset", c.preset_path.data(), c.preset_path.size());
        if (ImGui::Button("Save preset")) a.save_preset = true;
        ImGui::SameLine();
        if (ImGui::Button("Load preset")) a.load_preset = true;
        ImGui::InputText("bake to", c.bake_path.data(), c.bake_path.size());
        ImGui::SliderInt("bake size", &c.bake_size, 256, 4096, "%d", ImGuiSliderFlags_AlwaysClamp);
        c.bake_size = (c.bake_size + 8) / 16 * 16;
        if (ImGui::Button("Bake maps (PNG)")) a.bake = true;
        if (!info.file_status.empty()) ImGui::TextWrapped("%s", info.file_status.c_str());
    }
    ImGui::Separator();
    ImGui::Text("generation: %.1f ms (%d x %d)%s", static_cast<double>(info.generation_ms), c.resolution, c.resolution,
                info.generating ? " ..." : "");
    ImGui::Text("result #%llu, %d frames ago", info.result_id, info.frames_since_result);
    ImGui::Text("frame: %.1f ms  (%.1f FPS)", static_cast<double>(info.frame_ms), static_cast<double>(info.fps));
    ImGui::TextDisabled("left-drag: orbit, wheel: zoom, right-drag/WASD: move");
    ImGui::PopItemWidth();
    ImGui::End();
    return a;
}

bool Overlay::wants_mouse() const { return ImGui::GetIO().WantCaptureMouse; }

bool Overlay::wants_keyboard() const { return ImGui::GetIO().WantCaptureKeyboard; }

VkFramebuffer Overlay::framebuffer_for(VkImageView view, VkExtent2D extent) {
    if (extent.width != m_framebuffer_extent.width || extent.height != m_framebuffer_extent.height) {
        // Only reached after the caller recreated its targets (and waited for the frames).
        release_framebuffers();
        m_framebuffer_extent = extent;
    }
    for (const auto& [v, fb] : m_framebuffers)
        if (v == view) return fb;
    VkFramebufferCreateInfo ci{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    ci.renderPass = m_render_pass;
    ci.attachmentCount = 1;
    ci.pAttachments = &view;
    ci.width = extent.width;
    ci.height = extent.height;
    ci.layers = 1;
    VkFramebuffer fb = VK_NULL_HANDLE;
    ENGINE_VK_CHECK(vkCreateFramebuffer(m_ctx.device(), &ci, nullptr, &fb));
    m_framebuffers.emplace_back(view, fb);
    return fb;
}

void Overlay::release_framebuffers() {
    for (const auto& [v, fb] : m_framebuffers) vkDestroyFramebuffer(m_ctx.device(), fb, nullptr);
    m_framebuffers.clear();
}

void Overlay::record(VkCommandBuffer cmd, VkImageView target, VkExtent2D extent) {
    ImGui::Render();
    VkRenderPassBeginInfo bi{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    bi.renderPass = m_render_pass;
    bi.framebuffer = framebuffer_for(target, extent);
    bi.renderArea = {{0, 0}, extent};
    vkCmdBeginRenderPass(cmd, &bi, VK_SUBPASS_CONTENTS_INLINE);
    ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), cmd);
    vkCmdEndRenderPass(cmd);
    raise_imgui_vk("ImGui_ImplVulkan_RenderDrawData");
}

}  // namespace engine
