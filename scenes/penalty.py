"""JacobianPenalty: the circle of perturbations maps to an ellipse with semi-axes r sigma_1, r sigma_2.

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/penalty.py JacobianPenalty
"""

from __future__ import annotations

import numpy as np
from manim import *

from jacobian_math import (
    TanhLayer,
    ellipse_axes,
    frobenius_norm,
    unit_circle_image,
)
from scenes.kit import style
from scenes.kit.panel import Panel
from scenes.kit.readouts import (
    LiveDecimal,
)
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import plain_text, single_path
from scenes.kit.tip_label import tip_label
from scenes.penalty_settings import PenaltySettings


class JacobianPenalty(LectureScene):
    """The unit circle of perturbations maps to an ellipse with semi-axes sigma_1 >= sigma_2."""

    TITLE = "Jacobian penalties and singular values"
    BOX = PenaltySettings.BOX  # the input plane ([penalty].point is checked against it and RADIUS)
    SIDE = 3.4
    PANEL_X = 4.6
    PANEL_Y = 1.0
    RADIUS = PenaltySettings.RADIUS  # radius of the drawn circle of perturbations (input units)
    MIN_COL = 0.6  # a Jacobian column arrow shorter than this (scene units, 36 px at 480p) is drawn longer
    READOUT_KEY_GAP = 0.45  # the singular-value readout and the key beside it under the panel

    def construct(self) -> None:
        cfg = self.settings.penalty
        self.p = np.array(cfg.point)
        b = np.array(cfg.b)
        self.maps = (TanhLayer(np.array(cfg.w_steep), b), TanhLayer(np.array(cfg.w_flat), b))
        self.radius = self._radius()
        self.beat("title_card")
        self.title_card(self.TITLE, "penalise ‖J‖, and small input changes stay small")
        self.beat("show_input")
        self.show_input()
        self.beat("show_first_map")
        self.readouts = [None, None]
        self.keys = [None, None]
        self.col_scales = [1.0, 1.0]
        self.ellipses: list[VGroup] = [VGroup(), VGroup()]
        self.map_parts: list[dict[str, VMobject]] = [{}, {}]  # per map k: its parts (drawn and read out) by name
        # called steep and flatter only when the second map is the flatter one at x (a user may swap them)
        self.names = ("steep", "flatter") if self.flatter_is_flatter() else ("first map", "second map")
        self.show_map(0, self.names[0])
        self.beat("show_second_map")
        self.show_map(1, self.names[1])
        self.beat("compare")
        self.compare()

    def show_input(self) -> None:
        subs = (r"\mathrm{steep}", r"\mathrm{flat}") if self.flatter_is_flatter() else ("1", "2")
        self.panels = [Panel(self.BOX, self.SIDE, r"x + \delta,\ |\delta| = r", 0.5),
                       *[Panel(self.BOX, self.SIDE, rf"f_{{{sub}}}(x + \delta)", 0.5) for sub in subs]]
        for k, panel in enumerate(self.panels):
            panel.place([(k - 1) * self.PANEL_X, self.PANEL_Y, 0])
        r = self.radius
        circle = self.panels[0].polyline(self.p + r * unit_circle_image(np.eye(2), 96), closed=True,
                                         stroke_color=style.TEXT, stroke_width=style.LINE_WIDTH)
        arrows = VGroup(self.panels[0].arrow(self.p, self.p + [r, 0], style.E1),
                        self.panels[0].arrow(self.p, self.p + [0, r], style.E2))
        # each arrow named at its tip, outside the circle: e1 / e2 in words, not only by colour
        self.e_arrows = arrows
        self.e_names = names = VGroup(*[tip_label(a, name, a.get_color(), self.panels[0].border,
                                                  [self.panels[0].point(self.p)], tex=True)
                                        for a, name in zip(arrows, ("e_1", "e_2"), strict=True)])
        self.caption("All perturbations of size r around a point x form a circle.", 4,
                     shows=("The first of three panels: a circle of radius r around x, with two short arrows from x, "
                            "named e₁ and e₂."))
        uncover(self, [[self.panels[0]]], self.rt(0.8))
        self.play(Create(circle), GrowArrow(arrows[0]), GrowArrow(arrows[1]), FadeIn(names), run_time=self.rt(1.2))
        self.pause(1.5)

    def show_map(self, k: int, name: str) -> None:
        fmap, panel, r = self.maps[k], self.panels[k + 1], self.radius
        jac = fmap.jacobian(self.p)
        centre = fmap(self.p)
        sigma, U = ellipse_axes(jac)
        true_image = panel.polyline(fmap(self.p + r * unit_circle_image(np.eye(2), 96)), closed=True,
                                    stroke_color=style.MUTED, stroke_width=style.THIN_WIDTH)
        ellipse = panel.polyline(centre + r * unit_circle_image(jac, 96), closed=True, stroke_color=style.TEXT,
                                 stroke_width=style.LINE_WIDTH)
        axis1 = panel.arrow(centre, centre + r * sigma[0] * U[:, 0], style.HIGHLIGHT)
        axis2 = DashedLine(panel.point(centre), panel.point(centre + r * sigma[1] * U[:, 1]), color=style.HIGHLIGHT,
                           stroke_width=style.LINE_WIDTH)
        grow = self.col_scale(k)
        self.col_scales[k] = grow
        cols = VGroup(*[self._col_arrow(panel, centre, grow * r * jac[:, j], colour)
                        for j, colour in enumerate((style.JE1, style.JE2))])
        readout = VGroup(
            single_path(plain_text(name, font_size=style.SMALL_SIZE, color=style.MUTED)),
            self._value_row(r"\sigma_1 =", sigma[0], style.HIGHLIGHT),
            self._value_row(r"\sigma_2 =", sigma[1], style.HIGHLIGHT),
            self._value_row(r"\|J\|_F =", float(frobenius_norm(jac)), style.TEXT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=style.KEY_ROW_GAP)
        names = VGroup(*[tip_label(a, name, a.get_color(), panel.border, [panel.point(centre)], tex=True)
                         for a, name in zip(cols, ("J e_1", "J e_2"), strict=True)])
        key = self._key(grow)
        VGroup(readout, key).arrange(RIGHT, buff=self.READOUT_KEY_GAP, aligned_edge=UP).next_to(panel.border, DOWN,
                                                                                                buff=style.BLOCK_GAP)
        self.readouts[k] = readout
        self.keys[k] = key
        self.ellipses[k] = VGroup(ellipse, axis1, axis2, cols, names)
        self.map_parts[k] = {"ellipse": ellipse, "long_axis": axis1, "columns": cols, "column_names": names,
                             "sigma_1": readout[1][1], "sigma_2": readout[2][1], "norm": readout[3][1]}
        if k == 0:
            what = "A steep layer"
        elif self.flatter_is_flatter():
            what = "A layer with smaller weights, flatter at x"
        else:
            what = "A second layer"
        self.caption(f"{what}: its Jacobian at x maps the circle of radius r to an ellipse with semi-axes "
                     "rσ₁ and rσ₂; the true image of the circle is drawn thin.", 5,
                     shows=("The next panel shows the circle's true image and the ellipse the Jacobian predicts, with "
                            "the Jacobian's columns as arrows named J e₁ and J e₂ and the ellipse's two semi-axes, one "
                            "dashed; a readout below gives this map's numbers."))
        uncover(self, [[panel]], self.rt(0.6))
        self.play(Create(true_image), Create(ellipse), GrowArrow(cols[0]), GrowArrow(cols[1]), FadeIn(names),
                  run_time=self.rt(1.5))
        uncover(self, [[readout, key]], self.rt(1), GrowArrow(axis1), Create(axis2), buff=style.VEIL_MARGIN)
        self.pause(2)

    def _col_arrow(self, panel: Panel, centre: np.ndarray, v: np.ndarray, colour: ManimColor) -> Arrow:
        """A Jacobian column arrow from ``centre`` along ``v``, its tip at most a third of its length (two short
        columns with full-size tips merged into one blob)."""
        length = float(np.linalg.norm(panel.point(centre + v) - panel.point(centre)))
        return Arrow(panel.point(centre), panel.point(centre + v), buff=0, color=colour, stroke_width=style.LINE_WIDTH,
                     max_tip_length_to_length_ratio=0.34, tip_length=min(0.18, length / 3))

    def col_scale(self, k: int) -> float:
        """How much longer than r J e_j map ``k``'s column arrows are drawn: 1, or the smallest of 2, 3, 4 that
        makes the longer one at least MIN_COL scene units, as long as both stay inside the panel's box (the
        flatter map's columns were ~20 px at 480p)."""
        jac, centre = self.maps[k].jacobian(self.p), self.maps[k](self.p)
        unit = self.SIDE / max(self.BOX[1] - self.BOX[0], self.BOX[3] - self.BOX[2])
        longest = self.radius * unit * float(np.linalg.norm(jac, axis=0).max())
        x0, x1, y0, y1 = self.BOX
        best = 1.0
        for grow in (1.0, 2.0, 3.0, 4.0):
            ends = centre + grow * self.radius * jac.T
            if not ((ends[:, 0] >= x0).all() and (ends[:, 0] <= x1).all() and (ends[:, 1] >= y0).all()
                    and (ends[:, 1] <= y1).all()):
                break
            best = grow
            if grow * longest >= self.MIN_COL:
                break
        return best

    def _key(self, grow: float) -> VGroup:
        """What the two column arrows are: r J e_1 and r J e_2, times ``grow`` when drawn longer."""
        factor = "" if grow == 1 else f"{grow:g}"
        rows = VGroup(*[VGroup(Arrow(ORIGIN, 0.45 * RIGHT, buff=0, color=colour, stroke_width=style.LINE_WIDTH,
                                     max_tip_length_to_length_ratio=0.34, tip_length=0.15),
                               MathTex(rf"{factor}r\,J e_{j + 1}", font_size=style.LABEL_SIZE, color=colour))
                        .arrange(RIGHT, buff=style.READOUT_GAP)
                        for j, colour in enumerate((style.JE1, style.JE2))])
        return rows.arrange(DOWN, aligned_edge=LEFT, buff=style.KEY_ROW_GAP)

    def _radius(self) -> float:
        """RADIUS, or the largest of 0.25, 0.2, ... 0.02 for which every circle, ellipse and Jacobian column
        drawn stays inside the panels' box (a steep map's ellipse would leave it)."""
        x0, x1, y0, y1 = self.BOX
        circle = unit_circle_image(np.eye(2), 96)

        def fits(r: float) -> bool:
            pts = [self.p + r * circle]
            for fmap in self.maps:
                jac, centre = fmap.jacobian(self.p), fmap(self.p)
                pts += [fmap(self.p + r * circle), centre + r * unit_circle_image(jac, 96), centre + r * jac.T]
            allpts = np.vstack(pts)
            return bool((allpts[:, 0] >= x0).all() and (allpts[:, 0] <= x1).all() and (allpts[:, 1] >= y0).all()
                        and (allpts[:, 1] <= y1).all())

        return next((r for r in (self.RADIUS, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02) if fits(r)), 0.02)

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
                      ).arrange(RIGHT, buff=style.READOUT_GAP)

    def compare(self) -> None:
        penalty = VGroup(
            MathTex(r"\mathcal{L}_{\text{total}} = \mathcal{L} + \lambda\,\|J_f(x)\|_F^2", font_size=style.LABEL_SIZE),
            MathTex(r"\|J\|_F^2 = \sigma_1^2 + \sigma_2^2", font_size=style.LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=style.LEGEND_ROW_GAP)
        penalty.next_to(self.panels[0].border, DOWN, buff=style.SECTION_GAP).align_to(self.panels[0].border, LEFT)
        (s_steep, n_steep), (s_flat, n_flat) = self.steepness(0), self.steepness(1)
        picked = "Both layers here are picked by hand, not trained. "
        if self.flatter_is_flatter():
            self.caption(f"{picked}A Jacobian penalty adds λ‖Jf(x)‖² (the squared Frobenius norm) to the loss, so it "
                         f"favours the flatter map: ‖J‖ {n_flat:.2f} instead of {n_steep:.2f}, σ₁ {s_flat:.2f} "
                         f"instead of {s_steep:.2f}, so a small input change moves its output less.", 6,
                         shows=("The penalty formula and ‖J‖²_F = σ₁² + σ₂² are written below the panels, and the two "
                                "maps' norm readouts are highlighted."))
        else:
            self.caption(f"{picked}A Jacobian penalty adds λ‖Jf(x)‖² (the squared Frobenius norm) to the loss: here "
                         f"‖J‖ is {n_steep:.2f} for the first map and {n_flat:.2f} for the second.", 6,
                         shows=("The penalty formula and ‖J‖²_F = σ₁² + σ₂² are written below the panels, and the two "
                                "maps' norm readouts are highlighted."))
        self.play(Write(penalty), run_time=self.rt(1.5))
        # last in the scene's list: Manim redraws per frame everything after the first moving mobject
        self.bring_to_front(*self.readouts)
        self.play(Indicate(self.readouts[0][1], color=style.HIGHLIGHT), Indicate(self.readouts[1][1],
                  color=style.HIGHLIGHT), run_time=self.rt(1.2))
        self.pause(3)


__all__ = ["JacobianPenalty"]
