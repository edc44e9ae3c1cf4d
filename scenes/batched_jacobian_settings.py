"""[batched]: the settings BatchedJacobian (scenes/batched_jacobian.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Mat2, Vec2, integer, matrix2, numbers, pairs

MAX_BATCH = 4  # a (2B) x (2B) matrix of numbers stays readable up to B = 4


@section("batched", scenes=("BatchedJacobian",))
class BatchedSettings:
    """BatchedJacobian: B examples through the layer x -> tanh(W x + b); the (2B) x (2B) batch Jacobian."""

    size: int = setting(3, integer(2, MAX_BATCH), f"B, the examples in the batch, 2 to {MAX_BATCH}")
    w: Mat2 = setting(((1.2, -0.7), (0.5, 0.9)), matrix2, "the layer's W")
    b: Vec2 = setting((0.1, -0.2), numbers(2, 2), "... and b")
    inputs: tuple[Vec2, ...] = setting(((0.5, -0.3), (-0.8, 0.6), (0.2, 1.0), (1.0, 0.4)), pairs(2, MAX_BATCH),
                                       "the examples x_i (the first B used)")

    def validate(self) -> None:
        if self.size > len(self.inputs):
            raise SectionError(f"inputs must hold at least size = {self.size} examples, got {len(self.inputs)}")
