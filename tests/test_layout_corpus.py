"""Any map a user types gets a clean picture: a fixed corpus of [map] settings, each rendered (final
frame only, tiny size) and checked from the mobjects' bounding boxes.

GridSquaresUnderF: the J labels are pairwise apart, clear of every arrow, parallelogram and cell image,
inside the frame minus the margin; the plane fills most of the room left of the panel; the panel
(formulas, zoom inset, readouts) is inside the frame and right of the plane.  JacobianNormHeatmap (a
subset): formulas, probe readout and colour bar inside the frame, apart from each other and the plot.
"""

from __future__ import annotations

import pytest
from scene_harness import rendered

from scenes.kit import style

FW, FH = 14.0 + 2 / 9, 8.0  # Manim's frame (16:9)
EPS = 1e-6

# name -> [map] body; every config is valid (at most 4 sample points, f finite on what is drawn)
CORPUS = {
    "issue": 'f1 = "sin(x) + y"\nf2 = "x*y + cos(y)"\ndomain = [-3.0, 3.0, -2.0, 2.0]\n'
             "sample_points = [[-2.0, -1.0], [0.5, 0.5], [2.0, 1.5]]",
    "default": "",
    "polynomial": 'f1 = "x**3 - 3*x*y**2"\nf2 = "3*x**2*y - y**3"\ndomain = [-1.5, 1.5, -1.5, 1.5]',
    "trig": 'f1 = "cos(x) * sin(y)"\nf2 = "sin(x) + cos(2*y)"\ndomain = [-3.0, 3.0, -3.0, 3.0]\n'
            "sample_points = [[-2.0, 2.0], [0.0, 0.0], [2.0, -2.0], [1.0, 1.0]]",
    "exp": 'f1 = "exp(x)"\nf2 = "exp(y) - x"\ndomain = [-1.0, 2.0, -1.0, 2.0]\n'
           "sample_points = [[1.5, 1.5], [0.0, 0.0]]",
    "near_linear": 'f1 = "x + 0.05*sin(3*y)"\nf2 = "y + 0.05*x**2"',
    "linear": 'f1 = "2*x + y"\nf2 = "x - y"',
    "identity": 'f1 = "x"\nf2 = "y"\nsample_points = [[0.0, 0.0]]',
    "stretchy": 'f1 = "20*x"\nf2 = "0.1*y"\ndomain = [-1.0, 1.0, -1.0, 1.0]\nsample_points = [[0.0, 0.0], [0.5, 0.5]]',
    "stretchy_exp": 'f1 = "exp(2*x)"\nf2 = "y"\ndomain = [0.0, 3.0, -1.0, 1.0]\n'
                    "sample_points = [[2.5, 0.0], [0.5, 0.5], [1.5, -0.5]]",
    "tall_image": 'f1 = "0.2*x"\nf2 = "y**3"\ndomain = [-2.0, 2.0, -2.0, 2.0]',
    "wide_domain": 'f1 = "x + 0.3*sin(y)"\nf2 = "y + 0.2*x"\ndomain = [-6.0, 6.0, -1.0, 1.0]\n'
                   "sample_points = [[-5.0, 0.5], [0.0, 0.0], [5.0, -0.5]]",
    "tall_domain": 'f1 = "x*y"\nf2 = "y"\ndomain = [-0.5, 0.5, -4.0, 4.0]\nsample_points = [[0.0, -3.0], [0.0, 3.0]]',
    "offset": 'f1 = "x**2"\nf2 = "x + y"\ndomain = [3.0, 5.0, 10.0, 12.0]\n'
              "sample_points = [[3.5, 10.5], [4.5, 11.5]]",
    "small": 'f1 = "x + y**2"\nf2 = "x*y + y"\ndomain = [-0.1, 0.1, -0.1, 0.1]\n'
             "sample_points = [[0.0, 0.0], [0.05, -0.05]]\ncell_size = 0.02",
    "large": 'f1 = "x + 0.01*y**2"\nf2 = "y - 0.01*x**2"\ndomain = [-50.0, 50.0, -50.0, 50.0]\n'
             "sample_points = [[-30.0, 20.0], [0.0, 0.0], [30.0, -20.0]]\ncell_size = 10.0",
    "one_point": 'f1 = "x**2 - y**2"\nf2 = "2*x*y"\nsample_points = [[1.0, 0.5]]',
    "crowded": 'f1 = "x**2 - y"\nf2 = "y**2 + x"\n'
               "sample_points = [[0.0, 0.0], [0.2, 0.0], [0.0, 0.2], [0.2, 0.2]]",
    "edges": 'f1 = "sin(x) + y"\nf2 = "x - y**3/3"\n'
             "sample_points = [[-2.0, -2.0], [1.9, 1.9], [-2.0, 1.9], [1.9, -2.0]]",
    "big_cells": 'f1 = "x**2 - y"\nf2 = "y**2 + x"\ncell_size = 1.5\nsample_points = [[-1.0, -1.0], [0.5, 0.5]]',
    "tiny_cells": 'f1 = "tanh(x) + y"\nf2 = "x - tanh(y)"\ncell_size = 0.05',
    "long_expressions": 'f1 = "exp(x/2)*sin(3*y) + x**3/(1 + y**2) - tanh(x*y)"\n'
                        'f2 = "sqrt(1 + x**2 + y**2)*cos(x - y) + 5*x*y**2"\ndomain = [-1.0, 3.0, -0.5, 0.5]\n'
                        "sample_points = [[2.8, 0.4], [0.0, 0.0]]",
    "fractions": 'f1 = "x/(1 + y**2) + y/(2 + x**2)"\nf2 = "(x**2 - y**2)/(1 + x**2 + y**2)"\n'
                 "domain = [-2.0, 2.0, -1.0, 3.0]\nsample_points = [[-1.0, 0.0], [1.0, 2.0], [0.0, 2.9]]",
}
HEATMAP_CASES = ["issue", "stretchy_exp", "wide_domain", "tall_domain", "long_expressions"]


@pytest.fixture
def use_map(use_config):
    def use(body: str) -> None:
        use_config(f"[map]\n{body}\n")

    return use


def box(m) -> tuple[float, float, float, float]:
    return m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1]


def apart(a, b) -> bool:
    return min(a[1], b[1]) <= max(a[0], b[0]) + EPS or min(a[3], b[3]) <= max(a[2], b[2]) + EPS


def inside(b, margin: float) -> bool:
    return (b[0] >= -FW / 2 + margin - EPS and b[1] <= FW / 2 - margin + EPS
            and b[2] >= -FH / 2 + margin - EPS and b[3] <= FH / 2 - margin + EPS)


# run by default: the map of the issue that began the corpus, the defaults and the most crowded or stretched
# pictures; the rest with scripts/test --deep
DEFAULT_RUN = {"default", "issue", "crowded", "long_expressions", "tall_image"}


@pytest.mark.render
@pytest.mark.parametrize("name", [name if name in DEFAULT_RUN else pytest.param(name, marks=pytest.mark.deep)
                                  for name in sorted(CORPUS)])
def test_grid_scene_layout(name, use_map):
    use_map(CORPUS[name])
    scene = rendered("GridSquaresUnderF").scene
    labels = [box(m) for m in scene.matrix_labels]
    marks = [box(m) for m in [*scene.j_arrows, *scene.parallelograms, *scene.cells]]
    for i, lb in enumerate(labels):
        assert inside(lb, style.FRAME_MARGIN), f"label {i} {lb} leaves the frame"
        for j in range(i):
            assert apart(lb, labels[j]), f"labels {j} and {i} overlap"
        for k, mk in enumerate(marks):
            assert apart(lb, mk), f"label {i} {lb} overlaps arrow/parallelogram/cell {k} {mk}"
    plane = box(scene.plane)
    assert inside(plane, style.FRAME_MARGIN - 0.01)
    # the plane fills most of the room left of the panel (7.4 high, at least 7.5 wide)
    assert plane[3] - plane[2] >= 0.8 * 7.4 and plane[1] - plane[0] >= 0.8 * 7.5, plane
    # the marker and the links are in the plot
    for part in (scene.formulas, scene.inset_box, scene.zoom_note, scene.zoom_readouts):
        b = box(part)
        assert inside(b, style.FRAME_MARGIN), f"panel part {b} leaves the frame"
        assert b[0] >= plane[1] - EPS, f"panel part {b} overlaps the plane {plane}"
    assert box(scene.inset_box)[3] <= box(scene.formulas)[2] + EPS  # the inset is below the formulas


@pytest.mark.render
@pytest.mark.parametrize("name", [name if name in DEFAULT_RUN else pytest.param(name, marks=pytest.mark.deep)
                                  for name in HEATMAP_CASES])
def test_heatmap_scene_layout(name, use_map):
    use_map(CORPUS[name])
    scene = rendered("JacobianNormHeatmap").scene
    plot = box(scene.heatmap)
    bar = box(scene.colour_bar)
    formulas, readout = box(scene.formulas), box(scene.readout)
    for b in (plot, bar, formulas, readout, box(scene.axes)):
        assert inside(b, 0.0), f"{b} leaves the frame"
    for b in (formulas, readout):
        assert inside(b, style.FRAME_MARGIN), f"panel {b} leaves the frame margin"
        assert apart(b, plot) and apart(b, bar), f"panel {b} overlaps the plot {plot} or the colour bar {bar}"
    assert apart(formulas, readout)
    assert apart(bar, plot)
    for mark in scene.stretch_marks:  # the two points of equal norm, with their sigma_1 labels
        assert inside(box(mark), 0.0) and apart(box(mark), bar), f"{box(mark)} leaves the frame or meets the bar"


@pytest.mark.render
def test_heatmap_colour_bar_names_the_configured_map(use_map):
    use_map('name = "g"\n' + CORPUS["issue"])
    scene = rendered("JacobianNormHeatmap").scene
    assert scene.colour_bar_title.tex_string == r"\|J_{g}\|_F"  # not J_f: the map on screen is g
