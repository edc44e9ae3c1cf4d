"""[regression]: the settings VectorRegression (scenes/vector_regression.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Mat2, Vec2, covariance, integer, matrix2, numbers, positive


@section("regression", scenes=("VectorRegression",))
class RegressionSettings:
    """VectorRegression: a Gaussian cloud through y = tanh(W x + b) (uncertainty propagation, J Sigma J^T), then
    Gauss-Newton against gradient descent fitting y = a exp(b t)."""

    w: Mat2 = setting(((1.4, -0.7), (0.6, 1.2)), matrix2, "the model y = tanh(W x + b), two features -> two "
                                                          "outputs: W")
    b: Vec2 = setting((0.2, -0.1), numbers(2, 2), "... and b")
    mean: Vec2 = setting((0.4, 0.3), numbers(2, 2), "mean of the Gaussian cloud of inputs")
    cov_small: Mat2 = setting(((0.01, 0.004), (0.004, 0.006)), covariance,
                              "its covariance Sigma first (symmetric, positive definite) ...")
    cov_large: Mat2 = setting(((0.49, 0.2), (0.2, 0.3)), covariance, "... then grown to this one")
    samples: int = setting(1000, integer(50, 5000), "Monte-Carlo samples of the cloud (50..5000)")
    seed: int = setting(7, integer(0, 2**32 - 1), "their seed: the same cloud on every render")
    t: tuple[float, ...] = setting((0.0, 0.5, 1.0, 1.5, 2.0), numbers(3, 12),
                                   "Gauss-Newton: data times t_i (3..12) ...")
    y: tuple[float, ...] = setting((1.05, 1.62, 2.51, 3.8, 5.95), numbers(3, 12),
                                   "... and values y_i, one per t_i, fitted by y = a exp(b t)")
    theta0: Vec2 = setting((2.5, 0.1), numbers(2, 2), "the starting parameters (a, b) of both methods")
    learning_rate: float = setting(0.005, positive, "gradient descent's step size eta")
    tol: float = setting(0.001, positive, "both stop once the gradient |J^T r| < tol ...")
    max_steps: int = setting(2000, integer(10, 20000), "... or after this many steps (10..20000)")

    def validate(self) -> None:
        if len(self.y) != len(self.t):
            raise SectionError(f"y must have one entry per t ({len(self.t)}), got {len(self.y)}")
        if len(set(self.t)) < 2:
            raise SectionError(f"t must hold at least two different times (two parameters to fit), got {list(self.t)}")
