// SPDX-License-Identifier: MIT
// shader.cpp: SPIR-V file loading.
#include "engine/shader.h"

#include "engine/error.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace engine {

std::string shader_dir() {
    if (const char* env = std::getenv("NTEX_SHADER_DIR"); env && *env) return env;
    return ENGINE_SHADER_DIR;
}

ShaderModule::ShaderModule(VkDevice device, const std::string& name) : m_device(device) {
    const std::string path = shader_dir() + "/" + name + ".spv";
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) throw Error("engine: cannot open shader " + path + " (set NTEX_SHADER_DIR?)");
    const auto size = static_cast<size_t>(file.tellg());
    if (size == 0 || size % 4 != 0) throw Error("engine: shader " + path + " is not SPIR-V");
    std::vector<uint32_t> code(size / 4);
    file.seekg(0);
    file.read(reinterpret_cast<char*>(code.data()), static_cast<std::streamsize>(size));
    VkShaderModuleCreateInfo ci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    ci.codeSize = size;
    ci.pCode = code.data();
    ENGINE_VK_CHECK(vkCreateShaderModule(m_device, &ci, nullptr, &m_module));
}

ShaderModule::~ShaderModule() {
    if (m_module != VK_NULL_HANDLE) vkDestroyShaderModule(m_device, m_module, nullptr);
}

}  // namespace engine
