// SPDX-License-Identifier: MIT
// material_editor.h: the material's parameters as the user edits them: the overlay's controls (seed,
// z sliders, psi, latent directions), the full latent z, the category and layout, and the latent
// animation; and the GenerationParams they add up to. The model is passed to each call that needs it
// because a backend switch replaces the model object (same files, same sizes).
#pragma once

#include "material_generator.h"
#include "material_model.h"
#include "options.h"

#include <engine/overlay.h>

#include <ntex/ntex.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace demo {

class MaterialEditor {
public:
    // The options' starting values (seed, animation, resolution, directions, ground, backend) and
    // `conditioning` (the options' category and layout, checked against the model); z from the seed.
    MaterialEditor(const MaterialModel& model, const Options& o, const ntex::Conditioning& conditioning);

    engine::MaterialControls& controls() { return m_controls; }
    ntex::Conditioning& conditioning() { return m_conditioning; }
    const ntex::Conditioning& conditioning() const { return m_conditioning; }

    // What a generation of the current values uses.
    GenerationParams params() const;
    // Loaded parameters (a preset) into z and the controls; the animation continues from their seed.
    void apply(const GenerationParams& p);
    // The overlay's edits this frame: a new seed brings its z and restarts the animation; moved z
    // sliders change z. True when a parameter changed.
    bool take_edits(const MaterialModel& model, const engine::OverlayActions& a);
    // While animating: z moves dt x speed seeds along the slerp path between consecutive seeds' z.
    // True when it moved.
    bool animate(const MaterialModel& model, float dt);
    // The overlay's Save preset, Load preset and Bake (the controls' paths; `size`: the generation
    // size, whose tiling presets must keep) on the current values. Returns the overlay's status line;
    // errors end up there, never thrown: they must not end the demo, and no existing file is touched.
    // `loaded` is set when a preset replaced the values.
    std::string run_file_actions(const MaterialModel& model, const engine::OverlayActions& a, uint32_t size, bool& loaded);

private:
    void show_latent();   // z's first dimensions into the sliders

    engine::MaterialControls m_controls;
    std::vector<float> m_z;
    ntex::Conditioning m_conditioning;
    uint32_t m_direction_count = 0;    // the model's directions the overlay shows (and generations use)
    double m_animation_phase = 0.0;    // in seeds travelled since the animation's base seed
    uint32_t m_animation_base = 0;
};

}  // namespace demo
