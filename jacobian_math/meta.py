"""MAML's inner step as a map of the parameter plane, its Jacobian I - alpha H, and the meta-gradient.

A task is a tiny regression: the model y = tanh(a x + b) with parameters theta = (a, b) and the loss
L(theta) = mean_k (tanh(a x_k + b) - y_k)^2 / 2 over the task's data.  Not quadratic in theta, so its
Hessian changes from point to point.  One inner gradient step theta' = theta - alpha grad L(theta) is a
map R^2 -> R^2 (a :class:`~jacobian_math.protocols.DifferentiableMap`) with Jacobian
d theta' / d theta = I - alpha Hess L(theta).  MAML differentiates a validation loss through that step:
grad_theta L_val(theta') = (I - alpha Hess L(theta))^T grad L_val(theta'); first-order MAML drops the
Hessian and uses grad L_val(theta') itself.  Parameters, data and losses are unitless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jacobian_math.ml import MLInputError, _finite, vjp


def _theta(theta: np.ndarray | Sequence[float]) -> np.ndarray:
    arr = _finite("theta", theta)
    if arr.shape[-1] != 2:
        raise MLInputError(f"theta must have shape (..., 2) (a, b), got shape {arr.shape}")
    return arr


@dataclass(frozen=True)
class TanhRegression:
    """The loss L(theta) = mean_k (tanh(a x_k + b) - y_k)^2 / 2 of a task with data ``x (N,)``, ``y (N,)``."""

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        x, y = _finite("x", self.x), _finite("y", self.y)
        if x.ndim != 1 or x.shape != y.shape:
            raise MLInputError(f"x and y must be 1-D and of equal length, got shapes {x.shape} and {y.shape}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def _parts(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """tanh(a x_k + b), residuals r_k and slopes s_k = 1 - tanh^2, each ``(..., N)``."""
        th = _theta(theta)
        t = np.tanh(th[..., :1] * self.x + th[..., 1:])
        return t, t - self.y, 1.0 - t**2

    def predict(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The model tanh(a x + b) for one ``theta (2,)`` at inputs ``x (k,)``: ``(k,)``."""
        a, b = _theta(theta)
        return np.tanh(a * _finite("x", x) + b)

    def loss(self, theta: np.ndarray) -> np.ndarray:
        """L(theta): ``(..., 2) -> (...)``."""
        return 0.5 * np.mean(self._parts(theta)[1] ** 2, axis=-1)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """grad L = mean_k r_k s_k (x_k, 1): ``(..., 2) -> (..., 2)``."""
        _, r, s = self._parts(theta)
        return np.stack([np.mean(r * s * self.x, axis=-1), np.mean(r * s, axis=-1)], axis=-1)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Hess L = mean_k (s_k^2 - 2 r_k t_k s_k) (x_k, 1)(x_k, 1)^T: ``(..., 2) -> (..., 2, 2)``, symmetric.

        The Gauss-Newton part s^2 phi phi^T plus the curvature of tanh weighted by the residual."""
        t, r, s = self._parts(theta)
        w = s**2 - 2.0 * r * t * s
        phi = np.stack([self.x, np.ones_like(self.x)], axis=-1)  # (N, 2)
        return np.einsum("...k,ki,kj->...ij", w, phi, phi) / len(self.x)


@dataclass(frozen=True)
class InnerStep:
    """theta -> theta' = theta - alpha grad L(theta), one inner gradient step on ``task``: a map of the plane."""

    task: TanhRegression
    alpha: float

    def __post_init__(self) -> None:
        if isinstance(self.alpha, bool) or not (np.isfinite(self.alpha) and self.alpha > 0):
            raise MLInputError(f"alpha must be a finite number > 0, got {self.alpha!r}")

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        """``(..., 2) -> (..., 2)``."""
        return _theta(theta) - self.alpha * self.task.gradient(theta)

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        """d theta' / d theta = I - alpha Hess L(theta): ``(..., 2) -> (..., 2, 2)``."""
        return np.eye(2) - self.alpha * self.task.hessian(theta)


def maml_gradient(step: InnerStep, val: TanhRegression, theta: np.ndarray) -> np.ndarray:
    """The meta-gradient of theta -> L_val(step(theta)): (I - alpha Hess L(theta))^T grad L_val(theta'),
    the validation gradient pulled back through the step by a vector-Jacobian product: ``(..., 2) -> (..., 2)``."""
    return vjp(val.gradient(step(theta)), step.jacobian(theta))


def first_order_maml_gradient(step: InnerStep, val: TanhRegression, theta: np.ndarray) -> np.ndarray:
    """First-order MAML's stand-in for :func:`maml_gradient`: grad L_val(theta') itself, as if
    d theta' / d theta were I: ``(..., 2) -> (..., 2)``."""
    return val.gradient(step(theta))


__all__ = ["InnerStep", "TanhRegression", "first_order_maml_gradient", "maml_gradient"]
