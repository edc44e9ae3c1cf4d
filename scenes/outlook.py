"""MLOutlook: closing card, the page's "when do we see these vector-valued functions?" and where the lecture
shows each (every numbered item of the page's machine-learning section is a scene of its own).

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/outlook.py MLOutlook
"""

from __future__ import annotations

from manim import *

from scenes.kit import style
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import plain_text, single_path
from scenes.storyboard import title_of


class MLOutlook(LectureScene):
    """Closing card: where vector-valued functions appear, and the scene that shows each."""

    TITLE = "Outlook"
    HEADING = "Where vector-valued functions appear"
    HEADING_MARGIN = 0.5  # the card's heading sits further from the top edge than style.FRAME_MARGIN
    HEADING_SIZE = 38  # the card's one heading: above a panel's style.HEADING_SIZE, under a title's
    # (the page's case, what its Jacobian is, the scenes that show it: their titles come from the storyboard,
    # not from their modules, so editing one of those scenes leaves this clip's cache valid)
    ITEMS = (
        ("Every hidden layer", "activations are vectors; back-propagation: one vector–Jacobian product per layer",
         ("ChainRule",)),
        ("The final output", "K class probabilities, or a vector of regression targets",
         ("SoftmaxJacobian", "VectorRegression")),
        ("Batched inputs (B×n → B×m)", "a (Bm)×(Bn) Jacobian, block-diagonal when examples do not interact",
         ("BatchedJacobian",)),
        ("Spatial outputs (H×W×C)", "flattened, one Jacobian row per output value: H·W·C rows, banded",
         ("SpatialOutputs",)),
    )
    ITEM_GAP = 0.4  # between a row's items (its formula and its words), wider than a readout's parts
    ROWS_DROP = 0.5  # the list of rows below the heading

    def construct(self) -> None:
        self.beat("show_items")
        self.show_items()
        self.beat("sum_up")
        self.sum_up()

    def show_items(self) -> None:
        # each line of text is one path (a Text has one submobject per glyph: hundreds to copy and draw per frame)
        head = single_path(plain_text(self.HEADING, font_size=self.HEADING_SIZE, color=style.TEXT)).to_edge(
            UP, buff=self.HEADING_MARGIN)
        rows = VGroup()
        for name, what, scenes in self.ITEMS:
            pointer = f"see: {'; '.join(title_of(cls) for cls in scenes)}"
            rows.add(VGroup(single_path(plain_text(name, font_size=style.LABEL_SIZE, color=style.HIGHLIGHT)),
                            VGroup(single_path(plain_text(what, font_size=style.SMALL_SIZE, color=style.MUTED)),
                                   single_path(plain_text(pointer, font_size=style.SMALL_SIZE, color=style.TEXT)),
                                   ).arrange(RIGHT, buff=self.ITEM_GAP),
                            ).arrange(DOWN, aligned_edge=LEFT, buff=style.LINE_GAP))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP_WIDE)
        rows.scale_to_fit_width(min(rows.width, config.frame_width - 2 * style.FRAME_MARGIN - 1.0))
        rows.next_to(head, DOWN, buff=self.ROWS_DROP).set_x(0)
        foot = single_path(plain_text("In every case: how small input changes propagate to the outputs.",
                                font_size=style.SMALL_SIZE, color=style.TEXT)).to_edge(DOWN, buff=style.BOTTOM_MARGIN)
        self.rows = rows
        self.caption("Vector-valued functions are everywhere: hidden layers, the outputs of classifiers and "
                     "regressors, batches, and spatial outputs; each has its scene in this lecture.", 0.8 + 5,
                     shows=("A heading, then a list appears one line at a time: each name with what its Jacobian "
                            "describes and where it appears."))
        self.play(FadeIn(head, shift=DOWN * 0.2), run_time=self.rt(0.8))
        self.play(LaggedStart(*[FadeIn(r, shift=RIGHT * 0.2) for r in rows], lag_ratio=0.35), run_time=self.rt(5))
        self.foot = foot

    def sum_up(self) -> None:
        self.caption("In every case the Jacobian tells how small input changes propagate to the outputs.", 0.6 + 5,
                     shows="The sentence appears as a closing line under the list.")
        uncover(self, [[self.foot]], self.rt(0.6))
        self.pause(5)  # a closing card stays long enough to read (and for a YouTube chapter, >= 10 s)


__all__ = ["MLOutlook"]
