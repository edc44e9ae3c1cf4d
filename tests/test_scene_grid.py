"""Render the grid scenes at tiny size and read their geometry back against closed forms.

The page's map f(x, y) = (x^2 - y, y^2 + x) has J = [[2x, -1], [1, 2y]] and
||J||_F = sqrt(4x^2 + 4y^2 + 2); every expectation below is computed from these.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from scene_harness import assert_beats_match_golden, assert_matches_golden, render_scene, rendered

from jacobian_math import NonFiniteMapError
from jacobian_settings import COLORMAPS, ENV_VAR, activate
from scenes.grid_squares import GridSquaresUnderF
from scenes.heatmap import JacobianNormHeatmap
from scenes.kit import style
from scenes.kit.colormaps import COLORMAP_FILE, colormap_rgb, colormap_table


def page_f(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([x**2 - y, y**2 + x], axis=-1)


def page_jacobian(p: np.ndarray) -> np.ndarray:
    return np.array([[2 * p[0], -1.0], [1.0, 2 * p[1]]])


@pytest.fixture(scope="module")
def heatmap_scene():
    return rendered("JacobianNormHeatmap").scene


@pytest.fixture(scope="module")
def grid_scene():
    return rendered("GridSquaresUnderF").scene


def plane_coords(scene, frame_points: np.ndarray) -> np.ndarray:
    """Frame points -> plane coordinates through Manim's own NumberPlane.p2c."""
    return np.array([scene.plane.p2c(q)[:2] for q in np.asarray(frame_points)])


# ---------------------------------------------------------------- colour map (no rendering)


# Entries of the published tables (matplotlib's _cm_listed.py, from the BIDS colormap project), typed in from
# the upstream data: the first, a quarter, the middle, three quarters and the last of each map.
PUBLISHED = {
    "viridis": {0: (0.267004, 0.004874, 0.329415), 64: (0.229739, 0.322361, 0.545706),
                128: (0.127568, 0.566949, 0.550556), 192: (0.369214, 0.788888, 0.382914),
                255: (0.993248, 0.906157, 0.143936)},
    "plasma": {0: (0.050383, 0.029803, 0.527975), 64: (0.494877, 0.011990, 0.657865),
               128: (0.798216, 0.280197, 0.469538), 192: (0.973416, 0.585761, 0.251540),
               255: (0.940015, 0.975158, 0.131326)},
    "magma": {0: (0.001462, 0.000466, 0.013866), 64: (0.316654, 0.071690, 0.485380),
              128: (0.716387, 0.214982, 0.475290), 192: (0.986700, 0.535582, 0.382210),
              255: (0.987053, 0.991438, 0.749504)},
    "inferno": {0: (0.001462, 0.000466, 0.013866), 64: (0.341500, 0.062325, 0.429425),
                128: (0.735683, 0.215906, 0.330245), 192: (0.978422, 0.557937, 0.034931),
                255: (0.988362, 0.998364, 0.644924)},
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_colour_maps_are_the_published_tables(name):
    table = colormap_table(name)
    assert table.shape == (256, 3)
    for k, rgb in PUBLISHED[name].items():
        assert tuple(table[k]) == rgb, (name, k)
    # looked up as matplotlib's ListedColormap(N=256): [k/256, (k+1)/256) -> entry k, t = 1 -> entry 255
    for k, rgb in PUBLISHED[name].items():
        want = np.round(255 * np.array(rgb)).astype(int)
        for t in (k / 256, (k + 0.5) / 256, (k + 1) / 256 - 1e-9):
            np.testing.assert_array_equal(colormap_rgb(np.array(t), name), want, err_msg=f"{name} t={t}")
    np.testing.assert_array_equal(colormap_rgb(np.array([-0.5, 1.0, 7.0]), name),
                                  np.round(255 * table[[0, 255, 255]]).astype(int))


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_colour_maps_brighten_monotonically(name):
    # perceptual maps: relative luminance Y (of the linearised sRGB values) rises strictly along the table
    def luminance(rgb: np.ndarray) -> np.ndarray:
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return linear @ [0.2126, 0.7152, 0.0722]

    assert np.all(np.diff(luminance(colormap_table(name))) > 0)
    # the 8-bit colours drawn: darker only by rounding to whole levels (at most 0.1 % of white)
    drawn = colormap_rgb(np.linspace(0, 1, 1000), name) / 255.0
    assert np.all(np.diff(luminance(drawn)) > -1e-3)


def test_colour_map_file_holds_exactly_the_settings_maps_with_their_provenance():
    doc = json.loads(COLORMAP_FILE.read_text(encoding="utf-8"))
    assert set(doc["maps"]) == set(COLORMAPS) == set(PUBLISHED)
    assert "CC0" in doc["notice"] and "_cm_listed.py" in doc["source"]


def test_colour_map_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="unknown colour map 'jet'"):
        colormap_rgb(np.zeros(3), "jet")


# ---------------------------------------------------------------- heatmap scene


@pytest.mark.render
def test_heatmap_pixels_show_the_true_norm(heatmap_scene):
    scene = heatmap_scene
    assert (scene.vmin, scene.vmax) == (1.0, 6.0)  # sqrt(2) .. sqrt(34) rounded out to whole numbers
    pixels = np.asarray(scene.heatmap.pixel_array)[..., :3].astype(int)
    rows, cols = pixels.shape[:2]
    x0, x1, y0, y1 = -2.0, 2.0, -2.0, 2.0
    palette_t = np.linspace(0, 1, 4001)
    palette = colormap_rgb(palette_t, style.HEATMAP).astype(int)
    # the page's norm is symmetric under flips and x <-> y, so these picks cannot see the raster's orientation:
    # test_heatmap_of_an_asymmetric_map_is_the_right_way_round does
    for r, c in [(0, 0), (rows // 2, cols // 4), (rows - 1, cols // 3), (rows // 5, cols - 1), (rows // 2, cols // 2)]:
        x = x0 + (c + 0.5) * (x1 - x0) / cols
        y = y1 - (r + 0.5) * (y1 - y0) / rows
        true = math.sqrt(4 * x**2 + 4 * y**2 + 2)
        decoded = 1.0 + 5.0 * palette_t[np.argmin(np.abs(palette - pixels[r, c]).sum(axis=1))]
        assert abs(decoded - true) < 0.03, (r, c, decoded, true)


def assert_image_covers(scene, domain: tuple[float, float, float, float]) -> None:
    """The heatmap image's edges are the domain's, read on Manim's own axes (n2p)."""
    img, xa, ya = scene.heatmap, scene.axes.x_axis, scene.axes.y_axis
    x0, x1, y0, y1 = domain
    assert img.get_left()[0] == pytest.approx(xa.n2p(x0)[0], abs=1e-6)
    assert img.get_right()[0] == pytest.approx(xa.n2p(x1)[0], abs=1e-6)
    assert img.get_bottom()[1] == pytest.approx(ya.n2p(y0)[1], abs=1e-6)
    assert img.get_top()[1] == pytest.approx(ya.n2p(y1)[1], abs=1e-6)


@pytest.mark.render
def test_heatmap_image_covers_exactly_the_domain_on_the_axes(heatmap_scene):
    assert_image_covers(heatmap_scene, (-2, 2, -2, 2))


@pytest.mark.render
def test_heatmap_probe_reads_out_the_jacobian_where_it_stops(heatmap_scene):
    scene = heatmap_scene
    entries = [e.get_value() for e in scene.probe_matrix.get_entries()]
    # the tour ends at the last sample point (1, 1): J = [[2, -1], [1, 2]], ||J|| = sqrt(10)
    np.testing.assert_allclose(entries, [2, -1, 1, 2], atol=1e-9)
    assert scene.probe_norm.get_value() == pytest.approx(math.sqrt(10))


@pytest.mark.render
def test_level_curves_are_circles_of_the_right_radius(heatmap_scene):
    scene = heatmap_scene
    np.testing.assert_allclose(scene.levels, [2, 3, 4, 5])
    xa, ya = scene.axes.x_axis, scene.axes.y_axis
    ux = (xa.n2p(1)[0] - xa.n2p(0)[0])
    uy = (ya.n2p(1)[1] - ya.n2p(0)[1])
    radii = set()
    for curve in scene.level_curves:
        pts = np.asarray(curve.get_anchors())
        x = (pts[:, 0] - xa.n2p(0)[0]) / ux
        y = (pts[:, 1] - ya.n2p(0)[1]) / uy
        r = np.hypot(x, y)
        level = math.sqrt(4 * np.median(r) ** 2 + 2)
        radii.add(round(level, 1))
        np.testing.assert_allclose(np.sqrt(4 * r**2 + 2), round(level), atol=5e-3)
    assert radii == {2.0, 3.0, 4.0, 5.0}


# ---------------------------------------------------------------- heatmap scene, asymmetric map
#
# The page's norm sqrt(4x^2 + 4y^2 + 2) is the same under x -> -x, y -> -y and x <-> y, so a flipped or
# transposed raster (or level curve) reads the right numbers.  This map has no such symmetry:
#   f(x, y) = (x^2 + 2x + 3y, xy + x),  J = [[2x + 2, 3], [y + 1, x]],
#   ||J||_F = sqrt((2x + 2)^2 + 9 + (y + 1)^2 + x^2),
# on the square [-1, 2] x [-2, 1] (not centred on 0 either).  Over it the norm runs from sqrt(9.8) = 3.13
# (x = -0.8, y = -1) to sqrt(53) = 7.28 (x = 2, y = -2 or 1).

ASYM_TOML = """[map]
f1 = "x**2 + 2*x + 3*y"
f2 = "x*y + x"
domain = [-1.0, 2.0, -2.0, 1.0]
sample_points = [[-0.5, -1.5], [0.5, 0.0], [1.5, 0.5]]
"""
ASYM_DOMAIN = (-1.0, 2.0, -2.0, 1.0)


def asym_norm(x, y):
    return np.sqrt((2 * x + 2) ** 2 + 9 + (y + 1) ** 2 + x**2)


@pytest.fixture(scope="module")
def asym_heatmap(tmp_path_factory):
    path = tmp_path_factory.mktemp("asym") / "asym.toml"
    path.write_text(ASYM_TOML)
    # the user file is active while the scene renders only: the module's other scenes use the defaults
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_VAR, str(path))
        activate(None)
        try:
            scene = rendered("JacobianNormHeatmap").scene
        finally:
            activate(None)
    activate(None)
    return scene


def _expected_raster(shape: tuple[int, int]) -> np.ndarray:
    """Closed-form norm at every pixel centre; row 0 is the top (y = y1), column 0 the left (x = x0)."""
    x0, x1, y0, y1 = ASYM_DOMAIN
    rows, cols = shape
    x = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    y = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows
    return asym_norm(x[None, :], y[:, None])


@pytest.mark.render
def test_heatmap_of_an_asymmetric_map_is_the_right_way_round(asym_heatmap):
    scene = asym_heatmap
    assert (scene.vmin, scene.vmax) == (3.0, 8.0)  # 3.13 .. 7.28 rounded out to whole numbers
    pixels = np.asarray(scene.heatmap.pixel_array)[..., :3].astype(int)
    assert pixels.shape[:2] == (200, 200)
    norms = _expected_raster(pixels.shape[:2])
    expected = colormap_rgb((norms - 3.0) / 5.0, style.HEATMAP).astype(int)
    err = np.abs(pixels - expected).max(axis=-1)
    worst = np.unravel_index(err.argmax(), err.shape)
    assert err.max() <= 2, f"{(err > 2).sum()} of {err.size} pixels off by > 2, worst {err.max()} at {worst}"
    # the check has the power to see the raster's orientation: each flip or transpose is far off
    for name, wrong in (("flipped vertically", expected[::-1]), ("flipped horizontally", expected[:, ::-1]),
                        ("transposed", expected.transpose(1, 0, 2)), ("rotated 180", expected[::-1, ::-1])):
        assert (np.abs(wrong - expected).max(axis=-1) > 2).mean() > 0.5, name
    # decoded through the colour map, a few pixels read the closed-form norm
    palette_t = np.linspace(0, 1, 4001)
    palette = colormap_rgb(palette_t, style.HEATMAP).astype(int)
    rows, cols = pixels.shape[:2]
    for r, c in [(0, 0), (0, cols - 1), (rows - 1, 0), (rows - 1, cols - 1), (rows // 3, 2 * cols // 3)]:
        decoded = 3.0 + 5.0 * palette_t[np.argmin(np.abs(palette - pixels[r, c]).sum(axis=1))]
        assert abs(decoded - norms[r, c]) < 0.03, (r, c, decoded, norms[r, c])


@pytest.mark.render
def test_heatmap_of_an_asymmetric_map_sits_on_its_domain(asym_heatmap):
    scene = asym_heatmap
    assert_image_covers(scene, (-1, 2, -2, 1))
    # the probe ends at the last sample point (1.5, 0.5): J = [[5, 3], [1.5, 1.5]]
    entries = [e.get_value() for e in scene.probe_matrix.get_entries()]
    np.testing.assert_allclose(entries, [5, 3, 1.5, 1.5], atol=1e-9)
    assert scene.probe_norm.get_value() == pytest.approx(math.sqrt(38.5))


def _curve_points(scene) -> list[np.ndarray]:
    """Each level curve's anchors in plane coordinates, read through the axes (not the scene's PlotFrame)."""
    xa, ya = scene.axes.x_axis, scene.axes.y_axis
    ux, uy = xa.n2p(1)[0] - xa.n2p(0)[0], ya.n2p(1)[1] - ya.n2p(0)[1]
    out = []
    for curve in scene.level_curves:
        pts = np.asarray(curve.get_anchors())
        out.append(np.stack([(pts[:, 0] - xa.n2p(0)[0]) / ux, (pts[:, 1] - ya.n2p(0)[1]) / uy], axis=-1))
    return out


def _level_set(level: float, n: int = 601) -> np.ndarray:
    """Points of {||J|| = level} in the domain, independently: crossings along the edges of a fine lattice."""
    x0, x1, y0, y1 = ASYM_DOMAIN
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    v = asym_norm(xs[None, :], ys[:, None]) - level
    pts = []
    h = np.nonzero(np.sign(v[:, :-1]) != np.sign(v[:, 1:]))
    t = v[h] / (v[h] - v[h[0], h[1] + 1])
    pts.append(np.stack([xs[h[1]] + t * (xs[1] - xs[0]), ys[h[0]]], -1))
    w = np.nonzero(np.sign(v[:-1]) != np.sign(v[1:]))
    t = v[w] / (v[w] - v[w[0] + 1, w[1]])
    pts.append(np.stack([xs[w[1]], ys[w[0]] + t * (ys[1] - ys[0])], -1))
    return np.concatenate(pts)


@pytest.mark.render
def test_level_curves_of_an_asymmetric_map_lie_on_its_level_sets(asym_heatmap):
    scene = asym_heatmap
    np.testing.assert_allclose(scene.levels, [4, 5, 6, 7])
    by_level: dict[float, list[np.ndarray]] = {}
    for pts in _curve_points(scene):
        values = asym_norm(pts[:, 0], pts[:, 1])
        level = float(np.round(np.median(values)))
        assert level in (4, 5, 6, 7), level
        np.testing.assert_allclose(values, level, atol=5e-3)  # every anchor on the level set
        by_level.setdefault(level, []).append(pts)
    assert sorted(by_level) == [4, 5, 6, 7]
    # and the whole level set is drawn: every point of it is near a drawn anchor of its level
    for level, curves in by_level.items():
        drawn = np.concatenate(curves)
        truth = _level_set(level)
        gap = np.sqrt(((truth[:, None, :] - drawn[None, :, :]) ** 2).sum(-1)).min(axis=1)
        assert gap.max() < 0.03, (level, gap.max(), truth[gap.argmax()])


# ---------------------------------------------------------------- grid scene


@pytest.mark.render
def test_parallelogram_corners_are_f_p_plus_j_times_the_corner_offsets(grid_scene):
    scene = grid_scene
    offsets = 0.5 * np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    points = [np.array([-1.0, -1.0]), np.array([0.0, 0.0]), np.array([1.0, 1.0])]
    assert len(scene.parallelograms) == 3
    for poly, p in zip(scene.parallelograms, points, strict=True):
        expected = page_f(p) + offsets @ page_jacobian(p).T
        np.testing.assert_allclose(plane_coords(scene, poly.get_vertices()), expected, atol=1e-6)


@pytest.mark.render
def test_morphed_grid_points_are_f_of_the_original_points(grid_scene):
    scene = grid_scene
    xs_seen, ys_seen = set(), set()
    for line, src in zip(scene.grid, scene.source_lines, strict=True):
        # the source lines are the grid of [-2, 2]^2: axis-parallel, spanning the square
        if np.allclose(src[:, 0], src[0, 0]):
            xs_seen.add(round(src[0, 0], 9))
            assert src[:, 1].min() == -2 and src[:, 1].max() == 2
        else:
            assert np.allclose(src[:, 1], src[0, 1])
            ys_seen.add(round(src[0, 1], 9))
        anchors = np.concatenate([line.points[::4], line.points[-1:]])
        np.testing.assert_allclose(plane_coords(scene, anchors), page_f(src), atol=1e-6)
    assert xs_seen == ys_seen == {-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2}


@pytest.mark.render
def test_highlighted_squares_end_as_their_true_images(grid_scene):
    scene = grid_scene
    for cell, p in zip(scene.cells, [(-1, -1), (0, 0), (1, 1)], strict=True):
        got = plane_coords(scene, cell.points[::4])
        # every anchor is f of a point on the square's boundary: invert nothing, check membership
        # by mapping the boundary of the square densely and matching nearest neighbours
        t = np.linspace(0, 1, 17)
        side = [np.stack([p[0] + 0.5 * t, np.full_like(t, p[1])], -1),
                np.stack([np.full_like(t, p[0] + 0.5), p[1] + 0.5 * t], -1),
                np.stack([p[0] + 0.5 - 0.5 * t, np.full_like(t, p[1] + 0.5)], -1),
                np.stack([np.full_like(t, p[0]), p[1] + 0.5 - 0.5 * t], -1)]
        truth = page_f(np.concatenate(side))
        dist = np.linalg.norm(got[:, None, :] - truth[None, :, :], axis=-1).min(axis=1)
        assert dist.max() < 1e-6


@pytest.mark.render
def test_jacobian_arrows_and_matrices(grid_scene):
    scene = grid_scene
    assert scene.arrow_scale == 0.5  # the cell size: J e_i arrows are the parallelogram's edges
    for k, p in enumerate([np.array([-1.0, -1.0]), np.zeros(2), np.array([1.0, 1.0])]):
        jac = page_jacobian(p)
        for i in range(2):
            arrow = scene.j_arrows[2 * k + i]
            start, end = plane_coords(scene, [arrow.get_start(), arrow.get_end()])
            np.testing.assert_allclose(start, page_f(p), atol=1e-6)
            np.testing.assert_allclose(end - start, 0.5 * jac[:, i], atol=1e-6)
        np.testing.assert_allclose([e.get_value() for e in scene.j_matrices[k].get_entries()], jac.ravel())
    # arrows and labels are drawn above the grid and the patches
    assert min(a.z_index for a in scene.j_arrows) > max(m.z_index for m in [*scene.grid, *scene.cells])


@pytest.mark.render
def test_zoom_readout_shows_the_gap_shrinking_like_h_squared(grid_scene):
    # at every sample point of the page map the gap is |h^2 (a^2, b^2)| maxed at a = b = 1: sqrt(2) h^2
    h_row, gap_row, ratio_row = grid_scene.zoom_readouts
    h = h_row[1].get_value()
    assert h == pytest.approx(0.5 / 8)
    assert gap_row[1].get_value() == pytest.approx(math.sqrt(2) * h**2, rel=1e-9)
    assert ratio_row[1].get_value() == pytest.approx(math.sqrt(2), rel=1e-9)


def _shown(row) -> tuple[str, float]:
    """What a zoom readout row shows: its digits, and the value they stand for (times its 10^k, if any)."""
    num = row[1]
    digits = f"{num.get_value():.{num.num_decimal_places}f}"
    exponent = int(re.fullmatch(r"\\times 10\^\{(-?\d+)\}", row[2].tex_string)[1]) if len(row) > 2 else 0
    return digits, float(digits) * 10.0**exponent


@pytest.mark.render
@pytest.mark.parametrize(("config", "gap_per_h2"), [
    ("[map]\ncell_size = 0.01\n", math.sqrt(2)),  # the page map, tiny squares: gap sqrt(2) h^2 < 10^-5
    # nearly linear: f - J-linearisation = (a d1^2, -b d2^2), maxed at the far corner: h^2 sqrt(a^2 + b^2)
    ('[map]\nf1 = "x + 0.0001*x**2"\nf2 = "y - 0.0002*y**2"\n', math.hypot(1e-4, 2e-4)),
])
def test_zoom_readouts_never_show_a_nonzero_gap_as_zero(config, gap_per_h2, use_config):
    """A gap far below 10^-5 read "gap = 0.00000" beside gap/h^2 = 1.414: each readout keeps 3 significant digits
    (scientific when tiny) and shows the true value, sqrt(2) h^2 here."""
    use_config(config)
    scene = rendered("GridSquaresUnderF").scene
    h_row, gap_row, ratio_row = scene.zoom_readouts
    h = h_row[1].get_value()
    assert h == pytest.approx(scene.settings.map.cell_size / 8)
    for row, want in ((gap_row, gap_per_h2 * h**2), (ratio_row, gap_per_h2)):
        digits, value = _shown(row)
        assert len(digits.replace("-", "").replace(".", "").lstrip("0")) >= 3, digits  # 3 significant digits
        assert value == pytest.approx(want, rel=0.01), (digits, value, want)


@pytest.mark.render
def test_labels_stay_in_the_plot_and_apart_for_another_map(use_config):
    use_config('[map]\nf1 = "sin(x) + y"\nf2 = "x - y**3/3"\n')
    scene = rendered("GridSquaresUnderF").scene
    plane = scene.plane
    boxes = [(m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1]) for m in scene.matrix_labels]
    for b in boxes:
        assert b[0] >= plane.get_left()[0] - 1e-6 and b[1] <= plane.get_right()[0] + 1e-6
        assert b[2] >= plane.get_bottom()[1] - 1e-6 and b[3] <= plane.get_top()[1] + 1e-6
    for i in range(len(boxes)):
        for j in range(i):
            a, b = boxes[i], boxes[j]
            assert min(a[1], b[1]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[2], b[2])
    # the content (domain and image of the grid) is inside the view
    x0, x1, y0, y1 = scene.view.box
    assert x0 <= -2 and x1 >= 2 and y0 <= -2 - 8 / 3 and y1 >= 2 + 8 / 3


FOUR_POINTS = "[map]\nsample_points = [[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]]\n"


@pytest.mark.parametrize("config", ["", FOUR_POINTS])
def test_every_label_box_is_tied_to_its_point(config, use_config):
    """Each J_f(p) box holds its image point, or a leader runs from the point to the box's edge; the leader
    reads apart from the bent grid lines under it: opaque, over a halo of the background colour, with a dot
    at the box, and it crosses no other box.  A thin grey line at 0.7 opacity was lost among the grid lines:
    with four points no box could be told to its point (issue #26)."""
    from manim import ManimColor

    use_config(config)
    scene = rendered("GridSquaresUnderF").scene
    anchors = scene.to_frame(scene.images)[:, :2]
    leaders = list(scene.leaders)
    for k, (lb, a) in enumerate(zip(scene.matrix_labels, anchors, strict=True)):
        lo, hi = np.array([lb.get_left()[0], lb.get_bottom()[1]]), np.array([lb.get_right()[0], lb.get_top()[1]])
        if np.all(a >= lo - 0.02) and np.all(a <= hi + 0.02):
            continue
        mine = [ld for ld in leaders if np.allclose((ld[1] if ld.submobjects else ld).get_start()[:2], a, atol=1e-6)]
        assert len(mine) == 1, f"label {k} has no leader"
        assert len(mine[0].submobjects) == 3, (f"leader {k} is a bare line at opacity "
                                                f"{mine[0].get_stroke_opacity()}, lost among the grid lines")
        halo, line, dot = mine[0]
        end = line.get_end()[:2]
        assert np.allclose(end, np.clip(end, lo, hi), atol=1e-6) and np.allclose(dot.get_center()[:2], end)
        assert line.get_stroke_opacity() == 1 and ManimColor(halo.get_stroke_color()) == style.BACKGROUND
        assert halo.get_stroke_width() >= 2 * line.get_stroke_width()
        ts = np.linspace(0.02, 0.98, 50)[:, None]
        pts = a + ts * (end - a)
        for j, other in enumerate(scene.matrix_labels):
            if j == k:
                continue
            olo = np.array([other.get_left()[0], other.get_bottom()[1]])
            ohi = np.array([other.get_right()[0], other.get_top()[1]])
            assert not np.any(np.all((pts > olo) & (pts < ohi), axis=1)), f"leader {k} crosses box {j}"



@pytest.mark.render
@pytest.mark.parametrize("scene_cls", [GridSquaresUnderF, JacobianNormHeatmap])
def test_a_map_with_nan_on_the_grid_fails_before_anything_is_drawn(scene_cls, use_config, tmp_path):
    use_config('[map]\nf1 = "log(x)"\n')
    with pytest.raises(NonFiniteMapError, match=r"log\(x\)"):
        render_scene(scene_cls, tmp_path)
    assert not list(tmp_path.rglob("*.mp4")) and not list(tmp_path.rglob("*.png"))


# ---------------------------------------------------------------- golden frames


@pytest.mark.render
def test_golden_heatmap():
    shown = rendered("JacobianNormHeatmap")  # one -s render: the last frame and each beat's end
    assert_matches_golden(shown.frame, "grid_heatmap")
    assert_beats_match_golden(shown.beat_frames, "JacobianNormHeatmap")


@pytest.mark.render
def test_golden_squares():
    shown = rendered("GridSquaresUnderF")
    assert_matches_golden(shown.frame, "grid_squares")
    assert_beats_match_golden(shown.beat_frames, "GridSquaresUnderF")
