"""[chain_rule]: the settings ChainRule (scenes/chain_rule.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from typing import ClassVar

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Box, Mat2, Vec2, direction, matrix2, numbers, positive


@section("chain_rule", scenes=("ChainRule",))
class ChainRuleSettings:
    """ChainRule: two tanh layers f then g; a cell followed through both, a gradient pulled back."""

    GRID: ClassVar[Box] = (-1.5, 1.5, -1.5, 1.5)  # the drawn grid (lines at multiples of 0.5 inside it)

    w1: Mat2 = setting(((1.2, -0.6), (0.5, 1.0)), matrix2, "first layer f(x) = tanh(W1 x + b1): W1")
    b1: Vec2 = setting((0.1, -0.2), numbers(2, 2), "... and b1")
    w2: Mat2 = setting(((0.9, 0.8), (-0.7, 1.1)), matrix2, "second layer g(h) = tanh(W2 h + b2): W2")
    b2: Vec2 = setting((0.0, 0.2), numbers(2, 2), "... and b2")
    point: Vec2 = setting((0.2, -0.3), numbers(2, 2),
                          "the point p whose cell is followed through both layers; p and p + cell in the grid "
                          "[-1.5, 1.5]")
    cell: float = setting(0.6, positive, "side of that cell")
    gradient: Vec2 = setting((1.0, 0.6), direction, "dL/dy at the output, pulled back through each layer (v^T J)")

    def validate(self) -> None:
        lo, hi = self.GRID[0], self.GRID[1]
        if not all(lo <= c and c + self.cell <= hi for c in self.point):
            raise SectionError(f"point and point + cell must lie in [{lo:g}, {hi:g}] (the drawn grid), "
                               f"got point {list(self.point)} and cell {self.cell:g}")
