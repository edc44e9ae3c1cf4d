"""The affine map between a Manim coordinate system's plane coordinates and frame points."""

from __future__ import annotations

import numpy as np


class PlotFrame:
    """Affine map between plane coordinates and frame points of a Manim coordinate system (Axes,
    NumberPlane), taken once: ``coords.c2p`` costs far more per call, and followers call it every frame.
    Valid while the coordinate system does not move."""

    def __init__(self, coords) -> None:  # Axes or NumberPlane
        o, ex, ey = (np.asarray(coords.c2p(*xy)) for xy in ((0, 0), (1, 0), (0, 1)))
        self.origin, self.ex, self.ey = o, ex - o, ey - o

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Plane points ``(..., 2)`` -> frame points ``(..., 3)``."""
        p = np.asarray(points, float)
        return self.origin + p[..., :1] * self.ex + p[..., 1:2] * self.ey

    def point(self, x: float, y: float) -> np.ndarray:
        """One plane point -> its frame point ``(3,)`` (no array set-up: for per-frame use)."""
        return self.origin + x * self.ex + y * self.ey

    def to_plane(self, points: np.ndarray) -> np.ndarray:
        """Frame points ``(..., 3)`` -> plane points ``(..., 2)`` (the axes are orthogonal on screen)."""
        d = np.asarray(points, float) - self.origin
        return np.stack([d @ self.ex / (self.ex @ self.ex), d @ self.ey / (self.ey @ self.ey)], axis=-1)

    @property
    def unit(self) -> float:
        return float(np.linalg.norm(self.ex))
