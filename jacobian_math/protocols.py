"""The one protocol for a differentiable map, shared by the geometry, field and ML helpers."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class DifferentiableMap(Protocol):
    """A map R^n -> R^m with its Jacobian.

    ``f(x) -> (..., m)`` and ``f.jacobian(x) -> (..., m, n)`` (rows = outputs, columns = inputs) for points
    ``x`` of shape ``(..., n)``.  ``PlaneMap``, ``TanhLayer``, ``Composition`` and ``CouplingFlow`` are such
    maps; in the plane ``n = m = 2``.
    """

    def __call__(self, x: np.ndarray) -> np.ndarray: ...

    def jacobian(self, x: np.ndarray) -> np.ndarray: ...


__all__ = ["DifferentiableMap"]
