"""BatchedJacobian: a layer on a batch of B examples; its (Bm) x (Bn) Jacobian is block diagonal until the
layer subtracts the batch mean; why the per-example Jacobian B x m x n is stored instead.

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/batched_jacobian.py BatchedJacobian
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import *

from jacobian_math import BatchLayer, TanhLayer, blocks, off_diagonal_size, storage_sizes
from scenes.kit import style
from scenes.kit.colormaps import signed_color
from scenes.kit.followers import Followers
from scenes.kit.readouts import LiveDecimal, set_centred
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import fmt_decimals, places_for


class BatchedJacobian(LectureScene):
    """X (B, n) -> Y (B, m) row by row: the batch Jacobian as a grid of coloured cells, blocks and all."""

    TITLE = "Batched inputs: a block-diagonal Jacobian"
    MATRIX_WIDTH = 4.8  # the largest width of the (Bm) x (Bn) grid
    MAX_CELL = 0.75
    MATRIX_CENTRE = (3.55, -0.2)
    BATCH_Y = 1.6  # centre height of X and Y
    STACK_Y = -2.2  # centre height of the per-example Jacobians
    Z_STILL = -1  # labels and lines that never move (drawn before the moving cells)
    Z_ENTRIES = 1  # the matrix's numbers, always drawn over their cells (a played group of cells, e.g. the
    # diagonal blocks' Indicate, is added to the scene after the numbers and would otherwise hide them)
    Z_TRACKER = 10
    LAYER_ARROW_GAP = 0.2  # the layer arrow's ends from X's and Y's grids

    def construct(self) -> None:
        cfg = self.settings.batched
        self.B = cfg.size
        self.X = np.array(cfg.inputs[: self.B])
        self.layer = TanhLayer(np.array(cfg.w), np.array(cfg.b))
        # the fraction of the batch mean subtracted; it has no points, so it sorts last: Manim redraws on each
        # frame everything from the first moving mobject in z order up
        self.c = ValueTracker(0.0).set_z_index(self.Z_TRACKER)
        self.followers = Followers()
        self._state_at = lru_cache(maxsize=2)(
            lambda c: (BatchLayer(self.layer, c)(self.X), BatchLayer(self.layer, c).jacobian(self.X)))
        self.m, self.n = self.layer.W.shape
        plain, mixed = self._state_at(0.0)[1], self._state_at(1.0)[1]
        self.scale = max(float(np.abs(plain).max()), float(np.abs(mixed).max()), 1e-9)
        # decimals for the matrix: 2, or more so that no nonzero entry of either state shows as zero (tiny
        # weights give entries of 0.0005: shown with 2 decimals they read 0.00)
        self.places = places_for(np.concatenate([plain.ravel(), mixed.ravel()]), most=6)
        self.beat("title_card")
        self.title_card(self.TITLE, "B examples at once: the Jacobian becomes a block matrix")
        self.beat("show_batch")
        self.show_batch()
        self.beat("show_matrix")
        self.show_matrix()
        self.beat("mix_examples")
        self.mix_examples()
        self.beat("store_per_example")
        self.store_per_example()

    def state(self) -> tuple[np.ndarray, np.ndarray]:
        """(Y (B, m), batch Jacobian (Bm, Bn)) at the current centring, computed once per frame."""
        return self._state_at(float(self.c.get_value()))

    def entry(self, r: int, k: int) -> float:
        return float(np.round(self.state()[1][r, k], self.places)) + 0.0

    # ------------------------------------------------------------------ beats

    def _number_grid(self, rows: int, cols: int, value, centre: np.ndarray, dx: float, dy: float,
                     color: ManimColor, follow: bool) -> VGroup:
        """Numbers ``value(i, j)`` in a rows x cols grid centred at ``centre``, between brackets; ``follow``:
        they follow the centring ``c`` (the inputs X do not: as followers they would make Manim redraw
        everything above them on every frame in which ``c`` moves)."""
        nums = VGroup()
        for i in range(rows):
            for j in range(cols):
                pos = centre + [(j - (cols - 1) / 2) * dx, ((rows - 1) / 2 - i) * dy, 0]
                num = LiveDecimal(0, num_decimal_places=2, font_size=style.SMALL_SIZE, color=color).move_to(pos)
                if follow:
                    self.followers.add(num, lambda mob, i=i, j=j, pos=pos: set_centred(mob, value(i, j), pos))
                else:
                    set_centred(num, value(i, j), pos)
                nums.add(num)
        brackets = VGroup(*[MathTex(t, font_size=style.LABEL_SIZE).stretch_to_fit_height(rows * dy)
                            for t in ("[", "]")])
        brackets[0].next_to(nums, LEFT, buff=style.AXIS_LABEL_GAP).set_y(centre[1])
        brackets[1].next_to(nums, RIGHT, buff=style.AXIS_LABEL_GAP).set_y(centre[1])
        return VGroup(nums, brackets)

    def show_batch(self) -> None:
        B = self.B
        dy = min(0.5, 2.2 / B)
        self.x_grid = self._number_grid(B, self.n, lambda i, j: self.X[i, j], np.array([-5.4, self.BATCH_Y, 0]),
                                        0.95, dy, style.TEXT, follow=False)
        self.y_grid = self._number_grid(B, self.m, lambda i, j: self.state()[0][i, j],
                                        np.array([-1.6, self.BATCH_Y, 0]), 0.95, dy, style.HIGHLIGHT, follow=True)
        arrow = Arrow(self.x_grid.get_right(), self.y_grid.get_left(), buff=self.LAYER_ARROW_GAP, color=style.MUTED,
                      stroke_width=style.LINE_WIDTH)
        self.layer_label = MathTex(r"\tanh(W x_i + b)", font_size=style.SMALL_SIZE).next_to(arrow, UP,
                                                                                            buff=style.LABEL_GAP)
        names = VGroup(MathTex(r"X \in \mathbb{R}^{B\times n}", font_size=style.SMALL_SIZE, color=style.MUTED)
                       .next_to(self.x_grid, UP, buff=style.BLOCK_LABEL_GAP),
                       MathTex(r"Y \in \mathbb{R}^{B\times m}", font_size=style.SMALL_SIZE, color=style.MUTED)
                       .next_to(self.y_grid, UP, buff=style.BLOCK_LABEL_GAP))
        rows = VGroup(*[MathTex(f"x_{i + 1}", font_size=style.SMALL_SIZE, color=style.basis_color(i))
                        .next_to(self.x_grid[1][0], LEFT,
                                 buff=style.ROW_NAME_GAP).set_y(self.x_grid[0][i * self.n].get_y())
                        for i in range(B)])
        self.batch_group = VGroup(self.x_grid, self.y_grid, arrow, names, rows)
        self.y_numbers = self.y_grid[0]  # Y's entries, row by row (the grid's brackets are y_grid[1])
        VGroup(self.x_grid, self.y_grid[1], arrow, self.layer_label, names, rows).set_z_index(self.Z_STILL)
        self.caption(f"A batch stacks B = {B} examples as the rows of X, B by n; the layer maps each row on its own, "
                     "giving Y, B by m.", 5.5,
                     shows=("A grid of numbers X with one row per example, labelled x₁, x₂, …, and an arrow marked "
                            "tanh(W xᵢ + b) to the output grid Y."))
        uncover(self, [[self.x_grid, names[0], rows]], self.rt(1), buff=style.VEIL_MARGIN)
        uncover(self, [[self.y_grid, names[1]]], self.rt(1.2), GrowArrow(arrow), Write(self.layer_label),
                buff=style.VEIL_MARGIN)
        self.pause(3.3)

    def show_matrix(self) -> None:
        B, m, n = self.B, self.m, self.n
        rows, cols = B * m, B * n
        c = min(self.MAX_CELL, self.MATRIX_WIDTH / cols)
        cx, cy = self.MATRIX_CENTRE
        origin = np.array([cx - (cols - 1) * c / 2, cy + (rows - 1) * c / 2, 0])
        probe = LiveDecimal(-0.25, num_decimal_places=self.places, font_size=style.SMALL_SIZE)
        size = style.SMALL_SIZE * min(1.0, 0.8 * c / probe.width)
        self.cells, self.entries = VGroup(), VGroup()
        for r in range(rows):
            for k in range(cols):
                pos = origin + [k * c, -r * c, 0]
                sq = Square(c * 0.94, stroke_width=style.NO_STROKE, fill_opacity=1).move_to(pos)
                self.followers.add(sq, lambda mob, r=r, k=k: mob.set_fill(signed_color(self.state()[1][r, k],
                                                                                       self.scale)))
                num = LiveDecimal(0, num_decimal_places=self.places, font_size=size, color=style.TEXT).move_to(pos)
                self.followers.add(num, lambda mob, r=r, k=k, pos=pos: set_centred(mob, self.entry(r, k), pos))
                self.cells.add(sq)
                self.entries.add(num)
        left, right = origin[0] - c / 2, origin[0] + (cols - 0.5) * c
        top, bottom = origin[1] + c / 2, origin[1] - (rows - 0.5) * c
        lines = VGroup(
            *[Line([left + j * n * c, top, 0], [left + j * n * c, bottom, 0]) for j in range(1, B)],
            *[Line([left, top - i * m * c, 0], [right, top - i * m * c, 0]) for i in range(1, B)],
        ).set_stroke(style.MUTED, style.THIN_WIDTH)
        col_labels = VGroup(*[MathTex(f"x_{j + 1}", font_size=style.SMALL_SIZE, color=style.basis_color(j))
                              .move_to([left + (j + 0.5) * n * c, top + 0.25, 0]) for j in range(B)])
        row_labels = VGroup(*[MathTex(f"y_{i + 1}", font_size=style.SMALL_SIZE, color=style.basis_color(i))
                              .move_to([left - 0.3, top - (i + 0.5) * m * c, 0]) for i in range(B)])
        # vec stacks columns, so vec of the transposes flattens the rows example by example (block-diagonal)
        head = MathTex(r"\frac{\partial\,\mathrm{vec}(Y^\top)}{\partial\,\mathrm{vec}(X^\top)}:\ " + f"{rows}"
                       + r"\times" + f"{cols}", font_size=style.LABEL_SIZE).next_to(col_labels, UP,
                                                                                    buff=style.BLOCK_LABEL_GAP)
        self.block_lines = lines
        self.matrix_group = VGroup(self.cells, self.entries, lines, col_labels, row_labels, head)
        VGroup(lines, col_labels, row_labels, head).set_z_index(self.Z_STILL)
        self.entries.set_z_index(self.Z_ENTRIES)
        self.caption(f"Flatten X and Y row by row, example after example: the Jacobian of the whole batch map is a "
                     f"Bm by Bn matrix, here {rows} by {cols}. Output i depends only on example i, so every block off "
                     "the diagonal is zero.", 7,
                     shows=("A large matrix of shaded cells with their values, columns labelled by the inputs and rows"
                            " by the outputs, headed by its size; only the blocks on its diagonal are non-zero, and "
                            "they are highlighted one after another."))
        uncover(self, [[self.cells, self.entries], [col_labels], [row_labels], [head]], self.rt(1.5),
                Create(lines), buff=style.VEIL_MARGIN_TIGHT)
        self.play(*[Indicate(VGroup(*[self.cells[r * cols + k] for r in range(i * m, (i + 1) * m)
                                      for k in range(i * n, (i + 1) * n)]), color=style.HIGHLIGHT, scale_factor=1.05)
                    for i in range(B)], run_time=self.rt(1.5))
        self.pause(4)

    def mix_examples(self) -> None:
        mixed = self._state_at(1.0)[1]
        off = off_diagonal_size(mixed, self.B)
        self.centring_label = MathTex(r"x_i \to x_i - \bar{x}", font_size=style.SMALL_SIZE, color=style.HIGHLIGHT)
        self.centring_label.next_to(self.batch_group[2], DOWN, buff=style.LABEL_GAP)
        if off > 0:
            what = f"off-diagonal blocks fill in, up to {fmt_decimals(off)} in size."
        else:
            what = "yet with this W every entry off the diagonal blocks stays exactly zero."
        self.caption("Subtract the batch mean first, as batch normalisation does in training mode, and each output "
                     f"depends on every example: {what}", 7.5,
                     shows=("The label xᵢ → xᵢ − x̄ appears under the batch, and the cells off the diagonal blocks "
                            "fill in with values."))
        self.followers.play(self, self.c.animate.set_value(1.0), FadeIn(self.centring_label), run_time=self.rt(3))
        self.pause(4.5)

    def store_per_example(self) -> None:
        B, m, n = self.B, self.m, self.n
        cols = B * n
        small, big = storage_sizes(B, m, n)
        self.caption(f"So for layers that keep examples apart, only the per-example Jacobians, B by m by n, need be "
                     f"stored: {small} numbers, every nonzero one, instead of {big}.", 8,
                     shows=("The centring label goes and the off-diagonal cells empty again; copies of the diagonal "
                            "blocks move aside into a stack of small matrices, one per example, under a heading."))
        self.followers.play(self, self.c.animate.set_value(0.0), FadeOut(self.centring_label), run_time=self.rt(1.5))
        c = self.cells[0].width / 0.94
        gap = 0.45
        width = B * n * c + (B - 1) * gap
        self.stack = VGroup()
        moves = []
        per = blocks(self.state()[1], B)
        for i in range(B):
            block = VGroup(*[VGroup(self.cells[r * cols + k], self.entries[r * cols + k])
                             for r in range(i * m, (i + 1) * m) for k in range(i * n, (i + 1) * n)])
            target = block.copy()
            target.move_to([-3.5 - width / 2 + n * c / 2 + i * (n * c + gap), self.STACK_Y, 0])
            name = MathTex(f"J_{i + 1}", font_size=style.SMALL_SIZE, color=style.basis_color(i)).next_to(
                target, UP, buff=style.SMALL_HEADING_GAP)
            self.stack.add(VGroup(target, name))
            moves.append(TransformFromCopy(block, target))
        head = MathTex(rf"B\times m\times n = {B}\times {m}\times {n} = {small}" + r"\text{ numbers, not }"
                       + rf"{B * m}\times {B * n} = {big}", font_size=style.SMALL_SIZE, color=style.MUTED)
        head.next_to(self.stack, DOWN, buff=style.BLOCK_LABEL_GAP)
        self.stack_values = per[np.arange(B), np.arange(B)]
        self.stack_head = head
        self.play(*moves, run_time=self.rt(2))
        uncover(self, [[head], *[[s[1]] for s in self.stack]], self.rt(1), buff=style.VEIL_MARGIN_TIGHT)
        self.pause(3.5)


__all__ = ["BatchedJacobian"]
