"""Batched norms, determinants and singular values of 2x2 Jacobians ``(..., 2, 2)``."""

from __future__ import annotations

import numpy as np


def _as_2x2(jac: np.ndarray) -> np.ndarray:
    arr = np.asarray(jac, dtype=float)
    if arr.ndim < 2 or arr.shape[-2:] != (2, 2):
        raise ValueError(f"expected Jacobians of shape (..., 2, 2), got shape {arr.shape}")
    return arr


def frobenius_norm(jac: np.ndarray) -> np.ndarray:
    """||J||_F = sqrt(sum of squared entries): ``(..., 2, 2) -> (...)``."""
    arr = _as_2x2(jac)
    return np.sqrt(np.sum(arr**2, axis=(-2, -1)))


def determinant(jac: np.ndarray) -> np.ndarray:
    """det J = ad - bc: ``(..., 2, 2) -> (...)``; the local area scale (signed)."""
    arr = _as_2x2(jac)
    return arr[..., 0, 0] * arr[..., 1, 1] - arr[..., 0, 1] * arr[..., 1, 0]


def singular_values(jac: np.ndarray) -> np.ndarray:
    """(sigma_1, sigma_2), largest first: ``(..., 2, 2) -> (..., 2)``.

    Closed form for 2x2 matrices: with E = (a + d)/2, F = (a - d)/2, G = (c + b)/2,
    H = (c - b)/2, sigma_1 = hypot(E, H) + hypot(F, G) and sigma_2 = |det J| / sigma_1.
    Each matrix is first divided by its largest entry, so tiny (1e-200) and huge (1e200)
    entries neither underflow nor overflow, and nearly equal singular values (rotations)
    keep full precision.  Non-finite matrices give NaN.
    """
    arr = _as_2x2(jac)
    scale = np.max(np.abs(arr), axis=(-2, -1))
    finite = np.isfinite(scale)
    safe = np.where(finite & (scale > 0), scale, 1.0)
    with np.errstate(invalid="ignore"):
        m = arr / safe[..., None, None]
    a, b, c, d = m[..., 0, 0], m[..., 0, 1], m[..., 1, 0], m[..., 1, 1]
    s1 = np.hypot((a + d) / 2, (c - b) / 2) + np.hypot((a - d) / 2, (c + b) / 2)
    # sigma_2 = |det| / sigma_1 is accurate even when sigma_2 << sigma_1 (|Q - R| would cancel)
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = np.where(s1 > 0, np.abs(a * d - b * c) / np.where(s1 > 0, s1, 1.0), 0.0)
    s2 = np.minimum(s2, s1)  # rounding must not reorder them
    out = np.stack([s1, s2], axis=-1) * safe[..., None]
    return np.where(finite[..., None], out, np.nan)
