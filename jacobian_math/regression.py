"""Vector-valued regression: uncertainty carried through a Jacobian, and Gauss-Newton least squares.

Conventions as in :mod:`jacobian_math.ml`: a map R^n -> R^m takes ``(..., n)`` to ``(..., m)`` and its
Jacobian is ``(..., m, n)``.  A covariance is ``(n, n)``, symmetric positive semi-definite, in squared
input units; parameters theta = (a, b) are unitless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from jacobian_math.ml import MLInputError, _finite, psd_sqrt
from jacobian_math.protocols import DifferentiableMap

# ----------------------------------------------------------------------------- uncertainty propagation


def _covariance(cov: np.ndarray | Sequence[Sequence[float]], n: int | None = None) -> np.ndarray:
    c = _finite("covariance", cov, 2)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or (n is not None and c.shape != (n, n)):
        raise MLInputError(f"covariance must be a square ({n or 'n'}, {n or 'n'}) matrix, got shape {c.shape}")
    psd_sqrt(c)  # symmetric and positive semi-definite, or a clear error
    return c


def propagate_covariance(jac: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """The linearised output covariance J Sigma J^T: ``J (..., m, n)`` and ``Sigma (n, n) -> (..., m, m)``.

    Exact for an affine map; for a smooth map f it is the covariance of f(x0) + J (x - x0), close to that
    of f(x) when the cloud is small compared with f's curvature."""
    j = _finite("J", jac, 2)
    c = _covariance(cov, j.shape[-1])
    return j @ c @ np.swapaxes(j, -1, -2)


def gaussian_cloud(mean: np.ndarray | Sequence[float], cov: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` seeded samples ``(count, n)`` of N(mean, cov): mean + S z with S = sqrt(cov), z ~ N(0, I).

    The same ``seed`` gives the same standard normals z for any covariance, so a cloud scaled by a
    factor is the same points scaled about the mean."""
    mu = _finite("mean", mean)
    c = _covariance(cov, mu.shape[0] if mu.ndim == 1 else None)
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 2:
        raise MLInputError(f"count must be an integer >= 2, got {count!r}")
    z = np.random.default_rng(seed).standard_normal((int(count), mu.shape[0]))
    return mu + z @ psd_sqrt(c)


def sample_covariance(points: np.ndarray) -> np.ndarray:
    """Unbiased sample covariance ``(n, n)`` of ``points (k, n)``, k >= 2 (divides by k - 1)."""
    p = _finite("points", points, 2)
    if p.ndim != 2 or p.shape[0] < 2:
        raise MLInputError(f"points must have shape (k, n) with k >= 2, got shape {p.shape}")
    d = p - p.mean(axis=0)
    return d.T @ d / (p.shape[0] - 1)


def relative_error(estimate: np.ndarray, reference: np.ndarray) -> float:
    """||estimate - reference||_F / ||reference||_F, for arrays of one shape (reference not zero)."""
    e, r = _finite("estimate", estimate, 0), _finite("reference", reference, 0)
    norm = float(np.linalg.norm(r))
    if e.shape != r.shape or norm == 0:
        raise MLInputError(f"need two arrays of one shape and a non-zero reference, got {e.shape} and {r.shape}")
    return float(np.linalg.norm(e - r)) / norm


def gaussian_output_moments(fmap: DifferentiableMap, mean: np.ndarray | Sequence[float], cov: np.ndarray,
                            order: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """The exact mean ``(m,)`` and covariance ``(m, m)`` of f(x) for x ~ N(mean, cov), up to quadrature error:
    a tensor Gauss-Hermite rule of ``order`` nodes per input dimension on x = mean + S z, S = sqrt(cov).

    Exact for f polynomial of degree < order; for a smooth bounded f such as tanh(W x + b) the error falls
    faster than any power of ``order`` (48 nodes: below 1e-12 for the lecture's clouds; tested against a
    million-sample Monte Carlo and against twice the order).  Costs order^n evaluations: meant for n <= 3."""
    mu = _finite("mean", mean)
    c = _covariance(cov, mu.shape[0] if mu.ndim == 1 else None)
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 2 <= order <= 200:
        raise MLInputError(f"order must be an integer in [2, 200], got {order!r}")
    n = mu.shape[0]
    if n > 3:
        raise MLInputError(f"gaussian_output_moments needs at most 3 input dimensions, got {n}")
    nodes, weights = np.polynomial.hermite_e.hermegauss(int(order))  # weight exp(-z^2 / 2)
    weights = weights / np.sqrt(2 * np.pi)  # a standard normal's expectation
    grids = np.meshgrid(*([nodes] * n), indexing="ij")
    z = np.stack([g.ravel() for g in grids], axis=-1)  # (order^n, n)
    w = np.prod(np.stack(np.meshgrid(*([weights] * n), indexing="ij"), axis=-1).reshape(-1, n), axis=-1)
    y = fmap(mu + z @ psd_sqrt(c))
    y_mean = w @ y
    d = y - y_mean
    return y_mean, (d * w[:, None]).T @ d


@dataclass(frozen=True)
class Propagation:
    """A Gaussian cloud through a map: the mean's image, J Sigma J^T, the Monte-Carlo samples, and the exact
    output covariance (quadrature) that both J Sigma J^T and the samples' covariance estimate."""

    centre: np.ndarray  # f(mean) (m,)
    linear_cov: np.ndarray  # J Sigma J^T (m, m), J at the mean
    inputs: np.ndarray  # the seeded samples (k, n)
    outputs: np.ndarray  # their images f(x) (k, m)
    sample_cov: np.ndarray  # sample covariance of the images (m, m)
    true_cov: np.ndarray  # the covariance of f(x), x ~ N(mean, Sigma), by :func:`gaussian_output_moments` (m, m)

    @property
    def mismatch(self) -> float:
        """Relative Frobenius error of J Sigma J^T against the images' sample covariance (the two drawn ellipses)."""
        return relative_error(self.linear_cov, self.sample_cov)

    @property
    def linearisation_error(self) -> float:
        """Relative Frobenius error of J Sigma J^T against the true output covariance: what linearising costs."""
        return relative_error(self.linear_cov, self.true_cov)

    @property
    def sampling_error(self) -> float:
        """Relative Frobenius error of the samples' covariance against the true one: Monte-Carlo noise (about
        sqrt(2 / k) for k samples of a near-Gaussian cloud)."""
        return relative_error(self.sample_cov, self.true_cov)


def propagate_cloud(fmap: DifferentiableMap, mean: np.ndarray | Sequence[float], cov: np.ndarray, count: int,
                    seed: int) -> Propagation:
    """Push :func:`gaussian_cloud` ``(mean, cov, count, seed)`` through ``fmap`` and linearise it at the mean."""
    mu = _finite("mean", mean)
    inputs = gaussian_cloud(mu, cov, count, seed)
    outputs = fmap(inputs)
    return Propagation(fmap(mu), propagate_covariance(fmap.jacobian(mu), cov), inputs, outputs,
                       sample_covariance(outputs), gaussian_output_moments(fmap, mu, cov)[1])


# ----------------------------------------------------------------------------- least squares


@dataclass(frozen=True)
class ExponentialFit:
    """Residuals r_i(theta) = a exp(b t_i) - y_i of the model y = a exp(b t) at data ``(t_i, y_i)``.

    A map R^2 -> R^k of theta = (a, b): ``theta (..., 2) -> r (..., k)``, Jacobian ``(..., k, 2)`` with
    rows [exp(b t_i), a t_i exp(b t_i)].
    """

    t: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        t, y = _finite("t", self.t), _finite("y", self.y)
        if t.ndim != 1 or t.shape != y.shape or t.size < 2:
            raise MLInputError(f"t and y must be equal-length lists of >= 2 numbers, got shapes {t.shape}, {y.shape}")
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "y", y)

    @staticmethod
    def _theta(theta: np.ndarray) -> np.ndarray:
        th = np.asarray(theta, dtype=float)
        if th.ndim == 0 or th.shape[-1] != 2:
            raise MLInputError(f"theta must have shape (..., 2), got shape {th.shape}")
        return th

    def model(self, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
        """a exp(b t): ``theta (2,)`` and ``t (j,) -> (j,)`` (the fitted curve)."""
        a, b = self._theta(theta)
        return a * np.exp(b * np.asarray(t, dtype=float))

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        th = self._theta(theta)
        return th[..., :1] * np.exp(th[..., 1:] * self.t) - self.y

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        th = self._theta(theta)
        e = np.exp(th[..., 1:] * self.t)
        return np.stack([e, th[..., :1] * self.t * e], axis=-1)

    def loss(self, theta: np.ndarray) -> np.ndarray:
        """1/2 ||r(theta)||^2: ``(..., 2) -> (...)``."""
        return 0.5 * np.sum(self(theta) ** 2, axis=-1)

    def loss_hessian(self, theta: np.ndarray) -> np.ndarray:
        """The Hessian of 1/2 ||r||^2, J^T J + sum_i r_i Hess r_i: ``(..., 2) -> (..., 2, 2)``, with
        Hess r_i = [[0, t_i e_i], [t_i e_i, a t_i^2 e_i]], e_i = exp(b t_i)."""
        th = self._theta(theta)
        j, r = self.jacobian(th), self(th)
        e = np.exp(th[..., 1:] * self.t)
        cross, curve = np.sum(r * self.t * e, axis=-1), np.sum(r * th[..., :1] * self.t**2 * e, axis=-1)
        second = np.stack([np.stack([np.zeros_like(cross), cross], -1), np.stack([cross, curve], -1)], -2)
        return np.swapaxes(j, -1, -2) @ j + second


def gauss_newton_step(jac: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """-(J^T J)^-1 J^T r: ``J (k, p)`` and ``r (k,) -> (p,)``, from the normal equations.

    The minimiser of ||r + J d|| over d (the linearised residual); J must have full column rank."""
    j, r = _finite("J", jac, 2), _finite("r", residual)
    if j.ndim != 2 or r.shape != (j.shape[0],):
        raise MLInputError(f"need J (k, p) and r (k,), got shapes {j.shape} and {r.shape}")
    jtj = j.T @ j
    if np.linalg.cond(jtj) > 1e14:
        raise MLInputError("J^T J is singular: the residuals do not pin down every parameter here")
    return np.linalg.solve(jtj, -(j.T @ r))


def gradient_step(jac: np.ndarray, residual: np.ndarray, rate: float) -> np.ndarray:
    """-rate J^T r, the gradient-descent step on 1/2 ||r||^2: ``J (k, p)``, ``r (k,) -> (p,)``."""
    j, r = _finite("J", jac, 2), _finite("r", residual)
    if j.ndim != 2 or r.shape != (j.shape[0],) or not (np.isfinite(rate) and rate > 0):
        raise MLInputError(f"need J (k, p), r (k,) and rate > 0, got shapes {j.shape}, {r.shape} and {rate!r}")
    return -rate * (j.T @ r)


@dataclass(frozen=True)
class FitPath:
    """The iterates of a least-squares method: ``thetas (s + 1, p)``, ``residual_norms`` and
    ``gradient_norms`` ``(s + 1,)`` (||r|| and ||J^T r|| at each iterate); ``converged`` when the last has
    ||J^T r|| < tol, and then ``steps`` (= s) is the number of steps it took."""

    thetas: np.ndarray
    residual_norms: np.ndarray
    gradient_norms: np.ndarray
    converged: bool

    @property
    def steps(self) -> int:
        return len(self.thetas) - 1


Step = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _iterate(residuals: DifferentiableMap, theta0: np.ndarray | Sequence[float], step: Step, tol: float,
             max_steps: int) -> FitPath:
    th = _finite("theta0", theta0)
    if not (np.isfinite(tol) and tol > 0) or isinstance(max_steps, bool) or not isinstance(max_steps, int) \
            or max_steps < 1:
        raise MLInputError(f"need tol > 0 and an integer max_steps >= 1, got {tol!r} and {max_steps!r}")
    thetas, rnorms, gnorms = [th], [], []
    while True:
        r, j = residuals(thetas[-1]), residuals.jacobian(thetas[-1])
        rnorms.append(float(np.linalg.norm(r)))
        gnorms.append(float(np.linalg.norm(j.T @ r)))
        if gnorms[-1] < tol or len(thetas) - 1 >= max_steps:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                nxt = thetas[-1] + step(j, r)
            except MLInputError:  # singular J^T J, or a step that overflows: no step from here
                break
            r_next, j_next = residuals(nxt), residuals.jacobian(nxt)
            finite = np.isfinite(r_next).all() and np.isfinite(j_next).all() and np.isfinite(
                np.linalg.norm(j_next.T @ r_next))
        if not finite:  # diverged: keep the last finite iterate
            break
        thetas.append(nxt)
    return FitPath(np.array(thetas), np.array(rnorms), np.array(gnorms), gnorms[-1] < tol)


def descent_stability_limit(fit: ExponentialFit, theta: np.ndarray | Sequence[float]) -> float | None:
    """2 / lambda_max of the loss Hessian at ``theta`` (a minimum): gradient descent with a fixed rate settles
    there only for rates below this (above it the iterates near the minimum are pushed away along the
    steepest curvature).  None when the Hessian there is not positive definite (not a minimum)."""
    lam = np.linalg.eigvalsh(fit.loss_hessian(_finite("theta", theta)))
    return float(2.0 / lam[-1]) if lam[0] > 0 else None


def gauss_newton(residuals: DifferentiableMap, theta0: np.ndarray | Sequence[float], tol: float,
                 max_steps: int) -> FitPath:
    """Gauss-Newton from ``theta0``: theta <- theta - (J^T J)^-1 J^T r, until ||J^T r|| < ``tol`` or
    ``max_steps`` steps (or a singular J^T J, or overflow: then not converged)."""
    return _iterate(residuals, theta0, gauss_newton_step, tol, max_steps)


def gradient_descent(residuals: DifferentiableMap, theta0: np.ndarray | Sequence[float], rate: float, tol: float,
                     max_steps: int) -> FitPath:
    """Gradient descent on 1/2 ||r||^2 from ``theta0``: theta <- theta - rate J^T r, stopped as
    :func:`gauss_newton` is."""
    if not (np.isfinite(rate) and rate > 0):
        raise MLInputError(f"rate must be a finite number > 0, got {rate!r}")
    return _iterate(residuals, theta0, lambda j, r: gradient_step(j, r, rate), tol, max_steps)


__all__ = [
    "ExponentialFit",
    "descent_stability_limit",
    "gaussian_output_moments",
    "FitPath",
    "Propagation",
    "gauss_newton",
    "gauss_newton_step",
    "gaussian_cloud",
    "gradient_descent",
    "gradient_step",
    "propagate_cloud",
    "propagate_covariance",
    "relative_error",
    "sample_covariance",
]
