"""[flow]: the settings FlowDensity (scenes/flow.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from jacobian_settings import section, setting
from jacobian_settings.checks import Box, Vec2, box, numbers, positive


@section("flow", scenes=("FlowDensity",))
class FlowSettings:
    """FlowDensity: a flow z = f(x) of two affine couplings carries a Gaussian to the data density."""

    scales: Vec2 = setting((0.5, -0.4), numbers(2, 2), "the couplings' scales: s_k(a) = scales[k] tanh(a)")
    shifts: Vec2 = setting((0.8, 0.6), numbers(2, 2), "... and shifts: t_k(a) = shifts[k] sin(a)")
    base_std: float = setting(0.7, positive, "the base density N(0, std^2 I)")
    box: Box = setting((-3.5, 3.5, -3.5, 3.5), box, "x_min, x_max, y_min, y_max of both planes (and of the integral)")
