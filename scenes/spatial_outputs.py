"""SpatialOutputs: an image-to-image layer y = act(conv2d(x, K) + b); one output pixel's Jacobian row, reshaped
to the image, lives in its receptive field; the whole (HWC) x (HWC) Jacobian is banded and sparse, and
back-propagation applies its transpose as another convolution; saliency maps are its rows, and J^T 1 their sum.

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/spatial_outputs.py SpatialOutputs
"""

from __future__ import annotations

import numpy as np
from manim import *

from jacobian_math import ConvLayer, conv_counts, sample_image
from scenes.kit import style
from scenes.kit.colormaps import signed_color
from scenes.kit.followers import Followers
from scenes.kit.readouts import LiveDecimal, set_centred
from scenes.kit.scene import LectureScene, cover, uncover
from scenes.kit.shapes import dot_cloud
from scenes.kit.text import plain_text

ACT_TEX = {"tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "identity": ""}
ACT_SAID = {"tanh": "tanh", "relu": "ReLU", "identity": "no nonlinearity"}


def grid_path(path: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pixels from ``path[0]`` through each of ``path[1:]``, one row or column step at a time (rows first)."""
    out = [tuple(path[0])]
    for r, c in path[1:]:
        while out[-1] != (r, c):
            i, j = out[-1]
            out.append((i + np.sign(r - i), j) if i != r else (i, j + np.sign(c - j)))
    return [(int(i), int(j)) for i, j in out]


def signed_rgb(values: np.ndarray, scale: float) -> np.ndarray:
    """:func:`signed_color` of each entry of ``values`` as ``(..., 3)`` uint8 (the matrix drawn as one image)."""
    v = np.asarray(values, float)
    panel = np.array(style.PANEL.to_rgb())
    pos, neg = np.array(ManimColor(style.POSITIVE).to_rgb()), np.array(ManimColor(style.NEGATIVE).to_rgb())
    t = (np.minimum(1.0, np.abs(v) / scale) * 0.8)[..., None]
    rgb = panel + t * (np.where(v[..., None] >= 0, pos, neg) - panel)
    return np.round(rgb * 255).astype(np.uint8)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of ``rgb (..., 3)`` in 0..1."""
    c = np.asarray(rgb, float)
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def negative_marks(values: np.ndarray, rgb: np.ndarray, origin: np.ndarray, cell: float) -> VGroup:
    """A dot at the centre of every negative entry of ``values (rows, cols)`` (drawn as cells of side ``cell``
    from the upper-left corner ``origin``, coloured ``rgb (rows, cols, 3)`` uint8): the sign's cue besides the
    hue (WCAG 1.4.1).  Each dot is dark or light, whichever contrasts more with its cell; one cloud of each."""
    rs, cs = np.nonzero(np.asarray(values) < 0)
    centres = np.stack([origin[0] + (cs + 0.5) * cell, origin[1] - (rs + 0.5) * cell, np.zeros(len(rs))], axis=1)
    lum = _luminance(rgb[rs, cs] / 255.0)
    dark_l, light_l = (float(_luminance(np.array(c.to_rgb()))) for c in (style.BACKGROUND, style.TEXT))
    dark = (lum + 0.05) / (dark_l + 0.05) >= (light_l + 0.05) / (lum + 0.05)
    marks = VGroup()
    for pick, colour in ((dark, style.BACKGROUND), (~dark, style.TEXT)):
        if pick.any():
            marks.add(dot_cloud(centres[pick], 0.22 * cell, colour, opacity=1.0))
    return marks


class SpatialOutputs(LectureScene):
    """An H x W x C image through a k x k convolution and a nonlinearity: receptive fields, the banded
    Jacobian, its transpose as a convolution, saliency maps."""

    TITLE = "Spatial outputs: the Jacobian of a convolution"
    MAX_CELL = 0.62  # the largest pixel cell of the three grids
    HEADS = 0.7  # between the kernel's strip and the grids: the grids' headings
    NOTES = 0.8  # below the grids: the padding note, the readouts
    GAP = 1.0  # between the three grids
    CHANNEL_GAP = 0.35
    MATRIX_SIDE = 5.6  # the largest side of the drawn Jacobian
    MATRIX_CENTRE = (-3.3, -0.35)
    Z_STILL = -1
    READ_RATE = 17.0  # characters of caption per second a beat lasts at least (the subtitle rule allows 20)
    CHANNEL_LABEL_GAP = 0.06  # a channel's name this far left of its first cell's edge (added to half a cell)
    UNDER_GRID_GAP = 0.12  # the readout right under Y's grid, above the notes
    FACTS_GAP = 1.0  # the facts right of the whole Jacobian

    def construct(self) -> None:
        sp = self.settings.spatial
        self.layer = ConvLayer(np.array(sp.kernel_weights), sp.bias, sp.activation, sp.padding)
        self.x = sample_image(sp.height, sp.width, sp.channels, sp.input_seed)
        self.y = self.layer(self.x)
        self.jac = self.layer.jacobian(self.x)
        self.H, self.W, self.C = self.x.shape
        self.Ho, self.Wo, _ = self.y.shape
        self.k = self.layer.k
        self.pixel = tuple(sp.pixel)
        self.followers = Followers()
        self.beat("title_card")
        self.title_card(self.TITLE, "an image in, an image out: one Jacobian row per output value")
        self.beat("show_layer")
        self.show_layer()
        self.beat("show_row")
        self.show_row()
        self.beat("move_pixel")
        self.move_pixel()
        self.beat("show_matrix")
        self.show_matrix()
        self.beat("apply_transpose")
        self.apply_transpose()
        self.beat("show_saliency")
        self.show_saliency()
        self.beat("sum_saliency")
        self.sum_saliency()

    def caption(self, text: str, seconds: float, *args, **kwargs) -> None:
        super().caption(text, seconds, *args, **kwargs)
        self._said, self._said_at = text, self.time

    def hold(self, minimum: float) -> None:
        """The beat's closing pause: at least ``minimum`` seconds, and long enough that the beat's caption can be
        read (``READ_RATE``) before the next one."""
        elapsed = (self.time - self._said_at) / self.rt(1.0)
        self.pause(max(minimum, len(self._said) / self.READ_RATE - elapsed))

    # ------------------------------------------------------------------ geometry

    def dims(self, rows: int, cols: int) -> str:
        return f"{rows} by {cols} by {self.C}"

    def cell_centre(self, grid: int, r: float, c: float, ch: int) -> np.ndarray:
        """Centre of pixel (r, c) of channel ``ch`` in grid 0 (x), 1 (y) or 2 (the row of J)."""
        rows = self.H if grid != 1 else self.Ho
        left = self.grid_left[grid]
        top = self.grids_top - ch * (rows * self.cell + self.CHANNEL_GAP)
        if grid == 1:  # the output grid is centred on the input's rows
            top -= (self.H - self.Ho) * self.cell / 2
        return np.array([left + (c + 0.5) * self.cell, top - (r + 0.5) * self.cell, 0.0])

    def _layout(self) -> None:
        """Cell sizes and places: the formula and kernel on top, the three grids under their headings, two lines
        of notes below; the whole block centred in the frame."""
        H, W, C = self.H, self.W, self.C
        self.kcell = min(0.56, 1.6 / self.k) if C == 1 else min(0.42, 1.2 / self.k)  # four kernel blocks for C = 2
        strip = self.k * self.kcell
        room = config.frame_height - 2 * style.FRAME_MARGIN - strip - self.HEADS - self.NOTES
        width = 2 * W + self.Wo
        self.cell = min(self.MAX_CELL, (config.frame_width - 2 * style.FRAME_MARGIN - 2 * self.GAP - 0.2) / width,
                        (room - (C - 1) * self.CHANNEL_GAP) / (H * C))
        used = strip + self.HEADS + H * C * self.cell + (C - 1) * self.CHANNEL_GAP + self.NOTES
        self.strip_top = config.frame_height / 2 - style.FRAME_MARGIN - (room + strip + self.HEADS + self.NOTES
                                                                         - used) / 2
        self.grids_top = self.strip_top - strip - self.HEADS
        total = width * self.cell + 2 * self.GAP
        left = -total / 2
        self.grid_left = [left, left + W * self.cell + self.GAP, left + (W + self.Wo) * self.cell + 2 * self.GAP]
        shown = np.concatenate([self.y.ravel(), self.jac.ravel(), self.layer.total_saliency(self.x).ravel()])
        self.num_size = self._fit(shown, 0.8 * self.cell)
        self.knum_size = self._fit(self.layer.kernel.ravel(), 0.82 * self.kcell)

    @staticmethod
    def _fit(values: np.ndarray, width: float) -> float:
        """A font size at which the widest of ``values`` (two decimals) is at most ``width`` wide."""
        widest = max(np.round(np.abs(values), 2).max(), 0.0)
        probe = LiveDecimal(-widest, num_decimal_places=2, font_size=style.SMALL_SIZE)
        return style.SMALL_SIZE * min(1.0, width / probe.width)

    def _grid(self, grid: int, rows: int, cols: int, value, places: int, follow: bool) -> tuple[VGroup, VGroup]:
        """Cells and numbers of one image grid, ``value(r, c, ch)``; ``follow``: they follow the chosen pixel."""
        cells, nums = VGroup(), VGroup()
        for ch in range(self.C):
            for r in range(rows):
                for c in range(cols):
                    pos = self.cell_centre(grid, r, c, ch)
                    sq = Square(self.cell * 0.94, stroke_width=style.NO_STROKE, fill_color=style.PANEL,
                                fill_opacity=1).move_to(pos)
                    num = LiveDecimal(0, num_decimal_places=places, font_size=self.num_size, color=style.TEXT)
                    num.move_to(pos)
                    if follow:  # the cell first: Manim draws the moving followers in this order
                        self.followers.add(sq, lambda m, r=r, c=c, ch=ch: m.set_fill(
                            signed_color(self.shown_map[r, c, ch], self.row_scale)))
                        self.followers.add(num, lambda m, r=r, c=c, ch=ch, pos=pos: set_centred(m, value(r, c, ch),
                                                                                                pos))
                    else:
                        set_centred(num, value(r, c, ch), pos)
                    num.set_z_index(1)  # above its cell, whatever plays later move the cells to the front
                    cells.add(sq)
                    nums.add(num)
        return cells, nums

    def row_value(self, r: int, c: int, ch: int) -> float:
        """The shown Jacobian row (or saliency map) at input pixel (r, c, ch), to the two decimals shown."""
        return float(np.round(self.shown_map[r, c, ch], 2)) + 0.0

    def window_box(self, pixel: tuple[int, int]) -> VGroup:
        """The receptive field of output ``pixel`` on the input grid (one outline per channel), cut at the border:
        the k x k window's part inside the image (the rest would read the zeros of same padding)."""
        win = self.layer.receptive_field(self.x.shape, pixel)
        boxes = []
        for ch in range(self.C):
            a = self.cell_centre(0, win.top, win.left, ch) + [-self.cell / 2, self.cell / 2, 0]
            b = self.cell_centre(0, win.bottom - 1, win.right - 1, ch) + [self.cell / 2, -self.cell / 2, 0]
            boxes.append(Rectangle(width=b[0] - a[0], height=a[1] - b[1]).move_to((a + b) / 2))
        return VGroup(*boxes).set_stroke(style.HIGHLIGHT, style.LINE_WIDTH).set_fill(opacity=0).set_z_index(2)

    def output_box(self, pixel: tuple[int, int], ch: int = 0) -> Square:
        return Square(self.cell).move_to(self.cell_centre(1, pixel[0], pixel[1], ch)).set_stroke(
            style.HIGHLIGHT, style.LINE_WIDTH).set_fill(opacity=0)

    # ------------------------------------------------------------------ beats

    def show_layer(self) -> None:
        sp = self.settings.spatial
        self._layout()
        H, W, C, k = self.H, self.W, self.C, self.k
        self.x_cells, self.x_nums = self._grid(0, H, W, lambda r, c, ch: self.x[r, c, ch], 1, follow=False)
        self.y_cells, self.y_nums = self._grid(1, self.Ho, self.Wo, lambda r, c, ch: self.y[r, c, ch], 2, follow=False)
        heads = VGroup(
            MathTex(rf"x:\ {H}\times {W}\times {C}", font_size=style.SMALL_SIZE, color=style.TEXT),
            MathTex(rf"y:\ {self.Ho}\times {self.Wo}\times {C}", font_size=style.SMALL_SIZE, color=style.TEXT))
        for head, cells in zip(heads, (self.x_cells, self.y_cells), strict=True):
            head.move_to([cells.get_x(), self.grids_top + self.HEADS / 2 - 0.05, 0])
        if C > 1:
            self.channel_labels = VGroup(*[
                MathTex(f"c{{=}}{ch + 1}", font_size=style.TINY_SIZE, color=style.MUTED).rotate(PI / 2).next_to(
                    self.cell_centre(0, (H - 1) / 2, 0, ch), LEFT, buff=self.cell / 2 + self.CHANNEL_LABEL_GAP)
                for ch in range(C)])
        else:
            self.channel_labels = VGroup()
        act = ACT_TEX[sp.activation]
        inner = r"K \star x + b"
        formula = MathTex(r"y = " + (rf"{act}({inner})" if act else inner), font_size=style.LABEL_SIZE)
        kernel = self._kernel_grid()
        top = VGroup(formula, kernel).arrange(RIGHT, buff=style.SPREAD_GAP)
        top.move_to([0, self.strip_top - self.k * self.kcell / 2, 0])
        arrow = Arrow(self.x_cells.get_right(), self.y_cells.get_left(), buff=style.ARROW_GAP, color=style.MUTED,
                      stroke_width=style.LINE_WIDTH, max_tip_length_to_length_ratio=0.3)
        arrow.set_y(self.cell_centre(1, (self.Ho - 1) / 2, 0, 0)[1])
        padding = f"padding: {sp.padding} ({'zeros' if sp.padding == 'same' else 'none'}), stride 1"
        self.padding_note = plain_text(padding, font_size=style.KEY_SIZE, color=style.MUTED)
        if self.padding_note.width > self.x_cells.width + 0.4 * self.GAP:
            self.padding_note.scale_to_fit_width(self.x_cells.width + 0.4 * self.GAP)
        self.padding_note.next_to(self.x_cells, DOWN, buff=style.UNDER_PANEL_GAP).align_to(self.x_cells, LEFT)
        self.top = top
        self.heads = heads
        self.arrow = arrow
        VGroup(self.x_cells, self.x_nums, heads, self.channel_labels, top, arrow, self.padding_note,
               self.y_cells, self.y_nums).set_z_index(self.Z_STILL)
        self.caption(f"An image-to-image layer: a {self.dims(H, W)} input x, a {k} by {k} convolution with "
                     f"kernel K, plus b, then {ACT_SAID[sp.activation]}, gives a {self.dims(self.Ho, self.Wo)} "
                     "output y.", 7,
                     shows=("The input image x as grids of cells with their numbers, one per channel; the layer's "
                            "formula and the kernel's cells on top; an arrow to the output grid y; a note gives the "
                            "padding and the stride."))
        uncover(self, [[self.x_cells, self.x_nums, heads[0], self.channel_labels, self.padding_note], [top]],
                self.rt(1.2), buff=style.VEIL_MARGIN)
        uncover(self, [[self.y_cells, self.y_nums, heads[1]]], self.rt(1.2), GrowArrow(arrow), buff=style.VEIL_MARGIN)
        self.hold(4.5)

    def _kernel_grid(self) -> VGroup:
        """K as cells with their numbers: one k x k block per (input, output) channel pair, labelled."""
        K, kc = self.layer.kernel, self.kcell
        blocks = VGroup()
        self.kernel_nums = []  # [(c, o, cells, numbers)], each in row-major order
        for o in range(self.C):
            for c in range(self.C):
                cells, nums = VGroup(), VGroup()
                for a in range(self.k):
                    for b in range(self.k):
                        pos = np.array([(b - (self.k - 1) / 2) * kc, ((self.k - 1) / 2 - a) * kc, 0])
                        cells.add(Square(kc * 0.94, stroke_width=style.NO_STROKE, fill_color=style.PANEL,
                                         fill_opacity=1)
                                  .move_to(pos))
                        num = LiveDecimal(0, num_decimal_places=2, font_size=self.knum_size, color=style.TEXT)
                        nums.add(set_centred(num.move_to(pos), K[a, b, c, o], pos))
                label = MathTex("K" if self.C == 1 else rf"K_{{{c + 1}\to {o + 1}}}", font_size=style.SMALL_SIZE)
                self.kernel_nums.append((c, o, cells, nums))
                blocks.add(VGroup(label, VGroup(cells, nums)).arrange(RIGHT, buff=style.READOUT_GAP))
        blocks.arrange(RIGHT, buff=style.SECTION_GAP)
        self.kernel_blocks = blocks
        return blocks

    def show_row(self) -> None:
        sp = self.settings.spatial
        self.row_scale = max(float(np.abs(self.jac).max()), 1e-9)
        self.current = self.pixel
        self.shown_map = self.layer.jacobian_row(self.x, self.current)
        self.row_cells, self.row_nums = self._grid(2, self.H, self.W, self.row_value, 2, follow=True)
        self.row_head = MathTex(r"\partial y_{ij} / \partial x", font_size=style.SMALL_SIZE, color=style.TEXT)
        self.row_head.move_to([self.row_cells.get_x(), self.heads[0].get_y(), 0])
        self.window = self.window_box(self.current)
        self.out_box = self.output_box(self.current)
        field = plain_text("receptive field", font_size=style.TINY_SIZE, color=style.HIGHLIGHT)
        self.field_label = field
        self._place_field_label()
        # the chosen pixel and its slope, live
        slope_tex = {"tanh": r"\tanh'(z_{ij}) =", "relu": r"\mathrm{ReLU}'(z_{ij}) =", "identity": r"\text{slope} ="}
        self.readout = VGroup(
            MathTex("i =", font_size=style.SMALL_SIZE),
            LiveDecimal(0, num_decimal_places=0, font_size=style.SMALL_SIZE),
            MathTex(",\\ j =", font_size=style.SMALL_SIZE),
            LiveDecimal(0, num_decimal_places=0, font_size=style.SMALL_SIZE),
            MathTex(slope_tex[sp.activation], font_size=style.SMALL_SIZE),
            LiveDecimal(0, num_decimal_places=2, font_size=style.SMALL_SIZE))
        self.readout[:4].arrange(RIGHT, buff=style.PART_GAP)
        self.readout[4:].arrange(RIGHT, buff=style.PART_GAP)
        VGroup(self.readout[:4], self.readout[4:]).arrange(DOWN, buff=style.LINE_GAP)
        self.readout.next_to(self.y_cells, DOWN, buff=self.UNDER_GRID_GAP).set_x(self.y_cells.get_x())
        if self.readout.width > self.y_cells.width + self.GAP * 0.8:
            self.readout.scale_to_fit_width(self.y_cells.width + self.GAP * 0.8).next_to(
                self.y_cells, DOWN, buff=self.UNDER_GRID_GAP).set_x(self.y_cells.get_x())
        slots = [(self.readout[1], lambda: self.current[0]), (self.readout[3], lambda: self.current[1]),
                 (self.readout[5], lambda: self.layer.slope(self.x)[self.current[0], self.current[1], 0])]
        for mob, value in slots:
            centre = mob.get_center()
            self.followers.add(mob, lambda m, value=value, centre=centre: set_centred(m, value(), centre))
        self.entry_rule = MathTex(r"\text{inside: } K \times \text{slope}", font_size=style.NOTE_SIZE,
                                  color=style.MUTED).next_to(self.row_cells, DOWN, buff=style.UNDER_PANEL_GAP)
        VGroup(self.row_head, self.entry_rule, self.readout[0], self.readout[2], self.readout[4]).set_z_index(
            self.Z_STILL)
        s = float(self.layer.slope(self.x)[self.current[0], self.current[1], 0])
        win = self.layer.receptive_field(self.x.shape, self.current)
        if sp.activation == "identity":
            inside = "a kernel weight itself: the slope is 1"
        else:
            inside = f"a kernel weight times {ACT_SAID[sp.activation]}′ = {s:.2f}, the slope there"
        ch = " in channel 1" if self.C > 1 else ""
        self.caption(f"Output pixel in row {self.current[0]}, column {self.current[1]}{ch} reads only the "
                     f"{win.bottom - win.top} by {win.right - win.left} window around it, so its Jacobian row, "
                     f"reshaped to {self.dims(self.H, self.W)}, is zero outside it; inside, {inside}.", 11,
                     shows=("One output pixel is boxed and its window on the input outlined as its receptive field; a "
                            "third grid shows its row of the Jacobian, zero outside the window, with a readout of the "
                            "pixel and the slope; the kernel is highlighted."))
        self.play(Create(self.out_box), run_time=self.rt(0.6))
        self.play(Create(self.window), FadeIn(field), run_time=self.rt(0.8))
        uncover(self, [[self.row_cells, self.row_nums, self.row_head, self.entry_rule], [self.readout]],
                self.rt(1.2), buff=style.VEIL_MARGIN)
        self.play(Indicate(self.kernel_blocks, color=style.HIGHLIGHT, scale_factor=1.05), run_time=self.rt(1))
        self.hold(5)

    def _place_field_label(self) -> None:
        self.field_label.next_to(self.padding_note, DOWN, buff=style.LINE_GAP, aligned_edge=LEFT)
        if self.field_label.width > self.padding_note.width:
            self.field_label.scale_to_fit_width(self.padding_note.width).align_to(self.padding_note, LEFT)

    def _go_to(self, pixel: tuple[int, int]) -> None:
        """Move the chosen output pixel one step: the window, the output box and the row follow."""
        self.current = pixel
        self.shown_map = self.layer.jacobian_row(self.x, pixel)
        self.followers.play(self, Transform(self.window, self.window_box(pixel)),
                            self.out_box.animate.move_to(self.cell_centre(1, pixel[0], pixel[1], 0)),
                            run_time=self.rt(0.3))

    def move_pixel(self) -> None:
        sp = self.settings.spatial
        route = grid_path([self.pixel, *sp.path, self.pixel])
        sizes = [self.layer.receptive_field(self.x.shape, p).pixels for p in route]
        k2 = self.k * self.k
        if sp.padding == "valid":
            border = (f"With valid padding no zeros are added: every window stays inside the image, so the output is "
                      f"only {self.Ho} by {self.Wo}.")
        elif min(sizes) < k2:
            border = (f"At the border it hangs over the zeros of same padding and is cut: down to {min(sizes)} of "
                      f"its {k2} pixels here.")
        else:
            border = f"Along this path it stays inside the image: all {k2} of its pixels."
        self.caption(f"Move the output pixel one step at a time (stride 1) and its window follows. {border}",
                     0.35 * len(route) + 4,
                     shows=("The boxed output pixel steps from pixel to pixel; the window on the input and the row "
                            "grid follow it."))
        for pixel in route[1:]:
            self._go_to(pixel)
            if pixel in sp.path:
                self.pause(0.5)
        self.hold(2)

    def show_matrix(self) -> None:
        counts = conv_counts(self.H, self.W, self.C, self.C, self.k, self.settings.spatial.padding)
        self.counts = counts
        rows, cols = self.jac.shape
        # what is on screen, shown again for the saliency maps
        self.grids = [[self.x_cells, self.x_nums, self.heads, self.channel_labels, self.top, self.arrow,
                       self.padding_note, self.y_cells, self.y_nums, self.row_cells, self.row_nums, self.row_head,
                       self.entry_rule, self.readout, self.window, self.out_box, self.field_label]]
        cover(self, self.grids, self.rt(0.6), buff=style.VEIL_MARGIN)
        self.remove(*self.mobjects)  # and the followers' groups their plays left in the scene
        c = self.MATRIX_SIDE / max(rows, cols)
        cx, cy = self.MATRIX_CENTRE
        self.matrix_scale = max(float(np.abs(self.jac).max()), 1e-9)
        self.matrix_rgb = signed_rgb(self.jac, self.matrix_scale)
        img = ImageMobject(self.matrix_rgb)
        img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        img.stretch_to_fit_width(cols * c).stretch_to_fit_height(rows * c).move_to([cx, cy, 0])
        self.matrix = img
        left, top = cx - cols * c / 2, cy + rows * c / 2
        self.matrix_origin, self.matrix_cell = np.array([left, top, 0.0]), c
        self.neg_marks = negative_marks(self.jac, self.matrix_rgb, self.matrix_origin, c)
        bw, bh = self.W * self.C, self.Wo * self.C  # one image row of x / of y
        lines = VGroup(
            *[Line([left + j * bw * c, top, 0], [left + j * bw * c, top - rows * c, 0]) for j in range(1, self.H)],
            *[Line([left, top - i * bh * c, 0], [left + cols * c, top - i * bh * c, 0]) for i in range(1, self.Ho)],
        ).set_stroke(style.GRID, style.HAIRLINE_WIDTH)
        frame = Rectangle(width=cols * c, height=rows * c).move_to([cx, cy, 0]).set_stroke(style.MUTED,
                                                                                           style.GUIDE_WIDTH)
        r = (self.pixel[0] * self.Wo + self.pixel[1]) * self.C
        self.row_mark = Rectangle(width=cols * c + 0.12, height=c).move_to(
            [cx, top - (r + 0.5) * c, 0]).set_stroke(style.HIGHLIGHT, style.THIN_WIDTH)
        head = MathTex(r"J = \frac{\partial\,\mathrm{vec}(y)}{\partial\,\mathrm{vec}(x)}:\ " + f"{rows}" + r"\times"
                       + f"{cols}", font_size=style.LABEL_SIZE).next_to(frame, UP, buff=style.HEADING_GAP)
        side = plain_text("rows: output pixels", font_size=style.TINY_SIZE, color=style.MUTED).rotate(PI / 2)
        side.scale_to_fit_height(min(side.height, rows * c)).next_to(frame, LEFT, buff=style.AXIS_LABEL_GAP)
        under = plain_text("columns: input pixels, row by row", font_size=style.TINY_SIZE, color=style.MUTED)
        under.next_to(frame, DOWN, buff=style.AXIS_LABEL_GAP)
        mark = plain_text(f"row of y[{self.pixel[0]}, {self.pixel[1]}]", font_size=style.TINY_SIZE,
                    color=style.HIGHLIGHT).next_to(self.row_mark, RIGHT, buff=style.LABEL_GAP)
        self.mark_label = mark
        facts = VGroup(
            MathTex(rf"{rows}\times {cols} = {counts.entries}\ \text{{entries}}", font_size=style.LABEL_SIZE),
            MathTex(rf"{counts.nonzeros}\ \text{{can be nonzero}}", font_size=style.LABEL_SIZE),
            MathTex(rf"k^2 C^2 = {counts.weights}\ \text{{weights define them}}", font_size=style.LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=style.SECTION_GAP)
        facts.next_to(frame, RIGHT, buff=self.FACTS_GAP).align_to(frame, UP).shift(DOWN * 0.2)
        facts.set_x(max(facts.get_x(), mark.get_right()[0] + 0.5 + facts.width / 2))  # clear of the row's label
        self.facts = facts
        # under the counts (a flat, wide matrix leaves no room beside its bottom edge); Jᵀ's note goes under it
        self.sign_key = self._sign_key().next_to(facts, DOWN, buff=style.BLOCK_GAP_WIDE, aligned_edge=LEFT)
        self.matrix_group = Group(img, lines, frame, self.row_mark, head, side, under, mark, facts, self.neg_marks,
                                  self.sign_key)
        VGroup(lines, frame, head, side, under, facts, self.sign_key).set_z_index(self.Z_STILL)
        share = 100 * counts.nonzeros / counts.entries
        self.caption(f"All {rows} rows together make the Jacobian, {rows} by {cols}: {counts.entries} entries, yet "
                     f"only {counts.nonzeros} can be nonzero, {share:.0f} percent: a band of blocks repeating along "
                     f"the diagonals, all built from {counts.weights} kernel weights.", 9.5,
                     shows=("The grids give way to the whole Jacobian drawn as one picture of signed cells with block "
                            "lines, a dot on each negative cell and a key of the two signs below right, its size on "
                            "top, rows for output pixels and columns for input pixels; the pixel's row is marked, "
                            "and three lines count the entries, those that can be nonzero, and the weights."))
        uncover(self, [[img, self.neg_marks, lines, frame, head, side, under, self.sign_key]], self.rt(1.2),
                buff=style.VEIL_MARGIN_WIDE)
        self.play(Create(self.row_mark), FadeIn(mark), run_time=self.rt(0.8))
        uncover(self, [[f] for f in facts], self.rt(1.5), buff=style.VEIL_MARGIN)
        self.hold(5.5)

    def _sign_key(self) -> VGroup:
        """The picture's key: a swatch of each sign's full tint named "+ positive" / "− negative", the negative
        one dotted like the picture's negative cells."""
        side = 0.3
        pos_rgb, neg_rgb = signed_rgb(np.array([[1.0, -1.0]]), 1.0)[0]
        rows = VGroup()
        for rgb, words, value in ((pos_rgb, "+ positive", 1.0), (neg_rgb, "− negative, dotted", -1.0)):
            colour = ManimColor(rgb / 255.0)
            swatch = VGroup(Square(side, fill_color=colour, fill_opacity=1, stroke_width=style.NO_STROKE))
            if value < 0:
                swatch.add(negative_marks(np.array([[value]]), rgb[None, None, :],
                                          swatch.get_corner(UL), side))
                self.key_marks = swatch[1]  # the negative swatch's dots
            rows.add(VGroup(swatch, plain_text(words, font_size=style.KEY_SIZE, color=style.TEXT)).arrange(RIGHT,
                                                                                                     style.KEY_GAP))
        return rows.arrange(DOWN, aligned_edge=LEFT, buff=style.KEY_ROW_GAP)

    def apply_transpose(self) -> None:
        act = self.settings.spatial.activation
        slope = {"tanh": r"\tanh'(z)", "relu": r"\mathrm{ReLU}'(z)", "identity": "1"}[act]
        vjp = MathTex(r"J^\top v = \big(" + slope + r" \odot v\big) \star \mathrm{flip}(K)",
                      font_size=style.LABEL_SIZE, color=style.HIGHLIGHT)
        note = plain_text("never stored: back-propagation applies Jᵀ as a convolution", font_size=style.KEY_SIZE,
                    color=style.TEXT)
        group = VGroup(vjp, note).arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP)
        group.next_to(self.sign_key, DOWN, buff=style.WIDE_SECTION_GAP, aligned_edge=LEFT)
        if group.get_right()[0] > config.frame_width / 2 - style.FRAME_MARGIN:
            group.scale_to_fit_width(config.frame_width / 2 - style.FRAME_MARGIN - group.get_left()[0]).next_to(
                self.sign_key, DOWN, buff=style.WIDE_SECTION_GAP, aligned_edge=LEFT)
        self.transpose_note = group
        self.matrix_group.add(group)
        group.set_z_index(self.Z_STILL)
        self.caption("Nobody stores it. Back-propagation applies its transpose as another convolution: Jᵀv is v "
                     "times the slopes, convolved with the flipped kernel.", 7.5,
                     shows=("The formula for Jᵀv as a convolution with the flipped kernel is written, with the note "
                            "that Jᵀ is never stored."))
        uncover(self, [[group]], self.rt(1.2), buff=style.VEIL_MARGIN)
        self.hold(5.5)

    def show_saliency(self) -> None:
        shown_before = {id(m) for m in self.grids[0]}
        cover(self, [[m for m in self.mobjects if id(m) not in shown_before]], self.rt(0.6),
              buff=style.VEIL_MARGIN_WIDE)
        i, j = self.pixel
        self.saliency = self.layer.saliency(self.x, self.pixel)
        self.shown_map = self.saliency
        self.current = self.pixel
        self.followers.refresh()
        self.window.become(self.window_box(self.pixel))
        self.out_box.move_to(self.cell_centre(1, i, j, 0))
        self.sal_head = MathTex(rf"\partial y_{{{i},{j}}} / \partial x = J^\top e_{{{i},{j}}}",
                                font_size=style.SMALL_SIZE, color=style.TEXT).move_to(self.row_head)
        self.grids = [[m for m in self.grids[0] if m is not self.row_head and m is not self.entry_rule]]
        self.sal_head.set_z_index(self.Z_STILL)
        big = np.unravel_index(np.argmax(np.abs(self.saliency)), self.saliency.shape)
        ch = f", channel {big[2] + 1}" if self.C > 1 else ""
        self.caption(f"Its row, Jᵀ times a one-hot vector, is the input-gradient map of that one output, what a "
                     f"saliency map shows: largest in size {self.saliency[big]:.2f}, at input row {big[0]}, column "
                     f"{big[1]}{ch}.", 8,
                     shows=("The grids return under the heading ∂y/∂x = Jᵀe for the chosen pixel, and the row grid, "
                            "that output's input-gradient map, is highlighted."))
        uncover(self, self.grids + [[self.sal_head]], self.rt(1.0), buff=style.VEIL_MARGIN)
        self.play(Indicate(self.row_cells, color=style.HIGHLIGHT, scale_factor=1.03), run_time=self.rt(1))
        self.hold(5)

    def sum_saliency(self) -> None:
        total = self.layer.total_saliency(self.x)
        self.total = total
        self.row_scale = max(float(np.abs(total).max()), 1e-9)
        sum_head = MathTex(r"\partial \textstyle\sum y / \partial x = J^\top \mathbf{1}", font_size=style.SMALL_SIZE,
                           color=style.TEXT).move_to(self.sal_head)
        every = VGroup(*[self.output_box((r, c), ch) for ch in range(self.C) for r in range(self.Ho)
                         for c in range(self.Wo)]).set_stroke(width=style.GUIDE_WIDTH)
        self.every_box = every
        big = np.unravel_index(np.argmax(np.abs(total)), total.shape)
        ch = f", channel {big[2] + 1}" if self.C > 1 else ""
        n_out = self.Ho * self.Wo * self.C
        self.caption(f"Summed over all {n_out} outputs, Jᵀ times a vector of ones is a single transposed convolution: "
                     f"the input-gradient map of the sum of y, largest in size {total[big]:.2f} at input row {big[0]}, "
                     f"column {big[1]}{ch}.", 10,
                     shows=("The window and the readouts fade, and the row grid changes to the sum over all outputs, "
                            "headed ∂Σy/∂x = Jᵀ1."))
        self.play(FadeOut(self.window), FadeOut(self.field_label), FadeOut(self.readout),
                  ReplacementTransform(self.out_box, every), ReplacementTransform(self.sal_head, sum_head),
                  run_time=self.rt(1))
        self.shown_map = total
        self.followers.play(self, run_time=self.rt(1))
        self.sum_head = sum_head
        self.hold(6)


__all__ = ["SpatialOutputs", "grid_path", "signed_rgb"]
