"""Text helpers: single-path text and the one number format of labels and captions."""

from __future__ import annotations

import numpy as np
from manim import VMobject


def single_path(mob: VMobject) -> VMobject:
    """One VMobject with every outline of ``mob`` (e.g. the glyphs of a Text, one submobject each).

    Cairo then draws it in one call and animations copy and interpolate one mobject instead of one per glyph;
    the picture is the same because all parts share one style (checked)."""
    parts = mob.family_members_with_points()
    first = parts[0]
    for part in parts[1:]:
        if not (np.array_equal(part.get_fill_rgbas(), first.get_fill_rgbas())
                and np.array_equal(part.get_stroke_rgbas(), first.get_stroke_rgbas())
                and part.get_stroke_width() == first.get_stroke_width()):
            raise ValueError(f"single_path: the parts of {type(mob).__name__} differ in style")
    path = VMobject()
    path.points = np.vstack([part.points for part in parts])
    return path.match_style(first)


def fmt_number(v: float) -> str:
    """A short number for labels and captions: 2.0 -> '2', -0.7 -> '-0.7', 0.333 -> '0.33'."""
    return f"{v:g}" if abs(v - round(v, 2)) < 1e-9 else f"{v:.2f}"
