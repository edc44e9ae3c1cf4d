"""A small name at an arrow's tip: the arrow's role said in words, not only by its colour (WCAG 1.4.1)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import Arrow, BackgroundRectangle, ManimColor, MathTex, Mobject, VGroup, config

from scenes.kit import style
from scenes.kit.text import plain_text, single_path

__all__ = ["tip_label"]


def tip_label(arrow: Arrow, text: str, color: ManimColor, border: Mobject, avoid: Sequence[np.ndarray],
              tex: bool = False) -> VGroup:
    """A small name at ``arrow``'s tip (beyond it, or beside it: whichever keeps farthest from the points
    ``avoid``, e.g. the other arrows' tips), kept inside the panel ``border``: the arrow's role said in words,
    not only by its colour (WCAG 1.4.1).  Returns (backing, name)."""
    direction = arrow.get_end() - arrow.get_start()
    direction = direction / max(np.linalg.norm(direction), 1e-9)
    side = np.array([-direction[1], direction[0], 0.0])
    best, best_room = None, -np.inf
    for d in (direction, side, -side):
        label = (MathTex(text, font_size=style.KEY_SIZE, color=color) if tex
                 else single_path(plain_text(text, font_size=style.TINY_SIZE, color=color)))
        label.next_to(arrow.get_end(), d, buff=style.MARK_LABEL_GAP)
        inner = 0.06
        dx = (min(0.0, border.get_right()[0] - inner - label.get_right()[0])
              + max(0.0, border.get_left()[0] + inner - label.get_left()[0]))
        dy = (min(0.0, border.get_top()[1] - inner - label.get_top()[1])
              + max(0.0, border.get_bottom()[1] + inner - label.get_bottom()[1]))
        label.shift([dx, dy, 0])
        room = min((float(np.linalg.norm(label.get_center() - np.asarray(p))) for p in avoid), default=0.0)
        if room > best_room + 1e-6:
            best, best_room = label, room
    # a backing of the background colour, drawn first, keeps the name readable where it crosses a curve or a grid
    # line (``add_background_rectangle`` would draw it over a one-path name); the name is the group's last part
    backing = BackgroundRectangle(best, color=ManimColor(config.background_color), fill_opacity=0.85,
                                  buff=style.TIP_BACKING_GAP)
    return VGroup(backing, best)
