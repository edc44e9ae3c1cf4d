"""MAMLStep and BatchedJacobian render in-process (320x180, 5 fps); what they show is read back and compared
with computations written out here (finite differences of the losses, an explicit loop over examples); final
frames are compared with tests/golden/ml_MAMLStep.png and ml_BatchedJacobian.png, every beat's end frame with
tests/golden/beats/."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DL, UR
from scene_harness import (
    GOLDEN_SIZE,
    assert_beats_match_golden,
    assert_matches_golden,
    beats_showing_cells_without_numbers,
    cell_reading,
    cell_strength,
    render_scene,
    sign_reading,
)
from scene_harness import (
    rendered as shared_render,
)

from jacobian_math import numerical_jacobian
from scenes.kit import style
from scenes.kit.readouts import shown_values

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """``rendered(name)``: the scene and its last frame from its one render in this test process
    (scene_harness.rendered); ``rendered(name, cls)``: a test's own subclass ``cls``, rendered once here."""
    cache: dict[str, tuple] = {}

    def get(name: str, cls=None):
        if cls is None:
            shared = shared_render(name)
            return shared.scene, shared.frame
        if name not in cache:
            scene = render_scene(cls, tmp_path_factory.mktemp(name), *GOLDEN_SIZE, last_frame=True)
            cache[name] = (scene, np.asarray(scene.renderer.get_frame())[..., :3].copy())
        return cache[name]

    return get


@pytest.mark.parametrize("name", ["MAMLStep", "BatchedJacobian"])
def test_golden_final_frame(rendered, name: str) -> None:
    scene, frame = rendered(name)
    assert frame.std() > 5
    assert_matches_golden(frame, f"ml_{name}")


@pytest.mark.parametrize("name", ["MAMLStep", "BatchedJacobian"])
def test_golden_beat_frames(rendered, name: str) -> None:
    """Every beat's end frame (drawn in the same render) against tests/golden/beats/<name>/."""
    scene, _ = rendered(name)
    assert_beats_match_golden(scene.beat_frames, name)


# ----------------------------------------------------------------------------- MAMLStep


def task_loss(x, y):
    """mean_k (tanh(a x_k + b) - y_k)^2 / 2, written out."""
    x, y = np.asarray(x), np.asarray(y)
    return lambda t: float(np.mean((np.tanh(t[0] * x + t[1]) - y) ** 2) / 2)


def fd_grad(fn, t, h=1e-5):
    return np.array([(fn(t + h * e) - fn(t - h * e)) / (2 * h) for e in np.eye(2)])


def maml_truth(cfg):
    """(theta, theta', step by finite differences, its Jacobian, grad L_val(theta'), the meta-gradient)."""
    loss, val = task_loss(cfg.x, cfg.y), task_loss(cfg.val_x, cfg.val_y)
    alpha, theta = cfg.alpha, np.array(cfg.theta)

    def step(t):
        return t - alpha * fd_grad(loss, t)

    prime = step(theta)
    jac = numerical_jacobian(step, theta, 1e-3)
    g_val = fd_grad(val, prime)
    meta = fd_grad(lambda t: val(step(t)), theta, 1e-4)
    return theta, prime, step, jac, g_val, meta


def test_maml_read_back(rendered) -> None:
    scene, _ = rendered("MAMLStep")
    cfg = scene.settings.maml
    theta, prime, step, jac, g_val, meta = maml_truth(cfg)
    h, s = cfg.cell, scene.arrow_scale
    left, right = scene.panels
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)
    np.testing.assert_allclose(left.to_data(scene.square.get_vertices()), theta + h * unit, atol=1e-9)
    # the parallelogram: theta' + (I - alpha H) (corner - theta), H from finite differences of the loss
    np.testing.assert_allclose(right.to_data(scene.para.get_vertices()), prime + h * unit @ jac.T, atol=2e-5)
    # the outline is the step applied to the square's boundary (16 points a side, counter-clockwise)
    t = np.arange(16)[:, None] / 16
    boundary = np.vstack([theta + h * (unit[i] + t * (unit[(i + 1) % 4] - unit[i])) for i in range(4)])
    drawn = right.to_data(scene.true_image.get_anchors())
    for q in boundary:
        assert np.min(np.linalg.norm(drawn - step(q), axis=1)) < 1e-6
    # the Jacobian's arrows are its columns times h, from theta'
    for k, arrow in enumerate(scene.j_arrows):
        start, end = right.to_data(np.array([arrow.get_start(), arrow.get_end()]))
        np.testing.assert_allclose(start, prime, atol=1e-9)
        np.testing.assert_allclose(end - start, h * jac[:, k], atol=2e-5)
    np.testing.assert_allclose(shown_values(scene.matrix), jac, atol=0.0051)

    def vec(panel, arrow):
        a, b = panel.to_data(np.array([arrow.get_start(), arrow.get_end()]))
        return a, b - a

    start, v = vec(right, scene.val_arrow)
    np.testing.assert_allclose(start, prime, atol=1e-9)
    np.testing.assert_allclose(v, s * g_val, atol=1e-6)
    start, v = vec(left, scene.maml_arrow)
    np.testing.assert_allclose(start, theta, atol=1e-9)
    np.testing.assert_allclose(v, s * meta, atol=1e-5)
    start, v = vec(left, scene.fo_arrow)
    np.testing.assert_allclose(start, theta, atol=1e-9)
    np.testing.assert_allclose(v, s * g_val, atol=1e-6)
    start, v = vec(left, scene.diff_arrow)  # from the first-order tip to the MAML tip
    np.testing.assert_allclose(start, theta + s * g_val, atol=1e-6)
    np.testing.assert_allclose(v, s * (meta - g_val), atol=1e-5)
    shown = [shown_values(numbers)[0] for numbers in scene.row_numbers]
    np.testing.assert_allclose(shown, [g_val, meta, meta - g_val], atol=0.0051)
    assert_difference_row_adds_up(scene)
    # the roles' colours
    assert [a.get_color() for a in scene.e_arrows] == [style.E1, style.E2]
    assert [a.get_color() for a in scene.j_arrows] == [style.JE1, style.JE2]
    assert scene.maml_arrow.get_color() == style.GRADIENT
    assert scene.fo_arrow.get_color() == scene.val_arrow.get_color() == style.FIRST_ORDER


def assert_difference_row_adds_up(scene) -> None:
    """The third row is the second minus the first in the digits shown: a viewer subtracting -0.40 from -0.26 on
    screen gets the 0.14 the row shows (not 0.13, each row rounded on its own)."""
    digits = []
    for numbers in scene.row_numbers:
        entries = numbers.get_entries()
        places = {e.num_decimal_places for e in entries}
        assert len(places) == 1
        digits.append([round(e.get_value() * 10 ** e.num_decimal_places) for e in entries])
        digits[-1].append(places.pop())
    assert digits[0][-1] == digits[1][-1] == digits[2][-1], "the three rows show the same number of decimals"
    assert [m - g for m, g in zip(digits[1][:-1], digits[0][:-1], strict=True)] == digits[2][:-1], digits


@pytest.mark.parametrize("config", ["", "[maml]\ntheta = [-0.4, 0.2]\nalpha = 0.3\n",
                                    "[maml]\ntheta = [-0.4, 0.5]\nalpha = 1.5\ncell = 0.3\n"])
def test_maml_view_fits_theta_its_image_and_their_labels(config, use_config) -> None:
    """theta, theta' and their labels stay inside their panels, well clear of the edge (with theta = (-0.4, 0.2)
    and alpha = 0.3 the theta' label once sat 0.1 from the lower edge)."""
    use_config(config)
    scene = shared_render("MAMLStep").scene
    for panel, dot, label in zip(scene.panels, scene.dots, scene.labels, strict=True):
        left, bottom = panel.border.get_corner(DL)[:2]
        right, top = panel.border.get_corner(UR)[:2]
        for mob, clear in ((dot, 0.35), (label, 0.25)):
            (x0, y0), (x1, y1) = mob.get_corner(DL)[:2], mob.get_corner(UR)[:2]
            room = min(x0 - left, right - x1, y0 - bottom, top - y1)
            assert room > clear, (config, type(mob).__name__, room)
    # the square, its image and the parallelogram are in the view too
    for poly, panel in ((scene.square, scene.panels[0]), (scene.true_image, scene.panels[1]),
                        (scene.para, scene.panels[1])):
        x0, x1, y0, y1 = panel.box
        pts = panel.to_data(poly.get_anchors())
        assert (pts[:, 0] >= x0 - 1e-9).all() and (pts[:, 0] <= x1 + 1e-9).all()
        assert (pts[:, 1] >= y0 - 1e-9).all() and (pts[:, 1] <= y1 + 1e-9).all()
    assert_difference_row_adds_up(scene)


# ----------------------------------------------------------------------------- BatchedJacobian


def batch_truth(W, b, X, c):
    """The batch Jacobian of y_i = tanh(W (x_i - c mean x) + b) by finite differences of the flattened map."""
    W, b, X = np.asarray(W), np.asarray(b), np.asarray(X)
    B, n = X.shape

    def flat(v):
        Xv = v.reshape(B, n)
        return np.tanh((Xv - c * Xv.mean(axis=0)) @ W.T + b).ravel()

    return numerical_jacobian(flat, X.ravel(), 1e-6), flat(X.ravel()).reshape(B, -1)



def batched_recorded():
    from scenes.batched_jacobian import BatchedJacobian

    class Recorded(BatchedJacobian):
        def mix_examples(self) -> None:
            super().mix_examples()
            self.mixed_values = np.array([e.get_value() for e in self.entries])
            self.mixed_colours = [c.get_fill_color() for c in self.cells]

    Recorded.__name__ = "BatchedJacobian"
    return Recorded


def check_cells(values, colours, truth, scale, B, m, n):
    np.testing.assert_allclose(np.asarray(values).reshape(truth.shape), truth, atol=0.0051)
    for (r, k), v in np.ndenumerate(truth):
        t, sign = cell_strength(colours[r * truth.shape[1] + k], tol=2e-3)
        assert t == pytest.approx(0.8 * min(1.0, abs(v) / scale), abs=3e-3), (r, k)
        if abs(v) > 1e-3:
            assert sign == ("+" if v > 0 else "-"), (r, k, v)
        if r // m != k // n and abs(v) < 1e-12:  # an exact zero off the diagonal blocks: the plain panel colour
            assert colours[r * truth.shape[1] + k].to_hex().upper() == style.PANEL.to_hex().upper()


def test_batched_read_back(rendered) -> None:
    scene, _ = rendered("BatchedJacobianRecorded", batched_recorded())
    cfg = scene.settings.batched
    B = cfg.size
    X = np.array(cfg.inputs[:B])
    plain, Y = batch_truth(cfg.w, cfg.b, X, 0.0)
    mixed, _ = batch_truth(cfg.w, cfg.b, X, 1.0)
    m, n = Y.shape[1], X.shape[1]
    assert plain.shape == (B * m, B * n)
    scale = max(np.abs(plain).max(), np.abs(mixed).max())
    # the last state: the layer row by row; off-diagonal blocks are zero (by finite differences, to rounding)
    for i in range(B):
        for j in range(B):
            if i != j:
                assert np.abs(plain[i * m:(i + 1) * m, j * n:(j + 1) * n]).max() < 1e-9
    exact = np.where(np.kron(np.eye(B), np.ones((m, n))) > 0, plain, 0.0)
    check_cells([e.get_value() for e in scene.entries], [c.get_fill_color() for c in scene.cells], exact, scale,
                B, m, n)
    # after the batch mean was subtracted: the off-diagonal blocks filled
    check_cells(scene.mixed_values, scene.mixed_colours, mixed, scale, B, m, n)
    assert np.abs(scene.mixed_values.reshape(mixed.shape) * (1 - np.kron(np.eye(B), np.ones((m, n))))).max() > 0.05
    # Y, and the per-example stack: every diagonal block, in order
    shown_y = np.array([num.get_value() for num in scene.y_numbers]).reshape(B, m)
    np.testing.assert_allclose(shown_y, Y, atol=0.0051)
    for i, (grid, _name) in enumerate(scene.stack):
        vals = np.array([cell[1].get_value() for cell in grid]).reshape(m, n)
        np.testing.assert_allclose(vals, plain[i * m:(i + 1) * m, i * n:(i + 1) * n], atol=0.0051)
    # the stack sits apart from the big matrix, left of it
    assert scene.stack.get_right()[0] < scene.cells.get_left()[0]


# the lecture's sign colours for matrix entries, written out here (not read from style.py) so that swapping them
# anywhere, in style.py or in a scene, fails: positive warm yellow, negative purple, on the panel colour
SIGN_PANEL, SIGN_POSITIVE, SIGN_NEGATIVE = "#1A1F29", "#A69307", "#B281FE"


def test_batched_every_shown_matrix_cell_carries_its_number(rendered) -> None:
    """In every beat's end frame, each cell of the (Bm)x(Bn) matrix and of the per-example stack that is shown
    has a number drawn on it (issue 26: the diagonal blocks showed a colour and no number until the centring)."""
    scene, _ = rendered("BatchedJacobian")
    cells = list(scene.cells) + [cell[0] for grid, _name in scene.stack for cell in grid]
    seen = beats_showing_cells_without_numbers(scene.beat_frames, cells)
    big = len(scene.cells)
    shown_whole = [beat for beat, r in seen.items() if set(range(big)) <= set(r["shown"])]
    # the matrix is on screen from show_matrix to the end, the stack in the last beat
    assert [b.split("-", 1)[1] for b in shown_whole] == ["show_matrix", "mix_examples", "store_per_example"], seen
    assert set(range(big, len(cells))) <= set(seen[shown_whole[-1]]["shown"])
    bare = {beat: r["bare"] for beat, r in seen.items() if r["bare"]}
    assert not bare, f"cells shown without their number (beat: cell indices, row-major, stack last): {bare}"


def test_batched_cells_show_the_sign_colours_in_the_frame(rendered) -> None:
    """Read back from the pixels of the show_matrix and mix_examples end frames: every cell whose entry (finite
    differences here) is clearly nonzero is blended towards the positive colour when the entry is positive,
    the negative one when negative, by 0.8 min(1, |entry| / largest) as drawn."""
    scene, _ = rendered("BatchedJacobian")
    cfg = scene.settings.batched
    X = np.array(cfg.inputs[:cfg.size])
    frames = {b.split("-", 1)[1]: f for b, f in scene.beat_frames}
    truths = {c: batch_truth(cfg.w, cfg.b, X, c)[0] for c in (0.0, 1.0)}
    scale = max(np.abs(t).max() for t in truths.values())
    checked = 0
    for beat, c in (("show_matrix", 0.0), ("mix_examples", 1.0)):
        for k, v in enumerate(truths[c].ravel()):
            fill, _, shown = cell_reading(frames[beat], scene.cells[k])
            assert shown, (beat, k)
            sign, t = sign_reading(fill, SIGN_PANEL, SIGN_POSITIVE, SIGN_NEGATIVE)
            if abs(v) >= 0.2 * scale:
                assert sign == ("+" if v > 0 else "-"), f"{beat}: cell {k} = {v:+.3f} drawn in the {sign} colour"
                assert t == pytest.approx(0.8 * min(1.0, abs(v) / scale), abs=0.06), (beat, k, v, t)
                checked += 1
            else:
                assert t <= 0.8 * 0.2 + 0.06, (beat, k, v, t)
    assert checked >= 10


# MAML's two gradient roles, written out here (not read from style.py): the meta-gradient pulled back through the
# step in the gradient colour, first-order MAML's gradient (used as it is) in its own pink
MAML_GRADIENT, FIRST_ORDER = "#FFE066", "#FF5BB1"


def test_maml_roles_keep_their_colours_and_their_keys(rendered) -> None:
    """Each gradient arrow has its role's colour, and the formula row that names the role (the key beside the
    panels) has the same one: the meta-gradient arrow and the (I - alpha H)^T grad L_val row, the first-order
    arrows (at theta' and at theta) and the grad L_val row; the difference row is neither."""
    scene, _ = rendered("MAMLStep")

    def hex_of(mob) -> str:
        return mob.get_color().to_hex().upper()

    keys = [hex_of(formula) for formula in scene.row_formulas]
    assert keys[:2] == [FIRST_ORDER, MAML_GRADIENT], keys
    assert keys[2] not in (FIRST_ORDER, MAML_GRADIENT)
    assert hex_of(scene.maml_arrow) == hex_of(scene.maml_arrow.tip) == keys[1]
    for arrow in (scene.val_arrow, scene.fo_arrow):
        assert hex_of(arrow) == hex_of(arrow.tip) == keys[0]


def test_batched_small_entries_keep_a_significant_digit(tmp_path, use_config) -> None:
    """With tiny weights every nonzero entry of the matrix shows a nonzero digit, in both states (issue 26:
    W = diag(0.001, 0.002) showed every cell as 0.00 beside a caption saying 0.0005), and the numbers stay
    legible: digits at least 7 px high in a 480p frame (the defaults' are 10.3 px; 4 decimals give 7.4 px)."""
    use_config("[batched]\nw = [[0.001, 0.0], [0.0, 0.002]]\n")
    scene = render_scene(batched_recorded(), tmp_path, 128, 72, last_frame=True)
    cfg = scene.settings.batched
    X = np.array(cfg.inputs[:cfg.size])
    for c, values in ((0.0, [e.get_value() for e in scene.entries]), (1.0, scene.mixed_values)):
        truth = batch_truth(cfg.w, cfg.b, X, c)[0].ravel()
        places = {e.num_decimal_places for e in scene.entries}.pop()
        shown = np.round(np.asarray(values), places)
        hidden = [(k, v) for k, (v, s) in enumerate(zip(truth, shown, strict=True)) if abs(v) > 1e-9 and s == 0]
        assert not hidden, f"c = {c}: nonzero entries shown as zero with {places} decimals: {hidden}"
        np.testing.assert_allclose(shown, truth, atol=0.51 * 10.0**-places)
    digit_px = min(e[-1].height for e in scene.entries) / 8.0 * 480
    assert digit_px >= 7, digit_px
