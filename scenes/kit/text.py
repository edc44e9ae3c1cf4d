"""Text helpers: single-path text, the one number format of labels and captions, and math in captions.

Captions are the narration script, written in Unicode math rather than code: φᵢ(x), φᵢ′(x), σ₁, σ², x² − y,
wᵀφ(x), ‖J‖, f⁻¹, x₀.  A Jacobian is written J followed by its map, as the operator D is in Df(p): Jf(p) is
the Jacobian of f at p, Jg(f(p)) Jf(p) the chain rule (Unicode has no subscript f or g, and J_f is code).
‖·‖ in a caption is the Frobenius norm (the captions that use it say so).  Indices use subscript digits
(:func:`subscript`); a user's map expression is shown by :func:`readable_expression`."""

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


def fmt_decimals(v: float, places: int = 2) -> str:
    """``v`` with ``places`` decimals, or with as many more as show its first significant digit when those would
    show a nonzero value as zero: 0.1234 -> '0.12', 0.004 -> '0.004', -0.00003 -> '-0.00003', 0 -> '0.00'."""
    if v == 0 or not np.isfinite(v) or abs(v) >= 0.5 * 10.0**-places:
        return f"{v:.{places}f}"
    return f"{v:.{max(places, -int(np.floor(np.log10(abs(v)))))}f}"


def places_for(values, places: int = 2, most: int = 4) -> int:
    """Decimals for a row or matrix of numbers shown with one number of decimals: ``places``, or more (up to
    ``most``) so that no nonzero value shows as zero (-0.004 with 2 decimals would read -0.00)."""
    v = np.abs(np.asarray(values, dtype=float))
    small = v[(v > 0) & (v < 0.5 * 10.0**-places)]
    if small.size == 0:
        return places
    return int(min(most, max(places, -np.floor(np.log10(small.min())))))


_SUBSCRIPT = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def subscript(n: int | str) -> str:
    """``n`` in subscript digits: 2 -> '₂'."""
    return str(n).translate(_SUBSCRIPT)


def readable_expression(source: str) -> str:
    """A map expression as typed (``x**2 - y``, ``2*x*y``) in caption form (``x² − y``, ``2x·y``):
    integer powers as superscripts (any other power keeps a caret), a number times a name or bracket
    juxtaposed, other products as a middle dot, minus as a minus sign."""
    import re

    text = re.sub(r"\*\*\s*(?:\(\s*(-?\d+)\s*\)|(\d+)(?![\d.]))",
                  lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPT), source)
    text = text.replace("**", "^")
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s*\*\s*(?=[A-Za-z(])", r"\1", text)
    text = re.sub(r"\s*\*\s*", "·", text)
    text = re.sub(r"(?<=\S)\s+-\s+", " − ", text)
    return re.sub(r"(^|[(\s,])-", lambda m: m.group(1) + "−", text)


def readable_map(fmap) -> str:
    """A plane map in caption form: ``f(x, y) = (x² − y, y² + x)``."""
    return f"{fmap.name}(x, y) = ({readable_expression(fmap.sources[0])}, {readable_expression(fmap.sources[1])})"
