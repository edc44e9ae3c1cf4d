"""Storyboard item 4: grid squares bending under f; e1, e2 -> J e1, J e2; parallelograms on the true
images of the squares; a zoom showing the gap shrink as h halves.

Every number drawn comes from :mod:`jacobian_math`; this module only turns plane coordinates into mobjects.

    .venv/bin/manim -ql scenes/grid_squares.py GridSquaresUnderF
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DecimalMatrix,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    MathTex,
    NumberPlane,
    Polygon,
    Rectangle,
    ReplacementTransform,
    Square,
    Transform,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    config,
    linear,
)

from jacobian_math import PlaneMap, gap_halving_ratios, gap_noise, linearisation_gap, linearised_cell
from jacobian_math.fields import (
    arrow_scale,
    cell_image,
    fit_labels,
    fit_scale,
    fit_view,
    grid_lines,
    grid_step,
    halving_sizes,
    image_bounds,
    lattice,
    nice_ticks,
    plot_width,
    union_box,
    zoom_box,
)
from jacobian_math.geometry import cell_boundary
from scenes.kit import style
from scenes.kit.coords import PlotFrame
from scenes.kit.followers import Followers
from scenes.kit.readouts import LiveDecimal
from scenes.kit.scene import LectureScene
from scenes.kit.shapes import DashedCurve, bezier_path, boxes_overlap, cell_sides, labelled_box, to_xyz
from scenes.kit.text import caption_number, fmt_number, point_list, readout_notation
from scenes.kit.tip_label import tip_label

DASH_LENGTH = 0.1  # one dash and its gap along a dashed arrow's shaft, frame units


def dash_arrow(arrow: Arrow) -> Arrow:
    """``arrow`` with its shaft cut into dashes (at least two), its tip kept whole: e2 and J e2 are dashed,
    e1 and J e1 solid, so the two edges read apart without their colours (WCAG 1.4.1)."""
    shaft = VMobject().set_points(arrow.points.copy())
    length = float(np.linalg.norm(arrow.points[-1] - arrow.points[0]))
    arrow.set_points(DashedCurve(shaft, max(2, round(length / DASH_LENGTH)), 0.6).points)
    return arrow


class GridSquaresUnderF(LectureScene):
    """A grid morphs under f; at the sample points e1, e2 become J e1, J e2, whose
    parallelogram sits on the true image of a small square; a zoom while halving the
    square shows the image straighten into the parallelogram (local linearity)."""

    TITLE = "Grid squares under f"

    PLOT_RECT = (7.5, 7.4)  # frame units preferred for the plot, left-aligned (wider for a wide, flat image)
    PANEL_GAP = 0.45  # between the plot and the panel of formulas, legend and zoom inset
    PANEL_MIN = 3.6  # narrowest panel: a wide plot stops here
    # Room for the J labels: the view zooms out by these margins (of the content's size) until the labels,
    # shrunk by up to LABEL_SCALES, find places clear of every arrow, parallelogram, cell and other label.
    VIEW_MARGINS = (0.08, 0.25, 0.45, 0.7, 1.0)
    LABEL_SCALES = (1.0, 0.85, 0.7)
    LABEL_CLEARANCE = 0.12  # around arrows, parallelograms and cells (strokes and arrow tips included)
    LABEL_SPACING = 0.1  # between two labels
    ROWS_HEIGHT = 1.6  # the zoom's three readout rows with their gap to the inset (measured: 1.5)
    INSET_MIN = 2.0
    LINE_SAMPLES = 48  # anchors per grid line (the curves stay smooth: smooth handles between them)
    CELL_SAMPLES = 16  # anchors per side of a highlighted square
    ZOOM_STEPS = 3  # halvings of the square in the local-linearity beat
    ARROW_MAX = 1.5  # longest drawn arrow, frame units
    ARROW_MIN = 0.35  # shortest drawn e_i arrow, frame units
    INSET_SIZE = 3.0
    LABEL_SIZE = style.NOTE_SIZE
    KEY_SIZE = 26  # the key's formulas (e_i, J e_i): over style.SMALL_SIZE, so their subscripts read at 480p
    # Draw order of the zoom beat, above everything before it (which tops out at 8, the labels at 7):
    # Manim redraws every frame each mobject from the first moving one in z order on, so the inset's
    # fixed parts sit just below its moving ones and the plot's labels stay in the cached background.
    Z_INSET, Z_PATCH, Z_ARROWS, Z_MOVING = 9, 10, 11, 12
    KEY_ICON_GAP = 0.2  # a key entry's arrow icon and its formula
    INSET_GAP = 0.4  # the zoom inset below the formulas
    ZOOM_NOTE_GAP = 0.06  # the zoom note above the inset's frame
    ZOOM_ROW_GAP = 0.22  # between the zoom's three readout rows (part of ROWS_HEIGHT)

    def construct(self) -> None:
        self.prepare()
        self.beat("show_domain_grid")
        self.show_domain_grid()
        self.beat("morph_grid")
        self.morph_grid()
        self.beat("show_linearisation")
        self.show_linearisation()
        self.beat("zoom_in")
        self.zoom_in()
        self.beat("halve_square")
        self.halve_square()

    # -- math first: nothing is drawn before the map is known to be finite where it is drawn
    def prepare(self) -> None:
        cfg = self.settings.map
        fmap = self.fmap = PlaneMap.from_expressions(*self.settings.map.expressions)
        self.domain, self.h = cfg.domain, cfg.cell_size
        self.points = np.array(cfg.sample_points, float).reshape(-1, 2)
        self.source_lines = grid_lines(self.domain, grid_step(self.domain, self.h), self.LINE_SAMPLES)
        self.zoom_sizes = halving_sizes(self.h, self.ZOOM_STEPS)
        xs, ys = lattice(self.domain, 81)
        cells = [cell_boundary(p, h, self.CELL_SAMPLES) for p in self.points for h in self.zoom_sizes]
        fmap.require_finite(np.concatenate([*self.source_lines, *cells, self.points,
                                            np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)]))
        self.images = fmap(self.points)
        self.jacobians = fmap.jacobian(self.points)
        drawn = np.concatenate([fmap(np.concatenate(cells)), np.concatenate(cells)]
                               + [linearised_cell(fmap, p, self.h) for p in self.points])
        content = union_box(self.domain, image_bounds(fmap, self.domain),
                            (drawn[:, 0].min(), drawn[:, 0].max(), drawn[:, 1].min(), drawn[:, 1].max()))
        self.make_matrix_labels()
        self.layout(content)
        # zoom where the square's image is most visibly bent (largest gap relative to h)
        bend = [linearisation_gap(fmap, p, self.h, self.CELL_SAMPLES) / self.h for p in self.points]
        self.zoom_index = int(np.argmax(np.round(bend, 9)))

    def make_matrix_labels(self) -> None:
        """The J_f(p) label boxes (placed by :meth:`layout`, shown in beat 3)."""
        name = self.settings.map.name
        labels = []
        for p, jac in zip(self.points, self.jacobians, strict=True):
            head = MathTex(rf"J_{{{name}}}({fmt_number(p[0])}, {fmt_number(p[1])})", font_size=self.LABEL_SIZE,
                           color=style.TEXT)
            matrix = DecimalMatrix(jac, element_to_mobject_config={"num_decimal_places": 2,
                                   "font_size": self.LABEL_SIZE}, h_buff=0.9, v_buff=0.42,
                                   bracket_config={"color": style.TEXT})
            widest = max(e.width for e in matrix.get_entries())
            if widest > 0.65:  # long entries (|J_ij| >= 100): columns apart by the widest entry
                matrix = DecimalMatrix(jac, element_to_mobject_config={"num_decimal_places": 2,
                                       "font_size": self.LABEL_SIZE}, h_buff=widest + 0.25, v_buff=0.42,
                                       bracket_config={"color": style.TEXT})
            labels.append(labelled_box(VGroup(head, matrix).arrange(DOWN, buff=style.TIGHT_LINE_GAP)))
        self.label_mobs = labels
        self.j_matrices = [next(m for m in lb if isinstance(m, DecimalMatrix)) for lb in labels]  # per point

    def layout(self, content) -> None:
        """The plot's view and the J labels' places, decided before anything is drawn.

        The plot takes the frame's height and its preferred width (more for a wide, flat image, up to
        leaving PANEL_MIN to the panel); its view fills that rectangle.  The labels go next to their
        image points, else anywhere free in the plot (with a leader line); when no layout is free,
        labels shrink (LABEL_SCALES), then the view zooms out (VIEW_MARGINS) to make room around the
        content.  Obstacles are the boxes of each point's arrows, parallelogram and cell image, from
        the math (the drawn mobjects are inside them: LABEL_CLEARANCE covers strokes and tips)."""
        fw, fh, m = config.frame_width, config.frame_height, style.FRAME_MARGIN
        height = min(self.PLOT_RECT[1], fh - 2 * m)
        width = plot_width(content, height, self.PLOT_RECT[0], fw - 2 * m - self.PANEL_GAP - self.PANEL_MIN)
        sizes = np.array([[lb.width, lb.height] for lb in self.label_mobs]) + self.LABEL_SPACING
        cells = [self.fmap(cell_boundary(p, self.h, self.CELL_SAMPLES)) for p in self.points]
        paras = [linearised_cell(self.fmap, p, self.h) for p in self.points]
        origin = np.array([-fw / 2 + m, 0.0])  # where the plane's left edge meets the frame's middle
        for margin in self.VIEW_MARGINS:
            view = fit_view(content, width, height, margin, fill=True)
            bx0, bx1, by0, by1 = view.box
            shift = np.array([bx0, (by0 + by1) / 2])

            def to_frame(pts: np.ndarray, u=view.unit, sh=shift) -> np.ndarray:
                return origin + (np.asarray(pts, float) - sh) * u

            s = arrow_scale(self.jacobians, view.unit, self.h, self.ARROW_MAX, self.ARROW_MIN)
            obstacles = []
            for fp, jac, cell, para in zip(self.images, self.jacobians, cells, paras, strict=True):
                pts = to_frame(np.concatenate([cell, para, [fp, fp + s * jac[:, 0], fp + s * jac[:, 1]]]))
                lo, hi = pts.min(axis=0) - self.LABEL_CLEARANCE, pts.max(axis=0) + self.LABEL_CLEARANCE
                obstacles.append([lo[0], hi[0], lo[1], hi[1]])
            right, top = to_frame(np.array([bx1, by1]))
            bottom = to_frame(np.array([bx0, by0]))[1]
            bounds = (max(origin[0], -fw / 2 + m), min(right, fw / 2 - m), max(bottom, -fh / 2 + m),
                      min(top, fh / 2 - m))
            centres, scale, free = fit_labels(to_frame(self.images), sizes, bounds, np.array(obstacles), gap=0.12,
                                              scales=self.LABEL_SCALES)
            if free:
                break
        self.view, self.label_centres, self.label_scale = view, centres, scale

    # -- beat 1
    def show_domain_grid(self) -> None:
        bx0, bx1, by0, by1 = self.view.box
        unit = self.view.unit
        ticks = nice_ticks(bx0, bx1, 12)
        step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else bx1 - bx0
        plane = NumberPlane(
            x_range=(bx0, bx1, step), y_range=(by0, by1, step),
            x_length=unit * (bx1 - bx0), y_length=unit * (by1 - by0),
            background_line_style={"stroke_color": style.GRID, "stroke_width": style.HAIRLINE_WIDTH,
                                   "stroke_opacity": 0.6},
            axis_config={"stroke_color": style.GRID, "stroke_width": style.THIN_WIDTH, "include_ticks": False},
        )
        plane.to_edge(LEFT, buff=style.FRAME_MARGIN)
        self.plane = plane
        frame = self.to_frame = PlotFrame(plane)
        numbers = self.axis_numbers = VGroup()
        for t in nice_ticks(bx0 + 0.01, bx1 - 0.01, 5):
            if abs(t) > 1e-9:
                numbers.add(MathTex(fmt_number(t), font_size=style.NOTE_SIZE, color=style.MUTED).next_to(
                    frame(np.array([t, 0.0])), DOWN, style.TICK_GAP))
        for t in nice_ticks(by0 + 0.01, by1 - 0.01, 5):
            if abs(t) > 1e-9:
                numbers.add(MathTex(fmt_number(t), font_size=style.NOTE_SIZE, color=style.MUTED).next_to(
                    frame(np.array([0.0, t])), LEFT, style.TICK_GAP))
        self.grid = VGroup(*(
            VMobject(stroke_color=style.MUTED, stroke_width=style.THIN_WIDTH).set_points(
                bezier_path([frame(line)], smooth_handles=False))
            for line in self.source_lines))
        n = self.CELL_SAMPLES
        self.cell_sources = [cell_sides(cell_boundary(p, self.h, n), n) for p in self.points]
        self.cells = VGroup(*(
            VMobject(stroke_color=style.HIGHLIGHT, stroke_width=style.LINE_WIDTH, fill_color=style.HIGHLIGHT,
                     fill_opacity=0.3)
            .set_points(bezier_path([frame(s) for s in sides], smooth_handles=False))
            for sides in self.cell_sources))
        self.dots = VGroup(*(Dot(frame(p), radius=0.06, color=style.TEXT) for p in self.points))
        self.dots.set_z_index(6)
        s = self.arrow_scale = arrow_scale(self.jacobians, unit, self.h, self.ARROW_MAX, self.ARROW_MIN)
        self.e_arrows = VGroup(*(
            self.arrow(p, p + s * e, color, dashed=i == 1) for p in self.points
            for i, (e, color) in enumerate(((np.array([1.0, 0.0]), style.E1), (np.array([0.0, 1.0]), style.E2)))))
        self.show_panel()
        one = len(self.points) == 1
        corners = "lower-left corner is the point" if one else "lower-left corners are the points"
        text = (f"A grid on the input plane, with squares of side {caption_number(self.h)} whose {corners} "
                f"{point_list(self.points)}; e₁ and e₂ run along their edges.")
        said = (f"A grid on the input plane, with squares of side {caption_number(self.h)} whose lower-left "
                f"{'corner is' if one else 'corners are'} {point_list(self.points, said=True)}. e₁ and e₂ run "
                "along their edges.")
        self.caption(text, 4.0, spoken=said,
                     shows=("Right, the map's formula and its Jacobian; left, a square grid on numbered axes. A few "
                            "squares are shaded, each with a dot at its lower-left corner and two arrows, e₁ to the "
                            "right and e₂ upwards, dashed, keyed in a legend."))
        self.play(FadeIn(plane), FadeIn(numbers), Create(self.grid, lag_ratio=0.02), run_time=self.rt(1.6))
        self.play(FadeIn(self.cells), FadeIn(self.dots), run_time=self.rt(0.6))
        self.play(*(GrowArrow(a) for a in self.e_arrows), FadeIn(self.legend_e), run_time=self.rt(0.8))
        self.pause(1.0)

    def arrow(self, start: np.ndarray, end: np.ndarray, color, dashed: bool = False) -> Arrow:
        """An e_i or J e_i arrow on the plot; ``dashed`` for e2 and J e2."""
        a = Arrow(self.to_frame(start), self.to_frame(end), buff=0, color=color, stroke_width=style.BOLD_WIDTH,
                  tip_length=0.18, max_tip_length_to_length_ratio=0.35, max_stroke_width_to_length_ratio=12)
        return (dash_arrow(a) if dashed else a).set_z_index(5)

    def show_panel(self) -> None:
        name = self.settings.map.name
        left = self.plane.get_right()[0] + self.PANEL_GAP
        top = config.frame_height / 2 - style.FRAME_MARGIN
        f_tex = MathTex(f"{name}(x, y) = " + self.fmap.latex(), font_size=style.MATRIX_SIZE, color=style.TEXT)
        j_tex = MathTex(f"J_{{{name}}} = " + self.fmap.jacobian_latex(), font_size=style.MATRIX_SIZE,
                        color=style.TEXT)
        formulas = VGroup(f_tex, j_tex).arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP)
        self.panel_width = config.frame_width / 2 - style.FRAME_MARGIN - left
        # long formulas shrink to the panel's width, and to a height that leaves the zoom inset its room
        room = (self.panel_width, 2 * top - 0.4 - self.INSET_MIN - self.ROWS_HEIGHT)
        formulas.scale(fit_scale((formulas.width, formulas.height), room))
        formulas.move_to([left, top, 0], aligned_edge=LEFT + UP)
        self.formulas = formulas

        def row(color, tex: str, shape=None, dashed: bool = False) -> VGroup:
            icon = shape if shape is not None else Arrow(LEFT * 0.3, RIGHT * 0.3, buff=0, color=color,
                                                         stroke_width=style.BOLD_WIDTH,
                                                         max_tip_length_to_length_ratio=0.35)
            if dashed:  # the key shows the dash the plot's e2 / J e2 arrows have
                dash_arrow(icon)
            return VGroup(icon, MathTex(tex, font_size=self.KEY_SIZE, color=style.TEXT)).arrange(RIGHT,
                                                                                                 self.KEY_ICON_GAP)

        self.legend_e = VGroup(row(style.E1, r"e_1"), row(style.E2, r"e_2", dashed=True)).arrange(
            DOWN, aligned_edge=LEFT)
        patch = Square(0.4, color=style.HIGHLIGHT, fill_opacity=0.3, stroke_width=style.LINE_WIDTH)
        para = Polygon([-0.25, -0.2, 0], [0.2, -0.2, 0], [0.3, 0.2, 0], [-0.15, 0.2, 0], color=style.TEXT,
                       fill_opacity=0.12, stroke_width=style.OUTLINE_WIDTH)
        self.legend_j = VGroup(row(style.JE1, rf"J_{{{name}}} e_1"), row(style.JE2, rf"J_{{{name}}} e_2", dashed=True),
                               row(None, rf"{name}(\text{{square}})", patch),
                               row(None, rf"{name}(p) + J_{{{name}}}(p)\,(\text{{square}} - p)", para),
                               ).arrange(DOWN, aligned_edge=LEFT)
        legend = VGroup(self.legend_e, self.legend_j).arrange(DOWN, aligned_edge=LEFT, buff=style.LEGEND_ROW_GAP)
        legend_room = (self.panel_width, formulas.get_bottom()[1] - 0.45 + top)
        legend.scale(fit_scale((legend.width, legend.height), legend_room))
        legend.next_to(formulas, DOWN, buff=style.WIDE_SECTION_GAP).align_to(formulas, LEFT)
        self.play(Write(formulas), run_time=self.rt(1.0))

    # -- beat 2
    def morph_grid(self) -> None:
        frame, fmap = self.to_frame, self.fmap
        grid_target = VGroup(*(
            line.copy().set_points(bezier_path([frame(fmap(src))], smooth_handles=True))
            for line, src in zip(self.grid, self.source_lines, strict=True)))
        cell_target = VGroup(*(
            cell.copy().set_points(bezier_path([frame(fmap(s)) for s in sides], smooth_handles=True))
            for cell, sides in zip(self.cells, self.cell_sources, strict=True)))
        s = self.arrow_scale
        self.j_arrows = VGroup(*(
            self.arrow(fp, fp + s * jac[:, i], color, dashed=i == 1)
            for fp, jac in zip(self.images, self.jacobians, strict=True)
            for i, color in ((0, style.JE1), (1, style.JE2))))
        name = self.settings.map.name
        self.caption(f"Now apply {name} to every point: grid lines bend into curves and each square with "
                     f"corner p into a curved patch with corner {name}(p).", 3.8,
                     shows=("The grid lines bend into curves, the shaded squares into curved patches and the dots move"
                            " with them; the arrows turn into J e₁ and J e₂, keyed in the legend."))
        self.play(
            Transform(self.grid, grid_target), Transform(self.cells, cell_target),
            *(d.animate.move_to(frame(fp)) for d, fp in zip(self.dots, self.images, strict=True)),
            ReplacementTransform(self.e_arrows, self.j_arrows),
            FadeOut(self.legend_e), FadeIn(self.legend_j[:2]),
            run_time=self.rt(3.0),
        )
        self.pause(0.8)

    # -- beat 3
    def show_linearisation(self) -> None:
        frame, name = self.to_frame, self.settings.map.name
        self.parallelograms = [
            Polygon(*frame(linearised_cell(self.fmap, p, self.h)), color=style.TEXT, stroke_width=style.OUTLINE_WIDTH,
                    fill_opacity=0.12).set_z_index(4)
            for p in self.points]
        labels = self.label_mobs
        anchors = frame(self.images)[:, :2]
        leaders = VGroup()
        for lb, c in zip(labels, self.label_centres, strict=True):
            lb.scale(self.label_scale).move_to([c[0], c[1], 0]).set_z_index(7)
        boxes = [(np.array([lb.get_left()[0], lb.get_bottom()[1]]), np.array([lb.get_right()[0], lb.get_top()[1]]))
                 for lb in labels]
        for k, a in enumerate(anchors):
            end = self.leader_end(a, k, boxes)
            if end is not None:
                leaders.add(self.leader(a, end))
        self.matrix_labels = VGroup(*labels)
        self.leaders = leaders
        self.caption(f"At each image point, J{name}(p) sends e₁, e₂ to its columns J e₁, J e₂. The "
                     f"parallelogram they span sits on the curved patch: the linear approximation of {name}.", 4.2,
                     shows=("An outlined parallelogram appears on each curved patch, each image point gets a label "
                            "with its Jacobian matrix, and the legend adds the patch and the parallelogram."))
        self.play(*(Create(pg) for pg in self.parallelograms), FadeIn(self.legend_j[2:]), run_time=self.rt(1.2))
        # axis numbers a label box or a cell would half cover go (a stub of a number showing through reads as a glitch)
        marks = [*labels, *self.parallelograms, *self.cells, *self.j_arrows]
        covered = [n for n in self.axis_numbers if any(boxes_overlap(n, m) for m in marks)]
        self.play(FadeIn(self.matrix_labels), Create(leaders), *(FadeOut(n) for n in covered),
                  run_time=self.rt(1.0))
        self.pause(2.0)

    @staticmethod
    def leader_end(a: np.ndarray, k: int, boxes: list) -> np.ndarray | None:
        """Where label ``k``'s leader from ``a`` meets its box (``boxes``: (lower-left, upper-right) pairs):
        the nearest point of the box, else the nearest corner or edge middle whose leader crosses no other
        box; None when the box holds ``a``."""
        lo, hi = boxes[k]
        near = np.clip(a, lo, hi)
        if np.linalg.norm(near - a) <= 0.02:
            return None
        mid = (lo + hi) / 2
        candidates = [near, *(np.array([x, y]) for x in (lo[0], mid[0], hi[0]) for y in (lo[1], mid[1], hi[1])
                              if (x, y) != (mid[0], mid[1]))]
        ts = np.linspace(0.0, 1.0, 60)[:, None]

        def clear(end: np.ndarray) -> bool:
            pts = a + ts * (end - a)
            return not any(np.any(np.all((pts > olo - 0.05) & (pts < ohi + 0.05), axis=1))
                           for j, (olo, ohi) in enumerate(boxes) if j != k)

        free = [e for e in candidates if clear(e)]
        return min(free, key=lambda e: np.linalg.norm(e - a)) if free else near

    @staticmethod
    def leader(start: np.ndarray, end: np.ndarray) -> VGroup:
        """A label's leader line from its image point ``start`` to its box at ``end``: opaque, over a halo of
        the background colour and ending in a dot at the box, so it reads apart from the bent grid lines
        (a thin grey line at 0.7 opacity was lost among them)."""
        a, b = np.array([*start[:2], 0.0]), np.array([*end[:2], 0.0])
        halo = Line(a, b, color=style.BACKGROUND, stroke_width=style.HALO_WIDTH)
        line = Line(a, b, color=style.TEXT, stroke_width=style.OUTLINE_WIDTH)
        return VGroup(halo, line, Dot(b, radius=0.05, color=style.TEXT)).set_z_index(6)

    def halving_claim(self) -> str:
        """What the zoom's readouts will show as h halves, from the gaps themselves."""
        k = self.zoom_index
        ratios = gap_halving_ratios(self.fmap, self.points[k], self.zoom_sizes, self.CELL_SAMPLES)
        if np.isnan(ratios).all():
            return "Here the image of the square is the parallelogram at every h: the gap is zero."
        lo, hi = float(np.nanmin(ratios)), float(np.nanmax(ratios))
        by = f"{lo:.1f}" if round(lo, 1) == round(hi, 1) else f"{lo:.1f} to {hi:.1f}"
        order = np.log2(np.nanmean(ratios))
        if abs(order - 2) < 0.25:
            return (f"Each halving of h divides the gap by {by}: the error of the linear approximation "
                    "shrinks like h squared.")
        return f"Each halving of h divides the gap by {by}: here the error shrinks like h to the power {order:.1f}."

    # -- beat 4
    def zoom_in(self) -> None:
        k = self.zoom_index
        p, fp, fmap, frame = self.points[k], self.images[k], self.fmap, self.to_frame
        zb = zoom_box(fmap, p, self.zoom_sizes, self.CELL_SAMPLES)
        zc = np.array([(zb[0] + zb[1]) / 2, (zb[2] + zb[3]) / 2])
        # the inset fills the panel's width and the height between the formulas and the readout rows
        bottom = -config.frame_height / 2 + style.FRAME_MARGIN
        size = min(self.INSET_SIZE, self.panel_width, self.formulas.get_bottom()[1] - 0.4 - self.ROWS_HEIGHT - bottom)
        scale = 0.82 * size / max(zb[1] - zb[0], zb[3] - zb[2])
        box = Square(size, color=style.HIGHLIGHT, stroke_width=style.OUTLINE_WIDTH, fill_color=style.BACKGROUND,
                     fill_opacity=1)
        box.next_to(self.formulas, DOWN, buff=self.INSET_GAP).align_to(self.formulas, LEFT).set_z_index(self.Z_INSET)
        centre = box.get_center()

        def inset(z: np.ndarray) -> np.ndarray:
            return centre + scale * to_xyz(np.asarray(z) - zc)

        h = ValueTracker(self.h).set_z_index(self.Z_MOVING)  # the scene holds it once it is animated
        unit_square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        jac = self.jacobians[k]
        para = Polygon(*inset(unit_square @ jac.T), color=style.TEXT, stroke_width=style.OUTLINE_WIDTH,
                       fill_opacity=0.12)
        arrows = VGroup(*(Arrow(inset(np.zeros(2)), inset(jac[:, i]), buff=0, color=c, stroke_width=style.BOLD_WIDTH,
                                max_tip_length_to_length_ratio=0.2)
                          for i, c in ((0, style.JE1), (1, style.JE2)))).set_z_index(self.Z_ARROWS)
        dash_arrow(arrows[1])  # J e2 dashed here too, as on the plot
        sides = cell_sides(cell_boundary(p, 1.0, self.CELL_SAMPLES), self.CELL_SAMPLES)
        offsets = [s - p for s in sides]

        @lru_cache(maxsize=1)  # once per value of h, not once per follower
        def at_h(hh: float) -> dict:
            pts = frame(np.concatenate([cell_image(fmap, p, hh, 4), linearised_cell(fmap, p, hh)]))
            gap = linearisation_gap(fmap, p, hh, self.CELL_SAMPLES)
            return {"lo": pts.min(axis=0) - 0.06, "hi": pts.max(axis=0) + 0.06,
                    "gap": gap if gap > gap_noise(fmap, p, hh) else 0.0,  # an affine map's rounding noise: 0
                    "patch": bezier_path([inset((fmap(p + hh * o) - fp) / hh) for o in offsets], smooth_handles=True)}

        def now() -> dict:
            """What the followers show at the current h: the inset's ``patch`` (Bezier points ``(n, 3)``: f of
            the square of side h about p, scaled by 1/h), the frame box ``lo``, ``hi`` (shape ``(3,)``) around
            the true image and its parallelogram, the gap."""
            return at_h(h.get_value())

        followers = Followers()  # everything that changes with h
        patch = VMobject(stroke_color=style.HIGHLIGHT, stroke_width=style.LINE_WIDTH, fill_color=style.HIGHLIGHT,
                         fill_opacity=0.3)
        followers.add(patch, lambda m: m.set_points(now()["patch"]))
        # the inset replaces the legend: its two arrows are named at their tips (not only red and orange)
        names = VGroup(*(tip_label(a, rf"J_{{{self.settings.map.name}}} e_{i + 1}", a.get_color(), box,
                                   [inset(jac @ [0.5, 0.5])], tex=True)
                         for i, a in enumerate(arrows))).set_z_index(self.Z_ARROWS)
        self.zoom_names = names
        content = VGroup(patch, para, arrows, Dot(inset(np.zeros(2)), radius=0.05, color=style.TEXT))
        VGroup(patch, para, content[3]).set_z_index(self.Z_PATCH)
        content.set_z_index(self.Z_PATCH, family=False)

        def box_corners() -> np.ndarray:
            """The marker's corners, counter-clockwise from the upper right (as Rectangle orders them)."""
            lo, hi = now()["lo"], now()["hi"]
            return np.array([[hi[0], hi[1], 0], [lo[0], hi[1], 0], [lo[0], lo[1], 0], [hi[0], lo[1], 0]])

        marker = Rectangle(color=style.HIGHLIGHT, stroke_width=style.THIN_WIDTH).set_z_index(self.Z_MOVING)
        followers.add(marker, lambda m: m.set_points_as_corners(box_corners()[[0, 1, 2, 3, 0]]))
        links = VGroup(Line(box_corners()[0], box.get_corner(UP + LEFT)),
                       Line(box_corners()[3], box.get_corner(DOWN + LEFT)))
        links.set_stroke(style.HIGHLIGHT, style.GUIDE_WIDTH, 0.7).set_z_index(self.Z_MOVING)
        for link, corner, end in ((links[0], 0, box.get_corner(UP + LEFT)), (links[1], 3, box.get_corner(DOWN + LEFT))):
            followers.add(link, lambda m, c=corner, e=end: m.set_points_as_corners([box_corners()[c], e]))
        zoom_note = MathTex(r"\times\,1/h", font_size=style.SMALL_SIZE, color=style.HIGHLIGHT)
        zoom_note.next_to(box, UP, buff=self.ZOOM_NOTE_GAP).align_to(box, RIGHT).set_z_index(self.Z_INSET)

        def readout(tex: str, min_places: int, value, shown: np.ndarray) -> VGroup:
            """``tex`` and a live number, with 3 significant digits at least for every value in ``shown`` (the
            values at the zoom's sizes): scientific, one exponent for the whole zoom, when fixed notation would
            need more than 5 decimals, so that a nonzero gap never reads 0.00000."""
            places, exponent = readout_notation(shown, min_places=min_places)
            unit = 10.0**exponent
            num = LiveDecimal(value() / unit, num_decimal_places=places, font_size=style.LABEL_SIZE,
                              color=style.HIGHLIGHT)
            followers.add(num, lambda m: m.set_value(value() / unit))
            parts = VGroup(MathTex(tex, font_size=style.LABEL_SIZE, color=style.TEXT), num).arrange(RIGHT,
                                                                                                    style.READOUT_GAP)
            if exponent:
                times = MathTex(rf"\times 10^{{{exponent}}}", font_size=style.LABEL_SIZE, color=style.HIGHLIGHT)
                followers.add(times, lambda m: m.next_to(num, RIGHT, buff=style.PART_GAP).align_to(num, DOWN))
                parts.add(times.next_to(num, RIGHT, buff=style.PART_GAP).align_to(num, DOWN))
            return parts

        gaps = np.array([at_h(float(hh))["gap"] for hh in self.zoom_sizes])
        rows = VGroup(readout("h =", 4, h.get_value, self.zoom_sizes),
                      readout(r"\text{gap} =", 5, lambda: now()["gap"], gaps),
                      readout(r"\text{gap}/h^2 =", 3, lambda: now()["gap"] / h.get_value() ** 2,
                              gaps / self.zoom_sizes**2))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=self.ZOOM_ROW_GAP).next_to(box, DOWN,
                                                                              buff=style.BLOCK_GAP).align_to(box, LEFT)
        for r in rows:  # numbers in one column, on the labels' baseline
            r[1].align_to(rows[2][1], LEFT).align_to(r[0], DOWN)
            if len(r) > 2:  # the exponent's "x 10^k" after its number
                r[2].next_to(r[1], RIGHT, buff=style.PART_GAP).align_to(r[1], DOWN)
        rows.set_z_index(self.Z_INSET)  # the labels; the numbers (and their groups) move
        for r in (rows, *rows):
            r.set_z_index(self.Z_MOVING, family=False)
        for r in rows:
            VGroup(*r[1:]).set_z_index(self.Z_MOVING)
        self.zoom_parts = VGroup(box, content, marker, links, zoom_note, rows)
        self.zoom_readouts = rows
        self.inset_box = box  # the magnifier box
        self.inset_arrows = arrows  # J e_1, J e_2 in the inset
        self.zoom_note = zoom_note
        name = self.settings.map.name
        self.caption(f"Zoom in at {name}({caption_number(p[0])}, {caption_number(p[1])}) by 1/h while halving the "
                     "square: the curved patch straightens into the parallelogram.", 2.0,
                     shows=("The legend gives way to a magnifier box, linked by lines to a marker around one patch: "
                            "the patch, its parallelogram and the two arrows (named at their tips) enlarged by 1/h, "
                            "with readouts of h and the gap below it."))
        self.legend_j.set_z_index(self.Z_INSET)  # fading out under the box, above the plot's labels
        self.play(FadeOut(self.legend_j), FadeIn(box), FadeIn(content), Create(marker), Create(links),
                  FadeIn(zoom_note), FadeIn(rows), FadeIn(names), run_time=self.rt(1.2))
        self.pause(0.8)
        self.zoom_h, self.zoom_followers = h, followers

    def halve_square(self) -> None:
        h, followers = self.zoom_h, self.zoom_followers
        self.caption(self.halving_claim(), 2.0 * self.ZOOM_STEPS + 1.0,
                     shows=("h halves step by step: the marked square shrinks on the plane, the magnifier redraws the "
                            "patch and its parallelogram, and the readouts update."))
        for size in self.zoom_sizes[1:]:
            followers.play(self, h.animate.set_value(size), run_time=self.rt(1.4), rate_func=linear)
            self.pause(0.6)
        self.pause(1.0)


__all__ = ["GridSquaresUnderF"]
