"""An encoder R^n -> R^d (d < n): what its Jacobian ignores, what it amplifies, and the pull-back metric.

Conventions as in :mod:`jacobian_math.ml`: points ``(..., n)``, codes ``(..., d)``, Jacobians ``(..., d, n)``.
The pull-back metric J^T J ``(..., n, n)`` is in squared code units per squared input unit: a step delta
at x moves the code by about sqrt(delta^T J^T J delta).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jacobian_math.ml import Composition, LinearLayer, MLInputError, TanhLayer, _finite, psd_axes


def tanh_encoder(W: np.ndarray | Sequence[Sequence[float]], b: np.ndarray | Sequence[float],
                 V: np.ndarray | Sequence[Sequence[float]]) -> Composition:
    """The encoder z = V tanh(W x + b): ``W (h, n)``, ``b (h,)``, ``V (d, h)``; a map ``(..., n) -> (..., d)``
    with its chain-rule Jacobian V diag(1 - tanh^2(W x + b)) W ``(..., d, n)``."""
    hidden = TanhLayer(np.asarray(W, dtype=float), np.asarray(b, dtype=float))
    readout = LinearLayer(np.asarray(V, dtype=float))
    if readout.W.shape[1] != hidden.W.shape[0]:
        raise MLInputError(f"V must have one column per hidden unit ({hidden.W.shape[0]}), got shape {readout.W.shape}")
    return Composition(hidden, readout)


def pullback_metric(jac: np.ndarray) -> np.ndarray:
    """G = J^T J: ``(..., d, n) -> (..., n, n)``; |J delta|^2 = delta^T G delta."""
    j = _finite("J", jac, 2)
    return np.swapaxes(j, -1, -2) @ j


def singular_directions(jac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sigma (n,), V (n, n))`` for one Jacobian ``J (d, n)``: the singular values, padded with zeros to n
    (largest first), and the right singular vectors as columns of V.

    v_1 is the input direction the encoder amplifies most (|J v_1| = sigma_1); the directions with sigma = 0
    span J's null space, which it ignores (to first order).  Computed as the axes of J^T J (signs arbitrary)."""
    j = _finite("J", jac, 2)
    if j.ndim != 2:
        raise MLInputError(f"J must be one (d, n) matrix, got shape {j.shape}")
    return psd_axes(pullback_metric(j))


__all__ = ["pullback_metric", "singular_directions", "tanh_encoder"]
