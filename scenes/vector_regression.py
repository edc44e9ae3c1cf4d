"""VectorRegression: a Gaussian cloud through y = tanh(Wx + b) against J Sigma J^T; Gauss-Newton against
gradient descent on a small least-squares fit.

Every number drawn comes from ``jacobian_math``; this module only places it on screen.

    .venv/bin/manim -pql scenes/vector_regression.py VectorRegression
"""

from __future__ import annotations

import numpy as np
from manim import *

from jacobian_math import (
    ExponentialFit,
    FitPath,
    Propagation,
    TanhLayer,
    contour_paths,
    descent_stability_limit,
    fit_view,
    gauss_newton,
    gradient_descent,
    level_values,
    propagate_cloud,
    psd_ellipse,
)
from jacobian_math.fields import lattice, nice_step, nice_ticks, union_box
from scenes.kit import style
from scenes.kit.panel import Panel
from scenes.kit.scene import LectureScene, cover, uncover
from scenes.kit.shapes import DashedCurve, dot_cloud


def _bounds(points: np.ndarray) -> tuple[float, float, float, float]:
    """Bounding box of ``points (..., 2)``; a side of (nearly) zero length, e.g. outputs all saturated at
    tanh = -1, is widened to 0.1 about its centre."""
    p = np.asarray(points, float).reshape(-1, 2)
    box = []
    for lo, hi in ((p[:, 0].min(), p[:, 0].max()), (p[:, 1].min(), p[:, 1].max())):
        if hi - lo < 1e-6 * (1 + abs(lo)):
            lo, hi = (lo + hi) / 2 - 0.05, (lo + hi) / 2 + 0.05
        box += [float(lo), float(hi)]
    return box[0], box[1], box[2], box[3]


def percent(x: float) -> str:
    """A relative error as a percentage: one decimal below 10 % (0.0054 -> '0.5 %'), whole percents above."""
    return f"{100 * x:.1f} %" if 100 * x < 9.95 else f"{100 * x:.0f} %"


class VectorRegression(LectureScene):
    """A cloud of inputs through a 2-D regression model, J Sigma J^T over the true images; then Gauss-Newton
    and gradient descent fitting y = a exp(b t)."""

    TITLE = "Vector-valued regression"
    K_SIGMA = 2.0  # ellipses are drawn at 2 standard deviations
    SIDE = 4.2  # panel size (scene units)
    PANEL_X = 3.4
    PANEL_Y = 0.35
    DOT = 0.022  # radius of a sample dot
    CLOSE = 0.1  # a mismatch up to this is called close
    FAR_FEWER = 10  # Gauss-Newton is called far faster when it needs this many times fewer steps
    CLOUD_VIEW_MARGIN = 0.06  # fit_view's margin (a fraction of the size) around the cloud panels' content
    THETA_VIEW_MARGIN = 0.12  # fit_view's margin (a fraction of the size) around the parameter plane's paths
    PANEL_ARROW_GAP = 0.15  # the arrow's ends from the two cloud panels' borders
    CLEAR_MARGIN = 0.3  # a veil clearing a whole cloud picture before the next, wider than style.VEIL_MARGIN
    AXES_HEAD_GAP = 0.3  # a plot's heading above its axes

    def construct(self) -> None:
        cfg = self.settings.regression
        self.model = TanhLayer(np.array(cfg.w), np.array(cfg.b))
        self.props = [propagate_cloud(self.model, cfg.mean, np.array(cov), cfg.samples, cfg.seed)
                      for cov in (cfg.cov_small, cfg.cov_large)]
        self.fit = ExponentialFit(np.array(cfg.t), np.array(cfg.y))
        self.gn = gauss_newton(self.fit, cfg.theta0, cfg.tol, cfg.max_steps)
        self.gd = gradient_descent(self.fit, cfg.theta0, cfg.learning_rate, cfg.tol, cfg.max_steps)
        self.beat("title_card")
        self.title_card(self.TITLE, "uncertainty through J, and Gauss–Newton steps")
        self.beat("show_cloud")
        self.show_cloud()
        self.beat("linearise_small")
        self.linearise_small()
        self.beat("grow_cloud")
        self.grow_cloud()
        self.beat("show_fit_problem")
        self.show_fit_problem()
        self.beat("race")
        self.race()

    # ------------------------------------------------------------------------- uncertainty

    def ellipses(self, prop: Propagation) -> tuple[np.ndarray, np.ndarray]:
        """Outlines (data units) of the K_SIGMA ellipses of J Sigma J^T at f(mean) and of the images' sample
        covariance at their sample mean."""
        return (psd_ellipse(prop.linear_cov, prop.centre, self.K_SIGMA),
                psd_ellipse(prop.sample_cov, prop.outputs.mean(axis=0), self.K_SIGMA))

    def _panels(self, k: int) -> list[Panel]:
        """Input and output panels fitted to cloud ``k``, its images and both ellipses."""
        prop, cov = self.props[k], (self.settings.regression.cov_small, self.settings.regression.cov_large)[k]
        inp = union_box(_bounds(prop.inputs), _bounds(psd_ellipse(np.array(cov), prop.inputs.mean(0), self.K_SIGMA)))
        out = union_box(_bounds(prop.outputs), *(_bounds(e) for e in self.ellipses(prop)))
        panels = []
        for j, (content, head) in enumerate(((inp, r"x \sim \mathcal{N}(\mu, \Sigma)"),
                                               (out, r"y = \tanh(Wx + b)"))):
            view = fit_view(content, self.SIDE, self.SIDE, margin=self.CLOUD_VIEW_MARGIN)
            x0, x1, y0, y1 = view.box
            panel = Panel(view.box, self.SIDE, head, step=nice_step(max(x1 - x0, y1 - y0), 4))
            panels.append(panel.place([(2 * j - 1) * self.PANEL_X, self.PANEL_Y, 0]))
        # the two titles on one line, above the taller panel (each sat just above its own panel)
        line = max(p.heading.get_bottom()[1] for p in panels)
        for p in panels:
            p.heading.shift((line - p.heading.get_bottom()[1]) * UP)
        return panels

    def _cloud_parts(self, k: int) -> dict:
        prop = self.props[k]
        panels = self._panels(k)
        cov = np.array((self.settings.regression.cov_small, self.settings.regression.cov_large)[k])
        linear, sampled = self.ellipses(prop)
        arrow = Arrow(panels[0].border.get_right(), panels[1].border.get_left(), buff=self.PANEL_ARROW_GAP,
                      color=style.MUTED,
                      stroke_width=style.LINE_WIDTH)
        return {
            "panels": panels, "arrow": arrow,
            "inputs": dot_cloud(panels[0].to_scene(prop.inputs), self.DOT, style.SAMPLES),
            "outputs": dot_cloud(panels[1].to_scene(prop.outputs), self.DOT, style.SAMPLES),
            "sigma": panels[0].polyline(psd_ellipse(cov, self.settings.regression.mean, self.K_SIGMA), closed=True,
                                        stroke_color=style.TEXT, stroke_width=style.OUTLINE_WIDTH),
            "linear": panels[1].polyline(linear, closed=True, stroke_color=style.LINEARISED,
                                         stroke_width=style.CURVE_WIDTH),
            "sampled": DashedCurve(panels[1].polyline(sampled, closed=True, stroke_color=style.TEXT,
                                                      stroke_width=style.OUTLINE_WIDTH),
                                   40, 0.55),
        }

    def _legend(self) -> VGroup:
        rows = VGroup(
            MathTex(rf"{self.K_SIGMA:g}\sigma \text{{ ellipses:}}", font_size=style.SMALL_SIZE),
            VGroup(Line(ORIGIN, 0.45 * RIGHT, color=style.LINEARISED, stroke_width=style.CURVE_WIDTH),
                   MathTex(r"J\Sigma J^\top\ (J \text{ at } \mu)", font_size=style.SMALL_SIZE)),
            VGroup(DashedLine(ORIGIN, 0.45 * RIGHT, color=style.TEXT, stroke_width=style.OUTLINE_WIDTH,
                              dash_length=0.08),
                   MathTex(r"\text{covariance of the samples}", font_size=style.SMALL_SIZE)),
        )
        for row in rows[1:]:
            row.arrange(RIGHT, buff=style.KEY_GAP)
        return rows.arrange(RIGHT, buff=style.SPREAD_GAP).to_edge(DOWN, buff=style.BOTTOM_MARGIN)

    def show_cloud(self) -> None:
        self.cloud = self._cloud_parts(0)
        self.clouds = [self.cloud]
        c = self.cloud
        self.caption("A model y = tanh(Wx + b) predicts two outputs from two features. Feed it a small Gaussian "
                     "cloud of inputs, covariance Σ: the samples land on a cloud of outputs.", 6,
                     shows=("Two panels linked by an arrow: a small cloud of input points with its covariance ellipse,"
                            " then the cloud carried through the model to the output panel."))
        uncover(self, [[p] for p in c["panels"]], self.rt(0.8), GrowArrow(c["arrow"]), buff=style.VEIL_MARGIN)
        self.play(FadeIn(c["inputs"]), Create(c["sigma"]), run_time=self.rt(1))
        self.play(TransformFromCopy(c["inputs"], c["outputs"]), run_time=self.rt(2))
        self.pause(2.2)

    def mismatches(self) -> tuple[float, float]:
        """Relative error of J Sigma J^T against the images' sample covariance (the two drawn ellipses): small
        cloud, large cloud."""
        return self.props[0].mismatch, self.props[1].mismatch

    def errors(self, k: int) -> str:
        """Which error is which, for cloud ``k``: J Sigma J^T and the samples' covariance, each against the true
        output covariance (quadrature)."""
        prop = self.props[k]
        return (f"J Σ Jᵀ is {percent(prop.linearisation_error)} off the true output covariance, the "
                f"{len(prop.inputs)} samples' covariance {percent(prop.sampling_error)} off it")

    def linearise_small(self) -> None:
        c = self.cloud
        self.legend = self._legend()
        small = self.mismatches()[0]
        verdict = "The two ellipses nearly coincide" if small <= self.CLOSE else "The two ellipses do not coincide"
        self.caption(f"Linearised at the mean, the outputs have covariance J Σ Jᵀ, drawn with the samples' "
                     f"covariance as {self.K_SIGMA:g}σ ellipses. {verdict}: {self.errors(0)}.", 6,
                     shows=("Around the output cloud two ellipses are drawn and keyed in a legend: a solid one from J "
                            "Σ Jᵀ and a dashed one, the covariance of the samples."))
        uncover(self, [[self.legend]], self.rt(0.6), Create(c["linear"]), buff=style.VEIL_MARGIN)
        self.play(Create(c["sampled"]), run_time=self.rt(1.2))
        self.pause(4.2)

    def grow_cloud(self) -> None:
        old = self.cloud
        self.cloud = c = self._cloud_parts(1)
        self.clouds.append(c)
        small, large = self.mismatches()
        verdict = "The ellipses now visibly differ" if large > max(2 * small, 2 * self.CLOSE) else "Now"
        self.caption(f"A wide cloud reaches where tanh bends, so the outputs stop looking Gaussian (panels "
                     f"rescaled). {verdict}: {self.errors(1)}.", 6,
                     shows=("The same two panels for a wider input cloud: its points, their images, and both ellipses "
                            "again."))
        cover(self, [[*old["panels"], old["inputs"], old["outputs"], old["sigma"], old["linear"], old["sampled"]]],
              self.rt(0.6), buff=self.CLEAR_MARGIN)
        uncover(self, [[p] for p in c["panels"]], self.rt(0.6), buff=style.VEIL_MARGIN)
        self.remove(old["arrow"])
        self.add(c["arrow"])
        self.play(FadeIn(c["inputs"]), Create(c["sigma"]), run_time=self.rt(0.8))
        self.play(TransformFromCopy(c["inputs"], c["outputs"]), run_time=self.rt(1.5))
        self.play(Create(c["linear"]), Create(c["sampled"]), run_time=self.rt(1))
        self.pause(1.5)

    # ------------------------------------------------------------------------- Gauss-Newton

    def _theta_view(self):
        paths = np.vstack([self.gn.thetas, self.gd.thetas])
        return fit_view(_bounds(paths), 4.2, 3.6, margin=self.THETA_VIEW_MARGIN)

    def show_fit_problem(self) -> None:
        t, y = self.fit.t, self.fit.y
        y_lo, y_hi = min(0.0, float(y.min())), float(y.max())
        t_step, y_step = nice_step(float(t.max() - t.min()), 4), nice_step(y_hi - y_lo, 4)
        self.data_axes = Axes(
            x_range=(float(np.floor(t.min() / t_step) * t_step), float(np.ceil(t.max() / t_step) * t_step), t_step),
            y_range=(float(np.floor(y_lo / y_step) * y_step), float(np.ceil(y_hi / y_step) * y_step), y_step),
            x_length=3.2, y_length=3.0, tips=False, axis_config={"color": style.AXIS, "stroke_width": style.THIN_WIDTH,
                                                                  "include_numbers": True,
                                                                  "font_size": style.KEY_SIZE},
        ).move_to([-4.7, 0.2, 0])
        self.data_dots = VGroup(*[Dot(self.data_axes.c2p(a, b), radius=0.06, color=style.TEXT)
                                  for a, b in zip(t, y, strict=True)])
        data_head = MathTex(r"\text{fit } y = a\,e^{bt}", font_size=style.LABEL_SIZE).next_to(self.data_axes, UP,
                                                                                                 buff=self.AXES_HEAD_GAP)
        view = self._theta_view()
        self.theta_panel = Panel(view.box, max(view.size), r"\tfrac12\|r(\theta)\|^2,\ \theta = (a, b)",
                                 step=nice_step(max(view.box[1] - view.box[0], view.box[3] - view.box[2]), 4))
        self.theta_panel.place([0.1, 0.2, 0])
        border = self.theta_panel.border
        self.theta_ticks = self._theta_ticks(view.box)
        a_ticks, b_ticks = self.theta_ticks
        b_label = MathTex("b", font_size=style.SMALL_SIZE).next_to(b_ticks, UP,
                                                                   buff=style.AXIS_LABEL_GAP).align_to(b_ticks, RIGHT)
        self.theta_panel.add(self.theta_ticks, b_label,
                             MathTex("a", font_size=style.SMALL_SIZE).next_to(a_ticks, DOWN, buff=style.MARK_LABEL_GAP)
                             .match_x(border))
        heading = self.theta_panel.heading  # over a narrow panel it would reach the b label: moved right of it
        heading.shift(max(0.0, b_label.get_right()[0] + 0.2 - heading.get_left()[0]) * RIGHT)
        xs, ys = lattice(view.box, 70)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1)
        with np.errstate(over="ignore"):
            log_loss = np.log10(np.minimum(self.fit.loss(grid), 1e300) + 1e-300)
        contours = VGroup()
        for level in level_values(log_loss, 7):
            for path in contour_paths(xs, ys, log_loss, level):
                if len(path) > 1:
                    contours.add(self.theta_panel.polyline(path, stroke_color=style.MUTED,
                                                           stroke_width=style.GUIDE_WIDTH,
                                                           stroke_opacity=0.8))
        self.contours = contours
        start = self.theta_panel.point(self.gn.thetas[0])
        self.start_dot = Dot(start, radius=0.07, color=style.TEXT)
        self.start_curve = self._curve(self.gn.thetas[0], style.MUTED)
        k = len(t)
        self.caption(f"Now fit {k} points with y = a·exp(bt). The residuals r(θ) = a·exp(btᵢ) − yᵢ depend on "
                     "θ = (a, b); J is their Jacobian, and the contours show the loss ½‖r‖².", 6,
                     shows=("Left, data points over t; right, a parameter plane with level curves of the loss and a "
                            "starting point, whose curve is drawn through the data."))
        c = self.cloud
        cover(self, [[*c["panels"], c["arrow"], c["inputs"], c["outputs"], c["sigma"], c["linear"], c["sampled"],
                      self.legend]], self.rt(0.6), buff=self.CLEAR_MARGIN)
        uncover(self, [[self.data_axes, data_head], [self.theta_panel]], self.rt(0.8), FadeIn(self.data_dots),
                buff=style.VEIL_MARGIN)
        self.play(Create(contours), FadeIn(self.start_dot), Create(self.start_curve), run_time=self.rt(1.5))
        self.pause(3.1)

    def _theta_ticks(self, box) -> VGroup:
        """Tick values of the (a, b) panel: a under its lower edge, b left of its left edge (3 to 5 each)."""
        x0, x1, y0, y1 = box
        panel, size = self.theta_panel, style.TINY_SIZE
        a_ticks = VGroup(*[MathTex(f"{t:g}", font_size=size, color=style.MUTED).next_to(
            panel.point((t, y0)), DOWN, buff=style.TICK_GAP) for t in nice_ticks(x0, x1, 4)])
        b_ticks = VGroup(*[MathTex(f"{t:g}", font_size=size, color=style.MUTED).next_to(
            panel.point((x0, t)), LEFT, buff=style.TICK_GAP) for t in nice_ticks(y0, y1, 4)])
        return VGroup(a_ticks, b_ticks)

    def _curve(self, theta: np.ndarray, color: ManimColor) -> VMobject:
        """The model curve a exp(b t) over the data axes, clipped to them."""
        t0, t1 = self.data_axes.x_range[:2]
        y0, y1 = self.data_axes.y_range[:2]
        ts = np.linspace(t0, t1, 80)
        with np.errstate(over="ignore"):
            ys = np.clip(self.fit.model(theta, ts), y0, y1)
        return VMobject(stroke_color=color, stroke_width=style.LINE_WIDTH).set_points_as_corners(
            [self.data_axes.c2p(a, b) for a, b in zip(ts, ys, strict=True)])

    def _residual_axes(self) -> Axes:
        norms = np.concatenate([self.gn.residual_norms, self.gd.residual_norms])
        lo, hi = float(np.floor(np.log10(norms.min()))), float(np.ceil(np.log10(norms.max())))
        decades = float(max(1.0, np.ceil((hi - lo) / 5)))  # at most 6 labelled decades (a diverging fit spans 30)
        hi = lo + decades * max(1.0, np.ceil((hi - lo) / decades))
        steps = max(self.gn.steps, self.gd.steps) + 1
        return Axes(
            x_range=(0, max(1, int(np.ceil(np.log10(steps)))), 1), y_range=(int(lo), int(hi), int(decades)),
            x_length=3.2, y_length=3.0, tips=False,
            x_axis_config={"scaling": LogBase(custom_labels=True), "include_numbers": True,
                           "font_size": style.KEY_SIZE},
            y_axis_config={"scaling": LogBase(custom_labels=True), "include_numbers": True,
                           "font_size": style.KEY_SIZE},
            axis_config={"color": style.AXIS, "stroke_width": style.THIN_WIDTH},
        ).move_to([4.6, 0.2, 0])

    def residual_curve(self, path: FitPath, color: ManimColor) -> VMobject:
        """||r|| against step k + 1 on the log-log residual axes."""
        pts = [self.res_axes.c2p(k + 1, r) for k, r in enumerate(path.residual_norms)]
        if len(pts) == 1:
            pts = pts * 2
        return VMobject(stroke_color=color, stroke_width=style.LINE_WIDTH).set_points_as_corners(pts)

    @staticmethod
    def outcome(name: str, path: FitPath, max_steps: int) -> str:
        if path.converged:
            return f"{name} {path.steps} step{'s' if path.steps != 1 else ''}"
        if path.steps >= max_steps:
            return f"{name} not within {max_steps} steps"
        return f"{name} stalls after {path.steps} step{'s' if path.steps != 1 else ''}"

    def stability_limit(self) -> float | None:
        """2 / lambda_max of the loss Hessian at the fit (the converged end of Gauss-Newton, else of gradient
        descent): the step sizes eta below it let gradient descent settle there.  None without a fit."""
        fitted = next((p.thetas[-1] for p in (self.gn, self.gd) if p.converged), None)
        return None if fitted is None else descent_stability_limit(self.fit, fitted)

    def race_caption(self) -> str:
        cfg = self.settings.regression
        eta = cfg.learning_rate
        counts = (f"{self.outcome('Gauss–Newton', self.gn, cfg.max_steps)}, "
                  f"{self.outcome('gradient descent', self.gd, cfg.max_steps)}")
        far = self.gn.converged and (not self.gd.converged or self.gd.steps >= self.FAR_FEWER * max(self.gn.steps, 1))
        tail = ": far fewer for Gauss–Newton." if far else "."
        limit = self.stability_limit()
        if limit is None:
            rate = f"η = {eta:g}"
        else:
            side = "below" if eta < limit else "above"
            rate = (f"η = {eta:g}, {side} its stability limit 2/λₘₐₓ = {limit:.2g} at the fit (λₘₐₓ the loss "
                    "Hessian's largest eigenvalue)")
        return (f"Gauss–Newton steps by −(JᵀJ)⁻¹Jᵀr, gradient descent by −η Jᵀr with {rate}. Until "
                f"‖Jᵀr‖ < {cfg.tol:g}: {counts}{tail}")

    def race(self) -> None:
        panel = self.theta_panel
        self.res_axes = self._residual_axes()
        labels = VGroup(MathTex(r"\text{step } k + 1", font_size=style.SMALL_SIZE).next_to(self.res_axes, DOWN,
                                                                                            buff=style.LABEL_GAP),
                        MathTex(r"\|r\|", font_size=style.SMALL_SIZE).next_to(self.res_axes, UP,
                                                                              buff=self.AXES_HEAD_GAP))
        self.gd_path = panel.polyline(self.gd.thetas, stroke_color=style.DESCENT, stroke_width=style.LINE_WIDTH)
        self.gn_path = panel.polyline(self.gn.thetas, stroke_color=style.GAUSS_NEWTON, stroke_width=style.CURVE_WIDTH)
        self.gn_dots = VGroup(*[Dot(panel.point(th), radius=0.06, color=style.GAUSS_NEWTON)
                                for th in self.gn.thetas[1:]])
        self.gd_curve = self.residual_curve(self.gd, style.DESCENT)
        self.gn_curve = self.residual_curve(self.gn, style.GAUSS_NEWTON)
        # Gauss-Newton is keyed by its dots as well as its colour (WCAG 1.4.1): on its path, its residual curve
        # and its key swatch
        self.gn_res_dots = VGroup(*[Dot(self.res_axes.c2p(k + 1, r), radius=0.05, color=style.GAUSS_NEWTON)
                                    for k, r in enumerate(self.gn.residual_norms)])
        key = VGroup(
            VGroup(VGroup(Line(ORIGIN, 0.45 * RIGHT, color=style.GAUSS_NEWTON, stroke_width=style.CURVE_WIDTH),
                          Dot(0.225 * RIGHT, radius=0.06, color=style.GAUSS_NEWTON)),
                   MathTex(r"\text{Gauss--Newton: } -(J^\top J)^{-1} J^\top r", font_size=style.SMALL_SIZE)),
            VGroup(Line(ORIGIN, 0.45 * RIGHT, color=style.DESCENT, stroke_width=style.LINE_WIDTH),
                   MathTex(r"\text{gradient descent: } -\eta\, J^\top r,\ \eta = "
                           + f"{self.settings.regression.learning_rate:g}", font_size=style.SMALL_SIZE)),
        )
        for row in key:
            row.arrange(RIGHT, buff=style.KEY_GAP)
        self.key = key.arrange(RIGHT, buff=style.SPREAD_GAP).to_edge(DOWN, buff=style.BOTTOM_MARGIN)
        best = self.gn if self.gn.converged or not self.gd.converged else self.gd
        self.gn_swatch = key[0][0]  # the key's Gauss-Newton line and dot
        self.gd_swatch = key[1][0]  # the key's gradient descent line
        self.fitted_curve = self._curve(best.thetas[-1], style.GAUSS_NEWTON if best is self.gn else style.DESCENT)
        self.caption(self.race_caption(), 7.5,
                     shows=("A key names the two methods; on the parameter plane gradient descent's path is drawn, "
                            "then Gauss–Newton's with a dot at each step; small axes plot each method's residual norm "
                            "over the steps, Gauss–Newton's again with dots, and the curve through the data "
                            "becomes the fitted one."))
        uncover(self, [[self.key], labels], self.rt(0.8), Create(self.res_axes), buff=style.VEIL_MARGIN)
        self.play(Create(self.gd_path), Create(self.gd_curve), run_time=self.rt(2), rate_func=linear)
        self.play(Create(self.gn_path), FadeIn(self.gn_dots), Create(self.gn_curve), FadeIn(self.gn_res_dots),
                  ReplacementTransform(self.start_curve, self.fitted_curve), run_time=self.rt(1.5))
        self.pause(3.2)


__all__ = ["VectorRegression"]
