"""Scenes rendered by the benchmark (``manim <this file> <Scene>``), never part of the lecture.

* ``StaticFloor`` / ``SimpleFloor``: the floor.  A held picture (Manim writes one frozen frame
  ``BENCH_DURATION`` seconds long: the encoder's cost with nothing to draw) and one square moving
  for the same time.
* ``Ours*`` / ``Baseline*``: the three heavy constructs of the lecture, each built twice at the same
  resolution, duration and smoothness.  "Ours" is the project's own scene class, run up to the beat
  in a skipped section and then only the measured beat; "Baseline" shares the same static figure but
  draws the moving part the way the Manim docs teach (``always_redraw`` for every follower, a dense
  ``NumberPlane`` with ``prepare_for_nonlinear_transform`` + ``ApplyPointwiseFunction``, a grid of
  ``Square`` for the heatmap).

Parameters come from the environment (the benchmark sets them per render):
``BENCH_DURATION`` (s, floors), ``BENCH_TIMING_FILE`` (where the measured section's wall seconds
are appended as a JSON line), ``BENCH_GRID_STEP`` (grid spacing, plane units, grid constructs),
``BENCH_HEATMAP_SQUARES`` (squares per side of the baseline heatmap, default: the scene's raster).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import numpy as np
from manim import (
    LEFT,
    RIGHT,
    UP,
    ApplyPointwiseFunction,
    Circle,
    DecimalMatrix,
    DecimalNumber,
    Dot,
    FadeIn,
    ImageMobject,
    Line,
    MathTex,
    NumberPlane,
    Scene,
    Square,
    Text,
    Transform,
    ValueTracker,
    VGroup,
    always_redraw,
    config,
    linear,
    smooth,
)
from PIL import Image

from jacobian_math import frobenius_norm
from jacobian_math.fields import grid_lines, grid_step, pixel_centres, polyline_point
from scenes.grid_squares import GridSquaresUnderF
from scenes.heatmap import JacobianNormHeatmap
from scenes.kit import style
from scenes.kit.colormaps import colormap_rgb
from scenes.kit.shapes import bezier_path
from scenes.rbf_jacobian import RBFJacobian

SWEEP_TIME = RBFJacobian.SWEEP_OUT_TIME  # then RBFJacobian.SETTLE_TIME back to x0_final
MORPH_TIME = 3.0  # as GridSquaresUnderF.morph_grid
HEATMAP_FADE_TIME = 1.5  # as JacobianNormHeatmap.show_heatmap
PROBE_TIME = 3.0


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {raw!r}")
    return value


class _Timed:
    """Mixin: ``measure(fn)`` runs the measured beat and appends its wall seconds to ``BENCH_TIMING_FILE``."""

    def measure(self, fn: Callable[[], None]) -> None:
        t0 = time.perf_counter()
        fn()
        seconds = time.perf_counter() - t0
        path = os.environ.get("BENCH_TIMING_FILE")
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"scene": type(self).__name__, "section_s": seconds}) + "\n")


# ---------------------------------------------------------------- the floor


class StaticFloor(_Timed, Scene):
    """A held picture for ``BENCH_DURATION`` seconds: what the encoder costs with nothing to draw."""

    def construct(self) -> None:
        duration = _env_float("BENCH_DURATION", 10.0)
        self.add(Text("floor", font_size=style.TITLE_SIZE, color=style.TEXT),
                 Circle(radius=2.0, color=style.HIGHLIGHT))
        self.measure(lambda: self.wait(duration))


class SimpleFloor(_Timed, Scene):
    """One square moving and turning for ``BENCH_DURATION`` seconds: the cost of a single simple mobject."""

    def construct(self) -> None:
        duration = _env_float("BENCH_DURATION", 10.0)
        square = Square(1.5, color=style.HIGHLIGHT, fill_opacity=0.5).shift(4 * LEFT)
        self.add(square)
        self.measure(lambda: self.play(square.animate.shift(8 * RIGHT).rotate(np.pi), run_time=duration,
                                       rate_func=linear))


# ---------------------------------------------------------------- construct 1: the x0 sweep


class OursSweep(_Timed, RBFJacobian):
    """RBFJacobian up to the sweep (skipped), then its sweep and settle: followers move, never rebuild."""

    def setup_figure(self) -> None:
        self.next_section("setup", skip_animations=True)
        self.build_figure()
        self.show_bumps()
        self.beat()  # one caption per beat, as in the scene
        self.show_derivatives()
        self.beat()
        self.show_probe()
        self.beat()
        self.next_section("measured")

    def construct(self) -> None:
        self.setup_figure()
        self.measure(self.sweep)

    def sweep(self) -> None:
        self.sweep_point()
        self.sweep_to(self.settings.rbf.x0_final, self.SETTLE_TIME)


class BaselineSweep(OursSweep):
    """The same figure and sweep, every follower an ``always_redraw`` rebuilt each frame (the docs' way)."""

    def construct(self) -> None:
        self.setup_figure()
        self.measure(self.rebuild_followers_and_sweep)

    def rebuild_followers_and_sweep(self) -> None:
        self.remove(self.guide, self.x0_label, self.dots, self.ddots, self.tangents, self.readout)
        top, bottom, rbf, x0 = self.top, self.bottom, self.rbf, self.x0
        colors = [style.basis_color(i) for i in range(rbf.k)]
        label_y = self.x_numbers.get_bottom()[1] - 0.05

        def dot(axes, values, i: int) -> Dot:
            return always_redraw(lambda: Dot(axes.c2p(x0.get_value(), values(x0.get_value())[0, i]),
                                             radius=self.DOT_RADIUS, color=colors[i]))

        def tangent(i: int) -> Line:
            def make() -> Line:
                x = x0.get_value()
                ends = self.tangents_at(x, rbf.values(x)[0], rbf.derivatives(x)[0])[i]
                return Line(top.c2p(*ends[0]), top.c2p(*ends[1]), stroke_width=3,
                            color=self.tangents[i].get_color())
            return always_redraw(make)

        def readout() -> VGroup:
            x = x0.get_value()
            row = DecimalMatrix([rbf.derivatives(x)[0].tolist()], element_to_mobject_config={"num_decimal_places": 2},
                                h_buff=1.6, bracket_h_buff=0.15).scale(style.MATRIX_SIZE / 48)
            for i, entry in enumerate(row.get_entries()):
                entry.set_color(colors[i])
            group = VGroup(
                VGroup(MathTex("x_0 =", font_size=style.MATRIX_SIZE, color=style.HIGHLIGHT),
                       DecimalNumber(x, num_decimal_places=2, font_size=style.MATRIX_SIZE, color=style.HIGHLIGHT),
                       ).arrange(RIGHT, buff=0.15),
                VGroup(MathTex(r"\frac{d\phi}{dx}(x_0) =", font_size=style.MATRIX_SIZE, color=style.TEXT),
                       row).arrange(RIGHT, buff=0.2),
            ).arrange(RIGHT, buff=0.8)
            width = config.frame_width - 2 * style.FRAME_MARGIN
            if group.width > width:
                group.scale_to_fit_width(width)
            return group.move_to([0, self.READOUT_Y, 0])

        followers = [
            always_redraw(lambda: Line(top.c2p(x0.get_value(), top.y_range[1]),
                                       bottom.c2p(x0.get_value(), bottom.y_range[0]), color=style.HIGHLIGHT,
                                       stroke_width=style.THIN_WIDTH, stroke_opacity=0.7)),
            always_redraw(lambda: MathTex("x_0", font_size=style.SMALL_SIZE, color=style.HIGHLIGHT).move_to(
                [bottom.c2p(x0.get_value(), 0)[0], label_y, 0], UP)),
            *(dot(top, rbf.values, i) for i in range(rbf.k)),
            *(dot(bottom, rbf.derivatives, i) for i in range(rbf.k)),
            *(tangent(i) for i in range(rbf.k)),
            always_redraw(readout),
        ]
        self.add(*followers)
        self.sweep()


# ---------------------------------------------------------------- construct 2: the grid morph


class OursGridMorph(_Timed, GridSquaresUnderF):
    """GridSquaresUnderF's first beat (skipped), then only its grid morph: f sampled at the anchors of
    each line, smooth Bezier handles (``bezier_path``), one Transform."""

    def setup_figure(self) -> None:
        self.next_section("setup", skip_animations=True)
        self.prepare()
        step = os.environ.get("BENCH_GRID_STEP")
        if step is not None:
            self.source_lines = grid_lines(self.domain, _env_float("BENCH_GRID_STEP", 0.5), self.LINE_SAMPLES)
        self.show_domain_grid()
        self.remove(self.cells, self.dots, *self.e_arrows, self.legend_e)
        self.next_section("measured")

    def construct(self) -> None:
        self.setup_figure()
        self.measure(self.morph)

    def morph(self) -> None:
        target = VGroup(*(
            line.copy().set_points(bezier_path([self.to_frame(self.fmap(src))], smooth_handles=True))
            for line, src in zip(self.grid, self.source_lines, strict=True)))
        self.play(Transform(self.grid, target), run_time=self.rt(MORPH_TIME))


class BaselineGridMorph(OursGridMorph):
    """The same grid as a dense ``NumberPlane`` (``prepare_for_nonlinear_transform`` with as many
    curves per line as ours has) morphed by ``ApplyPointwiseFunction`` (the docs' way)."""

    def morph(self) -> None:
        self.remove(self.grid)
        x0, x1, y0, y1 = self.domain
        step = _env_float("BENCH_GRID_STEP", grid_step(self.domain, self.h))
        frame = self.to_frame
        eps = 1e-6 * step  # NumberPlane leaves out a line exactly at the end of its range
        line_style = {"stroke_color": style.MUTED, "stroke_width": style.THIN_WIDTH}
        plane = NumberPlane(x_range=(x0 - eps, x1 + eps, step), y_range=(y0 - eps, y1 + eps, step),
                            x_length=frame.unit * (x1 - x0 + 2 * eps), y_length=frame.unit * (y1 - y0 + 2 * eps),
                            background_line_style=line_style, faded_line_ratio=0)
        plane.remove(plane.x_axis, plane.y_axis)  # its background lines already include x = 0 and y = 0
        plane.move_to(frame(np.array([(x0 + x1) / 2, (y0 + y1) / 2])))
        plane.prepare_for_nonlinear_transform(self.LINE_SAMPLES - 1)
        origin, ex, ey = frame.origin, frame.ex, frame.ey
        inverse = np.linalg.inv(np.stack([ex[:2], ey[:2]], axis=1))
        fmap = self.fmap

        def f(point: np.ndarray) -> np.ndarray:
            xy = inverse @ (np.asarray(point)[:2] - origin[:2])
            return frame(fmap(xy))

        self.add(plane)
        self.play(ApplyPointwiseFunction(f, plane), run_time=self.rt(MORPH_TIME))


# ---------------------------------------------------------------- construct 3: the heatmap


class OursHeatmap(_Timed, JacobianNormHeatmap):
    """JacobianNormHeatmap's axes and colour bar (skipped), then: build the rasterised heatmap
    (one ImageMobject), fade it in, and move a probe dot over it."""

    def setup_figure(self) -> None:
        self.next_section("setup", skip_animations=True)
        self.prepare()
        self.show_heatmap()
        self.remove(self.heatmap)
        self.next_section("measured")

    def construct(self) -> None:
        self.setup_figure()
        self.measure(lambda: self.show_and_probe(self.build_heatmap()))

    def build_heatmap(self):
        x0, x1, y0, y1 = self.domain
        image = ImageMobject(colormap_rgb(self.norm_to_unit(self.norms), style.HEATMAP))
        image.stretch_to_fit_width(self.heatmap.width).stretch_to_fit_height(self.heatmap.height)
        image.move_to(self.to_frame(np.array([(x0 + x1) / 2, (y0 + y1) / 2])))
        image.set_resampling_algorithm(Image.Resampling.BILINEAR)
        return image

    def show_and_probe(self, heatmap) -> None:
        heatmap.set_z_index(-1)
        self.play(FadeIn(heatmap), run_time=self.rt(HEATMAP_FADE_TIME))
        s = ValueTracker(0.0)
        dot = Dot(radius=0.09, color=style.TEXT).set_stroke(style.BACKGROUND, 2)
        dot.add_updater(lambda m: m.move_to(self.to_frame(polyline_point(self.waypoints, s.get_value()))))
        self.add(dot)
        self.play(s.animate.set_value(1.0), run_time=self.rt(PROBE_TIME), rate_func=smooth)


class BaselineHeatmap(OursHeatmap):
    """The same heatmap as an n x n grid of filled ``Square`` s (n = the scene's raster size unless
    ``BENCH_HEATMAP_SQUARES`` is set), coloured from the same norm field."""

    def build_heatmap(self):
        x0, x1, y0, y1 = self.domain
        n = int(_env_float("BENCH_HEATMAP_SQUARES", float(self.RASTER)))
        centres = pixel_centres(self.domain, (n, n))  # (n, n, 2), rows from the top
        norms = frobenius_norm(self.fmap.jacobian(centres))
        colours = colormap_rgb(self.norm_to_unit(norms), style.HEATMAP)
        side = self.heatmap.width / n
        squares = VGroup()
        for r in range(n):
            for c in range(n):
                sq = Square(side_length=side, stroke_width=0, fill_opacity=1,
                            fill_color="#{:02X}{:02X}{:02X}".format(*colours[r, c]))
                squares.add(sq.move_to(self.to_frame(centres[r, c])))
        return squares


__all__ = [
    "BaselineGridMorph",
    "BaselineHeatmap",
    "BaselineSweep",
    "OursGridMorph",
    "OursHeatmap",
    "OursSweep",
    "SimpleFloor",
    "StaticFloor",
]
