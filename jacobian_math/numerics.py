"""Finite-difference Jacobians, for tests and for maps without a symbolic form."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_jacobian(
    fn: Callable[[np.ndarray], np.ndarray], points: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Central-difference Jacobian of ``fn`` at ``points``.

    ``fn`` maps ``(..., n)`` to ``(..., m)``; the result has shape ``(..., m, n)``,
    column j being ``(fn(p + h e_j) - fn(p - h e_j)) / (2 h)``.
    """
    if not (isinstance(h, (int, float, np.floating, np.integer)) and np.isfinite(h) and h > 0):
        raise ValueError(f"step h must be a finite number > 0, got {h!r}")
    pts = np.asarray(points, dtype=float)
    if pts.ndim == 0 or pts.shape[-1] == 0:
        raise ValueError(f"points must have shape (..., n) with n >= 1, got shape {pts.shape}")
    n = pts.shape[-1]
    columns = []
    for j in range(n):
        step = np.zeros(n)
        step[j] = h
        columns.append((np.asarray(fn(pts + step)) - np.asarray(fn(pts - step))) / (2 * h))
    return np.stack(columns, axis=-1)
