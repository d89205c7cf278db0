// SPDX-License-Identifier: MIT
// material_editor.cpp: see material_editor.h.
#include "material_editor.h"

#include "error_text.h"
#include "latent_path.h"
#include "material_files.h"

#include <algorithm>
#include <cmath>
#include <exception>

namespace demo {

MaterialEditor::MaterialEditor(const MaterialModel& model, const Options& o, const ntex::Conditioning& conditioning)
    : m_conditioning(conditioning) {
    const NtexModelInfo& mi = model.info();
    m_controls.seed = o.seed;
    m_controls.z_count = std::min(mi.zDim, engine::MaterialControls::kMaxZSliders);
    m_controls.animate = o.animate;
    m_controls.resolution = static_cast<int>(o.size);
    m_direction_count = std::min(mi.directionCount, engine::MaterialControls::kMaxDirections);
    for (uint32_t i = 0; i < m_direction_count; ++i) {
        m_controls.direction_labels.emplace_back(mi.directionLabels[i]);
        if (i < o.directions.size()) m_controls.directions[i] = o.directions[i];
    }
    m_controls.infinite_ground = o.infinite_ground;
    m_controls.backend = static_cast<int>(o.backend);
    m_z = model.latent_from_seed(m_controls.seed);
    m_animation_base = m_controls.seed;
    show_latent();
}

GenerationParams MaterialEditor::params() const {
    GenerationParams p;
    p.seed = m_controls.seed;
    p.z = m_z;
    p.truncation_psi = m_controls.psi;
    p.direction_offsets.assign(m_controls.directions.begin(), m_controls.directions.begin() + m_direction_count);
    p.conditioning = m_conditioning;
    return p;
}

void MaterialEditor::apply(const GenerationParams& p) {
    m_controls.seed = p.seed;
    m_controls.psi = p.truncation_psi;
    m_z = p.z;
    for (uint32_t i = 0; i < m_direction_count && i < p.direction_offsets.size(); ++i) m_controls.directions[i] = p.direction_offsets[i];
    m_conditioning = p.conditioning;
    m_animation_base = m_controls.seed;
    show_latent();
}

bool MaterialEditor::take_edits(const MaterialModel& model, const engine::OverlayActions& a) {
    bool changed = false;
    if (a.seed_changed) {
        m_z = model.latent_from_seed(m_controls.seed);
        show_latent();
        m_animation_base = m_controls.seed;
        m_animation_phase = 0.0;
        changed = true;
    }
    if (a.latent_changed) {
        for (uint32_t i = 0; i < m_controls.z_count; ++i) m_z[i] = m_controls.z[i];
        changed = true;
    }
    return changed || a.psi_changed || a.directions_changed;
}

bool MaterialEditor::animate(const MaterialModel& model, float dt) {
    if (!m_controls.animate) return false;
    m_animation_phase += static_cast<double>(dt) * m_controls.speed;
    const auto step = static_cast<uint32_t>(std::floor(m_animation_phase));
    const auto t = static_cast<float>(m_animation_phase - std::floor(m_animation_phase));
    m_z = slerp(model.latent_from_seed(m_animation_base + step), model.latent_from_seed(m_animation_base + step + 1), t);
    show_latent();
    return true;
}

std::string MaterialEditor::run_file_actions(const MaterialModel& model, const engine::OverlayActions& a, uint32_t size, bool& loaded) {
    const char* preset = m_controls.preset_path.data();
    std::string status;
    try {
        if (a.save_preset) {
            save_preset(model, params(), preset, size);
            status = std::string("saved ") + preset;
        }
        if (a.load_preset) {
            apply(load_preset(model, preset, size));
            loaded = true;
            status = std::string("loaded ") + preset;
        }
        if (a.bake) {
            const auto files = bake_material(model, params(), static_cast<uint32_t>(m_controls.bake_size), m_controls.bake_path.data());
            status = "baked " + std::to_string(files.size() - 1) + " maps to " + m_controls.bake_path.data() + "_*.png";
        }
    } catch (const std::exception& e) {
        status = "error: " + error_text(e);
    }
    return status;
}

void MaterialEditor::show_latent() {
    for (uint32_t i = 0; i < m_controls.z_count; ++i) m_controls.z[i] = m_z[i];
}

}  // namespace demo
