// SPDX-License-Identifier: MIT
// shader.h: loads the SPIR-V that shaders/CMakeLists.txt compiles into the build tree.
#pragma once

#include <vulkan/vulkan.h>

#include <string>

namespace engine {

// $NTEX_SHADER_DIR if set, else the build tree's shaders/ folder (a compile definition).
std::string shader_dir();

// RAII shader module (only needed while pipelines are created).
class ShaderModule {
public:
    ShaderModule(VkDevice device, const std::string& name);   // e.g. "scene.vert" -> scene.vert.spv
    ~ShaderModule();
    ShaderModule(const ShaderModule&) = delete;
    ShaderModule& operator=(const ShaderModule&) = delete;
    VkShaderModule handle() const { return m_module; }

private:
    VkDevice m_device;
    VkShaderModule m_module = VK_NULL_HANDLE;
};

}  // namespace engine
