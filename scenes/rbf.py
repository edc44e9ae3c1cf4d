"""Storyboard items 1 and 2: RBF features and their Jacobian row, then the model f = w . phi.

Both scenes share a two-panel layout (features above, derivatives below, one x-axis) and a
moving point x0 held by a ValueTracker.  Everything drawn is computed by ``jacobian_math``.
The mobjects that follow x0 carry no updaters: ``sweep_to`` moves them (never rebuilds them) on
each frame of a sweep, so between sweeps Manim keeps them in its cached background; curves are
plotted once.

    .venv/bin/manim -pql scenes/rbf.py RBFJacobian
    .venv/bin/manim -pql scenes/rbf.py RBFModel
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    WHITE,
    Animation,
    AnimationGroup,
    Axes,
    Circle,
    Create,
    DashedVMobject,
    DecimalMatrix,
    DecimalNumber,
    Dot,
    FadeIn,
    Indicate,
    Line,
    MathTex,
    Mobject,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    Transform,
    Triangle,
    UpdateFromAlphaFunc,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    config,
    interpolate_color,
    linear,
    smooth,
    there_and_back,
)

from jacobian_math.plotting import axis_range, nice_step, partial_sums, tangent_segments
from jacobian_math.rbf import RBFBasis
from jacobian_math.rbf import RBFModel as RBFLinearModel
from scenes import style
from scenes.common import LectureScene
from scenes.coords import PlotFrame
from scenes.readouts import LiveDecimal

Curve = Callable[[np.ndarray], np.ndarray]


def _fmt(v: float) -> str:
    """A short TeX number: 2.0 -> '2', -0.7 -> '-0.7'."""
    return f"{v:g}"


def _tex(tex: str, size: float = style.LABEL_SIZE, color=style.TEXT) -> MathTex:
    return MathTex(tex, font_size=size, color=color)


def _place_segment(line: Line, start: np.ndarray, end: np.ndarray) -> Line:
    """Put a straight ``line`` from ``start`` to ``end`` (frame points, shape ``(3,)``) by setting
    its four Bezier points (what ``put_start_and_end_on`` ends with, without its rotate and scale)."""
    line.points = np.array([start, (2 * start + end) / 3, (start + 2 * end) / 3, end], dtype=float)
    return line


class DashedCurve(VMobject):
    """The dashes of ``DashedVMobject(curve, num_dashes, dashed_ratio)`` as one VMobject, one sub-path
    per dash: Cairo strokes it as one path instead of one mobject per dash, and it is one mobject
    to copy, animate and redraw.  Every dash gets the same number of Bezier curves, so
    ``Create(dashed, rate_func=linear)`` draws it dash by dash at the even pace ``Create`` draws a
    DashedVMobject (whose easing applies to each dash, not to the whole)."""

    def __init__(self, curve: VMobject, num_dashes: int, dashed_ratio: float) -> None:
        super().__init__()
        dashes = DashedVMobject(curve, num_dashes=num_dashes, dashed_ratio=dashed_ratio).submobjects
        most = max(d.get_num_curves() for d in dashes)
        for d in dashes:
            d.insert_n_curves(most - d.get_num_curves())
        self.set_points(np.vstack([d.points for d in dashes]))
        self.match_style(curve)


def _decimals(step: float) -> int:
    """Decimal places needed to print multiples of ``step`` exactly (0.25 -> 2, 0.5 -> 1, 2 -> 0)."""
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 4


class _TwoPanelScene(LectureScene):
    """Features above, derivatives below, a shared x-axis, and the moving point x0.

    Subclasses call :meth:`build_panels` with the data each panel must show, then add curves,
    dots and tangents whose positions follow ``self.x0`` through :meth:`follow`.
    """

    # Layout, in scene units (frame is 14.2 x 8).
    AXES_LEFT = -6.05
    AXES_WIDTH = 8.3
    PANEL_HEIGHT = 2.2
    TOP_PANEL_Y = 1.95  # centre of the upper panel
    BOTTOM_PANEL_Y = -1.1  # centre of the lower panel
    SIDE_LEFT = 2.75  # left edge of the right-hand column
    READOUT_Y = -3.5
    TANGENT_LENGTH = 1.0
    DOT_RADIUS = 0.075
    SAMPLES = 601  # x samples used to size the y-axes from the data
    AXIS_NUMBER_SIZE = 20
    SWEEP_MARGIN = 0.1  # the sweep stays this fraction of the x-range away from each end

    def basis(self) -> RBFBasis:
        s = self.settings.rbf
        return RBFBasis(s.centers, s.sigma)

    def x_samples(self) -> np.ndarray:
        lo, hi = self.settings.rbf.x_range
        return np.linspace(lo, hi, self.SAMPLES)

    # --- construction -------------------------------------------------------------------------
    def _axes(self, values: np.ndarray, centre_y: float, include_zero_pad: float) -> Axes:
        lo, hi = self.settings.rbf.x_range
        y_lo, y_hi, y_step = axis_range(values, pad=include_zero_pad)
        axes = Axes(
            x_range=[lo, hi, nice_step(hi - lo, 5)],
            y_range=[y_lo, y_hi, y_step],
            x_length=self.AXES_WIDTH,
            y_length=self.PANEL_HEIGHT,
            tips=False,
            axis_config={"color": style.AXIS, "stroke_width": style.THIN_WIDTH, "tick_size": 0.05},
        )
        axes.move_to([self.AXES_LEFT + self.AXES_WIDTH / 2, centre_y, 0])
        # y numbers: at most five, multiples of the tick step (or of twice it)
        ticks = np.arange(np.ceil(y_lo / y_step), np.floor(y_hi / y_step) + 1) * y_step
        if ticks.size > 5:
            ticks = ticks[np.isclose(np.round(ticks / (2 * y_step)) * 2 * y_step, ticks)]
        places = _decimals(y_step)
        numbers = VGroup(
            *(
                DecimalNumber(t + 0.0, num_decimal_places=places, font_size=self.AXIS_NUMBER_SIZE, color=style.MUTED)
                .next_to(axes.c2p(lo, t), LEFT, buff=0.12)
                for t in ticks
            )
        )
        # the y-axis at x = 0 would look like a second guide line: draw it at the left edge instead
        axes.y_axis.set_opacity(0)
        spine = Line(axes.c2p(lo, y_lo), axes.c2p(lo, y_hi), color=style.AXIS, stroke_width=style.THIN_WIDTH)
        marks = VGroup(*(Line(LEFT * 0.05, RIGHT * 0.05, color=style.AXIS, stroke_width=style.THIN_WIDTH)
                         .move_to(axes.c2p(lo, t)) for t in ticks))
        axes.add(spine, marks, numbers)
        axes.y_numbers = numbers
        return axes

    def build_panels(self, top_values: np.ndarray, bottom_values: np.ndarray) -> None:
        """Create ``self.top``, ``self.bottom`` (Axes sized to the data), the shared x numbers,
        the tracker ``self.x0`` and the guide line."""
        self._followers: list[tuple[Mobject, Callable[[Mobject, dict[str, np.ndarray]], object]]] = []
        self.top = self._axes(top_values, self.TOP_PANEL_Y, 0.06)
        self.bottom = self._axes(bottom_values, self.BOTTOM_PANEL_Y, 0.08)
        self._top_units = (self.top.x_axis.get_unit_size(), self.top.y_axis.get_unit_size())
        self._frames = {id(a): PlotFrame(a) for a in (self.top, self.bottom)}  # both axes never move
        lo, hi = self.settings.rbf.x_range
        step = nice_step(hi - lo, 5)
        xs = np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step
        self.x_numbers = VGroup(
            *(
                DecimalNumber(x + 0.0, num_decimal_places=_decimals(step), font_size=self.AXIS_NUMBER_SIZE,
                              color=style.MUTED).next_to(self.bottom.c2p(x, self.bottom.y_range[0]), DOWN, buff=0.12)
                for x in xs
            )
        )
        self.x_label = _tex("x", style.SMALL_SIZE, style.MUTED).next_to(
            self.bottom.c2p(hi, self.bottom.y_range[0]), DOWN, buff=0.12).shift(RIGHT * 0.35)
        self.x0 = ValueTracker(lo + self.SWEEP_MARGIN * (hi - lo))
        self._state_at = lru_cache(maxsize=1)(self.compute)  # one compute per value of x0
        self.guide = Line(
            self.top.c2p(0, self.top.y_range[1]), self.bottom.c2p(0, self.bottom.y_range[0]),
            color=style.HIGHLIGHT, stroke_width=style.THIN_WIDTH, stroke_opacity=0.7,
        )
        self.follow(self.guide, lambda m, st: _place_segment(
            m, self.to_frame(self.top, st["x0"], self.top.y_range[1]),
            self.to_frame(self.bottom, st["x0"], self.bottom.y_range[0])))
        self.x0_label = _tex("x_0", style.SMALL_SIZE, style.HIGHLIGHT)
        label_y = self.x_numbers.get_bottom()[1] - 0.05
        self.follow(self.x0_label,
                    lambda m, st: m.move_to([self.to_frame(self.bottom, st["x0"], 0)[0], label_y, 0], UP))

    def plot(self, axes: Axes, f: Curve, color, dashed: bool = False, width: float = style.CURVE_WIDTH) -> VMobject:
        """Plot ``f`` once (``f`` maps an array of x, shape ``(n,)``, to y of shape ``(n,)``)."""
        lo, hi = self.settings.rbf.x_range
        curve = axes.plot(f, x_range=[lo, hi, (hi - lo) / 300], use_vectorized=True, color=color, stroke_width=width)
        return DashedCurve(curve, num_dashes=70, dashed_ratio=0.55) if dashed else curve

    # --- the moving point ----------------------------------------------------------------------
    def to_frame(self, axes: Axes, x: float, y: float) -> np.ndarray:
        """``axes.c2p(x, y)`` (a frame point, shape ``(3,)``) for the panels' axes, without its per-call overhead."""
        return self._frames[id(axes)].point(x, y)

    def compute(self, x0: float) -> dict[str, np.ndarray]:
        """All numbers the moving mobjects need at ``x0`` (subclasses extend)."""
        return {"x0": np.float64(x0)}

    def state(self) -> dict[str, np.ndarray]:
        """``compute(x0)`` for the tracker's current value, computed once per value."""
        return self._state_at(float(self.x0.get_value()))

    def follow(self, mob: Mobject, place: Callable[[Mobject, dict[str, np.ndarray]], object]) -> Mobject:
        """Keep ``mob`` placed by ``place(mob, state)`` as x0 moves (moves it, never rebuilds it).

        No updater: :meth:`sweep_to` re-places the followers on each frame, so between sweeps
        they are still pictures that Manim keeps in its cached background."""
        self._followers.append((mob, place))
        place(mob, self.state())
        return mob

    def set_x0(self, x0: float) -> None:
        """Move the point to ``x0`` and re-place every follower at once."""
        self.x0.set_value(x0)
        self.refresh()

    def refresh(self) -> None:
        """Re-place every follower for the current ``x0``."""
        st = self.state()
        for mob, place in self._followers:
            place(mob, st)

    def make_dot(self, axes: Axes, key: str, i: int, color, radius: float | None = None) -> Dot:
        dot = Dot(radius=radius or self.DOT_RADIUS, color=color)
        return self.follow(dot, lambda m, st: m.move_to(self.to_frame(axes, st["x0"], st[key][i])))

    def make_tangent(self, axes: Axes, key: str, i: int, color) -> Line:
        line = Line(LEFT, RIGHT, color=color, stroke_width=3)
        return self.follow(line, lambda m, st: _place_segment(
            m, self.to_frame(axes, *st[key][i, 0]), self.to_frame(axes, *st[key][i, 1])))

    def tangents_at(self, x0: float, y: np.ndarray, slope: np.ndarray) -> np.ndarray:
        """Segment ends (k, 2, 2) in upper-panel data coordinates, ``TANGENT_LENGTH`` long on screen."""
        return tangent_segments(x0, y, slope, self.TANGENT_LENGTH, *self._top_units)

    def readout_number(self, key: str, i: int | None, mob: DecimalNumber) -> DecimalNumber:
        """Make ``mob`` (a :class:`LiveDecimal`) show ``state[key][i]``."""

        def place(m: DecimalNumber, st: dict[str, np.ndarray]) -> None:
            m.set_value(float(st[key] if i is None else st[key][i]))

        return self.follow(mob, place)

    def sweep_to(self, target: float, seconds: float, rate_func=smooth) -> None:
        """Move ``x0`` to ``target``.  The followers on screen (and only they) are re-placed and
        redrawn on each frame; any others are re-placed by the next :meth:`set_x0`."""
        on_screen = {id(m) for m in self.get_mobject_family_members()}
        shown = [(mob, place) for mob, place in self._followers if id(mob) in on_screen]
        start = self.x0.get_value()

        def step(_group: VGroup, alpha: float) -> None:
            self.x0.set_value(start + alpha * (target - start))
            st = self.state()
            for mob, place in shown:
                place(mob, st)

        self.play(UpdateFromAlphaFunc(VGroup(*(mob for mob, _ in shown)), step, rate_func=rate_func),
                  run_time=self.rt(seconds))

    def fit_side(self, group: Mobject, top: float, bottom: float) -> Mobject:
        """Scale ``group`` down if needed to fit the right-hand column between ``top`` and ``bottom``."""
        width = config.frame_width / 2 - style.FRAME_MARGIN - self.SIDE_LEFT
        if group.width > width:
            group.scale_to_fit_width(width)
        if group.height > top - bottom:
            group.scale_to_fit_height(top - bottom)
        return group.move_to([self.SIDE_LEFT, (top + bottom) / 2, 0], aligned_edge=LEFT)


class RBFJacobian(_TwoPanelScene):
    """Three (or any number of) Gaussian bumps, their derivatives, and the Jacobian row at a moving x0."""

    TITLE = "RBF features and their Jacobian"

    AXES_TIME = 1.0
    DRAW_TIME = 1.0  # per bump
    LEGEND_TIME = 0.8
    DERIVATIVE_TIME = 1.0  # per derivative curve
    PROBE_TIME = 1.0
    SWEEP_OUT_TIME = 6.0  # left to right across the domain
    SETTLE_TIME = 3.0  # back to x0_final
    HOLD_TIME = 2.0

    def construct(self) -> None:
        self.title_card(self.TITLE)
        self.build_figure()
        self.show_bumps()
        self.beat()
        self.show_derivatives()
        self.beat()
        self.show_probe()
        self.beat()
        self.sweep_point()
        self.beat()
        self.settle()

    # --- figure ----------------------------------------------------------------------------------
    def compute(self, x0: float) -> dict[str, np.ndarray]:
        vals, ders = self.rbf.values(x0)[0], self.rbf.derivatives(x0)[0]
        return {"x0": np.float64(x0), "phi": vals, "dphi": ders, "tangent": self.tangents_at(x0, vals, ders)}

    def build_figure(self) -> None:
        """Create every mobject (nothing is added to the scene); tests call this then :meth:`set_x0`."""
        self.rbf = self.basis()
        xs = self.x_samples()
        self.build_panels(self.rbf.values(xs), self.rbf.derivatives(xs))
        k, centers = self.rbf.k, self.rbf.centers
        colors = [style.basis_color(i) for i in range(k)]
        self.bumps = VGroup(*(self.plot(self.top, lambda x, i=i: self.rbf.values(x)[:, i], colors[i])
                              for i in range(k)))
        self.dbumps = VGroup(*(self.plot(self.bottom, lambda x, i=i: self.rbf.derivatives(x)[:, i], colors[i],
                                         dashed=True) for i in range(k)))
        lo, hi = self.settings.rbf.x_range
        visible = [i for i in range(k) if lo <= centers[i] <= hi]
        self.centre_marks = VGroup(*(
            Triangle(color=colors[i], fill_opacity=1, stroke_width=0).scale(0.07)
            .move_to(self.top.c2p(centers[i], 0), UP).shift(DOWN * 0.04) for i in visible))
        self.peak_labels = self._peak_labels(visible, colors)
        self.legend = self._legend(colors)
        self.formula = self._formula()
        self.dots = VGroup(*(self.make_dot(self.top, "phi", i, colors[i]) for i in range(k)))
        self.ddots = VGroup(*(self.make_dot(self.bottom, "dphi", i, colors[i]) for i in range(k)))
        self.tangents = VGroup(*(self.make_tangent(self.top, "tangent", i, interpolate_color(colors[i], WHITE, 0.5))
                                 for i in range(k)))
        self.readout = self._readout(colors)

    def _peak_labels(self, visible: list[int], colors) -> VGroup:
        # Tangents near a peak poke above it: lift the labels clear of the highest tangent end.
        xs = self.x_samples()
        one = RBFBasis([0.0], self.rbf.sigma)
        ends = self.tangents_at(xs, one.values(xs)[:, 0], one.derivatives(xs)[:, 0])
        lift = max(0.0, (ends[:, :, 1].max() - 1.0) * self.top.y_axis.get_unit_size()) + 0.08
        labels = VGroup()
        last_right, level = -np.inf, 0
        for i in sorted(visible, key=lambda j: self.rbf.centers[j]):
            label = _tex(rf"\phi_{{{i + 1}}}", style.LABEL_SIZE, colors[i])
            # up and to the right of the peak: clear of the guide line and of every tangent
            label.move_to(self.top.c2p(self.rbf.centers[i], 1.0) + RIGHT * 0.1 + UP * lift, DL)
            level = level + 1 if label.get_left()[0] < last_right + 0.1 and level == 0 else 0
            label.shift(UP * 0.35 * level)
            last_right = label.get_right()[0]
            labels.add(label)
        return labels

    def _legend(self, colors) -> VGroup:
        sigma = _fmt(self.rbf.sigma)
        head = _tex(rf"\phi_i(x) = e^{{-(x-c_i)^2 / 2\sigma^2}},\ \ \sigma = {sigma}", style.SMALL_SIZE)
        rows = VGroup(*(
            VGroup(Line(LEFT * 0.22, RIGHT * 0.22, color=colors[i], stroke_width=style.CURVE_WIDTH),
                   _tex(rf"\phi_{{{i + 1}}}:\ c_{{{i + 1}}} = {_fmt(c)}", style.SMALL_SIZE)).arrange(RIGHT, buff=0.15)
            for i, c in enumerate(self.rbf.centers)))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        if self.rbf.k > 4:
            rows.arrange_in_grid(cols=2, col_alignments="ll", buff=(0.35, 0.12), flow_order="dr")
        legend = VGroup(head, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        half = self.PANEL_HEIGHT / 2
        return self.fit_side(legend, self.TOP_PANEL_Y + half + 0.3, self.TOP_PANEL_Y - half)

    def _formula(self) -> VGroup:
        head = VGroup(DashedVMobject(Line(LEFT * 0.25, RIGHT * 0.25, stroke_width=style.CURVE_WIDTH,
                                          color=style.TEXT), num_dashes=3),
                      Text("derivatives", font_size=style.SMALL_SIZE, color=style.TEXT)).arrange(RIGHT, buff=0.15)
        eq = _tex(r"\phi_i'(x) = \phi_i(x)\,\frac{-(x-c_i)}{\sigma^2}", style.LABEL_SIZE)
        group = VGroup(head, eq).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        half = self.PANEL_HEIGHT / 2
        return self.fit_side(group, self.BOTTOM_PANEL_Y + half, self.BOTTOM_PANEL_Y - half)

    def _readout(self, colors) -> VGroup:
        st = self.state()
        x0_text = _tex("x_0 =", style.MATRIX_SIZE, style.HIGHLIGHT)
        x0_num = LiveDecimal(float(st["x0"]), num_decimal_places=2, font_size=style.MATRIX_SIZE,
                               color=style.HIGHLIGHT)
        lhs = _tex(r"\frac{d\phi}{dx}(x_0) =", style.MATRIX_SIZE)
        # size the brackets for the widest entry the sweep can show (negative, largest magnitude)
        widest = -float(np.abs(self.rbf.derivatives(self.x_samples())).max())
        row = DecimalMatrix([[widest] * self.rbf.k], element_to_mobject=LiveDecimal,
                            element_to_mobject_config={"num_decimal_places": 2},
                            h_buff=1.6, bracket_h_buff=0.15)
        row.scale(style.MATRIX_SIZE / 48)
        for i, entry in enumerate(row.get_entries()):
            entry.set_color(colors[i])
            entry.edge_to_fix = ORIGIN  # keep each entry centred in its column as its width changes
            entry.set_value(float(st["dphi"][i]))
        group = VGroup(VGroup(x0_text, x0_num).arrange(RIGHT, buff=0.15), VGroup(lhs, row).arrange(RIGHT, buff=0.2))
        group.arrange(RIGHT, buff=0.8)
        width = config.frame_width - 2 * style.FRAME_MARGIN
        if group.width > width:
            group.scale_to_fit_width(width)
        group.move_to([0, self.READOUT_Y, 0])
        self.readout_numbers = [self.readout_number("x0", None, x0_num)]
        self.readout_numbers += [self.readout_number("dphi", i, e) for i, e in enumerate(row.get_entries())]
        self.row = row
        return group

    # --- beats -----------------------------------------------------------------------------------
    def show_bumps(self) -> None:
        self.caption(f"{self.rbf.k} Gaussian bumps phi_i, one per centre c_i, map x to a feature vector phi(x).",
                     self.AXES_TIME + self.DRAW_TIME * self.rbf.k + self.LEGEND_TIME)
        self.play(Create(self.top), FadeIn(self.x_numbers), FadeIn(self.x_label), run_time=self.rt(self.AXES_TIME))
        for i in range(self.rbf.k):
            anims = [Create(self.bumps[i])]
            if i < len(self.centre_marks):
                anims += [FadeIn(self.centre_marks[i], shift=UP * 0.1), Write(self.peak_labels[i])]
            self.play(*anims, FadeIn(self.legend[1][i]), run_time=self.rt(self.DRAW_TIME))
        self.play(Write(self.legend[0]), run_time=self.rt(self.LEGEND_TIME))

    def show_derivatives(self) -> None:
        self.caption("Below, dashed: their derivatives phi_i'(x) = phi_i(x) (-(x - c_i) / sigma^2).",
                     self.AXES_TIME + self.DERIVATIVE_TIME * self.rbf.k)
        self.play(Create(self.bottom), Write(self.formula), run_time=self.rt(self.AXES_TIME))
        for i in range(self.rbf.k):
            self.play(Create(self.dbumps[i], rate_func=linear), run_time=self.rt(self.DERIVATIVE_TIME))

    def show_probe(self) -> None:
        self.caption("At a point x0, each tangent's slope is the height of the matching dot below.",
                     self.PROBE_TIME * 4)
        self.play(Create(self.guide), FadeIn(self.x0_label), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.dots), FadeIn(self.ddots), Create(self.tangents), run_time=self.rt(self.PROBE_TIME))
        # each one in place (Indicate on the group would also spread them apart)
        self.play(*(Indicate(t, scale_factor=1.3) for t in self.tangents),
                  *(Indicate(d, scale_factor=1.6) for d in self.ddots), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.readout), run_time=self.rt(self.PROBE_TIME))

    def sweep_point(self) -> None:
        lo, hi = self.settings.rbf.x_range
        entries = ", ".join(f"phi_{i + 1}'" for i in range(self.rbf.k))
        self.caption(f"As x0 sweeps, the Jacobian row d phi/dx(x0) = [{entries}] follows the slopes.",
                     self.SWEEP_OUT_TIME)
        self.sweep_to(hi - self.SWEEP_MARGIN * (hi - lo), self.SWEEP_OUT_TIME, rate_func=linear)

    def settle(self) -> None:
        x_final = self.settings.rbf.x0_final
        rbf = self.settings.rbf
        page = x_final == 0 and tuple(rbf.centers) == (-2.0, 0.0, 2.0) and rbf.sigma == 1
        where = "the values and slopes of the page's figure" if page else "the values phi_i(x0) and slopes phi_i'(x0)"
        self.caption(f"At x0 = {_fmt(x_final)}: {where}, and the Jacobian row they make.",
                     self.SETTLE_TIME + 1.5 + self.HOLD_TIME)
        self.sweep_to(x_final, self.SETTLE_TIME)
        rings = VGroup(*(Circle(radius=self.DOT_RADIUS * 2.4, color=style.HIGHLIGHT, stroke_width=3)
                         .move_to(d) for d in [*self.dots, *self.ddots]))
        box = SurroundingRectangle(self.row, color=style.HIGHLIGHT, buff=0.08, stroke_width=2)
        self.play(Create(rings), Create(box), *(d.animate.scale(1.4) for d in [*self.dots, *self.ddots]),
                  run_time=self.rt(1.5))
        self.pause(self.HOLD_TIME)


class RBFModel(_TwoPanelScene):
    """f(x) = w^T phi(x) built from weighted bumps; f'(x) = w^T dphi/dx from weighted derivatives."""

    TITLE = "From features to a model"

    WEIGHT_TIME = 1.5
    SUM_STEP_TIME = 1.0  # per added term
    PROBE_TIME = 1.0
    SWEEP_OUT_TIME = 6.0
    SETTLE_TIME = 3.0
    HOLD_TIME = 2.0

    def construct(self) -> None:
        self.title_card(self.TITLE)
        self.build_figure()
        self.show_weighted_bumps()
        self.beat()
        self.add_up_model()
        self.beat()
        self.add_up_slope()
        self.beat()
        self.show_tangent()
        self.beat()
        self.sweep_point()
        self.beat()
        self.settle()

    def compute(self, x0: float) -> dict[str, np.ndarray]:
        wv, wd = self.model.weighted_values(x0)[0], self.model.weighted_derivatives(x0)[0]
        f, df = self.model(x0), self.model.derivative(x0)
        return {"x0": np.float64(x0), "wphi": wv, "wdphi": wd, "f": f, "df": df,
                "tangent": self.tangents_at(x0, f, df)}

    def build_figure(self) -> None:
        """Create every mobject (nothing is added to the scene); tests call this then :meth:`set_x0`."""
        basis = self.basis()
        self.model = RBFLinearModel(basis, self.settings.rbf.weights)
        xs = self.x_samples()
        k = basis.k
        vals = np.hstack([basis.values(xs), partial_sums(self.model.weighted_values(xs))])
        ders = partial_sums(self.model.weighted_derivatives(xs))
        self.build_panels(np.hstack([vals, self.model.weighted_values(xs)]),
                          np.hstack([ders, self.model.weighted_derivatives(xs)]))
        colors = [style.basis_color(i) for i in range(k)]
        thin = style.CURVE_WIDTH - 1
        self.bumps = VGroup(*(self.plot(self.top, lambda x, i=i: basis.values(x)[:, i], colors[i], width=thin)
                              for i in range(k)))
        self.wbumps = VGroup(*(self.plot(self.top, lambda x, i=i: self.model.weighted_values(x)[:, i], colors[i],
                                         width=thin) for i in range(k)))
        self.wdbumps = VGroup(*(self.plot(self.bottom, lambda x, i=i: self.model.weighted_derivatives(x)[:, i],
                                          colors[i], dashed=True, width=thin) for i in range(k)))
        # partial sums S_j = sum_{i<=j} w_i phi_i: S_{k-1} is f
        self.f_steps = [self.plot(self.top, lambda x, j=j: partial_sums(self.model.weighted_values(x))[:, j],
                                  style.MODEL) for j in range(k)]
        self.df_steps = [self.plot(self.bottom, lambda x, j=j: partial_sums(self.model.weighted_derivatives(x))[:, j],
                                   style.MODEL) for j in range(k)]
        self.f_curve, self.df_curve = self.f_steps[-1], self.df_steps[-1]
        self.weights = self._weights(colors)
        self.f_formula, self.df_formula = self._formulas()
        self.term_dots = VGroup(*(self.make_dot(self.top, "wphi", i, colors[i], self.DOT_RADIUS * 0.8)
                                  for i in range(k)))
        self.dterm_dots = VGroup(*(self.make_dot(self.bottom, "wdphi", i, colors[i], self.DOT_RADIUS * 0.8)
                                   for i in range(k)))
        self.f_dot = self.follow(Dot(radius=self.DOT_RADIUS * 1.2, color=style.MODEL),
                                 lambda m, st: m.move_to(self.to_frame(self.top, st["x0"], st["f"][0])))
        self.df_dot = self.follow(Dot(radius=self.DOT_RADIUS * 1.2, color=style.MODEL),
                                  lambda m, st: m.move_to(self.to_frame(self.bottom, st["x0"], st["df"][0])))
        self.tangent = self.make_tangent(self.top, "tangent", 0, style.HIGHLIGHT)
        self.tangent.set_stroke(width=4)
        self.readout = self._readout()

    def _weights(self, colors) -> VGroup:
        w = self.model.weights
        lhs = _tex(r"w =", style.MATRIX_SIZE)
        row = DecimalMatrix([w.tolist()], element_to_mobject_config={"num_decimal_places": 1}, h_buff=1.5,
                            bracket_h_buff=0.15)
        row.scale(style.MATRIX_SIZE / 48)
        for i, entry in enumerate(row.get_entries()):
            entry.set_color(colors[i])
        return VGroup(lhs, row).arrange(RIGHT, buff=0.2)

    def _formulas(self) -> tuple[VGroup, VGroup]:
        half = self.PANEL_HEIGHT / 2
        f_eq = _tex(r"f(x) = w^\top \phi(x) = \sum_i w_i\,\phi_i(x)", style.LABEL_SIZE)
        top = VGroup(self.weights, f_eq).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        self.fit_side(top, self.TOP_PANEL_Y + half + 0.3, self.TOP_PANEL_Y - half)
        df_eq = _tex(r"f'(x) = w^\top \frac{d\phi}{dx} = \sum_i w_i\,\phi_i'(x)", style.LABEL_SIZE)
        bottom = VGroup(df_eq)
        self.fit_side(bottom, self.BOTTOM_PANEL_Y + half, self.BOTTOM_PANEL_Y - half)
        return top, bottom

    def _readout(self) -> VGroup:
        st = self.state()
        size = style.MATRIX_SIZE
        x0_num = LiveDecimal(float(st["x0"]), num_decimal_places=2, font_size=size, color=style.HIGHLIGHT)
        f_num = LiveDecimal(float(st["f"][0]), num_decimal_places=2, font_size=size, color=style.MODEL)
        df_num = LiveDecimal(float(st["df"][0]), num_decimal_places=2, font_size=size, color=style.HIGHLIGHT)
        group = VGroup(
            VGroup(_tex("x_0 =", size, style.HIGHLIGHT), x0_num).arrange(RIGHT, buff=0.15),
            VGroup(_tex("f(x_0) =", size), f_num).arrange(RIGHT, buff=0.15),
            VGroup(_tex(r"\text{slope of tangent} = f'(x_0) =", size, style.HIGHLIGHT), df_num)
            .arrange(RIGHT, buff=0.15),
        ).arrange(RIGHT, buff=0.7)
        width = config.frame_width - 2 * style.FRAME_MARGIN
        if group.width > width:
            group.scale_to_fit_width(width)
        group.move_to([0, self.READOUT_Y, 0])
        self.readout_numbers = [self.readout_number("x0", None, x0_num), self.readout_number("f", 0, f_num),
                                self.readout_number("df", 0, df_num)]
        return group

    # --- beats -----------------------------------------------------------------------------------
    def show_weighted_bumps(self) -> None:
        k = self.model.basis.k
        self.caption("A model weighs the features: each bump phi_i is scaled by its weight w_i.",
                     self.WEIGHT_TIME * 2 + 1.0)
        self.play(Create(self.top), FadeIn(self.x_numbers), FadeIn(self.x_label),
                  *(Create(b) for b in self.bumps), run_time=self.rt(self.WEIGHT_TIME))
        self.play(Write(self.weights), run_time=self.rt(1.0))
        self.play(*(ReplacementTransform(self.bumps[i], self.wbumps[i]) for i in range(k)),
                  run_time=self.rt(self.WEIGHT_TIME))

    def add_up_model(self) -> None:
        k = self.model.basis.k
        self.caption("Adding the weighted bumps one by one builds the model f(x) = w^T phi(x).",
                     self.SUM_STEP_TIME * k + 1.5)
        self.play(Write(self.f_formula[1]), run_time=self.rt(1.0))
        self._add_up(self.wbumps, self.f_steps)

    def add_up_slope(self) -> None:
        k = self.model.basis.k
        self.caption("Its slope adds up the same way: f'(x) = w^T dphi/dx, the weighted derivatives.",
                     self.SUM_STEP_TIME * (k + 1) + 1.5)
        self.play(Create(self.bottom), Write(self.df_formula), run_time=self.rt(1.0))
        self.play(*(Create(c, rate_func=linear) for c in self.wdbumps), run_time=self.rt(self.SUM_STEP_TIME))
        self._add_up(self.wdbumps, self.df_steps)

    def _add_up(self, terms: VGroup, steps: list[VMobject]) -> None:
        """Grow the running sum: a copy of term 0, then morph through S_1, ..., S_{k-1}."""
        # Manim redraws every frame all it holds from the first animated mobject on: with the terms
        # last (they overlap nothing added after them), the formulas stay in the cached background
        self.bring_to_front(terms)
        running = steps[0].copy()
        if isinstance(terms[0], DashedCurve):  # dashes do not morph well into a solid curve
            first = AnimationGroup(Create(running), self._flash(terms[0]))
        else:
            first = ReplacementTransform(terms[0].copy(), running)
        self.play(first, run_time=self.rt(self.SUM_STEP_TIME))
        for j in range(1, len(steps)):
            self.play(Transform(running, steps[j]), self._flash(terms[j]), run_time=self.rt(self.SUM_STEP_TIME))
        self.remove(running)
        self.add(steps[-1])
        self.play(terms.animate.set_stroke(opacity=0.45), run_time=self.rt(0.5))
        self.add(steps[-1])  # back on top: the sum is drawn above its dimmed terms in both panels

    @staticmethod
    def _flash(term: VMobject) -> Animation:
        """Thicken a term and back: 'this one is being added'."""
        return term.animate(rate_func=there_and_back).set_stroke(width=style.CURVE_WIDTH * 2)

    def show_tangent(self) -> None:
        self.caption("Check: a tangent on f at x0 has slope f'(x0), the height of the dot on f' below.",
                     self.PROBE_TIME * 3)
        self.play(Create(self.guide), FadeIn(self.x0_label), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.term_dots), FadeIn(self.dterm_dots), FadeIn(self.f_dot), FadeIn(self.df_dot),
                  Create(self.tangent), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.readout), run_time=self.rt(self.PROBE_TIME))

    def sweep_point(self) -> None:
        lo, hi = self.settings.rbf.x_range
        self.caption("Wherever x0 goes, the tangent's slope is the sum of the weighted derivative dots.",
                     self.SWEEP_OUT_TIME)
        self.sweep_to(hi - self.SWEEP_MARGIN * (hi - lo), self.SWEEP_OUT_TIME, rate_func=linear)

    def settle(self) -> None:
        x_final = self.settings.rbf.x0_final
        self.caption(f"At x0 = {_fmt(x_final)}, f'(x0) = w^T dphi/dx(x0): one weighted Jacobian row.",
                     self.SETTLE_TIME + 1.5 + self.HOLD_TIME)
        self.sweep_to(x_final, self.SETTLE_TIME)
        rings = VGroup(*(Circle(radius=self.DOT_RADIUS * 2.6, color=style.HIGHLIGHT, stroke_width=3).move_to(d)
                         for d in (self.f_dot, self.df_dot)))
        box = SurroundingRectangle(self.readout[2], color=style.HIGHLIGHT, buff=0.08, stroke_width=2)
        self.play(Create(rings), Create(box), run_time=self.rt(1.5))
        self.pause(self.HOLD_TIME)
