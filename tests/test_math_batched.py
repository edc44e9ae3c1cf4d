"""jacobian_math.batched: the batch Jacobian of a layer against an explicit loop over examples and against
finite differences of the flattened batch map; the mean-centred layer's off-diagonal blocks likewise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jacobian_math import (
    BatchLayer,
    MLInputError,
    TanhLayer,
    block_sizes,
    blocks,
    numerical_jacobian,
    off_diagonal_size,
    storage_sizes,
)

W = np.array([[1.2, -0.7], [0.5, 0.9]])
b = np.array([0.1, -0.2])
INPUTS = np.array([[0.5, -0.3], [-0.8, 0.6], [0.2, 1.0], [1.0, 0.4]])


def fd_batch_jacobian(layer: BatchLayer, X: np.ndarray) -> np.ndarray:
    """Finite differences of the flattened map vec(X) -> vec(Y)."""
    B, n = X.shape
    return numerical_jacobian(lambda v: layer(v.reshape(B, n)).ravel(), X.ravel(), 1e-6)


def loop_jacobian(X: np.ndarray, c: float) -> np.ndarray:
    """d y_ik / d x_jl for y_i = tanh(W (x_i - c mean(x)) + b), one entry at a time, written out."""
    B, n = X.shape
    m = W.shape[0]
    mean = X.mean(axis=0)
    out = np.zeros((B * m, B * n))
    for i in range(B):
        u = X[i] - c * mean
        for k in range(m):
            slope = 1 - np.tanh(sum(W[k, q] * u[q] for q in range(n)) + b[k]) ** 2
            for j in range(B):
                du = (1.0 if i == j else 0.0) - c / B  # d u_i / d x_j, per coordinate
                for l_ in range(n):
                    out[i * m + k, j * n + l_] = slope * W[k, l_] * du
    return out


@pytest.mark.parametrize("B", [1, 2, 3, 4])
def test_row_by_row_layer_is_block_diagonal(B):
    X = INPUTS[:B]
    layer = BatchLayer(TanhLayer(W, b))
    jac = layer.jacobian(X)
    assert jac.shape == (2 * B, 2 * B)
    np.testing.assert_allclose(jac, loop_jacobian(X, 0.0), atol=1e-14)
    np.testing.assert_allclose(jac, fd_batch_jacobian(layer, X), atol=1e-8)
    # the off-diagonal blocks are exactly zero, and the diagonal ones are the per-example Jacobians
    assert off_diagonal_size(jac, B) == 0.0
    per = layer.per_example_jacobian(X)
    assert per.shape == (B, 2, 2)
    for i in range(B):
        single = numerical_jacobian(lambda x: np.tanh(W @ x + b), X[i], 1e-6)
        np.testing.assert_allclose(blocks(jac, B)[i, i], single, atol=1e-8)
        np.testing.assert_allclose(per[i], single, atol=1e-8)


@pytest.mark.parametrize("B", [2, 3, 4])
@pytest.mark.parametrize("c", [1.0, 0.4])
def test_subtracting_the_batch_mean_fills_the_off_diagonal_blocks(B, c):
    X = INPUTS[:B]
    layer = BatchLayer(TanhLayer(W, b), c)
    jac = layer.jacobian(X)
    fd = fd_batch_jacobian(layer, X)
    np.testing.assert_allclose(jac, fd, atol=1e-8)
    np.testing.assert_allclose(jac, loop_jacobian(X, c), atol=1e-14)
    off = np.abs(blocks(fd, B))[~np.eye(B, dtype=bool)]
    assert off.max() > 0.05  # seen by finite differences alone
    assert off_diagonal_size(jac, B) == pytest.approx(off.max(), abs=1e-8)
    np.testing.assert_allclose(layer(X), np.tanh((X - c * X.mean(axis=0)) @ W.T + b))


@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), min_size=2, max_size=4),
       st.floats(0.0, 1.0))
def test_batch_jacobian_property(rows, c):
    X = np.array(rows)
    layer = BatchLayer(TanhLayer(W, b), c)
    np.testing.assert_allclose(layer.jacobian(X), fd_batch_jacobian(layer, X), atol=1e-7)


def test_block_sizes_and_storage():
    jac = np.arange(36.0).reshape(6, 6) - 18
    sizes = block_sizes(jac, 3)
    for i in range(3):
        for j in range(3):
            assert sizes[i, j] == np.abs(jac[2 * i:2 * i + 2, 2 * j:2 * j + 2]).max()
    assert storage_sizes(3, 2, 2) == (12, 36)
    assert storage_sizes(4, 2, 3) == (24, 96)


@pytest.mark.parametrize(("make", "needle"), [
    (lambda: BatchLayer(TanhLayer(W, b), 1.5), "centring"),
    (lambda: BatchLayer(TanhLayer(W, b), True), "centring"),
    (lambda: BatchLayer(TanhLayer(W, b)).jacobian(np.array([1.0, 2.0])), "at least 2"),
    (lambda: BatchLayer(TanhLayer(W, b)).jacobian(np.ones((2, 3))), "layer input"),
    (lambda: blocks(np.ones((6, 6)), 4), "dividing"),
    (lambda: storage_sizes(0, 2, 2), "batch"),
])
def test_bad_input_is_one_line(make, needle):
    with pytest.raises(MLInputError) as info:
        make()
    assert needle in str(info.value) and "\n" not in str(info.value)
