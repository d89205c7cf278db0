// SPDX-License-Identifier: MIT
// TextureGenerator: parameter bookkeeping, tiling modes, the material tensor.
#include "runtime/texture_generator.h"

#include "backends/backend_factory.h"
#include "core/checked_size.h"
#include "core/error.h"
#include "core/parallel.h"
#include "runtime/hash_noise.h"
#include "runtime/layout_levels.h"
#include "runtime/layout_prior.h"
#include "runtime/style.h"
#include "runtime/tiling.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace ntex {

namespace {
constexpr int64_t kMaxSize = 8192;

std::string gigabytes(std::size_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / 1073741824.0);
    return buf;
}
}  // namespace

void TextureGenerator::validate_size(const ModelDescription& d, int64_t width, int64_t height) {
    for (auto [name, v] : {std::pair{"width", width}, std::pair{"height", height}}) {
        if (v <= 0 || v > kMaxSize) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " ", v, " out of range 1..", kMaxSize);
        }
        if (v % d.cell_size != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " ", v, " is not a multiple of the model's cell size ", d.cell_size);
        }
    }
}

std::size_t TextureGenerator::planned_bytes(const ModelDescription& d, int width, int height, NtexTilingMode tiling) noexcept {
    const int halo = tiling == NTEX_TILING_MODE_INFINITE ? std::min(halo_pixels(d), kMaxHalo) : 0;
    CheckedSize material_channels = 0;
    for (const OutputMap& m : d.outputs) material_channels += m.channel_count();
    const CheckedSize plan_pixels = CheckedSize(width + 2 * halo) * (height + 2 * halo);
    return (CheckedSize(estimate_plan_bytes(d, width + 2 * halo, height + 2 * halo)) +
            2 * sizeof(float) * material_channels * width * height +
            sizeof(float) * d.layout_channels * plan_pixels)   // the full-resolution layout map
        .saturated();
}

TextureGenerator::TextureGenerator(std::shared_ptr<const LoadedModel> model, int width, int height,
                                   const GeneratorSettings& settings)
    : m_model(std::move(model)), m_width(width), m_height(height), m_threads(std::max(1, settings.threads)),
      m_tiling(settings.tiling) {
    const ModelDescription& d = m_model->description();
    validate_size(d, width, height);
    if (m_tiling != NTEX_TILING_MODE_TILEABLE && m_tiling != NTEX_TILING_MODE_INFINITE) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "tilingMode ", static_cast<int>(m_tiling), " is not a known NtexTilingMode");
    }
    m_halo = m_tiling == NTEX_TILING_MODE_INFINITE ? halo_pixels(d) : 0;
    if (m_halo > kMaxHalo) {
        fail(NTEX_ERROR_INVALID_MODEL, d.file, ": infinite mode needs a ", m_halo, "-pixel halo (the ops' receptive field); at most ", kMaxHalo);
    }
    // Checked before any allocation: a too-large request fails fast with the numbers.
    const std::size_t bytes = planned_bytes(d, width, height, m_tiling);
    if (bytes > settings.memory_budget) {
        fail(NTEX_ERROR_OUT_OF_MEMORY, "a ", width, "x", height, m_halo ? cat(" infinite-mode (", plan_width(), "x", plan_height(), " padded)") : "",
             " generator needs ", gigabytes(bytes), " (", bytes, " bytes) of buffers, above the memory budget of ",
             gigabytes(settings.memory_budget), " (", settings.memory_budget, " bytes)");
    }
    m_layout = make_material_layout(d);
    // The concrete plan comes from the backend factory: runtime/ names no backend.
    m_backend = make_backend(m_model, plan_width(), plan_height(), settings);
    m_backend_kind = settings.backend;
    if (settings.backend == NTEX_BACKEND_CUDA || settings.backend == NTEX_BACKEND_VULKAN) m_precision = settings.precision;
    // Every per-frame buffer is sized here, so set_params/generate never allocate.
    m_z = latent_from_seed(0, d.z_dim);
    m_new_z.resize(m_z.size());
    m_offsets.assign(d.directions.size(), 0.0f);
    m_w_truncated.resize(static_cast<std::size_t>(d.w_dim));
    m_w.resize(static_cast<std::size_t>(d.w_dim));
    m_mapping_scratch.resize(2 * mapping_scratch_size(d));
    m_layout_spec = resolve_layout(nullptr, -1);
    if (d.layout_channels > 0) {
        if (d.layout_channels != kLayoutChannels) {
            fail(NTEX_ERROR_INVALID_MODEL, d.file, ": latent.layout_channels is ", d.layout_channels, " but this runtime's layouts have ",
                 kLayoutChannels, " channels");
        }
        m_layout_map.resize((CheckedSize(plan_width()) * plan_height() * kLayoutChannels).get("layout map"));
    }
}

LayoutSpec TextureGenerator::resolve_layout(const LayoutSpec* layout, int category) const noexcept {
    LayoutSpec s = layout ? *layout : LayoutSpec{};
    if (s.pattern == LayoutPattern::Auto) {
        // The prior's draw for the category and seed (validate refuses Auto without a prior). Tileable
        // textures stretch its period so it divides the texture; infinite ones keep it.
        s = sample_layout_prior(m_model->description().layout_prior, category, s.seed);
        if (m_tiling == NTEX_TILING_MODE_TILEABLE) s = fit_layout_period(s, m_width, m_height);
    }
    // Fields a pattern ignores are reset, so changing them (or a NaN there) is not a change.
    if (s.pattern == LayoutPattern::None) {
        s = LayoutSpec{};
    } else if (s.pattern == LayoutPattern::Mask) {
        const LayoutSpec keep = s;
        s = LayoutSpec{};
        s.pattern = LayoutPattern::Mask;
        s.period_width = keep.period_width;
        s.period_height = keep.period_height;
        s.mask = keep.mask;
        s.mask_width = keep.mask_width;
        s.mask_height = keep.mask_height;
    } else {
        s.mask = nullptr;
        s.mask_width = s.mask_height = 0;
    }
    if (s.period_width == 0) s.period_width = m_width;
    if (s.period_height == 0) s.period_height = m_height;
    return s;
}

void TextureGenerator::validate(const GeneratorParams& p) const {
    const ModelDescription& d = m_model->description();
    // Bounded, not only finite: psi = 3e38 gave a flat black texture (review robustness-2026-12).
    if (!std::isfinite(p.psi) || std::fabs(p.psi) > NTEX_MAX_ABS_TRUNCATION_PSI) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "truncationPsi ", p.psi, " is outside [-", NTEX_MAX_ABS_TRUNCATION_PSI, ", ",
             NTEX_MAX_ABS_TRUNCATION_PSI, "]");
    }
    if (p.z != nullptr) {
        for (int k = 0; k < d.z_dim; ++k) {
            if (!std::isfinite(p.z[k])) fail(NTEX_ERROR_INVALID_ARGUMENT, "z[", k, "] is not finite");
        }
    }
    if (p.direction_count > d.directions.size()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "directionCount ", p.direction_count, " is above the model's ", d.directions.size(),
             " latent directions");
    }
    if (p.direction_count > 0 && p.direction_offsets == nullptr) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "pDirectionOffsets is NULL but directionCount is ", p.direction_count);
    }
    for (uint32_t i = 0; i < p.direction_count; ++i) {
        if (!std::isfinite(p.direction_offsets[i])) fail(NTEX_ERROR_INVALID_ARGUMENT, "pDirectionOffsets[", i, "] is not finite");
    }
    for (auto [name, v] : {std::pair{"originX", p.origin_x}, std::pair{"originY", p.origin_y}}) {
        if (m_tiling == NTEX_TILING_MODE_TILEABLE && v != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " ", v, " must be 0 in NTEX_TILING_MODE_TILEABLE");
        }
        if (v % d.cell_size != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " ", v, " is not a multiple of the model's cell size ", d.cell_size);
        }
    }
    if (p.category < -1 || p.category >= static_cast<int>(d.categories.size())) {
        if (d.categories.empty()) fail(NTEX_ERROR_INVALID_ARGUMENT, "category ", p.category, ": model '", d.name, "' has no categories");
        fail(NTEX_ERROR_INVALID_ARGUMENT, "category ", p.category, " is outside 0..", d.categories.size() - 1, " (or -1 for any)");
    }
    if (p.layout != nullptr && p.layout->pattern != LayoutPattern::None) {
        if (d.layout_channels == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "layout pattern '", layout_pattern_name(p.layout->pattern), "': model '", d.name,
                 "' has no layout conditioning");
        }
        if (p.layout->pattern == LayoutPattern::Auto && d.layout_prior.empty()) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "layout pattern 'auto': model '", d.name, "' has no layout prior (docs/model_format.md, \"Layout prior\")");
        }
        const LayoutSpec s = resolve_layout(p.layout, p.category);
        validate_layout(s);
        // An AUTO draw may be "none", whose (unused) period need not divide anything.
        if (s.pattern != LayoutPattern::None && m_tiling == NTEX_TILING_MODE_TILEABLE &&
            (m_width % s.period_width != 0 || m_height % s.period_height != 0)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "layout period ", s.period_width, "x", s.period_height, " does not divide the ", m_width, "x",
                 m_height, " tileable texture (it would not tile)");
        }
    }
    // The padded region's plane coordinates must stay in int32 (the noise hashes them).
    const int64_t lo = std::numeric_limits<int32_t>::min();
    const int64_t hi = std::numeric_limits<int32_t>::max();
    if (int64_t{p.origin_x} - m_halo < lo || int64_t{p.origin_x} + m_width + m_halo > hi) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "originX ", p.origin_x, ": the region (with its ", m_halo, "-pixel halo) leaves the int32 plane");
    }
    if (int64_t{p.origin_y} - m_halo < lo || int64_t{p.origin_y} + m_height + m_halo > hi) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "originY ", p.origin_y, ": the region (with its ", m_halo, "-pixel halo) leaves the int32 plane");
    }
}

void TextureGenerator::set_params(const GeneratorParams& p) {
    validate(p);
    apply_validated_params(p);
}

void TextureGenerator::apply_validated_params(const GeneratorParams& p) {
    const int z_dim = m_model->description().z_dim;
    if (p.z != nullptr) {
        std::copy(p.z, p.z + z_dim, m_new_z.begin());
    } else {
        latent_from_seed(p.seed, m_new_z.data(), z_dim);
    }
    if (m_new_z != m_z || p.psi != m_psi) {
        std::swap(m_z, m_new_z);
        m_psi = p.psi;
        m_mapping_dirty = true;
    }
    for (std::size_t i = 0; i < m_offsets.size(); ++i) {
        const float a = i < p.direction_count ? p.direction_offsets[i] : 0.0f;
        if (a != m_offsets[i]) {
            m_offsets[i] = a;
            m_offsets_dirty = true;
        }
    }
    if (p.category != m_category) {
        m_category = p.category;
        m_mapping_dirty = true;
    }
    if (!m_layout_map.empty()) {
        const LayoutSpec s = resolve_layout(p.layout, p.category);
        const std::size_t mask_size = s.pattern == LayoutPattern::Mask
                                          ? static_cast<std::size_t>(s.mask_width) * static_cast<std::size_t>(s.mask_height)
                                          : 0;
        const LayoutSpec& o = m_layout_spec;
        const bool same = s.pattern == o.pattern && s.columns == o.columns && s.rows == o.rows && s.period_width == o.period_width &&
                          s.period_height == o.period_height && s.offset == o.offset && s.gap == o.gap && s.bevel == o.bevel &&
                          s.jitter == o.jitter && s.seed == o.seed && s.mask_width == o.mask_width && s.mask_height == o.mask_height &&
                          mask_size == m_layout_mask.size() && std::equal(m_layout_mask.begin(), m_layout_mask.end(), s.mask);
        if (!same) {
            // The mask is copied: the caller's buffer need not outlive the call.
            m_layout_mask.assign(s.mask, s.mask + mask_size);
            m_layout_spec = s;
            m_layout_spec.mask = m_layout_mask.empty() ? nullptr : m_layout_mask.data();
            m_layout_dirty = true;
        }
    }
    if (p.seed != m_seed || p.origin_x != m_origin_x || p.origin_y != m_origin_y) {
        m_seed = p.seed;
        m_origin_x = p.origin_x;
        m_origin_y = p.origin_y;
        m_seed_dirty = true;
    }
}

void TextureGenerator::set_params(uint32_t seed, const float* z, float psi) {
    GeneratorParams p;
    p.seed = seed;
    p.z = z;
    p.psi = psi;
    p.direction_offsets = m_offsets.data();
    p.direction_count = static_cast<uint32_t>(m_offsets.size());
    p.origin_x = m_origin_x;
    p.origin_y = m_origin_y;
    p.category = m_category;
    p.layout = &m_layout_spec;
    set_params(p);
}

void TextureGenerator::prepare() {
    const ModelDescription& d = m_model->description();
    if (m_mapping_dirty) {
        run_mapping_into(*m_model, m_z.data(), m_psi, m_category, m_w_truncated.data(), m_mapping_scratch.data());
        ++m_mapping_runs;
        m_mapping_dirty = false;
        m_offsets_dirty = true;
    }
    if (m_offsets_dirty) {
        // w = truncate(w) + sum_i a_i sigma_i v_i (GANSpace edits after truncation).
        std::copy(m_w_truncated.begin(), m_w_truncated.end(), m_w.begin());
        for (std::size_t i = 0; i < m_offsets.size(); ++i) {
            if (m_offsets[i] == 0.0f) continue;
            const float a = m_offsets[i] * d.directions[i].sigma;
            const std::vector<float>& v = m_model->tensor(d.directions[i].tensor);
            for (std::size_t k = 0; k < m_w.size(); ++k) m_w[k] += a * v[k];
        }
        m_backend->set_style(m_w);
        ++m_style_updates;
        m_offsets_dirty = false;
    }
    const bool moved = m_layout_origin_x != m_origin_x || m_layout_origin_y != m_origin_y;
    // "No layout" is zero everywhere: moving the origin changes nothing.
    if (!m_layout_map.empty() && (m_layout_dirty || (moved && m_layout_spec.pattern != LayoutPattern::None))) {
        // The layout lives on the same absolute plane as the noise (its period makes it tile). Rows
        // are independent, so bands of them render on the generator's threads.
        OmpThreads guard(m_threads);
        const int rows = plan_height();
        const int bands = std::min(rows, 4 * m_threads);
        const std::size_t row_floats = static_cast<std::size_t>(plan_width()) * kLayoutChannels;
        parallel_for(bands, use_parallel(m_layout_map.size()), [&](int64_t b) {
            const int y0 = static_cast<int>(b * rows / bands);
            const int y1 = static_cast<int>((b + 1) * rows / bands);
            render_layout(m_layout_spec, m_origin_x - m_halo, m_origin_y - m_halo + y0, plan_width(), y1 - y0,
                          m_layout_map.data() + row_floats * static_cast<std::size_t>(y0));
        });
        ++m_layout_renders;
        m_backend->set_layout(m_layout_map.data());
        m_layout_origin_x = m_origin_x;
        m_layout_origin_y = m_origin_y;
        m_layout_dirty = false;
    }
    if (m_seed_dirty) {
        // The plan covers the region plus its halo: its top-left pixel sits at origin - halo.
        m_backend->set_seed(m_seed, m_origin_x - m_halo, m_origin_y - m_halo);
        ++m_seed_updates;
        m_seed_dirty = false;
    }
}

void TextureGenerator::generate() {
    prepare();
    m_has_result = false;
    m_backend->run();
    m_has_result = true;
}

void TextureGenerator::build_material(float* material) const {
    if (!m_has_result) fail(NTEX_NOT_READY, "no generated result yet: call ntexGenerate first");
    OmpThreads guard(m_threads);
    build_material_tensor(m_model->description(), m_layout, m_backend->output(), plan_width(), plan_height(), m_backend->output_channels(),
                          m_halo, m_halo, m_width, m_height, material);
}

std::vector<float> TextureGenerator::material() const {
    std::vector<float> m(static_cast<std::size_t>(m_width) * static_cast<std::size_t>(m_height) * static_cast<std::size_t>(m_layout.channels));
    build_material(m.data());
    return m;
}

void TextureGenerator::read_map(uint32_t index, NtexHostFormat format, void* data, std::size_t row_pitch, std::size_t size) const {
    check_host_image(index, m_model->description().outputs.size(), static_cast<int>(format), data, row_pitch, size, m_width, m_height);
    if (!m_has_result) fail(NTEX_NOT_READY, "no generated result yet: call ntexGenerate first");
    std::vector<float> m = material();
    OmpThreads guard(m_threads);
    write_map(m.data(), m_layout, m_width, m_height, index, format, data, row_pitch);
}

}  // namespace ntex
