"""jacobian_math.fields against closed forms, finite differences and hand-derived values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jacobian_math import PlaneMap
from jacobian_math.fields import (
    FieldError,
    arrow_scale,
    contour_paths,
    fit_labels,
    fit_scale,
    fit_view,
    grid_lines,
    grid_step,
    halving_sizes,
    image_bounds,
    label_layout,
    lattice,
    level_values,
    nice_step,
    nice_ticks,
    norm_field,
    pixel_centres,
    place_labels,
    plot_width,
    polyline_point,
    probe_waypoints,
    union_box,
    value_range,
    zoom_box,
    zoomed,
)

PAGE = PlaneMap.from_expressions("x**2 - y", "y**2 + x")
SINE = PlaneMap.from_expressions("sin(x) + y", "x - y**3/3")
ROT = PlaneMap.from_expressions("0.6*x - 0.8*y", "0.8*x + 0.6*y")
DOMAIN = (-2.0, 2.0, -2.0, 2.0)


def page_norm(x, y):
    """||J||_F of the page's map, J = [[2x, -1], [1, 2y]]."""
    return np.sqrt(4 * x**2 + 1 + 1 + 4 * y**2)


# ---------------------------------------------------------------- sampling


def test_pixel_centres_row_zero_is_the_top_and_centres_are_inset_by_half_a_pixel():
    pts = pixel_centres((0.0, 4.0, 0.0, 2.0), (2, 4))
    assert pts.shape == (2, 4, 2)
    np.testing.assert_allclose(pts[0, 0], [0.5, 1.5])  # top-left pixel of 1x1 plane units
    np.testing.assert_allclose(pts[1, 3], [3.5, 0.5])  # bottom-right


def test_norm_field_matches_the_closed_form_on_the_page_map():
    pts, norms = norm_field(PAGE, DOMAIN, (30, 40))
    assert norms.shape == (30, 40)
    np.testing.assert_allclose(norms, page_norm(pts[..., 0], pts[..., 1]), rtol=1e-12)


def test_norm_field_matches_finite_differences_on_a_non_polynomial_map():
    pts, norms = norm_field(SINE, DOMAIN, (7, 9))
    eps = 1e-6
    x, y = pts[..., 0], pts[..., 1]

    def f(x, y):
        return np.stack([np.sin(x) + y, x - y**3 / 3])

    dfx = (f(x + eps, y) - f(x - eps, y)) / (2 * eps)
    dfy = (f(x, y + eps) - f(x, y - eps)) / (2 * eps)
    np.testing.assert_allclose(norms, np.sqrt((dfx**2).sum(0) + (dfy**2).sum(0)), rtol=1e-7)


# ---------------------------------------------------------------- ticks and levels


def brute_force_steps() -> np.ndarray:
    """Every m * 10**k, m in (1, 2, 2.5, 5), k = -300 .. 300, ascending (exact decimal strings)."""
    return np.array(sorted(float(f"{m}e{k}") for k in range(-300, 301) for m in ("1", "2", "2.5", "5")))


STEPS = brute_force_steps()
LOG_STEPS = np.log(STEPS)


@example(1.0, 1)
@example(12.0, 6)  # span / ticks exactly a nice step: that step
@example(1e-280, 3)
@given(st.floats(1e-280, 1e280), st.integers(1, 40))
def test_nice_step_at_most_is_the_smallest_nice_step_giving_at_most_ticks_intervals(span, ticks):
    want = STEPS[np.flatnonzero(math.log(span) - LOG_STEPS <= math.log(ticks) + 1e-12)[0]]
    assert nice_step(span, ticks) == pytest.approx(want, rel=1e-12)
    assert nice_step(span, ticks, rule="at_most") == nice_step(span, ticks)


@example(1.2, 4)  # the worked example of axis_range: 0.3 -> 0.25
@example(10.0, 5)  # the RBF panels' x axis over [-5, 5]: 2
@given(st.floats(1e-280, 1e280), st.integers(1, 40))
def test_nice_step_nearest_is_the_nice_step_nearest_in_log_scale(span, ticks):
    raw = span / ticks
    distance = np.abs(LOG_STEPS - math.log(raw))
    step = nice_step(span, ticks, rule="nearest")
    assert abs(math.log(step / raw)) == pytest.approx(distance.min(), abs=1e-9)
    # neighbouring nice steps differ by at most a factor 2: the nearest is within sqrt(2) of span / ticks
    assert ticks / math.sqrt(2) * (1 - 1e-9) <= span / step <= ticks * math.sqrt(2) * (1 + 1e-9)


@pytest.mark.parametrize(("span", "ticks", "at_most", "nearest"), [
    (1.2, 4, 0.5, 0.25),  # 0.3: at most 4 intervals needs 0.5; 0.25 is nearer than 0.5 (log scale)
    (10.0, 5, 2.0, 2.0),
    (1.41, 6, 0.25, 0.25),
    (7.0, 16, 0.5, 0.5),
    (1.12, 4, 0.5, 0.25),
])
def test_nice_step_hand_computed(span, ticks, at_most, nearest):
    assert nice_step(span, ticks) == pytest.approx(at_most)
    assert nice_step(span, ticks, rule="nearest") == pytest.approx(nearest)


def test_nice_step_rejects_a_subnormal_span():
    with pytest.raises(FieldError, match="too small"):
        nice_step(5e-324)
    with pytest.raises(FieldError, match="too small"):
        nice_step(5e-324, rule="nearest")


def test_nice_step_rejects_bad_input():
    with pytest.raises(ValueError, match="span"):
        nice_step(0.0)
    with pytest.raises(ValueError, match="span"):
        nice_step(float("inf"), rule="nearest")
    with pytest.raises(ValueError, match="ticks"):
        nice_step(1.0, 0)
    with pytest.raises(ValueError, match="rule"):
        nice_step(1.0, 4, rule="closest")


@pytest.mark.parametrize(
    ("lo", "hi", "max_ticks", "expected"),
    [
        (-2, 2, 4, [-2, -1, 0, 1, 2]),
        (0, 1, 5, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (1.3, 5.9, 6, [2, 3, 4, 5]),
        (0, 10, 4, [0, 2.5, 5, 7.5, 10]),
        (-0.03, 0.07, 5, [-0.02, 0, 0.02, 0.04, 0.06]),
    ],
)
def test_nice_ticks_hand_computed(lo, hi, max_ticks, expected):
    np.testing.assert_allclose(nice_ticks(lo, hi, max_ticks), expected, atol=1e-12)


@example(7.497363134082549e-09, 6.0, 1)  # found by the fuzz profile: tick 0 lay 7.5e-9 below lo
@given(st.floats(-1e3, 1e3), st.floats(1e-3, 1e3), st.integers(1, 12))
def test_nice_ticks_are_nice_multiples_inside_the_range(lo, span, max_ticks):
    hi = lo + span
    span = hi - lo  # the span nice_ticks sees, after float rounding of lo + span
    step = nice_step(span, max_ticks)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 2.5, 5, 10))
    assert span / step <= max_ticks + 1e-9  # at most max_ticks intervals
    ticks = nice_ticks(lo, hi, max_ticks)
    assert len(ticks) >= 1  # even when no multiple of ``step`` falls inside, a finer nice step does
    assert np.all(ticks >= lo - 1e-9 * max(1, abs(lo))) and np.all(ticks <= hi + 1e-9 * max(1, abs(hi)))
    if len(ticks) >= 2:
        d = ticks[1] - ticks[0]
        assert d <= step * (1 + 1e-9)
        mant = d / 10 ** math.floor(math.log10(d))
        assert any(math.isclose(mant, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))
        np.testing.assert_allclose(ticks / d, np.round(ticks / d), atol=1e-6)
        np.testing.assert_allclose(np.diff(ticks), d, rtol=1e-6)


def test_nice_ticks_falls_back_to_a_finer_step_rather_than_none():
    # one interval over [1, 4] would need step 5, which has no multiple in [1, 4]
    np.testing.assert_allclose(nice_ticks(1.0, 4.0, 1), [2.0, 4.0])


def test_value_range_of_the_page_norm_is_one_to_six():
    # ||J|| over [-2, 2]^2 runs from sqrt(2) ~ 1.41 to sqrt(34) ~ 5.83; unit ticks round it to [1, 6]
    _, norms = norm_field(PAGE, DOMAIN, (50, 50))
    assert value_range(norms) == (1.0, 6.0)


def test_value_range_of_a_constant_is_a_non_empty_interval_around_it():
    lo, hi = value_range(np.full(5, math.sqrt(2)))
    assert lo < math.sqrt(2) < hi


def test_level_values_are_nice_and_strictly_inside():
    levels = level_values(np.array([1.41, 5.83]), 4)
    np.testing.assert_allclose(levels, [2, 3, 4, 5])
    assert len(level_values(np.array([2.0, 2.0]), 4)) == 0


# ---------------------------------------------------------------- level curves


def test_contours_of_the_page_norm_are_circles():
    # ||J|| = L  <=>  x^2 + y^2 = (L^2 - 2) / 4
    xs, ys = lattice(DOMAIN, 101)
    v = page_norm(*np.meshgrid(xs, ys))
    for level in (2.0, 3.0, 4.0):
        paths = contour_paths(xs, ys, v, level)
        assert len(paths) == 1
        path = paths[0]
        np.testing.assert_allclose(path[0], path[-1])  # closed
        radius = math.sqrt((level**2 - 2) / 4)
        np.testing.assert_allclose(np.hypot(path[:, 0], path[:, 1]), radius, atol=2e-3)
        angles = np.sort(np.arctan2(path[:, 1], path[:, 0]))
        assert np.max(np.diff(angles)) < 0.2  # goes all the way round


def test_contours_leaving_the_domain_are_open_and_end_on_its_edge():
    xs, ys = lattice(DOMAIN, 41)
    v = page_norm(*np.meshgrid(xs, ys))
    paths = contour_paths(xs, ys, v, 5.0)  # radius 2.29 > 2: four arcs cut off by the square
    assert len(paths) == 4
    for path in paths:
        for end in (path[0], path[-1]):
            assert math.isclose(abs(end[0]), 2) or math.isclose(abs(end[1]), 2)


def test_contours_are_exact_for_a_bilinear_field_including_saddles():
    # v = x y is linear along every grid edge, so the interpolated crossings are exact
    xs, ys = np.linspace(-1.05, 0.95, 21), np.linspace(-0.97, 1.03, 21)
    v = np.outer(ys, xs)
    for level in (0.0, 0.3, -0.2):
        paths = contour_paths(xs, ys, v, level)
        assert paths
        for path in paths:
            np.testing.assert_allclose(path[:, 0] * path[:, 1], level, atol=1e-12)


def test_contours_reject_bad_shapes_and_nan():
    with pytest.raises(FieldError, match="shape"):
        contour_paths(np.arange(3.0), np.arange(4.0), np.zeros((3, 4)), 0.0)
    with pytest.raises(FieldError, match="finite"):
        contour_paths(np.arange(2.0), np.arange(2.0), np.array([[0, np.nan], [1, 2]]), 0.5)


# ---------------------------------------------------------------- framing


def test_image_bounds_closed_forms():
    # x^2 - y and y^2 + x over [-2, 2]^2: min 0 - 2, max 4 + 2
    assert image_bounds(PAGE, DOMAIN) == pytest.approx((-2, 6, -2, 6))
    # a rotation by atan2(0.8, 0.6): each coordinate is at most 2 (0.6 + 0.8) in size
    assert image_bounds(ROT, DOMAIN) == pytest.approx((-2.8, 2.8, -2.8, 2.8))


def test_image_bounds_rejects_a_map_that_is_not_finite():
    with pytest.raises(FieldError, match="not finite"):
        image_bounds(PlaneMap.from_expressions("log(x)", "y"), DOMAIN)


@given(st.floats(-50, 50), st.floats(0.1, 50), st.floats(-50, 50), st.floats(0.1, 50),
       st.floats(1, 10), st.floats(1, 10))
def test_fit_view_contains_the_content_and_fits_the_rectangle(x0, w, y0, h, width, height):
    view = fit_view((x0, x0 + w, y0, y0 + h), width, height)
    b = view.box
    assert b[0] <= x0 and b[1] >= x0 + w and b[2] <= y0 and b[3] >= y0 + h
    vw, vh = view.size
    assert vw <= width + 1e-9 and vh <= height + 1e-9
    assert math.isclose(vw, width) or math.isclose(vh, height)  # as large as fits


@given(st.floats(-50, 50), st.floats(0.01, 50), st.floats(-50, 50), st.floats(0.01, 50),
       st.floats(1, 10), st.floats(1, 10), st.floats(0, 1))
def test_fit_view_fill_grows_the_short_side_to_nearly_fill_the_rectangle(x0, w, y0, h, width, height, margin):
    tight = fit_view((x0, x0 + w, y0, y0 + h), width, height, margin)
    view = fit_view((x0, x0 + w, y0, y0 + h), width, height, margin, fill=True)
    assert view.unit == tight.unit
    b, t = view.box, tight.box
    assert b[0] <= t[0] and b[1] >= t[1] and b[2] <= t[2] and b[3] >= t[3]  # the content stays inside
    vw, vh = view.size
    assert vw <= width + 1e-6 and vh <= height + 1e-6
    # grown by whole steps q of the rounding (both sides within one step of each other): short of
    # the rectangle by less than two steps
    q = (t[1] - t[0]) / round((t[1] - t[0]) / nice_step(max(w, h), 16))
    assert width - vw < 2 * q * view.unit + 1e-6 and height - vh < 2 * q * view.unit + 1e-6
    assert abs((t[0] - b[0]) - (b[1] - t[1])) <= q + 1e-6


def test_fit_view_fill_keeps_a_box_that_already_fits():
    # the page's content: [-2, 6]^2 padded to [-3, 7]^2 at 0.74 per unit, 0.1 short of 7.5 wide
    assert fit_view((-2, 6, -2, 6), 7.5, 7.4, fill=True) == fit_view((-2, 6, -2, 6), 7.5, 7.4)
    # a tall content in a wide rectangle: the x range grows symmetrically to fill it
    view = fit_view((-1, 1, -8, 8), 7.5, 7.4, margin=0, fill=True)
    assert view.box == (-8.0, 8.0, -8.0, 8.0) and view.unit == pytest.approx(7.4 / 16)


def test_fit_view_rounds_a_small_content_to_a_step_of_its_own_size():
    view = fit_view((0.1, 0.3, 0.1, 0.3), 5, 5, margin=0)
    assert view.box == pytest.approx((0.1, 0.3, 0.1, 0.3))  # step 0.0125, not 0.5


def test_plot_width_widens_for_a_flat_content_up_to_the_limit():
    assert plot_width((0, 1, 0, 1), 7.4, 7.5, 9.5) == 7.5  # square: the preferred width
    assert plot_width((0, 1, 0, 4), 7.4, 7.5, 9.5) == 7.5  # tall: never narrower
    assert plot_width((0, 1.2, 0, 1), 7.4, 7.5, 9.5) == pytest.approx(8.88)
    assert plot_width((0, 4, 0, 1), 7.4, 7.5, 9.5) == 9.5
    with pytest.raises(FieldError):
        plot_width((0, 1, 0, 1), 7.4, 9.6, 9.5)


def test_fit_scale():
    assert fit_scale((2, 1), (4, 4)) == 1.0  # never enlarges
    assert fit_scale((8, 1), (4, 4)) == 0.5
    assert fit_scale((2, 8), (4, 2)) == 0.25
    assert fit_scale((0, 0), (1, 1)) == 1.0
    with pytest.raises(FieldError):
        fit_scale((1, 1), (0, 1))


def test_union_box():
    assert union_box((0, 1, 0, 1), (-1, 0.5, 0.5, 3)) == (-1, 1, 0, 3)
    with pytest.raises(FieldError, match="min < max"):
        union_box((0, 0, 0, 1))


def test_grid_lines_hit_every_multiple_of_the_step_and_the_edges():
    lines = grid_lines((-1.2, 2.0, -2.0, 2.0), 0.5, samples=5)
    verticals = sorted({ln[0, 0] for ln in lines if np.allclose(ln[:, 0], ln[0, 0])})
    np.testing.assert_allclose(verticals, [-1.2, -1.0, -0.5, 0, 0.5, 1.0, 1.5, 2.0])
    horizontals = sorted({ln[0, 1] for ln in lines if np.allclose(ln[:, 1], ln[0, 1])})
    np.testing.assert_allclose(horizontals, np.arange(-2, 2.01, 0.5))
    for ln in lines:
        assert ln.shape == (5, 2)
        assert ln[:, 0].min() >= -1.2 - 1e-12 and ln[:, 0].max() <= 2.0 + 1e-12


def test_grid_lines_without_edges_are_the_multiples_of_the_step_only():
    lines = grid_lines((-1.2, 2.0, -3.5, 3.5), 0.5, samples=7, edges=False)
    xs = [ln[0, 0] for ln in lines if ln[0, 0] == ln[-1, 0]]
    ys = [ln[0, 1] for ln in lines if ln[0, 1] == ln[-1, 1]]
    np.testing.assert_allclose(xs, [-1.0, -0.5, 0, 0.5, 1.0, 1.5, 2.0])  # 2.0 is a multiple, -1.2 is not
    np.testing.assert_allclose(ys, [-3.5, -3.0, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5])
    assert len(lines) == len(xs) + len(ys) and all(ln.shape == (7, 2) for ln in lines)
    flow_box = grid_lines((-3.5, 3.5, -3.5, 3.5), 1.0, 80, edges=False)  # FlowDensity's grid: x, y = -3 .. 3
    assert [ln[0, 0] for ln in flow_box[:7]] == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0] and len(flow_box) == 14
    np.testing.assert_allclose(flow_box[0][:, 1], np.linspace(-3.5, 3.5, 80))


def test_grid_step_uses_the_cell_size_when_it_gives_a_readable_grid():
    assert grid_step(DOMAIN, 0.5) == 0.5  # 8 cells per side
    assert grid_step(DOMAIN, 0.01) == 0.5  # 400 cells per side: too many -> a nice step, 8 per side
    assert grid_step(DOMAIN, 3.0) == 0.5  # fewer than 4 cells


# ---------------------------------------------------------------- arrows, labels, zoom


def test_arrow_scale_keeps_the_cell_size_when_the_arrows_fit():
    jac = PAGE.jacobian(np.array([[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]))
    # longest column |(2, 1)| = sqrt(5); 0.5 * sqrt(5) * 0.72 = 0.80 frame units < 1.5
    assert arrow_scale(jac, unit=0.72, preferred=0.5, max_length=1.5) == 0.5


def test_arrow_scale_shrinks_long_arrows_and_grows_tiny_ones():
    jac = np.array([[[30.0, 0.0], [0.0, 1.0]]])
    s = arrow_scale(jac, unit=1.0, preferred=0.5, max_length=1.5)
    assert math.isclose(s * 30.0, 1.5)  # the longest arrow exactly at the limit
    s = arrow_scale(np.eye(2)[None], unit=1.0, preferred=0.01, max_length=1.5, min_length=0.3)
    assert math.isclose(s, 0.3)


def _overlap(a, b):
    return min(a[1], b[1]) - max(a[0], b[0]) > 1e-9 and min(a[3], b[3]) - max(a[2], b[2]) > 1e-9


@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), min_size=1, max_size=3))
def test_place_labels_stays_inside_and_never_stacks_labels(anchors):
    anchors = np.array(anchors)
    sizes = np.tile([1.6, 0.9], (len(anchors), 1))
    bounds = (-5.0, 5.0, -4.0, 4.0)
    centres = place_labels(anchors, sizes, bounds)
    boxes = [(c[0] - 0.8, c[0] + 0.8, c[1] - 0.45, c[1] + 0.45) for c in centres]
    for b in boxes:
        assert b[0] >= bounds[0] - 1e-9 and b[1] <= bounds[1] + 1e-9
        assert b[2] >= bounds[2] - 1e-9 and b[3] <= bounds[3] + 1e-9
    for i in range(len(boxes)):
        for j in range(i):
            assert not _overlap(boxes[i], boxes[j])


def test_place_labels_avoids_an_obstacle_on_the_preferred_side():
    obstacle = np.array([[0.0, 3.0, 0.0, 3.0]])  # covers the up-right side of the anchor
    c = place_labels(np.zeros((1, 2)), np.array([[1.0, 0.5]]), (-5, 5, -5, 5), obstacle)[0]
    assert not _overlap((c[0] - 0.5, c[0] + 0.5, c[1] - 0.25, c[1] + 0.25), obstacle[0])
    assert np.hypot(*c) < 1.5  # still next to its anchor


def test_label_layout_finds_free_room_far_from_a_crowded_anchor():
    # everything around the anchor is taken but for a strip at the right of the bounds
    obstacles = np.array([[-5, 3, -5, 5]])
    centres, left = label_layout(np.zeros((1, 2)), np.array([[1.5, 1.0]]), (-5, 5, -5, 5), obstacles)
    assert left == 0
    c = centres[0]
    assert c[0] - 0.75 >= 3 - 1e-9 and c[0] + 0.75 <= 5 + 1e-9
    assert abs(c[1]) < 0.1  # the nearest free place: level with the anchor


def test_label_layout_reports_the_overlap_when_nothing_is_free():
    centres, left = label_layout(np.zeros((2, 2)), np.array([[2.0, 2.0], [2.0, 2.0]]), (-1.5, 1.5, -1.5, 1.5))
    assert left > 0
    assert (np.abs(centres) <= 0.5 + 1e-9).all()  # still inside the bounds


def test_fit_labels_shrinks_until_the_labels_fit():
    sizes = np.array([[2.0, 1.0], [2.0, 1.0]])
    bounds = (-1.0, 1.0, -0.85, 0.85)  # two full-size labels need 2 of height: only 0.85 of them fit
    centres, scale, free = fit_labels(np.zeros((2, 2)), sizes, bounds, scales=(1.0, 0.85, 0.7))
    assert free and scale == 0.85
    boxes = [(c[0] - 0.85, c[0] + 0.85, c[1] - 0.425, c[1] + 0.425) for c in centres]
    assert not _overlap(*boxes)
    _, scale, free = fit_labels(np.zeros((2, 2)), sizes, (-1, 1, -0.5, 0.5), scales=(1.0, 0.7))
    assert not free and scale == 0.7
    with pytest.raises(FieldError):
        fit_labels(np.zeros((1, 2)), sizes[:1], bounds, scales=())


def test_halving_sizes():
    np.testing.assert_allclose(halving_sizes(0.5, 3), [0.5, 0.25, 0.125, 0.0625])
    with pytest.raises(FieldError):
        halving_sizes(-1.0, 2)


def test_zoomed_true_image_approaches_the_parallelogram_linearly_in_h():
    # page map at p = (1, 1): f(p + h(a, b)) - f(p) - J h(a, b) = h^2 (a^2, b^2), so in the 1/h
    # magnified inset the true image is J (a, b) + h (a^2, b^2): the bend shrinks like h
    p = np.array([1.0, 1.0])
    jac = np.array([[2.0, -1.0], [1.0, 2.0]])
    ab = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.5, 0.25]])
    for h in (0.5, 0.125):
        z = zoomed(PAGE(p + h * ab), PAGE(p), h)
        np.testing.assert_allclose(z, ab @ jac.T + h * ab**2, atol=1e-12)


def test_zoom_box_holds_every_zoomed_curve():
    p = np.array([1.0, 1.0])
    b = zoom_box(PAGE, p, [0.5, 0.25])
    # corners of the magnified true image at h = 0.5: J (a, b) + 0.5 (a^2, b^2)
    corners = np.array([[0, 0], [2.5, 1], [1.5, 3.5], [-1, 2.5]])
    assert b == pytest.approx((-1.0, 2.5, 0.0, 3.5))
    assert (corners[:, 0] >= b[0]).all() and (corners[:, 1] <= b[3]).all()


def test_polyline_point_moves_at_constant_speed_along_the_tour():
    w = np.array([[0.0, 0.0], [3.0, 0.0], [3.0, 1.0]])  # lengths 3 and 1
    np.testing.assert_allclose(polyline_point(w, 0.0), [0, 0])
    np.testing.assert_allclose(polyline_point(w, 0.5), [2, 0])
    np.testing.assert_allclose(polyline_point(w, 0.875), [3, 0.5])
    np.testing.assert_allclose(polyline_point(w, 1.0), [3, 1])


def test_probe_waypoints_stay_inside_and_end_at_the_last_sample_point():
    w = probe_waypoints(DOMAIN, [(-1, -1), (0, 0), (1, 1), (9, 9)])
    assert (np.abs(w) <= 2).all()
    np.testing.assert_allclose(w[-1], [1, 1])


def test_same_norm_different_stretch_on_the_pages_map():
    """f = (x^2 - y, y^2 + x): J = [[2x, -1], [1, 2y]], ||J||_F^2 = 4x^2 + 4y^2 + 2 (radial), while J^T J at
    (1, 1) is 5 I (sigma_1 = sqrt 5) and at (1, -1) [[5, -4], [-4, 5]] (sigma_1 = 3): the pair it finds."""
    from jacobian_math import PlaneMap
    from jacobian_math.fields import same_norm_different_stretch

    pts, norms, s1 = same_norm_different_stretch(PlaneMap.from_expressions("x**2 - y", "y**2 + x"), (-2, 2, -2, 2))
    np.testing.assert_allclose(pts, [[1, 1], [1, -1]])
    np.testing.assert_allclose(norms, [np.sqrt(10)] * 2, rtol=1e-12)
    np.testing.assert_allclose(s1, [np.sqrt(5), 3.0], rtol=1e-12)
    # a linear map has one Jacobian: no pair differs
    assert same_norm_different_stretch(PlaneMap.from_expressions("2*x + y", "y - x"), (-2, 2, -2, 2)) is None


def test_square_box_keeps_the_base_or_grows_to_a_square_around_the_data():
    from jacobian_math.fields import square_box

    base = (-1.6, 1.6, -1.6, 1.6)
    assert square_box(np.array([[0.0, 0.0], [1.5, -1.5]]), base) == base
    x0, x1, y0, y1 = square_box(np.array([[0.0, 0.0], [4.0, 1.0]]), base, margin=0.1)
    assert x1 - x0 == pytest.approx(y1 - y0)  # square
    assert x0 <= -1.6 and y0 <= -1.6 and y1 >= 1.6 and x1 >= 4.0 + 0.1 * (4.0 + 1.6) - 1e-9  # holds both, margin
    assert (x0 + x1) / 2 == pytest.approx((4.0 - 1.6) / 2)
