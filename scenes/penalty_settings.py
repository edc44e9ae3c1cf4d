"""[penalty]: the settings JacobianPenalty (scenes/penalty.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from typing import ClassVar

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Box, Mat2, Vec2, matrix2, numbers


@section("penalty", scenes=("JacobianPenalty",))
class PenaltySettings:
    """JacobianPenalty: the unit circle of perturbations through a steep and a flatter tanh layer."""

    BOX: ClassVar[Box] = (-1.2, 1.2, -1.2, 1.2)  # the input plane drawn
    RADIUS: ClassVar[float] = 0.3  # radius of the drawn circle of perturbations (input units)

    point: Vec2 = setting((0.2, 0.1), numbers(2, 2), "where the circle of perturbations sits, in [-0.9, 0.9]^2")
    w_steep: Mat2 = setting(((2.4, 1.2), (-0.4, 1.6)), matrix2, "a steep layer tanh(W x + b): its W")
    w_flat: Mat2 = setting(((0.9, 0.3), (-0.1, 0.7)), matrix2,
                           "a layer with smaller weights: the flatter kind of map a Jacobian penalty favours "
                           "(chosen by hand, not trained)")
    b: Vec2 = setting((0.1, -0.1), numbers(2, 2), "both layers' b")

    def validate(self) -> None:
        reach = round(self.BOX[1] - self.RADIUS, 9)  # 0.9, not 1.2 - 0.3 = 0.8999999999999999
        if not all(abs(c) <= reach for c in self.point):
            raise SectionError(f"point must lie in [{-reach:g}, {reach:g}] x [{-reach:g}, {reach:g}] (its circle is "
                               f"drawn in [{self.BOX[0]:g}, {self.BOX[1]:g}]^2), got {list(self.point)}")
