"""Value checks for settings: each takes a value as TOML gives it and returns it typed (lists become tuples),
or raises ``TypeError("what it must be")``; the loader turns that into one line naming the file and the key.

Scene sections (``scenes/*_settings.py``) build their fields from these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "COLORMAPS", "Box", "Check", "Mat2", "Vec2", "box", "choice", "color", "colormap", "colors", "covariance",
    "direction", "expression", "inside", "integer", "interval", "matrix2", "number", "numbers", "pairs", "positive",
    "positive_at_most", "positive_interval", "text",
]

COLORMAPS = ("plasma", "viridis", "magma", "inferno")

Check = Callable[[Any], Any]


def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise TypeError("a finite number")
    return float(value)


def positive(value: Any) -> float:
    v = number(value)
    if v <= 0:
        raise TypeError("a number > 0")
    return v


def numbers(min_len: int = 1, max_len: int | None = None) -> Check:
    def check(value: Any) -> tuple[float, ...]:
        if max_len == min_len:
            size = f"{min_len}"
        else:
            size = f"{min_len} to {max_len}" if max_len else f"at least {min_len}"
        what = f"a list of {size} numbers"
        if not isinstance(value, list) or len(value) < min_len or (max_len and len(value) > max_len):
            raise TypeError(what)
        try:
            return tuple(number(v) for v in value)
        except TypeError:
            raise TypeError(what) from None

    return check


def interval(value: Any) -> tuple[float, float]:
    lo, hi = numbers(2, 2)(value)
    if not lo < hi:
        raise TypeError("[min, max] with min < max")
    return lo, hi


def box(value: Any) -> tuple[float, float, float, float]:
    b = numbers(4, 4)(value)
    if not (b[0] < b[1] and b[2] < b[3]):
        raise TypeError("[x_min, x_max, y_min, y_max] with min < max")
    return b  # type: ignore[return-value]


def pairs(min_len: int, max_len: int, items: str = "[x, y] pairs") -> Check:
    def check(value: Any) -> tuple[tuple[float, float], ...]:
        what = f"a list of {min_len} to {max_len} {items}"
        if not isinstance(value, list) or not min_len <= len(value) <= max_len:
            raise TypeError(what)
        try:
            return tuple(numbers(2, 2)(p) for p in value)  # type: ignore[misc]
        except TypeError:
            raise TypeError(what) from None

    return check


def integer(lo: int, hi: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise TypeError(f"a whole number from {lo} to {hi}")
        return value

    return check


def positive_at_most(hi: float) -> Check:
    def check(value: Any) -> float:
        v = number(value)
        if not 0 < v <= hi:
            raise TypeError(f"a number > 0 and <= {hi:g}")
        return v

    return check


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("a non-empty string")
    return value


def color(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise TypeError('a colour like "#58C4DD"')
    return value.upper()


def colors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TypeError('a non-empty list of colours like "#58C4DD"')
    return tuple(color(v) for v in value)


def colormap(value: Any) -> str:
    if value not in COLORMAPS:
        raise TypeError(f"one of {', '.join(COLORMAPS)}")
    return value


def expression(value: Any) -> str:
    """An expression in x and y, parsed with ``jacobian_math.parse_expression`` (a leaf of the project that
    imports nothing of it), so a malformed map fails when the settings load, naming file and key."""
    from jacobian_math import ExpressionError, parse_expression

    t = text(value)
    try:
        parse_expression(t)
    except ExpressionError as exc:
        raise TypeError(f"a valid expression in x and y ({exc})") from None
    return t


def matrix2(value: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    what = "a 2x2 matrix [[a, b], [c, d]]"
    if not isinstance(value, list) or len(value) != 2:
        raise TypeError(what)
    try:
        return tuple(numbers(2, 2)(row) for row in value)  # type: ignore[return-value]
    except TypeError:
        raise TypeError(what) from None


def positive_interval(value: Any) -> tuple[float, float]:
    lo, hi = interval(value)
    if lo <= 0:
        raise TypeError("[min, max] with 0 < min < max")
    return lo, hi


def direction(value: Any) -> tuple[float, float]:
    vec = numbers(2, 2)(value)
    if vec == (0.0, 0.0):
        raise TypeError("a non-zero vector [x, y]")
    return vec  # type: ignore[return-value]


def covariance(value: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    (a, b), (c, d) = matrix2(value)
    if b != c or not (a > 0 and a * d - b * c > 0):
        raise TypeError("a covariance [[a, b], [b, d]]: symmetric, a > 0 and a d - b^2 > 0")
    return (a, b), (c, d)


def choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise TypeError(f"one of {', '.join(options)}")
        return value

    return check


def inside(point: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether ``point`` lies in the box ``[x_min, x_max, y_min, y_max]`` (edges included)."""
    return b[0] <= point[0] <= b[1] and b[2] <= point[1] <= b[3]


Vec2 = tuple[float, float]
Mat2 = tuple[Vec2, Vec2]
Box = tuple[float, float, float, float]
