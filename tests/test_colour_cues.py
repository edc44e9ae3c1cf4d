"""Colour is never the only cue (WCAG 1.4.1): where a colour tells roles apart, the picture says the role in
another way too.  The places fixed for issue #29 (the audit table is in README's accessibility checks):

- RBFJacobian: each dashed derivative curve is named φᵢ′ beside it, in its bump's colour (the bumps are named
  φᵢ at their peaks);
- MAMLStep: the gradient arrows are named at their tips (g, MAML, first-order), not only pink or yellow, and
  so are e₁, e₂, J e₁, J e₂; JacobianPenalty and ChainRule: e₁, e₂ and each panel's J e₁, J e₂ the same way;
  GridSquaresUnderF: the zoom inset's J e₁, J e₂ (the inset replaces the legend); on the plot's small patches,
  too crowded for names, J e₂ (and e₂) is dashed and J e₁ (and e₁) solid, and the legend's swatches show it;
- VectorRegression: Gauss-Newton is keyed by dots as well as by colour: on its path, on its residual curve and
  in the key's swatch; gradient descent's line has none;
- the sign-coloured matrices (SoftmaxJacobian, BatchedJacobian, SpatialOutputs' row grid): every visibly tinted
  cell shows its sign in characters (a minus exactly where the tint is negative); SpatialOutputs' whole-Jacobian
  picture (no numbers): a dot on exactly the negative cells, keyed "+ positive" / "− negative, dotted".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scene_harness import GOLDEN_SIZE, formula_folder, render_scene, rendered, scene_class

from scenes.kit import style


def _box(mob) -> tuple[np.ndarray, np.ndarray]:
    return mob.get_corner(np.array([-1, -1, 0])), mob.get_corner(np.array([1, 1, 0]))


def _overlap(a, b) -> bool:
    (al, ah), (bl, bh) = _box(a), _box(b)
    return bool(np.all(al[:2] < bh[:2]) and np.all(bl[:2] < ah[:2]))


def _inside(mob, border) -> bool:
    (ml, mh), (bl, bh) = _box(mob), _box(border)
    return bool(np.all(ml[:2] >= bl[:2] - 1e-6) and np.all(mh[:2] <= bh[:2] + 1e-6))


def test_rbf_derivative_curves_are_named(tmp_path: Path) -> None:
    from manim import tempconfig

    from scenes.rbf_jacobian import RBFJacobian

    with tempconfig({"media_dir": str(tmp_path), "disable_caching": True, "verbosity": "ERROR", **formula_folder()}):
        scene = RBFJacobian()
        scene.build_figure()
    labels, curves = scene.dpeak_labels, scene.dbumps
    assert len(labels) == scene.rbf.k  # every centre's derivative has its top or its bottom in the plot
    xs = np.linspace(*scene.settings.rbf.x_range, 400)
    ders = scene.rbf.derivatives(xs)
    for i, label in enumerate(labels):
        assert label.get_color() == style.basis_color(i) == curves[i].get_stroke_color()
        # beside its own curve: a corner of the label within 0.15 of the curve, nearer to it than to the others
        corners = [label.get_corner(d) for d in (np.array([1, -1, 0]), np.array([-1, 1, 0]))]
        dist = [min(float(np.min(np.linalg.norm(np.array([scene.bottom.c2p(x, y) for x, y in
                                                          zip(xs, ders[:, j], strict=True)]) - c, axis=1)))
                    for c in corners) for j in range(scene.rbf.k)]
        assert dist[i] < 0.15 and dist[i] == min(dist), (i, dist)
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            assert not _overlap(labels[a], labels[b])


def scene_of(name: str):
    """Scene ``name`` as the lecture ends it (its one render in this test process: scene_harness.rendered)."""
    return rendered(name).scene


@pytest.mark.render
def test_maml_gradient_arrows_are_named_at_their_tips() -> None:
    s = scene_of("MAMLStep")
    left, right = s.panels
    named = [(s.val_label, s.val_arrow, right), (s.maml_label, s.maml_arrow, left), (s.fo_label, s.fo_arrow, left)]
    for label, arrow, panel in named:
        assert label[-1].get_color() == arrow.get_color()
        assert _inside(label, panel.border)
        assert np.linalg.norm(label.get_center() - arrow.get_end()) < 0.2 + max(label.width, label.height)
    # clear of each other and of the difference arrow between the two tips
    assert not _overlap(s.maml_label, s.fo_label)
    for label in (s.maml_label, s.fo_label):
        assert not _overlap(label, s.diff_arrow.tip)


@pytest.mark.render
def test_gauss_newton_is_keyed_by_dots_as_well_as_colour() -> None:
    from manim import Dot

    s = scene_of("VectorRegression")
    assert len(s.gn_res_dots) == len(s.gn.residual_norms)
    for dot, (k, r) in zip(s.gn_res_dots, enumerate(s.gn.residual_norms), strict=True):
        assert np.allclose(dot.get_center(), s.res_axes.c2p(k + 1, r), atol=1e-6)
    gn_swatch, gd_swatch = s.gn_swatch, s.gd_swatch
    assert any(isinstance(m, Dot) for m in gn_swatch.get_family())
    assert not any(isinstance(m, Dot) for m in gd_swatch.get_family())
    assert len(s.gn_dots) == len(s.gn.thetas) - 1


def _named(label, arrow, border) -> None:
    """``label`` (backing, name) names ``arrow``: its colour, inside the panel, at the tip (nearer the tip than
    the tail)."""
    assert label[-1].get_color() == arrow.get_color()
    assert _inside(label, border)
    centre = label.get_center()
    assert np.linalg.norm(centre - arrow.get_end()) < np.linalg.norm(centre - arrow.get_start())
    assert np.linalg.norm(centre - arrow.get_end()) < 0.1 + max(label.width, label.height)


@pytest.mark.render
def test_maml_basis_and_jacobian_arrows_are_named() -> None:
    s = scene_of("MAMLStep")
    left, right = s.panels
    for label, arrow in zip(s.e_labels, s.e_arrows, strict=True):
        _named(label, arrow, left.border)
    for label, arrow in zip(s.j_labels, s.j_arrows, strict=True):
        _named(label, arrow, right.border)
    assert not _overlap(s.j_labels[0], s.j_labels[1]) and not _overlap(s.e_labels[0], s.e_labels[1])


@pytest.mark.render
def test_penalty_arrows_are_named() -> None:
    s = scene_of("JacobianPenalty")
    for label, arrow in zip(s.e_names, s.e_arrows, strict=True):
        _named(label, arrow, s.panels[0].border)
    for k in range(2):
        cols, names = s.map_parts[k]["columns"], s.map_parts[k]["column_names"]
        for label, arrow in zip(names, cols, strict=True):
            _named(label, arrow, s.panels[k + 1].border)
        assert not _overlap(names[0], names[1])


def _tint(fill, panel, pos, neg) -> int:
    """+1 / -1 when a cell's fill is visibly blended from the panel colour towards the positive / negative
    colour (at least 5 % of the way), else 0."""
    d = np.asarray(fill, float) - panel
    if np.linalg.norm(d) < 0.05 * min(np.linalg.norm(pos - panel), np.linalg.norm(neg - panel)):
        return 0
    return 1 if np.dot(d, pos - panel) / np.dot(pos - panel, pos - panel) >= \
        np.dot(d, neg - panel) / np.dot(neg - panel, neg - panel) else -1


@pytest.mark.render
@pytest.mark.parametrize(("name", "cells", "numbers"), [
    ("SoftmaxJacobian", "cells", "entries"), ("BatchedJacobian", "cells", "entries"),
    ("SpatialOutputs", "row_cells", "row_nums")])
def test_sign_coloured_cells_also_show_their_sign(name: str, cells: str, numbers: str, tmp_path: Path) -> None:
    """Every cell tinted towards the negative colour shows a number with a minus sign, and every cell tinted
    towards the positive colour shows none: the sign is read from the characters, not only from the hue."""
    from manim import ManimColor

    from scenes.kit.manim_compat import decimal_text

    if name == "SoftmaxJacobian":  # its last beat saturates the softmax (every entry near 0): back to the start,
        # in a render of its own (the shared one is read by other tests as the lecture ends it)
        s = render_scene(scene_class(name), tmp_path, *GOLDEN_SIZE, last_frame=True)
        for tracker, z in zip(s.z, s.settings.softmax.logits, strict=True):
            tracker.set_value(z)
        s.followers.refresh()
    else:
        s = scene_of(name)
    panel, pos, neg = (np.array(ManimColor(c).to_rgb()) for c in (style.PANEL, style.POSITIVE, style.NEGATIVE))
    seen = set()
    for cell, number in zip(getattr(s, cells), getattr(s, numbers), strict=True):
        tint = _tint(cell.get_fill_color().to_rgb(), panel, pos, neg)
        text = decimal_text(number, number.get_value())
        if tint < 0:
            assert text.startswith("-"), (name, text)
        elif tint > 0:
            assert not text.startswith("-"), (name, text)
        seen.add(tint)
    assert seen - {0}, f"{name}: no tinted cell in the final frame"


@pytest.mark.render
def test_chain_rule_arrows_are_named() -> None:
    s = scene_of("ChainRule")
    for label, arrow in zip(s.e_names, s.e_arrows, strict=True):
        _named(label, arrow, s.panels[0].border)
    for names, edges, panel in ((s.names_f, s.edges_f, s.panels[1]), (s.names_gf, s.edges_gf, s.panels[2])):
        for label, arrow in zip(names, edges, strict=True):
            _named(label, arrow, panel.border)
        assert not _overlap(names[0], names[1])


@pytest.mark.render
def test_grid_squares_zoom_arrows_are_named() -> None:
    """The zoom inset replaces the J e₁ / J e₂ legend: its two arrows carry the names instead."""
    s = scene_of("GridSquaresUnderF")
    for label, arrow in zip(s.zoom_names, s.inset_arrows, strict=True):
        _named(label, arrow, s.inset_box)
    assert not _overlap(s.zoom_names[0], s.zoom_names[1])


def _dashed(arrow) -> bool:
    """An arrow's shaft cut into dashes: more than one sub-path (its tip is a submobject of its own)."""
    return len(arrow.get_subpaths()) >= 2


@pytest.mark.render
def test_grid_squares_second_edges_are_dashed() -> None:
    """On the plot's small patches J e₁ and J e₂ are too close for names: J e₂ (and e₂) is dashed, J e₁ (and
    e₁) solid, on the plot, in the zoom inset and in the legend's swatches."""
    s = scene_of("GridSquaresUnderF")
    assert len(s.j_arrows) == 2 * len(s.points)
    assert all(_dashed(a) for a in s.j_arrows[1::2]) and not any(_dashed(a) for a in s.j_arrows[0::2])
    inset = s.inset_arrows
    assert _dashed(inset[1]) and not _dashed(inset[0])
    (je1, je2), (e1, e2) = (row[0] for row in s.legend_j[:2]), (row[0] for row in s.legend_e)
    assert _dashed(je2) and _dashed(e2) and not _dashed(je1) and not _dashed(e1)


def _contrast(a, b) -> float:
    from scenes.spatial_outputs import _luminance

    la, lb = sorted((float(_luminance(np.asarray(a, float))), float(_luminance(np.asarray(b, float)))))
    return (lb + 0.05) / (la + 0.05)


@pytest.mark.render
def test_spatial_whole_jacobian_marks_negative_cells_by_a_dot() -> None:
    """The whole-Jacobian picture (no numbers): a dot sits on exactly the negative entries, contrasting with
    its cell (>= 3:1), and the key names the signs "+ positive" / "− negative" with a dotted negative swatch."""
    from manim import ManimColor

    s = scene_of("SpatialOutputs")
    origin, c = s.matrix_origin, s.matrix_cell
    seen = []
    for cloud in s.neg_marks:
        colour = np.array(ManimColor(cloud.get_fill_color()).to_rgb())
        for path in cloud.get_subpaths():
            centre = path[:, :2].mean(axis=0)
            r, col = int((origin[1] - centre[1]) // c), int((centre[0] - origin[0]) // c)
            assert np.allclose(centre, [origin[0] + (col + 0.5) * c, origin[1] - (r + 0.5) * c], atol=1e-3 * c)
            assert _contrast(colour, s.matrix_rgb[r, col] / 255.0) >= 3.0, (r, col)
            seen.append((r, col))
    assert len(seen) == len(set(seen))
    assert set(seen) == {tuple(int(v) for v in rc) for rc in np.argwhere(s.jac < 0)}
    assert seen, "the default Jacobian has negative entries"
    (pos_swatch, pos_text), (neg_swatch, neg_text) = s.sign_key
    assert pos_text.text.replace(" ", "").startswith("+") and neg_text.text.replace(" ", "").startswith("−")
    assert len(pos_swatch) == 1 and len(neg_swatch) == 2 and len(s.key_marks[0].get_subpaths()) == 1
    # the key sits in the frame, clear of the picture, its row label, the counts and Jᵀ's note
    from manim import config

    for other in (*s.facts, s.transpose_note, s.mark_label, s.row_mark, s.matrix):
        assert not _overlap(s.sign_key, other), other
    half = np.array([config.frame_width / 2 - style.FRAME_MARGIN, config.frame_height / 2 - style.FRAME_MARGIN])
    assert np.all(np.abs(s.sign_key.get_corner(np.array([-1, -1, 0]))[:2]) <= half)
    assert np.all(np.abs(s.sign_key.get_corner(np.array([1, 1, 0]))[:2]) <= half)
