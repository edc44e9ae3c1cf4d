"""Text helpers: plain text (:func:`plain_text`, the one way scenes make a ``Text``), single-path text, the one
number format of labels and captions, and math in captions.

Captions are the narration script, written in Unicode math rather than code: φᵢ(x), φᵢ′(x), σ₁, σ², x² − y,
wᵀφ(x), ‖J‖, f⁻¹, x₀.  A Jacobian is written J followed by its map, as the operator D is in Df(p): Jf(p) is
the Jacobian of f at p, Jg(f(p)) Jf(p) the chain rule (Unicode has no subscript f or g, and J_f is code).
‖·‖ in a caption is the Frobenius norm (the captions that use it say so).  Indices use subscript digits
(:func:`subscript`); a user's map expression is shown by :func:`readable_expression`."""

from __future__ import annotations

import numpy as np
from manim import ManimColor, Text, VMobject

_text_stand_ins = False  # True in the TeX look-ahead (use_text_stand_ins)


def use_text_stand_ins(on: bool = True) -> None:
    """From now on (``on``), :func:`plain_text` gives a stand-in instead of laying the words out: one rectangular
    outline of about the text's size.  For the TeX look-ahead (``scenes/kit/tex_lookahead.py``), which builds a
    scene only to find its formulas and never draws it."""
    global _text_stand_ins
    _text_stand_ins = on


def plain_text(words: str, font_size: float, color: ManimColor | str, **kwargs) -> Text:
    """A ``Text`` of ``words`` (font size in Manim's points), its outlines parsed once per process.

    Manim parses a ``Text``'s SVG (Pango's layout, kept on disk) every time one is built unless
    ``use_svg_cache=True``; with it, a ``Text`` with the same words, font, size and colour is a copy of the first
    one's outlines (Manim's own SVG cache, keyed by the SVG's name, which encodes all of those).  The picture is
    the same: the 96 final and beat frames of the 15 scenes at 320x180 were bit-identical with and without it
    (2026-12-07).  Measured the same day: rendering the 15 scenes again in one process (``-s``, 320x180, warm disk
    caches) 21.3 and 19.7 -> 13.3 and 14.0 CPU s; the tests render each scene several times per process, under
    several settings, and the look-ahead rebuilds a scene in a fork of the render."""
    if _text_stand_ins:
        # Pango's size at font size 48: about 0.33 units a character wide, 0.5 tall (glyphs without descenders)
        em = font_size / 48
        return VMobject(color=color).set_points_as_corners(
            [[0, 0, 0], [0.33 * em * max(len(words), 1), 0, 0], [0.33 * em * max(len(words), 1), 0.5 * em, 0],
             [0, 0.5 * em, 0], [0, 0, 0]]).center()
    return Text(words, font_size=font_size, color=color, use_svg_cache=True, **kwargs)


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


def fmt_number(v: float, places: int = 2) -> str:
    """A short number for labels (TeX): 2.0 -> '2', -0.7 -> '-0.7', 0.333 -> '0.33'.

    At most ``places`` decimals, except that a nonzero number is never shown as zero: one that rounds to 0
    keeps two significant digits (-0.004 -> '-0.004', 0.000123 -> '0.00012'), sign included."""
    v = float(v)
    if v == 0:
        return "0"
    if round(v, places) == 0:
        digits = 1 - int(np.floor(np.log10(abs(v))))
        return f"{v:.{digits}f}".rstrip("0")
    return f"{v:g}" if abs(v - round(v, places)) < 1e-9 else f"{v:.{places}f}"


def readout_notation(values, sig: int = 3, min_places: int = 0, max_places: int = 5) -> tuple[int, int]:
    """How a live readout that runs through ``values`` shows each with at least ``sig`` significant digits:
    ``(places, exponent)``, the number shown as ``v / 10**exponent`` to ``places`` decimals.

    Fixed notation (exponent 0) with at least ``min_places`` decimals while the smallest nonzero ``|v|`` needs
    no more than ``max_places``; beyond that, scientific with one exponent for the whole readout (the
    smallest value's), so that a nonzero value is never shown as zero: 0.00000221 -> (2, -6), 2.21 x 10^-6."""
    v = np.abs(np.asarray(values, float))
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return min_places, 0
    lowest = int(np.floor(np.log10(v.min())))
    places = sig - 1 - lowest
    if places <= max_places:
        return max(places, min_places), 0
    return sig - 1, lowest


def caption_number(v: float, places: int = 2) -> str:
    """:func:`fmt_number` for a caption: the same digits, with a minus sign (−) where TeX takes a hyphen."""
    return fmt_number(v, places).replace("-", "−")


def point_list(points, said: bool = False, places: int = 2) -> str:
    """Points for a caption, ``(−1, −1), (0, 0) and (1, 1)``; ``said``: as a voice should read them, pair by
    pair, ``the point −1, −1; the point 0, 0; and the point 1, 1`` (six loose numbers otherwise)."""
    if said:
        items = [f"the point {caption_number(p[0], places)}, {caption_number(p[1], places)}" for p in points]
        if len(items) <= 2:
            return " and ".join(items)
        return "; ".join(items[:-1]) + "; and " + items[-1]
    items = [f"({caption_number(p[0], places)}, {caption_number(p[1], places)})" for p in points]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


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
