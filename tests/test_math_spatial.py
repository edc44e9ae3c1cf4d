"""jacobian_math.spatial: the image-to-image layer's Jacobian against finite differences of the layer and an
explicit loop over pixels written out from the definition of a convolution; J^T v (the transposed convolution)
against J.T @ v; the receptive-field zero pattern, the band and the block-Toeplitz structure; the counts by
brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jacobian_math import ConvLayer, MLInputError, conv_counts, numerical_jacobian, sample_image

KERNEL = np.array([[0.3, -0.2, 0.1], [0.5, 0.8, -0.4], [0.1, 0.3, -0.2]])  # not symmetric: a flip shows


def loop_layer(x: np.ndarray, K: np.ndarray, b: np.ndarray, act: str, padding: str) -> np.ndarray:
    """y[i, j, o] = act(b[o] + sum K[a, b, c, o] x[i + a - p, j + b - p, c]), one output at a time, x zero
    outside the image."""
    H, W, ci = x.shape
    k, co = K.shape[0], K.shape[3]
    p = (k - 1) // 2 if padding == "same" else 0
    Ho, Wo = (H, W) if padding == "same" else (H - k + 1, W - k + 1)
    y = np.zeros((Ho, Wo, co))
    for i in range(Ho):
        for j in range(Wo):
            for o in range(co):
                z = b[o]
                for a in range(k):
                    for bb in range(k):
                        u, v = i + a - p, j + bb - p
                        if 0 <= u < H and 0 <= v < W:
                            z += sum(K[a, bb, c, o] * x[u, v, c] for c in range(ci))
                y[i, j, o] = {"tanh": np.tanh(z), "relu": max(z, 0.0), "identity": z}[act]
    return y


def loop_jacobian(x: np.ndarray, K: np.ndarray, b: np.ndarray, act: str, padding: str) -> np.ndarray:
    """d y[i, j, o] / d x[u, v, c], one entry at a time: K[u - i + p, v - j + p, c, o] act'(z[i, j, o]) when
    (u, v) is in the window, else 0; rows (i, j, o) and columns (u, v, c) in row-major order."""
    H, W, ci = x.shape
    k, co = K.shape[0], K.shape[3]
    p = (k - 1) // 2 if padding == "same" else 0
    z = loop_layer(x, K, b, "identity", padding)
    Ho, Wo = z.shape[:2]
    J = np.zeros((Ho * Wo * co, H * W * ci))
    for i in range(Ho):
        for j in range(Wo):
            for o in range(co):
                slope = {"tanh": 1 - np.tanh(z[i, j, o]) ** 2, "relu": float(z[i, j, o] > 0), "identity": 1.0}[act]
                for u in range(H):
                    for v in range(W):
                        for c in range(ci):
                            a, bb = u - i + p, v - j + p
                            if 0 <= a < k and 0 <= bb < k:
                                J[(i * Wo + j) * co + o, (u * W + v) * ci + c] = K[a, bb, c, o] * slope
    return J


def random_case(seed: int, H: int, W: int, ci: int, co: int, k: int):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1, 1, (H, W, ci)), rng.uniform(-1, 1, (k, k, ci, co)), rng.uniform(-0.5, 0.5, co))


CASES = [(6, 6, 1, 1, 3, "same"), (5, 5, 2, 2, 3, "same"), (5, 7, 2, 3, 3, "valid"), (6, 5, 1, 2, 5, "same"),
         (4, 4, 1, 1, 1, "valid"), (3, 3, 2, 1, 3, "valid")]


@pytest.mark.parametrize(("H", "W", "ci", "co", "k", "padding"), CASES)
@pytest.mark.parametrize("act", ["tanh", "relu", "identity"])
def test_layer_and_jacobian_equal_the_loop_and_finite_differences(H, W, ci, co, k, padding, act):
    x, K, b = random_case(H * 100 + k, H, W, ci, co, k)
    layer = ConvLayer(K, b, act, padding)
    np.testing.assert_allclose(layer(x), loop_layer(x, K, b, act, padding), atol=1e-12)
    J = layer.jacobian(x)
    np.testing.assert_allclose(J, loop_jacobian(x, K, b, act, padding), atol=1e-12)
    if act != "relu":  # relu is not differentiable at 0; elsewhere the same, but a step may cross a kink
        fd = numerical_jacobian(lambda v: layer(v.reshape(x.shape)).ravel(), x.ravel(), 1e-6)
        np.testing.assert_allclose(J, fd, atol=1e-7)
    assert J.shape == (np.prod(layer.output_shape(H, W)), H * W * ci)


@pytest.mark.parametrize(("H", "W", "ci", "co", "k", "padding"), CASES)
def test_vjp_is_the_transpose_applied_and_saliency_is_the_row(H, W, ci, co, k, padding):
    x, K, b = random_case(H * 7 + W, H, W, ci, co, k)
    layer = ConvLayer(K, b, "tanh", padding)
    J = layer.jacobian(x)
    shape = layer.output_shape(H, W)
    v = np.random.default_rng(1).normal(size=shape)
    np.testing.assert_allclose(layer.vjp(x, v).ravel(), J.T @ v.ravel(), atol=1e-12)
    np.testing.assert_allclose(layer.total_saliency(x).ravel(), J.T @ np.ones(J.shape[0]), atol=1e-12)
    for r, (i, j, o) in enumerate(np.ndindex(*shape)):
        np.testing.assert_allclose(layer.jacobian_row(x, (i, j, o)).ravel(), J[r], atol=1e-15)
        np.testing.assert_allclose(layer.saliency(x, (i, j, o)).ravel(), J[r], atol=1e-12)


@given(seed=st.integers(0, 10**6), H=st.integers(3, 7), W=st.integers(3, 7), ci=st.integers(1, 2),
       co=st.integers(1, 2), k=st.sampled_from([1, 3]), padding=st.sampled_from(["same", "valid"]),
       act=st.sampled_from(["tanh", "relu", "identity"]))
def test_property_vjp_and_jacobian_agree_with_the_loop(seed, H, W, ci, co, k, padding, act):
    x, K, b = random_case(seed, H, W, ci, co, k)
    layer = ConvLayer(K, b, act, padding)
    J = layer.jacobian(x)
    np.testing.assert_allclose(J, loop_jacobian(x, K, b, act, padding), atol=1e-12)
    v = np.random.default_rng(seed + 1).normal(size=layer.output_shape(H, W))
    np.testing.assert_allclose(layer.vjp(x, v).ravel(), J.T @ v.ravel(), atol=1e-12)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_row_is_zero_outside_the_window_and_kernel_times_slope_inside(padding):
    x = sample_image(6, 6, 1, 3)
    layer = ConvLayer(KERNEL[:, :, None, None], 0.1, "tanh", padding)
    Ho, Wo, _ = layer.output_shape(6, 6)
    z = loop_layer(x, layer.kernel, np.array([0.1]), "identity", padding)
    p = 1 if padding == "same" else 0
    for i in range(Ho):
        for j in range(Wo):
            row = layer.jacobian_row(x, (i, j))[..., 0]
            win = layer.receptive_field(x.shape, (i, j))
            inside = np.zeros((6, 6), bool)
            inside[max(0, i - p):min(6, i - p + 3), max(0, j - p):min(6, j - p + 3)] = True
            assert (row[~inside] == 0).all()
            mask = np.zeros((6, 6), bool)
            mask[win.top:win.bottom, win.left:win.right] = True
            np.testing.assert_array_equal(mask, inside)
            assert win.pixels == inside.sum()
            slope = 1 - np.tanh(z[i, j, 0]) ** 2
            for u, v in zip(*np.nonzero(inside), strict=True):
                assert row[u, v] == pytest.approx(KERNEL[u - i + p, v - j + p] * slope, abs=1e-15)
    # a corner window with same padding is cut to 2 x 2; valid windows are always whole
    corner = layer.receptive_field(x.shape, (0, 0))
    assert corner.pixels == (4 if padding == "same" else 9)


def test_band_and_block_toeplitz_structure():
    """C = 1, identity: J[(i, j), (u, v)] depends only on (u - i, v - j) (Toeplitz blocks in a block-Toeplitz
    matrix) and is zero off the band |row - col| > p W + p; the flipped kernel (the transposed matrix's) is
    different, so J is not symmetric."""
    H = W = 6
    layer = ConvLayer(KERNEL[:, :, None, None], 0.0, "identity", "same")
    J = layer.jacobian(np.zeros((H, W, 1)))
    for r in range(H * W):
        for c in range(H * W):
            (i, j), (u, v) = divmod(r, W), divmod(c, W)
            if abs(u - i) <= 1 and abs(v - j) <= 1:
                assert J[r, c] == KERNEL[u - i + 1, v - j + 1]
            else:
                assert J[r, c] == 0
            if abs(r - c) > W + 1:
                assert J[r, c] == 0
    blocks = J.reshape(H, W, H, W).transpose(0, 2, 1, 3)
    for d in range(-1, 2):
        for i in range(max(0, -d), min(H, H - d)):
            np.testing.assert_array_equal(blocks[i, i + d], blocks[max(0, -d), max(0, -d) + d])
    assert not np.array_equal(J, J.T)
    flipped = ConvLayer(KERNEL[::-1, ::-1, None, None], 0.0, "identity", "same").jacobian(np.zeros((H, W, 1)))
    np.testing.assert_array_equal(flipped, J.T)


@pytest.mark.parametrize(("H", "W", "ci", "co", "k", "padding"), CASES)
def test_counts_by_brute_force(H, W, ci, co, k, padding):
    x, K, b = random_case(3, H, W, ci, co, k)
    K[K == 0] = 0.5  # no zero weight: every structural nonzero is nonzero
    J = ConvLayer(K, b, "identity", padding).jacobian(x)
    counts = conv_counts(H, W, ci, co, k, padding)
    assert counts.entries == J.size
    assert counts.weights == K.size
    assert counts.nonzeros == np.count_nonzero(J)


def test_defaults_numbers():
    assert conv_counts(6, 6, 1, 1, 3) == (1296, 9, 256)
    assert conv_counts(5, 5, 2, 2, 3) == (2500, 36, 13 * 13 * 4)  # windows 2+3+3+3+2 = 13 rows a side
    assert conv_counts(6, 6, 1, 1, 3, "valid") == (16 * 36, 9, 144)


def test_sample_image_is_reproducible_and_rounded():
    a, b = sample_image(4, 5, 2, 7), sample_image(4, 5, 2, 7)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (4, 5, 2) and np.abs(a).max() <= 1
    np.testing.assert_array_equal(a, np.round(a, 1))


@pytest.mark.parametrize(("make", "message"), [
    (lambda: ConvLayer(np.ones((2, 2, 1, 1))), "kernel size k must be odd"),
    (lambda: ConvLayer(np.ones((3, 2, 1, 1))), "shape"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 1)), activation="sigmoid"), "activation"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 1)), padding="full"), "padding"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 2)), bias=[1.0, 2.0, 3.0]), "bias"),
    (lambda: ConvLayer(np.ones((5, 5, 1, 1)))(np.zeros((4, 6, 1))), "larger than the image 4x6"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 1))).jacobian_row(np.zeros((4, 4, 1)), (4, 0)), "outside the 4x4x1"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 1)), padding="valid").jacobian_row(np.zeros((4, 4, 1)), (0, 2)),
     "outside the 2x2x1"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 1))).jacobian(np.zeros((4, 4, 2))), "shape"),
    (lambda: ConvLayer(np.ones((3, 3, 1, 1))).vjp(np.zeros((4, 4, 1)), np.zeros((3, 3, 1))), "v must have"),
    (lambda: conv_counts(0, 4, 1, 1, 3), "height must be an integer >= 1, got 0"),
    (lambda: conv_counts(4, 4, 1, 1, 4), "odd"),
    (lambda: conv_counts(2, 4, 1, 1, 3), "larger than the image"),
    (lambda: sample_image(3, -1, 1, 0), "width"),
])
def test_bad_input_is_one_line_naming_the_value(make, message):
    with pytest.raises(MLInputError) as info:
        make()
    assert message in str(info.value)
    assert "\n" not in str(info.value)
