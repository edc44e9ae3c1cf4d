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

    Closed form: sigma_1^2 + sigma_2^2 = ||J||_F^2 and sigma_1 sigma_2 = |det J|.
    """
    arr = _as_2x2(jac)
    fro2 = np.sum(arr**2, axis=(-2, -1))
    det = np.abs(determinant(arr))
    disc = np.sqrt(np.maximum(fro2**2 - 4 * det**2, 0.0))
    s1 = np.sqrt((fro2 + disc) / 2)
    # sigma_2 = |det| / sigma_1 is accurate even when sigma_2 << sigma_1
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = np.where(s1 > 0, det / np.where(s1 > 0, s1, 1.0), 0.0)
    return np.stack([s1, s2], axis=-1)
