"""A framed NumberPlane with its own data <-> scene map, and what is drawn on such planes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import *

from scenes.kit import style
from scenes.kit.coords import PlotFrame
from scenes.kit.manim_compat import set_image_corners, set_image_pixels


class Panel(VGroup):
    """A framed NumberPlane over ``box = (x0, x1, y0, y1)`` whose larger side is ``side`` scene units,
    with a heading above it.  :meth:`to_scene` and :meth:`to_data` convert ``(N, 2)`` <-> ``(N, 3)``."""

    def __init__(self, box: Sequence[float], side: float, heading: str = "", step: float = 1.0) -> None:
        super().__init__()
        x0, x1, y0, y1 = box
        unit = side / max(x1 - x0, y1 - y0)
        self.box = tuple(box)
        self.plane = NumberPlane(
            x_range=(x0, x1, step), y_range=(y0, y1, step), x_length=unit * (x1 - x0), y_length=unit * (y1 - y0),
            background_line_style={"stroke_color": style.GRID, "stroke_width": style.HAIRLINE_WIDTH,
                                   "stroke_opacity": 0.8},
            axis_config={"stroke_color": style.AXIS, "stroke_width": style.GUIDE_WIDTH},
        )
        self.border = SurroundingRectangle(self.plane, buff=0, color=style.MUTED, stroke_width=style.GUIDE_WIDTH)
        self.add(self.plane, self.border)
        if heading:
            self.heading = MathTex(heading, font_size=style.LABEL_SIZE, color=style.TEXT)
            self.heading.next_to(self.border, UP, buff=style.HEADING_GAP)
            self.add(self.heading)

    def place(self, centre: Sequence[float]) -> Panel:
        """Move so that the plane (not the heading) is centred at ``centre``."""
        return self.shift(np.asarray(centre, dtype=float) - self.plane.get_center())

    def _frame(self) -> PlotFrame:
        """The plane's data <-> scene map; rebuilt only when the plane's axes have moved (updaters call
        this every frame)."""
        key = np.concatenate([self.plane.x_axis.points[0], self.plane.y_axis.points[0]])
        cached = getattr(self, "_frame_cache", None)
        if cached is None or not np.array_equal(cached[0], key):
            cached = self._frame_cache = (key, PlotFrame(self.plane))
        return cached[1]

    def to_scene(self, pts: np.ndarray) -> np.ndarray:
        return self._frame()(np.atleast_2d(np.asarray(pts, dtype=float)))

    def to_data(self, pts3: np.ndarray) -> np.ndarray:
        return self._frame().to_plane(np.atleast_2d(np.asarray(pts3, dtype=float)))

    def point(self, xy: Sequence[float]) -> np.ndarray:
        return self.to_scene(np.asarray(xy))[0]

    def polyline(self, pts: np.ndarray, closed: bool = False, **kwargs) -> VMobject:
        scene_pts = self.to_scene(pts)
        if closed:
            scene_pts = np.vstack([scene_pts, scene_pts[:1]])
        return VMobject(**kwargs).set_points_as_corners(scene_pts)

    def arrow(self, start: Sequence[float], end: Sequence[float], color: ManimColor,
              width: float = style.CURVE_WIDTH) -> Arrow:
        return Arrow(self.point(start), self.point(end), buff=0, color=color, stroke_width=width,
                     max_tip_length_to_length_ratio=0.3, tip_length=0.18)

    def image(self, rgba: np.ndarray) -> ImageMobject:
        """A raster field over the panel's box; ``rgba`` row 0 is the bottom row (y0)."""
        img = ImageMobject(np.ascontiguousarray(rgba[::-1]))
        img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        img.stretch_to_fit_width(self.plane.x_length).stretch_to_fit_height(self.plane.y_length)
        x0, x1, y0, y1 = self.box
        img.move_to(self.point(((x0 + x1) / 2, (y0 + y1) / 2)))
        return img

    def show_cropped(self, img: ImageMobject, rgba: np.ndarray, margin: int = 2) -> ImageMobject:
        """Show the raster ``rgba`` ``(n, m, 4)`` over the whole box (row 0 at y0) on ``img``, cropped to its
        non-transparent part plus ``margin`` transparent pixels, and placed over that part of the box.

        The camera resamples every pixel of a moving image each frame; the crop shows the same picture (the
        margin keeps bilinear sampling at the crop's edge as it was) from fewer pixels."""
        n, m = rgba.shape[:2]
        rows, cols = np.flatnonzero(rgba[..., 3].any(axis=1)), np.flatnonzero(rgba[..., 3].any(axis=0))
        if rows.size == 0:  # nothing visible: keep a transparent pixel pair
            rows, cols = np.array([0]), np.array([0])
        r0, r1 = max(rows[0] - margin, 0), min(rows[-1] + 1 + margin, n)
        c0, c1 = max(cols[0] - margin, 0), min(cols[-1] + 1 + margin, m)
        set_image_pixels(img, rgba[r0:r1, c0:c1][::-1])
        x0, x1, y0, y1 = self.box
        xa, xb = x0 + (x1 - x0) * np.array([c0, c1]) / m
        ya, yb = y0 + (y1 - y0) * np.array([r0, r1]) / n
        set_image_corners(img, self.to_scene(np.array([[xa, yb], [xb, yb], [xa, ya], [xb, ya]])))  # UL, UR, DL, DR
        return img


def set_clipped_path(vm: VMobject, pts3: np.ndarray, keep: np.ndarray) -> VMobject:
    """Make ``vm`` the polyline through ``pts3`` (N, 3), drawing only the runs where ``keep`` (N,) is True."""
    vm.clear_points()
    runs = np.split(np.arange(len(keep)), np.flatnonzero(np.diff(keep.astype(int))) + 1)
    for run in runs:
        if keep[run[0]] and len(run) > 1:
            vm.start_new_path(pts3[run[0]])
            vm.add_points_as_corners(pts3[run[1:]])
    if not vm.has_points():  # keep one invisible point so that the mobject stays valid
        vm.set_points(np.repeat(pts3[:1], 4, axis=0))
    return vm


def cell_polygon(panel: Panel, corners: np.ndarray, color: ManimColor, opacity: float = 0.25,
                 width: float = style.LINE_WIDTH) -> Polygon:
    return Polygon(*panel.to_scene(corners), color=color, stroke_width=width, fill_color=color,
                   fill_opacity=opacity)
