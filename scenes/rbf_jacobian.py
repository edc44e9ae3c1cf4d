"""Storyboard item 1: radial basis function (RBF) features, their derivatives and the Jacobian at a moving x0.

phi maps a number x to k features, so its Jacobian dphi/dx(x0) is a k x 1 column; the readout shows it on its
side, as its transpose (a row), to fit the frame.

Every number drawn comes from ``jacobian_math``.

    .venv/bin/manim -pql scenes/rbf_jacobian.py RBFJacobian
"""

from __future__ import annotations

import numpy as np
from manim import (
    DL,
    DOWN,
    DR,
    LEFT,
    ORIGIN,
    RIGHT,
    UL,
    UP,
    WHITE,
    Create,
    DashedVMobject,
    DecimalMatrix,
    FadeIn,
    Indicate,
    Line,
    SurroundingRectangle,
    Triangle,
    VGroup,
    Write,
    config,
    interpolate_color,
    linear,
)

from jacobian_math.rbf import RBFBasis
from scenes.kit import style
from scenes.kit.readouts import LiveDecimal, SignedDecimal
from scenes.kit.text import caption_number, fmt_number, plain_text, subscript
from scenes.rbf_panels import RBFPanelsScene, decimals_for_step, label_tex  # noqa: F401


class RBFJacobian(RBFPanelsScene):
    """Three (or any number of) Gaussian bumps, their derivatives, and the Jacobian at a moving x0 (a k x 1
    column, shown transposed)."""

    TITLE = "RBF features and their Jacobian"
    SUBTITLE = "radial basis function (RBF) features: one Gaussian bump per centre"

    AXES_TIME = 1.0
    DRAW_TIME = 1.0  # per bump
    LEGEND_TIME = 0.8
    DERIVATIVE_TIME = 1.0  # per derivative curve
    PROBE_TIME = 1.0
    SWEEP_OUT_TIME = 6.0  # left to right across the domain
    SETTLE_TIME = 3.0  # back to x0_final
    HOLD_TIME = 2.0
    LEGEND_COLUMN_GAP = 0.35  # between the two columns of a long feature list
    PROBE_GAP = 0.8  # between the x0 readout and the Jacobian row of the bottom readout line

    def construct(self) -> None:
        self.beat("title_card")
        self.title_card(self.TITLE, self.SUBTITLE)
        self.beat("show_bumps")
        self.build_figure()
        self.show_bumps()
        self.beat("show_derivatives")
        self.show_derivatives()
        self.beat("show_probe")
        self.show_probe()
        self.beat("sweep_point")
        self.sweep_point()
        self.beat("settle")
        self.settle()

    # --- figure ----------------------------------------------------------------------------------
    def compute(self, x0: float) -> dict[str, np.ndarray]:
        vals, ders = self.rbf.values(x0)[0], self.rbf.derivatives(x0)[0]
        return {"x0": np.float64(x0), "phi": vals, "dphi": ders, "tangent": self.tangents_at(x0, vals, ders)}

    def build_figure(self) -> None:
        """Create every mobject (nothing is added to the scene); tests call this then :meth:`set_x0`."""
        self.rbf = self.basis()
        xs = self.x_samples()
        self.build_panels(self.rbf.values(xs), self.rbf.derivatives(xs))
        k, centers = self.rbf.k, self.rbf.centers
        colors = [style.basis_color(i) for i in range(k)]
        self.bumps = VGroup(*(self.plot(self.top, lambda x, i=i: self.rbf.values(x)[:, i], colors[i])
                              for i in range(k)))
        self.dbumps = VGroup(*(self.plot(self.bottom, lambda x, i=i: self.rbf.derivatives(x)[:, i], colors[i],
                                         dashed=True) for i in range(k)))
        lo, hi = self.settings.rbf.x_range
        visible = [i for i in range(k) if lo <= centers[i] <= hi]
        self.centre_marks = VGroup(*(
            Triangle(color=colors[i], fill_opacity=1, stroke_width=style.NO_STROKE).scale(0.07)
            .move_to(self.top.c2p(centers[i], 0), UP).shift(DOWN * 0.04) for i in visible))
        self.peak_labels = self._peak_labels(visible, colors)
        self.dpeak_labels = self._derivative_labels(colors)
        self.legend = self._legend(colors)
        self.formula = self._formula()
        self.dots = VGroup(*(self.make_dot(self.top, "phi", i, colors[i]) for i in range(k)))
        self.ddots = VGroup(*(self.make_dot(self.bottom, "dphi", i, colors[i]) for i in range(k)))
        self.tangents = VGroup(*(self.make_tangent(self.top, "tangent", i, interpolate_color(colors[i], WHITE, 0.5))
                                 for i in range(k)))
        self.readout = self._readout(colors)

    def _peak_labels(self, visible: list[int], colors) -> VGroup:
        # Tangents near a peak poke above it: lift the labels clear of the highest tangent end.
        xs = self.x_samples()
        one = RBFBasis([0.0], self.rbf.sigma)
        ends = self.tangents_at(xs, one.values(xs)[:, 0], one.derivatives(xs)[:, 0])
        lift = max(0.0, (ends[:, :, 1].max() - 1.0) * self.top.y_axis.get_unit_size()) + 0.08
        labels = VGroup()
        last_right, level = -np.inf, 0
        for i in sorted(visible, key=lambda j: self.rbf.centers[j]):
            label = label_tex(rf"\phi_{{{i + 1}}}", style.LABEL_SIZE, colors[i])
            # up and to the right of the peak: clear of the guide line and of every tangent
            label.move_to(self.top.c2p(self.rbf.centers[i], 1.0) + RIGHT * 0.1 + UP * lift, DL)
            level = level + 1 if label.get_left()[0] < last_right + 0.1 and level == 0 else 0
            label.shift(UP * 0.35 * level)
            last_right = label.get_right()[0]
            labels.add(label)
        return labels

    def _derivative_labels(self, colors) -> VGroup:
        """φᵢ′ beside each dashed derivative curve, at its top (x = cᵢ − σ, left of the top), or at its bottom
        (cᵢ + σ, right of it) when the top is outside the plot: which bump each curve derives from, said in
        words and not only by its colour (WCAG 1.4.1)."""
        lo, hi = self.settings.rbf.x_range
        sigma = self.rbf.sigma
        labels = VGroup()
        for i, c in enumerate(self.rbf.centers):
            for x, corner in ((c - sigma, DR), (c + sigma, UL)):
                if lo <= x <= hi:
                    y = float(self.rbf.derivatives(x)[0, i])
                    label = label_tex(rf"\phi_{{{i + 1}}}'", style.SMALL_SIZE, colors[i])
                    labels.add(label.move_to(self.bottom.c2p(x, y) + 0.06 * (LEFT + UP if corner is DR
                                                                             else RIGHT + DOWN), corner))
                    break
        return labels

    def _legend(self, colors) -> VGroup:
        sigma = fmt_number(self.rbf.sigma)
        head = label_tex(rf"\phi_i(x) = e^{{-(x-c_i)^2 / 2\sigma^2}},\ \ \sigma = {sigma}", style.SMALL_SIZE)
        rows = VGroup(*(
            VGroup(Line(LEFT * 0.22, RIGHT * 0.22, color=colors[i], stroke_width=style.CURVE_WIDTH),
                   label_tex(rf"\phi_{{{i + 1}}}:\ c_{{{i + 1}}} = {fmt_number(c)}", style.SMALL_SIZE)
                   ).arrange(RIGHT, buff=style.KEY_GAP)
            for i, c in enumerate(self.rbf.centers)))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=style.ROW_GAP)
        if self.rbf.k > 4:
            rows.arrange_in_grid(cols=2, col_alignments="ll", buff=(self.LEGEND_COLUMN_GAP, style.ROW_GAP),
                                 flow_order="dr")
        legend = VGroup(head, rows).arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP)
        half = self.PANEL_HEIGHT / 2
        return self.fit_side(legend, self.TOP_PANEL_Y + half + 0.3, self.TOP_PANEL_Y - half)

    def _formula(self) -> VGroup:
        head = VGroup(DashedVMobject(Line(LEFT * 0.25, RIGHT * 0.25, stroke_width=style.CURVE_WIDTH,
                                          color=style.TEXT), num_dashes=3),
                      plain_text("derivatives", font_size=style.SMALL_SIZE, color=style.TEXT)).arrange(RIGHT,
                                                                                                 buff=style.KEY_GAP)
        eq = label_tex(r"\phi_i'(x) = \phi_i(x)\,\frac{-(x-c_i)}{\sigma^2}", style.LABEL_SIZE)
        group = VGroup(head, eq).arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP)
        half = self.PANEL_HEIGHT / 2
        return self.fit_side(group, self.BOTTOM_PANEL_Y + half, self.BOTTOM_PANEL_Y - half)

    def _readout(self, colors) -> VGroup:
        st = self.state()
        x0_text = label_tex("x_0 =", style.MATRIX_SIZE, style.HIGHLIGHT)
        x0_num = LiveDecimal(float(st["x0"]), num_decimal_places=2, font_size=style.MATRIX_SIZE,
                               color=style.HIGHLIGHT)
        # dphi/dx(x0) is a k x 1 column; it is shown on its side, so the label says transpose
        lhs = label_tex(r"\frac{d\phi}{dx}(x_0)^{\top} =", style.MATRIX_SIZE)
        # size the brackets for the widest entry the sweep can show (negative, largest magnitude)
        widest = -float(np.abs(self.rbf.derivatives(self.x_samples())).max())
        row = DecimalMatrix([[widest] * self.rbf.k], element_to_mobject=SignedDecimal,
                            element_to_mobject_config={"num_decimal_places": 2},
                            h_buff=1.6, bracket_h_buff=0.15)
        row.scale(style.MATRIX_SIZE / 48)
        for i, entry in enumerate(row.get_entries()):
            entry.set_color(colors[i])
            entry.edge_to_fix = ORIGIN  # keep each entry centred in its column as its width changes
            entry.set_value(float(st["dphi"][i]))
        group = VGroup(VGroup(x0_text, x0_num).arrange(RIGHT, buff=style.KEY_GAP),
                       VGroup(lhs, row).arrange(RIGHT, buff=style.EQUATION_GAP))
        group.arrange(RIGHT, buff=self.PROBE_GAP)
        width = config.frame_width - 2 * style.FRAME_MARGIN
        if group.width > width:
            group.scale_to_fit_width(width)
        group.move_to([0, self.READOUT_Y, 0])
        self.readout_numbers = [self.readout_number("x0", None, x0_num)]
        self.readout_numbers += [self.readout_number("dphi", i, e) for i, e in enumerate(row.get_entries())]
        self.row = row
        self.row_label = lhs
        self.x0_number = x0_num
        return group

    # --- beats -----------------------------------------------------------------------------------
    def show_bumps(self) -> None:
        k = self.rbf.k
        self.caption(f"{k} Gaussian bumps φᵢ, one per centre cᵢ, map each number x to a feature vector φ(x) "
                     f"of {k} numbers.",
                     self.AXES_TIME + self.DRAW_TIME * self.rbf.k + self.LEGEND_TIME,
                     shows=("Axes appear; one bell-shaped curve per centre is drawn, each with a small triangle at its"
                            " centre and a φ label near its peak, and a legend lists the formula and the centres."))
        self.play(Create(self.top), run_time=self.rt(self.AXES_TIME))
        for i in range(self.rbf.k):
            anims = [Create(self.bumps[i])]
            if i < len(self.centre_marks):
                anims += [FadeIn(self.centre_marks[i], shift=UP * 0.1), Write(self.peak_labels[i])]
            self.play(*anims, FadeIn(self.legend[1][i]), run_time=self.rt(self.DRAW_TIME))
        self.play(Write(self.legend[0]), run_time=self.rt(self.LEGEND_TIME))

    def show_derivatives(self) -> None:
        self.caption("Below, dashed: their derivatives φᵢ′(x) = −φᵢ(x) (x − cᵢ)/σ².",
                     self.AXES_TIME + self.DERIVATIVE_TIME * self.rbf.k,
                     shows=("A second panel below holds the derivatives as dashed curves in the bumps' colours, each "
                            "named φᵢ′ beside it, and the derivative formula on the right."))
        # the x numbers label the lower panel's axis: they come with it, not before it
        self.play(Create(self.bottom), FadeIn(self.x_numbers), FadeIn(self.x_label), Write(self.formula),
                  run_time=self.rt(self.AXES_TIME))
        for i in range(self.rbf.k):
            extra = [FadeIn(self.dpeak_labels[i])] if i < len(self.dpeak_labels) else []
            self.play(Create(self.dbumps[i], rate_func=linear), *extra, run_time=self.rt(self.DERIVATIVE_TIME))

    def show_probe(self) -> None:
        self.caption("At a point x₀, each tangent's slope is the height of the matching dot below.",
                     self.PROBE_TIME * 4,
                     shows=("A vertical line marks x₀; dots sit on each bump and each dashed curve, short tangent "
                            "lines touch the bumps, and a readout shows x₀ and the row of derivatives."))
        self.play(Create(self.guide), FadeIn(self.x0_label), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.dots), FadeIn(self.ddots), Create(self.tangents), run_time=self.rt(self.PROBE_TIME))
        # each one in place (Indicate on the group would also spread them apart)
        self.play(*(Indicate(t, scale_factor=1.3) for t in self.tangents),
                  *(Indicate(d, scale_factor=1.6) for d in self.ddots), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.readout), run_time=self.rt(self.PROBE_TIME))

    def sweep_point(self) -> None:
        lo, hi = self.settings.rbf.x_range
        entries = ", ".join(f"φ{subscript(i + 1)}′" for i in range(self.rbf.k))
        k = self.rbf.k
        self.caption(f"As x₀ sweeps, the Jacobian dφ/dx(x₀) follows the slopes: a {k} by 1 column of "
                     f"{entries}, written on its side below as its transpose.", self.SWEEP_OUT_TIME,
                     shows=("The vertical line slides to the right; the dots, the tangents and the numbers in the row "
                            "follow it."))
        self.sweep_to(hi - self.SWEEP_MARGIN * (hi - lo), self.SWEEP_OUT_TIME, rate_func=linear)

    def settle_rings(self) -> VGroup:
        """The rings round the dots at x0 (one ring round dots that would share a place)."""
        return VGroup(*self.highlight_rings(self.dots, self.DOT_RADIUS * 2.4),
                      *self.highlight_rings(self.ddots, self.DOT_RADIUS * 2.4))

    def settle(self) -> None:
        x_final = self.settings.rbf.x0_final
        self.caption(f"At x₀ = {caption_number(x_final)}: the values φᵢ(x₀), the slopes φᵢ′(x₀), and the "
                     f"{self.rbf.k} by 1 Jacobian column they make, boxed as its transpose.",
                     self.SETTLE_TIME + 1.5 + self.HOLD_TIME,
                     shows="The line moves to its final x₀; rings circle every dot and a box frames the Jacobian row.")
        self.sweep_to(x_final, self.SETTLE_TIME)
        rings = self.settle_rings()
        box = SurroundingRectangle(self.row, color=style.HIGHLIGHT, buff=style.BOX_GAP, stroke_width=style.THIN_WIDTH)
        self.play(Create(rings), Create(box), *(d.animate.scale(1.4) for d in [*self.dots, *self.ddots]),
                  run_time=self.rt(1.5))
        self.pause(self.HOLD_TIME)


__all__ = ["RBFJacobian"]
