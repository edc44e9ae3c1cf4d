"""SoftmaxJacobian: diag(p) - p p^T live as the logits move; rows sum to zero; saturation; the cross-entropy
gradient p - y, y the one-hot vector of the true class (TRUE_CLASS, marked on screen).

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/softmax.py SoftmaxJacobian
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from manim import *

from jacobian_math import (
    softmax,
    softmax_jacobian,
)
from scenes.kit import style
from scenes.kit.colormaps import signed_color
from scenes.kit.followers import Followers
from scenes.kit.readouts import (
    LiveDecimal,
    SignedDecimal,
    set_centred,
    set_if_changed,
)
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import caption_number, subscript


class SoftmaxJacobian(LectureScene):
    """K logits move; the probabilities and the live matrix diag(p) - p p^T follow."""

    TITLE = "The softmax Jacobian"
    CELL = 0.95  # side of a matrix cell
    MIN_CELL = 0.55  # ... and the smallest, for K >= 8
    MATRIX_HEIGHT = 4.2  # the K x K cells fill at most this height (below the formula, above the legend)
    BARS_X = -4.0  # centre of the bar panel
    BAR_HEIGHT = 3.2  # scene units for p = 1
    ENTRY_SCALE = 0.25  # |entry| giving full colour (the largest possible entry is 1/4)
    SATURATED = 0.9  # the largest p from which the last beat speaks of saturation
    TRUE_CLASS = 1  # the true class of the cross-entropy beat (0-based: class 2, the one that overtakes class 1)
    PLACES = 3  # decimals of the matrix entries: saturated entries of a few thousandths still show their size
    Z_STILL = -1  # z-index of labels, brackets and formulas (the moving parts stay at 0, drawn after them)

    def construct(self) -> None:
        cfg = self.settings.softmax
        self.K = len(cfg.logits)
        self.z = [ValueTracker(v) for v in cfg.logits]
        self.followers = Followers()  # bars, numbers and cells follow the logits while they move
        # softmax and its Jacobian, computed once per value of the logits (not once per follower)
        self._softmax_at = lru_cache(maxsize=1)(lambda z: (softmax(np.array(z)), softmax_jacobian(np.array(z))))
        self.beat("title_card")
        self.title_card(self.TITLE, "how each probability responds to each logit")
        self.beat("show_probabilities")
        self.show_probabilities()
        self.beat("show_jacobian")
        self.show_jacobian()
        self.beat("show_row_sums")
        self.show_row_sums()
        self.beat("move_logits")
        self.move_logits(cfg.logits)
        self.beat("saturate")
        self.saturate(cfg.saturated_logits)
        self.beat("contrast_cross_entropy")
        self.contrast_cross_entropy(cfg.saturated_logits)

    def logits(self) -> np.ndarray:
        return np.array([t.get_value() for t in self.z])

    def _state(self) -> tuple[np.ndarray, np.ndarray]:
        """softmax and its Jacobian at the current logits, computed once per frame (not once per follower)."""
        return self._softmax_at(tuple(t.get_value() for t in self.z))

    def show_probabilities(self) -> None:
        K = self.K
        # the baseline reaches half a bar past the outer bars: (K - 1) (width + gap) + 2 width long, centred at
        # BARS_X, and must stay inside the frame's margin
        half_room = self.BARS_X + config.frame_width / 2 - style.FRAME_MARGIN
        width = min(0.8, 3.6 / K, 2 * half_room / (1.5 * (K - 1) + 2))
        gap = width * 0.5
        self.base_y = -2.2
        xs = self.BARS_X + (np.arange(K) - (K - 1) / 2) * (width + gap)
        self.bar_xs, self.bar_width = xs, width
        # p to 3 decimals (a saturated 0.004 must not read 0.00), smaller type when the columns are narrow
        p_size = style.SMALL_SIZE * min(1.0, 0.92 * (width + gap) / LiveDecimal(0.004, num_decimal_places=3,
                                                                               font_size=style.SMALL_SIZE).width)
        self.bars, self.z_labels, self.p_labels = VGroup(), VGroup(), VGroup()
        for i in range(K):
            color = style.basis_color(i)
            bar = Rectangle(width=width, height=0.01, fill_color=color, fill_opacity=0.85, stroke_width=style.NO_STROKE)
            bar.move_to([xs[i], self.base_y, 0], aligned_edge=DOWN)

            def grow(b, i=i, x=xs[i]):
                h = max(1e-3, self._state()[0][i] * self.BAR_HEIGHT)
                b.stretch_to_fit_height(h).move_to([x, self.base_y, 0], aligned_edge=DOWN)

            self.followers.add(bar, grow)
            p_num = LiveDecimal(0, num_decimal_places=3, font_size=p_size, color=color)
            self.followers.add(p_num, lambda m, i=i, b=bar: set_if_changed(m, self._state()[0][i]).next_to(
                b, UP, style.MARK_LABEL_GAP))
            z_name = MathTex(f"z_{i + 1}", font_size=style.SMALL_SIZE, color=color)
            z_name.move_to([xs[i], self.base_y - 0.3, 0])
            z_val = SignedDecimal(self.z[i].get_value(), num_decimal_places=1, include_sign=True,
                                  font_size=style.SMALL_SIZE, color=color).move_to([xs[i], self.base_y - 0.7, 0])
            self.followers.add(z_val, lambda m, i=i, x=xs[i]: set_centred(m, self.z[i].get_value(),
                                                                           np.array([x, self.base_y - 0.7, 0])))
            self.bars.add(bar)
            self.p_labels.add(p_num)
            self.z_labels.add(VGroup(z_name, z_val))
        self.baseline = baseline = Line([xs[0] - width, self.base_y, 0], [xs[-1] + width, self.base_y, 0],
                                        color=style.AXIS, stroke_width=style.THIN_WIDTH)
        head = MathTex(r"p = \mathrm{softmax}(z)", font_size=style.LABEL_SIZE).move_to(
            [xs.mean(), self.base_y + self.BAR_HEIGHT + 0.6, 0])
        # what never moves is drawn first, so Manim keeps it in the static background while the logits move
        VGroup(baseline, head, *[label[0] for label in self.z_labels]).set_z_index(self.Z_STILL)
        self.caption("Softmax turns the logits z into probabilities p that sum to 1.", 3.2,
                     shows=("Bars, one per class, rise from a baseline to the probabilities; each is labelled with its"
                            " logit z below and its p above."))
        uncover(self, [[head], [self.z_labels]], self.rt(1.2), Create(baseline), FadeIn(self.bars),
                FadeIn(self.p_labels), buff=style.VEIL_MARGIN_TIGHT)
        self.pause(2)

    def show_jacobian(self) -> None:
        K = self.K
        # cells as large as the room between the formula above and the legend below allows (up to CELL)
        c = max(min(self.CELL, self.MATRIX_HEIGHT / K), self.MIN_CELL)
        # a matrix wider than the 3 x 3 one moves right, into the room right of the bars
        centre_x = 1.2 + max(0.0, K * c - 3 * self.CELL) / 2
        origin = np.array([centre_x - (K - 1) * c / 2, (K - 1) * c / 2 - 0.3, 0])
        # the entries' font shrinks only when "-0.250" would not fit in a cell
        probe = LiveDecimal(-0.25, num_decimal_places=self.PLACES, include_sign=True, font_size=style.SMALL_SIZE)
        entry_size = style.SMALL_SIZE * min(1.0, 0.75 * c / probe.width)  # a gap between neighbours
        self.cells, self.entries, self.sums = VGroup(), VGroup(), VGroup()
        for i in range(K):
            for j in range(K):
                pos = origin + [j * c, -i * c, 0]
                sq = Square(c * 0.94, stroke_width=style.NO_STROKE, fill_opacity=1).move_to(pos)
                self.followers.add(sq, lambda m, i=i, j=j: m.set_fill(self._entry_color(i, j)))
                num = SignedDecimal(0, num_decimal_places=self.PLACES, include_sign=True, font_size=entry_size,
                                    color=style.TEXT).move_to(pos)
                self.followers.add(num, lambda m, i=i, j=j, pos=pos: set_centred(m, self._entry(i, j), pos))
                self.cells.add(sq)
                self.entries.add(num)
            row_pos = origin + [K * c + 0.55, -i * c, 0]
            total = LiveDecimal(0, num_decimal_places=2, include_sign=True, font_size=style.SMALL_SIZE,
                                  color=style.HIGHLIGHT).move_to(row_pos)
            self.followers.add(total, lambda m, i=i, pos=row_pos: set_centred(m, self._row_sum(i), pos))
            self.sums.add(total)
        brackets = VGroup(
            *[Line(self.cells.get_corner(UL) + [s, 0.08, 0], self.cells.get_corner(DL) + [s, -0.08, 0],
                   color=style.TEXT, stroke_width=style.THIN_WIDTH) for s in (-0.08,)],
            *[Line(self.cells.get_corner(UR) + [s, 0.08, 0], self.cells.get_corner(DR) + [s, -0.08, 0],
                   color=style.TEXT, stroke_width=style.THIN_WIDTH) for s in (0.08,)],
        )
        formula = MathTex(r"\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j)",
                          r"\quad J = \mathrm{diag}(p) - p\,p^\top", font_size=style.LABEL_SIZE)
        formula.next_to(self.cells, UP, buff=style.WIDE_SECTION_GAP).shift(RIGHT * 0.3)
        sum_head = MathTex(r"\textstyle\sum_j", font_size=style.SMALL_SIZE, color=style.HIGHLIGHT)
        sum_head.next_to(self.sums, UP, buff=style.BLOCK_LABEL_GAP)
        col_labels = VGroup(*[MathTex(f"z_{j + 1}", font_size=style.SMALL_SIZE, color=style.MUTED).next_to(
            self.cells[j], UP, buff=style.LABEL_GAP) for j in range(K)])
        row_labels = VGroup(*[MathTex(f"p_{i + 1}", font_size=style.SMALL_SIZE, color=style.basis_color(i)).next_to(
            brackets[0], LEFT, buff=style.ROW_NAME_GAP).set_y(self.cells[i * K].get_y()) for i in range(K)])
        legend = VGroup(
            Square(0.25, fill_color=style.POSITIVE, fill_opacity=1, stroke_width=style.NO_STROKE),
            MathTex(r"\partial p_i/\partial z_j > 0", font_size=style.NOTE_SIZE, color=style.MUTED),
            Square(0.25, fill_color=style.NEGATIVE, fill_opacity=1, stroke_width=style.NO_STROKE),
            MathTex(r"< 0", font_size=style.NOTE_SIZE, color=style.MUTED),
        ).arrange(RIGHT, buff=style.KEY_GAP).next_to(self.cells, DOWN, buff=style.BLOCK_GAP_WIDE)
        self.matrix_group = VGroup(self.cells, self.entries, brackets, formula, col_labels, row_labels, legend)
        VGroup(brackets, formula, col_labels, row_labels, legend, sum_head).set_z_index(self.Z_STILL)
        self.positive_swatch = legend[0]
        self.negative_swatch = legend[2]
        self.caption(f"Its Jacobian, a {K} by {K} matrix, is the diagonal matrix of p minus p pᵀ: raising one logit "
                     "lifts its own p and lowers the rest.", 5,
                     shows=("The Jacobian's formula, then a square grid of cells with their values, row and column "
                            "labels, and a legend for the shading of positive and negative entries."))
        self.play(Write(formula), run_time=self.rt(1.2))
        uncover(self, [[self.cells, self.entries], [col_labels], [row_labels], [legend]], self.rt(1.2),
                Create(brackets), buff=style.VEIL_MARGIN_TIGHT)
        self.sum_head = sum_head

    def show_row_sums(self) -> None:
        self.caption("Every row sums to zero: raising all logits by the same amount leaves p unchanged.", 3.5,
                     shows="A column of row sums, each zero, appears to the right of the grid under a Σ heading.")
        uncover(self, [[self.sums], [self.sum_head]], self.rt(0.8), buff=style.VEIL_MARGIN_TIGHT)
        self.pause(2.5)

    def _jac(self) -> np.ndarray:
        return self._state()[1]

    def _entry(self, i: int, j: int) -> float:
        return float(self._jac()[i, j])  # set_if_changed rounds it, keeping the sign of a small negative entry

    def _row_sum(self, i: int) -> float:
        return float(np.round(self._jac()[i].sum(), 2)) + 0.0

    def _entry_color(self, i: int, j: int) -> ManimColor:
        return signed_color(self._jac()[i, j], self.ENTRY_SCALE)

    def move_logits(self, start: Sequence[float]) -> None:
        up = [*start]
        up[1] = start[0] + 0.2  # class 2 overtakes class 1
        self.caption("Move the logits: every entry follows, and the row sums stay at zero.", 5,
                     shows=("The logits change and change back: the bars grow and shrink, the cells and their numbers "
                            "follow, and the row sums stay at zero."))
        self.followers.play(self, *[t.animate.set_value(v) for t, v in zip(self.z, up, strict=True)],
                            run_time=self.rt(2.5))
        self.followers.play(self, *[t.animate.set_value(v) for t, v in zip(self.z, start, strict=True)],
                            run_time=self.rt(2))
        self.pause(1)

    def saturate(self, target: Sequence[float]) -> None:
        p, jac = softmax(np.array(target)), softmax_jacobian(np.array(target))
        k, largest = int(np.argmax(p)), float(np.abs(jac).max())
        pk = f"p{subscript(k + 1)}"
        if p[k] >= self.SATURATED:
            self.caption(f"Saturation: at {pk} = {p[k]:.2f} no entry of the Jacobian exceeds {largest:.2f} "
                         "in size, so a gradient sent back through the softmax alone shrinks.", 3,
                         shows="The logits move to new values; the bars, the cells and their numbers follow.")
        else:
            self.caption(f"Now {pk} = {p[k]:.2f}, and the largest entry of the Jacobian is {largest:.2f}.", 3,
                         shows="The logits move to new values; the bars, the cells and their numbers follow.")
        self.followers.play(self, *[t.animate.set_value(v) for t, v in zip(self.z, target, strict=True)],
                            run_time=self.rt(3))

    def cross_entropy_claim(self, target: Sequence[float]) -> str:
        """The last beat's caption: p - y at the final logits, y the one-hot vector of TRUE_CLASS."""
        p = softmax(np.array(target))
        t, k = self.TRUE_CLASS, int(np.argmax(p))
        y = np.eye(self.K)[t]
        size = caption_number(float(np.linalg.norm(p - y)))
        head = ("With a cross-entropy loss the gradient with respect to the logits is p − y, where y is the one-hot "
                f"vector of the true class, here class {t + 1}")
        if p[k] < self.SATURATED:
            return f"{head}: p − y has length {size}."
        if k != t:
            return (f"{head}: p − y has length {size}, so it does not vanish although the softmax has saturated "
                    "on a wrong class.")
        return f"{head}: the softmax has saturated on the true class, so p − y is small too, of length {size}."

    def contrast_cross_entropy(self, target: Sequence[float]) -> None:
        t, xs = self.TRUE_CLASS, self.bar_xs
        y_row = self.base_y - 1.15
        digits = VGroup(*[MathTex("1" if i == t else "0", font_size=style.SMALL_SIZE,
                                  color=style.HIGHLIGHT if i == t else style.TEXT).move_to([x, y_row, 0])
                          for i, x in enumerate(xs)])
        ring = SurroundingRectangle(VGroup(self.z_labels[t], digits[t]), color=style.HIGHLIGHT, buff=style.BOX_GAP,
                                    stroke_width=style.THIN_WIDTH)
        key = MathTex(rf"y:\ \text{{one-hot, true class }} {t + 1}", font_size=style.SMALL_SIZE, color=style.TEXT)
        key.next_to([xs[-1] + self.bar_width / 2, y_row, 0], RIGHT, buff=style.BLOCK_GAP_WIDE)
        self.true_class_marks = VGroup(digits, ring, key)
        self.caption(self.cross_entropy_claim(target), 3,
                     shows=("Under the logits a row of digits spells the one-hot label y, the 1 under the true class "
                            "boxed, with a key beside it."))
        self.play(FadeIn(digits), Create(ring), FadeIn(key), run_time=self.rt(0.8))
        self.pause(2.2)


__all__ = ["SoftmaxJacobian"]
