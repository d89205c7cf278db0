// SPDX-License-Identifier: MIT
// ComputeTexels: the Vulkan compute path of a texture set. When the generator runs on a VulkanPlan on
// the host's own VkDevice, an update records the whole network (VulkanPlan::record_into) and the
// texel conversion (vulkan::TexelWriter) into the host's command buffer, writing the set's staging
// buffer on the device; the set then records its usual copies and mip blits. Nothing is submitted
// and nothing waits: the host's submit runs it all (issue 12, "Recording, not submitting").
//
// The style vector w, the noise's seed and origin and the layout levels are written into the ring
// slot's staging arena (vk_staged_inputs.h); the recorded commands copy what changed into the plan's
// inputs, modulate the filters (after a style change) and compute the noise on the GPU, and run the
// network. A slot's arena is written only once that slot's previous update executed (the
// set's timeline check), so an update can be recorded every frame with several frames in flight.
//
// With NTEX_MIP_FILTER_MATERIAL the material's levels are filtered and packed on the device too
// (vulkan::MaterialMipWriter) into the staging buffer's level offsets, which the set copies.
#pragma once

#include "interop/texture_set.h"

#include <memory>
#include <string>
#include <vector>

namespace ntex {
class AsyncGenerator;
class GeneratorBackend;
class TextureGenerator;
}

namespace ntex::vulkan {
class MaterialMipWriter;
class TexelWriter;
struct TexelMap;
}

namespace ntex::interop {

class ComputeTexels {
public:
    // `set` must have been created with device staging (TextureSet's device_texels). Throws
    // UNSUPPORTED when the generator does not run on a VulkanPlan on the set's VkDevice (the caller
    // then uses host copies), BACKEND / OUT_OF_MEMORY on a Vulkan failure.
    ComputeTexels(const TextureSet& set, AsyncGenerator& generator);
    ~ComputeTexels();
    ComputeTexels(const ComputeTexels&) = delete;
    ComputeTexels& operator=(const ComputeTexels&) = delete;

    // When the generator's parameters changed since the last recorded update (or nothing was recorded
    // yet) and no ntexGenerateAsync job holds it: applies them to the plan, records the network and
    // the texel conversion of `slot` into `cmd` and returns true. Otherwise records nothing and
    // returns false. TextureSet calls it only when `slot`'s previous update executed; all_executed says
    // whether every earlier update did. A new plan (a hot reload) rebinds descriptor sets every slot's
    // commands use and drops the old plan, so it waits (returns false) until all_executed.
    bool record(VkCommandBuffer cmd, AsyncGenerator& generator, std::size_t slot, bool all_executed);
    // VK_EXT_debug_utils names "<prefix>: plan: <object>" for the generator plan's buffers, pipelines and
    // descriptor pool (nothing unless the device has debug names on); again for a new plan after a hot reload.
    void name_objects(const std::string& prefix) noexcept;
    // Device-local bytes the set's material mip filter holds (its work buffer); 0 without that filter.
    std::size_t work_bytes() const noexcept;

private:
    // Texel maps for the model `g` runs (offsets and formats from the set).
    std::vector<vulkan::TexelMap> texel_maps(const TextureGenerator& g) const;

    const TextureSet& m_set;
    // shared_ptr: its deleter is bound where it is made, so a build without the compute backend
    // (compute_texels_unavailable.cpp) needs no TexelWriter code.
    std::shared_ptr<vulkan::TexelWriter> m_writer;
    // NTEX_MIP_FILTER_MATERIAL with 2+ levels, else null. Declared after m_writer: it uses the writer's
    // pipelines and is destroyed first.
    std::shared_ptr<vulkan::MaterialMipWriter> m_mips;
    // The plan the recorded commands use, kept alive (a hot reload may destroy its generator while
    // they execute). Also what "nothing changed" compares: a generator's address may be reused.
    std::shared_ptr<GeneratorBackend> m_plan;
    uint64_t m_last_revision = 0;
    bool m_recorded = false;
    std::string m_name_prefix;   // name_objects' prefix; empty until it is called
};

}  // namespace ntex::interop
