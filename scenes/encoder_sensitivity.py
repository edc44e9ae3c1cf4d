"""EncoderSensitivity: an encoder from the plane to one number; the direction its Jacobian ignores, the one it
amplifies, and the pull-back metric J^T J (rank one: a degenerate metric) as flat ellipses over the input.

Names on screen: the readout weights are a (z = a^T tanh(W x + b); the setting is ``[encoder].v``), so that v_1, v_2
are only the right-singular vectors of J (and v in the chain-rule scene only the pulled-back gradient).

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/encoder_sensitivity.py EncoderSensitivity
"""

from __future__ import annotations

import numpy as np
from manim import *

from jacobian_math import (
    contour_paths,
    level_values,
    psd_ellipse,
    pullback_metric,
    singular_directions,
    tanh_encoder,
    taylor_offsets,
    value_range,
)
from jacobian_math.fields import lattice, nice_step
from scenes.kit import style
from scenes.kit.followers import Followers
from scenes.kit.panel import Panel
from scenes.kit.readouts import LiveDecimal, decimal_matrix, fit_right, set_if_changed
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.shapes import DashedCurve
from scenes.kit.text import fmt_decimals, places_for

NULL_COLOUR = style.DESCENT  # the null direction's dashed line and label: a blue apart from the white curves


def clip_segment(x: np.ndarray, v: np.ndarray, t0: float, t1: float, box) -> tuple[float, float]:
    """The part [t0', t1'] of [t0, t1] for which x + t v lies inside ``box = (x0, x1, y0, y1)`` (Liang-Barsky);
    (0, 0) when x + t v leaves it for every t (x itself is always inside the panel)."""
    lo, hi = t0, t1
    for p, q in ((-v[0], x[0] - box[0]), (v[0], box[1] - x[0]), (-v[1], x[1] - box[2]), (v[1], box[3] - x[1])):
        if abs(p) < 1e-15:
            if q < 0:
                return 0.0, 0.0
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
    return (float(lo), float(hi)) if lo <= hi else (0.0, 0.0)


class EncoderSensitivity(LectureScene):
    """z = a . tanh(W x + b): lines of equal code, the ignored and the amplified direction at x, and J^T J."""

    TITLE = "Encoders: what the code ignores"
    SIDE = 5.4
    PANEL_CENTRE = (-3.0, 0.1)
    CODE_X = 1.1  # the vertical code axis
    CODE_LENGTH = 5.0
    READOUT_X = 4.7
    LEVELS = 7
    # The dashed null direction runs along the white level curve (style.OUTLINE_WIDTH) through x:
    NULL_WIDTH = 3.5  # a little heavier than that curve, so its dashes read as a line of their own
    NULL_BACKING_WIDTH = 8  # its panel-coloured backing, wider than both, hides the curve between the dashes
    NEEDLE = 0.4  # the longest metric needle's half-length, as a fraction of the points' smallest spacing
    SMALL = 0.25  # the change along the null direction is called small below this fraction of the other
    MARKER_READOUT_GAP = 0.15  # the z readout beside the code marker it follows
    DIRECTION_LABEL_GAP = 0.12  # a direction arrow's name, off its tip along the arrow's normal

    def construct(self) -> None:
        cfg = self.settings.encoder
        self.encoder = tanh_encoder([list(r) for r in cfg.w], list(cfg.b), [list(cfg.v)])
        self.x = np.array(cfg.point)
        self.jac = self.encoder.jacobian(self.x)
        self.sigma, self.vecs = singular_directions(self.jac)
        self.step = cfg.step
        self.s = ValueTracker(0.0)
        self.direction = self.vecs[:, 1]
        self.followers = Followers()  # the probe, the code marker and its readout follow s
        self.beat("title_card")
        self.title_card(self.TITLE, "an encoder's Jacobian: how the code moves with the input")
        self.beat("show_code")
        self.show_code()
        self.beat("ignore_direction")
        self.ignore_direction()
        self.beat("amplify_direction")
        self.amplify_direction()
        self.beat("show_metric")
        self.show_metric()

    def code(self, x: np.ndarray) -> float:
        return float(self.encoder(np.asarray(x, float))[..., 0])

    def probe_point(self) -> np.ndarray:
        return self.x + self.s.get_value() * self.direction

    def code_change(self, k: int) -> tuple[float, float]:
        """(true, linear) change of z when x moves by [encoder].step along right-singular vector k."""
        true, linear = taylor_offsets(self.encoder, self.x, self.vecs[:, k], self.step)
        return float(true[0, 0]), float(linear[0, 0])

    def show_code(self) -> None:
        box = self.settings.encoder.box
        self.panel = Panel(box, self.SIDE, r"x \in \mathbb{R}^2", step=nice_step(max(box[1] - box[0],
                                                                                       box[3] - box[2]), 5))
        self.panel.place([*self.PANEL_CENTRE, 0])
        xs, ys = lattice(box, 90)
        values = self.encoder(np.stack(np.meshgrid(xs, ys), axis=-1))[..., 0]
        self.z_range = value_range(np.append(values, self.code(self.x)), 6)
        self.levels = level_values(values, self.LEVELS)
        self.contours = VGroup(*[self.panel.polyline(path, stroke_color=style.MUTED, stroke_width=style.THIN_WIDTH)
                                 for level in self.levels for path in contour_paths(xs, ys, values, level)
                                 if len(path) > 1])
        self.own_level = VGroup(*[self.panel.polyline(path, stroke_color=style.TEXT, stroke_width=style.OUTLINE_WIDTH)
                                  for path in contour_paths(xs, ys, values, self.code(self.x)) if len(path) > 1])
        lo, hi = self.z_range
        self.code_axis = NumberLine(x_range=(lo, hi, nice_step(hi - lo, 5)), length=self.CODE_LENGTH,
                                    rotation=90 * DEGREES, include_numbers=True, label_direction=LEFT,
                                    font_size=style.SMALL_SIZE, color=style.AXIS,
                                    decimal_number_config={"num_decimal_places": 0 if nice_step(hi - lo, 5) >= 1
                                                           else 1})
        self.code_axis.move_to([self.CODE_X, self.PANEL_CENTRE[1], 0])
        code_head = MathTex(r"z = a^\top \tanh(Wx + b)", font_size=style.LABEL_SIZE).next_to(
            self.code_axis, UP, buff=style.BLOCK_GAP).shift(0.9 * RIGHT)
        self.level_ticks = VGroup(*[Line(LEFT * 0.1, RIGHT * 0.1, color=style.MUTED,
                                         stroke_width=style.THIN_WIDTH).move_to(
            self.code_axis.n2p(level)) for level in self.levels])
        self.probe = self.followers.add(Dot(radius=0.08, color=style.TEXT),
                                        lambda m: m.move_to(self.panel.point(self.probe_point())))
        self.marker = self.followers.add(Triangle(color=style.TEXT, fill_opacity=1).scale(0.1).rotate(-90 * DEGREES),
                                         lambda m: m.move_to(self.code_axis.n2p(self.code(self.probe_point()))
                                                             + 0.2 * RIGHT))
        self.z_readout = VGroup(MathTex("z =", font_size=style.LABEL_SIZE),
                                LiveDecimal(self.code(self.x), num_decimal_places=2, font_size=style.LABEL_SIZE))
        self.z_readout.arrange(RIGHT, buff=style.READOUT_GAP)
        self.followers.add(self.z_readout, lambda m: (set_if_changed(m[1], self.code(self.probe_point())),
                                                      m.next_to(self.marker, RIGHT, buff=self.MARKER_READOUT_GAP)))
        self.caption("An encoder squeezes each point x of the plane into one number, its code z = aᵀtanh(Wx + b), a "
                     "the readout weights. Points on one curve share a code; the brighter curve is the one through "
                     "the probe x.", 5.5,
                     shows=("A plane with the code's level curves, one through a probe dot; beside it a vertical code "
                            "axis where a marker and a readout show the probe's code z."))
        uncover(self, [[self.panel], [self.code_axis, code_head]], self.rt(1), buff=style.VEIL_MARGIN)
        self.play(Create(self.contours), Create(self.own_level), FadeIn(self.level_ticks), run_time=self.rt(1.5))
        self.add(self.probe, self.marker, self.z_readout)
        self.z_number = self.z_readout[1]
        self.pause(3)

    def _direction_arrow(self, k: int) -> VMobject:
        """v_1 as an arrow from x, v_2 as a dashed line through x ([encoder].step long each way), both cut at the
        panel's box (a probe near the edge sent them outside the panel)."""
        v = self.step * self.vecs[:, k]
        if k == 0:
            _, t1 = clip_segment(self.x, v, 0.0, 1.0, self.panel.box)
            return self.panel.arrow(self.x, self.x + t1 * v, style.LINEARISED)
        t0, t1 = clip_segment(self.x, v, -1.0, 1.0, self.panel.box)
        # its own colour, with a backing of the panel colour: it runs along the white level curve through x
        line = Line(self.panel.point(self.x + t0 * v), self.panel.point(self.x + t1 * v), color=NULL_COLOUR,
                    stroke_width=self.NULL_WIDTH)
        dashed = DashedCurve(line, 12, 0.55)
        dashed.set_background_stroke(color=style.PANEL, width=self.NULL_BACKING_WIDTH, opacity=1)
        return dashed

    def _null_label(self) -> VMobject:
        """'null direction v_2' beside the dashed line's far end, on a backing, kept inside the panel."""
        label = MathTex(r"\text{null direction } v_2", font_size=style.SMALL_SIZE, color=NULL_COLOUR)
        self.null_text = label
        label.add_background_rectangle(color=style.PANEL, opacity=0.85, buff=style.BACKING_GAP)
        end = self.arrows[1].get_end()
        normal = np.array([-self.vecs[1, 1], self.vecs[0, 1], 0.0])
        if normal[1] < 0:
            normal = -normal
        label.next_to(end, normal, buff=self.DIRECTION_LABEL_GAP)
        border = self.panel.border
        if label.height > border.height - 0.1:  # a flat panel: under it, below the line's end
            label.next_to(border, DOWN, buff=style.LABEL_GAP).set_x(end[0])
            dx = (max(0.0, border.get_left()[0] - label.get_left()[0])
                  - max(0.0, label.get_right()[0] - border.get_right()[0]))
            return label.shift(dx * RIGHT)
        dx = (max(0.0, border.get_left()[0] + 0.05 - label.get_left()[0])
              - max(0.0, label.get_right()[0] - border.get_right()[0] + 0.05))
        dy = (max(0.0, border.get_bottom()[1] + 0.05 - label.get_bottom()[1])
              - max(0.0, label.get_top()[1] - border.get_top()[1] + 0.05))
        return label.shift([dx, dy, 0])

    def ignore_direction(self) -> None:
        self.arrows = [self._direction_arrow(0), self._direction_arrow(1)]
        self.v1_arrow = self.arrows[0]  # the amplified direction v_1, drawn as an arrow
        self.null_line = self.arrows[1]  # the null direction v_2, drawn as a dashed line
        self.null_label = self._null_label()
        self.j_readout = VGroup(MathTex(r"J(x) =", font_size=style.LABEL_SIZE),
                                decimal_matrix(self.jac, places_for(self.jac, most=6)))
        self.j_readout.arrange(RIGHT, buff=style.KEY_GAP)
        self.sigma_readout = VGroup(
            MathTex(rf"\sigma_1 = {fmt_decimals(self.sigma[0])}", font_size=style.LABEL_SIZE, color=style.LINEARISED),
            MathTex(rf"\sigma_2 = {fmt_decimals(self.sigma[1] if self.sigma[1] > 1e-6 * self.sigma[0] else 0.0)}",
                    font_size=style.LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=style.KEY_ROW_GAP)
        block = VGroup(self.j_readout, self.sigma_readout).arrange(DOWN, aligned_edge=LEFT,
                                                                   buff=style.SECTION_GAP).move_to(
            [self.READOUT_X, -1.6, 0])
        # clear of the code readout wherever the probe takes it on the axis: its widest value beside the marker
        widest = VGroup(MathTex("z =", font_size=style.LABEL_SIZE),
                        DecimalNumber(-max(abs(v) for v in self.z_range), num_decimal_places=2,
                                      font_size=style.LABEL_SIZE)).arrange(RIGHT, buff=style.READOUT_GAP)
        reach = self.marker.get_right()[0] + 0.15 + widest.width + 0.3
        if block.get_left()[0] < reach:
            block.shift((reach - block.get_left()[0]) * RIGHT)
        fit_right(block)
        self.sigma1_text = self.sigma_readout[0]
        null_true, amp_true = self.code_change(1)[0], self.code_change(0)[0]
        size = "only " if abs(null_true) < self.SMALL * abs(amp_true) else ""
        self.caption("J(x) is a single row, so of its two singular values σ₁ and σ₂ (the factors by which J stretches "
                     "its right-singular vectors v₁ and v₂) σ₂ is 0: v₂, dashed, is a null direction, along the curve "
                     f"through x. J predicts no change there; moving x by {self.step:g} that way changes z by "
                     f"{size}{fmt_decimals(abs(null_true))}.", 6,
                     shows=("A dashed line labelled null direction v₂ along the level curve through x, and readouts of "
                            "J and its two singular values; the probe moves along the line and back while the code "
                            "readout barely changes."))
        uncover(self, [[self.j_readout, self.sigma_readout]], self.rt(0.8), Create(self.arrows[1]),
                FadeIn(self.null_label), buff=style.VEIL_MARGIN)
        self.direction = self.vecs[:, 1]
        self.followers.play(self, self.s.animate.set_value(self.step), run_time=self.rt(1.6))
        self.followers.play(self, self.s.animate.set_value(0.0), run_time=self.rt(1.6))
        self.pause(2)

    def amplify_direction(self) -> None:
        true, linear = self.code_change(0)
        self.caption(f"Along v₁, the top right-singular vector, the code moves fastest, by its singular value "
                     f"σ₁ = {fmt_decimals(self.sigma[0])} per unit: a step of {self.step:g} changes z by "
                     f"{fmt_decimals(abs(true))} (J predicts {fmt_decimals(abs(linear))}).", 6,
                     shows=("A solid arrow across the level curves; the probe moves along it and back, and the marker "
                            "on the code axis moves with it."))
        self.play(GrowArrow(self.arrows[0]), run_time=self.rt(0.8))
        self.direction = self.vecs[:, 0]
        self.followers.play(self, self.s.animate.set_value(self.step), run_time=self.rt(1.6))
        self.followers.play(self, self.s.animate.set_value(0.0), run_time=self.rt(1.6))
        self.pause(2)

    def metric_scale(self, points: np.ndarray) -> float:
        """Half-length (input units) per unit of sigma_1 of the drawn needles: the longest is NEEDLE times the
        smallest spacing of the points (a tenth of the box for one point), or less where a needle would leave
        the box."""
        box = self.settings.encoder.box
        gaps = [np.linalg.norm(a - b) for i, a in enumerate(points) for b in points[:i] if np.linalg.norm(a - b) > 0]
        spacing = min(gaps, default=0.1 * min(box[1] - box[0], box[3] - box[2]) / self.NEEDLE)
        scale = np.inf
        for p in points:  # the needle at p, p +- scale sigma_1 v_1, stays inside the box
            sigma, vecs = singular_directions(self.encoder.jacobian(p))
            reach = np.abs(sigma[0] * vecs[:, 0])
            room = np.minimum(p - [box[0], box[2]], [box[1], box[3]] - p)
            scale = min(scale, self.NEEDLE * spacing / max(sigma[0], 1e-300), *(room[reach > 0] / reach[reach > 0]))
        return float(scale) if np.isfinite(scale) and scale > 0 else 1.0

    def show_metric(self) -> None:
        self.metric_points = np.array([self.x, *self.settings.encoder.points])
        self.needle_scale = self.metric_scale(self.metric_points)
        self.needles = VGroup(*[
            self.panel.polyline(psd_ellipse(pullback_metric(self.encoder.jacobian(p)), p, self.needle_scale),
                                closed=True, stroke_color=style.LINEARISED, stroke_width=style.CURVE_WIDTH)
            for p in self.metric_points])
        dots = VGroup(*[Dot(self.panel.point(p), radius=0.05, color=style.TEXT) for p in self.metric_points[1:]])
        formula = MathTex(r"\|J\,\delta\|^2 = \delta^\top J^\top J\,\delta", font_size=style.LABEL_SIZE)
        formula.next_to(self.panel.border, DOWN, buff=style.SECTION_GAP)
        self.caption("The pull-back metric JᵀJ gives the code's change for a step δ of x: ‖Jδ‖² = δᵀJᵀJδ. Here it "
                     "has rank one, a degenerate metric, so its ellipses are flat: segments along v₁ reaching "
                     f"{self.needle_scale:.2g} times σ₁ either side of each point, of zero width along the curves, "
                     "where the code does not move to first order.", 6.5,
                     shows=("The metric's formula is written; the solid arrow dims, and small ellipses spread over the"
                            " plane."))
        uncover(self, [[formula]], self.rt(0.8), FadeIn(dots), self.arrows[0].animate.set_opacity(0.35),
                buff=style.VEIL_MARGIN)
        self.play(Create(self.needles), run_time=self.rt(1.7))
        self.pause(4)


__all__ = ["EncoderSensitivity"]
