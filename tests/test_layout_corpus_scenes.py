"""Every scene that takes user settings gets a clean picture: a fixed corpus of the scenes' own sections and
[rbf] settings (and [map] for TaylorError), each rendered (final frame only, tiny size) and checked from the mobjects'
bounding boxes, as tests/test_layout_corpus.py does for the grid scenes.

Checked, per scene (attributes of the finished scene):
- SoftmaxJacobian: bars, baseline, p_labels, z_labels, entries, sums inside the frame minus the margin; the entries
  at least 0.15 high for K <= 5 (0.095 up to 8); the entries
  pairwise apart, the p and z labels pairwise apart, the sums apart from the entries, the matrix (cells)
  apart from the bars and their labels.
- ChainRule: panels (plane, border, heading), product, gradient_rows inside; the rows pairwise apart and
  apart from the product.
- TaylorError: panel, axes, slope_readout inside; the slope readout apart from the plotted dots, the axis
  labels apart from the readout row.
- JacobianPenalty: panels and readouts inside; the readouts pairwise apart.
- FlowDensity: left, right, mass_left, mass_right inside; the highlighted cells (cells_in, and those of
  cells_out still shown) inside their panels, the shown det_labels inside the frame.
- MAMLStep: panels, step formula, Jacobian row, gradient rows and the scale note inside; the rows pairwise apart
  and apart from the Jacobian row and the panels; every drawn shape and arrow inside its panel.
- BatchedJacobian: X, Y, the matrix (cells, labels, heading), the per-example stack and its line inside; the
  entries pairwise apart; the matrix apart from X, Y and the stack.
- SpatialOutputs: the formula and kernel strip, the grid headings, the three grids, the padding note, the receptive
  field's key, the readout and the entry rule inside; the three grids pairwise apart and apart from the strip, the
  notes apart from each other and from the grids; the matrix (frame, labels, the marked row's label), its facts and
  the transpose note inside, the facts and the note apart from the matrix and its row label.
- RBFJacobian / RBFModel: legend and formula (or f_formula, df_formula; the weights at least 0.12 high)
  inside; readout and row (part of the readout) inside the frame minus half the margin (with the defaults
  the readout is 0.18 from the bottom edge); the readout apart from the others.
"""

from __future__ import annotations

import pytest
from manim import DecimalNumber, Rectangle, VGroup
from scene_harness import render_scene, rendered

from scenes.batched_jacobian import BatchedJacobian
from scenes.chain_rule import ChainRule
from scenes.encoder_sensitivity import EncoderSensitivity
from scenes.flow import FlowDensity
from scenes.kit import style
from scenes.maml_step import MAMLStep
from scenes.penalty import JacobianPenalty
from scenes.rbf_jacobian import RBFJacobian
from scenes.rbf_model import RBFModel
from scenes.softmax import SoftmaxJacobian
from scenes.spatial_outputs import SpatialOutputs
from scenes.taylor import TaylorError
from scenes.vector_regression import VectorRegression

FW, FH = 14.0 + 2 / 9, 8.0  # Manim's frame (16:9)
EPS = 1e-6
M = style.FRAME_MARGIN

# (scene, settings body); every config is valid
CORPUS = {
    "softmax_default": (SoftmaxJacobian, ""),
    "softmax_2": (SoftmaxJacobian, "[softmax]\nlogits = [2.0, -1.0]\nsaturated_logits = [5.0, -3.0]"),
    "softmax_8": (SoftmaxJacobian, "[softmax]\nlogits = [1.0, 0.2, -0.6, 0.5, -1.2, 2.0, 0.0, -0.3]\n"
                                   "saturated_logits = [6.0, -1.0, -1.5, 0.0, -2.0, 1.0, -1.0, 0.5]"),
    "softmax_5": (SoftmaxJacobian, "[softmax]\nlogits = [1.0, 0.2, -0.6, 0.5, -1.2]\n"
                                   "saturated_logits = [4.5, -1.0, -1.5, -0.5, -2.0]"),
    "softmax_6": (SoftmaxJacobian, "[softmax]\nlogits = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]\n"
                                   "saturated_logits = [0.0, 0.0, 0.0, 0.0, 0.0, 9.0]"),
    "chain_default": (ChainRule, ""),
    "chain_big": (ChainRule, "[chain_rule]\nw1 = [[8.0, -6.0], [5.0, 10.0]]\nb1 = [1.0, -2.0]\n"
                             "w2 = [[-9.0, 8.0], [-7.0, 11.0]]\npoint = [0.5, -1.4]\n"
                             "cell = 0.8\ngradient = [10.0, -6.0]"),
    "flow_big": (FlowDensity, "[flow]\nscales = [2.0, -2.0]\nshifts = [3.0, -3.0]\n"
                              "base_std = 0.3\nbox = [-1.0, 6.0, -1.5, 1.5]"),
    "flow_small_box": (FlowDensity, "[flow]\nbox = [-1.0, 1.0, -1.0, 1.0]"),
    "penalty_steep": (JacobianPenalty, "[penalty]\nw_steep = [[12.0, 6.0], [-3.0, 9.0]]\n"
                                       "w_flat = [[1.0, 1.0], [1.0, 1.0001]]\npoint = [0.9, -0.9]"),
    "penalty_default": (JacobianPenalty, ""),
    "taylor_cubic": (TaylorError, '[map]\nf1 = "x**3"\nf2 = "y**3"\n[taylor]\npoint = [0.0, 0.0]\n'
                                  "direction = [1.0, 0.0]\nsteps = [0.05, 0.6]"),
    "taylor_wide": (TaylorError, "[taylor]\nsteps = [0.0001, 10.0]\npoint = [-2.0, 3.0]"),
    "rbf_12_narrow": (RBFJacobian, "[rbf]\ncenters = [-11.0, -9.0, -7.0, -5.0, -3.0, -1.0, 1.0, 3.0, 5.0, 7.0, "
                                   "9.0, 11.0]\nweights = [5.0, -4.0, 3.0, 8.0, -7.0, 6.0, 1.0, -2.0, 9.0, 4.0, "
                                   "-5.0, 2.0]\nsigma = 0.2\nx_range = [-12.0, 12.0]\nx0_final = 11.5"),
    "rbf_wide": (RBFJacobian, "[rbf]\ncenters = [-2.0, 0.0, 2.0]\nweights = [100.0, -70.0, 80.0]\nsigma = 3.0\n"
                              "x_range = [-100.0, 100.0]\nx0_final = -90.0"),
    "rbf_model_12": (RBFModel, "[rbf]\ncenters = [-11.0, -9.0, -7.0, -5.0, -3.0, -1.0, 1.0, 3.0, 5.0, 7.0, "
                               "9.0, 11.0]\nweights = [5.0, -4.0, 3.0, 8.0, -7.0, 6.0, 1.0, -2.0, 9.0, 4.0, "
                               "-5.0, 2.0]\nsigma = 0.2\nx_range = [-12.0, 12.0]\nx0_final = 11.5"),
    "rbf_model_big": (RBFModel, "[rbf]\ncenters = [-2.0, 0.0, 2.0]\nweights = [100.0, -70.0, 80.0]\nsigma = 3.0\n"
                                "x_range = [-100.0, 100.0]\nx0_final = -90.0"),
    "regression_default": (VectorRegression, ""),
    "regression_wide": (VectorRegression, "[regression]\nmean = [-2.0, 3.0]\ncov_small = [[4.0, -1.0], "
                                          "[-1.0, 1.0]]\ncov_large = [[40.0, 0.0], [0.0, 0.01]]\n"
                                          "w = [[8.0, 0.0], [0.0, 0.1]]\nsamples = 5000\n"
                                          "t = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]\n"
                                          "y = [100.0, 60.0, 37.0, 22.0, 13.0, 8.0, 5.0, 3.0]\n"
                                          "theta0 = [50.0, -0.1]\nlearning_rate = 1e-5"),
    "regression_stalls": (VectorRegression, "[regression]\ntheta0 = [0.3, 0.2]\nmax_steps = 10"),
    "encoder_default": (EncoderSensitivity, ""),
    "encoder_six": (EncoderSensitivity, "[encoder]\nw = [[3.0, 0.1], [0.2, -3.0], [1.0, 1.0], [-2.0, 1.0], "
                                        "[0.5, 0.5], [4.0, -4.0]]\nb = [0.0, 0.5, -0.5, 1.0, 0.0, 0.2]\n"
                                        "v = [5.0, -4.0, 3.0, 2.0, -6.0, 1.0]\n"
                                        "box = [-3.0, 1.0, -1.0, 4.0]\npoint = [-2.9, 3.9]\n"
                                        "step = 2.0\n"
                                        "points = [[0.0, 0.0], [0.1, 0.0]]"),
    "encoder_one_point": (EncoderSensitivity, "[encoder]\nbox = [-10.0, 10.0, -0.5, 0.5]\n"
                                              "points = [[5.0, 0.2]]\npoint = [0.0, 0.0]"),
    # the probe's code readout sat on J(x) when z ended low on the axis (z = -1.66, found by eye)
    "encoder_low_code": (EncoderSensitivity, "[encoder]\npoint = [-0.8, 0.6]\nstep = 0.4"),
    "maml_default": (MAMLStep, ""),
    "maml_far": (MAMLStep, "[maml]\ntheta = [-2.5, 1.8]\nalpha = 2.0\ncell = 2.0\n"
                           "x = [-3.0, -1.0, 0.0, 2.0, 3.0, 4.0, 5.0, 6.0]\n"
                           "y = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0]"),
    "maml_tiny": (MAMLStep, "[maml]\nalpha = 0.01\ncell = 0.02\nval_x = [5.0]\nval_y = [-1.0]"),
    "batch_2": (BatchedJacobian, "[batched]\nsize = 2"),
    "batch_4_big": (BatchedJacobian, "[batched]\nsize = 4\nw = [[-9.5, 8.0], [0.05, -12.0]]\n"
                                     "b = [-3.0, 3.0]\ninputs = [[-10.0, 10.0], [0.01, -0.01], "
                                     "[5.5, -7.25], [-0.3, 0.4]]"),
    "spatial_default": (SpatialOutputs, ""),
    "spatial_relu_2ch": (SpatialOutputs, "[spatial]\nheight = 5\nwidth = 5\nchannels = 2\nactivation = 'relu'\n"
                                         "pixel = [2, 2]\npath = [[0, 0], [4, 4]]"),
    "spatial_valid": (SpatialOutputs, "[spatial]\npadding = 'valid'\nkernel = 'sobel'\npixel = [1, 2]\n"
                                      "path = [[0, 0], [3, 3]]"),
    "spatial_8x8_k5_corner": (SpatialOutputs, "[spatial]\nheight = 8\nwidth = 8\nbias = -0.5\npixel = [0, 0]\n"
                                              "path = [[7, 7], [0, 7]]\nkernel = [[0.1, -0.2, 0.3, -0.2, 0.1], "
                                              "[0.05, 0.2, -0.4, 0.2, 0.05], [-0.3, 0.5, 1.0, 0.5, -0.3], "
                                              "[0.05, 0.2, -0.4, 0.2, 0.05], [0.1, -0.2, 0.3, -0.2, 0.1]]"),
    "spatial_64_values": (SpatialOutputs, "[spatial]\nheight = 4\nwidth = 8\nchannels = 2\nkernel = 'edge'\n"
                                          "activation = 'identity'\npixel = [3, 7]\npath = [[0, 0]]"),
    "spatial_3x3_big": (SpatialOutputs, "[spatial]\nheight = 3\nwidth = 3\nkernel = [[9.5, -8.0, 7.25], "
                                        "[-6.0, 10.0, -5.5], [4.0, -3.0, 12.0]]\nbias = 3.0\n"
                                        "activation = 'identity'\npixel = [1, 1]\npath = [[0, 0], [2, 2]]"),
}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("corpus_scenes_media")


def box(m) -> tuple[float, float, float, float]:
    return m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1]


def apart(a, b) -> bool:
    return min(a[1], b[1]) <= max(a[0], b[0]) + EPS or min(a[3], b[3]) <= max(a[2], b[2]) + EPS


def inside(b, margin: float = M) -> bool:
    return (b[0] >= -FW / 2 + margin - EPS and b[1] <= FW / 2 - margin + EPS
            and b[2] >= -FH / 2 + margin - EPS and b[3] <= FH / 2 - margin + EPS)


def within(b, outer) -> bool:
    return b[0] >= outer[0] - EPS and b[1] <= outer[1] + EPS and b[2] >= outer[2] - EPS and b[3] <= outer[3] + EPS


def all_inside(named: dict) -> None:
    for name, m in named.items():
        assert inside(box(m)), f"{name} {box(m)} leaves the frame minus the margin"


def pairwise_apart(name: str, mobs) -> None:
    boxes = [box(m) for m in mobs]
    for i, b in enumerate(boxes):
        for j in range(i):
            assert apart(b, boxes[j]), f"{name} {j} {boxes[j]} and {i} {b} overlap"


def check_softmax(s) -> None:
    all_inside({"bars": s.bars, "baseline": s.baseline, "p_labels": s.p_labels, "z_labels": s.z_labels,
                "entries": s.entries, "sums": s.sums})
    # the entries as large as the room allows: with K = 5 they were 0.12 high (7 px at 480p) in 0.57 cells
    # while the matrix used half the height between the formula and the legend
    smallest = min(e.height for e in s.entries)
    assert smallest >= (0.15 if s.K <= 5 else 0.095), f"entries {smallest:.3f} high for K = {s.K}"
    pairwise_apart("entry", s.entries)
    pairwise_apart("p label", s.p_labels)
    pairwise_apart("z label", s.z_labels)
    for e in s.entries:
        for t in s.sums:
            assert apart(box(e), box(t)), "an entry overlaps a row sum"
    left = box(s.bars.copy().add(*s.p_labels, *s.z_labels))
    assert apart(left, box(s.matrix_group)), "the matrix overlaps the bars"


def check_chain(s) -> None:
    all_inside({f"panel {k}": p for k, p in enumerate(s.panels)} | {"product": s.product,
               "gradient_rows": s.gradient_rows})
    pairwise_apart("gradient row", s.gradient_rows)
    for r in s.gradient_rows:
        assert apart(box(r), box(s.product)), "a gradient row overlaps the product"


def check_taylor(s) -> None:
    all_inside({"panel": s.panel, "axes": s.axes, "slope_readout": s.slope_readout})
    for d in s.dots:
        assert apart(box(s.slope_readout), box(d)), "the slope readout covers a plotted error"
    for label in s.axis_labels:  # 'error' sat on top of the axes, 0.03 below the readout row: they touched
        a, b = box(label), box(s.ratio_readout)
        gap = max(max(a[0], b[0]) - min(a[1], b[1]), max(a[2], b[2]) - min(a[3], b[3]))
        assert gap >= 0.1, f"an axis label is {gap:.2f} from the |d| and error/|d|^2 readout (at least 0.1)"


def check_penalty(s) -> None:
    all_inside({f"panel {k}": p for k, p in enumerate(s.panels)} | {f"readout {k}": r for k, r in
                                                                     enumerate(s.readouts)})
    pairwise_apart("readout", s.readouts)
    # each map's column arrows have a key naming them in their colours (they were told apart by colour only),
    # saying how much longer than r J e_j they are drawn; short columns are drawn longer, tips a third at most
    all_inside({f"key {k}": key for k, key in enumerate(s.keys)})
    for k, (key, readout) in enumerate(zip(s.keys, s.readouts, strict=True)):
        assert apart(box(key), box(readout)) and apart(box(key), box(s.panels[k + 1].border)), k
        grow = s.col_scales[k]
        factor = "" if grow == 1 else f"{grow:g}"
        cols = s.map_parts[k]["columns"]
        for j, (row, arrow) in enumerate(zip(key, cols, strict=True)):
            assert row[1].tex_string == rf"{factor}r\,J e_{j + 1}", row[1].tex_string
            assert row[0].get_color().to_hex() == row[1].get_fill_color().to_hex() == arrow.get_color().to_hex()
            assert arrow.tip.length <= arrow.get_length() / 3 + EPS
        longest = max(a.get_length() for a in cols)
        if longest < s.MIN_COL - EPS and grow < 4:  # only when drawing them longer would leave the panel's box
            jac, centre = s.maps[k].jacobian(s.p), s.maps[k](s.p)
            ends = centre + (grow + 1) * s.radius * jac.T
            x0, x1, y0, y1 = s.BOX
            assert not ((ends[:, 0] >= x0) & (ends[:, 0] <= x1) & (ends[:, 1] >= y0) & (ends[:, 1] <= y1)).all(), (
                f"map {k}: column arrows {longest:.2f} long (at least {s.MIN_COL}) though they fit drawn longer")


def check_flow(s) -> None:
    all_inside({"left": s.left, "right": s.right, "mass_left": s.mass_left, "mass_right": s.mass_right})
    for c in s.cells_in:
        assert within(box(c), box(s.left.border)), "a highlighted cell leaves the left panel"
    for c, label in zip(s.cells_out, s.det_labels, strict=True):
        if c.get_stroke_opacity() > 0:
            assert within(box(c), box(s.right.border)), "a shown cell image leaves the right panel"
            assert inside(box(label)), f"det label {box(label)} leaves the frame minus the margin"
    # each area factor sits on a backing of the panel colour (it sat on the bright density and a grid line)
    for label in s.det_labels:
        backing, text = label[0], VGroup(*label[1:])
        assert isinstance(backing, Rectangle) and backing.get_fill_color().to_hex() == style.PANEL.to_hex()
        assert within(box(text), box(backing)), "an area factor sticks out of its backing"
    # the cells' numbers are f^-1's factors, beside a key about f: said on screen, under the key, in the frame
    note = s.factor_note
    assert note in s.area_key and inside(box(note)) and apart(box(note), box(s.right.border))
    assert note.get_bottom()[1] < min(m.get_bottom()[1] for m in s.area_key if m is not note)


def check_rbf(s) -> None:
    parts = {"readout": s.readout}
    if hasattr(s, "row"):
        parts |= {"row": s.row, "legend": s.legend, "formula": s.formula}
    else:
        parts |= {"f_formula": s.f_formula, "df_formula": s.df_formula}
        # the weights stay readable: no weight scaled below 0.12 units high (one row of 12 was about 0.05)
        heights = [m.height for m in s.weights.get_family() if isinstance(m, DecimalNumber)]
        assert len(heights) == len(s.model.weights) and min(heights) >= 0.12, f"weights {min(heights):.3f} high"
    readout = parts.pop("readout")
    row = parts.pop("row", readout)  # part of the readout
    all_inside(parts)
    # the readout row sits at READOUT_Y = -3.5 for every setting: its bottom is 0.18 above the frame edge even
    # with the defaults, so it is checked against half the margin
    assert inside(box(readout), M / 2), f"readout {box(readout)} leaves the frame minus half the margin"
    assert inside(box(row), M / 2), f"row {box(row)} leaves the frame minus half the margin"
    for name, m in parts.items():
        assert apart(box(m), box(readout)), f"{name} overlaps the readout"


def check_regression(s) -> None:
    for k, cloud in enumerate(s.clouds):
        all_inside({f"cloud {k} panel {j}": p for j, p in enumerate(cloud["panels"])})
        assert apart(*(box(p) for p in cloud["panels"])), "the cloud panels overlap"
        assert apart(box(VGroup(*cloud["panels"])), box(s.legend)), "the legend overlaps a panel"
        for j, part in enumerate(("inputs", "outputs")):  # every sample dot inside its panel's frame
            assert within(box(cloud[part]), box(cloud["panels"][j].border)), f"cloud {k}: {part} leave the panel"
        tops = [p.heading.get_bottom()[1] for p in cloud["panels"]]
        assert abs(tops[0] - tops[1]) < 1e-6, f"cloud {k}: the panel titles sit at different heights {tops}"
    parts = {"data_axes": s.data_axes, "theta_panel": s.theta_panel, "res_axes": s.res_axes, "key": s.key}
    all_inside(parts | {"legend": s.legend})
    pairwise_apart("fit part", list(parts.values()))


def check_encoder(s) -> None:
    all_inside({"panel": s.panel, "code_axis": s.code_axis, "z_readout": s.z_readout, "j_readout": s.j_readout,
                "sigma_readout": s.sigma_readout})
    pairwise_apart("readout", [s.z_readout, s.j_readout, s.sigma_readout])
    for needle in s.needles:
        assert within(box(needle), box(s.panel.border)), "a metric needle leaves the panel"
    for name, m in (("the v1 arrow", s.v1_arrow), ("the dashed null line", s.null_line)):
        assert within(box(m), box(s.panel.border)), f"{name} {box(m)} leaves the panel {box(s.panel.border)}"
    # the label inside the panel, or (a panel too flat for it) under it, inside the frame
    label = box(s.null_label)
    assert within(label, box(s.panel.border)) or (inside(label) and apart(label, box(s.panel))), label
    assert apart(label, box(VGroup(s.code_axis, s.j_readout, s.sigma_readout)))
    # the null line is told apart from the white level curve through x that it runs along, and named
    assert s.null_line.get_stroke_color().to_hex() not in (s.own_level[0].get_stroke_color().to_hex(),
                                                          style.MUTED.to_hex(), style.TEXT.to_hex())
    assert s.null_line.get_stroke_color().to_hex() == s.null_text.get_fill_color().to_hex()
    assert s.null_text.tex_string == r"\text{null direction } v_2"
    assert apart(box(s.panel), box(VGroup(s.code_axis, s.z_readout, s.j_readout))), "the readouts overlap the panel"


def check_maml(s) -> None:
    all_inside({f"panel {k}": p for k, p in enumerate(s.panels)} | {
        "step_formula": s.step_formula, "jac_row": s.jac_row, "rows": s.rows, "labels": s.labels})
    if s.note.has_points():
        assert inside(box(s.note)), "the scale note leaves the frame"
    pairwise_apart("gradient row", s.rows)
    for r in s.rows:
        assert apart(box(r), box(s.jac_row)), "a gradient row overlaps the Jacobian"
        for p in s.panels:
            assert apart(box(r), box(p)), "a gradient row overlaps a panel"
    left, right = (box(p.border) for p in s.panels)
    for m in (s.square, *s.e_arrows, s.maml_arrow, s.fo_arrow, s.diff_arrow):
        assert within(box(m), left), "a shape leaves the left panel"
    for m in (s.true_image, s.para, *s.j_arrows, s.val_arrow):
        assert within(box(m), right), "a shape leaves the right panel"


def check_batched(s) -> None:
    all_inside({"x_grid": s.x_grid, "y_grid": s.y_grid, "matrix": s.matrix_group, "stack": s.stack,
                "stack_head": s.stack_head})
    pairwise_apart("entry", s.entries)
    for other in (s.x_grid, s.y_grid, s.stack, s.stack_head):
        assert apart(box(other), box(s.matrix_group)), "the matrix overlaps the batch or the stack"
    assert apart(box(s.stack_head), box(s.y_grid)) and apart(box(s.stack), box(s.x_grid))


def check_spatial(s) -> None:
    grids = [VGroup(s.x_cells, s.x_nums), VGroup(s.y_cells, s.y_nums), VGroup(s.row_cells, s.row_nums)]
    notes = [s.padding_note, s.field_label, s.readout, s.entry_rule]
    all_inside({"strip": s.top, "heads": s.heads, "row head": s.row_head} | {f"grid {k}": g for k, g in
                                                                             enumerate(grids)}
               | {f"note {k}": n for k, n in enumerate(notes)})
    pairwise_apart("grid", grids)
    pairwise_apart("note", notes)
    for g in grids:
        assert apart(box(g), box(s.top)), "a grid overlaps the formula and kernel"
        for k, n in enumerate(notes):
            assert apart(box(g), box(n)), f"note {k} overlaps a grid"
    for k, h in enumerate([*s.heads, s.row_head]):
        assert apart(box(h), box(s.top)), f"heading {k} overlaps the kernel"
        for g in grids:
            assert apart(box(h), box(g)), f"heading {k} overlaps a grid"
    for n in [*s.x_nums, *s.y_nums, *s.row_nums]:  # every number fits its cell
        assert n.width < s.cell and n.height < s.cell
    matrix = [s.matrix_group[k] for k in (0, 2, 4, 5, 6, 7)]  # image, frame, head, side, under, row label
    all_inside({f"matrix part {k}": m for k, m in enumerate(matrix)} | {"facts": s.facts,
                                                                         "transpose note": s.transpose_note})
    for k, m in enumerate(matrix):
        assert apart(box(m), box(s.facts)) and apart(box(m), box(s.transpose_note)), f"matrix part {k} overlaps"
    assert apart(box(s.facts), box(s.transpose_note))


CHECKS = {VectorRegression: check_regression, SpatialOutputs: check_spatial, EncoderSensitivity: check_encoder,
          MAMLStep: check_maml, BatchedJacobian: check_batched,
          SoftmaxJacobian: check_softmax, ChainRule: check_chain, TaylorError: check_taylor,
          JacobianPenalty: check_penalty, FlowDensity: check_flow, RBFJacobian: check_rbf, RBFModel: check_rbf}


# run by default: each scene's most demanding case (the defaults render anyway); the rest with scripts/test --deep
DEFAULT_RUN = {"softmax_8", "chain_big", "flow_big", "penalty_steep", "taylor_wide", "rbf_12_narrow", "rbf_model_12",
               "regression_wide", "encoder_six", "maml_far", "batch_4_big", "spatial_8x8_k5_corner"}


@pytest.mark.render
@pytest.mark.parametrize("name", [name if name in DEFAULT_RUN or CORPUS[name][1] == "" else
                                  pytest.param(name, marks=pytest.mark.deep) for name in sorted(CORPUS)])
def test_scene_layout(name, use_config):
    cls, body = CORPUS[name]
    use_config(body)
    scene = rendered(cls.__name__).scene
    CHECKS[cls](scene)


@pytest.mark.render
def test_taylor_on_a_map_linear_along_d_is_a_clear_error(use_config, media):
    from jacobian_settings import ConfigError

    use_config('[map]\nf1 = "2*x + y"\nf2 = "x - y"\n')
    with pytest.raises(ConfigError, match="TaylorError needs a map with curvature along d"):
        render_scene(TaylorError, media, 96, 54, last_frame=True)
