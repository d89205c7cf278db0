// SPDX-License-Identifier: MIT
// infinite_ground.cpp: chunk bookkeeping for the infinite ground: which chunk each slot holds,
// the nearest stale one next, one asynchronous chunk generation in flight.
#include "infinite_ground.h"

#include "error_text.h"

#include <engine/material.h>
#include <engine/texture.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace demo {
namespace {

int32_t floor_div(float texels, uint32_t chunk) {
    return static_cast<int32_t>(std::floor(texels / static_cast<float>(chunk)));
}

}  // namespace

uint32_t InfiniteGround::slot_of(int32_t c) {
    const int32_t n = static_cast<int32_t>(kChunks);
    return static_cast<uint32_t>(((c % n) + n) % n);   // toroidal: chunk c sits at slot c mod n
}

InfiniteGround::InfiniteGround(const MaterialModel& model, engine::Renderer& renderer, const GenerationParams& params,
                               float target_x, float target_z, bool prefill)
    : m_model(model), m_params(params) {
    m_generator = std::make_unique<MaterialGenerator>(model, kChunk, kChunk, NTEX_TILING_MODE_INFINITE);
    set_window(target_x, target_z);
    if (!prefill) {
        renderer.create_ground(kImageSize, kChunk * kChunk);
        return;
    }

    // Setup: every slot synchronously into whole host images, then one upload per map.
    std::array<std::vector<uint8_t>, kMapCount> images;
    std::vector<MapTarget> targets;
    const auto start = std::chrono::steady_clock::now();
    for (uint32_t j = 0; j < kChunks; ++j)
        for (uint32_t i = 0; i < kChunks; ++i) {
            const int32_t cx = m_origin_cx + static_cast<int32_t>(i), cz = m_origin_cz + static_cast<int32_t>(j);
            m_generator->generate_now(chunk_params(cx, cz));
            targets.clear();
            for (uint32_t m = 0; m < kMapCount; ++m) {
                if (!model.has(static_cast<Map>(m))) continue;
                const size_t texel = host_texel_size(static_cast<Map>(m));
                const size_t pitch = size_t{kImageSize} * texel;
                // One spare row: ntex wants rowPitch x height bytes from a chunk's first texel on.
                if (images[m].empty()) images[m].resize(pitch * (kImageSize + 1));
                const size_t offset = size_t{slot_of(cz)} * kChunk * pitch + size_t{slot_of(cx)} * kChunk * texel;
                targets.push_back({static_cast<Map>(m), images[m].data() + offset, pitch, images[m].size() - offset});
            }
            m_generator->read(targets);
            slot(cx, cz) = {cx, cz, m_version};
        }
    m_chunk_ms = static_cast<float>(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
        (kChunks * kChunks));

    // A library without INFINITE support generates the same tile at every origin: that would be
    // exactly the repetition this mode exists to avoid, so refuse it.
    const std::vector<uint8_t>& albedo = images[0];
    const size_t pitch = size_t{kImageSize} * 4;
    bool identical = true;
    for (uint32_t y = 0; y < kChunk && identical; ++y)
        identical = std::memcmp(albedo.data() + y * pitch, albedo.data() + y * pitch + kChunk * 4, kChunk * 4) == 0;
    if (identical)
        throw ntex::Exception(NTEX_ERROR_UNSUPPORTED, "INFINITE tiling mode is not implemented by this libntex "
                                                      "(chunks at different origins are identical)");

    renderer.create_ground(kImageSize, kChunk * kChunk);
    for (uint32_t m = 0; m < kMapCount; ++m)
        if (!images[m].empty())
            renderer.ground()->map(static_cast<engine::MapKind>(m)).upload_now(renderer.context(), images[m].data());
}

void InfiniteGround::set_window(float target_x, float target_z) {
    const int32_t half = static_cast<int32_t>(kChunks / 2);
    m_origin_cx = floor_div(target_x * kTexelsPerMetre, kChunk) - half;
    m_origin_cz = floor_div(target_z * kTexelsPerMetre, kChunk) - half;
}

float InfiniteGround::centre_x() const {
    return static_cast<float>((m_origin_cx + static_cast<int32_t>(kChunks / 2)) * static_cast<int32_t>(kChunk)) /
           kTexelsPerMetre;
}

float InfiniteGround::centre_z() const {
    return static_cast<float>((m_origin_cz + static_cast<int32_t>(kChunks / 2)) * static_cast<int32_t>(kChunk)) /
           kTexelsPerMetre;
}

GenerationParams InfiniteGround::chunk_params(int32_t cx, int32_t cz) const {
    GenerationParams p = m_params;
    p.origin_x = cx * static_cast<int32_t>(kChunk);   // world texels: x along +x, rows along +z
    p.origin_y = cz * static_cast<int32_t>(kChunk);
    return p;
}

void InfiniteGround::set_params(const GenerationParams& params) {
    m_params = params;
    ++m_version;
}

uint32_t InfiniteGround::valid_chunks() const {
    uint32_t n = 0;
    for (const Slot& s : m_slots)
        if (s.version == m_version && s.cx >= m_origin_cx && s.cx < m_origin_cx + static_cast<int32_t>(kChunks) &&
            s.cz >= m_origin_cz && s.cz < m_origin_cz + static_cast<int32_t>(kChunks))
            ++n;
    return n;
}

std::string InfiniteGround::status() const {
    char buf[128];
    std::snprintf(buf, sizeof(buf), "infinite ground: %u/%u chunks current, %.1f ms per %ux%u chunk", valid_chunks(),
                  kChunks * kChunks, static_cast<double>(m_chunk_ms), kChunk, kChunk);
    return buf;
}

void InfiniteGround::update(engine::Renderer& renderer, float target_x, float target_z) {
    set_window(target_x, target_z);
    const auto in_window = [this](int32_t cx, int32_t cz) {
        return cx >= m_origin_cx && cx < m_origin_cx + static_cast<int32_t>(kChunks) && cz >= m_origin_cz &&
               cz < m_origin_cz + static_cast<int32_t>(kChunks);
    };

    if (m_in_flight && m_generator->poll()) {
        m_in_flight = false;
        m_chunk_ms = static_cast<float>(m_generator->last_latency_ms());
        Slot& s = slot(m_flight.cx, m_flight.cz);
        const bool newer = s.cx != m_flight.cx || s.cz != m_flight.cz || s.version < m_flight_version;
        if (in_window(m_flight.cx, m_flight.cz) && newer) {
            // One chunk per frame: it goes to offset 0 of this frame's staging slot of each map.
            std::vector<MapTarget> targets;
            for (uint32_t m = 0; m < kMapCount; ++m) {
                if (!m_model.has(static_cast<Map>(m))) continue;
                engine::Texture& tex = renderer.ground()->map(static_cast<engine::MapKind>(m));
                targets.push_back({static_cast<Map>(m), tex.staging_data(renderer.frame_slot()),
                                   size_t{kChunk} * host_texel_size(static_cast<Map>(m)), tex.staging_size()});
            }
            m_generator->read(targets);
            const engine::TextureRegion region{0, slot_of(m_flight.cx) * kChunk, slot_of(m_flight.cz) * kChunk, kChunk,
                                               kChunk};
            for (const MapTarget& t : targets)
                renderer.upload_ground_regions(static_cast<engine::MapKind>(t.map), {&region, 1});
            s = {m_flight.cx, m_flight.cz, m_flight_version};
        }
    }
    if (m_in_flight) return;

    // The nearest chunk of the window that is missing or stale (Chebyshev distance in chunks).
    const int32_t tcx = floor_div(target_x * kTexelsPerMetre, kChunk);
    const int32_t tcz = floor_div(target_z * kTexelsPerMetre, kChunk);
    int32_t best = std::numeric_limits<int32_t>::max();
    Chunk next{0, 0};
    for (uint32_t j = 0; j < kChunks; ++j)
        for (uint32_t i = 0; i < kChunks; ++i) {
            const int32_t cx = m_origin_cx + static_cast<int32_t>(i), cz = m_origin_cz + static_cast<int32_t>(j);
            const Slot& s = slot(cx, cz);
            if (s.cx == cx && s.cz == cz && s.version == m_version) continue;
            const int32_t d = std::max(std::abs(cx - tcx), std::abs(cz - tcz));
            if (d < best) {
                best = d;
                next = {cx, cz};
            }
        }
    if (best == std::numeric_limits<int32_t>::max()) return;
    m_generator->request(chunk_params(next.cx, next.cz));
    m_in_flight = true;
    m_flight = next;
    m_flight_version = m_version;
}

std::unique_ptr<InfiniteGround> make_infinite_ground(const MaterialModel& model, NtexBackend backend, engine::Renderer& renderer,
                                                     const GenerationParams& params) {
    std::unique_ptr<InfiniteGround> ground;
    try {
        if (backend == NTEX_BACKEND_VULKAN) {
            // Its chunks are read back on the host from generator threads (MaterialSource::wants_texture_set).
            throw ntex::Exception(NTEX_ERROR_UNSUPPORTED,
                                  "the Vulkan compute backend fills texture sets only; the ground's chunks need host reads");
        }
        const glm::vec3 t = renderer.camera().target;
        ground = std::make_unique<InfiniteGround>(model, renderer, params, t.x, t.z, renderer.headless());
        std::printf("ntex_demo: infinite ground: %ux%u texels, %u x %u chunks, %.1f ms per chunk\n", InfiniteGround::kImageSize,
                    InfiniteGround::kImageSize, InfiniteGround::kChunks, InfiniteGround::kChunks, static_cast<double>(ground->chunk_ms()));
    } catch (const ntex::Exception& e) {
        std::printf("ntex_demo: infinite ground unavailable (%s); using the tiled ground\n", error_text(e).c_str());
    }
    std::fflush(stdout);
    return ground;
}

}  // namespace demo
