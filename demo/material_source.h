// SPDX-License-Identifier: MIT
// material_source.h: where the scene's material comes from: the model on the renderer's device, the
// generator at the material's resolution and, when the backend wants one, the texture set that carries
// its results to the GPU. The three are rebuilt together when the resolution or the backend changes,
// in the order the texture set's lifetime rules ask for (docs/embedding.md): GPU idle on its images,
// then texture set, generator, model.
#pragma once

#include "material_generator.h"
#include "material_model.h"
#include "options.h"
#include "zero_copy_material.h"

#include <ntex/ntex_vulkan.hpp>

#include <cstdint>
#include <memory>

namespace engine {
class Renderer;
}

namespace demo {

class MaterialSource {
public:
    // The model on o.backend with its context on the renderer's device (texture sets; the CUDA device
    // matching it), a TILEABLE generator of o.size x o.size and, when wanted, the texture set.
    // Throws ntex::Exception.
    MaterialSource(engine::Renderer& renderer, const Options& o);
    // Also on an exception's way out: frames in flight may still sample the texture set, so the GPU
    // goes idle before it is destroyed (a failed wait is reported, never thrown from here).
    ~MaterialSource();
    MaterialSource(const MaterialSource&) = delete;
    MaterialSource& operator=(const MaterialSource&) = delete;

    const MaterialModel& model() const { return *m_model; }
    MaterialGenerator& generator() { return *m_generator; }
    const MaterialGenerator& generator() const { return *m_generator; }
    NtexBackend backend() const { return m_model->context().backend(); }
    bool has_texture_set() const { return m_texture_set != nullptr; }
    // The texture set's updates run the generator (CUDA, Vulkan compute): parameters are only set.
    bool generates_on_update() const { return m_texture_set && m_texture_set->generates_on_update(); }
    // The demo-bench label: "off" without a texture set, else ZeroCopyMaterial::path_label.
    const char* texture_set_label() const { return m_texture_set ? m_texture_set->path_label() : "off"; }

    // The model on another backend, for replace(). Throws (and nothing changes) when it is unusable.
    std::unique_ptr<MaterialModel> load(NtexBackend backend) const;
    // Waits until no frame samples the texture set, then rebuilds generator and texture set on `model`
    // at size x size. Whoever holds a reference to the old model (the infinite ground) must have let go.
    // Throws ntex::Exception when the new generator or texture set cannot be made, after rebuilding
    // them on the previous model.
    void replace(std::unique_ptr<MaterialModel> model, uint32_t size);
    // A new resolution on the same model; the renderer's own material textures are resized too.
    // Throws ntex::Exception when the generator or texture set cannot be made at `size`, after rebuilding
    // them (and the renderer's textures) at the previous size.
    void resize(uint32_t size);

    // New parameters: only set when texture-set updates generate (an asynchronous request would make
    // them wait for it); on the Vulkan backend otherwise generated here (ntex would submit to the
    // renderer's queue from its worker); else requested asynchronously (superseding a request not yet started).
    void request(const GenerationParams& params);
    // Never blocks. True when a new result is complete; without a texture set its maps are then read
    // into this frame's staging buffers and their uploads recorded (a texture set fetches it itself).
    bool take_result();
    // Between begin_frame and end_frame: the texture set's update (ZeroCopyMaterial::update); 0 without one.
    uint64_t update_texture_set();
    // Shutdown: waits until no frame samples the texture set's images, then destroys it.
    void release_texture_set();

private:
    bool wants_texture_set() const;
    void create_generator(uint32_t size);

    engine::Renderer& m_renderer;
    const Options& m_options;
    ntex::VulkanDevice m_vulkan;
    // Destroyed in reverse: texture set, generator, model.
    std::unique_ptr<MaterialModel> m_model;
    std::unique_ptr<MaterialGenerator> m_generator;
    std::unique_ptr<ZeroCopyMaterial> m_texture_set;
};

}  // namespace demo
