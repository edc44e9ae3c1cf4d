"""[softmax]: the settings SoftmaxJacobian (scenes/softmax.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import numbers


@section("softmax", scenes=("SoftmaxJacobian",))
class SoftmaxSettings:
    """SoftmaxJacobian: K logits move, the probabilities and diag(p) - p p^T follow, then saturate."""

    logits: tuple[float, ...] = setting((1.0, 0.2, -0.6), numbers(2, 8), "the K logits z it starts from (K = 2..8)")
    saturated_logits: tuple[float, ...] = setting(
        (4.5, -1.0, -1.5), numbers(2, 8), "... and where they end: one p near 1, the Jacobian nearly 0 (same K)")

    def validate(self) -> None:
        if len(self.saturated_logits) != len(self.logits):
            raise SectionError(f"saturated_logits must have as many entries as logits ({len(self.logits)}), "
                               f"got {len(self.saturated_logits)}")
