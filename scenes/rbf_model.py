"""Storyboard item 2: the model f = w^T phi and its derivative, from weighted features.

Every number drawn comes from ``jacobian_math``.

    .venv/bin/manim -pql scenes/rbf_model.py RBFModel
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Animation,
    AnimationGroup,
    Circle,
    Create,
    DecimalMatrix,
    Dot,
    FadeIn,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
    VMobject,
    Write,
    config,
    linear,
    there_and_back,
)

from jacobian_math.plotting import partial_sums
from jacobian_math.rbf import WeightedRBF
from scenes.kit import style
from scenes.kit.readouts import LiveDecimal, SignedDecimal
from scenes.kit.shapes import DashedCurve
from scenes.kit.text import caption_number
from scenes.rbf_panels import RBFPanelsScene, decimals_for_step, label_tex  # noqa: F401


class RBFModel(RBFPanelsScene):
    """f(x) = w^T phi(x) built from weighted bumps; f'(x) = w^T dphi/dx from weighted derivatives."""

    TITLE = "From features to a model"

    WEIGHT_TIME = 1.5
    SUM_STEP_TIME = 1.0  # per added term
    PROBE_TIME = 1.0
    SWEEP_OUT_TIME = 6.0
    SETTLE_TIME = 3.0
    HOLD_TIME = 2.0
    WEIGHTS_PER_ROW = 4  # more weights are shown in rows of this many
    PROBE_GAP = 0.7  # between the x0, f(x0) and f'(x0) readouts of the bottom readout line

    def construct(self) -> None:
        self.beat("title_card")
        self.title_card(self.TITLE)
        self.beat("show_weighted_bumps")
        self.build_figure()
        self.show_weighted_bumps()
        self.beat("add_up_model")
        self.add_up_model()
        self.beat("add_up_slope")
        self.add_up_slope()
        self.beat("show_tangent")
        self.show_tangent()
        self.beat("sweep_point")
        self.sweep_point()
        self.beat("settle")
        self.settle()

    def compute(self, x0: float) -> dict[str, np.ndarray]:
        wv, wd = self.model.weighted_values(x0)[0], self.model.weighted_derivatives(x0)[0]
        f, df = self.model(x0), self.model.derivative(x0)
        return {"x0": np.float64(x0), "wphi": wv, "wdphi": wd, "f": f, "df": df,
                "tangent": self.tangents_at(x0, f, df)}

    def build_figure(self) -> None:
        """Create every mobject (nothing is added to the scene); tests call this then :meth:`set_x0`."""
        basis = self.basis()
        self.model = WeightedRBF(basis, self.settings.rbf.weights)
        xs = self.x_samples()
        k = basis.k
        vals = np.hstack([basis.values(xs), partial_sums(self.model.weighted_values(xs))])
        ders = partial_sums(self.model.weighted_derivatives(xs))
        self.build_panels(np.hstack([vals, self.model.weighted_values(xs)]),
                          np.hstack([ders, self.model.weighted_derivatives(xs)]))
        colors = [style.basis_color(i) for i in range(k)]
        thin = style.CURVE_WIDTH - 1
        self.bumps = VGroup(*(self.plot(self.top, lambda x, i=i: basis.values(x)[:, i], colors[i], width=thin)
                              for i in range(k)))
        self.wbumps = VGroup(*(self.plot(self.top, lambda x, i=i: self.model.weighted_values(x)[:, i], colors[i],
                                         width=thin) for i in range(k)))
        self.wdbumps = VGroup(*(self.plot(self.bottom, lambda x, i=i: self.model.weighted_derivatives(x)[:, i],
                                          colors[i], dashed=True, width=thin) for i in range(k)))
        # partial sums S_j = sum_{i<=j} w_i phi_i: S_{k-1} is f
        self.f_steps = [self.plot(self.top, lambda x, j=j: partial_sums(self.model.weighted_values(x))[:, j],
                                  style.MODEL) for j in range(k)]
        self.df_steps = [self.plot(self.bottom, lambda x, j=j: partial_sums(self.model.weighted_derivatives(x))[:, j],
                                   style.MODEL) for j in range(k)]
        self.f_curve, self.df_curve = self.f_steps[-1], self.df_steps[-1]
        self.weights = self._weights(colors)
        self.f_formula, self.df_formula = self._formulas()
        self.term_dots = VGroup(*(self.make_dot(self.top, "wphi", i, colors[i], self.DOT_RADIUS * 0.8)
                                  for i in range(k)))
        self.dterm_dots = VGroup(*(self.make_dot(self.bottom, "wdphi", i, colors[i], self.DOT_RADIUS * 0.8)
                                   for i in range(k)))
        self.f_dot = self.follow(Dot(radius=self.DOT_RADIUS * 1.2, color=style.MODEL),
                                 lambda m, st: m.move_to(self.to_frame(self.top, st["x0"], st["f"][0])))
        self.df_dot = self.follow(Dot(radius=self.DOT_RADIUS * 1.2, color=style.MODEL),
                                  lambda m, st: m.move_to(self.to_frame(self.bottom, st["x0"], st["df"][0])))
        self.tangent = self.make_tangent(self.top, "tangent", 0, style.HIGHLIGHT)
        self.tangent.set_stroke(width=style.CURVE_WIDTH)
        self.readout = self._readout()

    def _weights(self, colors) -> VGroup:
        w = self.model.weights
        if len(w) <= self.WEIGHTS_PER_ROW:
            return self._weight_row(r"w =", w, colors)
        # more weights than fit one readable row: rows of WEIGHTS_PER_ROW, each named by its index range
        n = self.WEIGHTS_PER_ROW
        rows = [self._weight_row(rf"w_{{{i + 1}..{min(i + n, len(w))}}} =", w[i:i + n], colors[i:i + n])
                for i in range(0, len(w), n)]
        return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=style.ROW_GAP)

    @staticmethod
    def _weight_row(name: str, w, colors) -> VGroup:
        lhs = label_tex(name, style.MATRIX_SIZE)
        row = DecimalMatrix([list(map(float, w))], element_to_mobject_config={"num_decimal_places": 1},
                            h_buff=1.5, bracket_h_buff=0.15)
        row.scale(style.MATRIX_SIZE / 48)
        for i, entry in enumerate(row.get_entries()):
            entry.set_color(colors[i])
        return VGroup(lhs, row).arrange(RIGHT, buff=style.EQUATION_GAP)

    def _formulas(self) -> tuple[VGroup, VGroup]:
        half = self.PANEL_HEIGHT / 2
        f_eq = label_tex(r"f(x) = w^\top \phi(x) = \sum_i w_i\,\phi_i(x)", style.LABEL_SIZE)
        top = VGroup(self.weights, f_eq).arrange(DOWN, aligned_edge=LEFT, buff=style.BLOCK_GAP_WIDE)
        self.fit_side(top, self.TOP_PANEL_Y + half + 0.3, self.TOP_PANEL_Y - half)
        df_eq = label_tex(r"f'(x) = w^\top \frac{d\phi}{dx} = \sum_i w_i\,\phi_i'(x)", style.LABEL_SIZE)
        bottom = VGroup(df_eq)
        self.fit_side(bottom, self.BOTTOM_PANEL_Y + half, self.BOTTOM_PANEL_Y - half)
        return top, bottom

    def _readout(self) -> VGroup:
        st = self.state()
        size = style.MATRIX_SIZE
        x0_num = LiveDecimal(float(st["x0"]), num_decimal_places=2, font_size=size, color=style.HIGHLIGHT)
        f_num = SignedDecimal(float(st["f"][0]), num_decimal_places=2, font_size=size, color=style.MODEL)
        df_num = SignedDecimal(float(st["df"][0]), num_decimal_places=2, font_size=size, color=style.HIGHLIGHT)
        group = VGroup(
            VGroup(label_tex("x_0 =", size, style.HIGHLIGHT), x0_num).arrange(RIGHT, buff=style.KEY_GAP),
            VGroup(label_tex("f(x_0) =", size), f_num).arrange(RIGHT, buff=style.KEY_GAP),
            VGroup(label_tex(r"\text{slope of tangent} = f'(x_0) =", size, style.HIGHLIGHT), df_num)
            .arrange(RIGHT, buff=style.KEY_GAP),
        ).arrange(RIGHT, buff=self.PROBE_GAP)
        width = config.frame_width - 2 * style.FRAME_MARGIN
        if group.width > width:
            group.scale_to_fit_width(width)
        group.move_to([0, self.READOUT_Y, 0])
        self.readout_numbers = [self.readout_number("x0", None, x0_num), self.readout_number("f", 0, f_num),
                                self.readout_number("df", 0, df_num)]
        return group

    # --- beats -----------------------------------------------------------------------------------
    def show_weighted_bumps(self) -> None:
        k = self.model.basis.k
        self.caption("A model weights the features: each bump φᵢ is scaled by its weight wᵢ.",
                     self.WEIGHT_TIME * 2 + 1.0,
                     shows=("Axes and the bumps appear, the weights w are written beside them, and each bump is "
                            "stretched or flipped to its weighted shape."))
        self.play(Create(self.top), *(Create(b) for b in self.bumps), run_time=self.rt(self.WEIGHT_TIME))
        self.play(Write(self.weights), run_time=self.rt(1.0))
        self.play(*(ReplacementTransform(self.bumps[i], self.wbumps[i]) for i in range(k)),
                  run_time=self.rt(self.WEIGHT_TIME))

    def add_up_model(self) -> None:
        k = self.model.basis.k
        self.caption("Adding the weighted bumps one by one builds the model f(x) = wᵀφ(x).",
                     self.SUM_STEP_TIME * k + 1.5,
                     shows=("The formula is written; the weighted bumps are added one at a time into one thick curve, "
                            "the model f, and then fade back behind it."))
        self.play(Write(self.f_formula[1]), run_time=self.rt(1.0))
        self._add_up(self.wbumps, self.f_steps)

    def add_up_slope(self) -> None:
        k = self.model.basis.k
        self.caption("Its slope adds up the same way: f′(x) = wᵀ dφ/dx, the weighted derivatives.",
                     self.SUM_STEP_TIME * (k + 1) + 1.5,
                     shows=("A lower panel appears with the formula for f′; the weighted derivatives are drawn dashed "
                            "and added up into one thick curve, f′."))
        # the x numbers label the lower panel's axis: they come with it, not before it
        self.play(Create(self.bottom), FadeIn(self.x_numbers), FadeIn(self.x_label), Write(self.df_formula),
                  run_time=self.rt(1.0))
        self.play(*(Create(c, rate_func=linear) for c in self.wdbumps), run_time=self.rt(self.SUM_STEP_TIME))
        self._add_up(self.wdbumps, self.df_steps)

    def _add_up(self, terms: VGroup, steps: list[VMobject]) -> None:
        """Grow the running sum: a copy of term 0, then morph through S_1, ..., S_{k-1}."""
        # Manim redraws every frame all it holds from the first animated mobject on: with the terms
        # last (they overlap nothing added after them), the formulas stay in the cached background
        self.bring_to_front(terms)
        running = steps[0].copy()
        if isinstance(terms[0], DashedCurve):  # dashes do not morph well into a solid curve
            first = AnimationGroup(Create(running), self._flash(terms[0]))
        else:
            first = ReplacementTransform(terms[0].copy(), running)
        self.play(first, run_time=self.rt(self.SUM_STEP_TIME))
        for j in range(1, len(steps)):
            self.play(Transform(running, steps[j]), self._flash(terms[j]), run_time=self.rt(self.SUM_STEP_TIME))
        self.remove(running)
        self.add(steps[-1])
        self.play(terms.animate.set_stroke(opacity=0.45), run_time=self.rt(0.5))
        self.add(steps[-1])  # back on top: the sum is drawn above its dimmed terms in both panels

    @staticmethod
    def _flash(term: VMobject) -> Animation:
        """Thicken a term and back: 'this one is being added'."""
        return term.animate(rate_func=there_and_back).set_stroke(width=style.CURVE_WIDTH * 2)

    def show_tangent(self) -> None:
        self.caption("Check: a tangent on f at x₀ has slope f′(x₀), the height of the dot on f′ below.",
                     self.PROBE_TIME * 3,
                     shows=("A vertical line marks x₀; dots sit on every curve, a tangent line touches f, and a "
                            "readout shows x₀, f(x₀) and the tangent's slope."))
        self.play(Create(self.guide), FadeIn(self.x0_label), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.term_dots), FadeIn(self.dterm_dots), FadeIn(self.f_dot), FadeIn(self.df_dot),
                  Create(self.tangent), run_time=self.rt(self.PROBE_TIME))
        self.play(FadeIn(self.readout), run_time=self.rt(self.PROBE_TIME))

    def sweep_point(self) -> None:
        lo, hi = self.settings.rbf.x_range
        self.caption("Wherever x₀ goes, the tangent's slope is the sum of the weighted derivative dots.",
                     self.SWEEP_OUT_TIME,
                     shows=("The line slides along x; the tangent turns with f, the dots follow, and the readout "
                            "changes."))
        self.sweep_to(hi - self.SWEEP_MARGIN * (hi - lo), self.SWEEP_OUT_TIME, rate_func=linear)

    def settle(self) -> None:
        x_final = self.settings.rbf.x0_final
        k, slope = self.model.basis.k, float(self.model.derivative(x_final)[0])
        self.caption(f"At x₀ = {caption_number(x_final)}, f′(x₀) = wᵀ dφ/dx(x₀) = {caption_number(slope, 2)}: "
                     f"a 1 by {k} row times the {k} by 1 Jacobian column, one number.",
                     self.SETTLE_TIME + 1.5 + self.HOLD_TIME,
                     shows=("The line moves to its final x₀; rings circle the dots and a box frames the slope in the "
                            "readout."))
        self.sweep_to(x_final, self.SETTLE_TIME)
        rings = VGroup(*(Circle(radius=self.DOT_RADIUS * 2.6, color=style.HIGHLIGHT,
                                stroke_width=style.LINE_WIDTH).move_to(d)
                         for d in (self.f_dot, self.df_dot)))
        box = SurroundingRectangle(self.readout[2], color=style.HIGHLIGHT, buff=style.BOX_GAP,
                                   stroke_width=style.THIN_WIDTH)
        self.play(Create(rings), Create(box), run_time=self.rt(1.5))
        self.pause(self.HOLD_TIME)


__all__ = ["RBFModel"]
