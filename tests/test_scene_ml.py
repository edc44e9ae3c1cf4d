"""The machine-learning scenes: each renders in-process (320x180, 5 fps); what they show is read back
and compared with independent computations; final frames are compared with tests/golden/ml_*.png, every beat's
end frame with tests/golden/beats/."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DL, UR, tempconfig
from scene_harness import (
    GOLDEN_SIZE,
    assert_beats_match_golden,
    assert_matches_golden,
    beats_showing_cells_without_numbers,
    cell_reading,
    pixel_box,
    scene_class,
    sign_reading,
)
from scene_harness import (
    rendered as shared_render,
)

from jacobian_math import mass_outside, numerical_jacobian
from lecture.storyboard import STORYBOARD
from scenes.kit import style
from scenes.kit.colormaps import cross_fade
from scenes.kit.followers import Followers
from scenes.kit.manim_compat import decimal_text
from scenes.kit.panel import Panel
from scenes.kit.readouts import shown_values
from scenes.kit.text import single_path
from scenes.storyboard import title_of

pytestmark = pytest.mark.render

SCENES = ("ChainRule", "SoftmaxJacobian", "VectorRegression", "EncoderSensitivity", "FlowDensity", "JacobianPenalty",
          "TaylorError", "MLOutlook")


@pytest.fixture(scope="module")
def rendered():
    """``rendered(name)``: the scene (with its beats' end frames) and its last frame, from its one render in this
    test process (scene_harness.rendered)."""
    def get(name: str):
        shared = shared_render(name)
        return shared.scene, shared.frame

    return get


def _tanh(W, b):
    W, b = np.asarray(W), np.asarray(b)
    return lambda x: np.tanh(np.asarray(x) @ W.T + b)


@pytest.mark.parametrize("name", SCENES)
def test_golden_final_frame(rendered, name: str) -> None:
    scene, frame = rendered(name)
    assert frame.shape == (GOLDEN_SIZE[1], GOLDEN_SIZE[0], 3)
    assert frame.std() > 5  # not a blank frame
    assert_matches_golden(frame, f"ml_{name}")


@pytest.mark.parametrize("name", SCENES)
def test_golden_beat_frames(rendered, name: str) -> None:
    """Every beat's end frame (drawn in the same render) against tests/golden/beats/<name>/."""
    scene, _ = rendered(name)
    assert_beats_match_golden(scene.beat_frames, name)


def test_chain_rule_read_back(rendered) -> None:
    scene, _ = rendered("ChainRule")
    s = scene.settings.chain_rule
    f, g = _tanh(s.w1, s.b1), _tanh(s.w2, s.b2)
    p, h = np.array(s.point), s.cell
    jf = numerical_jacobian(f, p, 1e-6)
    jg = numerical_jacobian(g, f(p), 1e-6)
    offsets = h * np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    # the composed parallelogram drawn in the output panel
    drawn = scene.panels[2].to_data(scene.para_gf.get_vertices())
    np.testing.assert_allclose(drawn, g(f(p)) + offsets @ (jg @ jf).T, atol=1e-6)
    drawn_f = scene.panels[1].to_data(scene.para_f.get_vertices())
    np.testing.assert_allclose(drawn_f, f(p) + offsets @ jf.T, atol=1e-6)
    # the product written out, to the two decimals shown

    for matrix, expected in ((scene.m_gf, jg @ jf), (scene.m_g, jg), (scene.m_f, jf)):
        np.testing.assert_allclose(shown_values(matrix), expected, atol=0.0051)
    # gradients pulled back: v^T J_g in the hidden panel, v^T J_g J_f at the input (drawn at half length)
    v = np.array(s.gradient)
    tip = scene.panels[0].to_data(scene.input_gradient.get_end())[0]
    np.testing.assert_allclose(tip, p + scene.GRADIENT_SCALE * (v @ jg @ jf), atol=1e-6)
    shown = [shown_values(row[1])[0] for row in scene.gradient_rows]
    np.testing.assert_allclose(shown[1], v @ jg, atol=0.0051)
    np.testing.assert_allclose(shown[2], v @ jg @ jf, atol=0.0051)


def test_chain_rule_product_reads_as_an_equation(rendered) -> None:
    """J_{g∘f}(p) = [Jg Jf] = [Jg][Jf]: every matrix after a label follows an "=" (the label stood bare before
    its matrix, issue #26)."""
    from manim import MathTex

    scene, _ = rendered("ChainRule")
    parts = list(scene.product_eq)
    assert [isinstance(m, MathTex) for m in parts] == [True, False, True, False, False]
    for label in parts[0], parts[2]:
        assert label.tex_string.replace(" ", "").endswith("="), label.tex_string
    assert parts[0].tex_string.replace(" ", "").startswith(r"J_{g\circf}(p)")


STEEP_CHAIN = ("[chain_rule]\nw1 = [[4.0, -2.0], [1.5, 3.5]]\nb1 = [0.0, 0.0]\n"
               "w2 = [[3.0, 2.5], [-2.0, 3.5]]\nb2 = [0.0, 0.0]\n"
               "point = [0.0, 0.0]\ncell = 0.8\n")


@pytest.mark.parametrize("config", ["", STEEP_CHAIN])
def test_chain_rule_keeps_cells_and_gradients_inside_their_panels(config, use_config) -> None:
    """Steeper layers stretch the cell's image and the gradient: each panel's view is fitted to its data, so
    every cell, parallelogram, edge arrow and gradient arrow stays inside its panel's frame."""
    use_config(config)
    scene = shared_render("ChainRule").scene
    layers, grads = scene.cell_layers, scene.grad_arrows
    drawn = {0: [*layers[0:2], grads[2]], 1: [*layers[2:5], grads[1]], 2: [*layers[5:8], grads[0]]}
    for k, mobs in drawn.items():
        border = scene.panels[k].border
        lo, hi = border.get_corner(DL), border.get_corner(UR)
        for mob in mobs:
            pts = np.vstack([m.points for m in mob.family_members_with_points()])
            assert (pts[:, :2] >= lo[:2] - 1e-6).all() and (pts[:, :2] <= hi[:2] + 1e-6).all(), (k, mob)
    if not config:  # the page's layers fit the fixed box, gradients at half length
        assert all(p.box == scene.BOX for p in scene.panels) and scene.gradient_scale == scene.GRADIENT_SCALE
    else:
        assert any(p.box != scene.BOX for p in scene.panels)


def test_softmax_read_back(rendered) -> None:
    scene, _ = rendered("SoftmaxJacobian")
    z = np.array(scene.settings.softmax.saturated_logits)
    p = np.exp(z) / np.exp(z).sum()
    jac = numerical_jacobian(lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True), z, 1e-6)
    K = len(z)
    shown = np.array([e.get_value() for e in scene.entries]).reshape(K, K)
    np.testing.assert_allclose(shown, jac, atol=0.0051)
    assert [m.get_value() for m in scene.sums] == [0.0] * K
    heights = np.array([b.height for b in scene.bars])
    np.testing.assert_allclose(heights, p * scene.BAR_HEIGHT, atol=2e-3)
    np.testing.assert_allclose([m.get_value() for m in scene.p_labels], p, atol=0.0051)
    # what the entries read, sign included: a small negative entry (-0.004, -0.00001) never reads "+0.00"
    texts = [decimal_text(e, e.get_value()) for e in scene.entries]
    assert [t.startswith("-") for t in texts] == list((jac < 0).ravel()), texts
    np.testing.assert_allclose([float(t) for t in texts], jac.ravel(), atol=0.00051)
    # no probability of the saturated softmax reads as zero
    assert all(float(decimal_text(m, m.get_value())) > 0 for m in scene.p_labels)
    # the true class of p - y is marked by a label and its one-hot digit, not by colour only
    t = scene.TRUE_CLASS
    digits, ring, key = scene.true_class_marks
    assert [d.tex_string for d in digits] == ["1" if i == t else "0" for i in range(K)]
    assert key.tex_string.endswith(rf"true class }} {t + 1}")
    for mob in (scene.z_labels[t], digits[t]):
        assert ring.get_left()[0] < mob.get_left()[0] and mob.get_right()[0] < ring.get_right()[0]
        assert ring.get_bottom()[1] < mob.get_bottom()[1] and mob.get_top()[1] < ring.get_top()[1]


def _coupling_flow(scales, shifts):
    """The flow of [flow].scales / shifts written out here (two affine couplings, as documented):
    u2 = x2 exp(a1 tanh x1) + c1 sin x1, y1 = x1 exp(a2 tanh u2) + c2 sin u2; det J = exp(a1 tanh x1 + a2 tanh u2)."""
    (a1, a2), (c1, c2) = scales, shifts

    def flow(x):
        x = np.asarray(x, float)
        x1, x2 = x[..., 0], x[..., 1]
        u2 = x2 * np.exp(a1 * np.tanh(x1)) + c1 * np.sin(x1)
        return np.stack([x1 * np.exp(a2 * np.tanh(u2)) + c2 * np.sin(u2), u2], axis=-1)

    def det(x):
        u2 = flow(x)[..., 1]
        return np.exp(a1 * np.tanh(x[..., 0]) + a2 * np.tanh(u2))

    return flow, det


def test_flow_read_back(rendered) -> None:
    scene, _ = rendered("FlowDensity")
    s = scene.settings.flow
    flow, det = _coupling_flow(s.scales, s.shifts)
    # the integral over the box (3 decimals shown) against the base mass that the flow keeps inside the box,
    # integrated on the latent side without the change of variables
    kept = 1 - mass_outside(scene.flow, scene.base, scene.box, scene.base_box())
    assert scene.mass_right_number.get_value() == pytest.approx(kept, abs=0.0006)
    for pt, number in zip(scene.CELL_POINTS, scene.det_numbers, strict=True):
        centre = np.array(pt) + scene.CELL_SIDE / 2
        assert abs(np.linalg.det(numerical_jacobian(flow, centre, 1e-6))) == pytest.approx(det(centre), rel=1e-6)
        assert number.get_value() == pytest.approx(det(centre), abs=0.0051)
    # the drawn cell images are the flow applied to the cells' corners, every cell
    for pt, cell in zip(scene.CELL_POINTS, scene.cells_out, strict=True):
        corners = np.array(pt) + scene.CELL_SIDE * np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
        outline = scene.right.to_data(cell.get_anchors())
        for corner in flow(corners):
            assert np.min(np.linalg.norm(outline - corner, axis=1)) < 1e-6


def test_penalty_read_back(rendered) -> None:
    scene, _ = rendered("JacobianPenalty")
    s = scene.settings.penalty
    p = np.array(s.point)
    for k, W in enumerate((s.w_steep, s.w_flat)):
        jac = numerical_jacobian(_tanh(W, s.b), p, 1e-6)
        sv = np.linalg.svd(jac, compute_uv=False)
        shown = scene.map_parts[k]
        assert shown["sigma_1"].get_value() == pytest.approx(sv[0], abs=0.0051)
        assert shown["sigma_2"].get_value() == pytest.approx(sv[1], abs=0.0051)
        assert shown["norm"].get_value() == pytest.approx(np.sqrt((sv**2).sum()), abs=0.0051)
        ellipse, axis1 = scene.map_parts[k]["ellipse"], scene.map_parts[k]["long_axis"]
        panel = scene.panels[k + 1]
        centre = _tanh(W, s.b)(p)
        start, end = panel.to_data(np.array([axis1.get_start(), axis1.get_end()]))
        np.testing.assert_allclose(start, centre, atol=1e-6)  # the ellipse sits at f(x)
        # the long axis: length r sigma_1 along the top left singular vector (either sign)
        u1 = np.linalg.svd(jac)[0][:, 0]
        np.testing.assert_allclose(abs((end - start) @ u1), scene.RADIUS * sv[0], rtol=1e-6)
        assert np.linalg.norm(end - start) == pytest.approx(scene.RADIUS * sv[0], rel=1e-6)
        # every anchor of the ellipse is f(x) + r J u for a unit u: |J^-1 (a - f(x))| = r
        back = np.linalg.solve(jac, (panel.to_data(ellipse.get_anchors()) - centre).T)
        np.testing.assert_allclose(np.linalg.norm(back, axis=0), scene.RADIUS, rtol=1e-5)
    assert scene.map_parts[1]["sigma_1"].get_value() < scene.map_parts[0]["sigma_1"].get_value()


def test_taylor_read_back(rendered) -> None:
    scene, _ = rendered("TaylorError")
    assert scene.slope_number.get_value() == pytest.approx(2.0, abs=0.015)
    # each plotted dot sits at (|d|, error); the page's map has error = |d|^2 |(u1^2, u2^2)| exactly,
    # u the configured direction made unit length here (not the scene's own u)
    u = np.array(scene.settings.taylor.direction) / np.hypot(*scene.settings.taylor.direction)
    steps = np.geomspace(*scene.settings.taylor.steps[::-1], scene.SAMPLES)
    expected = [scene.axes.c2p(st, st**2 * np.hypot(u[0] ** 2, u[1] ** 2)) for st in steps]
    drawn = [d.get_center() for d in scene.dots]
    np.testing.assert_allclose(drawn, expected, atol=1e-6)
    # the live readout error / |d|^2 ends at the smallest step: |(u1^2, u2^2)| for the page's map
    assert scene.error_ratio.get_value() == pytest.approx(np.hypot(u[0] ** 2, u[1] ** 2), abs=5e-4)


def test_outlook_points_to_existing_scenes(rendered) -> None:
    scene, _ = rendered("MLOutlook")
    named = " ".join(item[0] for item in scene.ITEMS)
    for word in ("hidden layer", "final output", "Batched", "Spatial"):  # the page's "when do we see them?"
        assert word in named
    pointed = {cls for item in scene.ITEMS for cls in item[2]}  # scene classes; their titles from the storyboard
    assert pointed <= {e.cls for e in STORYBOARD if e.cls != "MLOutlook"}
    assert {"ChainRule", "BatchedJacobian", "SpatialOutputs"} <= pointed
    for cls in pointed:  # the title shown is the scene's own
        assert title_of(cls) == scene_class(cls).TITLE
    assert [name for name, _what, scenes in scene.ITEMS if not scenes] == []  # every case is animated
    assert len(scene.rows) == len(scene.ITEMS)
    # back-propagation carries one vector through one vector-Jacobian product per layer; it never forms the
    # product of the Jacobians (the card once said it "multiplies the layers' Jacobians")
    hidden = {name: what for name, what, _scenes in scene.ITEMS}["Every hidden layer"]
    assert "one vector–Jacobian product per layer" in hidden
    assert "multiplies the layers" not in " ".join(what for _name, what, _scenes in scene.ITEMS)


def _sqrt2(m):
    """Symmetric square root of a 2x2 positive definite M, closed form: (M + sqrt(det) I) / sqrt(tr + 2 sqrt(det))."""
    m = np.asarray(m, float)
    d = np.sqrt(np.linalg.det(m))
    return (m + d * np.eye(2)) / np.sqrt(np.trace(m) + 2 * d)


def _dot_centres(panel, cloud) -> np.ndarray:
    """Data-unit centres of the dots of a kit dot_cloud (one closed sub-path per dot)."""
    return panel.to_data(np.array([sub.mean(axis=0) for sub in cloud.get_subpaths()]))


def _on_ellipse(outline: np.ndarray, centre: np.ndarray, cov: np.ndarray, k: float, rtol: float = 1e-6) -> None:
    """Every point is on the k-sigma ellipse of ``cov`` (dashes end between the 96 vertices, on chords: rtol)."""
    d = outline - centre
    np.testing.assert_allclose(np.einsum("ki,ki->k", d, np.linalg.solve(cov, d.T).T), k**2, rtol=rtol)


def _vertices(polyline) -> np.ndarray:
    """The corners of a polyline VMobject (set_points_as_corners), frame points."""
    return np.vstack([polyline.get_start_anchors(), polyline.get_end_anchors()[-1:]])


def _gn_loop(t, y, theta, tol, max_steps):
    """Gauss-Newton on a exp(b t) - y with numpy.linalg.lstsq, written out: the iterates."""
    path = [np.array(theta, float)]
    while len(path) - 1 < max_steps:
        a, b = path[-1]
        r, jac = a * np.exp(b * t) - y, np.stack([np.exp(b * t), a * t * np.exp(b * t)], axis=1)
        if np.linalg.norm(jac.T @ r) < tol:
            break
        path.append(path[-1] + np.linalg.lstsq(jac, -r, rcond=None)[0])
    return np.array(path)


def test_vector_regression_read_back(rendered) -> None:
    scene, _ = rendered("VectorRegression")
    s = scene.settings.regression
    f = _tanh(s.w, s.b)
    mean = np.array(s.mean)
    jac = numerical_jacobian(f, mean, 1e-6)
    for cloud, cov in zip(scene.clouds, (s.cov_small, s.cov_large), strict=True):
        inp, out = cloud["panels"]
        # the input dots: the seeded standard normals through the closed-form square root of Sigma
        z = np.random.default_rng(s.seed).standard_normal((s.samples, 2))
        xs = _dot_centres(inp, cloud["inputs"])
        np.testing.assert_allclose(xs, mean + z @ _sqrt2(cov), atol=1e-6)
        np.testing.assert_allclose(_dot_centres(out, cloud["outputs"]), f(xs), atol=1e-6)
        # the drawn ellipses: 2 sigma of J Sigma J^T at f(mean), and of the outputs' sample covariance
        _on_ellipse(out.to_data(cloud["linear"].get_anchors()), f(mean), jac @ np.array(cov) @ jac.T, scene.K_SIGMA)
        ys = f(xs)
        _on_ellipse(out.to_data(cloud["sampled"].get_anchors()), ys.mean(axis=0), np.cov(ys.T), scene.K_SIGMA, 2.5e-3)
        _on_ellipse(inp.to_data(cloud["sigma"].get_anchors()), mean, np.array(cov), scene.K_SIGMA)
    # the Gauss-Newton path drawn on the loss contours is the lstsq iteration
    t, y = np.array(s.t), np.array(s.y)
    gn = _gn_loop(t, y, s.theta0, s.tol, s.max_steps)
    np.testing.assert_allclose(scene.theta_panel.to_data(_vertices(scene.gn_path)), gn, atol=1e-6)
    assert len(_vertices(scene.gd_path)) == scene.gd.steps + 1
    # colours carry the roles
    assert scene.gn_path.get_stroke_color() == style.GAUSS_NEWTON
    assert scene.gd_path.get_stroke_color() == style.DESCENT
    assert scene.clouds[1]["linear"].get_stroke_color() == style.LINEARISED
    # the (a, b) panel carries its tick values: each label under (a) or beside (b) the point it names
    panel = scene.theta_panel
    x0, x1, y0, y1 = panel.box
    for axis, ticks in enumerate(scene.theta_ticks):
        assert len(ticks) >= 2
        for label in ticks:
            value = float(label.get_tex_string())
            assert (x0, y0)[axis] - 1e-9 <= value <= (x1, y1)[axis] + 1e-9
            at = panel.point((value, y0) if axis == 0 else (x0, value))
            assert abs(label.get_center()[axis] - at[axis]) < 1e-6  # centred on its tick
            assert (label.get_top()[1] < at[1]) if axis == 0 else (label.get_right()[0] < at[0])  # outside the panel


def _encoder(s):
    W, b, v = np.array(s.w), np.array(s.b), np.array(s.v)
    return lambda x: np.tanh(np.asarray(x) @ W.T + b) @ v[:, None]


def test_encoder_read_back(rendered) -> None:
    scene, _ = rendered("EncoderSensitivity")
    s = scene.settings.encoder
    enc, x, panel = _encoder(s), np.array(s.point), scene.panel
    jac = numerical_jacobian(enc, x, 1e-6)
    _, sv, vt = np.linalg.svd(jac)
    # the amplified direction: the top right-singular vector, drawn [encoder].step long from x
    start, end = panel.to_data(np.array([scene.v1_arrow.get_start(), scene.v1_arrow.get_end()]))
    np.testing.assert_allclose(start, x, atol=1e-6)
    assert abs((end - start) @ vt[0]) == pytest.approx(s.step, rel=1e-6)
    # the ignored direction: the dashed line through x along the null space, J d = 0
    ends = panel.to_data(np.asarray(scene.null_line.get_anchors())[[0, -1]])
    d = ends[1] - ends[0]
    assert abs(jac @ d / np.linalg.norm(d))[0] < 1e-6
    np.testing.assert_allclose(ends.mean(axis=0), x, atol=1e-6)
    # every needle: the ellipse of J^T J at its point, half-length scale sigma_1 along v_1, no width; the scale is
    # the one the caption states (2 significant digits)
    import re

    said = [c.content for c in scene.renderer.file_writer.subcaptions]
    stated = float(re.search(r"segments along v₁ reaching (\d+(?:\.\d+)?) times σ₁", said[-1]).group(1))
    for p, needle in zip(scene.metric_points, scene.needles, strict=True):
        j = numerical_jacobian(enc, p, 1e-6)
        _, sp, vp = np.linalg.svd(j)
        off = panel.to_data(needle.get_anchors()) - p
        assert np.linalg.norm(off, axis=1).max() == pytest.approx(scene.needle_scale * sp[0], rel=2e-3)
        assert np.linalg.norm(off, axis=1).max() / sp[0] == pytest.approx(stated, rel=0.05)
        assert np.abs(off @ np.array([-vp[0, 1], vp[0, 0]])).max() < 1e-6
    # the probe is back at x and the readout shows its code
    np.testing.assert_allclose(panel.to_data(scene.probe.get_center())[0], x, atol=1e-6)
    assert scene.z_number.get_value() == pytest.approx(enc(x)[0], abs=0.0051)
    assert float(scene.sigma1_text.get_tex_string().split("=")[1]) == pytest.approx(sv[0], abs=0.0051)
    assert scene.v1_arrow.get_stroke_color() == style.LINEARISED
    assert all(n.get_stroke_color() == style.LINEARISED for n in scene.needles)


def _samples_along(vertices: np.ndarray, spacing: float = 0.02) -> np.ndarray:
    """Points every ``spacing`` frame units along a polyline's segments."""
    out = [vertices[:1]]
    for a, b in zip(vertices[:-1], vertices[1:], strict=True):
        n = max(1, int(np.linalg.norm(b - a) / spacing))
        out.append(a + np.linspace(0, 1, n + 1)[1:, None] * (b - a))
    return np.vstack(out)


def _pixels_along(frame: np.ndarray, points3: np.ndarray) -> np.ndarray:
    """At each frame point, the pixel of its 3 x 3 neighbourhood farthest from the background (the line's
    centre, clear of anti-aliasing)."""
    from manim import config
    from scene_harness import BACKGROUND_RGB

    h, w = frame.shape[:2]
    px = np.round(np.array([w / 2, h / 2]) + points3[:, :2] * [w / config.frame_width, -h / config.frame_height])
    out = []
    for x, y in px.astype(int):
        patch = frame[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2].reshape(-1, 3).astype(int)
        out.append(patch[np.argmax(np.abs(patch - BACKGROUND_RGB).sum(axis=1))])
    return np.array(out)


def test_regression_paths_show_their_role_colours_in_the_final_frame(rendered) -> None:
    """Along each path and residual curve (away from the other method's), the final frame shows that method's
    colour: the nearest in hue of the two roles and the muted contours."""
    from scene_harness import BACKGROUND_RGB

    scene, frame = rendered("VectorRegression")
    roles = {"gd": np.array(style.DESCENT.to_int_rgb()), "gn": np.array(style.GAUSS_NEWTON.to_int_rgb()),
             "muted": np.array(style.MUTED.to_int_rgb())}
    for name, mine, other in (("gd", scene.gd_path, scene.gn_path), ("gd", scene.gd_curve, scene.gn_curve),
                              ("gn", scene.gn_path, scene.gd_path), ("gn", scene.gn_curve, scene.gd_curve)):
        pts = _samples_along(_vertices(mine))
        theirs = _samples_along(_vertices(other))
        pts = pts[[np.min(np.linalg.norm(theirs - q, axis=1)) > 0.2 for q in pts]]
        assert len(pts) >= 5, name
        seen = np.median(_pixels_along(frame, pts), axis=0)
        # a 1-2 pixel line is blended with the background: compare hues, the directions away from it
        bg = BACKGROUND_RGB

        def cosine(r: str, seen=seen, bg=bg) -> float:
            a, b = seen - bg, roles[r] - bg
            return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

        nearest = max(roles, key=cosine)
        assert nearest == name, (name, seen)


# ----------------------------------------------------------------------------- drawing helpers of the speed work


def test_cross_fade_equals_drawing_both_images() -> None:
    """One blended raster over the background shows what Manim's two faded images drawn in turn show
    (PIL's alpha_composite is the compositing Manim's camera uses)."""
    from PIL import Image

    rng = np.random.default_rng(3)
    old = rng.integers(0, 256, (16, 16, 4), dtype=np.uint8)
    new = rng.integers(0, 256, (16, 16, 4), dtype=np.uint8)
    bg = Image.new("RGBA", (16, 16), (14, 17, 22, 255))

    def faded(img: np.ndarray, opacity: float) -> Image.Image:
        out = img.astype(float)
        out[..., 3] *= opacity
        return Image.fromarray(np.round(out).astype(np.uint8), "RGBA")

    for alpha in (0.0, 0.3, 0.5, 0.8, 1.0):
        two = Image.alpha_composite(Image.alpha_composite(bg, faded(old, 1 - alpha)), faded(new, alpha))
        one = Image.alpha_composite(bg, Image.fromarray(cross_fade(old, new, alpha), "RGBA"))
        diff = np.abs(np.asarray(two, int) - np.asarray(one, int))
        assert diff.max() <= 2, (alpha, diff.max())


def test_single_path_keeps_every_outline_and_rejects_mixed_styles() -> None:
    from manim import VGroup, VMobject

    glyphs = [VMobject(fill_color="#FF0000", fill_opacity=1, stroke_width=0).set_points_as_corners(
        np.array([[x, 0, 0], [x + 1, 0, 0], [x + 1, 1, 0], [x, 0, 0]])) for x in (0.0, 2.0, 4.0)]
    path = single_path(VGroup(*glyphs))
    np.testing.assert_array_equal(path.points, np.vstack([g.points for g in glyphs]))
    assert len(path.get_subpaths()) == 3
    np.testing.assert_array_equal(path.get_fill_rgbas(), glyphs[0].get_fill_rgbas())
    glyphs[1].set_fill("#00FF00")
    with pytest.raises(ValueError, match="differ in style"):
        single_path(VGroup(*glyphs))


def test_followers_follow_while_played_and_carry_no_updaters(tmp_path) -> None:
    from manim import Dot, Scene, ValueTracker, tempconfig

    positions: dict[str, list[float]] = {"shown": [], "hidden": []}

    class Moving(Scene):
        def construct(self) -> None:
            t = ValueTracker(0.0)
            followers = Followers()
            def place(m, key, axis):
                positions[key].append(t.get_value())
                m.move_to([t.get_value(), 0, 0] if axis == 0 else [0, t.get_value(), 0])

            shown = followers.add(Dot(), lambda m: place(m, "shown", 0))
            hidden = followers.add(Dot(), lambda m: place(m, "hidden", 1))
            assert positions == {"shown": [0.0], "hidden": [0.0]}  # placed once when added
            self.add(shown)
            followers.play(self, t.animate.set_value(2.0), run_time=1.0)
            assert not shown.updaters and not hidden.updaters
            self.shown, self.hidden = shown, hidden

    with tempconfig({"media_dir": str(tmp_path), "pixel_width": 64, "pixel_height": 36, "frame_rate": 10,
                     "disable_caching": True, "write_to_movie": False, "verbosity": "ERROR", "progress_bar": "none"}):
        scene = Moving()
        scene.render()
    # the follower on screen was re-placed on every frame, after the tracker moved (values rise to 2);
    # the one off screen only once at the end
    assert len(positions["shown"]) >= 10 and positions["shown"][-1] == 2.0
    assert positions["shown"] == sorted(positions["shown"])
    assert positions["hidden"] == [0.0, 2.0]
    assert scene.shown.get_center()[0] == pytest.approx(2.0) and scene.hidden.get_center()[1] == pytest.approx(2.0)


def test_show_cropped_draws_the_same_picture_from_fewer_pixels() -> None:
    from manim import Camera

    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        panel = Panel((-2.0, 2.0, -1.0, 3.0), 4.0)
        yy, xx = np.mgrid[0:40, 0:40]
        blob = np.exp(-((xx - 25) ** 2 + (yy - 12) ** 2) / 20.0)  # off-centre, fades to 0 towards the edges
        rgba = np.zeros((40, 40, 4), np.uint8)
        rgba[..., 0], rgba[..., 1] = 250 * blob, 120
        rgba[..., 3] = np.where(blob > 0.01, 255 * blob, 0)
        frames = []
        for crop in (False, True):
            img = panel.image(rgba)
            if crop:
                panel.show_cropped(img, rgba)
                assert img.pixel_array.shape[0] * img.pixel_array.shape[1] < 40 * 40 / 2
            camera = Camera()
            camera.capture_mobjects([img])
            frames.append(camera.pixel_array.astype(int))
    assert frames[0][..., 3].max() > 0  # something was drawn
    assert np.abs(frames[0] - frames[1]).max() <= 3  # float rounding of the resampling only


# the lecture's sign colours, written out here (not read from style.py) so that swapping them anywhere, in
# style.py or in a scene, fails: matrix entries positive warm yellow, negative purple, blended from the panel
# colour; log|det J| > 0 (areas grow) orange, < 0 (areas shrink) blue
SIGN_PANEL, SIGN_POSITIVE, SIGN_NEGATIVE = "#1A1F29", "#A69307", "#B281FE"
LOG_DET_GROW, LOG_DET_SHRINK = "#DB7F2A", "#4C8DFF"


def _rgb(hex_: str) -> np.ndarray:
    return np.array([int(hex_[i:i + 2], 16) for i in (1, 3, 5)], float)


def _softmax_jacobian_here(z) -> np.ndarray:
    p = np.exp(z - np.max(z)) / np.exp(z - np.max(z)).sum()
    return np.diag(p) - np.outer(p, p)


def test_softmax_every_shown_cell_carries_its_number_and_sign_colour(rendered) -> None:
    """Read back from every beat's end frame: each matrix cell shown carries a number; each clearly nonzero
    entry (diag(p) - pp^T of the beat's logits, written out here) is blended towards the positive colour when
    positive, the negative one when negative; the legend's two swatches, in the order "> 0", "< 0", show
    those two colours."""
    scene, _ = rendered("SoftmaxJacobian")
    cfg = scene.settings.softmax
    seen = beats_showing_cells_without_numbers(scene.beat_frames, list(scene.cells))
    whole = [b.split("-", 1)[1] for b, r in seen.items() if len(r["shown"]) == len(scene.cells)]
    assert whole == ["show_jacobian", "show_row_sums", "move_logits", "saturate", "contrast_cross_entropy"], seen
    assert not {b: r["bare"] for b, r in seen.items() if r["bare"]}
    logits = {"show_jacobian": cfg.logits, "move_logits": cfg.logits, "saturate": cfg.saturated_logits}
    frames = {b.split("-", 1)[1]: f for b, f in scene.beat_frames}
    checked = 0
    for beat, z in logits.items():
        jac = _softmax_jacobian_here(np.array(z, float))
        for k, v in enumerate(jac.ravel()):
            fill, _, _ = cell_reading(frames[beat], scene.cells[k])
            sign, t = sign_reading(fill, SIGN_PANEL, SIGN_POSITIVE, SIGN_NEGATIVE)
            if abs(v) >= 0.2 * scene.ENTRY_SCALE:
                assert sign == ("+" if v > 0 else "-"), f"{beat}: entry {k} = {v:+.3f} drawn in the {sign} colour"
                checked += 1
    assert checked >= 3
    frame = frames["show_jacobian"]
    for swatch, want in ((scene.positive_swatch, SIGN_POSITIVE), (scene.negative_swatch, SIGN_NEGATIVE)):
        seen_rgb = np.median(frame[pixel_box(swatch, frame.shape, 0.5)].reshape(-1, 3), axis=0)
        other = SIGN_NEGATIVE if want == SIGN_POSITIVE else SIGN_POSITIVE
        assert np.abs(seen_rgb - _rgb(want)).max() < np.abs(seen_rgb - _rgb(other)).max(), (want, seen_rgb)
        assert np.abs(seen_rgb - _rgb(want)).max() <= 12, (want, seen_rgb)


def test_flow_log_det_shows_its_sign_colours(rendered) -> None:
    """Read back from the last beat's end frame: where log|det Jf(x)| is far from 0 the picture shows the grow
    colour when it is positive and the shrink colour when negative; the legend's first swatch (beside -max and
    "f shrinks areas") shows the shrink colour, the second the grow colour."""
    scene, _ = rendered("FlowDensity")
    frame = {b.split("-", 1)[1]: f for b, f in scene.beat_frames}["show_log_det"]
    field = scene.flow.inverse_log_abs_det_jacobian(scene.centres)
    vmax = np.abs(field).max()
    h, w = frame.shape[:2]
    scale = w / 14.222222222222221
    strong = np.argwhere(np.abs(field) >= 0.6 * vmax)
    assert len(strong) >= 10 and (field > 0.6 * vmax).any() and (field < -0.6 * vmax).any()
    grow, shrink = _rgb(LOG_DET_GROW), _rgb(LOG_DET_SHRINK)
    for idx in strong[:: max(1, len(strong) // 60)]:
        x, y = scene.right.point(scene.centres[tuple(idx)])[:2]
        px = frame[int(h / 2 - y * scale), int(w / 2 + x * scale)].astype(float)
        nearer = "grow" if np.abs(px - grow).sum() < np.abs(px - shrink).sum() else "shrink"
        assert nearer == ("grow" if field[tuple(idx)] > 0 else "shrink"), (idx, field[tuple(idx)], px)
    for swatch, want in ((scene.shrink_swatch, shrink), (scene.grow_swatch, grow)):
        seen_rgb = np.median(frame[pixel_box(swatch, frame.shape, 0.5)].reshape(-1, 3), axis=0)
        other = grow if want is shrink else shrink
        assert np.abs(seen_rgb - want).sum() < np.abs(seen_rgb - other).sum(), (want, seen_rgb)
