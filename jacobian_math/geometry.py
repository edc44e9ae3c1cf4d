"""A square cell, its image under f, and its image under the linearisation at a point.

All points are arrays of shape ``(..., 2)`` in the input plane's units.  The
cell at ``point`` with side ``h`` has ``point`` as its lower-left corner, so its
edges from ``point`` are ``h e1`` and ``h e2``.
"""

from __future__ import annotations

import numpy as np

from jacobian_math.protocols import DifferentiableMap


def _point(point: np.ndarray) -> np.ndarray:
    p = np.asarray(point, dtype=float)
    if p.shape != (2,) or not np.isfinite(p).all():
        raise ValueError(f"point must be two finite numbers, got {point!r}")
    return p


def _side(h: float) -> float:
    real = isinstance(h, (int, float, np.integer, np.floating)) and not isinstance(h, bool)
    if not (real and np.isfinite(h) and h > 0):
        raise ValueError(f"cell side h must be a finite number > 0, got {h!r}")
    return float(h)


def square_cell(point: np.ndarray, h: float) -> np.ndarray:
    """The 4 corners ``(4, 2)`` counter-clockwise: p, p + h e1, p + h(e1 + e2), p + h e2."""
    p, s = _point(point), _side(h)
    return p + s * np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])


def cell_boundary(point: np.ndarray, h: float, samples_per_side: int = 16) -> np.ndarray:
    """The cell's boundary sampled counter-clockwise, ``(4 * samples_per_side, 2)``, not closed."""
    count = samples_per_side
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"samples_per_side must be an integer >= 1, got {samples_per_side!r}")
    corners = square_cell(point, h)
    t = np.arange(samples_per_side)[:, None] / samples_per_side
    sides = [corners[i] + t * (corners[(i + 1) % 4] - corners[i]) for i in range(4)]
    return np.concatenate(sides, axis=0)


def linearised_cell(fmap: DifferentiableMap, point: np.ndarray, h: float) -> np.ndarray:
    """Corners ``(4, 2)`` of the parallelogram f(p) + J(p) (corner - p)."""
    p = _point(point)
    offsets = square_cell(p, h) - p
    return fmap(p) + offsets @ fmap.jacobian(p).T


def cell_image(fmap: DifferentiableMap, point: np.ndarray, h: float, samples_per_side: int = 16) -> np.ndarray:
    """The true image f(boundary) of the cell, ``(4 * samples_per_side, 2)``."""
    return fmap(cell_boundary(point, h, samples_per_side))


def linearisation_gap(fmap: DifferentiableMap, point: np.ndarray, h: float, samples_per_side: int = 16) -> float:
    """max over boundary points q of |f(q) - f(p) - J(p)(q - p)|: the distance between the
    true image and the parallelogram, matched point by point.  Shrinks like h^2."""
    p = _point(point)
    boundary = cell_boundary(p, h, samples_per_side)
    linear = fmap(p) + (boundary - p) @ fmap.jacobian(p).T
    return float(np.max(np.linalg.norm(fmap(boundary) - linear, axis=-1)))


def gap_noise(fmap: DifferentiableMap, point: np.ndarray, h: float) -> float:
    """The rounding noise of f(q) - f(p) - J(p)(q - p) on a cell of side up to ``h`` at ``point``: a
    :func:`linearisation_gap` at or below it is 0 (f affine on the cell), above it a true gap."""
    p = _point(point)
    return 1e-12 * (1.0 + float(np.abs(fmap(p)).max()) + float(h * np.abs(fmap.jacobian(p)).max()))


def gap_halving_ratios(fmap: DifferentiableMap, point: np.ndarray, sizes: np.ndarray,
                       samples_per_side: int = 16) -> np.ndarray:
    """gap(h_k) / gap(h_{k+1}) for consecutive cell sizes ``sizes (n,)``: ``(n - 1,)``.

    For halving sizes the ratio tends to 4 where the second derivative of f at p is not zero (the gap
    shrinks like h^2), to 8 where only third derivatives remain; NaN where a gap is 0 up to rounding
    (f affine on the cell)."""
    p, hs = _point(point), np.asarray(sizes, float)
    gaps = np.array([linearisation_gap(fmap, p, float(h), samples_per_side) for h in hs])
    gaps = np.where(gaps > gap_noise(fmap, p, float(hs.max())), gaps, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gaps[1:] > 0, gaps[:-1] / np.where(gaps[1:] > 0, gaps[1:], 1.0), np.nan)
