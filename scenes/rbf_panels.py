"""The two-panel layout shared by the RBF scenes (storyboard items 1 and 2).

Both scenes share a two-panel layout (features above, derivatives below, one x-axis) and a
moving point x0 held by a ValueTracker.  Everything drawn is computed by ``jacobian_math``.
The mobjects that follow x0 are followers (:mod:`scenes.kit.followers`): no updaters, re-placed on
each frame of a sweep only; curves are plotted once.

    .venv/bin/manim -pql scenes/rbf_jacobian.py RBFJacobian
    .venv/bin/manim -pql scenes/rbf_model.py RBFModel
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    DecimalNumber,
    Dot,
    Line,
    MathTex,
    Mobject,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    smooth,
)

from jacobian_math.fields import nice_step
from jacobian_math.plotting import axis_range, tangent_segments
from jacobian_math.rbf import RBFBasis
from scenes.kit import style
from scenes.kit.coords import PlotFrame
from scenes.kit.followers import Followers
from scenes.kit.scene import LectureScene
from scenes.kit.shapes import DashedCurve, place_segment

Curve = Callable[[np.ndarray], np.ndarray]


def label_tex(tex: str, size: float = style.LABEL_SIZE, color=style.TEXT) -> MathTex:
    return MathTex(tex, font_size=size, color=color)


def decimals_for_step(step: float) -> int:
    """Decimal places needed to print multiples of ``step`` exactly (0.25 -> 2, 0.5 -> 1, 2 -> 0)."""
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 4


class RBFPanelsScene(LectureScene):
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
    AXIS_NUMBER_SIZE = style.KEY_SIZE
    X_NUMBER_BUFF = 0.28  # the x numbers sit this far under the lower panel, where the x0 guide ends: clear of it
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
            x_range=[lo, hi, nice_step(hi - lo, 5, rule="nearest")],
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
        places = decimals_for_step(y_step)
        numbers = VGroup(
            *(
                DecimalNumber(t + 0.0, num_decimal_places=places, font_size=self.AXIS_NUMBER_SIZE, color=style.MUTED)
                .next_to(axes.c2p(lo, t), LEFT, buff=style.AXIS_LABEL_GAP)
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
        self.followers = Followers()  # everything that moves with x0
        self.top = self._axes(top_values, self.TOP_PANEL_Y, 0.06)
        self.bottom = self._axes(bottom_values, self.BOTTOM_PANEL_Y, 0.08)
        self._top_units = (self.top.x_axis.get_unit_size(), self.top.y_axis.get_unit_size())
        self._frames = {id(a): PlotFrame(a) for a in (self.top, self.bottom)}  # both axes never move
        lo, hi = self.settings.rbf.x_range
        step = nice_step(hi - lo, 5, rule="nearest")
        xs = np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step
        self.x_numbers = VGroup(
            *(
                DecimalNumber(x + 0.0, num_decimal_places=decimals_for_step(step), font_size=self.AXIS_NUMBER_SIZE,
                              color=style.MUTED).next_to(self.bottom.c2p(x, self.bottom.y_range[0]), DOWN,
                                                           buff=self.X_NUMBER_BUFF)
                for x in xs
            )
        )
        self.x_label = label_tex("x", style.SMALL_SIZE, style.MUTED).next_to(
            self.bottom.c2p(hi, self.bottom.y_range[0]), DOWN, buff=self.X_NUMBER_BUFF).shift(RIGHT * 0.35)
        self.x0 = ValueTracker(lo + self.SWEEP_MARGIN * (hi - lo))
        self._state_at = lru_cache(maxsize=1)(self.compute)  # one compute per value of x0
        self.guide = Line(
            self.top.c2p(0, self.top.y_range[1]), self.bottom.c2p(0, self.bottom.y_range[0]),
            color=style.HIGHLIGHT, stroke_width=style.THIN_WIDTH, stroke_opacity=0.7,
        )
        self.follow(self.guide, lambda m, st: place_segment(
            m, self.to_frame(self.top, st["x0"], self.top.y_range[1]),
            self.to_frame(self.bottom, st["x0"], self.bottom.y_range[0])))
        self.x0_label = label_tex("x_0", style.SMALL_SIZE, style.HIGHLIGHT)
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
        """Keep ``mob`` placed by ``place(mob, state)`` as x0 moves: a follower (:mod:`scenes.kit.followers`)
        given the state at x0, computed once per value of x0."""
        return self.followers.add(mob, lambda m: place(m, self.state()))

    def set_x0(self, x0: float) -> None:
        """Move the point to ``x0`` and re-place every follower at once."""
        self.x0.set_value(x0)
        self.refresh()

    def refresh(self) -> None:
        """Re-place every follower for the current ``x0``."""
        self.followers.refresh()

    def make_dot(self, axes: Axes, key: str, i: int, color, radius: float | None = None) -> Dot:
        dot = Dot(radius=radius or self.DOT_RADIUS, color=color)
        return self.follow(dot, lambda m, st: m.move_to(self.to_frame(axes, st["x0"], st[key][i])))

    def make_tangent(self, axes: Axes, key: str, i: int, color) -> Line:
        line = Line(LEFT, RIGHT, color=color, stroke_width=style.LINE_WIDTH)
        return self.follow(line, lambda m, st: place_segment(
            m, self.to_frame(axes, *st[key][i, 0]), self.to_frame(axes, *st[key][i, 1])))

    def highlight_rings(self, dots, radius: float) -> VGroup:
        """Rings of ``radius`` around ``dots``; dots whose rings would overlap (dots at nearly the same height,
        as phi_1 and phi_4 near 0 with four centres) share one ring drawn round all of them, so rings never pile
        on one another."""
        centres = [np.array(d.get_center()) for d in dots]
        clusters: list[list[int]] = []
        for i in np.argsort([c[1] for c in centres]):  # by height: a cluster grows along the guide line
            for cluster in clusters:
                if any(np.linalg.norm(centres[i] - centres[j]) < 2 * radius + 0.04 for j in cluster):
                    cluster.append(i)
                    break
            else:
                clusters.append([i])
        merged = True
        while merged:  # a grown ring may now reach a neighbour: merge until none overlap
            merged = False
            rings = [self._enclosing(centres, c, radius) for c in clusters]
            for a in range(len(rings)):
                for b in range(a + 1, len(rings)):
                    if np.linalg.norm(rings[a][0] - rings[b][0]) < rings[a][1] + rings[b][1] + 0.04:
                        clusters[a] += clusters.pop(b)
                        merged = True
                        break
                if merged:
                    break
        return VGroup(*(Circle(radius=r, color=style.HIGHLIGHT, stroke_width=style.LINE_WIDTH).move_to(c)
                        for c, r in rings))

    @staticmethod
    def _enclosing(centres, cluster: list[int], radius: float) -> tuple[np.ndarray, float]:
        pts = np.array([centres[i] for i in cluster])
        mid = (pts.min(axis=0) + pts.max(axis=0)) / 2
        return mid, radius + float(np.linalg.norm(pts - mid, axis=1).max())

    def tangents_at(self, x0: float, y: np.ndarray, slope: np.ndarray) -> np.ndarray:
        """Segment ends (k, 2, 2) in upper-panel data coordinates, ``TANGENT_LENGTH`` long on screen."""
        return tangent_segments(x0, y, slope, self.TANGENT_LENGTH, *self._top_units)

    def readout_number(self, key: str, i: int | None, mob: DecimalNumber) -> DecimalNumber:
        """Make ``mob`` (a :class:`LiveDecimal`) show ``state[key][i]``."""

        def place(m: DecimalNumber, st: dict[str, np.ndarray]) -> None:
            m.set_value(float(st[key] if i is None else st[key][i]))

        return self.follow(mob, place)

    def sweep_to(self, target: float, seconds: float, rate_func=smooth) -> None:
        """Move ``x0`` to ``target``; the followers on screen are re-placed on each frame."""
        self.followers.play(self, self.x0.animate.set_value(target), rate_func=rate_func, run_time=self.rt(seconds))

    def fit_side(self, group: Mobject, top: float, bottom: float) -> Mobject:
        """Scale ``group`` down if needed to fit the right-hand column between ``top`` and ``bottom``."""
        width = config.frame_width / 2 - style.FRAME_MARGIN - self.SIDE_LEFT
        if group.width > width:
            group.scale_to_fit_width(width)
        if group.height > top - bottom:
            group.scale_to_fit_height(top - bottom)
        return group.move_to([self.SIDE_LEFT, (top + bottom) / 2, 0], aligned_edge=LEFT)
