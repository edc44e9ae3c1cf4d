"""RBFBasis / WeightedRBF against the page's own formulas, finite differences and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jacobian_math import RBFBasis, WeightedRBF

PAGE_CENTERS = np.array([-2.0, 0.0, 2.0])
PAGE_SIGMA = 1.0


def page_phi(x: np.ndarray, centers: np.ndarray, sigma: float) -> np.ndarray:
    """phi_i(x) = exp(-(x - c_i)^2 / (2 sigma^2)), written out as on the page."""
    return np.exp(-((x[:, None] - centers[None, :]) ** 2) / (2 * sigma**2))


def page_dphi(x: np.ndarray, centers: np.ndarray, sigma: float) -> np.ndarray:
    """phi_i'(x) = phi_i(x) * (-(x - c_i) / sigma^2), as on the page."""
    return page_phi(x, centers, sigma) * (-(x[:, None] - centers[None, :]) / sigma**2)


centers_st = st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=8).map(np.array)
sigma_st = st.floats(0.05, 20.0, allow_nan=False)
xs_st = st.lists(st.floats(-15, 15, allow_nan=False), min_size=1, max_size=20).map(np.array)


def test_page_figure_values_at_x0_zero():
    basis = RBFBasis(PAGE_CENTERS, PAGE_SIGMA)
    phi0 = basis.values(0.0)[0]
    dphi0 = basis.derivatives(0.0)[0]
    # closed forms: phi(0) = (e^-2, 1, e^-2), phi'(0) = (-(0 - (-2)) e^-2, 0, -(0 - 2) e^-2)
    e2 = math.exp(-2.0)
    np.testing.assert_allclose(phi0, [e2, 1.0, e2], rtol=1e-15)
    np.testing.assert_allclose(dphi0, [-2 * e2, 0.0, 2 * e2], rtol=1e-15, atol=1e-300)


def test_page_grid_matches_page_code():
    x = np.linspace(-5, 5, 400)
    basis = RBFBasis(PAGE_CENTERS, PAGE_SIGMA)
    assert basis.values(x).shape == (400, 3)
    assert basis.derivatives(x).shape == (400, 3)
    np.testing.assert_allclose(basis.values(x), page_phi(x, PAGE_CENTERS, PAGE_SIGMA), rtol=1e-14)
    np.testing.assert_allclose(basis.derivatives(x), page_dphi(x, PAGE_CENTERS, PAGE_SIGMA), rtol=1e-13, atol=1e-300)


@given(centers_st, sigma_st, xs_st)
def test_values_and_derivatives_match_page_formulas(centers, sigma, x):
    basis = RBFBasis(centers, sigma)
    assert basis.k == len(centers)
    assert basis.values(x).shape == (len(x), len(centers))
    np.testing.assert_allclose(basis.values(x), page_phi(x, centers, sigma), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(basis.derivatives(x), page_dphi(x, centers, sigma), rtol=1e-12, atol=1e-300)


@given(centers_st, sigma_st, xs_st)
def test_derivatives_match_central_differences(centers, sigma, x):
    basis = RBFBasis(centers, sigma)
    h = 1e-6 * sigma
    fd = (basis.values(x + h) - basis.values(x - h)) / (2 * h)
    # |phi'| <= exp(-1/2)/sigma; the central-difference error is O(h^2 phi''') plus rounding ~ eps/h
    np.testing.assert_allclose(basis.derivatives(x), fd, atol=1e-7 / sigma + 1e-9)


@given(centers_st, sigma_st)
def test_closed_forms_at_special_points(centers, sigma):
    basis = RBFBasis(centers, sigma)
    k = len(centers)
    diag = np.arange(k)
    # phi_i(c_i) = 1 and phi_i'(c_i) = 0
    np.testing.assert_allclose(basis.values(centers)[diag, diag], np.ones(k), rtol=0, atol=1e-15)
    np.testing.assert_allclose(basis.derivatives(centers)[diag, diag], np.zeros(k), atol=1e-15)
    # phi_i'(c_i -+ sigma) = +- exp(-1/2) / sigma: the steepest points of each bump
    peak = math.exp(-0.5) / sigma
    np.testing.assert_allclose(basis.derivatives(centers - sigma)[diag, diag], np.full(k, peak), rtol=1e-12)
    np.testing.assert_allclose(basis.derivatives(centers + sigma)[diag, diag], np.full(k, -peak), rtol=1e-12)
    # and these are the extremes: |phi'| never exceeds exp(-1/2)/sigma anywhere
    x = np.linspace(centers.min() - 5 * sigma, centers.max() + 5 * sigma, 501)
    assert np.all(np.abs(basis.derivatives(x)) <= peak * (1 + 1e-12))


@given(centers_st, sigma_st, xs_st, st.data())
def test_model_is_weighted_sum(centers, sigma, x, data):
    weights = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=len(centers), max_size=len(centers))))
    basis = RBFBasis(centers, sigma)
    model = basis.model(weights)
    assert isinstance(model, WeightedRBF)
    phi, dphi = page_phi(x, centers, sigma), page_dphi(x, centers, sigma)
    expected = sum(w * phi[:, i] for i, w in enumerate(weights))
    expected_slope = sum(w * dphi[:, i] for i, w in enumerate(weights))
    assert model(x).shape == (len(x),)
    np.testing.assert_allclose(model(x), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.derivative(x), expected_slope, rtol=1e-12, atol=1e-12 / sigma)
    np.testing.assert_allclose(model.weighted_values(x).sum(axis=1), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.weighted_derivatives(x).sum(axis=1), expected_slope, rtol=1e-12, atol=1e-11)
    h = 1e-6 * sigma
    fd = (model(x + h) - model(x - h)) / (2 * h)
    np.testing.assert_allclose(model.derivative(x), fd, atol=(1e-7 / sigma + 1e-9) * (1 + np.abs(weights).sum()))


def test_scalar_and_list_inputs():
    basis = RBFBasis([-2, 0, 2], 1)
    assert basis.values(0.5).shape == (1, 3)
    np.testing.assert_allclose(basis.values([0.5, 1.0]), page_phi(np.array([0.5, 1.0]), PAGE_CENTERS, 1.0))


@pytest.mark.parametrize(
    ("centers", "sigma", "needle"),
    [
        ([0.0], 0.0, "sigma"),
        ([0.0], -1.0, "-1.0"),
        ([0.0], float("nan"), "nan"),
        ([0.0], float("inf"), "inf"),
        ([], 1.0, "centers"),
        ([0.0, float("nan")], 1.0, "nan"),
        ([0.0, float("inf")], 1.0, "inf"),
        ([[0.0, 1.0], [2.0, 3.0]], 1.0, "[[0.0, 1.0], [2.0, 3.0]]"),
        (5.0, 1.0, "5.0"),
        ([0.0], None, "None"),
        ([0.0], "1.0", "'1.0'"),
        ([0.0], True, "True"),
    ],
)
def test_invalid_basis_arguments(centers, sigma, needle):
    with pytest.raises(ValueError, match="must be") as info:
        RBFBasis(centers, sigma)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("weights", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], [[1.0, 2.0, 3.0]], [1.0, float("nan"), 0.0]])
def test_invalid_weights(weights):
    with pytest.raises(ValueError, match="weights") as info:
        RBFBasis(PAGE_CENTERS, 1.0).model(weights)
    assert repr(weights) in str(info.value) or "nan" in str(info.value)


@pytest.mark.parametrize("x", [[[0.0, 1.0]], [0.0, float("nan")], [float("inf")]])
def test_invalid_x(x):
    with pytest.raises(ValueError, match="x must"):
        RBFBasis(PAGE_CENTERS, 1.0).values(x)
