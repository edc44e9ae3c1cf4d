"""MAMLStep: one inner gradient step theta' = theta - alpha grad L(theta) as a map of the parameter plane;
its Jacobian I - alpha Hess L carries a square; the meta-gradient pulled back through it vs first-order MAML.

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/maml_step.py MAMLStep
"""

from __future__ import annotations

import numpy as np
from manim import *

from jacobian_math import (
    InnerStep,
    TanhRegression,
    cell_image,
    contour_paths,
    first_order_maml_gradient,
    fit_view,
    level_values,
    linearisation_gap,
    linearised_cell,
    maml_gradient,
    square_cell,
)
from jacobian_math.fields import lattice, nice_step
from scenes.kit import style
from scenes.kit.panel import Panel, cell_polygon
from scenes.kit.readouts import decimal_matrix, fit_right, number_row
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import fmt_decimals, fmt_number, places_for, plain_text, single_path
from scenes.kit.tip_label import tip_label


def free_side(vectors) -> np.ndarray:
    """Of the eight compass directions, the one farthest in angle from every vector drawn from a point
    (where a label beside that point covers none of them)."""
    dirs = [RIGHT, UR, UP, UL, LEFT, DL, DOWN, DR]
    unit = [v / np.linalg.norm(v) for v in (np.asarray(u, float) for u in vectors) if np.linalg.norm(v) > 0]

    def crowding(d: np.ndarray) -> float:
        d2 = d[:2] / np.linalg.norm(d[:2])
        return max((float(d2 @ u) for u in unit), default=-1.0)

    return min(dirs, key=crowding)


def difference_places(a: np.ndarray, b: np.ndarray, most: int = 4) -> tuple[int, np.ndarray]:
    """Decimals for the rows a, b and a - b shown one under the other, and the difference to show, such that the
    arithmetic a viewer does on the shown digits holds: the fewest decimals (from :func:`places_for`, at most
    ``most``) at which round(a) - round(b) equals round(a - b); if none does, the difference of the rounded values
    (then off from a - b by at most one unit in the last shown digit)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    first = places_for(np.concatenate([a, b, a - b]))
    for places in range(first, max(first, most) + 1):
        unit = 10.0**places
        if np.array_equal(np.round(a * unit) - np.round(b * unit), np.round((a - b) * unit)):
            return places, a - b
    places = max(first, most)
    return places, np.round(a, places) - np.round(b, places)


class MAMLStep(LectureScene):
    """The inner step as a map of the plane, its Jacobian, and the meta-gradient with and without it."""

    TITLE = "MAML: differentiating through a gradient step"
    PANEL_W, PANEL_H = 3.6, 5.4  # room for each panel (the view keeps equal scales on both axes)
    PANEL_Y = -0.15
    PANEL_X = (-4.95, -0.75)
    COLUMN_X = 1.3  # left edge of the formulas right of the panels
    SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0)  # gradient arrow scales to choose from
    CONTOUR_WIDTH = 1.2  # the loss contours: under style.GUIDE_WIDTH, so the arrows and cells on them stay in front
    LABEL_ROOM = 0.45  # room (scene units) kept inside the panel on every side of theta and theta' for their labels
    VIEW_MARGIN = 0.1  # fit_view's margin around each panel's content (a fraction of its size)
    LINK_GAP = 0.05  # the link arrow's ends from the two panels

    def construct(self) -> None:
        cfg = self.settings.maml
        self.task = TanhRegression(np.array(cfg.x), np.array(cfg.y))
        self.val = TanhRegression(np.array(cfg.val_x), np.array(cfg.val_y))
        self.step = InnerStep(self.task, cfg.alpha)
        self.theta = np.array(cfg.theta)
        self.h = cfg.cell
        self.prime = self.step(self.theta)
        self.jac = self.step.jacobian(self.theta)
        self.g_val = first_order_maml_gradient(self.step, self.val, self.theta)  # = grad L_val(theta')
        self.g_maml = maml_gradient(self.step, self.val, self.theta)
        self.arrow_scale = self._arrow_scale()
        self.beat("title_card")
        self.title_card(self.TITLE, "the inner step is a map of the parameters; MAML needs one Hessian–vector "
                                    "product through it")
        self.beat("show_step")
        self.show_step()
        self.beat("carry_square")
        self.carry_square()
        self.beat("pull_back")
        self.pull_back()
        self.beat("first_order")
        self.first_order()

    # ------------------------------------------------------------------ layout

    def _arrow_scale(self) -> float:
        """The scale from SCALES that draws the longest gradient arrow nearest the square's side (log scale)."""
        longest = max(np.linalg.norm(self.g_val), np.linalg.norm(self.g_maml))
        if longest == 0:
            return 1.0
        return min(self.SCALES, key=lambda s: abs(np.log(s * longest / self.h)))

    def content(self) -> np.ndarray:
        """Every plane point drawn in either panel ``(k, 2)``: the view is fitted to them."""
        s = self.arrow_scale
        return np.vstack([
            square_cell(self.theta, self.h), cell_image(self.step, self.theta, self.h),
            linearised_cell(self.step, self.theta, self.h),
            [self.theta + s * self.g_maml, self.theta + s * self.g_val, self.prime + s * self.g_val],
        ])

    def view(self):
        """The panels' view: every point drawn (:meth:`content`), with LABEL_ROOM on every side of theta and
        theta' inside the panel, so their dots and labels never sit on its edge."""
        pts = self.content()
        unit = None
        for _ in range(4):  # the room in plane units depends on the view's scale: settle it
            room = 0.0 if unit is None else self.LABEL_ROOM / unit
            ring = np.array([[room, 0], [-room, 0], [0, room], [0, -room]])
            allpts = np.vstack([pts, self.theta + ring, self.prime + ring])
            box = (*(allpts[:, 0].min(), allpts[:, 0].max()), *(allpts[:, 1].min(), allpts[:, 1].max()))
            view = fit_view(box, self.PANEL_W, self.PANEL_H, margin=self.VIEW_MARGIN)
            if unit is not None and view.unit >= unit * (1 - 1e-9):
                break
            unit = view.unit
        return view

    def _contours(self, panel: Panel, loss: TanhRegression) -> VGroup:
        xs, ys = lattice(panel.box, 61)
        values = loss.loss(np.stack(np.meshgrid(xs, ys), axis=-1))
        return VGroup(*[panel.polyline(path, stroke_color=style.MUTED, stroke_width=self.CONTOUR_WIDTH,
                                        stroke_opacity=0.6)
                        for level in level_values(values, 5) for path in contour_paths(xs, ys, values, level)])

    # ------------------------------------------------------------------ beats

    def show_step(self) -> None:
        view = self.view()
        side = view.unit * max(view.box[1] - view.box[0], view.box[3] - view.box[2])
        step = nice_step(max(view.box[1] - view.box[0], view.box[3] - view.box[2]), 6)
        self.panels = [Panel(view.box, side, r"\theta = (a, b),\ \text{level curves of } L", step),
                       Panel(view.box, side, r"\theta',\ \text{level curves of } L_{\mathrm{val}}", step)]
        for panel, x in zip(self.panels, self.PANEL_X, strict=True):
            panel.place([x, self.PANEL_Y, 0])
            panel.heading.scale(0.75).next_to(panel.border, UP, buff=style.SMALL_HEADING_GAP)
        self.contours = [self._contours(self.panels[0], self.task), self._contours(self.panels[1], self.val)]
        link = Arrow(self.panels[0].border.get_right(), self.panels[1].border.get_left(), buff=self.LINK_GAP,
                     color=style.MUTED, stroke_width=style.LINE_WIDTH, max_tip_length_to_length_ratio=0.4)
        self.dots = VGroup(Dot(self.panels[0].point(self.theta), radius=0.06, color=style.TEXT),
                           Dot(self.panels[1].point(self.prime), radius=0.06, color=style.TEXT))
        s, h = self.arrow_scale, self.h
        at_theta = [[h, 0], [0, h], [h, h], s * self.g_maml, s * self.g_val]
        at_prime = [*(self.jac * h).T, self.jac @ [h, h], s * self.g_val]
        labels = VGroup(MathTex(r"\theta", font_size=style.LABEL_SIZE).next_to(self.dots[0], free_side(at_theta),
                                                                              buff=style.MARK_LABEL_GAP),
                        MathTex(r"\theta'", font_size=style.LABEL_SIZE).next_to(self.dots[1], free_side(at_prime),
                                                                               buff=style.MARK_LABEL_GAP))
        alpha = fmt_number(self.settings.maml.alpha)
        self.step_formula = MathTex(r"\theta' = \theta - \alpha\,\nabla L(\theta),\quad \alpha = " + alpha,
                                    font_size=style.LABEL_SIZE)
        self.step_formula.move_to([self.COLUMN_X, 2.9, 0], aligned_edge=LEFT)
        self.caption("MAML's inner loop takes one gradient step on a task's loss: θ′ = θ − α∇L(θ). "
                     "Here the task fits y = tanh(ax + b) with the parameters θ = (a, b).", 6.5,
                     shows=("Two panels linked by an arrow: level curves of the task's loss with a dot at θ, and level"
                            " curves of the validation loss with a dot at θ′; the step formula with the value of α is "
                            "written."))
        uncover(self, [[p] for p in self.panels], self.rt(1.2), GrowArrow(link), buff=style.VEIL_MARGIN)
        self.play(Create(self.contours[0]), Create(self.contours[1]), FadeIn(self.dots), FadeIn(labels),
                  Write(self.step_formula), run_time=self.rt(1.8))
        self.pause(3.5)
        self.labels = labels

    def carry_square(self) -> None:
        left, right = self.panels
        th, h = self.theta, self.h
        self.square = cell_polygon(left, square_cell(th, h), style.TEXT, 0.15, style.THIN_WIDTH)
        self.e_arrows = VGroup(left.arrow(th, th + [h, 0], style.E1), left.arrow(th, th + [0, h], style.E2))
        self.true_image = right.polyline(cell_image(self.step, th, h), closed=True, stroke_color=style.TEXT,
                                         stroke_width=style.THIN_WIDTH)
        corners = linearised_cell(self.step, th, h)
        self.para = cell_polygon(right, corners, style.JE1, 0.15, style.NO_STROKE)
        self.j_arrows = VGroup(right.arrow(corners[0], corners[1], style.JE1),
                               right.arrow(corners[0], corners[3], style.JE2))
        # each arrow named at its tip, away from its square or parallelogram: e1 / e2 and J e1 / J e2 are told
        # apart in words, not only by colour
        self.e_labels = VGroup(*[tip_label(a, name, a.get_color(), left.border, [left.point(th + h / 2)], tex=True)
                                 for a, name in zip(self.e_arrows, ("e_1", "e_2"), strict=True)])
        middle = right.point(np.mean(corners, axis=0))
        self.j_labels = VGroup(*[tip_label(a, name, a.get_color(), right.border, [middle], tex=True)
                                 for a, name in zip(self.j_arrows, ("J e_1", "J e_2"), strict=True)])
        head = MathTex(r"\frac{\partial \theta'}{\partial \theta} = I - \alpha\,\nabla^2 L(\theta) =",
                       font_size=style.LABEL_SIZE)
        self.matrix = decimal_matrix(self.jac, places_for(self.jac))
        self.jac_row = VGroup(head, self.matrix).arrange(RIGHT, buff=style.KEY_GAP)
        self.jac_row.next_to(self.step_formula, DOWN, buff=style.BLOCK_GAP_WIDE, aligned_edge=LEFT)
        fit_right(self.jac_row)
        gap = linearisation_gap(self.step, th, h)
        self.caption("The step maps the plane to itself. Its Jacobian is I − α∇²L(θ), with ∇²L the Hessian of the "
                     "loss: it takes the square to a parallelogram. The Hessian changes from point to point, so "
                     f"the true image bends, up to {fmt_decimals(gap)} away.", 7.5,
                     shows=("At θ a small square with arrows e₁ and e₂; at θ′ its curved image, the parallelogram of J"
                            " e₁ and J e₂ (each arrow named at its tip), and the Jacobian ∂θ′/∂θ written out with its "
                            "numbers."))
        self.play(FadeIn(self.square), GrowArrow(self.e_arrows[0]), GrowArrow(self.e_arrows[1]), FadeIn(self.e_labels),
                  run_time=self.rt(1))
        self.play(TransformFromCopy(self.square, self.true_image), run_time=self.rt(1.5))
        self.play(FadeIn(self.para), GrowArrow(self.j_arrows[0]), GrowArrow(self.j_arrows[1]), FadeIn(self.j_labels),
                  Write(self.jac_row), run_time=self.rt(1.5))
        self.pause(3.5)

    def _scale_note(self) -> VMobject:
        """A note under the panels when the gradient arrows are not drawn at their true length (else empty)."""
        s = self.arrow_scale
        if s == 1:
            return VGroup()
        note = single_path(plain_text(f"gradient arrows drawn at {fmt_number(s)}× their length",
                                font_size=style.KEY_SIZE, color=style.MUTED))
        return note.next_to(VGroup(*[p.border for p in self.panels]), DOWN, buff=style.BLOCK_LABEL_GAP)

    def pull_back(self) -> None:
        left, right = self.panels
        s = self.arrow_scale
        self.val_arrow = right.arrow(self.prime, self.prime + s * self.g_val, style.FIRST_ORDER)
        self.maml_arrow = left.arrow(self.theta, self.theta + s * self.g_maml, style.GRADIENT)
        fo_tip, maml_tip = left.point(self.theta + s * self.g_val), left.point(self.theta + s * self.g_maml)
        self.val_label = tip_label(self.val_arrow, "g", style.FIRST_ORDER, right.border, [])
        # clear of the first-order arrow and the difference arrow the last beat draws from its tip to this one
        self.maml_label = tip_label(self.maml_arrow, "MAML", style.GRADIENT, left.border,
                                    [fo_tip, (fo_tip + maml_tip) / 2, left.point(self.theta)])
        places, shown_diff = difference_places(self.g_maml, self.g_val)
        self.rows = VGroup(*[
            VGroup(plain_text(name, font_size=style.KEY_SIZE, color=style.MUTED),
                   number_row(label, value, color, places)).arrange(DOWN, aligned_edge=LEFT, buff=style.TIGHT_LINE_GAP)
            for name, label, value, color in (
                ("first-order MAML: used as it is",
                 r"\nabla L_{\mathrm{val}}(\theta') =", self.g_val, style.FIRST_ORDER),
                ("MAML: pulled back through the step",
                 r"(I - \alpha\,\nabla^2 L)^{\top}\,\nabla L_{\mathrm{val}}(\theta') =", self.g_maml, style.GRADIENT),
                ("MAML minus first-order",
                 r"-\alpha\,\nabla^2 L\,\nabla L_{\mathrm{val}}(\theta') =", shown_diff, style.TEXT),
            )]).arrange(DOWN, aligned_edge=LEFT, buff=style.SECTION_GAP)
        self.rows.next_to(self.jac_row, DOWN, buff=style.WIDE_SECTION_GAP, aligned_edge=LEFT)
        fit_right(self.rows)
        self.row_formulas = [row[1][0] for row in self.rows]  # each row: (name, (formula, numbers))
        self.row_numbers = [row[1][1] for row in self.rows]
        self.caption("MAML's meta-gradient pulls the validation gradient g = ∇Lᵥₐₗ(θ′) back through the step: "
                     "(I − α∇²L(θ))ᵀ g = g − α∇²L(θ) g, one Hessian–vector product.", 7,
                     spoken="MAML's meta-gradient pulls the validation gradient g, the gradient of L val at theta "
                            "prime, back through the step: the transpose of I minus alpha times the Hessian, "
                            "times g, which is g minus alpha times the Hessian times g: one Hessian-vector "
                            "product.",
                     shows=("The square and its images dim; the validation gradient appears as an arrow at θ′ and, "
                            "pulled back through the step, as the meta-gradient arrow at θ, each named at its tip "
                            "(g, MAML) and with a labelled row of numbers."))
        dim = VGroup(self.square, self.e_arrows, self.e_labels, self.true_image, self.para, self.j_arrows,
                     self.j_labels)
        self.note = self._scale_note()
        parts = [[self.rows[0]], [self.note]] if self.note.has_points() else [[self.rows[0]]]
        uncover(self, parts, self.rt(1), dim.animate.set_opacity(0.3), GrowArrow(self.val_arrow),
                FadeIn(self.val_label), buff=style.VEIL_MARGIN)
        uncover(self, [[self.rows[1]]], self.rt(1.5), TransformFromCopy(self.val_arrow, self.maml_arrow),
                FadeIn(self.maml_label), buff=style.VEIL_MARGIN)
        self.pause(4.5)

    def first_order(self) -> None:
        left = self.panels[0]
        s = self.arrow_scale
        self.fo_arrow = left.arrow(self.theta, self.theta + s * self.g_val, style.FIRST_ORDER)
        self.diff_arrow = left.arrow(self.theta + s * self.g_val, self.theta + s * self.g_maml, style.TEXT, 3)
        self.fo_label = tip_label(self.fo_arrow, "first-order", style.FIRST_ORDER, left.border,
                                  [self.maml_label.get_center(), self.diff_arrow.get_center(),
                                   left.point(self.theta)])
        diff = self.g_maml - self.g_val
        size, full = float(np.linalg.norm(diff)), float(np.linalg.norm(self.g_maml))
        share = f", {fmt_decimals(100 * size / full, 0)} % of the meta-gradient's length" if full > 0 else ""
        self.caption("First-order MAML drops the Hessian and uses g = ∇Lᵥₐₗ(θ′) as it is: "
                     f"off by {fmt_decimals(size)} here{share}.", 7.5,
                     spoken="First-order MAML drops the Hessian and uses g, the gradient of L val at theta prime, "
                            f"as it is: off by {fmt_decimals(size)} here{share}.",
                     shows=("The validation gradient is copied to θ as the first-order gradient, named at its tip "
                            "and with its labelled row of numbers, and a small arrow shows how far it lies from the "
                            "meta-gradient."))
        self.play(TransformFromCopy(self.val_arrow, self.fo_arrow), FadeIn(self.fo_label), run_time=self.rt(1.5))
        uncover(self, [[self.rows[2]]], self.rt(1.2), GrowArrow(self.diff_arrow), buff=style.VEIL_MARGIN)
        self.pause(4.8)


__all__ = ["MAMLStep"]
