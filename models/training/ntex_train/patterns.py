# SPDX-License-Identifier: MIT
"""patterns.py: numpy mirror of the plugin's procedural layout patterns (plugin/src/runtime/layout_pattern.*).

render_layout(spec, x0, y0, w, h) -> [h, w, 2] float32 layout ("raised", "present") of the endless
plane region whose top-left pixel is (x0, y0), the same map the C++ render_layout writes: the same
float64 operations in the same order, float parameters rounded to float32 first (the C++ struct holds
floats), the randomness from ntex_train.hashnoise.hash4 (bit-exact with the C++ hash4). The C++ test
compares against tests/fixtures/layout_patterns.json, written by

    /usr/bin/python3 -m ntex_train.patterns --write-fixture ../../tests/fixtures/layout_patterns.json

(run from models/training). See layout_pattern.h for what every parameter means per pattern.
"""
import argparse
import json

import numpy as np

from ntex_train.hashnoise import hash4

PATTERNS = ("none", "bricks", "tiles", "hexagons", "planks", "panels", "voronoi", "mask", "auto", "blobs")
# "auto" (the layout prior's draw, layout_prior.py) is resolved before rendering; render_layout refuses it.
PROCEDURAL = ("bricks", "tiles", "hexagons", "planks", "panels", "voronoi", "blobs")   # drawn from parameters alone
LAYOUT_CHANNELS = 2
STREAM_ROW_SHIFT = 3000001
STREAM_FACE_LEVEL = 3000002
STREAM_PLANK_LENGTH = 3000003
STREAM_PANEL_SPLIT = 3000004
STREAM_PANEL_AXIS = 3000005
STREAM_POINT = 3000006
STREAM_BLOB = 3000008
STREAM_BLOB_DETAIL = 3000009
SEARCH = 2   # Voronoi/Hexagons: the 5 x 5 cells around the pixel's cell
MAX_MASK_SIZE = 2048
DEFAULTS = dict(pattern="none", columns=4, rows=8, period_width=256, period_height=256, offset=0.5,
                gap=3.0, bevel=2.0, jitter=0.0, seed=0, mask=None)
# (field, low, high) as validate_layout checks them.
RANGES = (("columns", 1, 64), ("rows", 1, 64), ("period_width", 16, 8192), ("period_height", 16, 8192),
          ("offset", 0.0, 1.0), ("gap", 0.0, 64.0), ("bevel", 0.0, 64.0), ("jitter", 0.0, 1.0))


def _f32(v):
    return float(np.float32(v))


def _unit(seed, stream, cx, cy):
    """U[0, 1) from the top 24 bits of hash4, as float64."""
    return (hash4(seed, stream, cx, cy) >> np.uint32(8)).astype(np.float64) * (1.0 / 16777216.0)


def _cell_index(t, n):
    return np.clip(np.floor(t).astype(np.int64), 0, n - 1)


def normalise(spec):
    """The spec with defaults filled in, the pattern as a name, floats rounded to float32, and the
    mask as a float32 [mask_height, mask_width] array. Raises ValueError naming a bad field."""
    s = dict(DEFAULTS)
    s.update(spec)
    p = s["pattern"]
    if isinstance(p, (int, np.integer)):
        if not 0 <= p < len(PATTERNS):
            raise ValueError(f"layout.pattern: {p} is not a layout pattern (0..{len(PATTERNS) - 1})")
        p = PATTERNS[p]
    s["pattern"] = str(p)
    if s["pattern"] not in PATTERNS or s["pattern"] == "auto":
        raise ValueError(f"layout.pattern: {p} is not a layout pattern that renders (auto is resolved first)")
    for name, lo, hi in RANGES:
        v = s[name]
        if isinstance(lo, float):
            v = s[name] = _f32(v)
            if not np.isfinite(v):
                raise ValueError(f"layout.{name}: {v} is not finite")
        if not lo <= v <= hi:
            raise ValueError(f"layout.{name}: {v} is outside {lo}..{hi}")
    if s["pattern"] == "blobs" and min(s["columns"], s["rows"]) < 2:
        raise ValueError("layout.columns: blobs need a lattice of at least 2 x 2 (one cell repeats as a constant)")
    if s["pattern"] == "hexagons" and s["rows"] % 2:
        raise ValueError(f"layout.rows: {s['rows']} is odd; hexagons need an even row count")
    if s["pattern"] in ("voronoi", "hexagons"):
        # As validate_layout: the 5 x 5 nearest-point search is exact only for cells up to 2:1.
        aspect = (s["period_width"] / s["columns"]) / (s["period_height"] / s["rows"])
        if not 0.5 <= aspect <= 2.0:
            raise ValueError(f"layout.columns: cells of {aspect}:1 (width:height); {s['pattern']} cells must be "
                             "between 1:2 and 2:1")
    if s["pattern"] == "mask":
        if s["mask"] is None:
            raise ValueError("layout.mask: the mask pattern needs mask data")
        m = np.asarray(s["mask"], dtype=np.float32)
        if m.ndim == 1:   # flat, as LayoutSpec and the fixture hold it
            m = m.reshape(int(s["mask_height"]), int(s["mask_width"]))
        if m.ndim != 2 or m.size == 0 or max(m.shape) > MAX_MASK_SIZE or not np.all((m >= 0.0) & (m <= 1.0)):
            raise ValueError("layout.mask: needs a non-empty 2-D array of values in 0..1")
        s["mask"] = m
    s["seed"] = int(s["seed"]) & 0xFFFFFFFF
    return s


def _ramp(s, d):
    half_gap, bevel = 0.5 * s["gap"], s["bevel"]
    if bevel > 0.0:
        return np.clip((d - half_gap) / bevel, 0.0, 1.0)
    return (d >= half_gap).astype(np.float64)


def _centred_ramp(s, d):
    half_gap, bevel = 0.5 * s["gap"], s["bevel"]
    if bevel > 0.0:
        return np.clip(0.5 + (d - half_gap) / bevel, 0.0, 1.0)
    return (d >= half_gap).astype(np.float64)


def _row_of(s, py):
    rows = s["rows"]
    ty = py * rows / s["period_height"]
    r = _cell_index(ty, rows)
    fy = ty - r
    return r, np.minimum(fy, 1.0 - fy) * (s["period_height"] / rows)


def _bricks(s, px, py):
    r, dy = _row_of(s, py)
    shift = r * s["offset"] + s["jitter"] * (_unit(s["seed"], STREAM_ROW_SHIFT, 0, r) - 0.5)
    tx = px * s["columns"] / s["period_width"] - shift
    fx = tx - np.floor(tx)
    return _ramp(s, np.minimum(np.minimum(fx, 1.0 - fx) * (s["period_width"] / s["columns"]), dy))


def _grid(s, px, py):
    tx = px * s["columns"] / s["period_width"]
    ty = py * s["rows"] / s["period_height"]
    cx, cy = _cell_index(tx, s["columns"]), _cell_index(ty, s["rows"])
    fx, fy = tx - cx, ty - cy
    cw, ch = s["period_width"] / s["columns"], s["period_height"] / s["rows"]
    d = np.minimum(np.minimum(fx, 1.0 - fx) * cw, np.minimum(fy, 1.0 - fy) * ch)
    return cx, cy, fx, fy, cw, ch, d


def _tiles(s, px, py):
    cx, cy, _, _, _, _, d = _grid(s, px, py)
    level = 1.0 - 0.3 * s["jitter"] * _unit(s["seed"], STREAM_FACE_LEVEL, cx, cy)
    return _ramp(s, d) * level


def _panels(s, px, py):
    cx, cy, fx, fy, cw, ch, d = _grid(s, px, py)
    split = _unit(s["seed"], STREAM_PANEL_SPLIT, cx, cy) < s["jitter"]
    horizontal = (hash4(s["seed"], STREAM_PANEL_AXIS, cx, cy) & np.uint32(1)) == 1
    d = np.where(split & horizontal, np.minimum(d, np.abs(fy - 0.5) * ch), d)
    d = np.where(split & ~horizontal, np.minimum(d, np.abs(fx - 0.5) * cw), d)
    return _ramp(s, d)


def plank_bounds(s):
    """[rows, columns + 1] board boundaries in pixels: cumulative random lengths normalised to the period."""
    columns, pw = s["columns"], float(s["period_width"])
    out = np.zeros((s["rows"], columns + 1))
    for r in range(s["rows"]):
        w = 1.0 + 1.5 * s["jitter"] * (_unit(s["seed"], STREAM_PLANK_LENGTH, np.arange(columns), r) - 0.5)
        sums = np.cumsum(w)   # sequential, as the C++ loop
        out[r, 1:columns] = sums[:-1] / sums[-1] * pw
        out[r, columns] = pw
    return out


def _planks(s, px, py):
    r, dy = _row_of(s, py)
    pw, columns = float(s["period_width"]), s["columns"]
    b = plank_bounds(s)[r]                                  # [h, w, columns + 1]
    xs = px - r * s["offset"] * (pw / columns)
    xs = xs - np.floor(xs / pw) * pw
    k = (b[..., 1:columns] <= xs[..., None]).sum(-1)
    lo = np.take_along_axis(b, k[..., None], -1)[..., 0]
    hi = np.take_along_axis(b, k[..., None] + 1, -1)[..., 0]
    return _ramp(s, np.maximum(0.0, np.minimum(np.minimum(xs - lo, hi - xs), dy)))


def _lattice(s, px, py):
    columns, rows = s["columns"], s["rows"]
    cw, ch = s["period_width"] / columns, s["period_height"] / rows
    ci = _cell_index(px * columns / s["period_width"], columns)
    cj = _cell_index(py * rows / s["period_height"], rows)
    hexagons = s["pattern"] == "hexagons"
    xs, ys, wis, wjs = [], [], [], []
    for dj in range(-SEARCH, SEARCH + 1):
        for di in range(-SEARCH, SEARCH + 1):
            i, j = ci + di, cj + dj
            wi, wj = np.mod(i, columns), np.mod(j, rows)
            if hexagons:
                x = (i + 0.5 + 0.5 * (j & 1)) * cw
                y = (j + 0.5) * ch
            else:
                h = hash4(s["seed"], STREAM_POINT, wi, wj)
                ux = (h >> np.uint32(16)).astype(np.float64) * (1.0 / 65536.0)
                uy = (h & np.uint32(0xFFFF)).astype(np.float64) * (1.0 / 65536.0)
                x = (i + 0.5 + s["jitter"] * (ux - 0.5)) * cw
                y = (j + 0.5 + s["jitter"] * (uy - 0.5)) * ch
            xs.append(x)
            ys.append(y)
            wis.append(wi)
            wjs.append(wj)
    xs, ys = np.stack(np.broadcast_arrays(*xs)), np.stack(np.broadcast_arrays(*ys))
    d2 = (px - xs) * (px - xs) + (py - ys) * (py - ys)
    best = np.argmin(d2, 0)[None]                 # first minimum, as the C++ strict <
    bx, by = np.take_along_axis(xs, best, 0), np.take_along_axis(ys, best, 0)
    ex, ey = xs - bx, ys - by
    sep = np.sqrt(ex * ex + ey * ey)
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = (d2 - np.take_along_axis(d2, best, 0)) / (2.0 * sep)
    dist = np.where(sep > 1e-9, dist, np.inf)     # the nearest point itself (and coincident ones)
    v = _ramp(s, dist.min(0))
    if hexagons:
        wi = np.take_along_axis(np.stack(np.broadcast_arrays(*wis)), best, 0)[0]
        wj = np.take_along_axis(np.stack(np.broadcast_arrays(*wjs)), best, 0)[0]
        v = v * (1.0 - 0.3 * s["jitter"] * _unit(s["seed"], STREAM_FACE_LEVEL, wi, wj))
    return v


def _mask(s, px, py):
    m = s["mask"].astype(np.float64)
    mh, mw = m.shape
    mx = px * mw / s["period_width"] - 0.5
    my = py * mh / s["period_height"] - 0.5
    jx, jy = np.floor(mx), np.floor(my)
    fx, fy = mx - jx, my - jy
    x0 = np.mod(jx.astype(np.int64), mw)
    y0 = np.mod(jy.astype(np.int64), mh)
    x1, y1 = np.mod(x0 + 1, mw), np.mod(y0 + 1, mh)
    top = (1.0 - fx) * m[y0, x0] + fx * m[y0, x1]
    bottom = (1.0 - fx) * m[y1, x0] + fx * m[y1, x1]
    return np.clip((1.0 - fy) * top + fy * bottom, 0.0, 1.0)


def _fade(t):
    return t * t * t * (t * (t * 6.0 - 15.0) + 10.0)


def _fade_slope(t):
    return 30.0 * t * t * (t * (t - 2.0) + 1.0)


def _value_noise(s, stream, cells_x, cells_y, px, py):
    """One Blobs octave: (value, d/dx, d/dy) per pixel of the cells_x x cells_y lattice value noise."""
    tx = px * cells_x / s["period_width"]
    ty = py * cells_y / s["period_height"]
    i, j = _cell_index(tx, cells_x), _cell_index(ty, cells_y)
    i1, j1 = np.mod(i + 1, cells_x), np.mod(j + 1, cells_y)
    a, b = _unit(s["seed"], stream, i, j), _unit(s["seed"], stream, i1, j)
    c, d = _unit(s["seed"], stream, i, j1), _unit(s["seed"], stream, i1, j1)
    fx, fy = tx - i, ty - j
    sx, sy = _fade(fx), _fade(fy)
    k1, k2, k3 = b - a, c - a, a - b - c + d
    v = a + k1 * sx + k2 * sy + k3 * sx * sy
    dx = _fade_slope(fx) * (cells_x / s["period_width"]) * (k1 + k3 * sy)
    dy = _fade_slope(fy) * (cells_y / s["period_height"]) * (k2 + k3 * sx)
    return v, dx, dy


def _blobs(s, px, py):
    v, dx, dy = _value_noise(s, STREAM_BLOB, s["columns"], s["rows"], px, py)
    if s["jitter"] > 0.0:
        w = 0.5 * s["jitter"]
        fv, fdx, fdy = _value_noise(s, STREAM_BLOB_DETAIL, 2 * s["columns"], 2 * s["rows"], px, py)
        v, dx, dy = (v + w * fv) / (1.0 + w), (dx + w * fdx) / (1.0 + w), (dy + w * fdy) / (1.0 + w)
    min_slope = 1e-3 * max(s["columns"] / s["period_width"], s["rows"] / s["period_height"])
    slope = np.maximum(np.sqrt(dx * dx + dy * dy), min_slope)
    return _centred_ramp(s, (v - s["offset"]) / slope)


_RAISED = dict(bricks=_bricks, tiles=_tiles, hexagons=_lattice, voronoi=_lattice, planks=_planks,
               panels=_panels, mask=_mask, blobs=_blobs)


def render_layout(spec, x0, y0, w, h):
    """[h, w, 2] float32 layout of the region with top-left pixel (x0, y0); spec as LayoutSpec's fields
    (pattern by name or index; mask as a [mask_height, mask_width] array)."""
    s = normalise(spec)
    out = np.zeros((h, w, LAYOUT_CHANNELS), np.float32)
    if s["pattern"] == "none" or w <= 0 or h <= 0:
        return out
    # Integer floor-modulo first (np.mod of int64 is a floor-mod): the position inside the period
    # depends only on (x mod period), so the pattern is exactly periodic.
    px = np.mod(np.arange(x0, x0 + w, dtype=np.int64), s["period_width"]).astype(np.float64) + 0.5
    py = np.mod(np.arange(y0, y0 + h, dtype=np.int64), s["period_height"]).astype(np.float64) + 0.5
    px, py = np.broadcast_arrays(px[None, :], py[:, None])
    out[..., 0] = _RAISED[s["pattern"]](s, px, py)
    out[..., 1] = 1.0
    return out


FIXTURE_ORIGIN = (-37, -11)
FIXTURE_SIZE = (32, 24)   # w, h: crosses x = 0 and y = 0


def fixture_cases():
    """Non-default parameters, nonzero seeds and jitter, every pattern."""
    mask = np.random.default_rng(7).random((5, 7)).astype(np.float32)
    return [
        dict(pattern="none"),
        dict(pattern="bricks", columns=5, rows=6, period_width=100, period_height=72, offset=0.35, gap=4.0,
             bevel=2.5, jitter=0.6, seed=11),
        dict(pattern="tiles", columns=3, rows=4, period_width=48, period_height=64, gap=2.0, bevel=1.5,
             jitter=0.8, seed=5),
        dict(pattern="hexagons", columns=6, rows=8, period_width=90, period_height=78, gap=3.0, bevel=2.0,
             jitter=0.7, seed=9),
        dict(pattern="planks", columns=3, rows=7, period_width=120, period_height=56, offset=0.25, gap=2.0,
             bevel=1.0, jitter=0.9, seed=21),
        dict(pattern="panels", columns=4, rows=3, period_width=64, period_height=48, gap=3.0, bevel=3.0,
             jitter=0.5, seed=4),
        dict(pattern="voronoi", columns=5, rows=4, period_width=75, period_height=50, gap=2.5, bevel=2.0,
             jitter=1.0, seed=77),
        dict(pattern="voronoi", columns=3, rows=2, period_width=40, period_height=36, gap=1.0, bevel=4.0,
             jitter=0.4, seed=3),
        dict(pattern="mask", period_width=28, period_height=20, mask=mask.tolist()),
        dict(pattern="blobs", columns=3, rows=2, period_width=60, period_height=44, offset=0.45, gap=1.5, bevel=3.0,
             jitter=0.8, seed=13),
        dict(pattern="blobs", columns=5, rows=5, period_width=40, period_height=40, offset=0.6, gap=0.0, bevel=0.0,
             jitter=0.0, seed=2),
    ]


def write_fixture(path):
    x0, y0 = FIXTURE_ORIGIN
    w, h = FIXTURE_SIZE
    cases = []
    for spec in fixture_cases():
        values = render_layout(spec, x0, y0, w, h)
        stored = dict(spec)
        if "mask" in stored:
            m = np.asarray(stored["mask"], np.float32)
            stored.update(mask=[float(v) for v in m.flatten()], mask_width=m.shape[1], mask_height=m.shape[0])
        cases.append(dict(spec=stored, x0=x0, y0=y0, w=w, h=h,
                          values=[round(float(v), 6) for v in values.flatten()]))
    doc = dict(description="Layout patterns rendered by models/training/ntex_train/patterns.py; values are "
                           "[h, w, 2] row-major (raised, present); tests/plugin/layout_pattern_test.cpp "
                           "compares the C++ render_layout within 1e-4.", cases=cases)
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-fixture", metavar="PATH", help="write the C++ cross-check fixture")
    args = ap.parse_args(argv)
    if args.write_fixture:
        write_fixture(args.write_fixture)
        print(f"wrote {args.write_fixture}")
    else:
        ap.print_help()


if __name__ == "__main__":
    main()
