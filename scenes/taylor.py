"""TaylorError: ||f(p + d) - f(p) - J d|| against |d| on log-log axes, with its fitted slope (p the point, so that
x and y stay the map's coordinates).

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/taylor.py TaylorError
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import *

from jacobian_math import (
    PlaneMap,
    loglog_fit,
    taylor_box,
    taylor_error_ratios,
    taylor_errors,
    taylor_offsets,
    unit_direction,
)
from jacobian_settings import ConfigError
from scenes.kit import style
from scenes.kit.followers import Followers
from scenes.kit.panel import Panel
from scenes.kit.readouts import (
    LiveDecimal,
    decimal_matrix,
)
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import fmt_number, places_for, readable_map


class TaylorError(LectureScene):
    """f(p + d) against f(p) + J d as d shrinks; the error on log-log axes and its fitted slope."""

    TITLE = "Local linearity: the Taylor error"
    SAMPLES = 9  # steps plotted on the log-log axes
    Z_STILL = -1  # z-index of panels, axes and labels (what follows s stays at 0, drawn after them)
    X_NAME_GAP = 0.45  # |d| under the x axis
    Y_NAME_GAP = 0.2  # 'error' beside the y axis' top

    def construct(self) -> None:
        cfg = self.settings.taylor
        self.fmap = PlaneMap.from_expressions(*self.settings.map.expressions)
        self.p = np.array(cfg.point)
        self.u = unit_direction(cfg.direction)
        lo, hi = cfg.steps
        self.steps = np.geomspace(hi, lo, self.SAMPLES)
        self.errors = taylor_errors(self.fmap, self.p, self.u, self.steps)
        if not (self.errors > 1e-13 * self.steps).all():  # zero up to rounding: nothing to fit on log-log axes
            raise ConfigError(f"{self.settings.source}: TaylorError needs a map with curvature along d at p: the "
                              f"Taylor error of [map] at [taylor].point along direction is 0 up to "
                              f"rounding (f is linear there)")
        # the fitted line through the points: log10 e = slope log10 s + intercept
        self.slope, self.intercept = loglog_fit(self.steps, self.errors)
        self.jac = self.fmap.jacobian(self.p)
        self.s = ValueTracker(hi)
        self.followers = Followers()  # the two ends, the error segment and the readouts follow s while it moves
        self.beat("title_card")
        self.title_card(self.TITLE, "how fast the error of f(p) + J d shrinks with d")
        self.beat("show_curves")
        self.show_curves()
        self.beat("shrink_step")
        self.shrink_step()
        self.beat("read_slope")
        self.read_slope()

    def offsets(self, s: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """f(p + s u) - f(p) and J s u, each ``(k, 2)`` for ``s (k,)`` (a scalar: ``k = 1``)."""
        return taylor_offsets(self.fmap, self.p, self.u, s)

    def show_curves(self) -> None:
        box = taylor_box(self.fmap, self.p, self.u, float(self.steps[0]))
        self.panel = Panel(box, 4.3, step=0.5).place([-3.6, 0.2, 0])
        true_all, linear_all = self.offsets(np.linspace(0, self.steps[0], 80))
        curve = self.panel.polyline(true_all, stroke_color=style.MODEL, stroke_width=style.LINE_WIDTH)
        line = self.panel.polyline(linear_all, stroke_color=style.JE1, stroke_width=style.LINE_WIDTH)
        origin = Dot(self.panel.point((0, 0)), color=style.TEXT, radius=0.06)
        legend = VGroup(
            VGroup(Line(ORIGIN, RIGHT * 0.4, color=style.MODEL, stroke_width=style.LINE_WIDTH),
                   MathTex(r"f(p + d) - f(p)", font_size=style.SMALL_SIZE)).arrange(RIGHT, buff=style.READOUT_GAP),
            VGroup(Line(ORIGIN, RIGHT * 0.4, color=style.JE1, stroke_width=style.LINE_WIDTH),
                   MathTex(r"J(p)\,d", font_size=style.SMALL_SIZE)).arrange(RIGHT, buff=style.READOUT_GAP),
            VGroup(Line(ORIGIN, RIGHT * 0.4, color=style.HIGHLIGHT, stroke_width=style.CURVE_WIDTH),
                   MathTex(r"\text{error } \|f(p+d) - f(p) - J d\|", font_size=style.SMALL_SIZE)
                   ).arrange(RIGHT, buff=style.READOUT_GAP),
        ).arrange(DOWN, aligned_edge=LEFT, buff=style.LINE_GAP)
        legend.next_to(self.panel.border, DOWN, buff=style.UNDER_PANEL_GAP).align_to(self.panel.border, LEFT)
        p_txt0 = ", ".join(f"{v:g}" for v in self.p)
        u_txt = ", ".join(f"{v:.2g}" for v in self.u)
        heading = MathTex(rf"p = ({p_txt0}),\ d = s\,({u_txt}),\ J(p) =", font_size=style.SMALL_SIZE)
        jm = decimal_matrix(self.jac, places_for(self.jac, 1, 3), 0.5)
        self.j_matrix = jm
        top = VGroup(heading, jm).arrange(RIGHT, buff=style.READOUT_GAP).next_to(self.panel.border, UP,
                                                                                 buff=style.LABEL_GAP)
        self.panel.heading = top  # (become() would align hundreds of submobjects: seconds per render)
        self.panel.add(top)
        @lru_cache(maxsize=1)  # once per value of s, not once per follower
        def ends_at(s: float) -> tuple[np.ndarray, np.ndarray]:
            true, linear = self.offsets(s)
            return self.panel.point(true[0]), self.panel.point(linear[0])

        def ends() -> tuple[np.ndarray, np.ndarray]:
            return ends_at(self.s.get_value())

        # followers move with the tracker (no per-frame rebuild)
        self.dot_true = self.followers.add(Dot(color=style.MODEL, radius=0.07), lambda m: m.move_to(ends()[0]))
        self.dot_lin = self.followers.add(Dot(color=style.JE1, radius=0.07), lambda m: m.move_to(ends()[1]))
        self.err_seg = self.followers.add(Line(*ends(), color=style.HIGHLIGHT, stroke_width=style.BOLD_WIDTH),
                                          lambda m: m.set_points_as_corners(ends()))
        # what never moves is drawn first, so Manim keeps it in the static background while s moves
        VGroup(self.panel, legend, curve, line, origin).set_z_index(self.Z_STILL)
        p_txt = ", ".join(fmt_number(v) for v in self.p).replace("-", "−")
        self.caption(f"At the point p = ({p_txt}) of the map {readable_map(self.fmap)}: the true change along d, "
                     "and J d.", 5,
                     shows=("A panel with the curved path of f(p + d) − f(p) and the straight line J(p) d from the "
                            "same point, a dot on each joined by an error segment, and a legend below keying the "
                            "three."))
        uncover(self, [[self.panel], [legend]], self.rt(1), buff=style.VEIL_MARGIN)
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
            axis_config={"color": style.AXIS, "stroke_width": style.THIN_WIDTH},
            tips=False,
        )

    def error_ratio_at(self, step: float) -> float:
        """Taylor error / |d|^2 at step size ``step`` (constant when the error shrinks like |d|^2)."""
        return float(taylor_error_ratios(self.fmap, self.p, self.u, step)[0])

    def shrink_step(self) -> None:
        self.axes = self._log_axes().move_to([3.6, 0.1, 0])
        labels = VGroup(MathTex(r"|d|", font_size=style.LABEL_SIZE).next_to(self.axes.x_axis, DOWN,
                                                                            buff=self.X_NAME_GAP),
                        # beside the axis' top, where the plot is empty (above the axes it touched the readout row)
                        MathTex(r"\text{error}", font_size=style.LABEL_SIZE).next_to(self.axes.y_axis.get_end(),
                                                                                       RIGHT, buff=self.Y_NAME_GAP))
        self.dots = VGroup()
        readout = VGroup(
            MathTex(r"|d| =", font_size=style.LABEL_SIZE),
            LiveDecimal(self.s.get_value(), num_decimal_places=3, font_size=style.LABEL_SIZE),
            MathTex(r"\text{error} / |d|^2 =", font_size=style.LABEL_SIZE, color=style.HIGHLIGHT),
            LiveDecimal(0, num_decimal_places=3, font_size=style.LABEL_SIZE, color=style.HIGHLIGHT),
        ).arrange(RIGHT, buff=style.READOUT_GAP)
        readout[2:].shift(0.35 * RIGHT)
        readout.next_to(self.axes, UP, buff=style.SECTION_GAP)
        self.followers.add(readout[1], lambda m: m.set_value(self.s.get_value()))
        self.error_ratio = readout[3]
        self.followers.add(readout[3], lambda m: m.set_value(self.error_ratio_at(self.s.get_value())))
        self.axis_labels, self.ratio_readout = labels, readout
        VGroup(self.axes, labels, readout[0], readout[2]).set_z_index(self.Z_STILL)
        first, last = self.error_ratio_at(self.steps[0]), self.error_ratio_at(self.steps[-1])
        settles = abs(self.slope - 2) < 0.25
        if self.fmap.degree_along(self.p, self.u) == 2:  # the error is exactly |d|^2 times a fixed vector
            ratio = (f"error / |d|² stays at {last:.3f}: along d the map is quadratic, so the error is exactly "
                     "that times |d|²")
        elif settles:
            ratio = f"error / |d|² tends to about {last:.3f} (from {first:.3f})"
        else:
            ratio = f"error / |d|² goes from {first:.3f} to {last:.3f}"
        self.caption(f"Shrink the step d: the error vanishes faster than d, and {ratio}.", 6,
                     shows=("Log-log axes appear on the right with readouts of |d| and of error / |d|²; the step "
                            "shrinks in stages, the two dots close in, and each stage leaves a point on the axes."))
        uncover(self, [[labels[0]], [labels[1]], [readout]], self.rt(1.2), Create(self.axes),
                buff=style.VEIL_MARGIN_TIGHT)
        for s, e in zip(self.steps, self.errors, strict=True):
            dot = Dot(self.axes.c2p(s, e), color=style.HIGHLIGHT, radius=0.06)
            self.followers.play(self, self.s.animate.set_value(s), run_time=self.rt(0.9))
            self.add(dot)
            self.dots.add(dot)
        self.pause(1)

    def read_slope(self) -> None:
        s0, s1 = self.steps[-1], self.steps[0]
        c = self.intercept
        fit = Line(self.axes.c2p(s0, 10 ** (c + self.slope * np.log10(s0))),
                   self.axes.c2p(s1, 10 ** (c + self.slope * np.log10(s1))), color=style.TEXT,
                   stroke_width=style.LINE_WIDTH)
        self.slope_readout = VGroup(MathTex(r"\text{slope} =", font_size=style.LABEL_SIZE, color=style.TEXT),
                                    LiveDecimal(self.slope, num_decimal_places=2, font_size=style.LABEL_SIZE,
                                                  color=style.TEXT)).arrange(RIGHT, buff=style.READOUT_GAP)
        self.slope_readout.move_to(self.axes.c2p(10 ** (0.3 * np.log10(s0) + 0.7 * np.log10(s1)),
                                                 10 ** (c + self.slope * np.log10(s0))))
        self.slope_number = self.slope_readout[1]
        self.caption(f"On log-log axes the errors lie close to a line of slope {self.slope:.2f}: halving d divides "
                     f"the error by about {2 ** self.slope:.1f}.", 6,
                     shows=("A straight line is fitted through the points on the log-log axes, and its slope is shown "
                            "beside it."))
        self.play(Create(fit), FadeIn(self.slope_readout), run_time=self.rt(1.5))
        self.pause(4)


__all__ = ["TaylorError"]
