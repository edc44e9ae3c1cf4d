"""Part two of the lecture: where Jacobians appear in machine learning.

Scenes (each a script of named beats):
    ChainRule        two tanh layers: cells and parallelograms compose, gradients pull back by v^T J
    SoftmaxJacobian  diag(p) - p p^T live as the logits move; rows sum to zero; saturation kills it
    FlowDensity      z = f(x): f^-1 carries a Gaussian to data space; cells rescale, log|det J_f(x)| as a field
    JacobianPenalty  the unit circle of perturbations maps to an ellipse with semi-axes sigma_1, sigma_2
    TaylorError      ||f(x + d) - f(x) - J d|| against |d| on log-log axes, with its measured slope
    MLOutlook        closing card: the page's other items and the scenes that show their mechanism

Every number drawn comes from ``jacobian_math``; this module only places it on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
from manim import *

from jacobian_math import (
    Composition,
    CouplingFlow,
    MLInputError,
    TanhLayer,
    cell_image,
    chain_jacobian,
    ellipse_axes,
    frobenius_norm,
    gaussian_density,
    grid_centres,
    grid_integral,
    linearised_cell,
    loglog_slope,
    mass_outside,
    softmax,
    softmax_jacobian,
    square_cell,
    taylor_errors,
    unit_circle_image,
    vjp,
)
from scenes import style
from scenes.colormaps import colormap_rgb, hex_to_rgb
from scenes.common import LectureScene, uncover
from scenes.coords import PlotFrame
from scenes.readouts import LiveDecimal

# ----------------------------------------------------------------------------- colours
SHRINK = "#4C8DFF"  # log|det J| < 0 (cells shrink)
GROW = "#FF9F43"  # log|det J| > 0 (cells grow)
POSITIVE = "#FFD166"  # positive matrix entries
NEGATIVE = "#C77DFF"  # negative matrix entries
GRADIENT = style.HIGHLIGHT


def colormap_rgba(values: np.ndarray, name: str, vmin: float, vmax: float, fade: bool = True) -> np.ndarray:
    """Map a field ``(h, w)`` to RGBA ``(h, w, 4)`` uint8 with a perceptual colour map.

    With ``fade``, low values also become transparent so that the grid stays visible.
    """
    t = np.clip((np.asarray(values, dtype=float) - vmin) / (vmax - vmin), 0.0, 1.0)
    rgb = colormap_rgb(t, name)
    alpha = np.clip(t * 3.0, 0.0, 1.0) * 235 if fade else np.full(t.shape, 235.0)
    return np.concatenate([rgb, alpha[..., None]], axis=-1).astype(np.uint8)


def diverging_rgba(values: np.ndarray, vmax: float) -> np.ndarray:
    """Signed field ``(h, w)`` to RGBA: negative blue, positive orange, zero transparent."""
    v = np.clip(np.asarray(values, dtype=float) / vmax, -1.0, 1.0)
    neg, posc = hex_to_rgb([SHRINK, GROW])
    rgb = np.where(v[..., None] < 0, neg, posc) * np.ones(v.shape + (1,))
    alpha = np.abs(v) * 220
    return np.concatenate([rgb, alpha[..., None]], axis=-1).astype(np.uint8)


def cross_fade(old: np.ndarray, new: np.ndarray, alpha: float) -> np.ndarray:
    """What ``old`` faded to ``1 - alpha`` with ``new`` faded to ``alpha`` drawn over it shows, as one RGBA raster.

    Straight-alpha ``(h, w, 4)`` uint8 in and out (Porter-Duff "over", the compositing Manim's camera uses),
    so a cross-fade costs one image draw per frame instead of two."""
    a_old = old[..., 3:] / 255.0 * (1.0 - alpha)
    a_new = new[..., 3:] / 255.0 * alpha
    a_out = a_new + a_old * (1.0 - a_new)
    rgb = (new[..., :3] * a_new + old[..., :3] * a_old * (1.0 - a_new)) / np.maximum(a_out, 1e-9)
    return np.round(np.concatenate([rgb, a_out * 255.0], axis=-1)).astype(np.uint8)


# ----------------------------------------------------------------------------- drawing helpers


class Panel(VGroup):
    """A framed NumberPlane over ``box = (x0, x1, y0, y1)`` whose larger side is ``side`` scene units,
    with a heading above it.  :meth:`to_scene` and :meth:`to_data` convert ``(N, 2)`` <-> ``(N, 3)``."""

    def __init__(self, box: Sequence[float], side: float, heading: str = "", step: float = 1.0) -> None:
        super().__init__()
        x0, x1, y0, y1 = box
        unit = side / max(x1 - x0, y1 - y0)
        self.box = tuple(box)
        self.plane = NumberPlane(
            x_range=(x0, x1, step), y_range=(y0, y1, step), x_length=unit * (x1 - x0), y_length=unit * (y1 - y0),
            background_line_style={"stroke_color": style.GRID, "stroke_width": 1, "stroke_opacity": 0.8},
            axis_config={"stroke_color": style.AXIS, "stroke_width": 1.5},
        )
        self.border = SurroundingRectangle(self.plane, buff=0, color=style.MUTED, stroke_width=1.5)
        self.add(self.plane, self.border)
        if heading:
            self.heading = MathTex(heading, font_size=style.LABEL_SIZE, color=style.TEXT)
            self.heading.next_to(self.border, UP, buff=0.15)
            self.add(self.heading)

    def place(self, centre: Sequence[float]) -> Panel:
        """Move so that the plane (not the heading) is centred at ``centre``."""
        return self.shift(np.asarray(centre, dtype=float) - self.plane.get_center())

    def _frame(self) -> PlotFrame:
        """The plane's data <-> scene map; rebuilt only when the plane's axes have moved (updaters call
        this every frame)."""
        key = np.concatenate([self.plane.x_axis.points[0], self.plane.y_axis.points[0]])
        cached = getattr(self, "_frame_cache", None)
        if cached is None or not np.array_equal(cached[0], key):
            cached = self._frame_cache = (key, PlotFrame(self.plane))
        return cached[1]

    def to_scene(self, pts: np.ndarray) -> np.ndarray:
        return self._frame()(np.atleast_2d(np.asarray(pts, dtype=float)))

    def to_data(self, pts3: np.ndarray) -> np.ndarray:
        return self._frame().to_plane(np.atleast_2d(np.asarray(pts3, dtype=float)))

    def point(self, xy: Sequence[float]) -> np.ndarray:
        return self.to_scene(np.asarray(xy))[0]

    def polyline(self, pts: np.ndarray, closed: bool = False, **kwargs) -> VMobject:
        scene_pts = self.to_scene(pts)
        if closed:
            scene_pts = np.vstack([scene_pts, scene_pts[:1]])
        return VMobject(**kwargs).set_points_as_corners(scene_pts)

    def arrow(self, start: Sequence[float], end: Sequence[float], color: ManimColor, width: float = 4) -> Arrow:
        return Arrow(self.point(start), self.point(end), buff=0, color=color, stroke_width=width,
                     max_tip_length_to_length_ratio=0.3, tip_length=0.18)

    def image(self, rgba: np.ndarray) -> ImageMobject:
        """A raster field over the panel's box; ``rgba`` row 0 is the bottom row (y0)."""
        img = ImageMobject(np.ascontiguousarray(rgba[::-1]))
        img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        img.stretch_to_fit_width(self.plane.x_length).stretch_to_fit_height(self.plane.y_length)
        x0, x1, y0, y1 = self.box
        img.move_to(self.point(((x0 + x1) / 2, (y0 + y1) / 2)))
        return img

    def show_cropped(self, img: ImageMobject, rgba: np.ndarray, margin: int = 2) -> ImageMobject:
        """Show the raster ``rgba`` ``(n, m, 4)`` over the whole box (row 0 at y0) on ``img``, cropped to its
        non-transparent part plus ``margin`` transparent pixels, and placed over that part of the box.

        The camera resamples every pixel of a moving image each frame; the crop shows the same picture (the
        margin keeps bilinear sampling at the crop's edge as it was) from fewer pixels."""
        n, m = rgba.shape[:2]
        rows, cols = np.flatnonzero(rgba[..., 3].any(axis=1)), np.flatnonzero(rgba[..., 3].any(axis=0))
        if rows.size == 0:  # nothing visible: keep a transparent pixel pair
            rows, cols = np.array([0]), np.array([0])
        r0, r1 = max(rows[0] - margin, 0), min(rows[-1] + 1 + margin, n)
        c0, c1 = max(cols[0] - margin, 0), min(cols[-1] + 1 + margin, m)
        img.pixel_array = np.ascontiguousarray(rgba[r0:r1, c0:c1][::-1])
        x0, x1, y0, y1 = self.box
        xa, xb = x0 + (x1 - x0) * np.array([c0, c1]) / m
        ya, yb = y0 + (y1 - y0) * np.array([r0, r1]) / n
        img.points = self.to_scene(np.array([[xa, yb], [xb, yb], [xa, ya], [xb, ya]]))  # UL, UR, DL, DR
        return img


def grid_lines(box: Sequence[float], step: float, samples: int = 60) -> list[np.ndarray]:
    """Polylines ``(samples, 2)`` of the lines x = k step and y = k step inside ``box``."""
    x0, x1, y0, y1 = box
    xs = np.arange(np.ceil(x0 / step), np.floor(x1 / step) + 1) * step
    ys = np.arange(np.ceil(y0 / step), np.floor(y1 / step) + 1) * step
    t = np.linspace(0, 1, samples)
    lines = [np.stack([np.full_like(t, x), y0 + t * (y1 - y0)], axis=-1) for x in xs]
    lines += [np.stack([x0 + t * (x1 - x0), np.full_like(t, y)], axis=-1) for y in ys]
    return lines


def number_row(label: str, values: Sequence[float], color: ManimColor = style.TEXT, places: int = 2) -> VGroup:
    """``label`` followed by a row vector of DecimalNumbers."""
    return VGroup(
        MathTex(label, font_size=style.LABEL_SIZE, color=color),
        DecimalMatrix([list(values)], element_to_mobject_config={"num_decimal_places": places},
                      bracket_h_buff=0.1, h_buff=1.1).scale(0.6),
    ).arrange(RIGHT, buff=0.15)


def decimal_matrix(jac: np.ndarray, places: int = 2, scale: float = 0.6) -> DecimalMatrix:
    return DecimalMatrix(np.asarray(jac).tolist(), element_to_mobject_config={"num_decimal_places": places},
                         h_buff=1.6).scale(scale)


def shown_values(matrix: DecimalMatrix) -> np.ndarray:
    """The numbers a DecimalMatrix currently shows, ``(rows, cols)``."""
    rows = len(matrix.mob_matrix)
    return np.array([e.get_value() for e in matrix.get_entries()]).reshape(rows, -1)


def set_clipped_path(vm: VMobject, pts3: np.ndarray, keep: np.ndarray) -> VMobject:
    """Make ``vm`` the polyline through ``pts3`` (N, 3), drawing only the runs where ``keep`` (N,) is True."""
    vm.clear_points()
    runs = np.split(np.arange(len(keep)), np.flatnonzero(np.diff(keep.astype(int))) + 1)
    for run in runs:
        if keep[run[0]] and len(run) > 1:
            vm.start_new_path(pts3[run[0]])
            vm.add_points_as_corners(pts3[run[1:]])
    if not vm.has_points():  # keep one invisible point so that the mobject stays valid
        vm.set_points(np.repeat(pts3[:1], 4, axis=0))
    return vm


def _set_if_changed(number: DecimalNumber, value: float) -> DecimalNumber:
    """Set ``number`` only when the shown digits would change (rebuilding text every frame is slow)."""
    shown = round(float(value), number.num_decimal_places) + 0.0
    if shown != number.get_value():
        number.set_value(shown)
    return number


def _beside(mob: Mobject, other: VMobject, buff: float) -> Mobject:
    """``mob.next_to(other, RIGHT, buff)`` from the raw points (next_to's bounding boxes cost more, per frame)."""
    theirs = other.points
    ours = np.vstack([m.points for m in mob.family_members_with_points()])
    dx = theirs[:, 0].max() + buff - ours[:, 0].min()
    dy = (theirs[:, 1].max() + theirs[:, 1].min() - ours[:, 1].max() - ours[:, 1].min()) / 2
    return mob.shift([dx, dy, 0])


def _set_centred(number: DecimalNumber, value: float, centre: np.ndarray) -> DecimalNumber:
    """:func:`_set_if_changed`, then re-centre at ``centre`` only if the digits changed (they may change width)."""
    before = number.get_value()
    if _set_if_changed(number, value).get_value() != before:
        number.move_to(centre)
    return number


def single_path(mob: VMobject) -> VMobject:
    """One VMobject with every outline of ``mob`` (e.g. the glyphs of a Text, one submobject each).

    Cairo then draws it in one call and animations copy and interpolate one mobject instead of one per glyph;
    the picture is the same because all parts share one style (checked)."""
    parts = mob.family_members_with_points()
    first = parts[0]
    for part in parts[1:]:
        if not (np.array_equal(part.get_fill_rgbas(), first.get_fill_rgbas())
                and np.array_equal(part.get_stroke_rgbas(), first.get_stroke_rgbas())
                and part.get_stroke_width() == first.get_stroke_width()):
            raise ValueError(f"single_path: the parts of {type(mob).__name__} differ in style")
    path = VMobject()
    path.points = np.vstack([part.points for part in parts])
    return path.match_style(first)


class Followers:
    """Updaters that make mobjects follow a tracker, attached only while the tracker moves.

    Anything carrying an updater is redrawn on every frame (with everything Manim sorts after it), even in
    beats where its tracker stands still; so each updater runs once when registered and is attached only
    for the animations that move the tracker."""

    def __init__(self) -> None:
        self.items: list[tuple[Mobject, Callable[[Mobject], object]]] = []

    def add(self, mob: Mobject, updater: Callable[[Mobject], object]) -> Mobject:
        updater(mob)
        self.items.append((mob, updater))
        return mob

    @contextmanager
    def attached(self) -> Iterator[None]:
        for mob, updater in self.items:
            mob.add_updater(updater)
        try:
            yield
        finally:
            for mob, updater in self.items:
                mob.remove_updater(updater)


def cell_polygon(panel: Panel, corners: np.ndarray, color: ManimColor, opacity: float = 0.25,
                 width: float = 3) -> Polygon:
    return Polygon(*panel.to_scene(corners), color=color, stroke_width=width, fill_color=color,
                   fill_opacity=opacity)


# ----------------------------------------------------------------------------- 1. chain rule


class ChainRule(LectureScene):
    """Two tanh layers f then g: cells and their parallelograms compose, and a gradient pulls back."""

    TITLE = "The chain rule: products of Jacobians"
    BOX = (-1.6, 1.6, -1.6, 1.6)
    SIDE = 3.3
    PANEL_Y = 1.35
    PANEL_X = 4.6
    GRADIENT_SCALE = 0.5  # gradient arrows are drawn at half length

    def construct(self) -> None:
        ml = self.settings.ml
        self.f = TanhLayer(np.array(ml.chain_w1), np.array(ml.chain_b1))
        self.g = TanhLayer(np.array(ml.chain_w2), np.array(ml.chain_b2))
        self.p = np.array(ml.chain_point)
        self.h = ml.chain_cell
        self.v = np.array(ml.chain_gradient)
        self.title_card(self.TITLE, "back-propagation multiplies Jacobians")
        self.beat()
        self.show_layers()
        self.beat()
        self.push_through_f()
        self.beat()
        self.push_through_g()
        self.beat()
        self.write_product()
        self.beat()
        self.pull_back_gradient()
        self.beat()

    def show_layers(self) -> None:
        self.panels = [
            Panel(self.BOX, self.SIDE, r"x"),
            Panel(self.BOX, self.SIDE, r"h = f(x) = \tanh(W_1 x + b_1)"),
            Panel(self.BOX, self.SIDE, r"y = g(h) = \tanh(W_2 h + b_2)"),
        ]
        for k, panel in enumerate(self.panels):
            panel.place([(k - 1) * self.PANEL_X, self.PANEL_Y, 0])
            panel.heading.scale(0.8).next_to(panel.border, UP, buff=0.12)
        arrows = VGroup(*[
            Arrow(self.panels[k].border.get_right(), self.panels[k + 1].border.get_left(), buff=0.1,
                  color=style.MUTED, stroke_width=3)
            for k in range(2)
        ])
        labels = VGroup(*[MathTex(n, font_size=style.LABEL_SIZE, color=style.TEXT).next_to(a, UP, buff=0.05)
                          for n, a in zip(("f", "g"), arrows, strict=True)])
        self.grid_in = VGroup(*[self.panels[0].polyline(line, stroke_color=style.MUTED, stroke_width=1.5)
                                for line in grid_lines((-1.5, 1.5, -1.5, 1.5), 0.5)])
        inp = self.panels[0]
        self.cell_in = cell_polygon(inp, square_cell(self.p, self.h), style.TEXT, 0.2, 2)
        self.e_arrows = VGroup(inp.arrow(self.p, self.p + [self.h, 0], style.E1),
                               inp.arrow(self.p, self.p + [0, self.h], style.E2))
        self.caption("A small network: layer f, then layer g, each a map of the plane.", 4)
        uncover(self, [[p] for p in self.panels], self.rt(1.5), GrowArrow(arrows[0]), GrowArrow(arrows[1]),
                FadeIn(labels), buff=0.05)
        self.play(Create(self.grid_in), FadeIn(self.cell_in), GrowArrow(self.e_arrows[0]),
                  GrowArrow(self.e_arrows[1]), run_time=self.rt(1.5))
        self.pause(1)

    def _carry(self, panel: Panel, fmap: Composition | TanhLayer):
        """Grid image, true image of the cell at p, and the parallelogram f(p) + J(p) (corner - p)."""
        grid = VGroup(*[panel.polyline(fmap(line), stroke_color=style.MUTED, stroke_width=1.5)
                        for line in grid_lines((-1.5, 1.5, -1.5, 1.5), 0.5)])
        true_cell = panel.polyline(cell_image(fmap, self.p, self.h), closed=True, stroke_color=style.TEXT,
                                   stroke_width=2)
        corners = linearised_cell(fmap, self.p, self.h)
        para = cell_polygon(panel, corners, style.JE1, 0.15, 0)
        edges = VGroup(panel.arrow(corners[0], corners[1], style.JE1), panel.arrow(corners[0], corners[3], style.JE2))
        return grid, true_cell, para, edges, corners

    def push_through_f(self) -> None:
        self.jf = self.f.jacobian(self.p)
        grid, cell, self.para_f, edges, self.corners_f = self._carry(self.panels[1], self.f)
        self.caption("f bends the grid. Near p it acts like its Jacobian J_f(p), which maps the square to a "
                     "parallelogram close to its curved image.", 5)
        self.play(TransformFromCopy(self.grid_in, grid), TransformFromCopy(self.cell_in, cell), run_time=self.rt(2))
        self.play(FadeIn(self.para_f), GrowArrow(edges[0]), GrowArrow(edges[1]), run_time=self.rt(1))
        self.pause(2)
        self.grid_hidden = grid
        self.cell_layers = VGroup(self.cell_in, self.e_arrows, cell, self.para_f, edges)

    def push_through_g(self) -> None:
        self.jgf = chain_jacobian(self.f, self.g, self.p)
        grid, cell, self.para_gf, edges, self.corners_gf = self._carry(self.panels[2], Composition(self.f, self.g))
        self.caption("g bends it again. The cell's image is curved; its linear approximation is the "
                     "parallelogram of J_g(f(p)) J_f(p).", 4.7)
        self.play(TransformFromCopy(self.grid_hidden, grid), run_time=self.rt(1.5))
        self.play(Create(cell), FadeIn(self.para_gf), GrowArrow(edges[0]), GrowArrow(edges[1]), run_time=self.rt(1.2))
        self.pause(2)
        self.cell_layers.add(cell, self.para_gf, edges)

    def write_product(self) -> None:
        self.jg = self.g.jacobian(self.f(self.p))
        self.m_gf, self.m_g, self.m_f = (decimal_matrix(j) for j in (self.jgf, self.jg, self.jf))
        eq = VGroup(MathTex(r"J_{g\circ f}(p)", font_size=style.LABEL_SIZE), self.m_gf,
                    MathTex("=", font_size=style.LABEL_SIZE), self.m_g, self.m_f)
        eq.arrange(RIGHT, buff=0.2)
        under = VGroup(MathTex(r"J_g(f(p))", font_size=style.SMALL_SIZE, color=style.MUTED),
                       MathTex(r"J_f(p)", font_size=style.SMALL_SIZE, color=style.MUTED))
        under[0].next_to(self.m_g, DOWN, buff=0.1)
        under[1].next_to(self.m_f, DOWN, buff=0.1)
        self.product = VGroup(eq, under).move_to([0, -2.3, 0])
        self.caption("Written out: the Jacobian of the composition is the product of the layer Jacobians.", 4.5)
        uncover(self, [[under[0]], [under[1]]], self.rt(2), Write(eq), buff=0.03)
        self.pause(2.5)

    def pull_back_gradient(self) -> None:
        y, hid = self.g(self.f(self.p)), self.f(self.p)
        self.v_hidden = vjp(self.v, self.jg)
        self.v_input = vjp(self.v_hidden, self.jf)
        s = self.GRADIENT_SCALE
        self.grad_arrows = VGroup(
            self.panels[2].arrow(y, y + s * self.v, GRADIENT),
            self.panels[1].arrow(hid, hid + s * self.v_hidden, GRADIENT),
            self.panels[0].arrow(self.p, self.p + s * self.v_input, GRADIENT),
        )
        rows = VGroup(
            number_row(r"v^\top =", self.v, GRADIENT),
            number_row(r"v^\top J_g =", self.v_hidden, GRADIENT),
            number_row(r"v^\top J_g J_f =", self.v_input, GRADIENT),
        )
        for row, panel in zip(rows, reversed(self.panels), strict=True):
            row.next_to(panel.border, DOWN, buff=0.15)
        self.caption(f"Back-propagation: a gradient v at the output is pulled back by v^T J_g(f(p)), then by "
                     f"J_f(p) (arrows drawn at {self.GRADIENT_SCALE:g} of their length).", 6)
        uncover(self, [[rows[0]]], self.rt(1), self.cell_layers.animate.set_opacity(0.3),
                GrowArrow(self.grad_arrows[0]), buff=0.05)
        uncover(self, [[rows[1]]], self.rt(1.2), TransformFromCopy(self.grad_arrows[0], self.grad_arrows[1]), buff=0.05)
        uncover(self, [[rows[2]]], self.rt(1.2), TransformFromCopy(self.grad_arrows[1], self.grad_arrows[2]), buff=0.05)
        note = single_path(Text(f"vector-Jacobian products, one layer at a time; gradient arrows drawn at "
                                f"{self.GRADIENT_SCALE:g} of their length",
                                font_size=style.SMALL_SIZE, color=style.MUTED)).to_edge(DOWN, buff=0.3)
        uncover(self, [[note]], self.rt(0.6))
        self.pause(3)
        self.gradient_rows = rows


# ----------------------------------------------------------------------------- 2. softmax


class SoftmaxJacobian(LectureScene):
    """K logits move; the probabilities and the live matrix diag(p) - p p^T follow."""

    TITLE = "The softmax Jacobian"
    CELL = 0.95  # side of a matrix cell
    BAR_HEIGHT = 3.2  # scene units for p = 1
    ENTRY_SCALE = 0.25  # |entry| giving full colour (the largest possible entry is 1/4)
    SATURATED = 0.9  # the largest p from which the last beat speaks of saturation
    Z_STILL = -1  # z-index of labels, brackets and formulas (the moving parts stay at 0, drawn after them)

    def construct(self) -> None:
        ml = self.settings.ml
        self.K = len(ml.logits)
        self.z = [ValueTracker(v) for v in ml.logits]
        self.followers = Followers()  # bars, numbers and cells follow the logits while they move
        # softmax and its Jacobian, computed once per value of the logits (not once per follower)
        self._softmax_at = lru_cache(maxsize=1)(lambda z: (softmax(np.array(z)), softmax_jacobian(np.array(z))))
        self.title_card(self.TITLE, "how each probability responds to each logit")
        self.beat()
        self.show_probabilities()
        self.beat()
        self.show_jacobian()
        self.beat()
        self.move_logits(ml.logits)
        self.beat()
        self.saturate(ml.saturated_logits)
        self.beat()

    def logits(self) -> np.ndarray:
        return np.array([t.get_value() for t in self.z])

    def _state(self) -> tuple[np.ndarray, np.ndarray]:
        """softmax and its Jacobian at the current logits, computed once per frame (not once per follower)."""
        return self._softmax_at(tuple(t.get_value() for t in self.z))

    def show_probabilities(self) -> None:
        K = self.K
        width = min(0.8, 3.6 / K)
        gap = width * 0.5
        self.base_y = -2.2
        xs = -4.0 + (np.arange(K) - (K - 1) / 2) * (width + gap)
        self.bars, self.z_labels, self.p_labels = VGroup(), VGroup(), VGroup()
        for i in range(K):
            color = style.basis_color(i)
            bar = Rectangle(width=width, height=0.01, fill_color=color, fill_opacity=0.85, stroke_width=0)
            bar.move_to([xs[i], self.base_y, 0], aligned_edge=DOWN)

            def grow(b, i=i, x=xs[i]):
                h = max(1e-3, self._state()[0][i] * self.BAR_HEIGHT)
                b.stretch_to_fit_height(h).move_to([x, self.base_y, 0], aligned_edge=DOWN)

            self.followers.add(bar, grow)
            p_num = LiveDecimal(0, num_decimal_places=2, font_size=style.SMALL_SIZE, color=color)
            self.followers.add(p_num, lambda m, i=i, b=bar: _set_if_changed(m, self._state()[0][i]).next_to(
                b, UP, 0.08))
            z_name = MathTex(f"z_{i + 1}", font_size=style.SMALL_SIZE, color=color)
            z_name.move_to([xs[i], self.base_y - 0.3, 0])
            z_val = LiveDecimal(self.z[i].get_value(), num_decimal_places=1, include_sign=True,
                                  font_size=style.SMALL_SIZE, color=color).move_to([xs[i], self.base_y - 0.7, 0])
            self.followers.add(z_val, lambda m, i=i, x=xs[i]: _set_centred(m, self.z[i].get_value(),
                                                                           np.array([x, self.base_y - 0.7, 0])))
            self.bars.add(bar)
            self.p_labels.add(p_num)
            self.z_labels.add(VGroup(z_name, z_val))
        baseline = Line([xs[0] - width, self.base_y, 0], [xs[-1] + width, self.base_y, 0], color=style.AXIS,
                        stroke_width=2)
        head = MathTex(r"p = \mathrm{softmax}(z)", font_size=style.LABEL_SIZE).move_to(
            [xs.mean(), self.base_y + self.BAR_HEIGHT + 0.6, 0])
        # what never moves is drawn first, so Manim keeps it in the static background while the logits move
        VGroup(baseline, head, *[label[0] for label in self.z_labels]).set_z_index(self.Z_STILL)
        self.caption("Softmax turns the logits z into probabilities p that sum to 1.", 3.2)
        uncover(self, [[head], [self.z_labels]], self.rt(1.2), Create(baseline), FadeIn(self.bars),
                FadeIn(self.p_labels), buff=0.03)
        self.pause(2)

    def show_jacobian(self) -> None:
        K, c = self.K, self.CELL * min(1.0, 3.0 / self.K)
        origin = np.array([1.2 - (K - 1) * c / 2, (K - 1) * c / 2 - 0.3, 0])
        self.cells, self.entries, self.sums = VGroup(), VGroup(), VGroup()
        for i in range(K):
            for j in range(K):
                pos = origin + [j * c, -i * c, 0]
                sq = Square(c * 0.94, stroke_width=0, fill_opacity=1).move_to(pos)
                self.followers.add(sq, lambda m, i=i, j=j: m.set_fill(self._entry_color(i, j)))
                num = LiveDecimal(0, num_decimal_places=2, include_sign=True, font_size=style.SMALL_SIZE,
                                    color=style.TEXT).move_to(pos)
                self.followers.add(num, lambda m, i=i, j=j, pos=pos: _set_centred(m, self._entry(i, j), pos))
                self.cells.add(sq)
                self.entries.add(num)
            row_pos = origin + [K * c + 0.55, -i * c, 0]
            total = LiveDecimal(0, num_decimal_places=2, include_sign=True, font_size=style.SMALL_SIZE,
                                  color=style.HIGHLIGHT).move_to(row_pos)
            self.followers.add(total, lambda m, i=i, pos=row_pos: _set_centred(m, self._row_sum(i), pos))
            self.sums.add(total)
        brackets = VGroup(
            *[Line(self.cells.get_corner(UL) + [s, 0.08, 0], self.cells.get_corner(DL) + [s, -0.08, 0],
                   color=style.TEXT, stroke_width=2) for s in (-0.08,)],
            *[Line(self.cells.get_corner(UR) + [s, 0.08, 0], self.cells.get_corner(DR) + [s, -0.08, 0],
                   color=style.TEXT, stroke_width=2) for s in (0.08,)],
        )
        formula = MathTex(r"\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j)",
                          r"\quad J = \mathrm{diag}(p) - p\,p^\top", font_size=style.LABEL_SIZE)
        formula.next_to(self.cells, UP, buff=0.45).shift(RIGHT * 0.3)
        sum_head = MathTex(r"\textstyle\sum_j", font_size=style.SMALL_SIZE, color=style.HIGHLIGHT)
        sum_head.next_to(self.sums, UP, buff=0.2)
        col_labels = VGroup(*[MathTex(f"z_{j + 1}", font_size=style.SMALL_SIZE, color=style.MUTED).next_to(
            self.cells[j], UP, buff=0.1) for j in range(K)])
        row_labels = VGroup(*[MathTex(f"p_{i + 1}", font_size=style.SMALL_SIZE, color=style.basis_color(i)).next_to(
            brackets[0], LEFT, buff=0.15).set_y(self.cells[i * K].get_y()) for i in range(K)])
        legend = VGroup(
            Square(0.25, fill_color=POSITIVE, fill_opacity=1, stroke_width=0),
            MathTex(r"\partial p_i/\partial z_j > 0", font_size=style.SMALL_SIZE - 2, color=style.MUTED),
            Square(0.25, fill_color=NEGATIVE, fill_opacity=1, stroke_width=0),
            MathTex(r"< 0", font_size=style.SMALL_SIZE - 2, color=style.MUTED),
        ).arrange(RIGHT, buff=0.15).next_to(self.cells, DOWN, buff=0.35)
        self.matrix_group = VGroup(self.cells, self.entries, brackets, formula, col_labels, row_labels, legend)
        VGroup(brackets, formula, col_labels, row_labels, legend, sum_head).set_z_index(self.Z_STILL)
        self.caption("Its Jacobian is diag(p) - p p^T: raising one logit lifts its own p and lowers the rest.", 5)
        self.play(Write(formula), run_time=self.rt(1.2))
        uncover(self, [[self.cells, self.entries], [col_labels], [row_labels], [legend]], self.rt(1.2),
                Create(brackets), buff=0.03)
        self.caption("Every row sums to zero: raising all logits by the same amount leaves p unchanged.", 3.5)
        uncover(self, [[self.sums], [sum_head]], self.rt(0.8), buff=0.03)
        self.pause(2.5)

    def _jac(self) -> np.ndarray:
        return self._state()[1]

    def _entry(self, i: int, j: int) -> float:
        return float(np.round(self._jac()[i, j], 2)) + 0.0  # + 0.0 turns -0.0 into 0.0

    def _row_sum(self, i: int) -> float:
        return float(np.round(self._jac()[i].sum(), 2)) + 0.0

    def _entry_color(self, i: int, j: int) -> ManimColor:
        v = self._jac()[i, j]
        target = POSITIVE if v >= 0 else NEGATIVE
        return interpolate_color(style.PANEL, ManimColor(target), min(1.0, abs(v) / self.ENTRY_SCALE) * 0.8)

    def move_logits(self, start: Sequence[float]) -> None:
        up = [*start]
        up[1] = start[0] + 0.2  # class 2 overtakes class 1
        self.caption("Move the logits: every entry follows, and the row sums stay at zero.", 5)
        with self.followers.attached():
            self.play(*[t.animate.set_value(v) for t, v in zip(self.z, up, strict=True)], run_time=self.rt(2.5))
            self.play(*[t.animate.set_value(v) for t, v in zip(self.z, start, strict=True)], run_time=self.rt(2))
        self.pause(1)

    def saturate(self, target: Sequence[float]) -> None:
        p, jac = softmax(np.array(target)), softmax_jacobian(np.array(target))
        k, largest = int(np.argmax(p)), float(np.abs(jac).max())
        if p[k] >= self.SATURATED:
            self.caption(f"Saturation: at p_{k + 1} = {p[k]:.2f} no entry of the Jacobian exceeds {largest:.2f} "
                         "in size, so a gradient sent back through the softmax alone shrinks.", 3)
        else:
            self.caption(f"Now p_{k + 1} = {p[k]:.2f}, and the largest entry of the Jacobian is {largest:.2f}.", 3)
        with self.followers.attached():
            self.play(*[t.animate.set_value(v) for t, v in zip(self.z, target, strict=True)], run_time=self.rt(3))
        if p[k] >= self.SATURATED:
            self.caption("With a cross-entropy loss the logit gradient is p - y: it does not vanish when the "
                         "wrong class saturates.", 3)
        self.pause(3)


# ----------------------------------------------------------------------------- 3. flow


class FlowDensity(LectureScene):
    """A normalizing flow z = f(x) (the page's convention): its inverse carries a Gaussian p_z to the data
    density p_x(x) = p_z(f(x)) |det J_f(x)|; cells rescale, and log|det J_f(x)| is drawn as a field.

    ``CouplingFlow`` here is the generator f^-1 (latent z to data x)."""

    TITLE = "Flows: the determinant scales density"
    SIDE = 5.0
    PANEL_X = 3.55
    PANEL_Y = 0.05
    RASTER = 120  # pixels per side of the density images
    CELL_SIDE = 0.5
    CELL_POINTS = ((-1.5, 0.75), (0.75, -1.25), (0.25, 1.25))

    def construct(self) -> None:
        ml = self.settings.ml
        self.flow = CouplingFlow(ml.flow_scales, ml.flow_shifts)
        self.box = ml.flow_box
        self.base = lambda pts: gaussian_density(pts, std=ml.flow_base_std)
        self.centres, self.cell_area = grid_centres(self.box, self.RASTER)
        self.t = ValueTracker(0.0)
        self.vmax = float(self.base(np.zeros(2)))
        self.title_card(self.TITLE, "change of variables for densities")
        self.beat()
        self.show_base()
        self.beat()
        self.apply_flow()
        self.beat()
        self.show_log_det()
        self.beat()

    def current_flow(self) -> CouplingFlow:
        return self.flow.scaled(self.t.get_value())

    def density(self) -> np.ndarray:
        """p_y on the raster ``(n, n)`` at the current t (computed once per value of t)."""
        return self._density_at(self.t.get_value())

    def total_mass(self) -> float:
        """Midpoint-rule integral of p_y over the panel's box (what the readout shows)."""
        return grid_integral(self.density(), self.cell_area)

    def base_box(self) -> tuple[float, float, float, float]:
        """A box holding all but about 1e-14 of the base density's mass (8 standard deviations)."""
        r = 8 * self.settings.ml.flow_base_std
        return (-r, r, -r, r)

    def _step(self) -> float:
        return 1.0 if self.box[1] - self.box[0] <= 8 else 2.0

    def show_base(self) -> None:
        self._density_at = lru_cache(maxsize=1)(
            lambda t: self.flow.scaled(t).pushforward_density(self.centres, self.base))
        self.followers = Followers()
        self.left = Panel(self.box, self.SIDE, r"z \sim p_z = \mathcal{N}(0,\sigma^2 I)", self._step())
        self.right = Panel(self.box, self.SIDE, r"x = f^{-1}(z),\quad p_x(x) = p_z(f(x))\,|\det J_f(x)|",
                           self._step())
        self.left.place([-self.PANEL_X, self.PANEL_Y, 0])
        self.right.place([self.PANEL_X, self.PANEL_Y, 0])
        self.right.heading.next_to(self.right.border, UP, buff=0.1)
        self.left.heading.match_y(self.right.heading)
        cmap = style.HEATMAP
        base_rgba = colormap_rgba(self.base(self.centres), cmap, 0, self.vmax)
        # layers: images under their planes; the left side (which never moves while the flow plays)
        # below the moving right image, so that Manim keeps it in the static background
        self.base_img = self.left.image(base_rgba)
        self.pushed_img = self.right.image(base_rgba)
        self.followers.add(self.pushed_img, lambda m: self.right.show_cropped(
            m, colormap_rgba(self.density(), cmap, 0, self.vmax)))
        step = self._step()
        lines = grid_lines(self.box, step, 80)
        self.warped = VGroup(*[self.right.polyline(ln, stroke_color=style.TEXT, stroke_width=1, stroke_opacity=0.5)
                               for ln in lines])
        stacked = np.concatenate(lines)
        bounds = np.cumsum([len(ln) for ln in lines])[:-1]

        def warp(group: VGroup) -> None:
            out = self.current_flow()(stacked)  # every line in one vectorised call
            pts3, keep = self.right.to_scene(out), self._inside(out)
            for mob, p3, k in zip(group, np.split(pts3, bounds), np.split(keep, bounds), strict=True):
                set_clipped_path(mob, p3, k)

        self.followers.add(self.warped, warp)
        # highlighted cells: squares on the left, their images (true outlines) on the right
        self.cells_in, self.cells_out, self.det_labels = VGroup(), VGroup(), VGroup()
        color = style.TEXT
        times = single_path(MathTex(r"\times", font_size=style.SMALL_SIZE, color=color))
        for pt in self.CELL_POINTS:
            self.cells_in.add(cell_polygon(self.left, square_cell(np.array(pt), self.CELL_SIDE), color, 0.3, 2))
            outline = self.right.polyline(self._cell_outline(pt, self.flow.scaled(0)), closed=True,
                                          stroke_color=color, stroke_width=2.5, fill_color=color, fill_opacity=0.3)
            self.followers.add(outline, lambda m, pt=pt: m.set_points_as_corners(
                self.right.to_scene(np.vstack([o := self._cell_outline(pt, self.current_flow()), o[:1]]))))
            self.cells_out.add(outline)
            num = LiveDecimal(1, num_decimal_places=2, font_size=style.SMALL_SIZE, color=color)
            label = VGroup(times.copy(), num).arrange(RIGHT, buff=0.04)
            self.followers.add(num, lambda m, pt=pt: _set_if_changed(m, self._area_ratio(pt)))
            self.followers.add(label, lambda m, o=outline: _beside(m, o, 0.06))
            self.det_labels.add(label)
        self.mass_left = self._mass_readout(self.left, r"\textstyle\int_{\mathrm{box}} p_z\,dz =", grid_integral(
            self.base(self.centres), self.cell_area))
        self.mass_right = self._mass_readout(self.right, r"\textstyle\int_{\mathrm{box}} p_x\,dx =",
                                             self.total_mass())
        self.followers.add(self.mass_right[1], lambda m: _set_if_changed(m, self.total_mass()))
        # drawing layers of each side: heading, image, plane, marks drawn over the plane
        self.layers = {
            "left.heading": Group(self.left.heading), "left.image": Group(self.base_img),
            "left.plane": Group(self.left.plane, self.left.border),
            "left.marks": Group(self.cells_in, self.mass_left),
            "right.heading": Group(self.right.heading), "right.image": Group(self.pushed_img),
            "right.plane": Group(self.right.plane, self.right.border),
            "right.marks": Group(self.warped, self.cells_out, self.det_labels, self.mass_right),
        }
        self._stack("left.heading right.heading left.image right.image left.plane right.plane left.marks right.marks")
        self.caption("A Gaussian density p_z on the latent plane. The inverse flow f^-1 will carry it to the "
                     "data plane: x = f^-1(z).", 4)
        uncover(self, [[self.base_img, self.left], [self.pushed_img, self.right]], self.rt(1.2))
        self.add(self.warped)
        uncover(self, [[self.mass_left], [self.mass_right]], self.rt(1), FadeIn(self.cells_in), FadeIn(self.cells_out),
                FadeIn(self.det_labels), buff=0.05)
        self.pause(1.5)

    def _stack(self, order: str) -> None:
        """Set the drawing order (z-index) of the layers named in ``order``, back to front.

        Manim redraws on every frame everything sorted after the first moving mobject, so each beat puts what
        stands still first.  Any order keeps each image under its plane and marks, and the two sides never
        overlap, so the picture does not change."""
        names = order.split()
        for z, name in enumerate(names, start=-len(names)):
            self.layers[name].set_z_index(z)
        for panel in (self.left, self.right):  # a group is sorted as far back as its lowest part
            panel.set_z_index(min(m.z_index for m in panel.submobjects), family=False)

    def _inside(self, pts: np.ndarray) -> np.ndarray:
        x0, x1, y0, y1 = self.box
        return (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)

    def _cell_outline(self, pt: Sequence[float], flow: CouplingFlow) -> np.ndarray:
        """The image under ``flow`` of the boundary of the cell at ``pt``, ``(48, 2)``."""
        edges = getattr(self, "_cell_edges", {})
        if tuple(pt) not in edges:
            corners = square_cell(np.array(pt), self.CELL_SIDE)
            edges[tuple(pt)] = np.concatenate([np.linspace(a, b, 12, endpoint=False)
                                               for a, b in zip(corners, np.roll(corners, -1, axis=0), strict=True)])
            self._cell_edges = edges
        return flow(edges[tuple(pt)])

    def _area_ratio(self, pt: Sequence[float]) -> float:
        """|det J_{f^-1}(z)| at the cell's centre z: the factor its area is multiplied by (to first order)."""
        centre = np.array(pt) + self.CELL_SIDE / 2
        return float(np.exp(self.current_flow().log_abs_det_jacobian(centre)))

    def _mass_readout(self, panel: Panel, label: str, value: float) -> VGroup:
        num = LiveDecimal(value, num_decimal_places=3, font_size=style.LABEL_SIZE, color=style.HIGHLIGHT)
        # the label only fades and is indicated: one path (a MathTex is one submobject per glyph, slow to copy)
        group = VGroup(single_path(MathTex(label, font_size=style.LABEL_SIZE)), num).arrange(RIGHT, buff=0.15)
        return group.next_to(panel.border, DOWN, buff=0.2)

    def apply_flow(self) -> None:
        self.caption("f^-1 moves and stretches space: each cell's area is multiplied by about "
                     "|det J_f^-1(z)| = 1 / |det J_f(x)|.", 5)
        self._stack("left.heading left.image left.plane left.marks right.heading right.image right.plane right.marks")
        with self.followers.attached():  # t stays at 1 from here on
            self.play(self.t.animate.set_value(1.0), run_time=self.rt(5), rate_func=smooth)
        inside = self.total_mass()
        outside = mass_outside(self.flow, self.base, self.box, self.base_box())
        self.caption("Where cells grow the density thins out, where they shrink it piles up. Over the box it "
                     f"integrates to {inside:.3f}: the other {outside:.3f} was carried outside the box.", 5)
        self.play(Indicate(self.mass_right, color=style.HIGHLIGHT), run_time=self.rt(1.2))
        self.pause(3.5)

    def show_log_det(self) -> None:
        # over the data plane: log|det J_f(x)| with f the inverse of the drawn generator
        field = self.flow.inverse_log_abs_det_jacobian(self.centres)
        vmax = float(np.abs(field).max())
        self.log_det_img = self.right.image(diverging_rgba(field, vmax))
        head = MathTex(r"\log|\det J_f(x)|", font_size=style.LABEL_SIZE).move_to(self.right.heading)
        bar = VGroup(
            Square(0.25, fill_color=SHRINK, fill_opacity=0.9, stroke_width=0),
            single_path(MathTex(f"{-vmax:.1f}", font_size=style.SMALL_SIZE)),
            single_path(Text("f shrinks areas", font_size=style.SMALL_SIZE - 4, color=style.MUTED)),
            Square(0.25, fill_color=GROW, fill_opacity=0.9, stroke_width=0),
            single_path(MathTex(f"+{vmax:.1f}", font_size=style.SMALL_SIZE)),
            single_path(Text("f grows areas", font_size=style.SMALL_SIZE - 4, color=style.MUTED)),
        ).arrange(RIGHT, buff=0.12).move_to(self.mass_right)
        self.layers["right.heading"].add(head)
        self.layers["right.image"].add(self.log_det_img)
        self.layers["right.marks"].add(bar)
        self._stack("left.heading left.image left.plane left.marks right.heading right.image right.plane right.marks")
        self.caption("log|det J_f(x)| over the data plane: log p_x(x) = log p_z(f(x)) + log|det J_f(x)|, "
                     "and for a stack of layers their log-determinants add up.", 5)
        full = colormap_rgba(self.density(), style.HEATMAP, 0, self.vmax)  # the density image, uncropped
        self.right.show_cropped(self.pushed_img, full, margin=max(full.shape))
        old, new = self.pushed_img.pixel_array.copy(), self.log_det_img.pixel_array
        fade = UpdateFromAlphaFunc(self.pushed_img, lambda m, a: setattr(m, "pixel_array", cross_fade(old, new, a)))
        # the headings cross-fade (a morph between unrelated formulas scrambles glyphs mid-way); the
        # legend takes the mass readout's place only once it has gone
        self.play(fade, FadeOut(self.right.heading), FadeIn(head), Succession(FadeOut(self.mass_right), FadeIn(bar)),
                  run_time=self.rt(1.5))
        self.remove(self.pushed_img)
        self.add(self.log_det_img)
        self.pause(4)


# ----------------------------------------------------------------------------- 4. Jacobian penalty


class JacobianPenalty(LectureScene):
    """The unit circle of perturbations maps to an ellipse with semi-axes sigma_1 >= sigma_2."""

    TITLE = "Jacobian penalties and singular values"
    BOX = (-1.2, 1.2, -1.2, 1.2)
    SIDE = 3.4
    PANEL_X = 4.6
    PANEL_Y = 1.0
    RADIUS = 0.3  # radius of the drawn circle of perturbations (input units)

    def construct(self) -> None:
        ml = self.settings.ml
        self.p = np.array(ml.penalty_point)
        b = np.array(ml.penalty_b)
        self.maps = (TanhLayer(np.array(ml.penalty_w_steep), b), TanhLayer(np.array(ml.penalty_w_flat), b))
        self.title_card(self.TITLE, "penalise ||J||, and small input changes stay small")
        self.beat()
        self.show_input()
        self.beat()
        self.readouts = [None, None]
        self.ellipses: list[VGroup] = [VGroup(), VGroup()]
        self.show_map(0, "steep")
        self.beat()
        self.show_map(1, "flatter")
        self.beat()
        self.compare()
        self.beat()

    def show_input(self) -> None:
        self.panels = [Panel(self.BOX, self.SIDE, r"x + \delta,\ |\delta| = r", 0.5),
                       Panel(self.BOX, self.SIDE, r"f_{\mathrm{steep}}(x + \delta)", 0.5),
                       Panel(self.BOX, self.SIDE, r"f_{\mathrm{flat}}(x + \delta)", 0.5)]
        for k, panel in enumerate(self.panels):
            panel.place([(k - 1) * self.PANEL_X, self.PANEL_Y, 0])
        r = self.RADIUS
        circle = self.panels[0].polyline(self.p + r * unit_circle_image(np.eye(2), 96), closed=True,
                                         stroke_color=style.TEXT, stroke_width=3)
        arrows = VGroup(self.panels[0].arrow(self.p, self.p + [r, 0], style.E1),
                        self.panels[0].arrow(self.p, self.p + [0, r], style.E2))
        self.caption("All perturbations of size r around a point x form a circle.", 4)
        uncover(self, [[self.panels[0]]], self.rt(0.8))
        self.play(Create(circle), GrowArrow(arrows[0]), GrowArrow(arrows[1]), run_time=self.rt(1.2))
        self.pause(1.5)

    def show_map(self, k: int, name: str) -> None:
        fmap, panel, r = self.maps[k], self.panels[k + 1], self.RADIUS
        jac = fmap.jacobian(self.p)
        centre = fmap(self.p)
        sigma, U = ellipse_axes(jac)
        true_image = panel.polyline(fmap(self.p + r * unit_circle_image(np.eye(2), 96)), closed=True,
                                    stroke_color=style.MUTED, stroke_width=2)
        ellipse = panel.polyline(centre + r * unit_circle_image(jac, 96), closed=True, stroke_color=style.TEXT,
                                 stroke_width=3)
        axis1 = panel.arrow(centre, centre + r * sigma[0] * U[:, 0], style.HIGHLIGHT)
        axis2 = DashedLine(panel.point(centre), panel.point(centre + r * sigma[1] * U[:, 1]), color=style.HIGHLIGHT,
                           stroke_width=3)
        cols = VGroup(panel.arrow(centre, centre + r * jac[:, 0], style.JE1, 3),
                      panel.arrow(centre, centre + r * jac[:, 1], style.JE2, 3))
        readout = VGroup(
            single_path(Text(name, font_size=style.SMALL_SIZE, color=style.MUTED)),
            self._value_row(r"\sigma_1 =", sigma[0], style.HIGHLIGHT),
            self._value_row(r"\sigma_2 =", sigma[1], style.HIGHLIGHT),
            self._value_row(r"\|J\|_F =", float(frobenius_norm(jac)), style.TEXT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(panel.border, DOWN, buff=0.25)
        self.readouts[k] = readout
        self.ellipses[k] = VGroup(ellipse, axis1, axis2, cols)
        if k == 0:
            what = "A steep layer"
        elif self.flatter_is_flatter():
            what = "A layer with smaller weights, flatter at x"
        else:
            what = "A second layer"
        self.caption(f"{what}: its Jacobian at x maps the circle of radius r to an ellipse with semi-axes "
                     "r sigma_1 and r sigma_2; the true image of the circle is drawn thin.", 5)
        uncover(self, [[panel]], self.rt(0.6))
        self.play(Create(true_image), Create(ellipse), GrowArrow(cols[0]), GrowArrow(cols[1]), run_time=self.rt(1.5))
        uncover(self, [[readout]], self.rt(1), GrowArrow(axis1), Create(axis2), buff=0.05)
        self.pause(2)

    def steepness(self, k: int) -> tuple[float, float]:
        """(sigma_1, ||J||_F) of map ``k``'s Jacobian at x."""
        jac = self.maps[k].jacobian(self.p)
        return float(ellipse_axes(jac)[0][0]), float(frobenius_norm(jac))

    def flatter_is_flatter(self) -> bool:
        """Whether the second map is the flatter one at x (smaller sigma_1 and smaller ||J||_F)."""
        (s0, n0), (s1, n1) = self.steepness(0), self.steepness(1)
        return s1 < s0 and n1 < n0

    def _value_row(self, label: str, value: float, color: ManimColor) -> VGroup:
        return VGroup(single_path(MathTex(label, font_size=style.LABEL_SIZE, color=color)),
                      LiveDecimal(value, num_decimal_places=2, font_size=style.LABEL_SIZE, color=color)
                      ).arrange(RIGHT, buff=0.12)

    def compare(self) -> None:
        penalty = VGroup(
            MathTex(r"\mathcal{L}_{\text{total}} = \mathcal{L} + \lambda\,\|J_f(x)\|_F^2", font_size=style.LABEL_SIZE),
            MathTex(r"\|J\|_F^2 = \sigma_1^2 + \sigma_2^2", font_size=style.LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        penalty.next_to(self.panels[0].border, DOWN, buff=0.3).align_to(self.panels[0].border, LEFT)
        (s_steep, n_steep), (s_flat, n_flat) = self.steepness(0), self.steepness(1)
        if self.flatter_is_flatter():
            self.caption(f"A Jacobian penalty adds lambda ||J_f(x)||_F^2 to the loss, so it favours the flatter map: "
                         f"||J||_F {n_flat:.2f} instead of {n_steep:.2f}, sigma_1 {s_flat:.2f} instead of "
                         f"{s_steep:.2f}, so a small input change moves its output less.", 6)
        else:
            self.caption(f"A Jacobian penalty adds lambda ||J_f(x)||_F^2 to the loss: here ||J||_F is {n_steep:.2f} "
                         f"for the first map and {n_flat:.2f} for the second.", 6)
        self.play(Write(penalty), run_time=self.rt(1.5))
        # last in the scene's list: Manim redraws per frame everything after the first moving mobject
        self.bring_to_front(*self.readouts)
        self.play(Indicate(self.readouts[0][1], color=style.HIGHLIGHT), Indicate(self.readouts[1][1],
                  color=style.HIGHLIGHT), run_time=self.rt(1.2))
        self.pause(3)


# ----------------------------------------------------------------------------- 5. Taylor error


class TaylorError(LectureScene):
    """f(x + d) against f(x) + J d as d shrinks; the error on log-log axes and its fitted slope."""

    TITLE = "Local linearity: the Taylor error"
    SAMPLES = 9  # steps plotted on the log-log axes
    Z_STILL = -1  # z-index of panels, axes and labels (what follows s stays at 0, drawn after them)

    def construct(self) -> None:
        ml = self.settings.ml
        self.fmap = self.settings.plane_map()
        self.x = np.array(ml.taylor_point)
        u = np.array(ml.taylor_direction)
        self.u = u / np.linalg.norm(u)
        lo, hi = ml.taylor_steps
        self.steps = np.geomspace(hi, lo, self.SAMPLES)
        self.errors = taylor_errors(self.fmap, self.x, self.u, self.steps)
        self.slope = loglog_slope(self.steps, self.errors)
        self.jac = self.fmap.jacobian(self.x)
        self.s = ValueTracker(hi)
        self.followers = Followers()  # the two ends, the error segment and the readouts follow s while it moves
        self.title_card(self.TITLE, "how fast the error of f(x) + J d shrinks with d")
        self.beat()
        self.show_curves()
        self.beat()
        self.shrink_step()
        self.beat()
        self.read_slope()
        self.beat()

    def offset_true(self, s: np.ndarray | float) -> np.ndarray:
        """f(x + s u) - f(x), ``(k,) -> (k, 2)``."""
        d = np.atleast_1d(s)[:, None] * self.u
        return self.fmap(self.x + d) - self.fmap(self.x)

    def offset_linear(self, s: np.ndarray | float) -> np.ndarray:
        """J d for d = s u, ``(k,) -> (k, 2)``."""
        return (np.atleast_1d(s)[:, None] * self.u) @ self.jac.T

    def _box(self) -> tuple[float, float, float, float]:
        s = np.linspace(0, self.steps[0], 50)
        pts = np.vstack([self.offset_true(s), self.offset_linear(s), np.zeros((1, 2))])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        pad = 0.15 * (hi - lo).max() + 0.1
        return (float(np.floor(lo[0] - pad)), float(np.ceil(hi[0] + pad)),
                float(np.floor(lo[1] - pad)), float(np.ceil(hi[1] + pad)))

    def show_curves(self) -> None:
        box = self._box()
        self.panel = Panel(box, 4.3, step=0.5).place([-3.6, 0.2, 0])
        s_all = np.linspace(0, self.steps[0], 80)
        curve = self.panel.polyline(self.offset_true(s_all), stroke_color=style.MODEL, stroke_width=3)
        line = self.panel.polyline(self.offset_linear(s_all), stroke_color=style.JE1, stroke_width=3)
        origin = Dot(self.panel.point((0, 0)), color=style.TEXT, radius=0.06)
        legend = VGroup(
            VGroup(Line(ORIGIN, RIGHT * 0.4, color=style.MODEL, stroke_width=3),
                   MathTex(r"f(x + d) - f(x)", font_size=style.SMALL_SIZE)).arrange(RIGHT, buff=0.12),
            VGroup(Line(ORIGIN, RIGHT * 0.4, color=style.JE1, stroke_width=3),
                   MathTex(r"J(x)\,d", font_size=style.SMALL_SIZE)).arrange(RIGHT, buff=0.12),
            VGroup(Line(ORIGIN, RIGHT * 0.4, color=style.HIGHLIGHT, stroke_width=4),
                   MathTex(r"\text{error } \|f(x+d) - f(x) - J d\|", font_size=style.SMALL_SIZE)
                   ).arrange(RIGHT, buff=0.12),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        legend.next_to(self.panel.border, DOWN, buff=0.15).align_to(self.panel.border, LEFT)
        x_txt = ", ".join(f"{v:g}" for v in self.x)
        u_txt = ", ".join(f"{v:.2g}" for v in self.u)
        heading = MathTex(rf"x = ({x_txt}),\ d = s\,({u_txt}),\ J(x) =", font_size=style.SMALL_SIZE)
        jm = decimal_matrix(self.jac, 1, 0.5)
        self.j_matrix = jm
        top = VGroup(heading, jm).arrange(RIGHT, buff=0.12).next_to(self.panel.border, UP, buff=0.1)
        self.panel.heading = top  # (become() would align hundreds of submobjects: seconds per render)
        self.panel.add(top)
        @lru_cache(maxsize=1)  # once per value of s, not once per follower
        def ends_at(s: float) -> tuple[np.ndarray, np.ndarray]:
            return self.panel.point(self.offset_true(s)[0]), self.panel.point(self.offset_linear(s)[0])

        def ends() -> tuple[np.ndarray, np.ndarray]:
            return ends_at(self.s.get_value())

        # followers move with the tracker (no per-frame rebuild)
        self.dot_true = self.followers.add(Dot(color=style.MODEL, radius=0.07), lambda m: m.move_to(ends()[0]))
        self.dot_lin = self.followers.add(Dot(color=style.JE1, radius=0.07), lambda m: m.move_to(ends()[1]))
        self.err_seg = self.followers.add(Line(*ends(), color=style.HIGHLIGHT, stroke_width=5),
                                          lambda m: m.set_points_as_corners(ends()))
        # what never moves is drawn first, so Manim keeps it in the static background while s moves
        VGroup(self.panel, legend, curve, line, origin).set_z_index(self.Z_STILL)
        self.caption(f"At x on the map {self.fmap.describe()}: the true change along d, and J d.", 5)
        uncover(self, [[self.panel], [legend]], self.rt(1), buff=0.05)
        self.play(Create(curve), Create(line), FadeIn(origin), run_time=self.rt(1.5))
        self.add(self.err_seg, self.dot_true, self.dot_lin)
        self.pause(2)

    def _log_axes(self) -> Axes:
        lo_e = float(np.floor(np.log10(self.errors.min())))
        hi_e = float(np.ceil(np.log10(self.errors.max())))
        lo_s = float(np.floor(np.log10(self.steps.min())))
        hi_s = float(np.ceil(np.log10(self.steps.max())))
        return Axes(
            x_range=(lo_s, hi_s, 1), y_range=(lo_e, hi_e, 1), x_length=5.0, y_length=4.6,
            x_axis_config={"scaling": LogBase(custom_labels=True), "include_numbers": True,
                           "font_size": style.SMALL_SIZE},
            y_axis_config={"scaling": LogBase(custom_labels=True), "include_numbers": True,
                           "font_size": style.SMALL_SIZE},
            axis_config={"color": style.AXIS, "stroke_width": 2},
            tips=False,
        )

    def error_ratio_at(self, step: float) -> float:
        """Taylor error / |d|^2 at step size ``step`` (constant when the error shrinks like |d|^2)."""
        return float(taylor_errors(self.fmap, self.x, self.u, np.array([step]))[0]) / step**2

    def shrink_step(self) -> None:
        self.axes = self._log_axes().move_to([3.6, 0.1, 0])
        labels = VGroup(MathTex(r"|d|", font_size=style.LABEL_SIZE).next_to(self.axes.x_axis, DOWN, buff=0.45),
                        MathTex(r"\text{error}", font_size=style.LABEL_SIZE).next_to(self.axes.y_axis, UP, buff=0.1))
        self.dots = VGroup()
        readout = VGroup(
            MathTex(r"|d| =", font_size=style.LABEL_SIZE),
            LiveDecimal(self.s.get_value(), num_decimal_places=3, font_size=style.LABEL_SIZE),
            MathTex(r"\text{error} / |d|^2 =", font_size=style.LABEL_SIZE, color=style.HIGHLIGHT),
            LiveDecimal(0, num_decimal_places=3, font_size=style.LABEL_SIZE, color=style.HIGHLIGHT),
        ).arrange(RIGHT, buff=0.12)
        readout[2:].shift(0.35 * RIGHT)
        readout.next_to(self.axes, UP, buff=0.3)
        self.followers.add(readout[1], lambda m: m.set_value(self.s.get_value()))
        self.error_ratio = readout[3]
        self.followers.add(readout[3], lambda m: m.set_value(self.error_ratio_at(self.s.get_value())))
        VGroup(self.axes, labels, readout[0], readout[2]).set_z_index(self.Z_STILL)
        first, last = self.error_ratio_at(self.steps[0]), self.error_ratio_at(self.steps[-1])
        settles = abs(self.slope - 2) < 0.25
        if f"{first:.3f}" == f"{last:.3f}":
            ratio = f"error / |d|^2 stays at {last:.3f}"
        elif settles:
            ratio = f"error / |d|^2 settles near {last:.3f} (from {first:.3f})"
        else:
            ratio = f"error / |d|^2 goes from {first:.3f} to {last:.3f}"
        self.caption(f"Shrink the step d: the error vanishes faster than d, and {ratio}.", 6)
        uncover(self, [[labels[0]], [labels[1]], [readout]], self.rt(1.2), Create(self.axes), buff=0.03)
        for s, e in zip(self.steps, self.errors, strict=True):
            dot = Dot(self.axes.c2p(s, e), color=style.HIGHLIGHT, radius=0.06)
            with self.followers.attached():
                self.play(self.s.animate.set_value(s), run_time=self.rt(0.9))
            self.add(dot)
            self.dots.add(dot)
        self.pause(1)

    def read_slope(self) -> None:
        s0, s1 = self.steps[-1], self.steps[0]
        # the fitted line through the points: log e = slope log s + c (c from the least-squares fit's mean)
        c = float(np.mean(np.log10(self.errors)) - self.slope * np.mean(np.log10(self.steps)))
        fit = Line(self.axes.c2p(s0, 10 ** (c + self.slope * np.log10(s0))),
                   self.axes.c2p(s1, 10 ** (c + self.slope * np.log10(s1))), color=style.TEXT, stroke_width=3)
        self.slope_readout = VGroup(MathTex(r"\text{slope} =", font_size=style.LABEL_SIZE, color=style.TEXT),
                                    LiveDecimal(self.slope, num_decimal_places=2, font_size=style.LABEL_SIZE,
                                                  color=style.TEXT)).arrange(RIGHT, buff=0.12)
        self.slope_readout.move_to(self.axes.c2p(10 ** (0.3 * np.log10(s0) + 0.7 * np.log10(s1)),
                                                 10 ** (c + self.slope * np.log10(s0))))
        self.caption(f"On log-log axes the errors lie close to a line of slope {self.slope:.2f}: halving d divides "
                     f"the error by about {2 ** self.slope:.1f}.", 6)
        self.play(Create(fit), FadeIn(self.slope_readout), run_time=self.rt(1.5))
        self.pause(4)


# ----------------------------------------------------------------------------- closing card


class MLOutlook(LectureScene):
    """Closing card: the page's remaining items and the scenes that show their mechanism."""

    TITLE = "Outlook"
    HEADING = "Jacobians everywhere in machine learning"
    # (item of the page, what its Jacobian is, the scene that shows the mechanism, or None: not animated here)
    ITEMS = (
        ("Encoder-decoder sensitivity", "the encoder's Jacobian: how the latent code moves with the input",
         JacobianPenalty.TITLE),
        ("MAML, meta-learning", "an inner gradient step has Jacobian I − (step size) × (Hessian of the loss)",
         None),
        ("Batched outputs (B×n → B×m)", "a (Bm)×(Bn) Jacobian, block-diagonal when examples do not interact "
         "(no batch norm)", None),
        ("Spatial outputs (H×W×C)", "flattened, one Jacobian row per output value: H·W·C rows", None),
    )

    def construct(self) -> None:
        self.show_items()
        self.beat()

    def show_items(self) -> None:
        # each line of text is one path (a Text has one submobject per glyph: hundreds to copy and draw per frame)
        head = single_path(Text(self.HEADING, font_size=style.HEADING_SIZE + 4, color=style.TEXT)).to_edge(
            UP, buff=0.5)
        rows = VGroup()
        for name, what, scene in self.ITEMS:
            pointer = f"see: {scene}" if scene else "not animated in this lecture"
            rows.add(VGroup(single_path(Text(name, font_size=style.LABEL_SIZE, color=style.HIGHLIGHT)),
                            VGroup(single_path(Text(what, font_size=style.SMALL_SIZE, color=style.MUTED)),
                                   single_path(Text(pointer, font_size=style.SMALL_SIZE, color=style.TEXT)),
                                   ).arrange(RIGHT, buff=0.4),
                            ).arrange(DOWN, aligned_edge=LEFT, buff=0.1))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        rows.scale_to_fit_width(min(rows.width, config.frame_width - 2 * style.FRAME_MARGIN - 1.0))
        rows.next_to(head, DOWN, buff=0.5).set_x(0)
        foot = single_path(Text("In every case: how small input changes propagate to the outputs.",
                                font_size=style.SMALL_SIZE, color=style.TEXT)).to_edge(DOWN, buff=0.45)
        self.rows = rows
        self.caption("The page's other items: encoders (the penalty scene shows the same sensitivity), MAML, "
                     "batched and spatial outputs.", 0.8 + 5)
        self.play(FadeIn(head, shift=DOWN * 0.2), run_time=self.rt(0.8))
        self.play(LaggedStart(*[FadeIn(r, shift=RIGHT * 0.2) for r in rows], lag_ratio=0.35), run_time=self.rt(5))
        self.caption("In every case the Jacobian tells how small input changes propagate to the outputs.", 0.6 + 5)
        uncover(self, [[foot]], self.rt(0.6))
        self.pause(5)  # a closing card stays long enough to read (and for a YouTube chapter, >= 10 s)


__all__ = ["ChainRule", "FlowDensity", "JacobianPenalty", "MLInputError", "MLOutlook", "SoftmaxJacobian",
           "TaylorError", "colormap_rgba", "diverging_rgba"]
