"""FlowDensity: z = f(x); f^-1 carries a Gaussian to data space, cells rescale, log|det J_f(x)| as a field.

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/flow.py FlowDensity
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from manim import *

from jacobian_math import (
    CouplingFlow,
    cell_image,
    gaussian_density,
    grid_centres,
    grid_integral,
    mass_outside,
    square_cell,
)
from jacobian_math.fields import grid_lines
from scenes.kit import style
from scenes.kit.colormaps import colormap_rgba, cross_fade, diverging_rgba
from scenes.kit.followers import Followers
from scenes.kit.manim_compat import set_image_pixels
from scenes.kit.panel import Panel, cell_polygon, set_clipped_path
from scenes.kit.readouts import (
    LiveDecimal,
    beside,
    set_if_changed,
)
from scenes.kit.scene import LectureScene, uncover
from scenes.kit.text import fmt_decimals, plain_text, single_path


def fit_backing(label: VGroup) -> VGroup:
    """Stretch ``label[0]`` (a backing rectangle) over the rest of ``label`` when its digits change width."""
    backing, text = label[0], VGroup(*label[1:])
    width = text.width + 0.1
    if abs(backing.width - width) > 1e-3:
        backing.stretch_to_fit_width(width).move_to(text)
    return label


class FlowDensity(LectureScene):
    """A normalizing flow z = f(x) (the page's convention): its inverse carries a Gaussian p_z to the data
    density p_x(x) = p_z(f(x)) |det J_f(x)|; cells rescale, and log|det J_f(x)| is drawn as a field.

    ``CouplingFlow`` here is the generator f^-1 (latent z to data x)."""

    TITLE = "Flows: the determinant scales density"
    SIDE = 5.0
    PANEL_X = 3.55
    PANEL_Y = 0.05
    RASTER = 120  # pixels per side of the density images
    CELL_SIDE = 0.5
    OUTLINE_SAMPLES = 12  # boundary points per side of a highlighted cell
    CELL_POINTS = ((-1.5, 0.75), (0.75, -1.25), (0.25, 1.25))
    CELL_BOX = (-3.5, 3.5, -3.5, 3.5)  # CELL_POINTS and CELL_SIDE are for this box; another box gets them scaled
    TIMES_GAP = 0.04  # the times sign against its factor, tighter than any readout's parts: they read as one number
    DET_LABEL_GAP = 0.06  # a cell's determinant label beside its outline

    def construct(self) -> None:
        cfg = self.settings.flow
        self.flow = CouplingFlow(cfg.scales, cfg.shifts)
        self.box = cfg.box
        self.cell_points, self.cell_side = self._cells_for(self.box)
        self.base = lambda pts: gaussian_density(pts, std=cfg.base_std)
        self.centres, self.cell_area = grid_centres(self.box, self.RASTER)
        self.t = ValueTracker(0.0)
        self.vmax = float(self.base(np.zeros(2)))
        self.beat("title_card")
        self.title_card(self.TITLE, "change of variables for densities")
        self.beat("show_base")
        self.show_base()
        self.beat("apply_flow")
        self.apply_flow()
        self.beat("show_mass")
        self.show_mass()
        self.beat("show_log_det")
        self.show_log_det()

    def _cells_for(self, box) -> tuple[tuple[tuple[float, float], ...], float]:
        """The highlighted cells' corners and side for ``box``: CELL_POINTS and CELL_SIDE carried from
        CELL_BOX to ``box`` (the same relative places; the side scaled with the box's shorter side)."""
        x0, x1, y0, y1 = box
        a0, a1, b0, b1 = self.CELL_BOX
        points = tuple((x0 + (px - a0) / (a1 - a0) * (x1 - x0), y0 + (py - b0) / (b1 - b0) * (y1 - y0))
                       for px, py in self.CELL_POINTS)
        side = self.CELL_SIDE * min((x1 - x0) / (a1 - a0), (y1 - y0) / (b1 - b0))
        return points, side

    def current_flow(self) -> CouplingFlow:
        return self.flow.scaled(self.t.get_value())

    def density(self) -> np.ndarray:
        """p_y on the raster ``(n, n)`` at the current t (computed once per value of t)."""
        return self._density_at(self.t.get_value())

    def total_mass(self) -> float:
        """Midpoint-rule integral of p_y over the panel's box (what the readout shows)."""
        return grid_integral(self.density(), self.cell_area)

    def base_box(self) -> tuple[float, float, float, float]:
        """A box holding all but about 1e-14 of the base density's mass (8 standard deviations)."""
        r = 8 * self.settings.flow.base_std
        return (-r, r, -r, r)

    def _step(self) -> float:
        return 1.0 if self.box[1] - self.box[0] <= 8 else 2.0

    def show_base(self) -> None:
        self._density_at = lru_cache(maxsize=1)(
            lambda t: self.flow.scaled(t).pushforward_density(self.centres, self.base))
        self.followers = Followers()
        self.left = Panel(self.box, self.SIDE, r"z \sim p_z = \mathcal{N}(0,\sigma^2 I)", self._step())
        self.right = Panel(self.box, self.SIDE, r"x = f^{-1}(z),\quad p_x(x) = p_z(f(x))\,|\det J_f(x)|",
                           self._step())
        self.left.place([-self.PANEL_X, self.PANEL_Y, 0])
        self.right.place([self.PANEL_X, self.PANEL_Y, 0])
        self.right.heading.next_to(self.right.border, UP, buff=style.LABEL_GAP)
        self.left.heading.match_y(self.right.heading)
        cmap = style.HEATMAP
        base_rgba = colormap_rgba(self.base(self.centres), cmap, 0, self.vmax)
        # layers: images under their planes; the left side (which never moves while the flow plays)
        # below the moving right image, so that Manim keeps it in the static background
        self.base_img = self.left.image(base_rgba)
        self.pushed_img = self.right.image(base_rgba)
        self.followers.add(self.pushed_img, lambda m: self.right.show_cropped(
            m, colormap_rgba(self.density(), cmap, 0, self.vmax)))
        step = self._step()
        lines = grid_lines(self.box, step, 80, edges=False)  # the plane's own lines: multiples of step
        self.warped = VGroup(*[self.right.polyline(ln, stroke_color=style.TEXT, stroke_width=style.HAIRLINE_WIDTH,
                                                   stroke_opacity=0.5)
                               for ln in lines])
        stacked = np.concatenate(lines)
        bounds = np.cumsum([len(ln) for ln in lines])[:-1]

        def warp(group: VGroup) -> None:
            out = self.current_flow()(stacked)  # every line in one vectorised call
            pts3, keep = self.right.to_scene(out), self._inside(out)
            for mob, p3, k in zip(group, np.split(pts3, bounds), np.split(keep, bounds), strict=True):
                set_clipped_path(mob, p3, k)

        self.followers.add(self.warped, warp)
        # highlighted cells: squares on the left, their images (true outlines) on the right
        self.cells_in, self.cells_out, self.det_labels = VGroup(), VGroup(), VGroup()
        color = style.TEXT
        times = single_path(MathTex(r"\times", font_size=style.SMALL_SIZE, color=color))
        for pt in self.cell_points:
            self.cells_in.add(cell_polygon(self.left, square_cell(np.array(pt), self.cell_side), color, 0.3,
                                           style.THIN_WIDTH))
            outline = self.right.polyline(self._cell_outline(pt, self.flow.scaled(0)), closed=True,
                                          stroke_color=color, stroke_width=style.OUTLINE_WIDTH, fill_color=color,
                                          fill_opacity=0.3)
            outline.in_box = True
            self.followers.add(outline, lambda m, pt=pt: self._place_outline(m, pt))
            self.cells_out.add(outline)
            num = LiveDecimal(1, num_decimal_places=2, font_size=style.SMALL_SIZE, color=color)
            text = VGroup(times.copy(), num).arrange(RIGHT, buff=self.TIMES_GAP)
            # a backing of the panel colour: the label sits on the bright density and on grid lines
            backing = Rectangle(width=text.width + 0.1, height=text.height + 0.08, stroke_width=style.NO_STROKE,
                                fill_color=style.PANEL, fill_opacity=1).move_to(text)
            label = VGroup(backing, *text)
            self.followers.add(num, lambda m, pt=pt: set_if_changed(m, self._area_ratio(pt)))
            self.followers.add(label, lambda m, o=outline: self._show_if(
                beside(fit_backing(m), o, self.DET_LABEL_GAP), o.in_box, 1.0))
            self.det_labels.add(label)
        self.det_numbers = [label[-1] for label in self.det_labels]  # each cell's area factor
        self.mass_left = self._mass_readout(self.left, r"\textstyle\int_{\mathrm{box}} p_z\,dz =", grid_integral(
            self.base(self.centres), self.cell_area))
        self.mass_right = self._mass_readout(self.right, r"\textstyle\int_{\mathrm{box}} p_x\,dx =",
                                             self.total_mass())
        self.followers.add(self.mass_right[1], lambda m: set_if_changed(m, self.total_mass()))
        self.mass_right_number = self.mass_right[1]
        # drawing layers of each side: heading, image, plane, marks drawn over the plane
        self.layers = {
            "left.heading": Group(self.left.heading), "left.image": Group(self.base_img),
            "left.plane": Group(self.left.plane, self.left.border),
            "left.marks": Group(self.cells_in, self.mass_left),
            "right.heading": Group(self.right.heading), "right.image": Group(self.pushed_img),
            "right.plane": Group(self.right.plane, self.right.border),
            "right.marks": Group(self.warped, self.cells_out, self.det_labels, self.mass_right),
        }
        self._stack("left.heading right.heading left.image right.image left.plane right.plane left.marks right.marks")
        self.caption("A Gaussian density on the latent plane. The inverse flow f⁻¹ will carry it to the "
                     "data plane: x = f⁻¹(z).", 4,
                     shows=("Two panels: left, the latent plane shaded by a round Gaussian density; right, the data "
                            "plane under a grid, at first showing the same density. Outlined cells appear on both, "
                            "with area labels beside the right ones and a total-mass readout under each panel."))
        uncover(self, [[self.base_img, self.left], [self.pushed_img, self.right]], self.rt(1.2))
        self.add(self.warped)
        uncover(self, [[self.mass_left], [self.mass_right]], self.rt(1), FadeIn(self.cells_in), FadeIn(self.cells_out),
                FadeIn(self.det_labels), buff=style.VEIL_MARGIN)
        self.pause(1.5)

    def _stack(self, order: str) -> None:
        """Set the drawing order (z-index) of the layers named in ``order``, back to front.

        Manim redraws on every frame everything sorted after the first moving mobject, so each beat puts what
        stands still first.  Any order keeps each image under its plane and marks, and the two sides never
        overlap, so the picture does not change."""
        names = order.split()
        for z, name in enumerate(names, start=-len(names)):
            self.layers[name].set_z_index(z)
        for panel in (self.left, self.right):  # a group is sorted as far back as its lowest part
            panel.set_z_index(min(m.z_index for m in panel.submobjects), family=False)

    def _inside(self, pts: np.ndarray) -> np.ndarray:
        x0, x1, y0, y1 = self.box
        return (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)

    def _cell_outline(self, pt: Sequence[float], flow: CouplingFlow) -> np.ndarray:
        """The image under ``flow`` of the boundary of the cell at ``pt``, ``(48, 2)`` (12 points per side)."""
        return cell_image(flow, np.array(pt), self.cell_side, self.OUTLINE_SAMPLES)

    def _place_outline(self, outline: VMobject, pt: Sequence[float]) -> VMobject:
        """The outline of the cell at ``pt`` under the current flow; hidden while any of it is outside the box
        (a flow may carry a cell off the drawn plane: it would be drawn over the heading or off the frame)."""
        o = self._cell_outline(pt, self.current_flow())
        outline.set_points_as_corners(self.right.to_scene(np.vstack([o, o[:1]])))
        outline.in_box = bool(self._inside(o).all())
        return self._show_if(outline, outline.in_box, 1.0, 0.3)

    @staticmethod
    def _show_if(mob: VMobject, shown: bool, stroke: float, fill: float | None = None) -> VMobject:
        """Hide ``mob`` when not ``shown``; give it back its opacities (stroke, fill) when it shows again."""
        if not shown:
            mob.set_opacity(0)
        elif getattr(mob, "_hidden", False):
            mob.set_stroke(opacity=stroke).set_fill(opacity=stroke if fill is None else fill)
        mob._hidden = not shown
        return mob

    def _area_ratio(self, pt: Sequence[float]) -> float:
        """|det J_{f^-1}(z)| at the cell's centre z: the factor its area is multiplied by (to first order)."""
        centre = np.array(pt) + self.cell_side / 2
        return float(np.exp(self.current_flow().log_abs_det_jacobian(centre)))

    def _mass_readout(self, panel: Panel, label: str, value: float) -> VGroup:
        num = LiveDecimal(value, num_decimal_places=3, font_size=style.LABEL_SIZE, color=style.HIGHLIGHT)
        # the label only fades and is indicated: one path (a MathTex is one submobject per glyph, slow to copy)
        group = VGroup(single_path(MathTex(label, font_size=style.LABEL_SIZE)), num).arrange(RIGHT, buff=style.KEY_GAP)
        return group.next_to(panel.border, DOWN, buff=style.BLOCK_LABEL_GAP)

    def apply_flow(self) -> None:
        self.caption("f⁻¹ moves and stretches space: each cell's area is multiplied by about "
                     "|det Jf⁻¹(z)| = 1 / |det Jf(x)|.", 5,
                     shows=("On the right the grid warps, the density flows into a new shape, and the outlined cells "
                            "stretch or shrink while their area labels change."))
        self._stack("left.heading left.image left.plane left.marks right.heading right.image right.plane right.marks")
        self.followers.play(self, self.t.animate.set_value(1.0), run_time=self.rt(5), rate_func=smooth)  # t stays 1

    def show_mass(self) -> None:
        inside = self.total_mass()
        outside = mass_outside(self.flow, self.base, self.box, self.base_box())
        self.caption("Where cells grow the density thins out, where they shrink it piles up. Over the box it "
                     f"integrates to {inside:.3f}: the other {fmt_decimals(outside, 3)} of the mass lies outside "
                     "the box.", 5,
                     shows="The right panel's total-mass readout is highlighted.")
        self.play(Indicate(self.mass_right, color=style.HIGHLIGHT), run_time=self.rt(1.2))
        self.pause(3.5)

    def show_log_det(self) -> None:
        # over the data plane: log|det J_f(x)| with f the inverse of the drawn generator
        field = self.flow.inverse_log_abs_det_jacobian(self.centres)
        vmax = float(np.abs(field).max())
        self.log_det_img = self.right.image(diverging_rgba(field, vmax))
        head = MathTex(r"\log|\det J_f(x)|", font_size=style.LABEL_SIZE).move_to(self.right.heading)
        bar = VGroup(
            Square(0.25, fill_color=style.SHRINK, fill_opacity=0.9, stroke_width=style.NO_STROKE),
            single_path(MathTex(f"-{fmt_decimals(vmax, 1)}", font_size=style.SMALL_SIZE)),
            single_path(plain_text("f shrinks areas", font_size=style.KEY_SIZE, color=style.MUTED)),
            Square(0.25, fill_color=style.GROW, fill_opacity=0.9, stroke_width=style.NO_STROKE),
            single_path(MathTex(f"+{fmt_decimals(vmax, 1)}", font_size=style.SMALL_SIZE)),
            single_path(plain_text("f grows areas", font_size=style.KEY_SIZE, color=style.MUTED)),
        ).arrange(RIGHT, buff=style.READOUT_GAP).move_to(self.mass_right)
        # the cells' numbers are f^-1's factors (a x1.90 cell may sit where f shrinks areas): said under the key
        self.factor_note = single_path(plain_text("× on the cells: f⁻¹ multiplies their areas by these",
                                            font_size=style.TINY_SIZE, color=style.MUTED))
        self.factor_note.next_to(bar, DOWN, buff=style.LABEL_GAP)
        edge = config.frame_width / 2 - style.FRAME_MARGIN
        self.factor_note.shift(min(0.0, edge - self.factor_note.get_right()[0]) * RIGHT)
        bar.add(self.factor_note)
        low = -config.frame_height / 2 + style.FRAME_MARGIN  # a taller panel leaves less room under it
        bar.shift(max(0.0, low - bar.get_bottom()[1]) * UP)
        self.layers["right.heading"].add(head)
        self.layers["right.image"].add(self.log_det_img)
        self.area_key = bar
        self.shrink_swatch = bar[0]
        self.grow_swatch = bar[3]
        self.layers["right.marks"].add(bar)
        self._stack("left.heading left.image left.plane left.marks right.heading right.image right.plane right.marks")
        self.caption("log|det Jf(x)| over the data plane: the log-density of x is that of z at f(x) plus "
                     "log|det Jf(x)|, and for a stack of layers their log-determinants add up.", 5,
                     shows=("The right panel's heading becomes log|det J_f(x)| and its picture a map of it, with a "
                            "numbered colour bar running from 'f shrinks areas' to 'f grows areas' in place of the "
                            "mass readout."))
        full = colormap_rgba(self.density(), style.HEATMAP, 0, self.vmax)  # the density image, uncropped
        self.right.show_cropped(self.pushed_img, full, margin=max(full.shape))
        old, new = self.pushed_img.get_pixel_array().copy(), self.log_det_img.get_pixel_array()
        fade = UpdateFromAlphaFunc(self.pushed_img, lambda m, a: set_image_pixels(m, cross_fade(old, new, a)))
        # the headings cross-fade (a morph between unrelated formulas scrambles glyphs mid-way); the
        # legend takes the mass readout's place only once it has gone
        self.play(fade, FadeOut(self.right.heading), FadeIn(head), Succession(FadeOut(self.mass_right), FadeIn(bar)),
                  run_time=self.rt(1.5))
        self.remove(self.pushed_img)
        self.add(self.log_det_img)
        self.pause(4)


__all__ = ["FlowDensity"]
