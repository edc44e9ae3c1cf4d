"""Jacobians from the page's machine-learning section (NumPy only).

Conventions: a map R^n -> R^m takes points ``(..., n)`` to ``(..., m)`` and its
Jacobian has shape ``(..., m, n)`` (rows = outputs, columns = inputs).  All
quantities are unitless; densities are per unit area of the plane they live on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from jacobian_math.linalg import singular_values
from jacobian_math.protocols import DifferentiableMap


class MLInputError(ValueError):
    """An argument of a machine-learning helper has the wrong shape or value."""


def _finite(name: str, value: np.ndarray | Sequence[float] | float, min_ndim: int = 1) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim < min_ndim:
        raise MLInputError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise MLInputError(f"{name} must be finite, got {value!r}")
    return arr


# ----------------------------------------------------------------------------- softmax


def softmax(logits: np.ndarray) -> np.ndarray:
    """p_i = exp(z_i) / sum_j exp(z_j): ``(..., K) -> (..., K)``, computed stably."""
    z = _finite("logits", logits)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(logits: np.ndarray) -> np.ndarray:
    """dp_i/dz_j = p_i (delta_ij - p_j), i.e. diag(p) - p p^T: ``(..., K) -> (..., K, K)``.

    Symmetric, each row sums to zero (the probabilities keep summing to 1), and it
    vanishes as one p_i tends to 1 (saturation).
    """
    p = softmax(logits)
    return p[..., :, None] * np.eye(p.shape[-1]) - p[..., :, None] * p[..., None, :]


# ----------------------------------------------------------------------------- a layer


@dataclass(frozen=True)
class LinearLayer:
    """The affine layer x -> W x + b with ``W`` of shape ``(m, n)`` and ``b`` of shape ``(m,)`` (None: zero)."""

    W: np.ndarray
    b: np.ndarray | None = None

    def __post_init__(self) -> None:
        w = _finite("W", self.W, 2)
        b = np.zeros(w.shape[0]) if self.b is None else _finite("b", self.b)
        if w.ndim != 2 or b.shape != (w.shape[0],):
            raise MLInputError(f"W must be (m, n) and b (m,), got shapes {w.shape} and {b.shape}")
        object.__setattr__(self, "W", w)
        object.__setattr__(self, "b", b)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``(..., n) -> (..., m)``."""
        arr = np.asarray(x, dtype=float)
        if arr.ndim == 0 or arr.shape[-1] != self.W.shape[1]:
            raise MLInputError(f"layer input must have shape (..., {self.W.shape[1]}), got shape {arr.shape}")
        return arr @ self.W.T + self.b

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """W at every point: ``(..., n) -> (..., m, n)``."""
        arr = np.asarray(x, dtype=float)
        return np.broadcast_to(self.W, arr.shape[:-1] + self.W.shape).copy()


@dataclass(frozen=True)
class TanhLayer(LinearLayer):
    """The layer x -> tanh(W x + b) with ``W`` of shape ``(m, n)`` and ``b`` of shape ``(m,)``."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``(..., n) -> (..., m)``."""
        return np.tanh(super().__call__(x))

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """diag(1 - tanh^2(W x + b)) W: ``(..., n) -> (..., m, n)``."""
        return (1.0 - self(x) ** 2)[..., :, None] * self.W


def chain_jacobian(f: DifferentiableMap, g: DifferentiableMap, x: np.ndarray) -> np.ndarray:
    """Jacobian of g o f at ``x``: J_g(f(x)) @ J_f(x), ``(..., n) -> (..., k, n)``."""
    return g.jacobian(f(x)) @ f.jacobian(x)


@dataclass(frozen=True)
class Composition:
    """x -> g(f(x)) with the chain-rule Jacobian; usable wherever a map with ``jacobian`` is expected."""

    f: DifferentiableMap
    g: DifferentiableMap

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.g(self.f(x))

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return chain_jacobian(self.f, self.g, x)


def vjp(v: np.ndarray, jac: np.ndarray) -> np.ndarray:
    """Vector-Jacobian product v^T J: ``(..., m)`` and ``(..., m, n) -> (..., n)``.

    Back-propagation: a gradient with respect to a layer's output times that
    layer's Jacobian is the gradient with respect to its input.
    """
    vec = _finite("v", v)
    j = _finite("jac", jac, 2)
    if vec.shape[-1] != j.shape[-2]:
        raise MLInputError(f"v has {vec.shape[-1]} entries but J has {j.shape[-2]} rows")
    return np.einsum("...m,...mn->...n", vec, j)


# ----------------------------------------------------------------------------- a 2-D flow


def _points2(x: np.ndarray) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise MLInputError(f"points must have shape (..., 2), got shape {arr.shape}")
    return arr


@dataclass(frozen=True)
class CouplingFlow:
    """Two affine coupling layers in the plane, an invertible map y = f(x).

    Layer 1 keeps x1 and sets u2 = x2 exp(s1(x1)) + t1(x1);
    layer 2 keeps u2 and sets y1 = x1 exp(s2(u2)) + t2(u2);
    with s_k(a) = scales[k] tanh(a) and t_k(a) = shifts[k] sin(a).
    So log|det J_f(x)| = s1(x1) + s2(u2) exactly, and f^-1 is explicit.
    """

    scales: tuple[float, float]
    shifts: tuple[float, float]

    def __post_init__(self) -> None:
        for name in ("scales", "shifts"):
            arr = _finite(name, getattr(self, name))
            if arr.shape != (2,):
                raise MLInputError(f"{name} must be two numbers, got {getattr(self, name)!r}")
            object.__setattr__(self, name, (float(arr[0]), float(arr[1])))

    def scaled(self, t: float) -> CouplingFlow:
        """The flow with all parameters times ``t`` (t = 0: identity, t = 1: this flow); invertible for all t."""
        return CouplingFlow((t * self.scales[0], t * self.scales[1]), (t * self.shifts[0], t * self.shifts[1]))

    def _parts(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        pts = _points2(x)
        x1, x2 = pts[..., 0], pts[..., 1]
        a1, a2 = self.scales
        c1, c2 = self.shifts
        s1 = a1 * np.tanh(x1)
        u2 = x2 * np.exp(s1) + c1 * np.sin(x1)
        s2 = a2 * np.tanh(u2)
        y1 = x1 * np.exp(s2) + c2 * np.sin(u2)
        return x1, x2, s1, u2, s2, y1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Forward map ``(..., 2) -> (..., 2)``."""
        _, _, _, u2, _, y1 = self._parts(x)
        return np.stack([y1, u2], axis=-1)

    def inverse(self, y: np.ndarray) -> np.ndarray:
        """f^-1: ``(..., 2) -> (..., 2)``, undoing layer 2 then layer 1."""
        pts = _points2(y)
        y1, u2 = pts[..., 0], pts[..., 1]
        a1, a2 = self.scales
        c1, c2 = self.shifts
        x1 = (y1 - c2 * np.sin(u2)) * np.exp(-a2 * np.tanh(u2))
        x2 = (u2 - c1 * np.sin(x1)) * np.exp(-a1 * np.tanh(x1))
        return np.stack([x1, x2], axis=-1)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Closed-form J_f(x) ``(..., 2) -> (..., 2, 2)`` = J_layer2(u) @ J_layer1(x)."""
        x1, x2, s1, u2, s2, _ = self._parts(x)
        a1, a2 = self.scales
        c1, c2 = self.shifts
        # layer 1: (x1, x2) -> (x1, u2)
        du2_dx1 = x2 * np.exp(s1) * a1 * (1 - np.tanh(x1) ** 2) + c1 * np.cos(x1)
        du2_dx2 = np.exp(s1)
        # layer 2: (x1, u2) -> (y1, u2)
        dy1_dx1 = np.exp(s2)
        dy1_du2 = x1 * np.exp(s2) * a2 * (1 - np.tanh(u2) ** 2) + c2 * np.cos(u2)
        row1 = np.stack([dy1_dx1 + dy1_du2 * du2_dx1, dy1_du2 * du2_dx2], axis=-1)
        row2 = np.stack([du2_dx1, du2_dx2], axis=-1)
        return np.stack([row1, row2], axis=-2)

    def log_abs_det_jacobian(self, x: np.ndarray) -> np.ndarray:
        """log|det J_f(x)| = s1(x1) + s2(u2): ``(..., 2) -> (...)``."""
        _, _, s1, _, s2, _ = self._parts(x)
        return s1 + s2

    def inverse_log_abs_det_jacobian(self, y: np.ndarray) -> np.ndarray:
        """log|det J_{f^-1}(y)| = -log|det J_f(f^-1(y))|: ``(..., 2) -> (...)``."""
        return -self.log_abs_det_jacobian(self.inverse(y))

    def pushforward_density(self, y: np.ndarray, base: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """p_y(y) = p_z(f^-1(y)) / |det J_f(f^-1(y))|: ``(..., 2) -> (...)``."""
        x = self.inverse(y)
        return base(x) * np.exp(-self.log_abs_det_jacobian(x))


def gaussian_density(points: np.ndarray, mean: Sequence[float] = (0.0, 0.0), std: float = 1.0) -> np.ndarray:
    """Isotropic normal density N(mean, std^2 I) in the plane: ``(..., 2) -> (...)``."""
    if not (np.isfinite(std) and std > 0):
        raise MLInputError(f"std must be a finite number > 0, got {std!r}")
    d = _points2(points) - np.asarray(mean, dtype=float)
    return np.exp(-0.5 * np.sum(d**2, axis=-1) / std**2) / (2 * np.pi * std**2)


def grid_centres(box: Sequence[float], n: int) -> tuple[np.ndarray, float]:
    """Centres ``(n, n, 2)`` of an n x n grid of cells over [x0, x1] x [y0, y1] (row 0 at y0), and the cell area."""
    x0, x1, y0, y1 = (float(v) for v in box)
    if not (x0 < x1 and y0 < y1) or n < 1:
        raise MLInputError(f"need x0 < x1, y0 < y1 and n >= 1, got box {tuple(box)!r} and n = {n!r}")
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], axis=-1), (x1 - x0) * (y1 - y0) / n**2


def grid_integral(values: np.ndarray, cell_area: float) -> float:
    """Midpoint-rule integral of a field sampled at :func:`grid_centres`."""
    return float(np.sum(values) * cell_area)


def mass_outside(transport: Callable[[np.ndarray], np.ndarray], base: Callable[[np.ndarray], np.ndarray],
                 box: Sequence[float], base_box: Sequence[float], n: int = 600) -> float:
    """Mass of the density ``base`` that ``transport`` carries outside ``box = (x0, x1, y0, y1)``.

    Computed on the source side, without the change of variables: the midpoint-rule integral of ``base``
    over the cells of an n x n grid on ``base_box`` whose centres land outside ``box`` (``base_box`` must
    hold all but a negligible part of the base mass)."""
    centres, area = grid_centres(base_box, n)
    moved = transport(centres.reshape(-1, 2)).reshape(centres.shape)
    x0, x1, y0, y1 = (float(v) for v in box)
    outside = (moved[..., 0] < x0) | (moved[..., 0] > x1) | (moved[..., 1] < y0) | (moved[..., 1] > y1)
    return grid_integral(np.where(outside, base(centres), 0.0), area)


# ----------------------------------------------------------------------------- singular values and the ellipse


def _single_2x2(jac: np.ndarray) -> np.ndarray:
    j = _finite("J", jac, 2)
    if j.shape != (2, 2):
        raise MLInputError(f"J must be a 2x2 matrix, got shape {j.shape}")
    return j


def ellipse_axes(jac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Semi-axes of the image of the unit circle under J (2, 2).

    Returns ``(sigma, U)``: sigma = (sigma_1, sigma_2), largest first, and U (2, 2)
    whose columns are the matching unit left singular vectors (the axes' directions).
    Closed form from J J^T = [[p, q], [q, r]]: u_1 at angle atan2(2q, p - r) / 2.
    """
    j = _single_2x2(jac)
    sigma = singular_values(j)
    jjt = j @ j.T
    angle = 0.5 * np.arctan2(2 * jjt[0, 1], jjt[0, 0] - jjt[1, 1])
    u1 = np.array([np.cos(angle), np.sin(angle)])
    u2 = np.array([-u1[1], u1[0]])
    return sigma, np.stack([u1, u2], axis=1)


def psd_axes(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Semi-axes of the ellipse of a symmetric positive semi-definite ``matrix`` (n, n): ``(sqrt_eig, V)``.

    ``sqrt_eig (n,)`` are the square roots of its eigenvalues, largest first (eigenvalues within 1e-12 of the
    largest in size are rounding and count as 0), and the columns of ``V (n, n)`` the matching unit eigenvectors.
    For a covariance Sigma they are the standard deviations along its principal axes; for the pull-back
    metric J^T J they are J's singular values and right singular vectors (the null space has sqrt_eig = 0).
    """
    m = _finite("matrix", matrix, 2)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or not np.allclose(m, m.T, rtol=1e-10, atol=1e-14):
        raise MLInputError(f"matrix must be square and symmetric, got {matrix!r}")
    lam, vecs = np.linalg.eigh((m + m.T) / 2)
    lam, vecs = lam[::-1], vecs[:, ::-1]
    floor = 1e-12 * max(float(np.abs(lam).max()), 1e-300)
    if lam[-1] < -floor:
        raise MLInputError(f"matrix must be positive semi-definite, has eigenvalue {lam[-1]:.3g}")
    return np.sqrt(np.where(lam > floor, lam, 0.0)), vecs


def psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root S (n, n) of a symmetric positive semi-definite ``matrix``: S S = matrix."""
    root, vecs = psd_axes(matrix)
    return (vecs * root) @ vecs.T


def psd_ellipse(matrix: np.ndarray, centre: np.ndarray | Sequence[float], scale: float = 1.0,
                samples: int = 96) -> np.ndarray:
    """Outline ``(samples, 2)`` of ``centre + scale S u``, |u| = 1, S = :func:`psd_sqrt` of ``matrix`` (2, 2).

    Its semi-axes are ``scale`` times :func:`psd_axes`: the ``scale``-sigma ellipse of a covariance, or the
    ellipse of a metric J^T J with semi-axes ``scale`` sigma_i (flat, a segment, when J has a null space)."""
    c = _finite("centre", centre)
    if c.shape != (2,) or not (np.isfinite(scale) and scale > 0):
        raise MLInputError(f"need a centre (2,) and a scale > 0, got {centre!r} and {scale!r}")
    return c + scale * unit_circle_image(psd_sqrt(matrix), samples)


def unit_circle_image(jac: np.ndarray, samples: int = 96) -> np.ndarray:
    """J applied to (cos t, sin t), t = 2 pi k / samples: the ellipse outline ``(samples, 2)``, not closed."""
    j = _single_2x2(jac)
    if samples < 3:
        raise MLInputError(f"samples must be >= 3, got {samples!r}")
    t = 2 * np.pi * np.arange(samples) / samples
    return np.stack([np.cos(t), np.sin(t)], axis=-1) @ j.T


# ----------------------------------------------------------------------------- Taylor error


def unit_direction(direction: np.ndarray | Sequence[float]) -> np.ndarray:
    """``direction / |direction|``: ``(n,) -> (n,)``; the direction d = s u of the Taylor helpers."""
    u = _finite("direction", direction)
    norm = float(np.linalg.norm(u))
    if u.ndim != 1 or norm == 0:
        raise MLInputError(f"direction must be a non-zero vector, got {direction!r}")
    return u / norm


def _taylor_args(point: np.ndarray, direction: np.ndarray, steps: np.ndarray | float,
                 positive: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _finite("point", point)
    u = _finite("direction", direction)
    if u.shape != x.shape or not np.linalg.norm(u) > 0:
        raise MLInputError(f"direction must be a non-zero vector shaped like the point, got {direction!r}")
    s = _finite("steps", np.atleast_1d(np.asarray(steps, dtype=float)))
    if s.ndim != 1 or (s <= 0 if positive else s < 0).any():
        bound = "> 0" if positive else ">= 0"
        raise MLInputError(f"steps must be a 1-D list of numbers {bound}, got {steps!r}")
    return x, unit_direction(u), s


def taylor_offsets(fmap: DifferentiableMap, point: np.ndarray, direction: np.ndarray,
                   steps: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """The true change and its linear prediction along d = s u, u = direction / |direction|.

    Returns ``(true, linear)``, each ``(k, m)`` for ``steps (k,)`` (a scalar counts as ``k = 1``; steps >= 0):
    ``true[i] = f(x + s_i u) - f(x)`` and ``linear[i] = J(x) s_i u``.
    """
    x, u, s = _taylor_args(point, direction, steps, positive=False)
    d = s[:, None] * u
    return fmap(x + d) - fmap(x), d @ fmap.jacobian(x).T


def taylor_errors(fmap: DifferentiableMap, point: np.ndarray, direction: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """||f(x + d) - f(x) - J(x) d|| for d = s u, u = direction / |direction|: ``steps (k,) -> (k,)``."""
    x, u, s = _taylor_args(point, direction, steps, positive=True)
    d = s[:, None] * u
    linear = fmap(x) + d @ fmap.jacobian(x).T
    return np.linalg.norm(fmap(x + d) - linear, axis=-1)


def taylor_error_ratios(fmap: DifferentiableMap, point: np.ndarray, direction: np.ndarray,
                        steps: np.ndarray | float) -> np.ndarray:
    """Taylor error / s^2 (:func:`taylor_errors` over the squared step): ``steps (k,) -> (k,)``.

    Tends to |u^T H u| / 2 (the second-derivative term along u) as s -> 0: constant when the error
    shrinks like |d|^2."""
    s = np.atleast_1d(np.asarray(steps, dtype=float))
    return taylor_errors(fmap, point, direction, s) / s**2


def taylor_box(fmap: DifferentiableMap, point: np.ndarray, direction: np.ndarray, max_step: float,
               samples: int = 50) -> tuple[float, float, float, float]:
    """A whole-number box ``(x_min, x_max, y_min, y_max)`` around both offset curves of a plane map.

    The curves are :func:`taylor_offsets` for ``samples`` steps s in [0, max_step] (with the origin); the
    box is their bounding box padded by 0.15 of its larger side plus 0.1, then rounded out to integers.
    """
    if not (np.isfinite(max_step) and max_step > 0) or samples < 2:
        raise MLInputError(f"need max_step > 0 and samples >= 2, got {max_step!r} and {samples!r}")
    true, linear = taylor_offsets(fmap, point, direction, np.linspace(0, max_step, samples))
    pts = np.vstack([true, linear, np.zeros((1, true.shape[-1]))])
    if pts.shape[-1] != 2:
        raise MLInputError(f"taylor_box needs a map into the plane, got {pts.shape[-1]} outputs")
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.15 * (hi - lo).max() + 0.1
    return (float(np.floor(lo[0] - pad)), float(np.ceil(hi[0] + pad)),
            float(np.floor(lo[1] - pad)), float(np.ceil(hi[1] + pad)))


def loglog_fit(steps: np.ndarray | Sequence[float], errors: np.ndarray | Sequence[float]) -> tuple[float, float]:
    """Least-squares line through ``(log10 s, log10 e)``: ``(slope, intercept)`` with
    log10 e ~ slope log10 s + intercept, for ``steps (k,)`` and ``errors (k,)``, all > 0, k >= 2.

    The slope is 2 for a first-order Taylor error (and does not depend on the log's base; the intercept does).
    """
    s, e = _finite("steps", steps), _finite("errors", errors)
    if s.shape != e.shape or s.ndim != 1 or s.size < 2 or (s <= 0).any() or (e <= 0).any():
        raise MLInputError("steps and errors must be equal-length lists of >= 2 numbers > 0")
    lx, ly = np.log10(s), np.log10(e)
    dx = lx - lx.mean()
    if not (dx**2).sum() > 0:
        raise MLInputError(f"a slope needs at least two different steps, got {steps!r}")
    slope = float((dx * (ly - ly.mean())).sum() / (dx**2).sum())
    return slope, float(ly.mean() - slope * lx.mean())


def loglog_slope(steps: np.ndarray | Sequence[float], errors: np.ndarray | Sequence[float]) -> float:
    """The slope of :func:`loglog_fit`; 2 for a first-order Taylor error."""
    return loglog_fit(steps, errors)[0]
