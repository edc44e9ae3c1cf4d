"""Render tests of scenes/rbf_jacobian.py and rbf_model.py: tiny renders, geometry read back from the mobjects,
golden final frames.

The reference numbers are the closed forms phi_i(x) = exp(-(x - c_i)^2 / (2 sigma^2)) written here,
and central differences of them for slopes; never RBFBasis itself.
Regenerate the goldens after an intended visual change:  UPDATE_GOLDEN=1 scripts/test -k golden
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from scene_harness import (
    assert_beats_match_golden,
    assert_matches_golden,
    formula_folder,
    render_scene,
    rendered,
    scene_class,
)

from jacobian_settings import DEFAULT_CONFIG, RenderSettings, Settings, load_settings
from scenes.kit import scene as kit_scene
from scenes.kit.manim_compat import decimal_text

pytestmark = pytest.mark.render

FAST = 0.25  # run_time_scale for the test renders
H = 1e-4  # central-difference step


def _phi(x: float, c: float, sigma: float) -> float:
    return math.exp(-((x - c) ** 2) / (2 * sigma**2))


def _slope(f, x: float) -> float:
    return (f(x + H) - f(x - H)) / (2 * H)


def _use(monkeypatch, settings: Settings) -> Settings:
    monkeypatch.setattr(kit_scene, "active_settings", lambda: settings)
    return settings


def _settings(tmp_path: Path, toml: str = "", scale: float = 1.0) -> Settings:
    path = tmp_path / "rbf_test.toml"
    path.write_text(toml)
    settings = load_settings(path) if toml else load_settings(DEFAULT_CONFIG)
    return dataclasses.replace(settings, render=RenderSettings(run_time_scale=scale))


CASES = {
    "default": "",
    "five_centres": "[rbf]\ncenters = [-4.0, -2.0, 0.0, 2.0, 4.0]\nweights = [0.6, 1.0, -0.7, 0.8, -0.4]\n",
    "sigma_half": "[rbf]\nsigma = 0.5\nx0_final = 0.5\n",
}
X0S = (-3.3, -1.0, 0.0, 0.7, 2.5)


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    """One media directory for the module, so LaTeX snippets are compiled once, not per test."""
    return tmp_path_factory.mktemp("rbf_media")


def _built(scene_cls, media: Path):
    from manim import tempconfig

    with tempconfig({"media_dir": str(media), "disable_caching": True, "verbosity": "ERROR", **formula_folder()}):
        scene = scene_cls()
        scene.build_figure()
    return scene


def _coords(axes, point) -> tuple[float, float]:
    x, y = axes.p2c(point)[:2]
    return float(x), float(y)


@pytest.mark.parametrize("case", CASES)
def test_rbf_jacobian_geometry_matches_closed_form(case, tmp_path, media, monkeypatch):
    from scenes.rbf_jacobian import RBFJacobian

    s = _use(monkeypatch, _settings(tmp_path, CASES[case])).rbf
    scene = _built(RBFJacobian, media)
    assert len(scene.dots) == len(s.centers) == len(scene.tangents) == len(scene.ddots)
    for x0 in X0S:
        scene.set_x0(x0)
        assert _coords(scene.top, scene.guide.get_start())[0] == pytest.approx(x0, abs=1e-6)
        for i, c in enumerate(s.centers):
            def phi(x, c=c):
                return _phi(x, c, s.sigma)

            assert _coords(scene.top, scene.dots[i].get_center()) == pytest.approx((x0, phi(x0)), abs=1e-6)
            assert _coords(scene.bottom, scene.ddots[i].get_center()) == pytest.approx(
                (x0, _slope(phi, x0)), abs=1e-6)
            (xa, ya), (xb, yb) = (_coords(scene.top, p) for p in scene.tangents[i].get_start_and_end())
            assert (yb - ya) / (xb - xa) == pytest.approx(_slope(phi, x0), abs=1e-6)
            assert ((xa + xb) / 2, (ya + yb) / 2) == pytest.approx((x0, phi(x0)), abs=1e-6)
            entry = scene.row.get_entries()[i]
            shown = entry.get_value()
            assert shown == pytest.approx(_slope(phi, x0), abs=5e-3)  # printed to 2 decimals
            if abs(_slope(phi, x0)) > 1e-9:  # the sign read off the screen: -0.0002 reads -0.00, not 0.00
                assert decimal_text(entry, shown).startswith("-") == (_slope(phi, x0) < 0), (x0, i, shown)
    _check_layout(scene)


def _check_layout(scene) -> None:
    """Everything inside the frame; no curve point inside a peak label's box; peak labels apart."""
    from manim import config

    scene.set_x0(scene.settings.rbf.x0_final)
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    for mob in (scene.top, scene.bottom, scene.legend, scene.formula, scene.readout, scene.x_numbers,
                *scene.peak_labels):
        assert mob.get_left()[0] >= -half_w and mob.get_right()[0] <= half_w, mob
        assert mob.get_bottom()[1] >= -half_h and mob.get_top()[1] <= half_h, mob
    for side in (scene.legend, scene.formula):  # the right-hand column is clear of the plots
        assert side.get_left()[0] > max(scene.top.get_right()[0], scene.bottom.get_right()[0])
    assert scene.readout.get_top()[1] < scene.x0_label.get_bottom()[1]
    # no curve point inside a peak label's box, no two peak labels overlapping
    boxes = [(m.get_corner([-1, -1, 0]), m.get_corner([1, 1, 0])) for m in scene.peak_labels]
    for lo, hi in boxes:
        for curve in scene.bumps:
            pts = curve.points
            inside = (pts[:, 0] > lo[0]) & (pts[:, 0] < hi[0]) & (pts[:, 1] > lo[1]) & (pts[:, 1] < hi[1])
            assert not inside.any()
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            (alo, ahi), (blo, bhi) = boxes[a], boxes[b]
            assert ahi[0] <= blo[0] or bhi[0] <= alo[0] or ahi[1] <= blo[1] or bhi[1] <= alo[1]


@pytest.mark.parametrize("case", CASES)
def test_rbf_model_geometry_matches_closed_form(case, tmp_path, media, monkeypatch):
    from scenes.rbf_model import RBFModel

    s = _use(monkeypatch, _settings(tmp_path, CASES[case])).rbf

    def f(x):
        return sum(w * _phi(x, c, s.sigma) for c, w in zip(s.centers, s.weights, strict=True))

    scene = _built(RBFModel, media)
    for x0 in X0S:
        scene.set_x0(x0)
        assert _coords(scene.top, scene.f_dot.get_center()) == pytest.approx((x0, f(x0)), abs=1e-6)
        assert _coords(scene.bottom, scene.df_dot.get_center()) == pytest.approx((x0, _slope(f, x0)), abs=1e-6)
        (xa, ya), (xb, yb) = (_coords(scene.top, p) for p in scene.tangent.get_start_and_end())
        assert (yb - ya) / (xb - xa) == pytest.approx(_slope(f, x0), abs=1e-6)
        assert ((xa + xb) / 2, (ya + yb) / 2) == pytest.approx((x0, f(x0)), abs=1e-6)
        for i, (c, w) in enumerate(zip(s.centers, s.weights, strict=True)):
            assert _coords(scene.top, scene.term_dots[i].get_center())[1] == pytest.approx(
                w * _phi(x0, c, s.sigma), abs=1e-6)
            assert _coords(scene.bottom, scene.dterm_dots[i].get_center())[1] == pytest.approx(
                w * _slope(lambda x, c=c: _phi(x, c, s.sigma), x0), abs=1e-6)


def test_jacobian_readout_is_labelled_as_the_transpose_of_a_column(tmp_path, media, monkeypatch):
    """dphi/dx(x0) is a k x 1 column; the readout shows one row of k entries, so its label must say transpose."""
    from scenes.rbf_jacobian import RBFJacobian

    _use(monkeypatch, _settings(tmp_path, CASES["five_centres"]))
    scene = _built(RBFJacobian, media)
    lhs = scene.row_label
    assert len(scene.row.mob_matrix) == 1 and len(scene.row.mob_matrix[0]) == 5
    assert lhs.tex_string.replace(" ", "").endswith(r"(x_0)^{\top}=")


def test_x0_readout_follows_tracker(tmp_path, media, monkeypatch):
    from scenes.rbf_jacobian import RBFJacobian

    _use(monkeypatch, _settings(tmp_path))
    scene = _built(RBFJacobian, media)
    scene.set_x0(1.234)
    assert scene.x0_number.get_value() == pytest.approx(1.234, abs=5e-3)
    before = [np.array(d.get_center()) for d in scene.dots]
    scene.set_x0(-0.5)
    assert all(not np.allclose(b, d.get_center()) for b, d in zip(before, scene.dots, strict=True))


@pytest.mark.parametrize("name", ["RBFJacobian", "RBFModel"])
def test_scene_renders(name, tmp_path, media, monkeypatch):
    class Checked(scene_class(name)):
        """Records, for each sweep, its last played frame and the same x0 drawn from scratch."""

        def sweep_to(self, *args, **kwargs) -> None:
            renderer, last = self.renderer, {}

            def render(scene, t, moving) -> None:
                type(renderer).render(renderer, scene, t, moving)
                last.update(x0=self.x0.get_value(), frame=np.array(renderer.get_frame()))

            renderer.render = render
            super().sweep_to(*args, **kwargs)
            del renderer.render
            end = self.x0.get_value()
            self.set_x0(last["x0"])
            renderer.static_image = None
            renderer.update_frame(self)  # every mobject, none from Manim's cached background
            self.sweeps.append((last["frame"], np.array(renderer.get_frame())))
            self.set_x0(end)

    Checked.__name__ = name
    Checked.sweeps = []
    _use(monkeypatch, _settings(tmp_path, scale=FAST))
    scene = render_scene(Checked, media)
    videos = list(media.rglob(f"{name}.mp4"))
    assert videos and videos[0].stat().st_size > 0
    srt = list(media.rglob(f"{name}.srt"))
    assert srt and srt[0].read_text().count("-->") >= 5  # one caption per beat
    assert scene.x0.get_value() == pytest.approx(scene.settings.rbf.x0_final)
    # the followers were redrawn on every frame of the sweeps: the last frame shows them where they ended
    assert len(Checked.sweeps) == 2
    for played, fresh in Checked.sweeps:
        assert np.abs(played.astype(int) - fresh.astype(int)).max() <= 2


@pytest.mark.parametrize("name", ["RBFJacobian", "RBFModel"])
def test_golden_final_frame(name, tmp_path, monkeypatch):

    _use(monkeypatch, _settings(tmp_path, scale=FAST))
    shown = rendered(name)  # one -s render: the last frame and each beat's end
    assert_matches_golden(shown.frame, f"rbf_{name}")
    assert_beats_match_golden(shown.beat_frames, name)


@pytest.mark.parametrize("edge", ["left", "centre"])
def test_live_decimal_draws_what_decimal_number_draws(edge, media):
    """The fast readout's outlines equal a freshly built DecimalNumber's, after moves and scaling."""
    from manim import LEFT, ORIGIN, DecimalNumber, tempconfig

    from scenes.kit.readouts import LiveDecimal

    fix = LEFT if edge == "left" else ORIGIN
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        live = LiveDecimal(0.5, num_decimal_places=2, font_size=30).shift([1, 2, 0]).scale(0.7)
        live.edge_to_fix = fix
        for v in (-0.27, 1.5, -12.04, 0.0, -0.001, 3.14159):
            anchor = live.get_edge_center(fix)
            live.set_value(v)
            ref = DecimalNumber(v, num_decimal_places=2, font_size=30 * 0.7).move_to(anchor, fix)
            got = np.vstack([m.points for m in live.family_members_with_points()])
            want = np.vstack([m.points for m in ref.family_members_with_points()])
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=1e-9)
            assert live.get_value() == v


def test_live_decimal_with_sign_draws_what_decimal_number_draws(media):
    """With ``include_sign`` (the softmax and flow readouts) the fast path matches DecimalNumber too."""
    from manim import LEFT, DecimalNumber, tempconfig

    from scenes.kit.readouts import LiveDecimal

    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        live = LiveDecimal(0.5, num_decimal_places=2, include_sign=True, font_size=24).shift([-2, 1, 0])
        for v in (0.25, -0.5, 0.0, 1.0, -0.01):
            anchor = live.get_edge_center(LEFT)  # DecimalNumber.set_value keeps its left edge fixed
            live.set_value(v)
            ref = DecimalNumber(v, num_decimal_places=2, include_sign=True, font_size=24).move_to(anchor, LEFT)
            got = np.vstack([m.points for m in live.family_members_with_points()])
            want = np.vstack([m.points for m in ref.family_members_with_points()])
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=1e-9)


def test_live_decimal_glyphs_keep_the_numbers_depth(media):
    """After set_value the new glyphs sit at the number's z-index, as its first glyphs did: a glyph at z 0
    inside a number at z 12 is drawn under what lies between, and makes Manim redraw everything from z 0 up
    on every frame in which the number changes."""
    from manim import Scene, Square, tempconfig

    from scenes.kit.readouts import LiveDecimal

    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        live = LiveDecimal(0.5, num_decimal_places=2, font_size=30).set_z_index(12)
        for v in (-0.27, 13.5, 12345.5, 0.0, -123.25):  # 12,345.50: Manim's own set_value (no comma glyph cached)
            live.set_value(v)
            glyphs = live.family_members_with_points()
            assert glyphs and {g.z_index for g in live.get_family()} == {12}, v
        scene = Scene()
        still = Square().set_z_index(5)
        scene.add(still, live)
        moving, static = scene.get_moving_and_static_mobjects([live.animate.set_value(2.5).build()])
        assert still in static and still not in moving  # below the number: kept in the cached background


def test_dashed_curve_has_the_dashes_of_dashed_vmobject(media):
    """DashedCurve (one path) draws the dashes DashedVMobject draws (one mobject per dash)."""
    from manim import Axes, DashedVMobject, tempconfig

    from scenes.kit.shapes import DashedCurve

    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        axes = Axes(x_range=[-5, 5, 1], y_range=[-1, 1, 0.5], x_length=8, y_length=2)
        curve = axes.plot(lambda x: np.sin(2 * x) * np.exp(-x * x / 8), x_range=[-5, 5, 10 / 300],
                          use_vectorized=True, color="#ff0000", stroke_width=3)
        dashes = DashedVMobject(curve, num_dashes=70, dashed_ratio=0.55).submobjects
        merged = DashedCurve(curve, num_dashes=70, dashed_ratio=0.55)
    subpaths = merged.get_subpaths()
    assert len(subpaths) == len(dashes)
    assert len({len(s) for s in subpaths}) == 1  # as many Bezier curves per dash: Create paces them evenly
    for sub, dash in zip(subpaths, dashes, strict=True):
        np.testing.assert_allclose(sub[0], dash.points[0], atol=1e-9)
        np.testing.assert_allclose(sub[-1], dash.points[-1], atol=1e-9)
        # every anchor of the merged dash lies on the original dash's Bezier curves
        p0, p1, p2, p3 = (dash.points[i::4][:, None, :] for i in range(4))
        t = np.linspace(0, 1, 200)[None, :, None]
        dense = ((1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3).reshape(-1, 3)
        for anchor in sub[::4]:
            assert np.linalg.norm(dense - anchor, axis=1).min() < 1e-3
    assert merged.get_stroke_width() == curve.get_stroke_width()
    assert merged.get_stroke_color() == curve.get_stroke_color()


@pytest.mark.parametrize("name", ["RBFJacobian", "RBFModel"])
def test_x_numbers_appear_with_the_panel_they_label(name, tmp_path, media, monkeypatch):
    """At every beat's end, the shared x numbers (and the x label) are on screen only with the lower panel whose
    axis they label: faded in with the upper panel, they floated alone under it for two beats (issue #26)."""

    class Recorded(scene_class(name)):
        def beat(self, beat_id: str) -> None:  # the end of the beat before it
            shown = set(map(id, self.get_mobject_family_members()))
            if hasattr(self, "bottom"):
                self.on_screen.append((id(self.x_numbers) in shown, id(self.x_label) in shown,
                                       id(self.bottom) in shown))
            super().beat(beat_id)

    Recorded.__name__ = name
    Recorded.on_screen = []
    _use(monkeypatch, _settings(tmp_path, scale=FAST))
    render_scene(Recorded, media, last_frame=True)
    assert len(Recorded.on_screen) >= 3
    for i, (numbers, label, bottom) in enumerate(Recorded.on_screen):
        assert numbers == label == bottom, (i, numbers, label, bottom)


GUIDE_CLEARANCE = 0.25  # scene units: 5.6 px at the goldens' 320 x 180, clear of both lines' anti-aliasing


@pytest.mark.parametrize("name", ["RBFJacobian", "RBFModel"])
@pytest.mark.parametrize("case", CASES)
def test_guide_stays_off_the_tick_numbers(name, case, tmp_path, media, monkeypatch):
    """With x0 on a tick (-4, 0, 4 where the probe, sweep and settle stop), the x0 guide line ends at least
    GUIDE_CLEARANCE above the tick number under it: ending 0.12 above, it ran into the number in the
    320 x 180 beat frames (issue #26)."""
    _use(monkeypatch, _settings(tmp_path, CASES[case]))
    scene = _built(scene_class(name), media)
    for number in scene.x_numbers:
        scene.set_x0(float(number.get_value()))
        x, low = scene.guide.get_bottom()[:2]
        assert number.get_left()[0] <= x <= number.get_right()[0]
        assert low - number.get_top()[1] >= GUIDE_CLEARANCE, (case, number.get_value(), low - number.get_top()[1])
        # and the x0 label under the numbers still clears the readout
        assert scene.x0_label.get_top()[1] < number.get_bottom()[1]
    assert scene.readout.get_top()[1] < scene.x0_label.get_bottom()[1]


FOUR_CENTRES = "[rbf]\ncenters = [-3.0, -1.0, 1.0, 3.0]\nweights = [1.0, -0.7, 0.8, -0.5]\n"


@pytest.mark.parametrize("toml", [FOUR_CENTRES, CASES["default"], CASES["five_centres"], CASES["sigma_half"]])
def test_settle_rings_do_not_pile(toml, tmp_path, media, monkeypatch):
    """The settle beat's highlight rings: every dot inside a ring, no two rings overlapping.  With four centres
    at x0 = 0, phi_1 = phi_4 = 0.011 and phi_2 = phi_3: one ring per dot stacked four rings near phi = 0
    (issue #26)."""
    from scenes.rbf_jacobian import RBFJacobian

    _use(monkeypatch, _settings(tmp_path, toml))
    scene = _built(RBFJacobian, media)
    scene.set_x0(scene.settings.rbf.x0_final)
    rings = scene.settle_rings()
    shapes = [(np.array(r.get_center()), r.width / 2) for r in rings]
    for a in range(len(shapes)):
        for b in range(a + 1, len(shapes)):
            (ca, ra), (cb, rb) = shapes[a], shapes[b]
            assert np.linalg.norm(ca - cb) >= ra + rb, (a, b, ca, cb, ra, rb)
    for dot in [*scene.dots, *scene.ddots]:
        assert any(np.linalg.norm(dot.get_center() - c) + dot.width / 2 * 1.4 <= r for c, r in shapes), dot
