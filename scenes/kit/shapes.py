"""Shapes from plane points: Bezier paths, cells cut into sides, dashed curves, boxed labels."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import *
from manim.utils.bezier import get_smooth_cubic_bezier_handle_points

from scenes.kit import style


def to_xyz(points: np.ndarray) -> np.ndarray:
    p = np.asarray(points, float)
    return np.concatenate([p, np.zeros((*p.shape[:-1], 1))], axis=-1)


def bezier_path(sides: Sequence[np.ndarray], smooth_handles: bool) -> np.ndarray:
    """Cubic Bezier control points ``(4 n, 3)`` through the anchors of each side ``(k, 3)``.

    Sides are joined end to start; with ``smooth_handles`` each side is a smooth spline
    (corners between sides stay corners), else straight segments.
    """
    parts = []
    for a in sides:
        if smooth_handles and len(a) > 2:
            h1, h2 = get_smooth_cubic_bezier_handle_points(a)
        else:
            h1, h2 = a[:-1] + (a[1:] - a[:-1]) / 3, a[:-1] + 2 * (a[1:] - a[:-1]) / 3
        parts.append(np.stack([a[:-1], h1, h2, a[1:]], axis=1).reshape(-1, 3))
    return np.concatenate(parts)


def cell_sides(boundary: np.ndarray, per_side: int) -> list[np.ndarray]:
    """A cell boundary ``(4 per_side, 2)`` (counter-clockwise, not closed) cut into its 4 sides,
    ``(per_side + 1, 2)`` each."""
    b = boundary
    closed = np.concatenate([b, b[:1]])
    return [closed[k * per_side : (k + 1) * per_side + 1] for k in range(4)]


def boxes_overlap(a: Mobject, b: Mobject) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` intersect (frame units)."""
    return bool(a.get_left()[0] < b.get_right()[0] and b.get_left()[0] < a.get_right()[0]
                and a.get_bottom()[1] < b.get_top()[1] and b.get_bottom()[1] < a.get_top()[1])


def labelled_box(mob, opacity: float = 0.85):
    mob.add_background_rectangle(color=style.PANEL, opacity=opacity, buff=style.BOX_GAP)
    return mob


def place_segment(line: Line, start: np.ndarray, end: np.ndarray) -> Line:
    """Put a straight ``line`` from ``start`` to ``end`` (frame points, shape ``(3,)``) by setting
    its four Bezier points (what ``put_start_and_end_on`` ends with, without its rotate and scale)."""
    line.points = np.array([start, (2 * start + end) / 3, (start + 2 * end) / 3, end], dtype=float)
    return line


class DashedCurve(VMobject):
    """The dashes of ``DashedVMobject(curve, num_dashes, dashed_ratio)`` as one VMobject, one sub-path
    per dash: Cairo strokes it as one path instead of one mobject per dash, and it is one mobject
    to copy, animate and redraw.  Every dash gets the same number of Bezier curves, so
    ``Create(dashed, rate_func=linear)`` draws it dash by dash at the even pace ``Create`` draws a
    DashedVMobject (whose easing applies to each dash, not to the whole)."""

    def __init__(self, curve: VMobject, num_dashes: int, dashed_ratio: float) -> None:
        super().__init__()
        dashes = DashedVMobject(curve, num_dashes=num_dashes, dashed_ratio=dashed_ratio).submobjects
        most = max(d.get_num_curves() for d in dashes)
        for d in dashes:
            d.insert_n_curves(most - d.get_num_curves())
        self.set_points(np.vstack([d.points for d in dashes]))
        self.match_style(curve)


def dot_cloud(points3: np.ndarray, radius: float, color: ManimColor, opacity: float = 0.7) -> VMobject:
    """Filled dots of ``radius`` at ``points3 (k, 3)`` (frame points) as ONE VMobject, one closed sub-path
    per dot: Cairo fills a thousand samples in one call, and a Transform between two clouds of k dots
    carries each dot to its partner."""
    ring = Circle(radius=radius).points  # the closed cubic outline Manim's Circle uses, about the origin
    pts = np.asarray(points3, float)[:, None, :] + ring[None, :, :]
    cloud = VMobject(fill_color=color, fill_opacity=opacity, stroke_width=style.NO_STROKE)
    cloud.set_points(pts.reshape(-1, 3))
    return cloud
