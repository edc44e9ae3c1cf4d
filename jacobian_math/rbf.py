"""Gaussian radial basis functions phi_i(x) = exp(-(x - c_i)^2 / (2 sigma^2))."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _as_x(x: float | Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(x, dtype=float))
    if arr.ndim != 1:
        raise ValueError(f"x must be a scalar or a 1-D array, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"x must be finite, got {arr[~np.isfinite(arr)][0]}")
    return arr


class RBFBasis:
    """k Gaussian bumps with centres ``c`` (shape ``(k,)``) and common width ``sigma > 0``."""

    def __init__(self, centers: Sequence[float] | np.ndarray, sigma: float):
        c = np.asarray(centers, dtype=float)
        if c.ndim != 1 or c.size == 0:
            raise ValueError(f"centers must be a non-empty 1-D list of numbers, got {centers!r}")
        if not np.isfinite(c).all():
            raise ValueError(f"centers must be finite, got {centers!r}")
        real = isinstance(sigma, (int, float, np.integer, np.floating)) and not isinstance(sigma, bool)
        sigma_f = float(sigma) if real else float("nan")
        if not np.isfinite(sigma_f) or sigma_f <= 0:
            raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}")
        self.centers = c
        self.sigma = sigma_f

    def __repr__(self) -> str:
        return f"RBFBasis(centers={self.centers.tolist()}, sigma={self.sigma})"

    @property
    def k(self) -> int:
        """Number of basis functions."""
        return self.centers.size

    def values(self, x: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """phi(x): shape ``(n, k)`` for ``n`` input points."""
        d = _as_x(x)[:, None] - self.centers[None, :]
        return np.exp(-(d**2) / (2 * self.sigma**2))

    def derivatives(self, x: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """d phi / dx: shape ``(n, k)``; row j holds the k x 1 Jacobian column at x_j, transposed."""
        d = _as_x(x)[:, None] - self.centers[None, :]
        return np.exp(-(d**2) / (2 * self.sigma**2)) * (-d / self.sigma**2)

    def model(self, weights: Sequence[float] | np.ndarray) -> WeightedRBF:
        """The linear model f(x) = w . phi(x)."""
        return WeightedRBF(self, weights)


class WeightedRBF:
    """f(x) = w^T phi(x) and f'(x) = w^T dphi/dx for weights ``w`` (shape ``(k,)``)."""

    def __init__(self, basis: RBFBasis, weights: Sequence[float] | np.ndarray):
        w = np.asarray(weights, dtype=float)
        if w.shape != (basis.k,):
            raise ValueError(f"weights must have {basis.k} entries (one per centre), got {weights!r}")
        if not np.isfinite(w).all():
            raise ValueError(f"weights must be finite, got {weights!r}")
        self.basis = basis
        self.weights = w

    def __call__(self, x: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """f(x): shape ``(n,)``."""
        return self.basis.values(x) @ self.weights

    def derivative(self, x: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """f'(x): shape ``(n,)``."""
        return self.basis.derivatives(x) @ self.weights

    def weighted_values(self, x: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """w_i phi_i(x): shape ``(n, k)``; rows sum to f(x)."""
        return self.basis.values(x) * self.weights[None, :]

    def weighted_derivatives(self, x: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """w_i phi_i'(x): shape ``(n, k)``; rows sum to f'(x)."""
        return self.basis.derivatives(x) * self.weights[None, :]
