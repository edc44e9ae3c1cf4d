"""Tests of jacobian_math.plotting (axis ranges, tangent segments) against independent computations.

The one nice_step (both rules) is tested in tests/test_math_fields.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jacobian_math.plotting import PlotGeometryError, axis_range, tangent_segments

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
positive = st.floats(0.05, 20.0, allow_nan=False, allow_infinity=False)


def _mantissa(step: float) -> float:
    return round(step / 10 ** math.floor(math.log10(step) + 1e-12), 9)


@given(st.lists(finite, min_size=1, max_size=30), st.floats(0, 0.5), st.booleans())
def test_axis_range_contains_data_and_has_nice_step(values, pad, include_zero):
    lo, hi, step = axis_range(values, pad=pad, include_zero=include_zero)
    assert lo <= min(values) and hi >= max(values)
    if include_zero:
        assert lo <= 0 <= hi
    assert _mantissa(step) in (1.0, 2.0, 2.5, 5.0)
    intervals = (hi - lo) / step
    # neighbouring nice steps differ by at most a factor 2, so the nearest is within sqrt(2) of span / 4
    assert 4 / math.sqrt(2) - 1e-9 <= intervals <= 4 * math.sqrt(2) + 1e-9


def test_axis_range_worked_example():
    # data [0, 1], pad 0.1 -> [-0.1, 1.1]; span 1.2 / 4 ticks = 0.3; nearest nice step in log scale is 0.25
    lo, hi, step = axis_range([0.3, 1.0, 0.0], pad=0.1)
    assert (lo, hi) == pytest.approx((-0.1, 1.1))
    assert step == pytest.approx(0.25)
    # symmetric derivative data of sigma = 1: +-exp(-1/2) ~ 0.6065, no pad -> span 1.213 / 4 ~ 0.303 -> 0.25
    lo, hi, step = axis_range([-math.exp(-0.5), math.exp(-0.5)], pad=0.0)
    assert (lo, hi, step) == pytest.approx((-math.exp(-0.5), math.exp(-0.5), 0.25))


@example([5e-324])  # a fresh clone's Hypothesis run found it: the step came out 0 and log10 raised
@example([5e-324, -5e-324])
@example([1.0, 1.0 + 2**-52])
@example([-1e300, 1e300])
@given(st.lists(st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False), min_size=1, max_size=5))
def test_axis_range_of_any_magnitude_is_a_sane_axis(values):
    lo, hi, step = axis_range(values)
    assert lo <= min(values, default=0) and hi >= max(values) and lo <= 0 <= hi
    assert math.isfinite(step) and step > 0
    # a readable axis: ticks far enough apart to print different numbers, and 2..6 of them
    assert step >= 1e-9 * max(abs(lo), abs(hi))
    assert 2 <= (hi - lo) / step <= 7


@pytest.mark.parametrize("values", [[5e-324], [0.0, 1e-310], [7.0, 7.0 + 1e-14]])
def test_axis_range_of_one_value_up_to_rounding_is_a_unit_axis_around_it(values):
    lo, hi, step = axis_range(values, include_zero=False, pad=0.0)
    mid = (min(values) + max(values)) / 2
    assert (lo + hi) / 2 == pytest.approx(mid)
    assert hi - lo == pytest.approx(max(abs(mid), 1.0))
    assert step == pytest.approx(0.25 if abs(mid) < 1 else 2.0)  # nice steps nearest span / 4


def test_axis_range_constant_data_gets_a_span():
    lo, hi, _ = axis_range([3.0, 3.0], include_zero=False, pad=0.0)
    assert lo < 3.0 < hi


@pytest.mark.parametrize(
    ("values", "kwargs", "match"),
    [
        ([], {}, "empty"),
        ([1.0, float("nan")], {}, "finite"),
        ([1.0], {"pad": -1}, "pad"),
    ],
)
def test_axis_range_rejects_bad_input(values, kwargs, match):
    with pytest.raises(PlotGeometryError, match=match):
        axis_range(values, **kwargs)


@given(finite, finite, st.floats(-50, 50), positive, positive, positive)
def test_tangent_segment_has_length_slope_and_midpoint(x0, y0, m, length, xu, yu):
    (xa, ya), (xb, yb) = tangent_segments(x0, y0, m, length, xu, yu)[0]
    # differences of coordinates up to 1e3 over runs down to ~1e-5 lose ~1e-8 relative precision
    screen_len = math.sqrt(((xb - xa) * xu) ** 2 + ((yb - ya) * yu) ** 2)
    assert screen_len == pytest.approx(length, rel=1e-6)
    assert xb > xa
    assert (yb - ya) / (xb - xa) == pytest.approx(m, rel=1e-6, abs=1e-6)
    assert ((xa + xb) / 2, (ya + yb) / 2) == pytest.approx((x0, y0), rel=1e-9, abs=1e-9)


def test_tangent_segments_touch_a_gaussian_bump():
    """Segments with slope phi'(x0) agree with a central-difference secant of the closed form."""
    c, sigma = np.array([-2.0, 0.0, 2.0]), 1.0
    x0 = 0.7
    phi = np.exp(-((x0 - c) ** 2) / (2 * sigma**2))
    h = 1e-6
    fd = (np.exp(-((x0 + h - c) ** 2) / 2) - np.exp(-((x0 - h - c) ** 2) / 2)) / (2 * h)
    ends = tangent_segments(x0, phi, fd, 0.8, 0.8, 2.6)
    assert ends.shape == (3, 2, 2)
    slopes = (ends[:, 1, 1] - ends[:, 0, 1]) / (ends[:, 1, 0] - ends[:, 0, 0])
    np.testing.assert_allclose(slopes, fd, rtol=1e-9)
    # a steeper slope gives a shorter run in x (same screen length)
    runs = ends[:, 1, 0] - ends[:, 0, 0]
    assert np.argmax(runs) == np.argmin(np.abs(fd))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0.0, 0.0, float("inf"), 1.0, 1.0, 1.0), "slope"),
        ((0.0, 0.0, 1.0, 0.0, 1.0, 1.0), "length"),
        ((0.0, 0.0, 1.0, 1.0, -1.0, 1.0), "x_unit"),
        ((np.zeros((2, 2)), 0.0, 1.0, 1.0, 1.0, 1.0), "1-D"),
    ],
)
def test_tangent_segments_reject_bad_input(args, match):
    with pytest.raises(PlotGeometryError, match=match):
        tangent_segments(*args)


def test_partial_sums_of_weighted_bumps_end_at_the_model():
    from jacobian_math.plotting import partial_sums
    from jacobian_math.rbf import RBFBasis

    c, sigma, w = np.array([-2.0, 0.0, 2.0]), 0.8, np.array([1.0, -0.7, 0.8])
    x = np.linspace(-5, 5, 41)
    model = RBFBasis(c, sigma).model(w)
    sums = partial_sums(model.weighted_values(x))
    closed = [w[i] * np.exp(-((x - c[i]) ** 2) / (2 * sigma**2)) for i in range(3)]
    np.testing.assert_allclose(sums[:, 0], closed[0], atol=1e-12)
    np.testing.assert_allclose(sums[:, 1], closed[0] + closed[1], atol=1e-12)
    np.testing.assert_allclose(sums[:, 2], closed[0] + closed[1] + closed[2], atol=1e-12)
    dsums = partial_sums(model.weighted_derivatives(x))
    h = 1e-6
    fd = (sum(w[i] * np.exp(-((x + h - c[i]) ** 2) / (2 * sigma**2)) for i in range(3))
          - sum(w[i] * np.exp(-((x - h - c[i]) ** 2) / (2 * sigma**2)) for i in range(3))) / (2 * h)
    np.testing.assert_allclose(dsums[:, -1], fd, atol=1e-7)


def test_partial_sums_rejects_empty():
    from jacobian_math.plotting import partial_sums

    with pytest.raises(PlotGeometryError, match="last axis"):
        partial_sums(np.zeros((3, 0)))
