// SPDX-License-Identifier: MIT
// infinite_ground.h: the ground plane textured in ntex INFINITE mode: a toroidal window of
// kChunks x kChunks chunks around the camera target, each generated at its world origin and
// copied into its slot (world texel p lands in image texel p mod size).
#pragma once

#include "material_generator.h"
#include "material_model.h"

#include <engine/renderer.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace demo {

class InfiniteGround {
public:
    static constexpr uint32_t kChunk = 256;         // texels per chunk side (a multiple of cellSize)
    static constexpr uint32_t kChunks = 8;          // chunks per image side
    static constexpr uint32_t kImageSize = kChunk * kChunks;
    static constexpr float kTexelsPerMetre = 32.0f; // 8 m per chunk, a 64 m window

    // Creates the chunk generator (INFINITE mode) and the renderer's ground textures (waits for
    // the frames in flight). With `prefill` (headless: reproducible images) every slot around the
    // target is generated synchronously here and checked; else they fill in over the next frames.
    // Throws ntex::Exception when the library cannot generate in INFINITE mode (UNSUPPORTED).
    InfiniteGround(const MaterialModel& model, engine::Renderer& renderer, const GenerationParams& params,
                   float target_x, float target_z, bool prefill);

    // Per frame, never blocking: reads a finished chunk into its slot (recorded into the current
    // frame), then requests the nearest chunk of the window around the target that is missing
    // or was generated with older parameters.
    void update(engine::Renderer& renderer, float target_x, float target_z);
    // New material parameters: every chunk regenerates, nearest first.
    void set_params(const GenerationParams& params);

    float chunk_ms() const { return m_chunk_ms; }
    uint32_t valid_chunks() const;
    std::string status() const;
    // World xz of the window's centre (for the fade in the shader).
    float centre_x() const;
    float centre_z() const;

private:
    struct Slot {
        int32_t cx = 0, cz = 0;   // chunk coordinates (world texel / kChunk)
        uint64_t version = 0;     // 0: empty
    };
    struct Chunk {
        int32_t cx, cz;
    };
    void set_window(float target_x, float target_z);
    GenerationParams chunk_params(int32_t cx, int32_t cz) const;
    static uint32_t slot_of(int32_t c);
    Slot& slot(int32_t cx, int32_t cz) { return m_slots[slot_of(cz) * kChunks + slot_of(cx)]; }

    const MaterialModel& m_model;
    std::unique_ptr<MaterialGenerator> m_generator;
    GenerationParams m_params;
    uint64_t m_version = 1;
    std::array<Slot, kChunks * kChunks> m_slots{};
    int32_t m_origin_cx = 0, m_origin_cz = 0;   // the window's first chunk
    bool m_in_flight = false;
    Chunk m_flight{0, 0};
    uint64_t m_flight_version = 0;
    float m_chunk_ms = 0.0f;
};

// The infinite ground around the camera target for a model on `backend`, with one line on stdout
// saying its size; or null with one line saying why not (the scene then keeps the tiled ground): the
// Vulkan compute backend (it fills texture sets only; the chunks need host reads from generator
// threads) or a library without INFINITE mode.
std::unique_ptr<InfiniteGround> make_infinite_ground(const MaterialModel& model, NtexBackend backend, engine::Renderer& renderer,
                                                     const GenerationParams& params);

}  // namespace demo
