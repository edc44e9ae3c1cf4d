"""[taylor]: the settings TaylorError (scenes/taylor.py) reads, with their defaults and limits; the map is [map].

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Vec2, direction, numbers, positive_interval


@section("taylor", scenes=("TaylorError",))
class TaylorSettings:
    """TaylorError: f(p + d) against f(p) + J d as the step d shrinks, on the map of [map]."""

    point: Vec2 = setting((1.0, 1.0), numbers(2, 2), "the point p, on the map of [map]")
    direction: Vec2 = setting((0.8, 0.6), direction, "direction of the step d")
    steps: tuple[float, float] = setting((0.01, 1.0), positive_interval,
                                         "smallest and largest |d|: min >= 1e-4, max >= 10 min")

    def validate(self) -> None:
        lo, hi = self.steps
        if lo < 1e-4 or hi < 10 * lo:
            raise SectionError(f"steps must have min >= 1e-4 (smaller errors drown in rounding) and max >= 10 min "
                               f"(one decade for the slope), got {list(self.steps)}")
