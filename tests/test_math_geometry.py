"""Square cells, their true and linearised images, and the h^2 shrink of the gap between them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jacobian_math import PlaneMap, cell_boundary, cell_image, linearisation_gap, linearised_cell, square_cell

PAGE = PlaneMap.from_expressions("x**2 - y", "y**2 + x")
H_STEPS = np.array([0.4, 0.2, 0.1, 0.05, 0.025])


def page_f(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([x**2 - y, y**2 + x], axis=-1)


def page_j(x: float, y: float) -> np.ndarray:
    return np.array([[2 * x, -1.0], [1.0, 2 * y]])


def loglog_slope(fmap, point, hs=H_STEPS) -> float:
    gaps = [linearisation_gap(fmap, point, h) for h in hs]
    return float(np.polyfit(np.log(hs), np.log(gaps), 1)[0])


def last_slope(fmap, point) -> float:
    """log-log slope between the two smallest cells, h = 0.05 and 0.025: closest to the h -> 0 limit."""
    small, smaller = linearisation_gap(fmap, point, 0.05), linearisation_gap(fmap, point, 0.025)
    return math.log(small / smaller) / math.log(2)


points_st = st.tuples(st.floats(-2, 2), st.floats(-2, 2)).map(np.array)
sides_st = st.floats(1e-3, 1.0)


@given(points_st, sides_st)
def test_square_cell_corners(p, h):
    corners = square_cell(p, h)
    x, y = p
    expected = [[x, y], [x + h, y], [x + h, y + h], [x, y + h]]
    np.testing.assert_array_equal(corners, expected)


@given(points_st, sides_st, st.integers(1, 20))
def test_cell_boundary_lies_on_the_square_and_runs_counter_clockwise(p, h, n):
    boundary = cell_boundary(p, h, n)
    assert boundary.shape == (4 * n, 2)
    d = boundary - p
    # every sample is on one of the 4 sides of [0, h]^2
    on_side = (np.isclose(d, 0, atol=1e-12 * (1 + h)) | np.isclose(d, h, rtol=1e-12)).any(axis=1)
    inside = ((d >= -1e-12) & (d <= h * (1 + 1e-12))).all(axis=1)
    assert on_side.all() and inside.all()
    # the 4 corners are samples 0, n, 2n, 3n
    np.testing.assert_allclose(boundary[:: n], square_cell(p, h), rtol=1e-15, atol=1e-15)
    # counter-clockwise: positive signed area (shoelace) equal to h^2
    x, y = d[:, 0], d[:, 1]
    area = 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
    assert area == pytest.approx(h * h, rel=1e-9)


@given(points_st, sides_st)
def test_linearised_cell_is_f_p_plus_j_times_offsets(p, h):
    corners = linearised_cell(PAGE, p, h)
    x, y = p
    fx, fy = x**2 - y, y**2 + x
    # J = [[2x, -1], [1, 2y]] applied by hand to the offsets 0, h e1, h (e1 + e2), h e2
    expected = [
        [fx, fy],
        [fx + 2 * x * h, fy + h],
        [fx + 2 * x * h - h, fy + h + 2 * y * h],
        [fx - h, fy + 2 * y * h],
    ]
    np.testing.assert_allclose(corners, expected, rtol=1e-12, atol=1e-12)
    # a parallelogram: opposite sides are the same vector J (h e1) and J (h e2)
    np.testing.assert_allclose(corners[1] - corners[0], corners[2] - corners[3], atol=1e-12)


@given(points_st, sides_st, st.integers(1, 12))
def test_cell_image_is_f_of_the_boundary(p, h, n):
    image = cell_image(PAGE, p, h, n)
    assert image.shape == (4 * n, 2)
    np.testing.assert_allclose(image, page_f(cell_boundary(p, h, n)), rtol=1e-15, atol=1e-15)


@given(points_st, st.sampled_from(list(H_STEPS)) | sides_st)
def test_page_map_gap_is_exactly_h_squared_root_two(p, h):
    # f(p + d) - f(p) - J d = (d_x^2, d_y^2): largest at the far corner d = (h, h), where it is h^2 sqrt(2)
    assert linearisation_gap(PAGE, p, h) == pytest.approx(h * h * math.sqrt(2), rel=1e-9, abs=1e-14)


@pytest.mark.parametrize(
    ("f1", "f2", "point"),
    [
        ("x**2 - y", "y**2 + x", (-1.0, -1.0)),
        ("x**2 - y", "y**2 + x", (1.0, 1.0)),
        ("sin(x)*cos(y)", "exp(x*y)", (0.3, -0.2)),
        ("x**3 - 3*x*y**2", "3*x**2*y - y**3", (1.0, 0.5)),
        ("tanh(x + y)", "log(2 + x**2) + sqrt(1 + y**2)", (0.5, 0.4)),  # away from tanh's inflection
        ("x*cos(y)", "x*sin(y)", (1.5, 0.8)),
    ],
)
def test_gap_shrinks_like_h_squared(f1, f2, point):
    fmap = PlaneMap.from_expressions(f1, f2)
    slope = loglog_slope(fmap, np.array(point))
    assert abs(slope - 2) <= 0.15, slope
    assert abs(last_slope(fmap, np.array(point)) - 2) <= 0.05


def test_linear_map_has_no_gap():
    fmap = PlaneMap.from_expressions("2*x - 3*y + 1", "x + 0.5*y")
    for h in H_STEPS:
        assert linearisation_gap(fmap, np.array([0.3, -1.2]), h) <= 1e-14


coefficient = st.floats(-0.2, 0.2)
curvature = st.floats(0.5, 3.0) | st.floats(-3.0, -0.5)


@given(curvature, curvature, coefficient, coefficient, coefficient, coefficient, points_st.map(lambda p: p / 2))
def test_random_smooth_maps_gap_shrinks_like_h_squared(a, b, c, d, s, t, p):
    # a dominant quadratic term plus small smooth perturbations: the gap is ~ h^2 max|d^T H d| / 2
    fmap = PlaneMap.from_expressions(
        f"{a}*x**2 + {c}*x*y + {s}*sin(x + y) - y", f"{b}*y**2 + {d}*exp(x/2) + {t}*cos(x*y) + x"
    )
    slope = loglog_slope(fmap, p)
    assert abs(slope - 2) <= 0.15, slope


@pytest.mark.parametrize(
    ("point", "needle"),
    [
        ((0.0,), "(0.0,)"),
        ((0.0, 1.0, 2.0), "(0.0, 1.0, 2.0)"),
        ((float("nan"), 0.0), "nan"),
        ((0.0, float("inf")), "inf"),
    ],
)
def test_bad_point_raises(point, needle):
    for call in (lambda: square_cell(point, 0.1), lambda: linearised_cell(PAGE, point, 0.1)):
        with pytest.raises(ValueError, match="point must be") as info:
            call()
        assert needle in str(info.value)


@pytest.mark.parametrize("h", [0.0, -0.1, float("nan"), float("inf"), "0.1", None, True])
def test_bad_side_raises(h):
    with pytest.raises(ValueError, match="cell side h") as info:
        square_cell((0.0, 0.0), h)
    assert repr(h) in str(info.value)


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_samples_per_side_raises(n):
    with pytest.raises(ValueError, match="samples_per_side") as info:
        cell_boundary((0.0, 0.0), 0.1, n)
    assert repr(n) in str(info.value)


def test_gap_halving_ratios_match_the_closed_form_gaps():
    from jacobian_math import PlaneMap, gap_halving_ratios

    sizes = 0.5 / 2.0 ** np.arange(4)
    # page map at (1, 1): f(p + d) - f(p) - J d = (d1^2, d2^2), largest at the far corner: sqrt(2) h^2
    page = PlaneMap.from_expressions("x**2 - y", "y**2 + x")
    np.testing.assert_allclose(gap_halving_ratios(page, np.array([1.0, 1.0]), sizes), 4.0, rtol=1e-9)
    # x^3 at the origin: the remainder is d1^3, largest at d1 = h: h^3, so each halving divides it by 8
    cubic = PlaneMap.from_expressions("x**3 + y", "y")
    np.testing.assert_allclose(gap_halving_ratios(cubic, np.array([0.0, 0.0]), sizes), 8.0, rtol=1e-9)
    # an affine map has no gap at all: no ratio
    affine = PlaneMap.from_expressions("2*x + y", "y - 1")
    assert np.isnan(gap_halving_ratios(affine, np.array([0.3, 0.2]), sizes)).all()
