"""[encoder]: the settings EncoderSensitivity (scenes/encoder_sensitivity.py) reads, with defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Box, Vec2, box, inside, numbers, pairs, positive


@section("encoder", scenes=("EncoderSensitivity",))
class EncoderSettings:
    """EncoderSensitivity: an encoder z = a . tanh(W x + b) from the plane to one number, with 1 to 6 hidden
    units (rows of W, entries of b and a)."""

    w: tuple[Vec2, ...] = setting(((1.5, 0.8), (-0.6, 1.3), (0.9, -1.1)), pairs(1, 6, "rows [a, b]"),
                                  "W, one row per hidden unit")
    b: tuple[float, ...] = setting((0.1, -0.2, 0.3), numbers(1, 6), "b, one entry per row of W")
    v: tuple[float, ...] = setting((1.0, -0.8, 0.6), numbers(1, 6), "the readout weights a, one per row of W")
    box: Box = setting((-2.0, 2.0, -2.0, 2.0), box, "the input plane drawn: x_min, x_max, y_min, y_max")
    point: Vec2 = setting((0.3, -0.2), numbers(2, 2),
                          "the input x that moves along the ignored and the amplified direction (in the box)")
    step: float = setting(0.5, positive, "how far it moves each way")
    points: tuple[Vec2, ...] = setting(
        ((-1.2, -1.2), (0.0, -1.2), (1.2, -1.2), (-1.2, 0.0), (1.2, 0.0), (-1.2, 1.2), (0.0, 1.2), (1.2, 1.2)),
        pairs(1, 9), "where the pull-back metric J^T J is drawn (1..9 points in the box)")

    def validate(self) -> None:
        hidden = len(self.w)
        if len(self.b) != hidden or len(self.v) != hidden:
            raise SectionError(f"b and v must have one entry per row of w ({hidden}), "
                               f"got {len(self.b)} and {len(self.v)}")
        if not all(inside(p, self.box) for p in (self.point, *self.points)):
            raise SectionError(f"point and points must lie in box {list(self.box)}, got {list(self.point)} and "
                               f"{[list(p) for p in self.points]}")
