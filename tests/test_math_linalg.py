"""frobenius_norm, determinant, singular_values against numpy.linalg on single matrices and batches."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from jacobian_math import determinant, frobenius_norm, singular_values

EPS = np.finfo(float).eps

entries = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
batches = array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4).flatmap(
    lambda shape: arrays(float, (*shape, 2, 2), elements=entries)
)


def svd_reference(jac: np.ndarray) -> np.ndarray:
    return np.linalg.svd(jac, compute_uv=False)


def assert_singular_values_close(got: np.ndarray, ref: np.ndarray) -> None:
    """LAPACK's own accuracy: each singular value to a few eps times the largest."""
    err = np.abs(got - ref)
    tol = 16 * EPS * ref[..., :1]
    assert np.all(err <= tol), f"max error {np.max(err / np.maximum(tol, 1e-300))} tolerances; got {got}, svd {ref}"


@given(batches)
def test_frobenius_matches_numpy(jac):
    got = frobenius_norm(jac)
    assert got.shape == jac.shape[:-2]
    np.testing.assert_allclose(got, np.linalg.norm(jac, ord="fro", axis=(-2, -1)), rtol=1e-14, atol=0)


def exact_determinant(jac: np.ndarray) -> np.ndarray:
    """a d - b c in exact rational arithmetic, rounded once to float."""
    flat = jac.reshape(-1, 2, 2)
    out = [float(Fraction(a) * Fraction(d) - Fraction(b) * Fraction(c)) for (a, b), (c, d) in flat.tolist()]
    return np.array(out).reshape(jac.shape[:-2])


@example(np.array([[1.0, 0.0], [2.0, 5e-324]]))  # a subnormal determinant (numpy's LU gives 0)
@example(np.array([[1.11253693e-308, 3.0], [1.11253693e-308, 1.11253693e-308]]))  # subnormal entries
@given(batches)
def test_determinant_matches_numpy_and_exact_arithmetic(jac):
    got = determinant(jac)
    assert got.shape == jac.shape[:-2]
    # a d - b c in floating point: absolute error at most ~eps (|a d| + |b c|)
    size = np.abs(jac[..., 0, 0] * jac[..., 1, 1]) + np.abs(jac[..., 0, 1] * jac[..., 1, 0])
    # (+ up to half a subnormal spacing per product when a product underflows)
    assert np.all(np.abs(got - exact_determinant(jac)) <= 2 * EPS * size + np.finfo(float).smallest_subnormal)
    # numpy's LU determinant has its own rounding (log/exp of the pivots), so compare more loosely; it also
    # flushes subnormal results to 0 (e.g. [[1, 0], [2, 5e-324]]: exact 5e-324, numpy 0), hence a floor at
    # a floor far above the subnormal range: LAPACK also flushes subnormal *entries* (the fuzz profile found
    # [[1.1e-308, 3], [1.1e-308, 1.1e-308]]: exact -3.3e-308, numpy -0.0); the exact check above stays strict
    floor = 1e-300
    np.testing.assert_allclose(got, np.linalg.det(jac), rtol=1e-11, atol=1e-11 * np.max(size, initial=0.0) + floor)


@given(batches)
def test_singular_values_match_svd(jac):
    got = singular_values(jac)
    assert got.shape == (*jac.shape[:-2], 2)
    assert_singular_values_close(got, svd_reference(jac))
    assert np.all(got[..., 0] >= got[..., 1])
    assert np.all(got >= 0)


SPECIAL = {
    "zero": np.zeros((2, 2)),
    "identity": np.eye(2),
    "diagonal": np.diag([3.0, -0.25]),
    "diagonal-swapped": np.diag([0.5, 7.0]),
    "rank-one": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "near-singular": np.array([[1.0, 1.0], [1.0, 1.0 + 1e-10]]),
    "very-near-singular": np.array([[1e8, 1.0], [0.0, 1e-8]]),
    "rotation": np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]]),
    "scaled-rotation": 2.5 * np.array([[np.cos(2.0), -np.sin(2.0)], [np.sin(2.0), np.cos(2.0)]]),
    "shear": np.array([[1.0, 5.0], [0.0, 1.0]]),
    "page-at-origin": np.array([[0.0, -1.0], [1.0, 0.0]]),
    "page-at-1-1": np.array([[2.0, -1.0], [1.0, 2.0]]),
    "tiny": np.diag([1e-170, 3e-171]),
    "tiny-rank-one": np.array([[1e-170, 0.0], [0.0, 0.0]]),
    "huge": np.array([[1e160, 2e160], [-3e160, 1e159]]),
}


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special_matrices(name):
    jac = SPECIAL[name]
    assert_singular_values_close(singular_values(jac), svd_reference(jac))
    with np.errstate(over="ignore"):  # the huge matrix's determinant overflows to inf, as numpy's does
        assert determinant(jac) == pytest.approx(np.linalg.det(jac), rel=1e-9, abs=1e-300)
    if name != "huge":  # numpy's own norm overflows there
        assert frobenius_norm(jac) == pytest.approx(np.linalg.norm(jac, ord="fro"), rel=1e-14)


def test_closed_forms_for_diagonal_and_rotation():
    np.testing.assert_array_equal(singular_values(np.diag([3.0, -4.0])), [4.0, 3.0])
    theta = np.linspace(0, 2 * np.pi, 50)
    rot = np.stack([np.stack([np.cos(theta), -np.sin(theta)], -1), np.stack([np.sin(theta), np.cos(theta)], -1)], -2)
    # a rotation times 2 has both singular values exactly 2 -- the case where sqrt(F^4 - 4 det^2) loses half the digits
    np.testing.assert_allclose(singular_values(2 * rot), 2.0, rtol=4 * EPS)
    np.testing.assert_allclose(determinant(2 * rot), 4.0, rtol=4 * EPS)


def test_nearly_equal_singular_values_keep_full_precision():
    rng = np.random.default_rng(7)
    theta = rng.uniform(0, 2 * np.pi, 2000)
    rot = np.stack([np.stack([np.cos(theta), -np.sin(theta)], -1), np.stack([np.sin(theta), np.cos(theta)], -1)], -2)
    jac = rot * (1 + 1e-9 * rng.standard_normal(rot.shape))
    assert_singular_values_close(singular_values(jac), svd_reference(jac))


def test_batch_of_page_jacobians_and_broadcasting():
    xs, ys = np.meshgrid(np.linspace(-2, 2, 25), np.linspace(-2, 2, 25))
    jac = np.stack([np.stack([2 * xs, -np.ones_like(xs)], -1), np.stack([np.ones_like(xs), 2 * ys], -1)], -2)
    assert jac.shape == (25, 25, 2, 2)
    # page's formula: sqrt((2x)^2 + 1 + 1 + (2y)^2)
    np.testing.assert_allclose(frobenius_norm(jac), np.sqrt(4 * xs**2 + 4 * ys**2 + 2), rtol=1e-15)
    np.testing.assert_allclose(determinant(jac), 4 * xs * ys + 1, rtol=1e-14, atol=1e-15)
    assert_singular_values_close(singular_values(jac), svd_reference(jac))


def test_non_finite_entries_give_nan_not_garbage():
    jac = np.array([[[np.nan, 0.0], [0.0, 1.0]], [[np.inf, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])
    got = singular_values(jac)
    assert np.isnan(got[:2]).all()
    np.testing.assert_array_equal(got[2], [1.0, 1.0])


def test_integer_input():
    np.testing.assert_array_equal(singular_values(np.array([[0, 2], [3, 0]])), [3.0, 2.0])
    assert determinant(np.array([[1, 2], [3, 4]])) == -2


@pytest.mark.parametrize("shape", [(), (2,), (3, 3), (2, 3), (4, 2, 3), (2, 2, 1)])
@pytest.mark.parametrize("func", [frobenius_norm, determinant, singular_values])
def test_bad_shapes_raise_value_error_naming_the_shape(func, shape):
    with pytest.raises(ValueError, match=r"\(\.\.\., 2, 2\)") as info:
        func(np.zeros(shape))
    assert str(shape) in str(info.value)
