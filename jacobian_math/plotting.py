"""Plot geometry in data coordinates: axis ranges from data, tangent segments of fixed on-screen length.

Pure NumPy; "screen" quantities are in whatever length unit the caller draws with
(for Manim scenes, scene units), given as the length of one data unit along each axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jacobian_math.fields import MIN_STEP, nice_step

# Spans below this fraction of the values' magnitude are rounding noise: such an axis is drawn as for
# a single value (ticks a rounding-error apart would all print the same number).
REL_SPAN_FLOOR = 1e-9


class PlotGeometryError(ValueError):
    """Bad input to a plot-geometry helper; the message names the bad value."""


def axis_range(
    values: Sequence[float] | np.ndarray,
    pad: float = 0.08,
    include_zero: bool = True,
    target_ticks: int = 4,
) -> tuple[float, float, float]:
    """``(lo, hi, step)`` for an axis showing all finite ``values`` (any shape).

    The data interval (widened to contain 0 when ``include_zero``) is padded by ``pad`` times its
    span on each side; ``step`` is the :func:`~jacobian_math.fields.nice_step` nearest to ``target_ticks``
    intervals (``rule="nearest"``).
    """
    v = np.asarray(values, dtype=float).ravel()
    if v.size == 0:
        raise PlotGeometryError("values must not be empty")
    if not np.isfinite(v).all():
        raise PlotGeometryError(f"values must be finite, got {v[~np.isfinite(v)][0]}")
    if not np.isfinite(pad) or pad < 0:
        raise PlotGeometryError(f"pad must be a finite number >= 0, got {pad!r}")
    lo, hi = float(v.min()), float(v.max())
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = hi - lo
    if span <= max(REL_SPAN_FLOOR * max(abs(lo), abs(hi)), MIN_STEP * 1e3):  # one value, up to rounding
        mid = lo + span / 2
        span = max(abs(mid), 1.0)
        lo, hi = mid - span / 2, mid + span / 2
    lo, hi = lo - pad * span, hi + pad * span
    return lo, hi, nice_step(hi - lo, target_ticks, rule="nearest")


def tangent_segments(
    x0: float | Sequence[float] | np.ndarray,
    y0: float | Sequence[float] | np.ndarray,
    slope: float | Sequence[float] | np.ndarray,
    length: float,
    x_unit: float,
    y_unit: float,
) -> np.ndarray:
    """End points of segments through ``(x0, y0)`` with data slope ``slope``, centred there, each
    ``length`` long on screen when one data unit is ``x_unit`` (resp. ``y_unit``) long on screen.

    Inputs broadcast to a common shape ``(k,)``; returns shape ``(k, 2, 2)``:
    ``[i, 0]`` is the left end ``(x, y)`` in data coordinates, ``[i, 1]`` the right end.
    """
    x, y, m = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=float)) for a in (x0, y0, slope)))
    if x.ndim != 1:
        raise PlotGeometryError(f"x0, y0 and slope must be scalars or 1-D arrays, got shape {x.shape}")
    for name, arr in (("x0", x), ("y0", y), ("slope", m)):
        if not np.isfinite(arr).all():
            raise PlotGeometryError(f"{name} must be finite, got {arr[~np.isfinite(arr)][0]}")
    for name, val in (("length", length), ("x_unit", x_unit), ("y_unit", y_unit)):
        if not np.isfinite(val) or val <= 0:
            raise PlotGeometryError(f"{name} must be a finite number > 0, got {val!r}")
    # Half the screen length along the screen direction (x_unit, m * y_unit), converted back to data.
    dx = 0.5 * length / np.hypot(x_unit, m * y_unit)
    ends = np.empty(x.shape + (2, 2))
    ends[:, 0, 0], ends[:, 0, 1] = x - dx, y - m * dx
    ends[:, 1, 0], ends[:, 1, 1] = x + dx, y + m * dx
    return ends


def partial_sums(terms: np.ndarray) -> np.ndarray:
    """Running sums over the last axis: ``out[..., j] = terms[..., 0] + ... + terms[..., j]``.

    With ``terms = WeightedRBF.weighted_values(x)`` (shape ``(n, k)``) column ``j`` is the model built
    from the first ``j + 1`` weighted bumps; the last column is ``f(x)``.
    """
    t = np.asarray(terms, dtype=float)
    if t.ndim < 1 or t.shape[-1] == 0:
        raise PlotGeometryError(f"terms must have at least one entry along the last axis, got shape {t.shape}")
    return np.cumsum(t, axis=-1)
