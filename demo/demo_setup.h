// SPDX-License-Identifier: MIT
// demo_setup.h: the demo's steps before its first frame, in order: check the options against the
// model (before any window or file appears), create the renderer, report what runs where, set up the
// scene for the model's maps, start the controls from --preset and fill the overlay's fixed lines.
// The material source between the renderer and the report is material_source.h.
#pragma once

#include "material_editor.h"
#include "material_model.h"
#include "material_source.h"
#include "options.h"

#include <engine/context.h>
#include <engine/overlay.h>
#include <engine/renderer.h>

#include <ntex/ntex.hpp>

#include <memory>

namespace demo {

// A missing or corrupt model, or options it cannot take (category and layout names, more --directions
// than it has), throw ntex::Exception here. Returns the category and layout the options ask for.
ntex::Conditioning check_options_against_model(const Options& o);

// The renderer: a window, or an offscreen target for headless captures.
engine::RendererCreateInfo renderer_info(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats);

// The validation layer, the renderer's device, the generator's backend and model, and how the
// material reaches the GPU (stdout, one line each).
void print_setup(const Options& o, const engine::Renderer& renderer, const MaterialSource& source,
                 const engine::ValidationStats& validation_stats);

// The model's maps switch normal and parallax mapping on; the options place the camera and scale depth.
void set_up_scene(const Options& o, const MaterialModel& model, engine::Renderer& renderer);

// --preset, when given, replaces the options' parameters (errors end the demo with one line); then
// the conditioning of a conditional model is reported.
void start_controls(const Options& o, const MaterialModel& model, MaterialEditor& editor);

// The overlay's lines that change only with a backend switch (device, model, backend, maps).
engine::OverlayInfo overlay_info(engine::Renderer& renderer, const MaterialModel& model);

}  // namespace demo
