// SPDX-License-Identifier: MIT
// Procedural layout patterns: distance to the nearest cell boundary inside one period, ramped to "raised".
#include "runtime/layout_pattern.h"

#include "core/error.h"
#include "runtime/hash_noise.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>

namespace ntex {
namespace {

// Every formula below is mirrored op for op, in float64, by models/training/ntex_train/patterns.py;
// tests/fixtures/layout_patterns.json holds its output and the C++ test compares within 1e-4. Change
// both together.

constexpr int kMaxCells = 64;
constexpr double kMaxCellAspect = 2.0;   // Voronoi, Hexagons: see find_problem
constexpr int kSearch = 2;  // Voronoi/Hexagons look at the 5 x 5 cells around the pixel's cell: with
                            // jitter 1 the nearest point's neighbours can sit two cells away
constexpr int kCandidates = (2 * kSearch + 1) * (2 * kSearch + 1);

// U[0, 1) from the top 24 bits of a hash (exact in float64 and float32 alike).
double unit(uint32_t seed, uint32_t stream, int32_t cx, int32_t cy) noexcept {
    return static_cast<double>(hash4(seed, stream, cx, cy) >> 8) * (1.0 / 16777216.0);
}

int64_t floor_mod(int64_t a, int64_t m) noexcept {
    const int64_t r = a % m;
    return r < 0 ? r + m : r;
}

int wrap(int i, int n) noexcept { return static_cast<int>(floor_mod(i, n)); }

// Cell of a position given in cells; clamped so that rounding at the period's end cannot leave [0, n).
int cell_index(double t, int n) noexcept { return std::clamp(static_cast<int>(std::floor(t)), 0, n - 1); }

struct Geometry {
    const LayoutSpec* spec;
    double pw, ph;        // period, pixels
    double cw, ch;        // cell size, pixels
    double half_gap, bevel, offset, jitter;
    double saturated;     // half_gap + bevel + 1: ramp(d) is 1 for every d beyond it
};

double ramp(const Geometry& g, double d) noexcept {
    if (g.bevel > 0.0) return std::clamp((d - g.half_gap) / g.bevel, 0.0, 1.0);
    return d >= g.half_gap ? 1.0 : 0.0;
}

// Blobs' ramp is centred on the edge: 0.5 where d = gap / 2, so the threshold alone sets the raised
// area at any bevel, as in the soft training layouts, which ramp around the threshold
// (models/training/ntex_train/conditioning.py).
double centred_ramp(const Geometry& g, double d) noexcept {
    if (g.bevel > 0.0) return std::clamp(0.5 + (d - g.half_gap) / g.bevel, 0.0, 1.0);
    return d >= g.half_gap ? 1.0 : 0.0;
}

// Per output row state: the plank boundaries of the current row and the Voronoi/Hexagons candidate
// points of the current cell (consecutive pixels mostly share a cell, so the hashes are reused).
struct RowState {
    int plank_row = -1;
    double plank_bounds[kMaxCells + 1];
    int lattice_i = INT_MIN, lattice_j = INT_MIN;
    double cand_x[kCandidates], cand_y[kCandidates];
    int wi[kCandidates], wj[kCandidates];
    int near[kCandidates], edge[kCandidates];  // candidates that can be the nearest / matter for d
    int near_count = 0, edge_count = 0;
    struct BlobCell {
        int i = INT_MIN, j = INT_MIN;
        double a = 0.0, b = 0.0, c = 0.0, d = 0.0;  // lattice values at (i, j), (i+1, j), (i, j+1), (i+1, j+1)
    } blob[2];                                     // per octave
};

// Row of a pixel (courses, plank rows) and the vertical distance to that row's edges.
int row_of(const Geometry& g, double py, double* dy) noexcept {
    const int rows = g.spec->rows;
    const double ty = py * rows / g.ph;
    const int r = cell_index(ty, rows);
    const double fy = ty - r;
    *dy = std::min(fy, 1.0 - fy) * g.ch;
    return r;
}

double bricks(const Geometry& g, double px, double py) noexcept {
    const LayoutSpec& s = *g.spec;
    double dy = 0.0;
    const int r = row_of(g, py, &dy);
    const double shift = r * g.offset + g.jitter * (unit(s.seed, kStreamLayoutRowShift, 0, r) - 0.5);
    const double tx = px * s.columns / g.pw - shift;
    const double fx = tx - std::floor(tx);
    return ramp(g, std::min(std::min(fx, 1.0 - fx) * g.cw, dy));
}

// Tiles and Panels: the grid cell of the pixel and its fractional position inside it.
struct GridCell {
    int cx, cy;
    double fx, fy;
};

GridCell grid_cell(const Geometry& g, double px, double py) noexcept {
    const double tx = px * g.spec->columns / g.pw, ty = py * g.spec->rows / g.ph;
    GridCell c{cell_index(tx, g.spec->columns), cell_index(ty, g.spec->rows), 0.0, 0.0};
    c.fx = tx - c.cx;
    c.fy = ty - c.cy;
    return c;
}

double grid_distance(const Geometry& g, const GridCell& c) noexcept {
    return std::min(std::min(c.fx, 1.0 - c.fx) * g.cw, std::min(c.fy, 1.0 - c.fy) * g.ch);
}

double tiles(const Geometry& g, double px, double py) noexcept {
    const GridCell c = grid_cell(g, px, py);
    const double level = 1.0 - 0.3 * g.jitter * unit(g.spec->seed, kStreamLayoutFaceLevel, c.cx, c.cy);
    return ramp(g, grid_distance(g, c)) * level;
}

double panels(const Geometry& g, double px, double py) noexcept {
    const LayoutSpec& s = *g.spec;
    const GridCell c = grid_cell(g, px, py);
    double d = grid_distance(g, c);
    // A split panel gets a seam through its middle; the seam spans the panel, so the perpendicular
    // distance is the distance to it.
    if (unit(s.seed, kStreamLayoutPanelSplit, c.cx, c.cy) < g.jitter) {
        if (hash4(s.seed, kStreamLayoutPanelAxis, c.cx, c.cy) & 1u)
            d = std::min(d, std::abs(c.fy - 0.5) * g.ch);
        else
            d = std::min(d, std::abs(c.fx - 0.5) * g.cw);
    }
    return ramp(g, d);
}

double planks(const Geometry& g, RowState& st, double px, double py) noexcept {
    const LayoutSpec& s = *g.spec;
    double dy = 0.0;
    const int r = row_of(g, py, &dy);
    double* b = st.plank_bounds;
    if (st.plank_row != r) {
        // Cumulative random lengths normalised to the period, so every row tiles.
        double sum = 0.0;
        b[0] = 0.0;
        for (int k = 0; k < s.columns; ++k) {
            sum += 1.0 + 1.5 * g.jitter * (unit(s.seed, kStreamLayoutPlankLength, k, r) - 0.5);
            b[k + 1] = sum;
        }
        for (int k = 1; k < s.columns; ++k) b[k] = b[k] / sum * g.pw;
        b[s.columns] = g.pw;
        st.plank_row = r;
    }
    double xs = px - r * g.offset * g.cw;
    xs -= std::floor(xs / g.pw) * g.pw;
    int k = 0;
    while (k < s.columns - 1 && b[k + 1] <= xs) ++k;
    return ramp(g, std::max(0.0, std::min(std::min(xs - b[k], b[k + 1] - xs), dy)));
}

// Voronoi and Hexagons: candidate points of the 5 x 5 cells around cell (ci, cj), unwrapped positions
// (the pixel is inside the period, its neighbours' points may lie outside it), wrapped cell indices.
void fill_candidates(const Geometry& g, RowState& st, int ci, int cj) noexcept {
    const LayoutSpec& s = *g.spec;
    const bool hex = s.pattern == LayoutPattern::Hexagons;
    int k = 0;
    for (int j = cj - kSearch; j <= cj + kSearch; ++j) {
        for (int i = ci - kSearch; i <= ci + kSearch; ++i, ++k) {
            st.wi[k] = wrap(i, s.columns);
            st.wj[k] = wrap(j, s.rows);
            if (hex) {
                // Pointy-top rows, odd rows shifted half a cell; rows is even, so row parity tiles.
                st.cand_x[k] = (i + 0.5 + 0.5 * (j & 1)) * g.cw;
                st.cand_y[k] = (j + 0.5) * g.ch;
            } else {
                const uint32_t h = hash4(s.seed, kStreamLayoutPoint, st.wi[k], st.wj[k]);
                const double ux = static_cast<double>(h >> 16) * (1.0 / 65536.0);
                const double uy = static_cast<double>(h & 0xFFFFu) * (1.0 / 65536.0);
                st.cand_x[k] = (i + 0.5 + g.jitter * (ux - 0.5)) * g.cw;
                st.cand_y[k] = (j + 0.5 + g.jitter * (uy - 0.5)) * g.ch;
            }
        }
    }
    // Once per cell, drop what no pixel of the cell can need; the order is kept, so the result (ties
    // included) is bit-identical to the full search that patterns.py does. F1 <= reach everywhere in
    // the cell (reach: the smallest farthest-corner distance of a candidate); a point whose nearest
    // approach lo exceeds reach is never the nearest, and its bisector is at least (lo - reach) / 2
    // away (triangle inequality), so beyond the ramp once lo > reach + 2 saturated.
    constexpr double kEdgeSlack = 1e-6;  // px: cell_index rounding at the cell's edges
    const double x0 = ci * g.cw - kEdgeSlack, x1 = (ci + 1) * g.cw + kEdgeSlack;
    const double y0 = cj * g.ch - kEdgeSlack, y1 = (cj + 1) * g.ch + kEdgeSlack;
    double lo[kCandidates];
    double reach = 1e300;
    for (k = 0; k < kCandidates; ++k) {
        const double qx = st.cand_x[k], qy = st.cand_y[k];
        const double lx = std::max(std::max(x0 - qx, qx - x1), 0.0), ly = std::max(std::max(y0 - qy, qy - y1), 0.0);
        const double hx = std::max(std::abs(qx - x0), std::abs(qx - x1)), hy = std::max(std::abs(qy - y0), std::abs(qy - y1));
        lo[k] = std::sqrt(lx * lx + ly * ly);
        reach = std::min(reach, std::sqrt(hx * hx + hy * hy));
    }
    const double slack = 1e-9 * (reach + 2.0 * g.saturated + 1.0);
    st.near_count = st.edge_count = 0;
    for (k = 0; k < kCandidates; ++k) {
        if (lo[k] <= reach + slack) st.near[st.near_count++] = k;
        if (lo[k] <= reach + 2.0 * g.saturated + slack) st.edge[st.edge_count++] = k;
    }
    st.lattice_i = ci;
    st.lattice_j = cj;
}

// Exact distance to the Voronoi cell's boundary: the minimum over the other points q of the distance to
// the bisector of (nearest, q), (|p - q|^2 - |p - n|^2) / (2 |q - n|). Unlike (F2 - F1) / 2 it keeps the
// gap's width constant along the whole edge.
double lattice(const Geometry& g, RowState& st, double px, double py) noexcept {
    const LayoutSpec& s = *g.spec;
    const int ci = cell_index(px * s.columns / g.pw, s.columns);
    const int cj = cell_index(py * s.rows / g.ph, s.rows);
    if (ci != st.lattice_i || cj != st.lattice_j) fill_candidates(g, st, ci, cj);
    double d2[kCandidates] = {};  // only edge entries are read; the zeroing keeps GCC sure of that
    for (int n = 0; n < st.edge_count; ++n) {  // edge includes near
        const int k = st.edge[n];
        const double dx = px - st.cand_x[k], dy = py - st.cand_y[k];
        d2[k] = dx * dx + dy * dy;
    }
    int best = st.near[0];
    for (int n = 1; n < st.near_count; ++n)
        if (d2[st.near[n]] < d2[best]) best = st.near[n];
    // The same bound per pixel, (|p - q| - F1) / 2 >= d, with d starting at `saturated`: cuts the
    // sqrt/divides to a few per pixel and leaves ramp(d) bit-identical (the margin is far above rounding).
    const double f1 = std::sqrt(d2[best]);
    double d = g.saturated;
    for (int n = 0; n < st.edge_count; ++n) {
        const int k = st.edge[n];
        if (k == best) continue;
        const double reach = f1 + 2.0 * d;
        if (d2[k] > reach * reach * (1.0 + 1e-9)) continue;
        const double ex = st.cand_x[k] - st.cand_x[best], ey = st.cand_y[k] - st.cand_y[best];
        const double sep = std::sqrt(ex * ex + ey * ey);
        if (sep > 1e-9) d = std::min(d, (d2[k] - d2[best]) / (2.0 * sep));
    }
    double v = ramp(g, d);
    if (s.pattern == LayoutPattern::Hexagons)
        v *= 1.0 - 0.3 * g.jitter * unit(s.seed, kStreamLayoutFaceLevel, st.wi[best], st.wj[best]);
    return v;
}

// Value noise of one Blobs octave and its gradient per pixel: a cells_x x cells_y lattice over the
// period (wrapped, so it tiles), quintic fade 6t^5 - 15t^4 + 10t^3 (Perlin 2002, C2 across cells).
struct NoiseSample {
    double v, dx, dy;
};

double fade(double t) noexcept { return t * t * t * (t * (t * 6.0 - 15.0) + 10.0); }
double fade_slope(double t) noexcept { return 30.0 * t * t * (t * (t - 2.0) + 1.0); }

NoiseSample value_noise(const Geometry& g, RowState::BlobCell& cell, uint32_t stream, int cells_x, int cells_y, double px,
                        double py) noexcept {
    const uint32_t seed = g.spec->seed;
    const double tx = px * cells_x / g.pw, ty = py * cells_y / g.ph;
    const int i = cell_index(tx, cells_x), j = cell_index(ty, cells_y);
    if (i != cell.i || j != cell.j) {
        const int i1 = wrap(i + 1, cells_x), j1 = wrap(j + 1, cells_y);
        cell = {i, j, unit(seed, stream, i, j), unit(seed, stream, i1, j), unit(seed, stream, i, j1), unit(seed, stream, i1, j1)};
    }
    const double fx = tx - i, fy = ty - j;
    const double sx = fade(fx), sy = fade(fy);
    const double k1 = cell.b - cell.a, k2 = cell.c - cell.a, k3 = cell.a - cell.b - cell.c + cell.d;
    return {cell.a + k1 * sx + k2 * sy + k3 * sx * sy, fade_slope(fx) * (cells_x / g.pw) * (k1 + k3 * sy),
            fade_slope(fy) * (cells_y / g.ph) * (k2 + k3 * sx)};
}

double blobs(const Geometry& g, RowState& st, double px, double py) noexcept {
    const LayoutSpec& s = *g.spec;
    NoiseSample n = value_noise(g, st.blob[0], kStreamLayoutBlob, s.columns, s.rows, px, py);
    if (g.jitter > 0.0) {
        const double w = 0.5 * g.jitter;
        const NoiseSample f = value_noise(g, st.blob[1], kStreamLayoutBlobDetail, 2 * s.columns, 2 * s.rows, px, py);
        n = {(n.v + w * f.v) / (1.0 + w), (n.dx + w * f.dx) / (1.0 + w), (n.dy + w * f.dy) / (1.0 + w)};
    }
    // The gradient vanishes at every lattice point (the fade's slope is 0 there): a floor on it keeps d
    // continuous (a pixel just past the threshold stays near the edge, not far inside).
    const double min_slope = 1e-3 * std::max(s.columns / g.pw, s.rows / g.ph);
    const double slope = std::max(std::sqrt(n.dx * n.dx + n.dy * n.dy), min_slope);
    return centred_ramp(g, (n.v - g.offset) / slope);
}

// Mask pixel (i, j) covers [j, j + 1) * period_width / mask_width across; its value sits at the centre.
double mask(const Geometry& g, double px, double py) noexcept {
    const LayoutSpec& s = *g.spec;
    const double mx = px * s.mask_width / g.pw - 0.5, my = py * s.mask_height / g.ph - 0.5;
    const double jx = std::floor(mx), jy = std::floor(my);
    const double fx = mx - jx, fy = my - jy;
    const int x0 = wrap(static_cast<int>(jx), s.mask_width), x1 = wrap(x0 + 1, s.mask_width);
    const int y0 = wrap(static_cast<int>(jy), s.mask_height), y1 = wrap(y0 + 1, s.mask_height);
    const float* r0 = s.mask + static_cast<std::size_t>(y0) * static_cast<std::size_t>(s.mask_width);
    const float* r1 = s.mask + static_cast<std::size_t>(y1) * static_cast<std::size_t>(s.mask_width);
    const double top = (1.0 - fx) * r0[x0] + fx * r0[x1];
    const double bottom = (1.0 - fx) * r1[x0] + fx * r1[x1];
    return std::clamp((1.0 - fy) * top + fy * bottom, 0.0, 1.0);
}

double raised_at(const Geometry& g, RowState& st, double px, double py) noexcept {
    switch (g.spec->pattern) {
        case LayoutPattern::Bricks: return bricks(g, px, py);
        case LayoutPattern::Tiles: return tiles(g, px, py);
        case LayoutPattern::Hexagons:
        case LayoutPattern::Voronoi: return lattice(g, st, px, py);
        case LayoutPattern::Planks: return planks(g, st, px, py);
        case LayoutPattern::Panels: return panels(g, px, py);
        case LayoutPattern::Mask: return mask(g, px, py);
        case LayoutPattern::Blobs: return blobs(g, st, px, py);
        case LayoutPattern::None:
        case LayoutPattern::Auto: break;
    }
    return 0.0;
}

// The first invalid field, found without allocating (render_layout is noexcept and allocation-free);
// validate_layout turns it into the message.
enum class Issue { None, Range, NotFinite, Pattern, OddRows, NoMask, Aspect, BlobCells };

struct Problem {
    Issue issue = Issue::None;
    const char* field = "";
    double value = 0.0, lo = 0.0, hi = 0.0;
};

bool check_int(Problem* p, const char* field, int v, int lo, int hi) noexcept {
    if (v >= lo && v <= hi) return true;
    *p = {Issue::Range, field, static_cast<double>(v), static_cast<double>(lo), static_cast<double>(hi)};
    return false;
}

bool check_float(Problem* p, const char* field, float v, double lo, double hi) noexcept {
    if (!std::isfinite(v)) {
        *p = {Issue::NotFinite, field, static_cast<double>(v), lo, hi};
        return false;
    }
    if (v >= lo && v <= hi) return true;
    *p = {Issue::Range, field, static_cast<double>(v), lo, hi};
    return false;
}

Problem find_problem(const LayoutSpec& s) noexcept {
    Problem p;
    const int pattern = static_cast<int>(s.pattern);
    if (pattern < 0 || pattern > static_cast<int>(kLastLayoutPattern)) {
        p = {Issue::Pattern, "layout.pattern", static_cast<double>(pattern), 0.0, static_cast<double>(kLastLayoutPattern)};
        return p;
    }
    if (s.pattern == LayoutPattern::Auto) return p;   // every field but the seed is ignored
    const bool ok = check_int(&p, "layout.columns", s.columns, 1, kMaxCells) &&
                    check_int(&p, "layout.rows", s.rows, 1, kMaxCells) &&
                    check_int(&p, "layout.period_width", s.period_width, 16, 8192) &&
                    check_int(&p, "layout.period_height", s.period_height, 16, 8192) &&
                    check_float(&p, "layout.offset", s.offset, 0.0, 1.0) &&
                    check_float(&p, "layout.gap", s.gap, 0.0, 64.0) &&
                    check_float(&p, "layout.bevel", s.bevel, 0.0, 64.0) &&
                    check_float(&p, "layout.jitter", s.jitter, 0.0, 1.0);
    if (!ok) return p;
    if (s.pattern == LayoutPattern::Hexagons && s.rows % 2 != 0) {
        p = {Issue::OddRows, "layout.rows", static_cast<double>(s.rows), 0.0, 0.0};
        return p;
    }
    if (s.pattern == LayoutPattern::Blobs && (s.columns < kMinBlobCells || s.rows < kMinBlobCells)) {
        const bool cols = s.columns < kMinBlobCells;
        p = {Issue::BlobCells, cols ? "layout.columns" : "layout.rows", static_cast<double>(cols ? s.columns : s.rows), 0.0, 0.0};
        return p;
    }
    if (s.pattern == LayoutPattern::Voronoi || s.pattern == LayoutPattern::Hexagons) {
        // Their nearest-point search covers the 5 x 5 cells around a pixel, which is exact (checked
        // against a brute-force Voronoi at jitter 1) only while cells are at most 2:1.
        const double aspect = (static_cast<double>(s.period_width) / s.columns) / (static_cast<double>(s.period_height) / s.rows);
        if (aspect > kMaxCellAspect || aspect < 1.0 / kMaxCellAspect) {
            p = {Issue::Aspect, "layout.columns", aspect, 1.0 / kMaxCellAspect, kMaxCellAspect};
            return p;
        }
    }
    if (s.pattern == LayoutPattern::Mask) {
        if (s.mask == nullptr) {
            p = {Issue::NoMask, "layout.mask", 0.0, 0.0, 0.0};
            return p;
        }
        if (!check_int(&p, "layout.mask_width", s.mask_width, 1, kMaxMaskSize)) return p;
        if (!check_int(&p, "layout.mask_height", s.mask_height, 1, kMaxMaskSize)) return p;
    }
    return p;
}

}  // namespace

const char* layout_pattern_name(LayoutPattern p) noexcept {
    switch (p) {
        case LayoutPattern::None: return "none";
        case LayoutPattern::Bricks: return "bricks";
        case LayoutPattern::Tiles: return "tiles";
        case LayoutPattern::Hexagons: return "hexagons";
        case LayoutPattern::Planks: return "planks";
        case LayoutPattern::Panels: return "panels";
        case LayoutPattern::Voronoi: return "voronoi";
        case LayoutPattern::Mask: return "mask";
        case LayoutPattern::Auto: return "auto";
        case LayoutPattern::Blobs: return "blobs";
    }
    return "unknown";
}

bool parse_layout_pattern(std::string_view name, LayoutPattern* out) noexcept {
    for (int i = 0; i <= static_cast<int>(kLastLayoutPattern); ++i) {
        const auto p = static_cast<LayoutPattern>(i);
        if (name == layout_pattern_name(p)) {
            if (out != nullptr) *out = p;
            return true;
        }
    }
    return false;
}

void validate_layout(const LayoutSpec& spec) {
    const Problem p = find_problem(spec);
    switch (p.issue) {
        case Issue::None: break;
        case Issue::Range:
            fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": ", p.value, " is outside ", p.lo, "..", p.hi);
        case Issue::NotFinite: fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": ", p.value, " is not finite");
        case Issue::Pattern:
            fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": ", p.value, " is not a layout pattern (0..", p.hi, ")");
        case Issue::OddRows:
            fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": ", p.value,
                 " is odd; hexagons need an even row count for the period to tile");
        case Issue::NoMask: fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": the mask pattern needs mask data");
        case Issue::BlobCells:
            fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": ", p.value, " is below 2; blobs need a lattice of at least 2 x 2 (one cell repeats as a constant)");
        case Issue::Aspect:
            fail(NTEX_ERROR_INVALID_ARGUMENT, p.field, ": cells of ", p.value, ":1 (width:height); ", layout_pattern_name(spec.pattern),
                 " cells must be between 1:2 and 2:1 (adjust columns, rows or the period)");
    }
    if (spec.pattern != LayoutPattern::Mask) return;
    const std::size_t n = static_cast<std::size_t>(spec.mask_width) * static_cast<std::size_t>(spec.mask_height);
    for (std::size_t i = 0; i < n; ++i) {
        const float v = spec.mask[i];
        if (!std::isfinite(v)) fail(NTEX_ERROR_INVALID_ARGUMENT, "layout.mask[", i, "]: ", v, " is not finite");
        if (v < 0.0f || v > 1.0f) fail(NTEX_ERROR_INVALID_ARGUMENT, "layout.mask[", i, "]: ", v, " is outside 0..1");
    }
}

void render_layout(const LayoutSpec& spec, int32_t x0, int32_t y0, int w, int h, float* out) noexcept {
    if (out == nullptr || w <= 0 || h <= 0) return;
    const std::size_t row_floats = static_cast<std::size_t>(w) * kLayoutChannels;
    // Auto is resolved by the generator before rendering; unresolved it means no layout.
    if (spec.pattern == LayoutPattern::None || spec.pattern == LayoutPattern::Auto || find_problem(spec).issue != Issue::None) {
        std::fill(out, out + row_floats * static_cast<std::size_t>(h), 0.0f);
        return;
    }
    const Geometry g{&spec,
                     static_cast<double>(spec.period_width),
                     static_cast<double>(spec.period_height),
                     static_cast<double>(spec.period_width) / spec.columns,
                     static_cast<double>(spec.period_height) / spec.rows,
                     0.5 * static_cast<double>(spec.gap),
                     static_cast<double>(spec.bevel),
                     static_cast<double>(spec.offset),
                     static_cast<double>(spec.jitter),
                     0.5 * static_cast<double>(spec.gap) + static_cast<double>(spec.bevel) + 1.0};
    // Integer floor-modulo in int64 before any floating point: the in-period position depends only on
    // (x mod period), which is what makes the pattern bit-exactly periodic for every int32 origin.
    const int64_t pw = spec.period_width, ph = spec.period_height;
    const int64_t xm0 = floor_mod(static_cast<int64_t>(x0), pw);
    RowState st;
    for (int y = 0; y < h; ++y) {
        const double py = static_cast<double>(floor_mod(static_cast<int64_t>(y0) + y, ph)) + 0.5;
        float* row = out + row_floats * static_cast<std::size_t>(y);
        int64_t xm = xm0;
        for (int x = 0; x < w; ++x) {
            const double px = static_cast<double>(xm) + 0.5;
            row[x * kLayoutChannels + 0] = static_cast<float>(raised_at(g, st, px, py));
            row[x * kLayoutChannels + 1] = 1.0f;
            if (++xm == pw) xm = 0;
        }
    }
}

}  // namespace ntex
