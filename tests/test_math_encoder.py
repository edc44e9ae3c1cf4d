"""The encoder: its Jacobian against finite differences, singular directions against numpy.linalg.svd, and
the pull-back metric against the squared code change of a small step."""

from __future__ import annotations

import numpy as np
import pytest

from jacobian_math import (
    LinearLayer,
    MLInputError,
    numerical_jacobian,
    psd_ellipse,
    pullback_metric,
    singular_directions,
    tanh_encoder,
)

W = [[1.5, 0.8], [-0.6, 1.3], [0.9, -1.1]]
B = [0.1, -0.2, 0.3]
V = [[1.0, -0.8, 0.6]]
PTS = np.random.default_rng(4).uniform(-2, 2, size=(20, 2))


def _code(x):
    """z = v . tanh(W x + b), written out."""
    return np.tanh(np.asarray(x) @ np.array(W).T + B) @ np.array(V).T


def test_encoder_matches_the_formula_and_finite_differences() -> None:
    enc = tanh_encoder(W, B, V)
    np.testing.assert_allclose(enc(PTS), _code(PTS), rtol=1e-14)
    jac = enc.jacobian(PTS)
    assert jac.shape == (20, 1, 2)
    np.testing.assert_allclose(jac, numerical_jacobian(_code, PTS, 1e-6), atol=1e-9)


def test_linear_layer_jacobian_is_its_matrix_everywhere() -> None:
    layer = LinearLayer(np.array([[1.0, 2.0, 3.0]]), np.array([0.5]))
    x = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_allclose(layer.jacobian(x), numerical_jacobian(layer, x, 1e-6), atol=1e-9)
    np.testing.assert_allclose(layer(x)[:, 0], x[:, 0] + 2 * x[:, 1] + 3 * x[:, 2] + 0.5, rtol=1e-13)


def test_singular_directions_against_svd() -> None:
    enc = tanh_encoder(W, B, V)
    for x in PTS:
        jac = enc.jacobian(x)
        sigma, vecs = singular_directions(jac)
        _, s, vt = np.linalg.svd(jac)
        assert sigma.shape == (2,) and sigma[1] == 0.0  # one output: rank 1, a null direction everywhere
        assert sigma[0] == pytest.approx(s[0], rel=1e-12)
        assert abs(vecs[:, 0] @ vt[0]) == pytest.approx(1.0, rel=1e-12)  # amplified direction (either sign)
        assert np.linalg.norm(jac @ vecs[:, 1]) < 1e-12  # the null direction is ignored
        assert abs(vecs[:, 0] @ vecs[:, 1]) < 1e-12


def test_singular_directions_of_a_full_rank_map() -> None:
    jac = np.array([[2.0, 1.0], [0.5, -1.5], [0.3, 0.2]])
    sigma, vecs = singular_directions(jac)
    _, s, vt = np.linalg.svd(jac)
    np.testing.assert_allclose(sigma, s, rtol=1e-12)
    np.testing.assert_allclose(np.abs(np.sum(vecs.T * vt, axis=1)), 1.0, rtol=1e-12)


def test_pullback_metric_measures_the_code_change_of_a_small_step() -> None:
    enc = tanh_encoder(W, B, [[1.0, -0.8, 0.6], [0.2, 0.5, -1.0]])  # into R^2 as well
    h = 1e-5
    rng = np.random.default_rng(8)
    for x in PTS[:8]:
        g = pullback_metric(enc.jacobian(x))
        np.testing.assert_allclose(g, g.T, rtol=1e-14)
        for _ in range(3):
            d = rng.normal(size=2)
            moved = np.sum((enc(x + h * d) - enc(x - h * d)) ** 2) / (2 * h) ** 2  # |J d|^2 by differences
            assert d @ g @ d == pytest.approx(moved, rel=1e-7)


def test_metric_ellipse_of_a_rank_one_encoder_is_a_segment_of_half_length_sigma1() -> None:
    jac = tanh_encoder(W, B, V).jacobian(np.array([0.3, -0.2]))
    outline = psd_ellipse(pullback_metric(jac), [0.0, 0.0], scale=1.0, samples=64)
    s1 = np.linalg.svd(jac, compute_uv=False)[0]
    assert np.linalg.norm(outline, axis=1).max() == pytest.approx(s1, rel=1.3e-3)  # 64 samples: cos(pi / 64)
    assert np.linalg.norm(outline, axis=1).max() <= s1 * (1 + 1e-12)
    # every point lies on the line through 0 along the top right-singular vector
    v1 = np.linalg.svd(jac)[2][0]
    assert np.abs(outline @ np.array([-v1[1], v1[0]])).max() < 1e-12


def test_encoder_rejects_bad_shapes() -> None:
    with pytest.raises(MLInputError, match="one column per hidden unit"):
        tanh_encoder(W, B, [[1.0, 2.0]])
    with pytest.raises(MLInputError, match="one \\(d, n\\) matrix"):
        singular_directions(np.ones((3, 1, 2)))
