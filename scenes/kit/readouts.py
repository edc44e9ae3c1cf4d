"""Live numeric readouts that update every frame without rebuilding TeX mobjects."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, RIGHT, DecimalMatrix, DecimalNumber, ManimColor, MathTex, Mobject, VGroup, VMobject, config

from scenes.kit import style
from scenes.kit.manim_compat import (
    decimal_text,
    set_glyph_points,
    set_unit_height,
    swap_glyphs,
)


class LiveDecimal(DecimalNumber):
    """A DecimalNumber whose ``set_value`` moves cached glyph outlines instead of rebuilding TeX mobjects.

    Each character (digits, minus, point) is laid out once from a reference DecimalNumber and cached per
    class; an update lays the string out the way DecimalNumber does (bottoms aligned, the same digit
    spacing, the minus sign centred on the next digit) and copies point arrays into a pool of slots.
    Plain numbers (``num_decimal_places``, ``include_sign``, colour, font size) take the fast path.
    """

    _REF_SIZE = 48.0  # Manim's default font size: the reference numbers are laid out at it, then scaled to 1
    _chars: dict[str, np.ndarray] = {}  # char -> outline at font size 1, bottom-left corner at the origin

    def __init__(self, number: float = 0, **kwargs) -> None:
        self._pool: list[VMobject] = []
        super().__init__(number, **kwargs)
        self._shown = decimal_text(self, number)
        self._fast = not (self.unit or self.show_ellipsis or self.include_background_rectangle)
        if not LiveDecimal._chars:
            refs = (DecimalNumber(-0.1234567895, num_decimal_places=10, font_size=self._REF_SIZE),
                    DecimalNumber(1.0, num_decimal_places=1, include_sign=True, font_size=self._REF_SIZE))
            for ref in refs:
                for ch, mob in zip(decimal_text(ref, ref.number), ref.submobjects, strict=True):
                    pts = np.vstack([m.points for m in mob.family_members_with_points()])
                    LiveDecimal._chars.setdefault(ch, (pts - pts.min(axis=0) * [1, 1, 0]) / self._REF_SIZE)

    def _outlines(self, text: str) -> list[np.ndarray]:
        """Outlines of ``text`` at font size 1, placed as DecimalNumber places them."""
        out, x = [], 0.0
        for ch in text:
            pts = LiveDecimal._chars[ch] + [x, 0, 0]
            x = pts[:, 0].max() + self.digit_buff_per_font_unit
            out.append(pts)
        for i, ch in enumerate(text[:-1]):
            if ch == "-":  # top at the vertical middle of the next character
                nxt = out[i + 1][:, 1]
                out[i] = out[i] + [0, (nxt.max() + nxt.min()) / 2 - out[i][:, 1].max(), 0]
        return out

    def set_value(self, number: float) -> LiveDecimal:
        # new glyphs keep the old ones' depth (Manim's own set_value and fresh slots bring z 0): a glyph at z 0
        # inside a number at z 12 sorts first, so Manim would redraw everything from z 0 up on every frame in
        # which the number moves
        depth = (self.submobjects[0] if self.submobjects else self).z_index
        text = decimal_text(self, number)
        if not self._fast or any(ch not in LiveDecimal._chars for ch in text):
            super().set_value(number)
            for glyph in self.submobjects:
                glyph.set_z_index(depth)
            self._shown = text
            return self
        self.number = number
        if text == self._shown:
            return self
        outlines = self._outlines(text)
        allpts = np.vstack(outlines)
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        local_anchor = (lo + hi) / 2 + (hi - lo) / 2 * self.edge_to_fix
        anchor, size = self.get_edge_center(self.edge_to_fix), self.font_size
        style_src = self.submobjects[0] if self.submobjects else self
        styled = set(map(id, self.submobjects)) if self.submobjects and self.submobjects[0] in self._pool else set()
        while len(self._pool) < len(outlines):
            self._pool.append(VMobject())
        for slot, pts in zip(self._pool, outlines, strict=False):
            set_glyph_points(slot, (pts - local_anchor) * size + anchor)
            if id(slot) not in styled:  # slots already shown carry the current style and depth
                slot.match_style(style_src)
                slot.z_index = depth
        swap_glyphs(self, self._pool[: len(outlines)])  # Cairo may still hold the old glyphs: they are emptied
        set_unit_height(self, (hi - lo)[1])  # keeps the font_size property exact
        self._shown = text
        return self


class SignedDecimal(LiveDecimal):
    """A LiveDecimal whose sign is never a lie: Manim shows a negative number that rounds to zero as "+0.00"
    (with ``include_sign``) or "0.00"; this shows "-0.00", so -0.004 never reads as positive (an exact zero,
    -0.0 included, still reads 0.00).  :func:`set_if_changed` keeps such a number negative."""

    def _get_num_string(self, number) -> str:
        text = super()._get_num_string(number)
        if not isinstance(number, complex) and number < 0 and not text.startswith("-"):
            text = "-" + text.removeprefix("+")
        return text


def number_row(label: str, values: Sequence[float], color: ManimColor = style.TEXT, places: int = 2) -> VGroup:
    """``label`` followed by a row vector of DecimalNumbers, spaced for the widest entry (a minus sign or a
    second integer digit widens the columns, so that "-3.00 -2.00" never runs together)."""
    widest = max((len(f"{v:.{places}f}") for v in values), default=0)
    h_buff = 1.1 + 0.3 * max(0, widest - 4)  # 1.1 fits "d.dd"; a sign, a digit or a decimal more widens
    return VGroup(
        MathTex(label, font_size=style.LABEL_SIZE, color=color),
        DecimalMatrix([list(values)], element_to_mobject_config={"num_decimal_places": places},
                      bracket_h_buff=0.1, h_buff=h_buff).scale(0.6),
    ).arrange(RIGHT, buff=style.KEY_GAP)


def decimal_matrix(jac: np.ndarray, places: int = 2, scale: float = 0.6) -> DecimalMatrix:
    """A DecimalMatrix of ``jac`` with ``places`` decimals, its columns spaced for the widest entry (1.6 fits
    "-d.dd"; each character more widens them, so that "1.0011 -0.0006" never runs together)."""
    widest = max((len(f"{v:.{places}f}") for v in np.ravel(jac)), default=0)
    return DecimalMatrix(np.asarray(jac).tolist(), element_to_mobject_config={"num_decimal_places": places},
                         h_buff=1.6 + 0.3 * max(0, widest - 5)).scale(scale)


def fit_right(mob: Mobject) -> Mobject:
    """Shrink ``mob`` about its left edge until it ends inside the frame's right margin (a matrix or row with
    more decimals, for a small nonzero entry, is wider)."""
    room = config.frame_width / 2 - style.FRAME_MARGIN - mob.get_left()[0]
    if mob.width > room > 0:
        mob.scale(room / mob.width, about_edge=LEFT)
    return mob


def shown_values(matrix: DecimalMatrix) -> np.ndarray:
    """The numbers a DecimalMatrix currently shows, ``(rows, cols)``."""
    rows = len(matrix.mob_matrix)
    return np.array([e.get_value() for e in matrix.get_entries()]).reshape(rows, -1)


def set_if_changed(number: DecimalNumber, value: float) -> DecimalNumber:
    """Set ``number`` only when the shown digits would change (rebuilding text every frame is slow)."""
    shown = round(float(value), number.num_decimal_places) + 0.0  # + 0.0 turns -0.0 into 0.0
    if shown == 0 and value < 0:
        shown = float(value)  # a negative value that rounds to zero stays negative (a SignedDecimal shows "-0.00")
    before = number.get_value()
    if shown != before:
        number.set_value(shown)
    return number


def beside(mob: Mobject, other: VMobject, buff: float) -> Mobject:
    """``mob.next_to(other, RIGHT, buff)`` from the raw points (next_to's bounding boxes cost more, per frame)."""
    theirs = other.points
    ours = np.vstack([m.points for m in mob.family_members_with_points()])
    dx = theirs[:, 0].max() + buff - ours[:, 0].min()
    dy = (theirs[:, 1].max() + theirs[:, 1].min() - ours[:, 1].max() - ours[:, 1].min()) / 2
    return mob.shift([dx, dy, 0])


def set_centred(number: DecimalNumber, value: float, centre: np.ndarray) -> DecimalNumber:
    """:func:`set_if_changed`, then re-centre at ``centre`` only if the digits changed (they may change width)."""
    before = number.get_value()
    if set_if_changed(number, value).get_value() != before:
        number.move_to(centre)
    return number
