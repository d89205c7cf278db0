// SPDX-License-Identifier: MIT
// Procedural layout patterns: the 2-channel structure map ("raised", "present") that conditions material_v2.
#pragma once

#include <cstdint>
#include <string_view>

namespace ntex {

// Training derives the same map from real height maps (models/training/ntex_train/conditioning.py);
// models/training/ntex_train/patterns.py is the numpy mirror of render_layout, checked against it
// through tests/fixtures/layout_patterns.json.
// Auto is not drawn by render_layout: TextureGenerator replaces it by the model's layout prior's draw
// for the category and seed (runtime/layout_prior.h) before anything renders it.
// Blobs came after Mask and Auto, so the values (shared with NtexLayoutPattern) stay stable.
enum class LayoutPattern { None = 0, Bricks = 1, Tiles = 2, Hexagons = 3, Planks = 4, Panels = 5, Voronoi = 6, Mask = 7, Auto = 8, Blobs = 9 };
constexpr LayoutPattern kLastLayoutPattern = LayoutPattern::Blobs;
// Blobs' lattice wraps around the period, so a 1-cell axis would be constant: at least 2 per axis.
constexpr int kMinBlobCells = 2;

constexpr int kLayoutChannels = 2;  // 0: raised (1 face, 0 gap), 1: present (0 only for None)
// Largest host mask side: a layout is structure, not detail (it is block-averaged down to 1/16 in
// the network), and every generator keeps a copy, so 2048 bounds a mask at 16 MiB per copy.
constexpr int kMaxMaskSize = 2048;

// Hash streams of the per-cell randomness, hash4(seed, stream, cell_x mod columns, cell_y mod rows).
// Kept clear of the noise streams (c, 1000 + i) and the latent stream (2000000).
constexpr uint32_t kStreamLayoutRowShift = 3000001;    // Bricks: per-course shift
constexpr uint32_t kStreamLayoutFaceLevel = 3000002;   // Tiles, Hexagons: per-cell face level
constexpr uint32_t kStreamLayoutPlankLength = 3000003; // Planks: board length weights
constexpr uint32_t kStreamLayoutPanelSplit = 3000004;  // Panels: split or not
constexpr uint32_t kStreamLayoutPanelAxis = 3000005;   // Panels: split axis
constexpr uint32_t kStreamLayoutPoint = 3000006;       // Voronoi: feature point position
// (3000007 is the layout prior's draw, runtime/layout_prior.h.)
constexpr uint32_t kStreamLayoutBlob = 3000008;        // Blobs: lattice values of the coarse octave
constexpr uint32_t kStreamLayoutBlobDetail = 3000009;  // Blobs: lattice values of the fine octave

// Every length is in output pixels. A cell boundary is where two cells meet; d is the distance from a
// pixel centre to the nearest boundary and raised = clamp((d - gap / 2) / bevel, 0, 1) (a hard step
// d >= gap / 2 when bevel == 0).
// Blobs has no cells: n is smooth tileable value noise in [0, 1) (a columns x rows lattice of hashed
// values per period, quintic interpolation, Perlin 2002) plus, weighted 0.5 * jitter, a second octave
// on the 2 columns x 2 rows lattice; the blobs are where n > offset, and d is the first-order signed
// distance to that level set, (n - offset) / max(|grad n|, g_min) (negative outside; g_min, 1e-3 of
// the coarse octave's steepest possible slope, keeps lattice points, where the gradient vanishes,
// continuous). Its ramp is centred on the edge, raised = clamp(0.5 + (d - gap / 2) / bevel, 0, 1),
// so bevel is the edge's ramp in pixels, half of it inside and half outside, the threshold alone sets
// the area at any bevel, and gap shrinks every blob by gap / 2 (no groove). The estimate is good within about a cell of an edge. Soft irregular patches (grass, gravel, snow, stains) that Voronoi's straight
// edges do not describe. What `jitter` means per pattern:
//   Bricks   per-course extra shift jitter * U[-0.5, 0.5) cells on top of r * offset;
//   Tiles    per-tile face level: raised *= 1 - 0.3 * jitter * U[0, 1);
//   Hexagons the same face level per hexagon;
//   Planks   board length weights 1 + 1.5 * jitter * U[-0.5, 0.5) (ratio up to 7:1 at jitter 1);
//   Panels   probability that a panel is split in two through its middle (axis hashed);
//   Voronoi  feature point offset jitter * U[-0.5, 0.5) cells from its cell's centre, per axis;
//   Blobs    weight of the fine octave (0: round blobs, 1: ragged edges); offset is the threshold;
//   Mask     ignored (as are gap, bevel, columns, rows, offset, seed);
//   Auto     ignored (as is every field but seed, which picks the prior's entry and seeds its cells).
struct LayoutSpec {
    LayoutPattern pattern = LayoutPattern::None;
    int columns = 4;            // cells across one period, 1..64
    int rows = 8;               // cells down one period, 1..64 (Hexagons: even, so the period tiles)
    int period_width = 256;     // pixels of one period of the pattern, 16..8192
    int period_height = 256;
    float offset = 0.5f;        // Bricks/Planks: shift of row r by r * offset cells (mod 1); Blobs:
                                // threshold on the noise (higher: fewer, smaller blobs); 0..1
    float gap = 3.0f;           // gap (mortar, groove, seam) width in pixels, 0..64
    float bevel = 2.0f;         // width of the ramp from gap (0) to face (1) in pixels, 0..64
    float jitter = 0.0f;        // 0..1, per pattern as above
    uint32_t seed = 0;          // pattern randomness
    const float* mask = nullptr;  // Mask: mask_height rows of mask_width floats in [0, 1], row-major,
                                  // tiled over the period (bilinear, wrap-around); not owned
    int mask_width = 0, mask_height = 0;  // 1..kMaxMaskSize each
};

// "none", "bricks", "tiles", "hexagons", "planks", "panels", "voronoi", "mask", "auto", "blobs"
// ("unknown" otherwise).
const char* layout_pattern_name(LayoutPattern p) noexcept;
// Inverse of layout_pattern_name (exact, lower case); false and *out untouched for anything else.
bool parse_layout_pattern(std::string_view name, LayoutPattern* out) noexcept;

// Throws Error(NTEX_ERROR_INVALID_ARGUMENT) with a one-line message naming the field
// ("layout.gap: 80 is outside 0..64") for a value out of range or non-finite, a Mask without data or
// with a value outside [0, 1], an odd Hexagons row count, a Blobs lattice under 2 x 2, Voronoi or
// Hexagons cells beyond 2:1 (their
// 5 x 5 nearest-point search is exact only up to that). Every field is checked whatever the pattern,
// except for Auto, whose fields (seed aside) are ignored.
void validate_layout(const LayoutSpec& spec);

// Writes h rows of w pixels x kLayoutChannels floats (NHWC, out[(y * w + x) * 2 + c]) of the endless
// plane region whose top-left pixel is (x0, y0) (any int32, negative included). Pixel centres are at
// (x + 0.5, y + 0.5). Exactly periodic: (x, y) and (x + period_width, y) get bit-identical values.
// Allocates nothing; thread-safe (pure). A spec that validate_layout would reject for its fields
// (mask values are not scanned here) gives zeros rather than undefined behaviour.
void render_layout(const LayoutSpec& spec, int32_t x0, int32_t y0, int w, int h, float* out) noexcept;

}  // namespace ntex
