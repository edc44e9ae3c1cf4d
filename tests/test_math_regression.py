"""Vector regression: propagated covariances against seeded Monte Carlo (with its sampling-error bound),
residual Jacobians against finite differences, Gauss-Newton steps against numpy.linalg.lstsq, and the
convergence counts against plain loops written out here."""

from __future__ import annotations

import numpy as np
import pytest

from jacobian_math import (
    ExponentialFit,
    LinearLayer,
    MLInputError,
    TanhLayer,
    descent_stability_limit,
    gauss_newton,
    gauss_newton_step,
    gaussian_cloud,
    gaussian_output_moments,
    gradient_descent,
    gradient_step,
    numerical_jacobian,
    propagate_cloud,
    propagate_covariance,
    psd_axes,
    psd_ellipse,
    psd_sqrt,
    relative_error,
    sample_covariance,
)
from jacobian_settings import load_settings

COV = np.array([[0.5, 0.2], [0.2, 0.3]])


def _mc_bound(cov: np.ndarray, n: int, k: float = 5.0) -> np.ndarray:
    """k standard errors of each entry of a Gaussian sample covariance: sqrt((S_ii S_jj + S_ij^2) / (n - 1))."""
    d = np.diag(cov)
    return k * np.sqrt((np.outer(d, d) + cov**2) / (n - 1))


# ----------------------------------------------------------------------------- covariance


def test_propagated_covariance_of_an_affine_map_matches_monte_carlo_within_its_error() -> None:
    A = np.array([[1.5, -0.4], [0.3, 0.8], [0.2, 1.1]])
    n = 200_000
    x = np.random.default_rng(11).multivariate_normal([1.0, -2.0], COV, size=n)  # numpy's own sampler
    y = x @ A.T + 3.0
    expected = propagate_covariance(A, COV)
    assert expected.shape == (3, 3)
    assert (np.abs(np.cov(y.T) - expected) <= _mc_bound(expected, n)).all()


def test_propagated_covariance_of_a_tanh_layer_for_a_tiny_cloud() -> None:
    layer = TanhLayer(np.array([[1.4, -0.7], [0.6, 1.2]]), np.array([0.2, -0.1]))
    mean, cov = np.array([0.4, 0.3]), 1e-6 * COV
    n = 200_000
    y = layer(np.random.default_rng(5).multivariate_normal(mean, cov, size=n))
    jac = numerical_jacobian(layer, mean, 1e-6)
    linear = propagate_covariance(jac, cov)
    np.testing.assert_allclose(linear, jac @ cov @ jac.T, rtol=1e-12)
    # curvature adds O(|Sigma|^2) = 1e-12 here, far below the sampling error (about 1e-8)
    assert (np.abs(np.cov(y.T) - linear) <= _mc_bound(linear, n)).all()


def test_propagated_covariance_is_batched_over_jacobians() -> None:
    jacs = np.random.default_rng(2).normal(size=(4, 3, 2, 2))
    out = propagate_covariance(jacs, COV)
    assert out.shape == (4, 3, 2, 2)
    np.testing.assert_allclose(out[2, 1], jacs[2, 1] @ COV @ jacs[2, 1].T, rtol=1e-13)


def test_gaussian_cloud_is_seeded_and_has_the_asked_moments() -> None:
    a = gaussian_cloud([1.0, 2.0], COV, 100_000, 3)
    np.testing.assert_array_equal(a, gaussian_cloud([1.0, 2.0], COV, 100_000, 3))
    assert not np.array_equal(a, gaussian_cloud([1.0, 2.0], COV, 100_000, 4))
    assert (np.abs(np.cov(a.T) - COV) <= _mc_bound(COV, 100_000)).all()
    assert (np.abs(a.mean(axis=0) - [1.0, 2.0]) <= 5 * np.sqrt(np.diag(COV) / 100_000)).all()
    # the same seed, a covariance 4 times larger: the same points twice as far from the mean
    np.testing.assert_allclose(gaussian_cloud([1.0, 2.0], 4 * COV, 100_000, 3) - [1, 2], 2 * (a - [1, 2]),
                               rtol=1e-12, atol=1e-12)


def test_sample_covariance_is_numpys() -> None:
    pts = np.random.default_rng(1).normal(size=(50, 3))
    np.testing.assert_allclose(sample_covariance(pts), np.cov(pts.T), rtol=1e-13)


def test_relative_error_is_the_frobenius_ratio() -> None:
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 5.0]])
    assert relative_error(a, b) == pytest.approx(1 / np.sqrt(1 + 4 + 9 + 25), rel=1e-14)


def test_default_clouds_small_close_large_wrong() -> None:
    """The lecture's clouds: for the small one J Sigma J^T is within the Monte-Carlo error of the sample
    covariance; for the large one it is off by far more than that error."""
    cfg = load_settings().regression
    layer = TanhLayer(np.array(cfg.w), np.array(cfg.b))
    for cov, close in ((cfg.cov_small, True), (cfg.cov_large, False)):
        prop = propagate_cloud(layer, cfg.mean, np.array(cov), cfg.samples, cfg.seed)
        # independent: a large Monte-Carlo run with numpy's own sampler and the layer written out
        x = np.random.default_rng(99).multivariate_normal(cfg.mean, cov, size=400_000)
        truth = np.cov(np.tanh(x @ np.array(cfg.w).T + cfg.b).T)
        err = relative_error(prop.linear_cov, truth)
        assert prop.mismatch == pytest.approx(err, abs=4 / np.sqrt(cfg.samples))
        assert (err < 0.05) if close else (err > 0.3), err
        np.testing.assert_allclose(prop.centre, layer(np.array(cfg.mean)), rtol=1e-14)
        np.testing.assert_allclose(prop.sample_cov, np.cov(prop.outputs.T), rtol=1e-12)


# ----------------------------------------------------------------------------- PSD ellipses


def test_psd_axes_and_sqrt_against_svd() -> None:
    m = np.array([[2.0, 0.6, 0.1], [0.6, 1.0, -0.3], [0.1, -0.3, 0.5]])
    root, vecs = psd_axes(m)
    u, s, _ = np.linalg.svd(m)  # symmetric positive definite: singular values are the eigenvalues
    np.testing.assert_allclose(root, np.sqrt(s), rtol=1e-12)
    np.testing.assert_allclose(np.abs(np.sum(vecs * u, axis=0)), 1.0, rtol=1e-12)
    sq = psd_sqrt(m)
    np.testing.assert_allclose(sq @ sq, m, atol=1e-14)
    np.testing.assert_allclose(sq, sq.T, atol=1e-15)


def test_psd_ellipse_is_the_scaled_level_set() -> None:
    outline = psd_ellipse(COV, [1.0, -1.0], scale=2.0, samples=64)
    d = outline - [1.0, -1.0]
    np.testing.assert_allclose(np.einsum("ki,ki->k", d, np.linalg.solve(COV, d.T).T), 4.0, rtol=1e-12)
    assert np.linalg.norm(d, axis=1).max() == pytest.approx(2 * np.sqrt(np.linalg.eigvalsh(COV).max()), rel=1e-3)


def test_psd_rejects_asymmetric_and_indefinite() -> None:
    with pytest.raises(MLInputError, match="symmetric"):
        psd_axes(np.array([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(MLInputError, match="positive semi-definite"):
        psd_sqrt(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(MLInputError, match="covariance"):
        propagate_covariance(np.eye(2), np.eye(3))
    with pytest.raises(MLInputError, match="count"):
        gaussian_cloud([0.0, 0.0], COV, 1, 0)


# ----------------------------------------------------------------------------- Gauss-Newton

T = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
Y = np.array([1.05, 1.62, 2.51, 3.8, 5.95])


def test_residuals_and_jacobian_against_the_formula_and_finite_differences() -> None:
    fit = ExponentialFit(T, Y)
    theta = np.array([[1.3, 0.6], [0.4, -0.2], [2.0, 1.1]])
    np.testing.assert_allclose(fit(theta[0]), 1.3 * np.exp(0.6 * T) - Y, rtol=1e-14)
    np.testing.assert_allclose(fit.jacobian(theta), numerical_jacobian(fit, theta, 1e-6), atol=1e-7)
    assert fit.jacobian(theta).shape == (3, 5, 2)
    np.testing.assert_allclose(fit.loss(theta[0]), 0.5 * np.sum((1.3 * np.exp(0.6 * T) - Y) ** 2), rtol=1e-14)


def test_gauss_newton_step_is_the_least_squares_solution() -> None:
    fit = ExponentialFit(T, Y)
    for theta in ([1.3, 0.6], [2.5, 0.1], [0.5, 1.4]):
        j, r = fit.jacobian(np.array(theta)), fit(np.array(theta))
        np.testing.assert_allclose(gauss_newton_step(j, r), np.linalg.lstsq(j, -r, rcond=None)[0], rtol=1e-10)


def test_gradient_step_is_minus_rate_times_the_finite_difference_gradient() -> None:
    fit = ExponentialFit(T, Y)
    theta = np.array([1.3, 0.6])
    grad = numerical_jacobian(lambda th: np.atleast_1d(fit.loss(th)), theta, 1e-6)[0]
    np.testing.assert_allclose(gradient_step(fit.jacobian(theta), fit(theta), 0.01), -0.01 * grad, rtol=1e-7)


def _plain_loops(theta0, rate, tol, max_steps):
    """Gauss-Newton (lstsq) and gradient descent written out here with the closed-form residuals: the iterates."""
    def res(th):
        return th[0] * np.exp(th[1] * T) - Y

    def jac(th):
        e = np.exp(th[1] * T)
        return np.stack([e, th[0] * T * e], axis=1)

    out = []
    for method in ("gn", "gd"):
        th, path = np.array(theta0, float), [np.array(theta0, float)]
        while np.linalg.norm(jac(th).T @ res(th)) >= tol and len(path) - 1 < max_steps:
            step = np.linalg.lstsq(jac(th), -res(th), rcond=None)[0] if method == "gn" else -rate * jac(th).T @ res(th)
            th = th + step
            path.append(th)
        out.append(np.array(path))
    return out


def test_convergence_counts_match_plain_loops_and_gauss_newton_is_far_faster() -> None:
    fit = ExponentialFit(T, Y)
    gn, gd = gauss_newton(fit, [2.5, 0.1], 1e-3, 2000), gradient_descent(fit, [2.5, 0.1], 0.005, 1e-3, 2000)
    gn_loop, gd_loop = _plain_loops([2.5, 0.1], 0.005, 1e-3, 2000)
    assert gn.converged and gd.converged
    assert (gn.steps, gd.steps) == (len(gn_loop) - 1, len(gd_loop) - 1)
    np.testing.assert_allclose(gn.thetas, gn_loop, rtol=1e-9)
    np.testing.assert_allclose(gd.thetas, gd_loop, rtol=1e-9)
    assert gn.steps == 3 and gd.steps == 557  # measured
    # both stop at the same minimum, where the gradient J^T r is below tol
    np.testing.assert_allclose(gn.thetas[-1], gd.thetas[-1], atol=1e-3)
    np.testing.assert_allclose(gn.residual_norms, [np.linalg.norm(fit(t)) for t in gn.thetas], rtol=1e-14)
    assert gn.gradient_norms[-1] < 1e-3 <= gn.gradient_norms[-2]


def test_exact_data_gauss_newton_recovers_the_parameters() -> None:
    fit = ExponentialFit(T, 2.0 * np.exp(0.5 * T))
    path = gauss_newton(fit, [1.0, 0.2], 1e-10, 50)
    assert path.converged
    np.testing.assert_allclose(path.thetas[-1], [2.0, 0.5], rtol=1e-9)
    assert path.residual_norms[-1] < 1e-9


def test_iterations_stop_without_converging_when_they_cannot() -> None:
    fit = ExponentialFit(T, Y)
    stuck = gauss_newton(fit, [0.0, 0.3], 1e-3, 100)  # a = 0: the column d r / d b is zero, J^T J singular
    assert not stuck.converged and stuck.steps == 0
    wild = gradient_descent(fit, [2.5, 0.1], 5.0, 1e-3, 500)  # far too large a rate: overflows, kept finite
    assert not wild.converged and np.isfinite(wild.thetas).all()
    slow = gradient_descent(fit, [2.5, 0.1], 0.005, 1e-3, 20)
    assert not slow.converged and slow.steps == 20


def test_least_squares_rejects_bad_input() -> None:
    with pytest.raises(MLInputError, match="equal-length"):
        ExponentialFit(T, Y[:3])
    with pytest.raises(MLInputError, match="J \\(k, p\\) and r"):
        gauss_newton_step(np.ones((5, 2)), np.ones(4))
    with pytest.raises(MLInputError, match="rate"):
        gradient_descent(ExponentialFit(T, Y), [1.0, 0.5], -1.0, 1e-3, 10)
    with pytest.raises(MLInputError, match="max_steps"):
        gauss_newton(ExponentialFit(T, Y), [1.0, 0.5], 1e-3, 0)


# ----------------------------------------------------------------------------- the exact output covariance


def _lecture_layer():
    cfg = load_settings(None).regression
    return cfg, TanhLayer(np.array(cfg.w), np.array(cfg.b))


@pytest.mark.parametrize("which", ["cov_small", "cov_large"])
def test_output_moments_match_a_large_monte_carlo(which):
    cfg, layer = _lecture_layer()
    cov, mu = np.array(getattr(cfg, which)), np.array(cfg.mean)
    mean, out_cov = gaussian_output_moments(layer, mu, cov)
    # independent: two million seeded samples through a Cholesky factor, the layer written out
    x = mu + np.random.default_rng(11).standard_normal((2_000_000, 2)) @ np.linalg.cholesky(cov).T
    y = np.tanh(x @ np.array(cfg.w).T + cfg.b)
    mc_cov = np.cov(y.T)
    # the sample covariance's standard error is about sqrt((C_ii C_jj + C_ij^2) / k) per entry; 6 of them
    se = np.sqrt((np.outer(np.diag(mc_cov), np.diag(mc_cov)) + mc_cov**2) / len(y))
    assert np.all(np.abs(out_cov - mc_cov) < 6 * se), (out_cov, mc_cov, se)
    np.testing.assert_allclose(mean, y.mean(axis=0), atol=6 * np.sqrt(np.diag(mc_cov) / len(y)).max())
    # converged: twice the nodes change nothing visible
    np.testing.assert_allclose(gaussian_output_moments(layer, mu, cov, 96)[1], out_cov, atol=1e-10)


def test_output_moments_of_an_affine_map_are_exact():
    A, b = np.array([[1.5, -0.5], [0.25, 2.0], [1.0, 1.0]]), np.array([0.3, -0.2, 0.0])
    mean, cov = gaussian_output_moments(LinearLayer(A, b), [0.4, -1.0], COV, order=3)
    np.testing.assert_allclose(cov, A @ COV @ A.T, atol=1e-12)
    np.testing.assert_allclose(mean, A @ [0.4, -1.0] + b, atol=1e-12)


def test_output_moments_reject_bad_orders_and_dimensions():
    with pytest.raises(MLInputError, match="order"):
        gaussian_output_moments(TanhLayer(np.eye(2), np.zeros(2)), [0, 0], COV, order=1)
    with pytest.raises(MLInputError, match="at most 3"):
        gaussian_output_moments(TanhLayer(np.eye(4), np.zeros(4)), np.zeros(4), np.eye(4))


def test_propagation_separates_linearisation_from_sampling_error():
    cfg, layer = _lecture_layer()
    for cov in (cfg.cov_small, cfg.cov_large):
        prop = propagate_cloud(layer, cfg.mean, np.array(cov), cfg.samples, cfg.seed)
        np.testing.assert_allclose(prop.linearisation_error, relative_error(prop.linear_cov, prop.true_cov))
        np.testing.assert_allclose(prop.sampling_error, relative_error(prop.sample_cov, prop.true_cov))
        # Monte-Carlo noise of 1000 samples: of the order sqrt(2 / k), about 4.5 %, not far below or above
        assert 0.2 * np.sqrt(2 / cfg.samples) < prop.sampling_error < 3 * np.sqrt(2 / cfg.samples)
    small = propagate_cloud(layer, cfg.mean, np.array(cfg.cov_small), 1000, cfg.seed)
    # the small cloud: linearising costs well under 1 %, ten times less than the samples' own noise
    assert small.linearisation_error < 0.01 < small.sampling_error


# ----------------------------------------------------------------------------- gradient descent's step size


def test_loss_hessian_matches_differences_of_the_gradient():
    fit = ExponentialFit(np.array([0.0, 0.5, 1.0, 1.5, 2.0]), np.array([1.05, 1.62, 2.51, 3.8, 5.95]))
    for theta in ([2.5, 0.1], [1.04, 0.87], [-0.5, 1.3]):
        def grad(th):
            return fit.jacobian(th).T @ fit(th)
        numeric = numerical_jacobian(grad, np.array(theta, float), 1e-6)
        np.testing.assert_allclose(fit.loss_hessian(np.array(theta)), numeric, rtol=1e-6, atol=1e-6)


def test_descent_settles_below_the_stability_limit_and_not_above():
    cfg = load_settings(None).regression
    fit = ExponentialFit(np.array(cfg.t), np.array(cfg.y))
    best = gauss_newton(fit, cfg.theta0, 1e-10, 100).thetas[-1]
    limit = descent_stability_limit(fit, best)
    assert limit == pytest.approx(0.0086, abs=5e-5)
    assert cfg.learning_rate < limit  # the lecture's eta = 0.005 is inside, at 58 % of it
    start = best + [1e-3, -1e-3]
    for rate, settles in ((0.97 * limit, True), (1.03 * limit, False)):
        th = start.copy()
        for _ in range(3000):  # plain gradient descent, written out
            th = th - rate * fit.jacobian(th).T @ fit(th)
        assert (np.linalg.norm(th - best) < 1e-6) == settles, (rate, th)
    # not at a minimum (at theta = 0 the Hessian has eigenvalues -18.6 and 23.6): no limit
    assert descent_stability_limit(fit, [0.0, 0.0]) is None
