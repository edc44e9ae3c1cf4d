"""[maml]: the settings MAMLStep (scenes/maml_step.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import Vec2, numbers, positive_at_most


@section("maml", scenes=("MAMLStep",))
class MAMLSettings:
    """MAMLStep: one inner step theta' = theta - alpha grad L(theta) on a task fitted by y = tanh(a x + b); the
    inner loss L(a, b) is the mean squared error / 2."""

    x: tuple[float, ...] = setting((-1.5, -0.5, 0.5, 1.5), numbers(1, 8), "a task's training inputs (1 to 8)")
    y: tuple[float, ...] = setting((-0.9, -0.6, 0.2, 0.8), numbers(1, 8), "... and targets, one per input")
    val_x: tuple[float, ...] = setting((-1.0, 0.0, 1.0), numbers(1, 8),
                                       "the same task's validation inputs (1 to 8): the outer loss L_val")
    val_y: tuple[float, ...] = setting((-0.5, 0.3, 0.9), numbers(1, 8), "... and targets, one per input")
    theta: Vec2 = setting((0.3, -0.6), numbers(2, 2), "the parameters theta = (a, b) the inner step starts from")
    alpha: float = setting(0.8, positive_at_most(2.0), "the inner learning rate alpha, in (0, 2]")
    cell: float = setting(0.6, positive_at_most(2.0), "side of the square at theta carried by the step, in (0, 2]")

    def validate(self) -> None:
        for x_key, y_key in (("x", "y"), ("val_x", "val_y")):
            xs, ys = getattr(self, x_key), getattr(self, y_key)
            if len(xs) != len(ys):
                raise SectionError(f"{y_key} must have one target per input in {x_key} ({len(xs)}), got {len(ys)}")
