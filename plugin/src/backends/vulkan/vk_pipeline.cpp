// SPDX-License-Identifier: MIT
// PlanPipelines: shader modules from the embedded SPIR-V, the shared layouts, the pipeline cache.
#include "backends/vulkan/vk_pipeline.h"

#include "backends/vulkan/vk_shaders.h"
#include "core/error.h"

#include <utility>

namespace ntex::vulkan {

void write_plan_bindings(const ComputeContext& context, VkDescriptorSet set, const VkBuffer (&bound)[kPlanBindings]) {
    VkDescriptorBufferInfo infos[kPlanBindings];
    VkWriteDescriptorSet writes[kPlanBindings];
    for (uint32_t b = 0; b < kPlanBindings; ++b) {
        infos[b] = VkDescriptorBufferInfo{bound[b], 0, VK_WHOLE_SIZE};
        writes[b] = VkWriteDescriptorSet{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[b].dstSet = set;
        writes[b].dstBinding = b;
        writes[b].descriptorCount = 1;
        writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[b].pBufferInfo = &infos[b];
    }
    context.vk().vkUpdateDescriptorSets(context.device(), kPlanBindings, writes, 0, nullptr);
}

std::vector<VkDescriptorSet> allocate_sets_or_release(const PlanPipelines& pipelines, uint32_t count, VkDescriptorPool* pool) {
    try {
        return pipelines.allocate_sets(count, pool);
    } catch (...) {
        if (*pool != VK_NULL_HANDLE) {
            const ComputeContext& c = pipelines.context();
            c.vk().vkDestroyDescriptorPool(c.device(), *pool, c.allocator());
            *pool = VK_NULL_HANDLE;
        }
        throw;
    }
}

PlanPipelines::PlanPipelines(std::shared_ptr<ComputeContext> context, bool fp16) : m_context(std::move(context)), m_fp16(fp16) {
    if (fp16 && !m_context->fp16()) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: FP16 needs shaderFloat16 and storageBuffer16BitAccess on the device");
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    try {
        VkDescriptorSetLayoutBinding bindings[kPlanBindings];
        for (uint32_t i = 0; i < kPlanBindings; ++i) {
            bindings[i] = VkDescriptorSetLayoutBinding{i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
        }
        VkDescriptorSetLayoutCreateInfo dci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
        dci.bindingCount = kPlanBindings;
        dci.pBindings = bindings;
        NTEX_VK_CHECK(vk.vkCreateDescriptorSetLayout(device, &dci, m_context->allocator(), &m_set_layout));
        VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushConstantBytes};
        VkPipelineLayoutCreateInfo pci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
        pci.setLayoutCount = 1;
        pci.pSetLayouts = &m_set_layout;
        pci.pushConstantRangeCount = 1;
        pci.pPushConstantRanges = &range;
        NTEX_VK_CHECK(vk.vkCreatePipelineLayout(device, &pci, m_context->allocator(), &m_layout));
        using Code = std::pair<const unsigned char*, std::size_t>;
        const Code fp32[kShaderCount] = {{ntex_spirv_conv_comp, ntex_spirv_conv_comp_size},         {ntex_spirv_upsample_comp, ntex_spirv_upsample_comp_size},
                                         {ntex_spirv_output_comp, ntex_spirv_output_comp_size},     {ntex_spirv_texels_comp, ntex_spirv_texels_comp_size},
                                         {ntex_spirv_noise_comp, ntex_spirv_noise_comp_size},       {ntex_spirv_modulate_comp, ntex_spirv_modulate_comp_size},
                                         {ntex_spirv_material_mips_comp, ntex_spirv_material_mips_comp_size}};
        const Code fp16_code[kShaderCount] = {{ntex_spirv_conv_comp_f16, ntex_spirv_conv_comp_f16_size},
                                              {ntex_spirv_upsample_comp_f16, ntex_spirv_upsample_comp_f16_size},
                                              {ntex_spirv_output_comp_f16, ntex_spirv_output_comp_f16_size},
                                              {ntex_spirv_texels_comp, ntex_spirv_texels_comp_size},
                                              {ntex_spirv_noise_comp_f16, ntex_spirv_noise_comp_f16_size},
                                              {ntex_spirv_modulate_comp_f16, ntex_spirv_modulate_comp_f16_size},
                                              {ntex_spirv_material_mips_comp, ntex_spirv_material_mips_comp_size}};
        const Code* code = fp16 ? fp16_code : fp32;
        for (int i = 0; i < kShaderCount; ++i) {
            VkShaderModuleCreateInfo sci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
            sci.codeSize = code[i].second;
            sci.pCode = reinterpret_cast<const uint32_t*>(code[i].first);   // alignas(4) in the generated source
            NTEX_VK_CHECK(vk.vkCreateShaderModule(device, &sci, m_context->allocator(), &m_modules[i]));
        }
    } catch (...) {
        release();
        throw;
    }
}

PlanPipelines::~PlanPipelines() { release(); }

void PlanPipelines::release() noexcept {
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    for (auto& [key, pipeline] : m_pipelines) vk.vkDestroyPipeline(device, pipeline, m_context->allocator());
    m_pipelines.clear();
    for (VkShaderModule& m : m_modules) {
        if (m != VK_NULL_HANDLE) vk.vkDestroyShaderModule(device, m, m_context->allocator());
        m = VK_NULL_HANDLE;
    }
    if (m_layout != VK_NULL_HANDLE) vk.vkDestroyPipelineLayout(device, m_layout, m_context->allocator());
    if (m_set_layout != VK_NULL_HANDLE) vk.vkDestroyDescriptorSetLayout(device, m_set_layout, m_context->allocator());
    m_layout = VK_NULL_HANDLE;
    m_set_layout = VK_NULL_HANDLE;
}

std::vector<VkDescriptorSet> PlanPipelines::allocate_sets(uint32_t count, VkDescriptorPool* pool) const {
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, count * kPlanBindings};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = count;
    pci.poolSizeCount = 1;
    pci.pPoolSizes = &size;
    NTEX_VK_CHECK(vk.vkCreateDescriptorPool(device, &pci, m_context->allocator(), pool));
    std::vector<VkDescriptorSetLayout> layouts(count, m_set_layout);
    std::vector<VkDescriptorSet> sets(count);
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = *pool;
    ai.descriptorSetCount = count;
    ai.pSetLayouts = layouts.data();
    NTEX_VK_CHECK(vk.vkAllocateDescriptorSets(device, &ai, sets.data()));
    return sets;
}

VkPipeline PlanPipelines::get(Shader shader, const std::vector<int32_t>& spec) {
    const auto key = std::make_pair(static_cast<int>(shader), spec);
    if (auto it = m_pipelines.find(key); it != m_pipelines.end()) return it->second;
    std::vector<VkSpecializationMapEntry> entries(spec.size());
    for (std::size_t i = 0; i < spec.size(); ++i) {
        entries[i] = VkSpecializationMapEntry{static_cast<uint32_t>(i), static_cast<uint32_t>(i * sizeof(int32_t)), sizeof(int32_t)};
    }
    VkSpecializationInfo si{static_cast<uint32_t>(entries.size()), entries.data(), spec.size() * sizeof(int32_t), spec.data()};
    VkComputePipelineCreateInfo cci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    cci.stage = VkPipelineShaderStageCreateInfo{VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    cci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    cci.stage.module = m_modules[static_cast<int>(shader)];
    cci.stage.pName = "main";
    cci.stage.pSpecializationInfo = spec.empty() ? nullptr : &si;
    cci.layout = m_layout;
    VkPipeline pipeline = VK_NULL_HANDLE;
    NTEX_VK_CHECK(m_context->vk().vkCreateComputePipelines(m_context->device(), VK_NULL_HANDLE, 1, &cci, m_context->allocator(), &pipeline));
    m_pipelines.emplace(key, pipeline);
    return pipeline;
}

}  // namespace ntex::vulkan
