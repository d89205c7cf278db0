// SPDX-License-Identifier: MIT
// material_source.cpp: see material_source.h.
#include "material_source.h"

#include <engine/material.h>
#include <engine/renderer.h>
#include <engine/texture.h>

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace demo {

MaterialSource::MaterialSource(engine::Renderer& renderer, const Options& o)
    : m_renderer(renderer),
      m_options(o),
      m_vulkan(vulkan_device(renderer)),
      m_model(std::make_unique<MaterialModel>(o.model, o.backend, o.precision, &m_vulkan)) {
    create_generator(o.size);
}

MaterialSource::~MaterialSource() {
    if (!m_texture_set) return;
    try {
        m_renderer.wait_idle();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntex_demo: waiting for the GPU before destroying the texture set failed: %s\n", e.what());
    }
}

// Texture sets: default on with CUDA (written in place, no host copy) and Vulkan compute (recorded
// into the frame's command buffer), off on the CPU (the host-upload path the engine's own textures take).
bool MaterialSource::wants_texture_set() const {
    const NtexBackend b = backend();
    // Vulkan compute on the renderer's device: always a texture set. Host reads would make ntex
    // submit to the renderer's queue from the generator's thread, which the renderer also uses.
    if (b == NTEX_BACKEND_VULKAN) return true;
    return m_options.zero_copy.value_or(b == NTEX_BACKEND_CUDA);
}

void MaterialSource::create_generator(uint32_t size) {
    m_generator = std::make_unique<MaterialGenerator>(*m_model, size, size, NTEX_TILING_MODE_TILEABLE);
    if (wants_texture_set()) m_texture_set = std::make_unique<ZeroCopyMaterial>(*m_model, *m_generator, m_options.mip_filter);
}

std::unique_ptr<MaterialModel> MaterialSource::load(NtexBackend backend) const {
    return std::make_unique<MaterialModel>(m_options.model, backend, m_options.precision, &m_vulkan);
}

void MaterialSource::replace(std::unique_ptr<MaterialModel> model, uint32_t size) {
    m_renderer.wait_idle();   // no frame may sample the texture set's images any more
    m_texture_set.reset();
    m_generator.reset();      // joins its worker (a running generation finishes)
    std::unique_ptr<MaterialModel> previous = std::exchange(m_model, std::move(model));
    try {
        create_generator(size);
    } catch (...) {
        // Back on the previous model, so the demo keeps running on what its controls still show
        // (a failure here too ends the demo with that error).
        m_texture_set.reset();
        m_generator.reset();
        m_model = std::move(previous);
        create_generator(size);
        throw;
    }
}

void MaterialSource::resize(uint32_t size) {
    const uint32_t previous = m_generator->width();
    m_renderer.wait_idle();
    m_texture_set.reset();
    m_generator.reset();   // first: never two generators' buffers at once
    try {
        m_generator = std::make_unique<MaterialGenerator>(*m_model, size, size, NTEX_TILING_MODE_TILEABLE);
        m_renderer.resize_texture({size, size});
        if (wants_texture_set()) m_texture_set = std::make_unique<ZeroCopyMaterial>(*m_model, *m_generator, m_options.mip_filter);
    } catch (...) {
        // Back at the previous size (it worked a moment ago), so the next frame still has a generator
        // and textures to sample. If that fails too there is nothing left to run on: the demo ends with
        // that error (not an ntex::Exception, which the caller would take for a recoverable refusal).
        m_texture_set.reset();
        m_generator.reset();
        try {
            m_generator = std::make_unique<MaterialGenerator>(*m_model, previous, previous, NTEX_TILING_MODE_TILEABLE);
            m_renderer.resize_texture({previous, previous});
            if (wants_texture_set()) m_texture_set = std::make_unique<ZeroCopyMaterial>(*m_model, *m_generator, m_options.mip_filter);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("rebuilding the material at ") + std::to_string(previous) + "x" + std::to_string(previous) +
                                     " after a failed resize failed too: " + e.what());
        }
        throw;
    }
}

void MaterialSource::request(const GenerationParams& params) {
    if (generates_on_update()) {
        m_generator->set_params(params);   // the update generates
        return;
    }
    // A Vulkan compute generator submits to the renderer's queue, which the render thread uses too
    // (ntex_vulkan.h: no other thread may use it meanwhile): host uploads (--zero-copy off) and a texture
    // set that fell back to host copies get their results generated here, on the render thread, never on
    // ntex's worker.
    m_generator->request(params, backend() == NTEX_BACKEND_VULKAN);
}

bool MaterialSource::take_result() {
    if (!m_generator->poll()) return false;
    if (m_texture_set) return true;
    // Every map of the newest result straight into this frame's staging buffers, then their
    // uploads (copy + mips) recorded.
    std::vector<MapTarget> targets;
    for (uint32_t m = 0; m < kMapCount; ++m) {
        if (!m_model->has(static_cast<Map>(m))) continue;
        engine::Texture& tex = m_renderer.material().map(static_cast<engine::MapKind>(m));
        targets.push_back({static_cast<Map>(m), tex.staging_data(m_renderer.frame_slot()), tex.row_pitch(), tex.staging_size()});
    }
    m_generator->read(targets);
    for (const MapTarget& t : targets) m_renderer.upload_map(static_cast<engine::MapKind>(t.map));
    return true;
}

uint64_t MaterialSource::update_texture_set() { return m_texture_set ? m_texture_set->update(m_renderer) : 0; }

void MaterialSource::release_texture_set() {
    m_renderer.wait_idle();   // the texture set's images may still be sampled by the last frames
    m_texture_set.reset();
}

}  // namespace demo
