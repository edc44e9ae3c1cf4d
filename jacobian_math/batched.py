"""A layer applied to a batch: X (B, n) -> Y (B, m), and the Jacobian of the whole batch map.

The batch Jacobian is that of vec(Y) with respect to vec(X), rows and columns in row-major order (entry
``(i m + k, j n + l)`` is dy_ik / dx_jl), shape ``(B m, B n)``; its ``(i, j)`` block ``(m, n)`` says how
example i's output moves with example j's input.  A layer that treats each example alone makes it block
diagonal (the off-diagonal blocks are exactly zero), so the per-example Jacobian ``(B, m, n)`` holds every
nonzero entry.  Subtracting the batch mean (the centring of batch normalisation) couples the examples and
fills the off-diagonal blocks.  All quantities are unitless.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_math.ml import MLInputError, _finite
from jacobian_math.protocols import DifferentiableMap


def _batch(X: np.ndarray) -> np.ndarray:
    arr = _finite("X", X, 2)
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise MLInputError(f"a batch must have shape (B, n) with B >= 1, got shape {arr.shape}")
    return arr


@dataclass(frozen=True)
class BatchLayer:
    """x_i -> f(x_i - c xbar) for each row x_i of a batch X ``(B, n)``, xbar the batch mean of the rows.

    ``f`` is a map R^n -> R^m (e.g. :class:`~jacobian_math.ml.TanhLayer`); ``c`` = ``centring`` in [0, 1]:
    0 is f applied row by row (examples independent), 1 subtracts the batch mean first, so that for
    f(x) = tanh(W x + b) each pre-activation W x_i loses the batch mean of W x (as batch normalisation's
    centring does)."""

    f: DifferentiableMap
    centring: float = 0.0

    def __post_init__(self) -> None:
        c = self.centring
        if isinstance(c, bool) or not (isinstance(c, (int, float, np.integer, np.floating)) and 0 <= c <= 1):
            raise MLInputError(f"centring must be a number in [0, 1], got {c!r}")

    def _inputs(self, X: np.ndarray) -> np.ndarray:
        x = _batch(X)
        return x - self.centring * x.mean(axis=0)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """``(B, n) -> (B, m)``."""
        return np.asarray(self.f(self._inputs(X)))

    def per_example_jacobian(self, X: np.ndarray) -> np.ndarray:
        """J_f at each example's (centred) input, ``(B, n) -> (B, m, n)``: the diagonal blocks of
        :meth:`jacobian` when ``centring`` is 0 (then every nonzero entry of it)."""
        return np.asarray(self.f.jacobian(self._inputs(X)))

    def jacobian(self, X: np.ndarray) -> np.ndarray:
        """d vec(Y) / d vec(X), ``(B, n) -> (B m, B n)``: block (i, j) is J_f(u_i) (delta_ij - c / B),
        u_i = x_i - c xbar."""
        per = self.per_example_jacobian(X)
        B, m, n = per.shape
        mix = np.eye(B) - self.centring / B  # d u_i / d x_j = (delta_ij - c / B) I
        return np.einsum("imn,ij->imjn", per, mix).reshape(B * m, B * n)


def blocks(jac: np.ndarray, batch: int) -> np.ndarray:
    """The blocks of a batch Jacobian ``(B m, B n)`` as ``(B, B, m, n)``; ``[i, j]`` is d y_i / d x_j."""
    j = _finite("jac", jac, 2)
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1 or j.ndim != 2 \
            or j.shape[0] % batch or j.shape[1] % batch:
        raise MLInputError(f"a batch Jacobian of shape (B m, B n) needs B >= 1 dividing both, got shape "
                           f"{j.shape} and B = {batch!r}")
    return j.reshape(batch, j.shape[0] // batch, batch, j.shape[1] // batch).transpose(0, 2, 1, 3)


def block_sizes(jac: np.ndarray, batch: int) -> np.ndarray:
    """The largest |entry| of each block of a batch Jacobian ``(B m, B n)``: ``(B, B)``."""
    return np.abs(blocks(jac, batch)).max(axis=(-2, -1))


def off_diagonal_size(jac: np.ndarray, batch: int) -> float:
    """The largest |entry| outside the diagonal blocks (0 for a block-diagonal batch Jacobian; 0 when B = 1)."""
    sizes = block_sizes(jac, batch)
    return float(np.where(np.eye(batch, dtype=bool), 0.0, sizes).max())


def storage_sizes(batch: int, m: int, n: int) -> tuple[int, int]:
    """Numbers held by the per-example Jacobian, B m n, and by the full batch Jacobian, (B m)(B n)."""
    for name, v in (("batch", batch), ("m", m), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise MLInputError(f"{name} must be an integer >= 1, got {v!r}")
    return batch * m * n, (batch * m) * (batch * n)


__all__ = ["BatchLayer", "block_sizes", "blocks", "off_diagonal_size", "storage_sizes"]
