"""Maps R^2 -> R^2 given by two expressions in x and y."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from jacobian_math.expressions import X, Y, parse_expression


class NonFiniteMapError(ValueError):
    """A map produced inf or NaN at a point where it must be drawn."""


def _as_points(points: np.ndarray) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got shape {arr.shape}")
    return arr


def _vectorise(expr: sp.Expr) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Compile ``expr`` to a NumPy function of (x, y) that always broadcasts."""
    compiled = sp.lambdify((X, Y), expr, modules="numpy")

    def evaluate(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.asarray(compiled(xs, ys))
        if np.iscomplexobj(out):  # e.g. (-1)**x: a value with an imaginary part is not a point of the plane
            out = np.where(out.imag == 0, out.real, np.nan)
        return np.broadcast_to(out.astype(float, copy=False), np.broadcast(xs, ys).shape)

    return evaluate


@dataclass(frozen=True)
class PlaneMap:
    """A map f(x, y) = (f1(x, y), f2(x, y)) with an exact SymPy Jacobian.

    Build one with :meth:`from_expressions`.  ``f(points)`` maps points of shape
    ``(..., 2)`` to ``(..., 2)``; :meth:`jacobian` gives ``(..., 2, 2)`` with rows
    for the outputs and columns for x, y.
    """

    components: tuple[sp.Expr, sp.Expr]
    sources: tuple[str, str]
    name: str = "f"
    _f: tuple[Callable, Callable] = field(init=False, repr=False, compare=False)
    _jac: tuple[Callable, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_f", tuple(_vectorise(c) for c in self.components))
        entries = [sp.diff(c, v) for c in self.components for v in (X, Y)]
        object.__setattr__(self, "_jac", tuple(_vectorise(e) for e in entries))

    @classmethod
    def from_expressions(cls, f1: str, f2: str, name: str = "f") -> PlaneMap:
        """Parse two component expressions safely (see :func:`parse_expression`)."""
        return cls((parse_expression(f1), parse_expression(f2)), (f1, f2), name)

    @property
    def jacobian_matrix(self) -> sp.Matrix:
        """The symbolic 2x2 Jacobian."""
        return sp.Matrix(self.components).jacobian([X, Y])

    def degree_along(self, point: np.ndarray, direction: np.ndarray) -> int | None:
        """The degree in s of f(point + s direction), exactly (SymPy): the highest power of s in either
        component, or None when a component is not a polynomial in s along that line (exp, sin, ...).

        Along a line of degree <= 2 the Taylor remainder f(p + s u) - f(p) - s J(p) u is exactly s^2 times a
        fixed vector, so remainder / s^2 is the same for every step s; otherwise it only tends to a limit."""
        p, u = (np.asarray(v, dtype=float).reshape(-1) for v in (point, direction))
        if p.shape != (2,) or u.shape != (2,) or not (np.isfinite(p).all() and np.isfinite(u).all()):
            raise ValueError(f"point and direction must be two finite numbers each, got {point!r} and {direction!r}")
        s = sp.Symbol("s")
        line = {X: sp.Rational(p[0]) + s * sp.Rational(u[0]), Y: sp.Rational(p[1]) + s * sp.Rational(u[1])}
        degree = 0
        for comp in self.components:
            expr = sp.expand(comp.subs(line))
            if not expr.is_polynomial(s):
                return None
            degree = max(degree, int(sp.degree(expr, s)) if expr.has(s) else 0)
        return degree

    def __call__(self, points: np.ndarray) -> np.ndarray:
        pts = _as_points(points)
        xs, ys = pts[..., 0], pts[..., 1]
        return np.stack([f(xs, ys) for f in self._f], axis=-1)

    def jacobian(self, points: np.ndarray) -> np.ndarray:
        """Exact Jacobian at ``points`` (..., 2) -> (..., 2, 2)."""
        pts = _as_points(points)
        xs, ys = pts[..., 0], pts[..., 1]
        flat = np.stack([j(xs, ys) for j in self._jac], axis=-1)
        return flat.reshape(*pts.shape[:-1], 2, 2)

    def latex(self) -> str:
        """The map as a LaTeX column vector: ``\\left[\\begin{matrix}x^{2} - y\\\\x + y^{2}\\end{matrix}\\right]``."""
        return sp.latex(sp.Matrix(self.components), mat_delim="[", mat_str="matrix")

    def jacobian_latex(self) -> str:
        """The symbolic Jacobian as a LaTeX matrix."""
        return sp.latex(self.jacobian_matrix, mat_delim="[", mat_str="matrix")

    def describe(self) -> str:
        """Plain-text form for messages: ``f(x, y) = (x**2 - y, y**2 + x)``."""
        return f"{self.name}(x, y) = ({self.sources[0]}, {self.sources[1]})"

    def require_finite(self, points: np.ndarray) -> None:
        """Raise :class:`NonFiniteMapError` naming the first point where f or J is not finite."""
        pts = _as_points(points).reshape(-1, 2)
        values = self(pts)
        jac = self.jacobian(pts).reshape(-1, 4)
        bad = ~(np.isfinite(values).all(axis=1) & np.isfinite(jac).all(axis=1))
        if bad.any():
            first = pts[np.argmax(bad)]
            raise NonFiniteMapError(
                f"map {self.describe()} is not finite at (x, y) = ({first[0]:.6g}, {first[1]:.6g}) "
                f"({int(bad.sum())} of {len(pts)} grid points); change the map or restrict the domain"
            )
