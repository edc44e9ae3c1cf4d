"""Captions are claims: each number a caption states is checked against an independent computation,
for the default settings and for user settings that change the truth (a caption must never lie for
another config), and no caption names a colour (colours are settings).

Each scene is rendered once per settings and test process (scene_harness.rendered), and every test reads that
render's captions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scene_harness import captions_of, rendered, scene_class

from jacobian_settings import active_settings
from lecture.storyboard import STORYBOARD
from narration.rules import caption_problems

pytestmark = pytest.mark.render

ALL_SCENES = tuple(scene_class(e.cls) for e in STORYBOARD)  # every scene of the lecture
SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
NUMBER = r"(-?\d+(?:\.\d+)?)"


def captions(name: str) -> list[str]:
    """The captions of scene ``name``'s .srt under the active settings (its one render: scene_harness)."""
    return captions_of(name)[1]


def said_by(name: str) -> list[tuple[str, str | None]]:
    """Every caption scene ``name`` says, title card included (a silent render keeps that one out of the
    .srt), with its ``spoken=`` form (None: the caption's own)."""
    return [(s.text, s.spoken) for s in captions_of(name)[0]]


def one(texts: list[str], pattern: str) -> re.Match:
    """The single caption matching ``pattern`` (a regex), as a match."""
    found = [m for t in texts if (m := re.search(pattern, t))]
    assert len(found) == 1, f"{pattern!r} in {texts}"
    return found[0]


def broken_rules(texts: list[str], rule: str) -> list[str]:
    """The captions of ``texts`` that break ``rule`` (narration.rules: the check the preview and narrator run)."""
    return [f"{text!r}: {p}" for text in texts for p in caption_problems(text) if p.rule == rule]


def test_captions_are_shared_between_test_processes_by_settings(tmp_path, monkeypatch, use_config):
    """scene_harness.captions_of: a render leaves its captions in the run's shared folder, and another test
    process (here: this one with its renders forgotten) reads them there instead of rendering; under other
    settings it renders."""
    import scene_harness

    use_config("")
    monkeypatch.setenv(scene_harness.SHARED_ENV, str(tmp_path / "shared"))
    monkeypatch.setattr(scene_harness, "_RENDERS", {})
    said, srt = captions_of("EncoderSensitivity")
    assert said and srt
    monkeypatch.setattr(scene_harness, "_RENDERS", {})
    monkeypatch.setattr(scene_harness, "render_scene", lambda *args, **kwargs: pytest.fail("rendered again"))
    assert captions_of("EncoderSensitivity") == (said, srt)
    use_config("[encoder]\nstep = 0.8\n")
    with pytest.raises(pytest.fail.Exception, match="rendered again"):
        captions_of("EncoderSensitivity")


@pytest.mark.parametrize("scene_cls", ALL_SCENES, ids=lambda c: c.__name__)
def test_no_caption_names_a_colour(scene_cls, use_config):
    use_config("")
    assert broken_rules(captions(scene_cls.__name__), "colour") == []


@pytest.mark.parametrize("scene_cls", ALL_SCENES, ids=lambda c: c.__name__)
def test_no_caption_shows_code_syntax(scene_cls, use_config):
    use_config("")
    texts = captions(scene_cls.__name__)
    assert texts
    assert broken_rules(texts, "code") == []


def test_a_users_map_is_shown_in_caption_form(use_config):
    use_config('[map]\nf1 = "x**3 + 2*y"\nf2 = "y - x*y"\n')
    assert one(captions("TaylorError"), r"of the map f\(x, y\) = \(x³ \+ 2y, y − x·y\):")


RBF_CASES = ("", "[rbf]\nx0_final = 1.0\n", "[rbf]\ncenters = [-4.0, -2.0, 0.0, 2.0, 4.0]\n"
             "weights = [0.6, 1.0, -0.7, 0.8, -0.4]\nx0_final = -0.5\n")


@pytest.mark.parametrize("config", RBF_CASES)
def test_rbf_captions_call_the_jacobian_a_column_and_expand_rbf(config, use_config):
    """phi maps a number to k features: its Jacobian is a k by 1 column (shown transposed), never "the
    Jacobian row"; RBF is spelled out on the title card, the first thing said; no caption refers to a page the
    viewer has not got; the minus signs are minus signs."""
    use_config(config)
    s = active_settings().rbf
    k = len(s.centers)
    said, texts = [t for t, _ in said_by("RBFJacobian")], captions("RBFJacobian")
    assert "radial basis function (rbf) features" in said[0].lower() and "RBF" not in " ".join(said[1:])
    joined = " ".join(texts)
    assert "row" not in joined and "page" not in joined
    assert one(texts, rf"^As x₀ sweeps, the Jacobian dφ/dx\(x₀\) .* a {k} by 1 column of φ₁′, .*transpose")
    x0 = f"{s.x0_final:g}".replace("-", "−")
    assert one(texts, rf"^At x₀ = {x0}: .* the {k} by 1 Jacobian column .*transpose")
    assert one(texts, rf"feature vector φ\(x\) of {k} numbers")
    assert not any(re.search(r"-\d", t) for t in texts), texts  # a hyphen before a digit: ASCII minus


@pytest.mark.parametrize("config", RBF_CASES)
def test_rbf_model_caption_states_the_slope_as_one_number(config, use_config):
    use_config(config)
    s = active_settings().rbf
    k, x0 = len(s.centers), s.x0_final

    def f(x):  # the model written out here
        return sum(w * np.exp(-((x - c) ** 2) / (2 * s.sigma**2)) for c, w in zip(s.centers, s.weights, strict=True))

    slope = (f(x0 + 1e-5) - f(x0 - 1e-5)) / 2e-5
    texts = captions("RBFModel")
    assert one(texts, r"^A model weights the features")
    m = one(texts, rf"f′\(x₀\) = wᵀ dφ/dx\(x₀\) = (−?\d+(?:\.\d+)?): a 1 by {k} row times the {k} by 1 "
                   r"Jacobian column, one number\.")
    assert float(m.group(1).replace("−", "-")) == pytest.approx(slope, abs=0.0051)
    assert "row" not in " ".join(t for t in texts if t is not m.string)


SIGNED = r"(−?\d+(?:\.\d+)?)"


def _num(text: str) -> float:
    return float(text.replace("−", "-"))


@pytest.mark.parametrize("config", ["", '[map]\nf1 = "sin(x)*y"\nf2 = "x**3 + y"\ndomain = [-3.0, 3.0, -1.0, 2.0]\n'])
def test_heatmap_says_the_norm_is_a_size_and_contrasts_sigma1(config, use_config):
    """The heatmap shows ||J||_F, not where f changes fastest: the chapter says so, and the last caption names
    two points of equal norm and different sigma_1, checked here by central differences and numpy's SVD."""
    use_config(config)
    cls = scene_class("JacobianNormHeatmap")
    assert "fastest" not in cls.TITLE and "Frobenius norm" in cls.TITLE
    texts = captions(cls.__name__)
    assert one(texts, r"Frobenius norm, the square root of the sum of its squared entries")
    m = one(texts, rf"at \({SIGNED}, {SIGNED}\) and \({SIGNED}, {SIGNED}\) it is {SIGNED}(?: and {SIGNED}| at both), "
                   rf"but the largest stretch σ₁ of a small step is {SIGNED} at the first and {SIGNED} at the second")
    assert m.string.startswith("The norm is an overall size of Jf, not how fast f changes in its fastest direction")
    a, b = np.array([_num(m.group(1)), _num(m.group(2))]), np.array([_num(m.group(3)), _num(m.group(4))])
    f1, f2 = active_settings().map.expressions[:2]

    def f(p):
        x, y = p
        return np.array([eval(f1, {"x": x, "y": y, "sin": np.sin}), eval(f2, {"x": x, "y": y, "sin": np.sin})])

    def jac(p, h=1e-6):
        return np.stack([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(2)], axis=1)

    norms = [np.linalg.norm(jac(p)) for p in (a, b)]
    s1 = [np.linalg.svd(jac(p), compute_uv=False)[0] for p in (a, b)]
    assert _num(m.group(5)) == pytest.approx(norms[0], abs=0.0051)
    assert _num(m.group(6) or m.group(5)) == pytest.approx(norms[1], abs=0.0051)
    assert norms[0] == pytest.approx(norms[1], rel=0.006)
    assert (_num(m.group(7)), _num(m.group(8))) == pytest.approx(tuple(s1), abs=0.0051)
    assert s1[1] / s1[0] >= 1.1
    if not config:  # the page's map: (1, 1) and (1, -1), norm sqrt(10) at both, sigma_1 sqrt(5) and 3
        assert m.group(0).startswith("at (1, 1) and (1, −1) it is 3.16 at both")
        assert (_num(m.group(7)), _num(m.group(8))) == pytest.approx((np.sqrt(5), 3.0), abs=0.0051)


def test_heatmap_of_a_linear_map_claims_no_contrast(use_config):
    use_config('[map]\nf1 = "2*x + y"\nf2 = "y - x"\n')
    texts = captions("JacobianNormHeatmap")
    assert one(texts, r"^The norm is an overall size of Jf, not how fast f changes in its fastest direction\.$")
    assert not any("σ₁" in t for t in texts)


@pytest.mark.parametrize(("config", "ratio", "power"), [
    ("", 4.0, "h squared"),  # page map: the gap is sqrt(2) h^2 exactly at every sample point
    # x^3 at the corner (0, 0) of its square: the remainder is d1^3, so each halving divides it by 8
    ('[map]\nf1 = "x**3 + y"\nf2 = "y"\nsample_points = [[0.0, 0.0]]\n', 8.0, "h to the power 3.0"),
])
def test_the_zoom_states_the_measured_halving_ratio(config, ratio, power, use_config):
    use_config(config)
    m = one(captions("GridSquaresUnderF"), rf"divides the gap by {NUMBER}")
    assert float(m.group(1)) == pytest.approx(ratio, abs=0.05)
    assert power in m.string


def test_an_affine_map_has_no_gap_and_says_so(use_config):
    use_config('[map]\nf1 = "2*x + y"\nf2 = "y - x"\n')
    texts = captions("GridSquaresUnderF")
    assert one(texts, r"the gap is zero")
    assert not any("divides the gap" in t for t in texts)


def test_softmax_saturation_states_the_largest_entry(use_config):
    use_config("")
    z = np.array(active_settings().softmax.saturated_logits)
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    # independent: the Jacobian by central differences of softmax
    eps = 1e-6
    jac = np.stack([(np.exp(z + eps * e) / np.exp(z + eps * e).sum() - np.exp(z - eps * e) / np.exp(z - eps * e).sum())
                    / (2 * eps) for e in np.eye(len(z))], axis=1)
    m = one(captions("SoftmaxJacobian"),
            rf"at p([{SUBSCRIPT_DIGITS}]) = {NUMBER} no entry of the Jacobian exceeds {NUMBER}")
    assert SUBSCRIPT_DIGITS.index(m.group(1)) == int(np.argmax(p)) + 1
    assert float(m.group(2)) == pytest.approx(p.max(), abs=0.005)
    assert float(m.group(3)) == pytest.approx(np.abs(jac).max(), abs=0.005)
    # not saturated: no claim of saturation, the true numbers instead
    use_config("[softmax]\nsaturated_logits = [1.0, 0.5, 0.0]\n")
    texts = captions("SoftmaxJacobian")
    assert not any("aturation" in t for t in texts)
    assert one(texts, r"^Now p₁ = 0\.51, and the largest entry of the Jacobian is 0\.25\.")


def test_taylor_captions_state_the_fitted_slope(use_config):
    use_config("")
    s = active_settings()
    x, u = np.array(s.taylor.point), np.array(s.taylor.direction, float)
    u /= np.linalg.norm(u)
    steps = np.geomspace(s.taylor.steps[1], s.taylor.steps[0], scene_class("TaylorError").SAMPLES)

    def f(p):
        return np.array([p[0] ** 2 - p[1], p[1] ** 2 + p[0]])

    jac = np.array([[2 * x[0], -1.0], [1.0, 2 * x[1]]])
    errors = np.array([np.linalg.norm(f(x + h * u) - f(x) - jac @ (h * u)) for h in steps])
    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    texts = captions("TaylorError")
    m = one(texts, rf"line of slope {NUMBER}: halving d divides the error by about {NUMBER}")
    assert float(m.group(1)) == pytest.approx(slope, abs=0.005)
    assert float(m.group(2)) == pytest.approx(2**slope, abs=0.05)
    # the page's map: f(p + d) - f(p) - J d = (d1^2, d2^2), so error / |d|^2 = sqrt(u1^4 + u2^4) at every step
    m = one(texts, rf"error / \|d\|² stays at {NUMBER}: along d the map is quadratic")
    assert float(m.group(1)) == pytest.approx(np.hypot(u[0] ** 2, u[1] ** 2), abs=5e-4)
    # the point is p (x and y are the map's coordinates), named with its coordinates
    assert one(texts, r"^At the point p = \(1, 1\) of the map f\(x, y\) = \(x² − y, y² \+ x\):")
    assert not any(re.search(r"\bAt x\b|f\(x \+ d\)", t) for t in texts)


def test_taylor_ratio_stays_only_for_a_map_quadratic_along_d(use_config):
    # a tiny cubic term: the ratio changes by about 1e-4 over the steps, equal to 3 decimals, but not constant
    use_config('[map]\nf1 = "x**2 - y + 0.0001*x**3"\nf2 = "y**2 + x"\n')
    s = active_settings().taylor
    u = np.array(s.direction) / np.linalg.norm(s.direction)
    texts = captions("TaylorError")
    assert not any("stays at" in t for t in texts)
    m = one(texts, rf"error / \|d\|² tends to about {NUMBER} \(from {NUMBER}\)")
    # by hand: the remainder is (u1^2 s^2 + 0.0001 ((1 + u1 s)^3 - 1 - 3 u1 s), u2^2 s^2) at p = (1, 1)
    def ratio(st):
        e1 = u[0] ** 2 * st**2 + 0.0001 * ((1 + u[0] * st) ** 3 - 1 - 3 * u[0] * st)
        return np.hypot(e1, u[1] ** 2 * st**2) / st**2
    assert float(m.group(1)) == pytest.approx(ratio(s.steps[0]), abs=5e-4)
    assert float(m.group(2)) == pytest.approx(ratio(s.steps[1]), abs=5e-4)


def test_taylor_captions_for_a_map_whose_error_is_cubic(use_config):
    # f = (x^3 + y, y) at 0: f(d) - f(0) - J d = (d1^3, 0), so the slope is 3 and error / |d|^2 = u1^3 |d|
    use_config('[map]\nf1 = "x**3 + y"\nf2 = "y"\n[taylor]\npoint = [0.0, 0.0]\ndirection = [0.8, 0.6]\n')
    s = active_settings().taylor
    texts = captions("TaylorError")
    m = one(texts, rf"line of slope {NUMBER}: halving d divides the error by about {NUMBER}")
    assert (float(m.group(1)), float(m.group(2))) == pytest.approx((3.0, 8.0), abs=0.005)
    m = one(texts, rf"error / \|d\|² goes from {NUMBER} to {NUMBER}")
    assert float(m.group(1)) == pytest.approx(0.8**3 * s.steps[1], abs=5e-4)
    assert float(m.group(2)) == pytest.approx(0.8**3 * s.steps[0], abs=5e-4)


@pytest.mark.parametrize("box", [None, [-3.0, 3.0, -3.0, 3.0], [-4.5, 4.5, -4.5, 4.5]])
def test_flow_caption_states_the_mass_inside_and_outside_the_box(box, use_config):
    use_config(f"[flow]\nbox = {box}\n" if box else "")
    s = active_settings().flow
    # "lies outside": some of it never was inside (the latent box misses mass too), so not "was carried outside"
    m = one(captions("FlowDensity"),
            rf"integrates to {NUMBER}: the other {NUMBER} of the mass lies outside the box\.")
    # a small nonzero mass outside (2.4e-5 for the 4.5 box) is shown with a significant digit, never as 0.000
    assert float(m.group(2)) > 0 and not re.fullmatch(r"0\.0*", m.group(2)), m.group(2)
    # independent: seeded Monte Carlo through the generator written out here (two affine couplings)
    rng = np.random.default_rng(3)
    z = rng.normal(0.0, s.base_std, size=(1_000_000, 2))
    (a1, a2), (c1, c2) = s.scales, s.shifts
    u2 = z[:, 1] * np.exp(a1 * np.tanh(z[:, 0])) + c1 * np.sin(z[:, 0])
    y1 = z[:, 0] * np.exp(a2 * np.tanh(u2)) + c2 * np.sin(u2)
    x0, x1, y0, y1b = s.box
    inside = ((y1 >= x0) & (y1 <= x1) & (u2 >= y0) & (u2 <= y1b)).mean()
    assert float(m.group(1)) == pytest.approx(inside, abs=0.0015)
    assert float(m.group(2)) == pytest.approx(1 - inside, abs=0.0015)


def test_penalty_caption_quotes_both_maps_and_calls_the_second_flatter_only_when_it_is(use_config):
    use_config("")
    s = active_settings().penalty
    p = np.array(s.point)

    def jac(w):
        w, b = np.array(w), np.array(s.b)
        return (1 - np.tanh(w @ p + b) ** 2)[:, None] * w  # d tanh(Wx + b)/dx, by hand

    (sig_steep, norm_steep), (sig_flat, norm_flat) = (
        (np.linalg.svd(jac(w), compute_uv=False)[0], np.linalg.norm(jac(w))) for w in (s.w_steep,
                                                                                    s.w_flat))
    m = one(captions("JacobianPenalty"),
            rf"the flatter map: ‖J‖ {NUMBER} instead of {NUMBER}, σ₁ {NUMBER} instead of {NUMBER}")
    np.testing.assert_allclose([float(g) for g in m.groups()], [norm_flat, norm_steep, sig_flat, sig_steep], atol=0.005)
    # the two maps are the settings' hand-picked layers, not the result of training with the penalty: said so
    assert m.string.startswith("Both layers here are picked by hand, not trained. A Jacobian penalty")
    # swap the two: the second is now the steeper one, and no caption may call it flatter
    use_config(f"[penalty]\nw_steep = {list(map(list, s.w_flat))}\n"
               f"w_flat = {list(map(list, s.w_steep))}\n")
    texts = captions("JacobianPenalty")
    assert not any("flatter" in t for t in texts)
    m = one(texts, rf"here ‖J‖ is {norm_flat:.2f} for the first map and {norm_steep:.2f} for the second")
    assert m.string.startswith("Both layers here are picked by hand, not trained.")
    # nor does the picture: no panel heading or readout calls the steeper one flat
    scene = rendered("JacobianPenalty").scene
    assert scene.names == ("first map", "second map")
    assert [p.heading.get_tex_string() for p in scene.panels[1:]] == [r"f_{1}(x + \delta)", r"f_{2}(x + \delta)"]


def _gn_gd_counts(s):
    """(steps, converged, theta at the end) of Gauss-Newton (numpy.linalg.lstsq) and gradient descent on
    a exp(b t) - y, written out here; a method that overflows or meets a singular J^T J stops there."""
    t, y = np.array(s.t), np.array(s.y)
    out = []
    for method in ("gn", "gd"):
        th, steps = np.array(s.theta0, float), 0
        while True:
            with np.errstate(all="ignore"):
                r = th[0] * np.exp(th[1] * t) - y
                jac = np.stack([np.exp(th[1] * t), th[0] * t * np.exp(th[1] * t)], axis=1)
                g = np.linalg.norm(jac.T @ r)
            if g < s.tol or steps >= s.max_steps:
                break
            if method == "gn" and np.linalg.cond(jac.T @ jac) > 1e14:
                break
            rate = s.learning_rate
            step = np.linalg.lstsq(jac, -r, rcond=None)[0] if method == "gn" else -rate * jac.T @ r
            with np.errstate(all="ignore"):
                nxt = th + step
                r2 = nxt[0] * np.exp(nxt[1] * t) - y
                j2 = np.stack([np.exp(nxt[1] * t), nxt[0] * t * np.exp(nxt[1] * t)], axis=1)
                if not (np.isfinite(r2).all() and np.isfinite(j2).all() and np.isfinite(np.linalg.norm(j2.T @ r2))):
                    break
            th, steps = nxt, steps + 1
        out.append((steps, bool(g < s.tol), th))
    return out


def _mismatch(s, cov):
    """|J Sigma J^T - C|_F / |C|_F with C the sample covariance of the seeded cloud's images, computed here:
    the seed's standard normals through a closed-form sqrt(Sigma), the layer written out, J by differences."""
    from jacobian_math import numerical_jacobian

    cov = np.array(cov)
    d = np.sqrt(np.linalg.det(cov))
    root = (cov + d * np.eye(2)) / np.sqrt(np.trace(cov) + 2 * d)
    z = np.random.default_rng(s.seed).standard_normal((s.samples, 2))

    def f(x):
        return np.tanh(np.asarray(x) @ np.array(s.w).T + s.b)

    y = f(np.array(s.mean) + z @ root)
    jac = numerical_jacobian(f, np.array(s.mean), 1e-6)
    c = np.cov(y.T)
    return np.linalg.norm(jac @ cov @ jac.T - c) / np.linalg.norm(c)


def _true_output_cov(s, cov):
    """The covariance of tanh(W x + b), x ~ N(mean, cov), by two million seeded samples (Cholesky factor)."""
    x = np.array(s.mean) + np.random.default_rng(5).standard_normal((2_000_000, 2)) @ np.linalg.cholesky(
        np.array(cov)).T
    return np.cov(np.tanh(x @ np.array(s.w).T + s.b).T)


def _errors_vs_truth(s, cov):
    """(J Sigma J^T, the seeded samples' covariance), each as a relative error against the true covariance."""
    from jacobian_math import numerical_jacobian

    cov = np.array(cov)
    d = np.sqrt(np.linalg.det(cov))
    root = (cov + d * np.eye(2)) / np.sqrt(np.trace(cov) + 2 * d)
    z = np.random.default_rng(s.seed).standard_normal((s.samples, 2))

    def f(x):
        return np.tanh(np.asarray(x) @ np.array(s.w).T + s.b)

    jac = numerical_jacobian(f, np.array(s.mean), 1e-6)
    true = _true_output_cov(s, cov)
    rel = [np.linalg.norm(c - true) / np.linalg.norm(true)
           for c in (jac @ cov @ jac.T, np.cov(f(np.array(s.mean) + z @ root).T))]
    return rel[0], rel[1]


def _stability_limit(s, theta):
    """2 / the largest eigenvalue of the Hessian of 1/2 |r|^2 at theta, the Hessian by differences of J^T r."""
    t, y = np.array(s.t), np.array(s.y)

    def grad(th):
        e = np.exp(th[1] * t)
        return np.stack([e, th[0] * t * e], axis=1).T @ (th[0] * e - y)

    hess = np.stack([(grad(theta + 1e-6 * u) - grad(theta - 1e-6 * u)) / 2e-6 for u in np.eye(2)], axis=1)
    return 2 / np.linalg.eigvalsh((hess + hess.T) / 2).max()


@pytest.mark.parametrize("config", ["", "[regression]\ncov_small = [[0.09, 0.0], [0.0, 0.04]]\n"
                                        "theta0 = [0.3, 0.2]\nsamples = 300\n"
                                        "seed = 3\n",
                                    "[regression]\nmax_steps = 100\n"])
def test_regression_captions_state_the_mismatch_and_the_step_counts(config, use_config):
    use_config(config)
    s = active_settings().regression
    texts = captions("VectorRegression")
    small = _mismatch(s, s.cov_small)
    # which error is which: linearising (J Sigma J^T) and sampling (the samples' covariance), each against the
    # true output covariance (a two-million-sample Monte Carlo here: about 0.1 % noise of its own)
    k = s.samples
    for cov, pattern in ((s.cov_small, r"(nearly coincide|do not coincide): "),
                         (s.cov_large, r"(visibly differ|Now): ")):
        lin, samp = _errors_vs_truth(s, cov)
        m = one(texts, pattern + rf"J Σ Jᵀ is {NUMBER} % off the true output covariance, the {k} samples' "
                                 rf"covariance {NUMBER} % off it\.")
        for stated, truth in ((m.group(2), lin), (m.group(3), samp)):
            places = len(stated.split(".")[1]) if "." in stated else 0
            assert float(stated) == pytest.approx(100 * truth, abs=0.5 * 10**-places + 0.15), (stated, truth)
        if cov is s.cov_small:
            assert (m.group(1) == "nearly coincide") == (small <= 0.1)
    # the ellipses' level is stated
    assert one(texts, r"covariance as 2σ ellipses\.")
    (gn, gn_ok, gn_end), (gd, gd_ok, gd_end) = _gn_gd_counts(s)
    text = one(texts, r"Until ‖Jᵀr‖ <").string
    for name, steps, ok in (("Gauss–Newton", gn, gn_ok), ("gradient descent", gd, gd_ok)):
        if ok:
            assert re.search(rf"{name} {steps} steps?\b", text), (name, steps, text)
        elif steps >= s.max_steps:
            assert f"{name} not within {s.max_steps} steps" in text, text
        else:
            assert f"{name} stalls after {steps} step" in text, text
    assert ("far fewer" in text) == (gn_ok and (not gd_ok or gd >= 10 * max(gn, 1)))
    # gradient descent's step size is stated, with its stability limit at the fit when there is one
    m = re.search(rf"by −η Jᵀr with η = {NUMBER}(?:, (below|above) its stability limit 2/λₘₐₓ = {NUMBER} at the fit)?",
                  text)
    assert m and float(m.group(1)) == s.learning_rate, text
    if gn_ok or gd_ok:
        limit = _stability_limit(s, gn_end if gn_ok else gd_end)  # at the fit
        assert float(m.group(3)) == pytest.approx(limit, rel=0.006), (text, limit)
        assert m.group(2) == ("below" if s.learning_rate < limit else "above")
    else:
        assert m.group(2) is None


ENCODER_SATURATED = ("[encoder]\nw = [[3.0, 0.1], [0.2, -3.0], [1.0, 1.0], [-2.0, 1.0], [0.5, 0.5], [4.0, -4.0]]\n"
                     "b = [0.0, 0.5, -0.5, 1.0, 0.0, 0.2]\nv = [5.0, -4.0, 3.0, 2.0, -6.0, 1.0]\n"
                     "box = [-3.0, 1.0, -1.0, 4.0]\npoint = [-2.9, 3.9]\nstep = 2.0\n"
                     "points = [[0.0, 0.0], [0.1, 0.0]]\n")  # saturated at x: sigma_1 = 4e-6, once "0.00"


@pytest.mark.parametrize("config", ["", "[encoder]\npoint = [-1.0, 1.5]\nstep = 0.8\n", ENCODER_SATURATED])
def test_encoder_captions_state_sigma1_and_the_code_changes(config, use_config):
    use_config(config)
    s = active_settings().encoder
    W, b, v = np.array(s.w), np.array(s.b), np.array(s.v)

    def code(x):
        return float(np.tanh(W @ x + b) @ v)

    x = np.array(s.point)
    grad = (1 - np.tanh(W @ x + b) ** 2) * v @ W  # the gradient by hand: one row, so sigma_1 = |grad|
    u1 = grad / np.linalg.norm(grad)
    u2 = np.array([-u1[1], u1[0]])
    texts = captions("EncoderSensitivity")
    # the singular vectors' signs are the scene's choice: a step either way along each is a true statement
    m = one(texts, rf"moving x by {NUMBER} that way changes z by (only )?{NUMBER}\.")
    null = [abs(code(x + sign * s.step * u2) - code(x)) for sign in (1, -1)]
    amp = [abs(code(x + sign * s.step * u1) - code(x)) for sign in (1, -1)]
    assert float(m.group(1)) == pytest.approx(s.step)
    stated_null, only = float(m.group(3)), bool(m.group(2))
    assert min(abs(stated_null - n) for n in null) <= 0.0051, (stated_null, null)
    m = one(texts, rf"σ₁ = {NUMBER} per unit: a step of {NUMBER} changes z by {NUMBER} \(J predicts {NUMBER}\)")
    sigma1, step, stated_amp, predicted = (float(g) for g in m.groups())
    assert min(abs(stated_amp - a) for a in amp) <= 0.0051, (stated_amp, amp)
    assert sigma1 > 0 and predicted > 0  # nonzero, never shown as 0.00
    assert sigma1 == pytest.approx(np.linalg.norm(grad), rel=0.2) and predicted == pytest.approx(
        s.step * np.linalg.norm(grad), rel=0.2)
    np.testing.assert_allclose([sigma1, step, predicted],
                               [np.linalg.norm(grad), s.step, s.step * np.linalg.norm(grad)],
                               atol=0.0051)
    assert only == (stated_null < 0.25 * stated_amp)
    # singular values and vectors are said what they are where they first appear (JacobianPenalty comes later)
    first = next(t for t in texts if "σ₁" in t or "v₁" in t)
    assert "two singular values σ₁ and σ₂" in first and "right-singular vectors v₁ and v₂" in first, first
    assert one(texts, r"Along v₁, the top right-singular vector, the code moves fastest, by its singular value σ₁")
    # v names only the singular vectors: the readout weights are a
    assert one(texts, r"its code z = aᵀtanh\(Wx \+ b\), a the readout weights")
    assert not any("vᵀ" in t for t in texts)
    # J^T J has rank one: a degenerate metric, drawn as segments at a stated scale (checked in test_scene_ml)
    m = one(texts, rf"rank one, a degenerate metric, so its ellipses are flat: segments along v₁ reaching {NUMBER} "
                   r"times σ₁ either side")
    assert not any("semi-axes σ₁ and 0" in t for t in texts)
MAML_OTHER = ("[maml]\ntheta = [-0.4, 0.5]\nalpha = 1.5\ncell = 0.3\n"
              "val_x = [0.5, 2.0]\nval_y = [0.9, -0.2]\n")


MAML_FAR = ("[maml]\ntheta = [-2.5, 1.8]\nalpha = 2.0\ncell = 2.0\n"
            "x = [-3.0, -1.0, 0.0, 2.0, 3.0, 4.0, 5.0, 6.0]\n"
            "y = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0]\n")


@pytest.mark.parametrize("config", ["", MAML_OTHER, MAML_FAR])  # far: a difference of 0.0015, once said "0.00"
def test_maml_captions_state_the_gap_and_the_first_order_error(config, use_config):
    use_config(config)
    cfg = active_settings().maml
    x, y, xv, yv = (np.array(v) for v in (cfg.x, cfg.y, cfg.val_x, cfg.val_y))

    def loss(t, xs, ys):
        return np.mean((np.tanh(t[0] * xs + t[1]) - ys) ** 2) / 2

    def grad(t, xs, ys, h=1e-5):
        return np.array([(loss(t + h * e, xs, ys) - loss(t - h * e, xs, ys)) / (2 * h) for e in np.eye(2)])

    def step(t):
        return t - cfg.alpha * grad(t, x, y)

    theta, h = np.array(cfg.theta), cfg.cell
    jac = np.stack([(step(theta + 1e-4 * e) - step(theta - 1e-4 * e)) / 2e-4 for e in np.eye(2)], axis=1)
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], float)
    edge = np.linspace(0, 1, 400)[:, None]
    boundary = np.vstack([theta + h * (corners[i] + edge * (corners[i + 1] - corners[i])) for i in range(4)])
    gap = max(np.linalg.norm(step(q) - step(theta) - jac @ (q - theta)) for q in boundary)
    g_val = grad(step(theta), xv, yv)
    meta = np.array([(loss(step(theta + 1e-4 * e), xv, yv) - loss(step(theta - 1e-4 * e), xv, yv)) / 2e-4
                     for e in np.eye(2)])
    texts = captions("MAMLStep")
    m = one(texts, rf"the true image bends, up to {NUMBER} away")
    assert float(m.group(1)) == pytest.approx(gap, abs=0.006)
    m = one(texts, rf"off by {NUMBER} here, {NUMBER} % of the meta-gradient's length")
    assert float(m.group(1)) == pytest.approx(np.linalg.norm(meta - g_val), abs=0.006)
    assert float(m.group(2)) == pytest.approx(100 * np.linalg.norm(meta - g_val) / np.linalg.norm(meta), abs=0.6)
    # a nonzero difference is never shown as zero: its first significant digit, within half a unit of it
    for shown, truth in ((m.group(1), np.linalg.norm(meta - g_val)),
                         (m.group(2), 100 * np.linalg.norm(meta - g_val) / np.linalg.norm(meta))):
        last = 10.0 ** -(len(shown.split(".")[1]) if "." in shown else 0)
        assert float(shown) > 0 and abs(float(shown) - truth) <= 0.5 * last + 1e-4 * truth, (shown, truth)
    assert one(texts, r"α∇L\(θ\)")


@pytest.mark.parametrize(("config", "B"), [("", 3), ("[batched]\nsize = 4\n", 4), ("[batched]\nsize = 2\n", 2)])
def test_batched_captions_state_the_sizes_and_the_off_diagonal_entries(config, B, use_config):
    use_config(config)
    cfg = active_settings().batched
    W, b, X = np.array(cfg.w), np.array(cfg.b), np.array(cfg.inputs[:B])

    def flat(v):  # the batch-mean-centred layer, flattened
        Xv = v.reshape(B, 2)
        return np.tanh((Xv - Xv.mean(axis=0)) @ W.T + b).ravel()

    v0, eps = X.ravel(), 1e-6
    jac = np.stack([(flat(v0 + eps * e) - flat(v0 - eps * e)) / (2 * eps) for e in np.eye(2 * B)], axis=1)
    off = max(np.abs(jac[2 * i:2 * i + 2, 2 * j:2 * j + 2]).max() for i in range(B) for j in range(B) if i != j)
    texts = captions("BatchedJacobian")
    assert one(texts, rf"stacks B = {B} examples as the rows of X, B by n;")
    # vec stacks columns: the flattening that gives diagonal blocks is row by row, and the caption says so
    assert one(texts, rf"^Flatten X and Y row by row, example after example: .* Bm by Bn matrix, "
                      rf"here {2 * B} by {2 * B}\.")
    assert not any("×" in t for t in texts)  # shapes are read "by" (the voice reads × as "times")
    m = one(texts, rf"as batch normalisation does in training mode, .* off-diagonal blocks fill in, up to {NUMBER} in")
    assert float(m.group(1)) == pytest.approx(off, abs=0.005)
    m = one(texts, rf"B by m by n, need be stored: {NUMBER} numbers, every nonzero one, instead of {NUMBER}")
    assert (int(m.group(1)), int(m.group(2))) == (B * 4, (2 * B) ** 2)


def test_batched_caption_with_zero_weights_claims_no_filling(use_config):
    use_config("[batched]\nw = [[0.0, 0.0], [0.0, 0.0]]\n")
    texts = captions("BatchedJacobian")
    assert not any("fill in" in t for t in texts)
    assert one(texts, r"every entry off the diagonal blocks stays exactly zero")
    # a small but nonzero filling is shown with its first significant digit, never as 0.00
    use_config("[batched]\nw = [[0.001, 0.0], [0.0, 0.002]]\n")
    m = one(captions("BatchedJacobian"), rf"fill in, up to {NUMBER} in size")
    # by hand: y_i = tanh(W (x_i - mean x) + b), so block (i, j), i != j, is -diag(1 - y_i^2) W / B; the largest
    # entry is at the largest weight 0.002 and the smallest |W (x_i - mean) + b|
    cfg = active_settings().batched
    X = np.array(cfg.inputs[:cfg.size])
    pre = (X - X.mean(axis=0)) @ np.diag([0.001, 0.002]) + np.array(cfg.b)
    largest = max(np.max((1 - np.tanh(pre[:, k]) ** 2) * w / cfg.size) for k, w in enumerate((0.001, 0.002)))
    assert m.group(1) == f"{largest:.4f}" != "0.00"


SPATIAL_CONFIGS = [
    "",
    "[spatial]\nheight = 5\nwidth = 5\nchannels = 2\nactivation = 'relu'\npixel = [2, 2]\npath = [[0, 0], [4, 4]]\n",
    "[spatial]\npadding = 'valid'\npixel = [1, 2]\npath = [[0, 0], [3, 3]]\nkernel = 'sobel'\n",
    "[spatial]\nactivation = 'identity'\npixel = [1, 1]\npath = [[2, 2]]\n",
]


@pytest.mark.parametrize("config", SPATIAL_CONFIGS, ids=["default", "relu_2ch", "valid_sobel", "identity_inside"])
def test_spatial_captions_state_sizes_slopes_counts_and_maxima(config, use_config):
    from test_scene_spatial import truth

    from narration.spoken import spoken_form

    use_config(config)
    sp = active_settings().spatial
    x, K, y, J = truth(sp)
    H, W, C = x.shape
    Ho, Wo = y.shape[:2]
    k = K.shape[0]
    p = (k - 1) // 2 if sp.padding == "same" else 0
    texts = captions("SpatialOutputs")
    assert one(texts, rf"a {H} by {W} by {C} input x, a {k} by {k} convolution")
    assert one(texts, rf"gives a {Ho} by {Wo} by {C} output y")
    i, j = sp.pixel

    def window(i, j):  # the receptive field's rows and columns inside the image, counted one by one
        return (sum(0 <= r < H for r in range(i - p, i - p + k)), sum(0 <= c < W for c in range(j - p, j - p + k)))

    assert one(texts, rf"column {j}\b.* reads only the {window(i, j)[0]} by {window(i, j)[1]} window")
    z = np.arctanh(np.clip(y[i, j, 0], -1 + 1e-15, 1 - 1e-15)) if sp.activation == "tanh" else None
    if sp.activation == "tanh":
        m = one(texts, rf"times tanh′ = {NUMBER}, the slope there")
        assert float(m.group(1)) == pytest.approx(1 - np.tanh(z) ** 2, abs=0.006)
    elif sp.activation == "relu":
        m = one(texts, rf"times ReLU′ = {NUMBER}, the slope there")
        assert float(m.group(1)) == float(y[i, j, 0] > 0)
    else:
        assert one(texts, r"a kernel weight itself: the slope is 1")
    # the walk: the smallest window on the way, or no cut at all
    stops = [(i, j), *map(tuple, sp.path), (i, j)]
    route = [q for a, b in zip(stops, stops[1:], strict=False) for q in (a, (b[0], a[1]), b)]  # rows, then columns
    smallest = min(a * b for a, b in (window(*q) for q in route))  # on a straight stretch, least at an end
    if sp.padding == "valid":
        assert one(texts, rf"so the output is only {Ho} by {Wo}\.")
    elif smallest < k * k:
        assert one(texts, rf"down to {smallest} of its {k * k} pixels here\.")
    else:
        assert one(texts, rf"all {k * k} of its pixels\.")
    # the matrix: its size, the pairs (output, input in its window) counted by brute force, the weights
    pairs = sum(window(a, b)[0] * window(a, b)[1] for a in range(Ho) for b in range(Wo)) * C * C
    m = one(texts, rf"make the Jacobian, {J.shape[0]} by {J.shape[1]}: {NUMBER} entries, yet only {NUMBER} can be "
                   rf"nonzero, {NUMBER} percent: .* from {NUMBER} kernel weights")
    assert (int(m.group(1)), int(m.group(2)), int(m.group(4))) == (J.size, pairs, k * k * C * C)
    assert float(m.group(3)) == pytest.approx(100 * pairs / J.size, abs=0.5)
    assert np.count_nonzero(J) <= pairs
    # the saliency of the pixel's first channel, and J^T 1: the largest entry in size and where it is
    for row, pattern in ((J[(i * Wo + j) * C], r"saliency map shows: largest in size {N}, at input row (\d+), "
                                               r"column (\d+)"),
                         (J.T @ np.ones(J.shape[0]), r"map of the sum of y, largest in size {N} at input row (\d+), "
                                                     r"column (\d+)")):
        m = one(texts, pattern.replace("{N}", NUMBER))
        img = row.reshape(H, W, C)
        big = np.unravel_index(np.argmax(np.abs(img)), img.shape)
        assert float(m.group(1)) == pytest.approx(img[big], abs=0.006)
        assert (int(m.group(2)), int(m.group(3))) == big[:2]
    # said well: dimensions read "by", nothing a voice cannot say
    assert broken_rules(texts, "unsayable") == []
    for text in texts:
        said = spoken_form(text)
        assert not re.search(r"\d (times|×) \d", said), said


def test_grid_caption_lists_the_corners_as_points_with_minus_signs(use_config):
    use_config('[map]\nsample_points = [[-1.5, -0.25], [0.0, 0.0], [1.0, 1.0]]\n')
    texts = captions("GridSquaresUnderF")
    assert one(texts, r"lower-left corners are the points \(−1\.5, −0\.25\), \(0, 0\) and \(1, 1\); ")
    assert one(texts, r"^Zoom in at f\(")
    assert not any(re.search(r"-\d", t) for t in texts), texts


def test_numbers_are_never_shown_as_zero_or_with_a_hyphen_in_captions():
    from scenes.kit.text import caption_number, fmt_number, readout_notation

    assert [fmt_number(v) for v in (2.0, -0.7, 0.333, 0.0, -0.004, 0.000123)] == [
        "2", "-0.7", "0.33", "0", "-0.004", "0.00012"]
    assert caption_number(-0.004) == "−0.004" and caption_number(-2.5) == "−2.5"
    # the zoom's readouts: fixed while 3 significant digits need at most 5 decimals, else one exponent
    assert readout_notation([0.354, 0.00552], min_places=5) == (5, 0)
    assert readout_notation([1.414], min_places=3) == (3, 0)
    assert readout_notation([3.5e-4, 2.21e-6], min_places=5) == (2, -6)
    assert readout_notation([0.0, 0.0], min_places=5) == (5, 0)  # a true zero (affine map) stays 0.00000


def test_chain_rule_says_back_propagation_carries_one_vector(use_config):
    """Back-propagation never multiplies the Jacobians: it carries one vector through one vector-Jacobian product
    per layer, pulled back through Jg (giving vᵀJg), then through Jf."""
    use_config("")
    said, texts = [t for t, _ in said_by("ChainRule")], captions("ChainRule")
    assert "multiplies" not in " ".join(said)
    assert said[0] == ("The chain rule: products of Jacobians. The Jacobian of a composition is the product of the "
                       "layers' Jacobians.")
    m = one(texts, r"^Back-propagation carries one vector: the gradient v at the output is pulled back through "
                   r"Jg\(f\(p\)\), giving vᵀ Jg\(f\(p\)\), then through Jf\(p\)\. One vector–Jacobian product "
                   r"per layer; the product of the Jacobians is never formed "
                   r"\(arrows drawn at ([\d.]+) of their length")
    assert float(m.group(1)) == scene_class("ChainRule").GRADIENT_SCALE
    assert "pulled back by" not in " ".join(texts)


@pytest.mark.parametrize(("config", "ending"), [
    ("", "so it does not vanish although the softmax has saturated on a wrong class."),
    ("[softmax]\nsaturated_logits = [-1.0, 4.5, -1.5]\n", "the softmax has saturated on the true class, so p − y is "
                                                       "small too, of length"),
    ("[softmax]\nlogits = [1.0, 0.2, -0.6, 0.0]\nsaturated_logits = [1.0, 0.5, 0.0, -0.5]\n", "p − y has length"),
])
def test_softmax_defines_y_and_states_the_length_of_p_minus_y(config, ending, use_config):
    use_config(config)
    z = np.array(active_settings().softmax.saturated_logits)
    t = scene_class("SoftmaxJacobian").TRUE_CLASS
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    texts = captions("SoftmaxJacobian")
    m = one(texts, rf"the gradient with respect to the logits is p − y, where y is the one-hot vector of the true "
                   rf"class, here class {t + 1}: .*length {NUMBER}")
    assert ending in m.string
    y = np.zeros(len(z))
    y[t] = 1.0
    assert float(m.group(1)) == pytest.approx(np.linalg.norm(p - y), abs=0.0051)
    # the matrix is named so that it reads aloud: its shape "by", diag(p) in words
    k = len(z)
    assert one(texts, rf"^Its Jacobian, a {k} by {k} matrix, is the diagonal matrix of p minus p pᵀ")
    assert not any(re.search(r"\bdiag\b|×", x) for x in texts)


def test_point_lists_are_said_pair_by_pair(use_config):
    """Six loose numbers ("minus 1, minus 1, 0, 0, and, 1, 1") do not say which go together: the voice reads
    each pair as a point, while the written caption keeps (−1, −1), (0, 0) and (1, 1)."""
    from narration.spoken import spoken_form

    use_config("")
    for name, pattern, said in (
        ("GridSquaresUnderF", r"the points \(−1, −1\), \(0, 0\) and \(1, 1\)",
         "the point minus 1, minus 1; the point 0, 0; and the point 1, 1."),
        ("JacobianNormHeatmap", r"at \(1, 1\) and \(1, −1\) it is",
         "at the point 1, 1 and the point 1, minus 1, it is 3.16 at both"),
    ):
        text = one(captions(name), pattern).string
        spoken = dict(said_by(name))[text]
        assert said in spoken_form(spoken), spoken


@pytest.mark.parametrize("config", ["", MAML_OTHER])
def test_maml_names_the_hessian_and_needs_one_hessian_vector_product(config, use_config):
    use_config(config)
    texts = said_by("MAMLStep")
    written = [t for t, _ in texts]
    # the title card: MAML needs one Hessian-vector product, not "its Jacobian"
    assert "Hessian–vector product" in written[0] and "needs its Jacobian" not in written[0]
    # the Hessian is named where I - alpha grad^2 L first appears
    first = next(t for t in written if "∇²L" in t)
    assert re.search(r"I − α∇²L\(θ\), with ∇²L the Hessian", first), first
    # the meta-gradient is g - alpha H g: one Hessian-vector product
    m = one(written, r"pulls the validation gradient g = ∇Lᵥₐₗ\(θ′\) back")
    assert "(I − α∇²L(θ))ᵀ g = g − α∇²L(θ) g, one Hessian–vector product" in m.string
    # said aloud: "the gradient of L val at theta prime", and the transpose of the whole bracket
    spoken = " ".join(sp for t, sp in texts if "∇Lᵥₐₗ" in t)
    assert spoken.count("the gradient of L val at theta prime") == 2, spoken
    assert "the transpose of I minus alpha times the Hessian" in spoken
