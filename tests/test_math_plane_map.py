"""PlaneMap and numerical_jacobian against closed forms, plain-math evaluation and central differences."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from jacobian_math import ExpressionError, NonFiniteMapError, PlaneMap, numerical_jacobian

PAGE = ("x**2 - y", "y**2 + x")


def page_f(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The page's f, written out: (x^2 - y, y^2 + x)."""
    return np.stack([x**2 - y, y**2 + x], axis=-1)


def page_jacobian(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The page's closed form [[2x, -1], [1, 2y]]."""
    one = np.ones_like(x)
    return np.stack([np.stack([2 * x, -one], -1), np.stack([one, 2 * y], -1)], -2)


BATCH_SHAPES = [(), (1,), (7,), (3, 4), (2, 3, 5), (0,), (1, 1)]


@pytest.mark.parametrize("shape", BATCH_SHAPES)
def test_page_map_values_and_jacobian_for_batch_shapes(shape):
    rng = np.random.default_rng(len(shape))
    pts = rng.uniform(-2, 2, (*shape, 2))
    fmap = PlaneMap.from_expressions(*PAGE)
    values, jac = fmap(pts), fmap.jacobian(pts)
    assert values.shape == (*shape, 2)
    assert jac.shape == (*shape, 2, 2)
    np.testing.assert_allclose(values, page_f(pts[..., 0], pts[..., 1]), rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(jac, page_jacobian(pts[..., 0], pts[..., 1]))


def test_page_map_at_the_page_points():
    fmap = PlaneMap.from_expressions(*PAGE)
    pts = np.array([[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(fmap(pts), [[2.0, 0.0], [0.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(
        fmap.jacobian(pts), [[[-2.0, -1.0], [1.0, -2.0]], [[0.0, -1.0], [1.0, 0.0]], [[2.0, -1.0], [1.0, 2.0]]]
    )


@pytest.mark.parametrize("shape", BATCH_SHAPES)
def test_constant_components_and_constant_jacobian_entries_broadcast(shape):
    pts = np.full((*shape, 2), 0.5)
    fmap = PlaneMap.from_expressions("3", "2*x - 5*y + 1")
    np.testing.assert_array_equal(fmap(pts), np.broadcast_to([3.0, 2 * 0.5 - 5 * 0.5 + 1], (*shape, 2)))
    np.testing.assert_array_equal(fmap.jacobian(pts), np.broadcast_to([[0.0, 0.0], [2.0, -5.0]], (*shape, 2, 2)))
    # results are ordinary writable arrays, not read-only broadcast views
    out = fmap.jacobian(pts)
    out[...] = 1.0


def test_lists_and_integers_are_accepted_as_points():
    fmap = PlaneMap.from_expressions(*PAGE)
    np.testing.assert_array_equal(fmap([[1, 2], [3, 4]]), [[-1.0, 5.0], [5.0, 19.0]])


def test_a_million_points_evaluate_vectorised():
    """Shape only: the timing lives in bench/."""
    pts = np.random.default_rng(0).uniform(-2, 2, (1000, 1000, 2))
    fmap = PlaneMap.from_expressions(*PAGE)
    assert fmap(pts).shape == (1000, 1000, 2)
    jac = fmap.jacobian(pts)
    assert jac.shape == (1000, 1000, 2, 2)
    np.testing.assert_array_equal(jac[..., 0, 0], 2 * pts[..., 0])


@pytest.mark.parametrize("shape", [(), (3,), (3, 3), (4, 1)])
def test_points_of_wrong_shape_are_rejected(shape):
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        PlaneMap.from_expressions(*PAGE)(np.zeros(shape))


def _latex_entries(latex: str) -> list[list[str]]:
    match = re.fullmatch(r"\\left\[\\begin\{matrix\}(.*)\\end\{matrix\}\\right\]", latex)
    assert match, latex
    return [[cell.strip() for cell in row.split("&")] for row in match.group(1).split(r"\\")]


def test_latex_of_map_and_jacobian():
    fmap = PlaneMap.from_expressions(*PAGE)
    a, b = sp.symbols("x y")
    # the closed forms written independently in plain SymPy, then printed the same way
    assert _latex_entries(fmap.latex()) == [[sp.latex(a**2 - b)], [sp.latex(b**2 + a)]]
    assert _latex_entries(fmap.jacobian_latex()) == [
        [sp.latex(2 * a), sp.latex(-1)],
        [sp.latex(1), sp.latex(2 * b)],
    ]
    assert _latex_entries(fmap.jacobian_latex()) == [["2 x", "-1"], ["1", "2 y"]]
    assert "x^{2}" in fmap.latex() and "y^{2}" in fmap.latex()


def test_latex_of_functions_and_constants():
    fmap = PlaneMap.from_expressions("sin(pi*x)", "exp(y)*sqrt(x**2 + 1)")
    assert r"\sin" in fmap.latex() and r"\pi" in fmap.latex()
    assert r"\sqrt{x^{2} + 1}" in fmap.latex()
    jac = _latex_entries(fmap.jacobian_latex())
    assert r"\cos" in jac[0][0] and jac[0][1] == "0"


def test_describe_and_name():
    fmap = PlaneMap.from_expressions(*PAGE, name="g")
    assert fmap.describe() == "g(x, y) = (x**2 - y, y**2 + x)"


def test_from_expressions_rejects_bad_component():
    with pytest.raises(ExpressionError, match="__import__"):
        PlaneMap.from_expressions("x", "__import__('os')")


# ---------------------------------------------------------------- require_finite


def _grid(n: int = 9) -> np.ndarray:
    xs = np.linspace(-2, 2, n)
    return np.stack(np.meshgrid(xs, xs), axis=-1)  # (n, n, 2), rows = y, columns = x


def _first_bad(points: np.ndarray, ok) -> tuple[float, float]:
    for x, y in points.reshape(-1, 2).tolist():
        if not ok(x, y):
            return x, y
    raise AssertionError("no bad point")


def _log_ok(x: float, y: float) -> bool:
    return x > 0


def _inverse_ok(x: float, y: float) -> bool:
    return x != 0


def _exp_ok(x: float, y: float) -> bool:
    try:
        math.exp(500 * y)
        return True
    except OverflowError:
        return False


@pytest.mark.parametrize(
    ("f1", "f2", "ok"),
    [("log(x)", "y", _log_ok), ("x", "1/x", _inverse_ok), ("exp(500*y)", "x", _exp_ok), ("sqrt(x)", "y", _log_ok)],
)
def test_require_finite_names_map_and_first_bad_point(f1, f2, ok):
    fmap = PlaneMap.from_expressions(f1, f2, name="h")
    grid = _grid()
    with pytest.raises(NonFiniteMapError) as info:
        fmap.require_finite(grid)
    message = str(info.value)
    x, y = _first_bad(grid, ok)
    assert f"h(x, y) = ({f1}, {f2})" in message
    assert f"(x, y) = ({x:.6g}, {y:.6g})" in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_require_finite_passes_for_the_page_map():
    assert PlaneMap.from_expressions(*PAGE).require_finite(_grid(25)) is None


def test_complex_valued_points_count_as_not_finite():
    fmap = PlaneMap.from_expressions("(-1)**x", "y")
    values = fmap(np.array([[0.5, 0.0], [2.0, 0.0], [3.0, 1.0]]))
    assert np.isnan(values[0, 0])
    np.testing.assert_array_equal(values[1:], [[1.0, 0.0], [-1.0, 1.0]])
    # its x-derivative (-1)**x log(-1) = i pi (-1)**x is never real: every point is bad, the first is named
    assert np.isnan(fmap.jacobian(np.array([2.0, 0.0]))[0, 0])
    with pytest.raises(NonFiniteMapError, match=r"\(0\.5, 0\) \(2 of 2 "):
        fmap.require_finite(np.array([[0.5, 0.0], [2.0, 0.0]]))


# ---------------------------------------------------------------- numerical_jacobian


def test_numerical_jacobian_of_linear_map_is_exact():
    a = np.array([[2.0, -3.0, 1.0], [0.0, 5.0, 4.0]])
    pts = np.arange(12, dtype=float).reshape(4, 3)
    # integers and h = 1/2: every operation below is exact in binary floating point
    jac = numerical_jacobian(lambda p: p @ a.T, pts, h=0.5)
    assert jac.shape == (4, 2, 3)
    np.testing.assert_array_equal(jac, np.broadcast_to(a, (4, 2, 3)))


@pytest.mark.parametrize("batch", [(), (5,), (2, 3)])
def test_numerical_jacobian_general_shapes_against_closed_form(batch):
    def fn(p):  # R^3 -> R^4
        x, y, z = p[..., 0], p[..., 1], p[..., 2]
        return np.stack([x * y, np.sin(z), x**2 + z, np.exp(y) * z], axis=-1)

    def closed(p):
        x, y, z = p[..., 0], p[..., 1], p[..., 2]
        zero = np.zeros_like(x)
        rows = [
            [y, x, zero],
            [zero, zero, np.cos(z)],
            [2 * x, zero, np.ones_like(x)],
            [zero, np.exp(y) * z, np.exp(y)],
        ]
        return np.stack([np.stack(r, -1) for r in rows], -2)

    pts = np.random.default_rng(1).uniform(-1, 1, (*batch, 3))
    jac = numerical_jacobian(fn, pts)
    assert jac.shape == (*batch, 4, 3)
    np.testing.assert_allclose(jac, closed(pts), atol=1e-9)


def test_numerical_jacobian_one_dimensional():
    jac = numerical_jacobian(lambda p: p**3, np.array([[2.0]]), h=1e-4)
    assert jac.shape == (1, 1, 1)
    assert jac[0, 0, 0] == pytest.approx(12.0, abs=1e-7)  # 3 x^2 + h^2 (the central-difference error of x^3)


@pytest.mark.parametrize("h", [0.0, -1e-5, float("nan"), float("inf"), "0.1"])
def test_numerical_jacobian_rejects_bad_step(h):
    with pytest.raises(ValueError, match="step h"):
        numerical_jacobian(lambda p: p, np.zeros((1, 2)), h=h)


@pytest.mark.parametrize("points", [np.float64(1.0), np.zeros((3, 0))])
def test_numerical_jacobian_rejects_bad_points(points):
    with pytest.raises(ValueError, match="points"):
        numerical_jacobian(lambda p: p, points)


# ---------------------------------------------------------------- random maps from the whitelist grammar

NUMBERS = st.sampled_from(["0", "1", "2", "3", "0.5", "1.5", "2.25", "1e-1", "pi", "e"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    quotient = st.tuples(children, children).map(lambda t: f"({t[0]}) / (1 + ({t[1]})**2)")
    power = st.tuples(children, st.integers(0, 3)).map(lambda t: f"({t[0]})**{t[1]}")
    negative = children.map(lambda a: f"-({a})")
    # functions whose arguments stay inside their smooth domain
    calls = st.tuples(st.sampled_from(["sin", "cos", "tanh", "sinh", "cosh", "exp"]), children).map(
        lambda t: f"{t[0]}({t[1]})"
    )
    guarded = children.flatmap(
        lambda a: st.sampled_from([f"sqrt(1 + ({a})**2)", f"log(2 + ({a})**2)", f"tan(sin({a}))"])
    )
    return st.one_of(binary, quotient, power, negative, calls, guarded)


EXPRESSIONS = st.recursive(st.one_of(st.sampled_from(["x", "y"]), NUMBERS), _combine, max_leaves=8)
POINTS = st.tuples(st.floats(-2, 2), st.floats(-2, 2))

MATH = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "log": math.log, "sqrt": math.sqrt,
    "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh, "abs": abs, "pi": math.pi, "e": math.e,
}  # fmt: skip


def build(f1: str, f2: str) -> PlaneMap:
    """The map, or a rejected example when a constant part is absurd (e.g. cosh(cosh(cosh(3))))."""
    try:
        return PlaneMap.from_expressions(f1, f2)
    except ExpressionError as exc:
        assert "larger than" in str(exc), exc
        assume(False)
        raise


def plain_math(text: str, x: float, y: float) -> float:
    """Evaluate a grammar-generated string (never user text) with Python's scalar math module."""
    return float(eval(text, {"__builtins__": {}}, {**MATH, "x": x, "y": y}))  # noqa: S307


@given(EXPRESSIONS, EXPRESSIONS, POINTS)
def test_random_maps_values_match_plain_math(f1, f2, point):
    fmap = build(f1, f2)
    try:
        expected = [plain_math(f1, *point), plain_math(f2, *point)]
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    assume(all(math.isfinite(v) and abs(v) < 1e8 for v in expected))
    np.testing.assert_allclose(fmap(np.array(point)), expected, rtol=1e-9, atol=1e-9)


@given(EXPRESSIONS, EXPRESSIONS, POINTS)
def test_random_maps_sympy_jacobian_matches_central_differences(f1, f2, point):
    fmap = build(f1, f2)
    p = np.array(point)
    exact = fmap.jacobian(p)
    values = fmap(p)
    assume(np.isfinite(exact).all() and np.isfinite(values).all())
    assume(np.abs(exact).max() < 1e4 and np.abs(values).max() < 1e4)
    # step 1e-4: truncation ~ h^2 |f'''| / 6, rounding ~ eps |f| / h -- both far below the tolerance for sane maps
    numeric = numerical_jacobian(fmap, p, h=1e-4)
    assume(np.isfinite(numeric).all())
    scale = 1 + np.abs(exact).max() + np.abs(values).max()
    np.testing.assert_allclose(exact, numeric, rtol=1e-4, atol=1e-4 * scale)


@given(EXPRESSIONS, EXPRESSIONS)
def test_random_maps_broadcast_over_batches(f1, f2):
    fmap = build(f1, f2)
    pts = np.linspace(-1, 1, 24).reshape(2, 6, 2)
    assert fmap(pts).shape == (2, 6, 2)
    assert fmap.jacobian(pts).shape == (2, 6, 2, 2)
    # a batch gives the same numbers as one point at a time (NumPy's SIMD and scalar paths may differ by an ulp)
    one_by_one = np.array([fmap.jacobian(p) for p in pts.reshape(-1, 2)]).reshape(2, 6, 2, 2)
    np.testing.assert_allclose(fmap.jacobian(pts), one_by_one, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize(("f1", "f2", "point", "direction", "degree"), [
    ("x**2 - y", "y**2 + x", (1.0, 1.0), (0.8, 0.6), 2),
    ("x**3 + y", "y", (1.0, 1.0), (0.8, 0.6), 3),
    ("x**3 + y", "y", (1.0, 1.0), (0.0, 1.0), 1),  # along y the cube is a constant
    ("x*y", "x - 2*y", (0.5, -1.0), (0.6, -0.8), 2),
    ("sin(x) + y**2", "y", (0.3, 0.2), (0.8, 0.6), None),
    ("sin(x) + y**2", "y", (0.3, 0.2), (0.0, 1.0), 2),  # sin(x) is constant along y
    ("exp(x)", "y", (0.0, 0.0), (1.0, 0.0), None),
    ("x**2 - y + 0.0001*x**3", "y**2 + x", (1.0, 1.0), (0.8, 0.6), 3),
])
def test_degree_along_a_line_matches_polynomial_fits(f1, f2, point, direction, degree):
    fmap = PlaneMap.from_expressions(f1, f2)
    assert fmap.degree_along(point, direction) == degree
    # independent: least-squares polynomial fits of f(p + s u) over 41 steps; degree d fits exactly, d - 1 not
    s = np.linspace(-1, 1, 41)
    values = fmap(np.asarray(point) + s[:, None] * np.asarray(direction))

    def misfit(d):
        return max(np.abs(np.polyval(np.polyfit(s, v, d), s) - v).max() for v in values.T)

    if degree is None:
        assert misfit(6) > 1e-12
    else:
        assert misfit(degree) < 1e-9
        if degree > 0:
            assert misfit(degree - 1) > 1e-6
    # the Taylor remainder over s^2 is the same at every step exactly when the degree is 2
    if degree == 2:
        jac = fmap.jacobian(np.asarray(point))
        steps = np.array([1.0, 0.3, 0.01])
        rem = fmap(np.asarray(point) + steps[:, None] * np.asarray(direction)) - fmap(np.asarray(point)) \
            - steps[:, None] * (jac @ np.asarray(direction))
        np.testing.assert_allclose(rem / steps[:, None] ** 2, np.tile(rem[0], (3, 1)), rtol=1e-8, atol=1e-10)


def test_degree_along_rejects_a_bad_point():
    with pytest.raises(ValueError, match="two finite numbers"):
        PlaneMap.from_expressions("x", "y").degree_along([1.0, float("nan")], [1.0, 0.0])
