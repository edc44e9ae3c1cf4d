"""Storyboard item 3: the ||J_f||_F heatmap with colour bar, level curves, formulas and a probe; then two points of
equal norm whose largest stretch sigma_1 differs (the norm is an overall size, not the fastest rate of change).

Every number drawn comes from :mod:`jacobian_math`; this module only turns plane coordinates into mobjects.

    .venv/bin/manim -ql scenes/heatmap.py JacobianNormHeatmap
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    DecimalMatrix,
    Dot,
    FadeIn,
    Group,
    ImageMobject,
    Line,
    MathTex,
    Rectangle,
    Triangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    config,
    smooth,
)
from PIL import Image

from jacobian_math import PlaneMap, frobenius_norm
from jacobian_math.fields import (
    contour_paths,
    fit_scale,
    lattice,
    level_values,
    nice_ticks,
    norm_field,
    pixel_centres,
    polyline_point,
    probe_waypoints,
    same_norm_different_stretch,
    value_range,
)
from scenes.kit import style
from scenes.kit.colormaps import colormap_rgb
from scenes.kit.coords import PlotFrame
from scenes.kit.followers import Followers
from scenes.kit.readouts import LiveDecimal, SignedDecimal
from scenes.kit.scene import LectureScene
from scenes.kit.text import caption_number, fmt_number, point_list, readable_map


class JacobianNormHeatmap(LectureScene):
    """||J_f||_F over the domain as a rasterised heatmap, with colour bar, level curves,
    the formulas of f and J_f, and a probe reading J_f off the plane."""

    TITLE = "The size of the Jacobian: its Frobenius norm"

    RASTER = 200  # heatmap pixels along the longer side of the domain
    LEVEL_GRID = 121  # lattice size for the level curves
    LEVELS = 4
    PLOT_RECT = (6.3, 6.3)  # frame units available for the plot
    PLOT_CENTRE = np.array([-3.15, 0.2, 0.0])
    BAR_SIZE = (0.32, 5.0)
    READOUT_ROOM = 3.0  # height kept below the formulas for the probe readout (0.5 gap + 2.4 measured)
    BAR_GAP = 0.55  # the colour bar right of the plot
    READOUT_DROP = 0.5  # the probe readout below the formulas (the 0.5 gap READOUT_ROOM counts)

    def construct(self) -> None:
        self.prepare()
        self.beat("show_heatmap")
        self.show_heatmap()
        self.beat("show_formulas")
        self.show_formulas()
        self.beat("show_level_curves")
        self.show_level_curves()
        self.beat("move_probe")
        self.move_probe()
        self.beat("compare_stretch")
        self.compare_stretch()

    # -- math first: nothing is drawn before the map is known to be finite
    def prepare(self) -> None:
        cfg = self.settings.map
        self.fmap = PlaneMap.from_expressions(*self.settings.map.expressions)
        self.domain = cfg.domain
        x0, x1, y0, y1 = self.domain
        aspect = (x1 - x0) / (y1 - y0)
        shape = (self.RASTER, max(2, round(self.RASTER * aspect))) if aspect <= 1 else (
            max(2, round(self.RASTER / aspect)), self.RASTER)
        xs, ys = lattice(self.domain, self.LEVEL_GRID)
        lat = np.stack(np.meshgrid(xs, ys), axis=-1)
        self.waypoints = probe_waypoints(self.domain, cfg.sample_points)
        self.fmap.require_finite(np.concatenate([pixel_centres(self.domain, shape).reshape(-1, 2),
                                                 lat.reshape(-1, 2), self.waypoints]))
        self.raster_points, self.norms = norm_field(self.fmap, self.domain, shape)
        self.lattice_xy = (xs, ys)
        self.lattice_norms = frobenius_norm(self.fmap.jacobian(lat))
        self.vmin, self.vmax = value_range(np.concatenate([self.norms.ravel(), self.lattice_norms.ravel()]))
        self.levels = level_values(self.lattice_norms, self.LEVELS)
        # the largest |J_ij| the probe will read: the readout's columns are set apart by its width
        tour = np.array([polyline_point(self.waypoints, t) for t in np.linspace(0, 1, 241)])
        self.probe_max = float(np.abs(self.fmap.jacobian(tour)).max())

    def norm_to_unit(self, v: np.ndarray) -> np.ndarray:
        return (np.asarray(v, float) - self.vmin) / (self.vmax - self.vmin)

    def show_heatmap(self) -> None:
        x0, x1, y0, y1 = self.domain
        unit = min(self.PLOT_RECT[0] / (x1 - x0), self.PLOT_RECT[1] / (y1 - y0))
        xt, yt = nice_ticks(x0, x1, 5), nice_ticks(y0, y1, 5)
        self.axes = Axes(
            x_range=(x0, x1, xt[1] - xt[0]), y_range=(y0, y1, yt[1] - yt[0]),
            x_length=unit * (x1 - x0), y_length=unit * (y1 - y0), tips=False,
            axis_config={"include_ticks": False, "color": style.AXIS, "stroke_width": style.THIN_WIDTH},
        ).move_to(self.PLOT_CENTRE)
        for axis, ticks in ((self.axes.x_axis, xt), (self.axes.y_axis, yt)):
            axis.add(VGroup(*(axis.get_tick(t, size=0.07) for t in ticks)))
            axis.add_numbers(ticks, font_size=style.SMALL_SIZE, excluding=[],
                             num_decimal_places=0 if np.allclose(ticks, np.round(ticks)) else 1)
        frame = PlotFrame(self.axes)  # taken before the axis lines move to the plot's edges
        self.to_frame = frame
        self.axes.x_axis.shift(UP * (frame(np.array([0.0, y0]))[1] - self.axes.x_axis.get_start()[1]))
        self.axes.y_axis.shift(RIGHT * (frame(np.array([x0, 0.0]))[0] - self.axes.y_axis.get_start()[0]))
        image = ImageMobject(colormap_rgb(self.norm_to_unit(self.norms), style.HEATMAP))
        image.stretch_to_fit_width(unit * (x1 - x0)).stretch_to_fit_height(unit * (y1 - y0))
        image.move_to(frame(np.array([(x0 + x1) / 2, (y0 + y1) / 2])))
        image.set_resampling_algorithm(Image.Resampling.BILINEAR)
        self.heatmap = image
        labels = VGroup(
            MathTex("x", font_size=style.LABEL_SIZE, color=style.TEXT).next_to(self.axes.x_axis, DOWN,
                                                                               style.AXIS_LABEL_GAP),
            MathTex("y", font_size=style.LABEL_SIZE, color=style.TEXT).next_to(self.axes.y_axis, UP,
                                                                               style.AXIS_LABEL_GAP),
        )
        self.add_colour_bar(right_of=image)
        self.caption(f"How large is the Jacobian? The heatmap colours its Frobenius norm, the square root of the "
                     f"sum of its squared entries, at every point of [{caption_number(x0)}, {caption_number(x1)}] "
                     f"× [{caption_number(y0)}, {caption_number(y1)}].", 3.0,
                     shows=("The input plane is filled with a heatmap, with x and y axes, and a numbered colour bar "
                            "beside it maps each shade to a value of the norm."))
        self.play(FadeIn(image), Create(self.axes), FadeIn(labels), run_time=self.rt(1.5))
        self.play(FadeIn(self.colour_bar), run_time=self.rt(0.8))
        self.pause(0.7)

    def add_colour_bar(self, right_of) -> None:
        w, h = self.BAR_SIZE
        h = min(h, right_of.height)
        strip = colormap_rgb(np.linspace(1.0, 0.0, 256), style.HEATMAP)[:, None, :].repeat(2, axis=1)
        bar = ImageMobject(strip).stretch_to_fit_width(w).stretch_to_fit_height(h)
        bar.set_resampling_algorithm(Image.Resampling.BILINEAR)
        bar.next_to(right_of, RIGHT, buff=self.BAR_GAP).align_to(right_of, DOWN)
        self.bar = bar
        border = Rectangle(width=w, height=h, color=style.AXIS, stroke_width=style.THIN_WIDTH).move_to(bar)
        ticks = VGroup()
        for v in nice_ticks(self.vmin, self.vmax, 6):
            y = self.bar_y(v)
            tick = Line([bar.get_right()[0], y, 0], [bar.get_right()[0] + 0.1, y, 0], color=style.AXIS,
                        stroke_width=style.THIN_WIDTH)
            label = MathTex(fmt_number(v), font_size=style.SMALL_SIZE, color=style.TEXT).next_to(tick, RIGHT,
                                                                                                 style.MARK_LABEL_GAP)
            ticks.add(tick, label)
        title = MathTex(rf"\|J_{{{self.settings.map.name}}}\|_F", font_size=style.LABEL_SIZE,
                        color=style.TEXT).next_to(border, UP, style.BLOCK_LABEL_GAP)
        self.colour_bar = Group(bar, border, ticks, title)
        self.colour_bar_title = title

    def bar_y(self, value: float) -> float:
        t = float(np.clip(self.norm_to_unit(value), 0, 1))
        return self.bar.get_bottom()[1] + t * self.bar.height

    def show_formulas(self) -> None:
        name = self.settings.map.name
        left = self.colour_bar.get_right()[0] + 0.5
        f_tex = MathTex(f"{name}(x, y) = " + self.fmap.latex(), font_size=style.MATRIX_SIZE, color=style.TEXT)
        j_tex = MathTex(f"J_{{{name}}}(x, y) = " + self.fmap.jacobian_latex(), font_size=style.MATRIX_SIZE,
                        color=style.TEXT)
        norm_tex = MathTex(r"\|J\|_F = \sqrt{\textstyle\sum_{ij} J_{ij}^2}", font_size=style.MATRIX_SIZE,
                           color=style.TEXT)
        group = VGroup(f_tex, j_tex, norm_tex).arrange(DOWN, aligned_edge=LEFT, buff=style.SECTION_GAP)
        avail = config.frame_width / 2 - style.FRAME_MARGIN - left
        top = config.frame_height / 2 - style.FRAME_MARGIN
        # long formulas shrink to the panel's width, and to a height that leaves the probe readout its room
        group.scale(fit_scale((group.width, group.height), (avail, 2 * top - self.READOUT_ROOM)))
        group.next_to([left, top, 0], DOWN, buff=0).align_to([left, 0, 0], LEFT)
        self.panel_room = (left, avail)
        self.formulas = group
        self.caption(f"The map {readable_map(self.fmap)} and its Jacobian, entry by entry.", 2.5,
                     shows=("The map's formula, its Jacobian matrix of partial derivatives and the formula of the "
                            "Frobenius norm are written beside the heatmap."))
        self.play(Write(f_tex), run_time=self.rt(1.0))
        self.play(Write(j_tex), FadeIn(norm_tex), run_time=self.rt(1.2))
        self.pause(0.5)

    def show_level_curves(self) -> None:
        xs, ys = self.lattice_xy
        curves = VGroup()
        marks = VGroup()
        for level in self.levels:
            for path in contour_paths(xs, ys, self.lattice_norms, level):
                if len(path) < 2:
                    continue
                curve = VMobject(stroke_color=style.TEXT, stroke_width=style.THIN_WIDTH, stroke_opacity=0.75)
                curve.set_points_as_corners(self.to_frame(path))
                curves.add(curve)
            y = self.bar_y(level)
            marks.add(Line([self.bar.get_left()[0], y, 0], [self.bar.get_right()[0], y, 0], color=style.TEXT,
                           stroke_width=style.THIN_WIDTH, stroke_opacity=0.9))
        self.level_curves = curves
        if len(self.levels):
            levels = ", ".join(caption_number(v) for v in self.levels)
            self.caption(f"Level curves where the norm equals {levels}: where they crowd, the norm changes "
                         "fast.", 2.3,
                         shows=("Level curves are drawn over the heatmap, and ticks mark their values on the colour "
                                "bar."))
        else:
            self.caption("The norm is the same everywhere: there are no level curves to draw.", 2.3,
                         shows="The heatmap is one flat shade: no curve is drawn.")
        self.play(Create(curves), FadeIn(marks), run_time=self.rt(1.5))
        self.pause(0.8)

    def move_probe(self) -> None:
        s = ValueTracker(0.0)
        point = lambda: polyline_point(self.waypoints, s.get_value())  # noqa: E731
        dot = Dot(self.to_frame(point()), radius=0.09, color=style.TEXT).set_stroke(style.BACKGROUND, style.THIN_WIDTH)
        followers = Followers()
        followers.add(dot, lambda m: m.move_to(self.to_frame(point())))
        pointer = Triangle(color=style.TEXT, fill_opacity=1,
                           stroke_width=style.NO_STROKE).scale(0.09).rotate(-np.pi / 2)
        followers.add(pointer, lambda m: m.move_to([self.bar.get_left()[0] - 0.1,
                                                    self.bar_y(float(frobenius_norm(self.fmap.jacobian(point())))), 0]))
        name = self.settings.map.name
        head = MathTex(f"J_{{{name}}}(", font_size=style.MATRIX_SIZE, color=style.TEXT)
        px = SignedDecimal(0, num_decimal_places=2, font_size=style.MATRIX_SIZE, color=style.HIGHLIGHT)
        comma = MathTex(",", font_size=style.MATRIX_SIZE, color=style.TEXT)
        py = SignedDecimal(0, num_decimal_places=2, font_size=style.MATRIX_SIZE, color=style.HIGHLIGHT)
        close = MathTex(") =", font_size=style.MATRIX_SIZE, color=style.TEXT)
        widest = LiveDecimal(-self.probe_max, num_decimal_places=2, font_size=style.MATRIX_SIZE).width
        matrix = DecimalMatrix(np.zeros((2, 2)), element_to_mobject=SignedDecimal,
                               element_to_mobject_config={"num_decimal_places": 2, "font_size": style.MATRIX_SIZE},
                               h_buff=max(1.15, widest + 0.35), v_buff=0.6, bracket_config={"color": style.TEXT})
        norm_label = MathTex(r"\|J\|_F =", font_size=style.MATRIX_SIZE, color=style.TEXT)
        norm_value = LiveDecimal(0, num_decimal_places=2, font_size=style.MATRIX_SIZE, color=style.HIGHLIGHT)
        row1 = VGroup(head, px, comma, py, close).arrange(RIGHT, buff=style.GLYPH_GAP)
        comma.align_to(px, DOWN).shift(0.06 * DOWN)
        row2 = VGroup(norm_label, norm_value).arrange(RIGHT, buff=style.READOUT_GAP)
        readout = VGroup(row1, matrix, row2).arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP)
        readout.scale(fit_scale((readout.width + 1.0, readout.height), (self.panel_room[1], self.READOUT_ROOM - 0.5)))
        readout.next_to(self.formulas, DOWN, buff=self.READOUT_DROP).align_to(self.formulas, LEFT)
        entries = matrix.get_entries()
        row_left = row1.get_left()

        def update(_m) -> None:
            p = point()
            jac = self.fmap.jacobian(p)
            px.set_value(p[0])
            py.set_value(p[1])
            row1.arrange(RIGHT, buff=style.GLYPH_GAP).move_to(row_left,
                                                              aligned_edge=LEFT)  # widths change with the sign
            comma.align_to(px, DOWN).shift(0.06 * DOWN)
            for e, v in zip(entries, jac.ravel(), strict=True):
                e.set_value(v)
            norm_value.set_value(float(frobenius_norm(jac)))

        followers.add(readout, update)
        self.readout = readout
        self.probe_matrix = matrix  # the probe's Jacobian, entry by entry
        self.probe_norm = norm_value
        self.probe = dot
        self.caption(f"A probe reads J{name} off the plane, entry by entry, and its norm off the colour bar.",
                     7.8,
                     shows=("A dot moves across the heatmap; a pointer on the colour bar follows its norm, and a "
                            "readout beside gives its position, its Jacobian matrix and the norm."))
        self.play(FadeIn(dot), FadeIn(pointer), FadeIn(readout), run_time=self.rt(0.8))
        followers.play(self, s.animate.set_value(1.0), run_time=self.rt(6.0), rate_func=smooth)
        self.pause(1.0)
        self.probe_parts = (dot, pointer)

    def stretch_claim(self, said: bool = False) -> str:
        """What the last beat says: the norm is an overall size, and (when the map shows it) two points of equal
        norm whose largest stretch sigma_1 differs, from :func:`same_norm_different_stretch`; ``said``: the
        points as the voice reads them, pair by pair."""
        name = self.settings.map.name
        head = f"The norm is an overall size of J{name}, not how fast {name} changes in its fastest direction"
        if self.stretch_pair is None:
            return head + "."
        points, norms, s1 = self.stretch_pair
        na, nb = (caption_number(v) for v in norms)
        norm = f"it is {na} at both" if na == nb else f"it is {na} and {nb}"
        where = point_list(points, said=said, places=3)
        return (f"{head}: at {where}{',' if said else ''} {norm}, but the largest stretch σ₁ of a small step is "
                f"{caption_number(s1[0])} at the first and {caption_number(s1[1])} at the second.")

    def _place_beside(self, label, ring, others: VGroup) -> None:
        """Next to ``ring``: the first side (toward the plot's middle first) where ``label`` stays inside the plot
        image and clear of the other marks; else the first side clear of the colour bar and inside the frame."""
        image, bar = self.heatmap, self.bar
        inward = RIGHT if ring.get_x() <= image.get_x() else LEFT
        sides = (inward, -inward, UP, DOWN)

        def clear(a, b) -> bool:
            return (a.get_right()[0] <= b.get_left()[0] or b.get_right()[0] <= a.get_left()[0]
                    or a.get_top()[1] <= b.get_bottom()[1] or b.get_top()[1] <= a.get_bottom()[1])

        def inside(a, b) -> bool:
            return (a.get_left()[0] >= b.get_left()[0] and a.get_right()[0] <= b.get_right()[0]
                    and a.get_bottom()[1] >= b.get_bottom()[1] and a.get_top()[1] <= b.get_top()[1])

        in_frame = Rectangle(width=config.frame_width, height=config.frame_height)
        for want in (lambda: inside(label, image) and all(clear(label, o) for o in others),
                     lambda: inside(label, in_frame) and clear(label, bar)):
            for side in sides:
                label.next_to(ring, side, buff=style.MARK_LABEL_GAP)
                if want():
                    return
        label.next_to(ring, inward, buff=style.MARK_LABEL_GAP)

    def compare_stretch(self) -> None:
        self.stretch_pair = same_norm_different_stretch(self.fmap, self.domain)
        marks = VGroup()
        if self.stretch_pair is not None:
            for p, s1 in zip(self.stretch_pair[0], self.stretch_pair[2], strict=True):
                ring = Circle(radius=0.12, color=style.TEXT, stroke_width=style.LINE_WIDTH).move_to(self.to_frame(p))
                label = MathTex(rf"\sigma_1 = {fmt_number(s1)}", font_size=style.SMALL_SIZE, color=style.TEXT)
                label.add_background_rectangle(color=style.BACKGROUND, opacity=0.75, buff=style.BACKING_GAP)
                self._place_beside(label, ring, marks)
                marks.add(VGroup(ring, label))
        self.stretch_marks = marks
        self.caption(self.stretch_claim(), 4.0, spoken=self.stretch_claim(said=True),
                     shows=("Two points of equal norm are ringed on the heatmap, each labelled with its largest "
                            "stretch σ₁." if len(marks) else "Nothing new is drawn."))
        if len(marks):
            self.play(FadeIn(marks), run_time=self.rt(0.8))
        self.pause(3.2)


__all__ = ["JacobianNormHeatmap"]
