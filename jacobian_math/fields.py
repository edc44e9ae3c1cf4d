"""Scalar fields over a rectangular domain and the numbers the grid scenes lay out.

Everything here is in the input/output plane's own units (no pixels, no colours):
the ||J_f||_F field sampled at pixel centres, nice tick values, level curves by
marching squares, the bounding box of f(domain), a view box that fits a frame,
the arrow scale, label placement and the local-linearity zoom.

A *box* is ``(x_min, x_max, y_min, y_max)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jacobian_math.geometry import cell_image, linearised_cell
from jacobian_math.linalg import frobenius_norm, singular_values
from jacobian_math.protocols import DifferentiableMap

Box = tuple[float, float, float, float]


class FieldError(ValueError):
    """Bad input to a field or layout computation; the message names the value."""


def _box(box: Sequence[float], name: str = "box") -> Box:
    b = tuple(float(v) for v in box)
    if len(b) != 4 or not all(math.isfinite(v) for v in b) or not (b[0] < b[1] and b[2] < b[3]):
        raise FieldError(f"{name} must be (x_min, x_max, y_min, y_max) with min < max, got {tuple(box)!r}")
    return b  # type: ignore[return-value]


def _count(n: int, name: str, minimum: int = 1) -> int:
    if not isinstance(n, (int, np.integer)) or n < minimum:
        raise FieldError(f"{name} must be an integer >= {minimum}, got {n!r}")
    return int(n)


# ---------------------------------------------------------------- sampling


def pixel_centres(domain: Sequence[float], shape: tuple[int, int]) -> np.ndarray:
    """Centres of a ``rows x cols`` raster over ``domain``: ``(rows, cols, 2)``.

    Row 0 is the TOP row (largest y), column 0 the left column, as in an image.
    """
    x0, x1, y0, y1 = _box(domain, "domain")
    rows, cols = _count(shape[0], "rows"), _count(shape[1], "cols")
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], axis=-1)


def norm_field(
    fmap: DifferentiableMap, domain: Sequence[float], shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """``(points (rows, cols, 2), ||J_f||_F (rows, cols))`` at the raster's pixel centres."""
    points = pixel_centres(domain, shape)
    return points, frobenius_norm(fmap.jacobian(points))


def same_norm_different_stretch(
    fmap: DifferentiableMap, domain: Sequence[float], tol: float = 0.005, min_ratio: float = 1.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Two points of ``domain`` where ||J_f||_F is the same (to ``tol``, relative) but the largest singular
    value sigma_1 (how fast f changes in its fastest direction) differs most: the norm is an overall size,
    not the rate in the fastest direction.

    Candidates are the tick points of the domain (:func:`nice_ticks` in x and y), then, if no pair there has
    a sigma_1 ratio of at least ``min_ratio``, a 41 x 41 lattice.  Among the candidates ordered by x then y,
    both descending, the first pair with the largest ratio wins.  Returns ``(points (2, 2), norms (2,),
    sigma_1 (2,))``, smaller sigma_1 first, or ``None`` when no pair reaches ``min_ratio`` (e.g. a map
    whose sigma_1 is a function of its norm, such as any linear map)."""
    x0, x1, y0, y1 = _box(domain, "domain")
    xs, ys = lattice(domain, 41)
    for cx, cy in ((nice_ticks(x0, x1, 5), nice_ticks(y0, y1, 5)), (xs, ys)):
        gx, gy = np.meshgrid(np.sort(cx)[::-1], np.sort(cy)[::-1], indexing="ij")
        pts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
        jac = fmap.jacobian(pts)
        norms, s1 = frobenius_norm(jac), singular_values(jac)[:, 0]
        ok = np.isfinite(norms) & np.isfinite(s1) & (s1 > 0)
        pts, norms, s1 = pts[ok], norms[ok], s1[ok]
        if len(pts) < 2:
            continue
        same = np.abs(norms[:, None] - norms[None, :]) <= tol * np.maximum(norms[:, None], norms[None, :])
        ratio = np.where(same, np.maximum(s1[:, None], s1[None, :]) / np.minimum(s1[:, None], s1[None, :]), 0.0)
        ratio = np.triu(np.round(ratio, 9), k=1)
        i, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
        if ratio[i, j] >= min_ratio:
            pair = [i, j] if s1[i] <= s1[j] else [j, i]
            return pts[pair], norms[pair], s1[pair]
    return None


def lattice(domain: Sequence[float], n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n x n`` lattice including the domain's edges: ``xs (n,)``, ``ys (n,)`` ascending."""
    x0, x1, y0, y1 = _box(domain, "domain")
    n = _count(n, "n", 2)
    return np.linspace(x0, x1, n), np.linspace(y0, y1, n)


# ---------------------------------------------------------------- ticks and levels


NICE_MANTISSAS = (1.0, 2.0, 2.5, 5.0)
# Smallest tick step: far above the subnormal floats (~1e-308), where log10 and powers of ten lose
# their precision, and a candidate one decade below still stays a normal float.
MIN_STEP = 1e-290
STEP_RULES = ("at_most", "nearest")


def nice_step(span: float, ticks: int = 6, rule: str = "at_most") -> float:
    """A tick step m * 10**k with m in (1, 2, 2.5, 5) for ``span`` cut into about ``ticks`` intervals.

    ``rule="at_most"`` (the default): the smallest such step giving at most ``ticks`` intervals,
    span / step <= ticks (a bound: heat-map and colour-bar ticks, grids, views).
    ``rule="nearest"``: the step nearest to span / ticks in log scale, so span / step lies within
    [ticks / sqrt(2), ticks * sqrt(2)] (an axis sized to its data: the RBF panels).
    """
    if not (math.isfinite(span) and span > 0):
        raise FieldError(f"span must be a finite number > 0, got {span!r}")
    if isinstance(ticks, bool) or not isinstance(ticks, (int, np.integer)) or ticks < 1:
        raise FieldError(f"ticks must be an integer >= 1, got {ticks!r}")
    if rule not in STEP_RULES:
        raise FieldError(f"rule must be one of {', '.join(STEP_RULES)}, got {rule!r}")
    raw = span / ticks
    if raw < MIN_STEP:
        raise FieldError(f"span {span!r} is too small for ticks (below {MIN_STEP * ticks:g})")
    exponent = math.floor(math.log10(raw))
    if rule == "nearest":
        candidates = [m * 10.0**e for e in (exponent - 1, exponent, exponent + 1) for m in NICE_MANTISSAS]
        return float(min(candidates, key=lambda s: abs(math.log(s / raw))))
    base = 10.0**exponent
    for m in (*NICE_MANTISSAS, 10.0):
        if m * base >= raw * (1 - 1e-12):
            return m * base
    return 10.0 * base  # pragma: no cover - the loop always returns


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> np.ndarray:
    """Multiples of :func:`nice_step` inside ``[lo, hi]`` (ends included up to rounding)."""
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise FieldError(f"need finite lo < hi, got ({lo!r}, {hi!r})")
    n = max_ticks
    tol = 1e-12 * max(abs(lo), abs(hi), hi - lo)  # ends count as inside up to rounding, not up to a step
    while True:  # a step <= hi - lo (reached by n = 2) always has a multiple inside
        step = nice_step(hi - lo, n)
        first, last = math.ceil((lo - tol) / step), math.floor((hi + tol) / step)
        if last >= first:
            return np.round(np.arange(first, last + 1) * step, 12)
        n += 1


def value_range(values: np.ndarray, max_ticks: int = 6) -> tuple[float, float]:
    """``[lo, hi]`` covering the finite ``values``, widened outwards to nice tick multiples."""
    v = np.asarray(values, dtype=float)
    if v.size == 0 or not np.isfinite(v).all():
        raise FieldError("values must be a non-empty array of finite numbers")
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12 * max(1.0, abs(hi)):
        pad = max(abs(hi) * 0.05, 0.5)
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, max_ticks)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step


def level_values(values: np.ndarray, count: int = 4) -> np.ndarray:
    """Up to ``count`` nice levels strictly inside the range of ``values`` (for level curves)."""
    v = np.asarray(values, dtype=float)
    count = _count(count, "count")
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    if not hi > lo:
        return np.empty(0)
    for ticks in (count + 1, count + 2, count + 3, 2 * count + 2):
        levels = nice_ticks(lo, hi, ticks)
        levels = levels[(levels > lo) & (levels < hi)]
        if 1 <= len(levels) <= count:
            return levels
    return np.linspace(lo, hi, count + 2)[1:-1]


# ---------------------------------------------------------------- level curves


def contour_paths(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, level: float) -> list[np.ndarray]:
    """Polylines ``(k, 2)`` where the field crosses ``level`` (marching squares, linear interpolation).

    ``values`` has shape ``(len(ys), len(xs))`` with ``values[i, j]`` at ``(xs[j], ys[i])``;
    ``xs`` and ``ys`` ascending.  A closed curve ends with its first vertex repeated.
    """
    xs, ys, v = np.asarray(xs, float), np.asarray(ys, float), np.asarray(values, float)
    if v.shape != (len(ys), len(xs)) or len(xs) < 2 or len(ys) < 2:
        raise FieldError(f"values must have shape (len(ys), len(xs)) >= (2, 2), got {v.shape}")
    if not np.isfinite(v).all():
        raise FieldError("values must be finite to draw level curves")
    above = (v >= level).astype(int)

    def crossing(edge: tuple[str, int, int]) -> tuple[float, float]:
        kind, i, j = edge
        if kind == "h":  # between (i, j) and (i, j + 1)
            a, b = v[i, j], v[i, j + 1]
            t = (level - a) / (b - a)
            return xs[j] + t * (xs[j + 1] - xs[j]), ys[i]
        a, b = v[i, j], v[i + 1, j]
        t = (level - a) / (b - a)
        return xs[j], ys[i] + t * (ys[i + 1] - ys[i])

    # cell corners counter-clockwise: (i, j), (i, j+1), (i+1, j+1), (i+1, j); edges between them
    corners = above[:-1, :-1] | above[:-1, 1:] << 1 | above[1:, 1:] << 2 | above[1:, :-1] << 3
    links: dict[tuple[str, int, int], list[tuple[str, int, int]]] = {}
    for i, j in zip(*np.nonzero((corners != 0) & (corners != 15)), strict=True):
        edges = [("h", i, j), ("v", i, j + 1), ("h", i + 1, j), ("v", i, j)]  # bottom, right, top, left
        code = corners[i, j]
        cut = [k for k in range(4) if ((code >> k) & 1) != ((code >> ((k + 1) % 4)) & 1)]
        cut_edges = [edges[k] for k in cut]  # edge k joins corner k and corner k+1
        if len(cut_edges) == 2:
            pairs = [(cut_edges[0], cut_edges[1])]
        else:  # saddle: decide by the cell-centre value which corners connect
            centre_above = v[i : i + 2, j : j + 2].mean() >= level
            corner0_above = bool(code & 1)
            if centre_above == corner0_above:  # corner 0's region joins corner 2's: cut around corners 1 and 3
                pairs = [(edges[0], edges[1]), (edges[2], edges[3])]
            else:
                pairs = [(edges[3], edges[0]), (edges[1], edges[2])]
        for a, b in pairs:
            links.setdefault(a, []).append(b)
            links.setdefault(b, []).append(a)

    paths: list[np.ndarray] = []
    unused = {e: list(n) for e, n in links.items()}

    def walk(start: tuple[str, int, int]) -> list[tuple[str, int, int]]:
        chain = [start]
        cur = start
        while unused.get(cur):
            nxt = unused[cur].pop()
            unused[nxt].remove(cur)
            chain.append(nxt)
            cur = nxt
        return chain

    # open curves start at boundary edges (one link); closed ones anywhere
    for start in sorted(links, key=lambda e: len(links[e])):
        if unused.get(start):
            chain = walk(start)
            paths.append(np.array([crossing(e) for e in chain]))
    return paths


# ---------------------------------------------------------------- framing


def image_bounds(fmap: DifferentiableMap, domain: Sequence[float], n: int = 81) -> Box:
    """Bounding box of f over an ``n x n`` lattice of ``domain`` (edges included)."""
    xs, ys = lattice(domain, n)
    pts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    img = fmap(pts)
    if not np.isfinite(img).all():
        raise FieldError("f is not finite on the domain; call PlaneMap.require_finite first")
    return float(img[:, 0].min()), float(img[:, 0].max()), float(img[:, 1].min()), float(img[:, 1].max())


def union_box(*boxes: Sequence[float]) -> Box:
    """The smallest box containing all ``boxes``."""
    bs = np.array([_box(b) for b in boxes])
    return float(bs[:, 0].min()), float(bs[:, 1].max()), float(bs[:, 2].min()), float(bs[:, 3].max())


@dataclass(frozen=True)
class View:
    """A plot window: ``box`` in plane units, drawn at ``unit`` frame units per plane unit."""

    box: Box
    unit: float

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) in frame units."""
        return (self.box[1] - self.box[0]) * self.unit, (self.box[3] - self.box[2]) * self.unit


def fit_view(content: Sequence[float], width: float, height: float, margin: float = 0.08,
             fill: bool = False) -> View:
    """Equal-aspect view of ``content`` (padded by ``margin`` of its size, rounded out to
    multiples of a nice step, about a sixteenth of its size) scaled to fit a ``width x height``
    frame rectangle.

    With ``fill`` the box then grows (by whole steps, evenly on both sides) along the side the
    content leaves short, so the view fills the rectangle up to less than two steps: free room
    around the content (for labels) instead of empty frame.
    """
    x0, x1, y0, y1 = _box(content, "content")
    if not (width > 0 and height > 0):
        raise FieldError(f"width and height must be > 0, got {width!r}, {height!r}")
    if not (math.isfinite(margin) and margin >= 0):
        raise FieldError(f"margin must be a finite number >= 0, got {margin!r}")
    pad = margin * max(x1 - x0, y1 - y0)
    q = nice_step(max(x1 - x0, y1 - y0), 16)
    box = [math.floor((x0 - pad) / q) * q, math.ceil((x1 + pad) / q) * q,
           math.floor((y0 - pad) / q) * q, math.ceil((y1 + pad) / q) * q]
    unit = min(width / (box[1] - box[0]), height / (box[3] - box[2]))
    if fill:
        for lo, size in ((0, width), (2, height)):
            extra = math.floor((size / unit - (box[lo + 1] - box[lo])) / q + 1e-9)
            box[lo] -= (extra // 2) * q
            box[lo + 1] += (extra - extra // 2) * q
    return View((box[0], box[1], box[2], box[3]), unit)


def plot_width(content: Sequence[float], height: float, preferred: float, widest: float) -> float:
    """Frame width of a plot ``height`` high showing ``content`` at equal aspect: ``preferred``, or wider
    (up to ``widest``) when the content is wider than ``preferred x height``, so a wide, flat content
    is not drawn small."""
    x0, x1, y0, y1 = _box(content, "content")
    if not (height > 0 and 0 < preferred <= widest):
        raise FieldError(f"need height > 0 and 0 < preferred <= widest, got {height!r}, {preferred!r}, {widest!r}")
    return float(min(widest, max(preferred, height * (x1 - x0) / (y1 - y0))))


def square_box(points: np.ndarray, base: Sequence[float], margin: float = 0.08) -> Box:
    """The box ``base`` if it holds every point of ``points (..., 2)``; else the smallest square holding
    ``base`` and the points, widened by ``margin`` of its side on each side (a panel's view fitted to its data)."""
    x0, x1, y0, y1 = _box(base, "base")
    pts = np.asarray(points, float).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if pts.size == 0 or ((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)).all():
        return (float(x0), float(x1), float(y0), float(y1))
    lo = np.minimum(pts.min(axis=0), [x0, y0])
    hi = np.maximum(pts.max(axis=0), [x1, y1])
    centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2 * (1 + 2 * margin)
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))


def fit_scale(size: Sequence[float], room: Sequence[float]) -> float:
    """The factor (at most 1) that shrinks a ``(width, height)`` block to fit ``room (width, height)``."""
    w, h = (float(v) for v in size)
    rw, rh = (float(v) for v in room)
    if not (w >= 0 and h >= 0 and rw > 0 and rh > 0):
        raise FieldError(f"need a size >= 0 and room > 0, got {tuple(size)!r}, {tuple(room)!r}")
    return min(1.0, rw / w if w > 0 else 1.0, rh / h if h > 0 else 1.0)


def grid_step(domain: Sequence[float], cell_size: float, max_lines: int = 24) -> float:
    """Spacing of the morphing grid: the cell size when it gives 4..max_lines lines per side,
    else a nice step."""
    x0, x1, y0, y1 = _box(domain, "domain")
    span = max(x1 - x0, y1 - y0)
    if cell_size > 0 and 4 <= span / cell_size <= max_lines:
        return float(cell_size)
    return nice_step(span, max_lines // 2)


def grid_lines(domain: Sequence[float], step: float, samples: int = 48, edges: bool = True) -> list[np.ndarray]:
    """Vertical then horizontal lines of the grid at multiples of ``step`` inside ``domain``, each sampled at
    ``samples`` points: a list of ``(samples, 2)`` arrays, left to right then bottom to top.

    With ``edges`` (the default) the domain's edges are lines too, also where they are not multiples of
    ``step``; without, only the multiples of ``step`` are (a plane's background grid)."""
    x0, x1, y0, y1 = _box(domain, "domain")
    if not (math.isfinite(step) and step > 0):
        raise FieldError(f"step must be a finite number > 0, got {step!r}")
    samples = _count(samples, "samples", 2)

    def positions(a: float, b: float) -> np.ndarray:
        inner = np.arange(math.ceil(a / step - 1e-9), math.floor(b / step + 1e-9) + 1) * step
        ends = [[a], inner, [b]] if edges else [inner]
        return np.unique(np.round(np.concatenate(ends), 12))

    t = np.linspace(0.0, 1.0, samples)
    lines = [np.stack([np.full_like(t, x), y0 + t * (y1 - y0)], axis=-1) for x in positions(x0, x1)]
    lines += [np.stack([x0 + t * (x1 - x0), np.full_like(t, y)], axis=-1) for y in positions(y0, y1)]
    return lines


# ---------------------------------------------------------------- arrows, labels, zoom


def arrow_scale(jacobians: np.ndarray, unit: float, preferred: float, max_length: float,
                min_length: float = 0.0) -> float:
    """Plane-unit length s of the drawn e_i (and so s J e_i) arrows.

    ``preferred`` (usually the cell size, so J e_i arrows are the parallelogram's edges) is
    shrunk until the longest of s |e_i|, s |J e_i| is at most ``max_length`` frame units, then
    raised (if still allowed) so that s e_i is at least ``min_length`` frame units.
    """
    jac = np.asarray(jacobians, float).reshape(-1, 2, 2)
    if not np.isfinite(jac).all():
        raise FieldError("jacobians must be finite")
    if not (unit > 0 and preferred > 0 and max_length > 0 and min_length >= 0):
        raise FieldError(f"unit, preferred, max_length must be > 0, got {unit!r}, {preferred!r}, {max_length!r}")
    longest = max(1.0, float(np.linalg.norm(jac, axis=-2).max()))  # column norms |J e_i|, and |e_i| = 1
    s = min(preferred, max_length / (unit * longest))
    if s * unit < min_length:
        s = min(min_length / unit, max_length / (unit * longest))
    return float(s)


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Summed overlap area of each of ``boxes (k, 4)`` with all of ``others (m, 4)``: ``(k,)``."""
    if len(others) == 0:
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 1], others[None, :, 1]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    h = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 2], others[None, :, 2])
    return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)


def label_layout(anchors: np.ndarray, sizes: np.ndarray, bounds: Sequence[float],
                 obstacles: np.ndarray | None = None, gap: float = 0.15,
                 spacing: float = 0.1) -> tuple[np.ndarray, float]:
    """Centres ``(n, 2)`` for ``n`` boxes of ``sizes (n, 2)`` (width, height) near ``anchors (n, 2)``,
    and the overlap area left (0 when every box is free).

    Greedy: each label in turn takes the first free candidate on rings of growing distance
    around its anchor (8 directions), else the free point of a ``spacing`` lattice over
    ``bounds`` nearest its anchor (far from the anchor: the scene draws a leader line), else
    the candidate with the least overlap (overlap with labels weighs 4 times overlap with the
    ``obstacles`` boxes ``(m, 4)``).  Every box stays inside ``bounds``; "free" means touching
    neither an earlier label nor an obstacle.
    """
    a, s = np.asarray(anchors, float).reshape(-1, 2), np.asarray(sizes, float).reshape(-1, 2)
    if a.shape != s.shape:
        raise FieldError(f"anchors and sizes must both be (n, 2), got {a.shape} and {s.shape}")
    if not (np.isfinite(a).all() and np.isfinite(s).all() and (s >= 0).all()):
        raise FieldError("anchors and sizes must be finite, sizes >= 0")
    bx = _box(bounds, "bounds")
    if not (math.isfinite(spacing) and spacing > 0):
        raise FieldError(f"spacing must be a finite number > 0, got {spacing!r}")
    obs = np.zeros((0, 4)) if obstacles is None else np.asarray(obstacles, float).reshape(-1, 4)
    dirs = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1], [1, 0], [-1, 0], [0, 1], [0, -1]], float)
    gx = np.arange(bx[0], bx[1] + spacing / 2, spacing)
    gy = np.arange(bx[2], bx[3] + spacing / 2, spacing)
    lattice_pts = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)

    placed = np.zeros((0, 4))
    out = np.zeros_like(a)
    left = 0.0
    for k in range(len(a)):
        half = s[k] / 2
        lo = np.array([bx[0] + half[0], bx[2] + half[1]])
        hi = np.maximum(lo, [bx[1] - half[0], bx[3] - half[1]])
        rings = (a[k] + (dirs[None, :, :] * (half + gap * (1 + 2 * np.arange(8))[:, None, None]))).reshape(-1, 2)
        for cands, nearest in ((rings, False), (lattice_pts, True)):
            c = np.clip(cands, lo, hi)
            boxes = np.concatenate([c - half, c + half], axis=1)[:, [0, 2, 1, 3]]
            cost = 4 * _overlaps(boxes, placed) + _overlaps(boxes, obs)
            free = np.flatnonzero(cost <= 1e-12)
            if len(free):
                pick = free[np.argmin(np.linalg.norm(c[free] - a[k], axis=1))] if nearest else free[0]
                out[k], best_cost = c[pick], 0.0
                break
            if not nearest:  # the least overlapping ring candidate, in case nothing is free
                fallback, fallback_cost = c[int(np.argmin(cost))], float(cost.min())
        else:
            out[k], best_cost = fallback, fallback_cost
        left += best_cost
        placed = np.concatenate([placed, [[out[k, 0] - half[0], out[k, 0] + half[0],
                                           out[k, 1] - half[1], out[k, 1] + half[1]]]])
    return out, float(left)


def place_labels(anchors: np.ndarray, sizes: np.ndarray, bounds: Sequence[float],
                 obstacles: np.ndarray | None = None, gap: float = 0.15) -> np.ndarray:
    """The centres of :func:`label_layout` (free if anywhere free, else least overlapping)."""
    return label_layout(anchors, sizes, bounds, obstacles, gap)[0]


def fit_labels(anchors: np.ndarray, sizes: np.ndarray, bounds: Sequence[float],
               obstacles: np.ndarray | None = None, gap: float = 0.15,
               scales: Sequence[float] = (1.0, 0.85, 0.7)) -> tuple[np.ndarray, float, bool]:
    """:func:`label_layout` at the first of ``scales`` (applied to ``sizes``) where every label is free:
    ``(centres, scale, True)``; when none is, the smallest scale's least-overlap layout and False."""
    if not scales or min(scales) <= 0:
        raise FieldError(f"scales must be a non-empty list of numbers > 0, got {scales!r}")
    for scale in scales:
        centres, left = label_layout(anchors, np.asarray(sizes, float) * scale, bounds, obstacles, gap)
        if left <= 1e-12:
            return centres, float(scale), True
    return centres, float(scales[-1]), False


def halving_sizes(h0: float, steps: int) -> np.ndarray:
    """Cell sizes h0, h0/2, ..., h0/2**steps: ``(steps + 1,)``."""
    if not (math.isfinite(h0) and h0 > 0):
        raise FieldError(f"h0 must be a finite number > 0, got {h0!r}")
    return h0 / 2.0 ** np.arange(_count(steps, "steps", 0) + 1)


def zoomed(points: np.ndarray, origin: np.ndarray, h: float) -> np.ndarray:
    """Magnify about ``origin`` by 1/h: ``(points - origin) / h``, shape preserved."""
    return (np.asarray(points, float) - np.asarray(origin, float)) / h


def zoom_box(fmap: DifferentiableMap, point: np.ndarray, sizes: Sequence[float], samples_per_side: int = 16) -> Box:
    """Box (in 1/h-magnified units about f(p)) holding the true cell image and the
    parallelogram for every h in ``sizes``: the inset's content for the whole zoom."""
    p = np.asarray(point, float)
    fp = fmap(p)
    parts = []
    for h in sizes:
        parts.append(zoomed(cell_image(fmap, p, h, samples_per_side), fp, h))
        parts.append(zoomed(linearised_cell(fmap, p, h), fp, h))
    pts = np.concatenate(parts)
    return float(pts[:, 0].min()), float(pts[:, 0].max()), float(pts[:, 1].min()), float(pts[:, 1].max())


def polyline_point(waypoints: np.ndarray, s: float) -> np.ndarray:
    """The point at fraction ``s`` in [0, 1] of the arc length along ``waypoints (k, 2)``."""
    w = np.asarray(waypoints, float).reshape(-1, 2)
    if len(w) == 1:
        return w[0].copy()
    seg = np.linalg.norm(np.diff(w, axis=0), axis=1)
    total = seg.sum()
    if total == 0:
        return w[0].copy()
    target = float(np.clip(s, 0.0, 1.0)) * total
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    k = min(int(np.searchsorted(cum, target, side="right")) - 1, len(seg) - 1)
    t = 0.0 if seg[k] == 0 else (target - cum[k]) / seg[k]
    return w[k] + t * (w[k + 1] - w[k])


def probe_waypoints(domain: Sequence[float], sample_points: Sequence[Sequence[float]]) -> np.ndarray:
    """The heatmap probe's tour ``(k, 2)``: in from near a corner (a steep region), through the
    sample points inside the domain, ending at the last of them."""
    x0, x1, y0, y1 = _box(domain, "domain")
    inside = [p for p in np.asarray(sample_points, float).reshape(-1, 2)
              if x0 <= p[0] <= x1 and y0 <= p[1] <= y1]
    start = np.array([x0 + 0.85 * (x1 - x0), y0 + 0.15 * (y1 - y0)])
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    return np.array([start, *inside] if inside else [start, centre])
