"""ChainRule: two tanh layers; cells and parallelograms compose (J of g after f = Jg Jf), and a gradient is
pulled back through one layer at a time by vector-Jacobian products (the product of the Jacobians is never formed).
Each panel's view is fitted to what it shows (BOX, or larger for steep layers).

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/chain_rule.py ChainRule
"""

from __future__ import annotations

import numpy as np
from manim import *

from jacobian_math import (
    Composition,
    TanhLayer,
    cell_image,
    chain_jacobian,
    linearised_cell,
    square_cell,
    vjp,
)
from jacobian_math.fields import grid_lines, nice_step, square_box
from scenes.chain_rule_settings import ChainRuleSettings
from scenes.kit import style
from scenes.kit.panel import Panel, cell_polygon
from scenes.kit.readouts import (
    decimal_matrix,
    number_row,
)
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import plain_text, single_path
from scenes.kit.tip_label import tip_label


class ChainRule(LectureScene):
    """Two tanh layers f then g: cells and their parallelograms compose, and a gradient pulls back."""

    TITLE = "The chain rule: products of Jacobians"
    BOX = (-1.6, 1.6, -1.6, 1.6)
    GRID = ChainRuleSettings.GRID  # the drawn grid: lines at multiples of 0.5 inside it ([chain_rule] checks it)
    SIDE = 3.3
    PANEL_Y = 1.35
    PANEL_X = 4.6
    GRADIENT_SCALE = 0.5  # gradient arrows are drawn at half length
    ARROW_NAME_GAP = 0.05  # f and g above the short arrows between the panels, closer than a label elsewhere

    def construct(self) -> None:
        cfg = self.settings.chain_rule
        self.f = TanhLayer(np.array(cfg.w1), np.array(cfg.b1))
        self.g = TanhLayer(np.array(cfg.w2), np.array(cfg.b2))
        self.p = np.array(cfg.point)
        self.h = cfg.cell
        self.v = np.array(cfg.gradient)
        self.fit_views()
        self.beat("title_card")
        self.title_card(self.TITLE, "the Jacobian of a composition is the product of the layers' Jacobians")
        self.beat("show_layers")
        self.show_layers()
        self.beat("push_through_f")
        self.push_through_f()
        self.beat("push_through_g")
        self.push_through_g()
        self.beat("write_product")
        self.write_product()
        self.beat("pull_back_gradient")
        self.pull_back_gradient()

    GRADIENT_SCALES = (GRADIENT_SCALE, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01)

    def fit_views(self) -> None:
        """Each panel's box: BOX, or a larger square holding its cell, the cell's image and parallelogram and its
        gradient arrow (steep layers stretch them); the gradient scale is the largest of GRADIENT_SCALES that
        keeps every arrow inside those boxes (else the smallest, the boxes grown to hold the arrows)."""
        fg = Composition(self.f, self.g)
        cell = np.vstack([square_cell(self.p, self.h), self.p])
        shapes = [cell, np.vstack([cell_image(self.f, self.p, self.h), linearised_cell(self.f, self.p, self.h)]),
                  np.vstack([cell_image(fg, self.p, self.h), linearised_cell(fg, self.p, self.h)])]
        jg = self.g.jacobian(self.f(self.p))
        v_hidden = vjp(self.v, jg)
        starts = [self.p, self.f(self.p), fg(self.p)]
        vectors = [vjp(v_hidden, self.f.jacobian(self.p)), v_hidden, self.v]
        boxes = [square_box(pts, self.BOX) for pts in shapes]

        def fits(s: float) -> bool:
            return all(x0 <= (a + s * v)[0] <= x1 and y0 <= (a + s * v)[1] <= y1
                       for (x0, x1, y0, y1), a, v in zip(boxes, starts, vectors, strict=True))

        self.gradient_scale = next((s for s in self.GRADIENT_SCALES if fits(s)), self.GRADIENT_SCALES[-1])
        s = self.gradient_scale
        self.boxes = [square_box(np.vstack([pts, a, a + s * v]), self.BOX)
                      for pts, a, v in zip(shapes, starts, vectors, strict=True)]

    def panel(self, k: int, heading: str) -> Panel:
        box = self.boxes[k]
        span = box[1] - box[0]
        return Panel(box, self.SIDE, heading, step=1.0 if span <= 8 else nice_step(span, 8))

    def show_layers(self) -> None:
        self.panels = [
            self.panel(0, r"x"),
            self.panel(1, r"h = f(x) = \tanh(W_1 x + b_1)"),
            self.panel(2, r"y = g(h) = \tanh(W_2 h + b_2)"),
        ]
        for k, panel in enumerate(self.panels):
            panel.place([(k - 1) * self.PANEL_X, self.PANEL_Y, 0])
            panel.heading.scale(0.8).next_to(panel.border, UP, buff=style.SMALL_HEADING_GAP)
        arrows = VGroup(*[
            Arrow(self.panels[k].border.get_right(), self.panels[k + 1].border.get_left(), buff=style.ARROW_GAP,
                  color=style.MUTED, stroke_width=style.LINE_WIDTH)
            for k in range(2)
        ])
        labels = VGroup(*[MathTex(n, font_size=style.LABEL_SIZE, color=style.TEXT).next_to(a, UP,
                                                                                           buff=self.ARROW_NAME_GAP)
                          for n, a in zip(("f", "g"), arrows, strict=True)])
        self.grid_in = VGroup(*[self.panels[0].polyline(line, stroke_color=style.MUTED, stroke_width=style.GUIDE_WIDTH)
                                for line in grid_lines(self.GRID, 0.5, 60, edges=False)])
        inp = self.panels[0]
        self.cell_in = cell_polygon(inp, square_cell(self.p, self.h), style.TEXT, 0.2, style.THIN_WIDTH)
        self.e_arrows = VGroup(inp.arrow(self.p, self.p + [self.h, 0], style.E1),
                               inp.arrow(self.p, self.p + [0, self.h], style.E2))
        # each arrow named at its tip, away from its cell: e1 / e2 and J e1 / J e2 in words, not only by colour
        self.e_names = VGroup(*[tip_label(a, n, a.get_color(), inp.border, [inp.point(self.p + self.h / 2)], tex=True)
                                for a, n in zip(self.e_arrows, ("e_1", "e_2"), strict=True)])
        self.caption("A small network: layer f, then layer g, each a map of the plane.", 4,
                     shows=("Three panels side by side, headed x, h = f(x) and y = g(h), linked by arrows marked f and"
                            " g; the first fills with a grid, a small square at p and two arrows, named e₁ and e₂."))
        uncover(self, [[p] for p in self.panels], self.rt(1.5), GrowArrow(arrows[0]), GrowArrow(arrows[1]),
                FadeIn(labels), buff=style.VEIL_MARGIN)
        self.play(Create(self.grid_in), FadeIn(self.cell_in), GrowArrow(self.e_arrows[0]),
                  GrowArrow(self.e_arrows[1]), FadeIn(self.e_names), run_time=self.rt(1.5))
        self.pause(1)

    def _carry(self, panel: Panel, fmap: Composition | TanhLayer):
        """Grid image, true image of the cell at p, and the parallelogram f(p) + J(p) (corner - p)."""
        grid = VGroup(*[panel.polyline(fmap(line), stroke_color=style.MUTED, stroke_width=style.GUIDE_WIDTH)
                        for line in grid_lines(self.GRID, 0.5, 60, edges=False)])
        true_cell = panel.polyline(cell_image(fmap, self.p, self.h), closed=True, stroke_color=style.TEXT,
                                   stroke_width=style.THIN_WIDTH)
        corners = linearised_cell(fmap, self.p, self.h)
        para = cell_polygon(panel, corners, style.JE1, 0.15, style.NO_STROKE)
        edges = VGroup(panel.arrow(corners[0], corners[1], style.JE1), panel.arrow(corners[0], corners[3], style.JE2))
        middle = panel.point(np.mean(corners, axis=0))
        names = VGroup(*[tip_label(a, n, a.get_color(), panel.border, [middle], tex=True)
                         for a, n in zip(edges, ("J e_1", "J e_2"), strict=True)])
        return grid, true_cell, para, edges, corners, names

    def push_through_f(self) -> None:
        self.jf = self.f.jacobian(self.p)
        grid, cell, self.para_f, edges, self.corners_f, self.names_f = self._carry(self.panels[1], self.f)
        self.caption("f bends the grid. Near p it acts like its Jacobian Jf(p), which maps the square to a "
                     "parallelogram close to its curved image.", 5,
                     shows=("In the middle panel the bent grid and the square's curved image appear, then a shaded "
                            "parallelogram whose edge arrows, named J e₁ and J e₂, are the images of e₁ and e₂."))
        self.play(TransformFromCopy(self.grid_in, grid), TransformFromCopy(self.cell_in, cell), run_time=self.rt(2))
        self.play(FadeIn(self.para_f), GrowArrow(edges[0]), GrowArrow(edges[1]), FadeIn(self.names_f),
                  run_time=self.rt(1))
        self.pause(2)
        self.grid_hidden = grid
        self.cell_layers = VGroup(self.cell_in, self.e_arrows, cell, self.para_f, edges)
        self.edges_f = edges  # J e_1, J e_2 on the hidden panel

    def push_through_g(self) -> None:
        self.jgf = chain_jacobian(self.f, self.g, self.p)
        grid, cell, self.para_gf, edges, self.corners_gf, self.names_gf = self._carry(self.panels[2],
                                                                                     Composition(self.f, self.g))
        self.caption("g bends it again. The cell's image is curved; its linear approximation is the "
                     "parallelogram of Jg(f(p)) Jf(p).", 4.7,
                     shows=("The right panel shows the grid bent again, the cell's curved image and the parallelogram "
                            "of the product, with its two edge arrows named J e₁ and J e₂."))
        self.play(TransformFromCopy(self.grid_hidden, grid), run_time=self.rt(1.5))
        self.play(Create(cell), FadeIn(self.para_gf), GrowArrow(edges[0]), GrowArrow(edges[1]), FadeIn(self.names_gf),
                  run_time=self.rt(1.2))
        self.pause(2)
        self.cell_layers.add(cell, self.para_gf, edges, self.e_names, self.names_f, self.names_gf)
        self.edges_gf = edges  # J e_1, J e_2 on the output panel

    def write_product(self) -> None:
        self.jg = self.g.jacobian(self.f(self.p))
        self.m_gf, self.m_g, self.m_f = (decimal_matrix(j) for j in (self.jgf, self.jg, self.jf))
        eq = VGroup(MathTex(r"J_{g\circ f}(p) =", font_size=style.LABEL_SIZE), self.m_gf,
                    MathTex("=", font_size=style.LABEL_SIZE), self.m_g, self.m_f)
        eq.arrange(RIGHT, buff=style.EQUATION_GAP)
        under = VGroup(MathTex(r"J_g(f(p))", font_size=style.SMALL_SIZE, color=style.MUTED),
                       MathTex(r"J_f(p)", font_size=style.SMALL_SIZE, color=style.MUTED))
        under[0].next_to(self.m_g, DOWN, buff=style.LABEL_GAP)
        under[1].next_to(self.m_f, DOWN, buff=style.LABEL_GAP)
        self.product = VGroup(eq, under).move_to([0, -2.3, 0])
        self.product_eq = eq
        self.caption("Written out: the Jacobian of the composition is the product of the layer Jacobians.", 4.5,
                     shows=("Below the panels: the Jacobian of g∘f at p as a matrix of numbers, equal to the product "
                            "of the two layer matrices, each named underneath."))
        uncover(self, [[under[0]], [under[1]]], self.rt(2), Write(eq), buff=style.VEIL_MARGIN_TIGHT)
        self.pause(2.5)

    def pull_back_gradient(self) -> None:
        y, hid = self.g(self.f(self.p)), self.f(self.p)
        self.v_hidden = vjp(self.v, self.jg)
        self.v_input = vjp(self.v_hidden, self.jf)
        s = self.gradient_scale  # chosen with the views (fit_views)
        self.grad_arrows = VGroup(
            self.panels[2].arrow(y, y + s * self.v, style.GRADIENT),
            self.panels[1].arrow(hid, hid + s * self.v_hidden, style.GRADIENT),
            self.panels[0].arrow(self.p, self.p + s * self.v_input, style.GRADIENT),
        )
        self.input_gradient = self.grad_arrows[2]  # (v^T J_g) J_f, drawn at x
        rows = VGroup(
            number_row(r"v^\top =", self.v, style.GRADIENT),
            number_row(r"v^\top J_g =", self.v_hidden, style.GRADIENT),
            number_row(r"(v^\top J_g)\, J_f =", self.v_input, style.GRADIENT),
        )
        for row, panel in zip(rows, reversed(self.panels), strict=True):
            row.next_to(panel.border, DOWN, buff=style.UNDER_PANEL_GAP)
        self.caption(f"Back-propagation carries one vector: the gradient v at the output is pulled back through "
                     f"Jg(f(p)), giving vᵀ Jg(f(p)), then through Jf(p). One vector–Jacobian product per layer; the "
                     f"product of the Jacobians is never formed (arrows drawn at {s:g} of their length).", 6,
                     shows=("The cells fade; a gradient arrow appears at the output, then is carried back into the "
                            "middle and the first panel, each with its row of numbers below the panel; a note at the "
                            "bottom gives the arrows' scale."))
        uncover(self, [[rows[0]]], self.rt(1), self.cell_layers.animate.set_opacity(0.3),
                GrowArrow(self.grad_arrows[0]), buff=style.VEIL_MARGIN)
        uncover(self, [[rows[1]]], self.rt(1.2), TransformFromCopy(self.grad_arrows[0], self.grad_arrows[1]),
                buff=style.VEIL_MARGIN)
        uncover(self, [[rows[2]]], self.rt(1.2), TransformFromCopy(self.grad_arrows[1], self.grad_arrows[2]),
                buff=style.VEIL_MARGIN)
        note = single_path(plain_text(f"vector-Jacobian products, one layer at a time; gradient arrows drawn at "
                                f"{s:g} of their length",
                                font_size=style.SMALL_SIZE, color=style.MUTED)).to_edge(DOWN, buff=style.FRAME_MARGIN)
        uncover(self, [[note]], self.rt(0.6))
        self.pause(3)
        self.gradient_rows = rows


__all__ = ["ChainRule"]
