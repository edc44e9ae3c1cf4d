"""jacobian_math.meta: the task loss, its gradient and Hessian, the inner step's Jacobian I - alpha H and
the MAML meta-gradient, each against finite differences of functions written out here."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jacobian_math import (
    InnerStep,
    MLInputError,
    TanhRegression,
    first_order_maml_gradient,
    maml_gradient,
    numerical_jacobian,
)

X, Y = np.array([-1.5, -0.5, 0.5, 1.5]), np.array([-0.9, -0.6, 0.2, 0.8])
XV, YV = np.array([-1.0, 0.0, 1.0]), np.array([-0.5, 0.3, 0.9])


def loss_by_hand(theta, x, y) -> float:
    """mean_k (tanh(a x_k + b) - y_k)^2 / 2, one example at a time."""
    a, b = theta
    return sum((np.tanh(a * xk + b) - yk) ** 2 for xk, yk in zip(x, y, strict=True)) / (2 * len(x))


def fd_gradient(fn, theta, h=1e-5) -> np.ndarray:
    theta = np.asarray(theta, float)
    return np.array([(fn(theta + h * e) - fn(theta - h * e)) / (2 * h) for e in np.eye(2)])


finite = st.floats(-2.0, 2.0)
thetas = st.tuples(finite, finite).map(np.array)


def test_loss_is_the_mean_squared_residual():
    task = TanhRegression(X, Y)
    theta = np.array([0.3, -0.6])
    assert task.loss(theta) == pytest.approx(loss_by_hand(theta, X, Y), rel=1e-12)
    np.testing.assert_allclose(task.predict(theta, X), np.tanh(0.3 * X - 0.6))


@given(thetas)
def test_gradient_and_hessian_against_finite_differences(theta):
    task = TanhRegression(X, Y)
    g = fd_gradient(lambda t: loss_by_hand(t, X, Y), theta)
    np.testing.assert_allclose(task.gradient(theta), g, atol=1e-8)
    hess = numerical_jacobian(lambda t: np.array(fd_gradient(lambda u: loss_by_hand(u, X, Y), t, 1e-4)),
                              theta, 1e-3)
    np.testing.assert_allclose(task.hessian(theta), hess, atol=1e-5)
    np.testing.assert_allclose(task.hessian(theta), task.hessian(theta).T)


def test_the_loss_is_not_quadratic_its_hessian_varies():
    task = TanhRegression(X, Y)
    h1, h2 = task.hessian(np.array([0.3, -0.6])), task.hessian(np.array([1.0, 0.4]))
    assert np.abs(h1 - h2).max() > 0.05


def test_vectorised_over_thetas():
    task = TanhRegression(X, Y)
    pts = np.array([[[0.3, -0.6], [1.0, 0.4]], [[-0.5, 0.2], [0.0, 0.0]]])
    assert task.loss(pts).shape == (2, 2) and task.gradient(pts).shape == (2, 2, 2)
    assert task.hessian(pts).shape == (2, 2, 2, 2)
    np.testing.assert_allclose(task.hessian(pts)[1, 0], task.hessian(pts[1, 0]))


@given(thetas, st.floats(0.05, 2.0))
def test_inner_step_and_its_jacobian(theta, alpha):
    step = InnerStep(TanhRegression(X, Y), alpha)

    def step_by_hand(t):
        return t - alpha * fd_gradient(lambda u: loss_by_hand(u, X, Y), t, 1e-5)

    np.testing.assert_allclose(step(theta), step_by_hand(theta), atol=1e-8)
    np.testing.assert_allclose(step.jacobian(theta), numerical_jacobian(step_by_hand, theta, 1e-3), atol=1e-5)
    # and against the step's own evaluation, by central differences
    np.testing.assert_allclose(step.jacobian(theta), numerical_jacobian(step, theta, 1e-6), atol=1e-7)


@given(thetas, st.floats(0.05, 2.0))
def test_meta_gradient_is_the_gradient_of_the_whole_function(theta, alpha):
    """theta -> L_val(theta - alpha grad L(theta)), every gradient in it by finite differences."""
    step = InnerStep(TanhRegression(X, Y), alpha)
    val = TanhRegression(XV, YV)

    def outer(t):
        inner = t - alpha * fd_gradient(lambda u: loss_by_hand(u, X, Y), t, 1e-5)
        return loss_by_hand(inner, XV, YV)

    np.testing.assert_allclose(maml_gradient(step, val, theta), fd_gradient(outer, theta, 1e-4), atol=2e-6)


def test_first_order_maml_is_the_validation_gradient_at_theta_prime():
    step = InnerStep(TanhRegression(X, Y), 0.8)
    val = TanhRegression(XV, YV)
    theta = np.array([0.3, -0.6])
    prime = theta - 0.8 * fd_gradient(lambda u: loss_by_hand(u, X, Y), theta)
    fo = first_order_maml_gradient(step, val, theta)
    np.testing.assert_allclose(fo, fd_gradient(lambda u: loss_by_hand(u, XV, YV), prime), atol=1e-8)
    # the two differ by the Hessian term - alpha H^T grad L_val(theta'), here by a lot
    full = maml_gradient(step, val, theta)
    assert np.linalg.norm(full - fo) > 0.1 * np.linalg.norm(full)


@pytest.mark.parametrize(("make", "needle"), [
    (lambda: TanhRegression([1.0, 2.0], [1.0]), "equal length"),
    (lambda: TanhRegression([[1.0, 2.0]], [[1.0, 2.0]]), "1-D"),
    (lambda: TanhRegression([1.0, np.nan], [1.0, 2.0]), "finite"),
    (lambda: InnerStep(TanhRegression(X, Y), 0.0), "alpha"),
    (lambda: InnerStep(TanhRegression(X, Y), float("inf")), "alpha"),
    (lambda: TanhRegression(X, Y).loss([1.0, 2.0, 3.0]), "theta"),
    (lambda: TanhRegression(X, Y).gradient(1.0), "theta"),
])
def test_bad_input_is_one_line(make, needle):
    with pytest.raises(MLInputError) as info:
        make()
    assert needle in str(info.value) and "\n" not in str(info.value)
