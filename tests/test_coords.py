"""``scenes.kit.coords.PlotFrame`` against Manim's own c2p / p2c."""

from __future__ import annotations

import numpy as np
from manim import Axes, NumberPlane

from scenes.kit.coords import PlotFrame


def test_plot_frame_agrees_with_c2p_and_p2c() -> None:
    rng = np.random.default_rng(0)
    for coords in (Axes(x_range=(-3, 5, 1), y_range=(-1, 0.5, 0.25), x_length=7, y_length=3).shift([1, -2, 0]),
                   NumberPlane(x_range=(-2, 2, 1), y_range=(-4, 4, 1), x_length=3, y_length=5)):
        frame = PlotFrame(coords)
        pts = rng.uniform(-2, 2, size=(20, 2))
        expected = np.array([coords.c2p(x, y) for x, y in pts])
        assert np.allclose(frame(pts), expected, atol=1e-12)
        assert np.allclose([frame.point(x, y) for x, y in pts], expected, atol=1e-12)
        assert np.allclose(frame.to_plane(expected), [coords.p2c(p)[:2] for p in expected], atol=1e-12)
