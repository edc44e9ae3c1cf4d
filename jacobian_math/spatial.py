"""An image-to-image layer y = act(conv2d(x, K) + b) and its Jacobian, the (H_out W_out C_out) x (H W C_in)
matrix of a map from one image to another.

Images are arrays ``(H, W, C)``; flattened, they are vectors in row-major ``(h, w, c)`` order (entry
``(h W + w) C + c``), the order of ``ndarray.ravel``.  The kernel ``K`` has shape ``(k, k, C_in, C_out)``
with ``k`` odd; the layer is a cross-correlation, as deep-learning "conv2d" layers are:

    z[i, j, o] = b[o] + sum_{a, b, c} K[a, b, c, o] x[i + a - p, j + b - p, c],   y = act(z),

with x zero outside the image.  Supported: stride 1 only; padding ``"same"`` (p = (k - 1) / 2, the output
is H x W) or ``"valid"`` (p = 0, the output is (H - k + 1) x (W - k + 1), every window inside the image).
Activations: ``tanh``, ``relu`` (slope 0 at z <= 0, 1 above) and ``identity``.

So output pixel (i, j, o) reads only the k x k window of input pixels around it (its receptive field), and
its Jacobian row, reshaped to ``(H, W, C_in)``, is zero outside that window and K[a, b, :, o] act'(z[i, j, o])
inside: the kernel, scaled by the slope at that output.  Back-propagation never builds the matrix: the
vector-Jacobian product J^T v is a transposed convolution, a correlation of act' * v with the flipped kernel.
All quantities are unitless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from jacobian_math.ml import MLInputError, _finite

ACTIVATIONS = ("tanh", "relu", "identity")
PADDINGS = ("same", "valid")


def _activation(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(act(z), act'(z))."""
    if name == "tanh":
        t = np.tanh(z)
        return t, 1.0 - t * t
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(float)
    return z.copy(), np.ones_like(z)


def _correlate(padded: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of ``padded (Hp, Wp, C_in)`` with ``kernel (k, k, C_in, C_out)``."""
    k = kernel.shape[0]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(0, 1))  # (Ho, Wo, C_in, k, k)
    return np.einsum("ijcab,abco->ijo", windows, kernel)


def _size(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise MLInputError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


class Window(NamedTuple):
    """A receptive field in input rows ``top..bottom - 1`` and columns ``left..right - 1`` (clipped to the image)."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def pixels(self) -> int:
        return (self.bottom - self.top) * (self.right - self.left)


@dataclass(frozen=True)
class ConvLayer:
    """y = act(conv2d(x, K) + b), stride 1: ``(H, W, C_in) -> (H_out, W_out, C_out)``.

    ``kernel`` ``(k, k, C_in, C_out)``, k odd; ``bias`` a number or ``(C_out,)``; ``activation`` one of
    :data:`ACTIVATIONS`; ``padding`` ``"same"`` (zeros around the image, H_out = H) or ``"valid"``
    (H_out = H - k + 1)."""

    kernel: np.ndarray
    bias: np.ndarray | float = 0.0
    activation: str = "tanh"
    padding: str = "same"

    def __post_init__(self) -> None:
        K = _finite("kernel", self.kernel, 4)
        if K.ndim != 4 or K.shape[0] != K.shape[1] or min(K.shape) < 1:
            raise MLInputError(f"kernel must have shape (k, k, C_in, C_out), got shape {K.shape}")
        if K.shape[0] % 2 == 0:
            raise MLInputError(f"kernel size k must be odd (a window centred on its pixel), got k = {K.shape[0]}")
        b = _finite("bias", self.bias, 0)
        if b.ndim > 1 or (b.ndim == 1 and b.shape[0] != K.shape[3]):
            raise MLInputError(f"bias must be a number or have shape ({K.shape[3]},), got shape {b.shape}")
        if self.activation not in ACTIVATIONS:
            raise MLInputError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {self.activation!r}")
        if self.padding not in PADDINGS:
            raise MLInputError(f"padding must be one of {', '.join(PADDINGS)}, got {self.padding!r}")
        object.__setattr__(self, "kernel", K)
        object.__setattr__(self, "bias", np.broadcast_to(b, (K.shape[3],)).copy())

    @property
    def k(self) -> int:
        return self.kernel.shape[0]

    @property
    def pad(self) -> int:
        """Zeros added on each side: (k - 1) / 2 for ``same``, 0 for ``valid``."""
        return (self.k - 1) // 2 if self.padding == "same" else 0

    def output_shape(self, height: int, width: int) -> tuple[int, int, int]:
        """``(H_out, W_out, C_out)`` for an ``H x W`` input; the kernel must fit in the image."""
        H, W = _size("height", height), _size("width", width)
        if self.k > min(H, W):
            raise MLInputError(f"kernel size k = {self.k} is larger than the image {H}x{W}")
        return H - 2 * ((self.k - 1) // 2 - self.pad), W - 2 * ((self.k - 1) // 2 - self.pad), self.kernel.shape[3]

    def _image(self, x: np.ndarray) -> np.ndarray:
        arr = _finite("x", x, 3)
        if arr.ndim != 3 or arr.shape[2] != self.kernel.shape[2]:
            raise MLInputError(f"x must have shape (H, W, {self.kernel.shape[2]}), got shape {arr.shape}")
        self.output_shape(arr.shape[0], arr.shape[1])
        return arr

    def pre_activation(self, x: np.ndarray) -> np.ndarray:
        """z = conv2d(x, K) + b, ``(H, W, C_in) -> (H_out, W_out, C_out)``."""
        arr = self._image(x)
        p = self.pad
        return _correlate(np.pad(arr, ((p, p), (p, p), (0, 0))), self.kernel) + self.bias

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """y = act(z), ``(H, W, C_in) -> (H_out, W_out, C_out)``."""
        return _activation(self.activation, self.pre_activation(x))[0]

    def slope(self, x: np.ndarray) -> np.ndarray:
        """act'(z) at every output, ``(H_out, W_out, C_out)``."""
        return _activation(self.activation, self.pre_activation(x))[1]

    def _pixel(self, shape: tuple[int, ...], pixel: tuple[int, ...]) -> tuple[int, int, int]:
        Ho, Wo, Co = self.output_shape(shape[0], shape[1])
        px = tuple(pixel) + (0,) * (3 - len(tuple(pixel)))
        if len(px) != 3 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in px) \
                or not (0 <= px[0] < Ho and 0 <= px[1] < Wo and 0 <= px[2] < Co):
            raise MLInputError(f"output pixel {tuple(pixel)!r} is outside the {Ho}x{Wo}x{Co} output "
                               f"(rows 0..{Ho - 1}, columns 0..{Wo - 1}, channels 0..{Co - 1})")
        return int(px[0]), int(px[1]), int(px[2])

    def receptive_field(self, shape: tuple[int, ...], pixel: tuple[int, ...]) -> Window:
        """The input pixels output ``pixel = (i, j[, o])`` reads in an image of ``shape (H, W, ...)``: rows
        i - p .. i - p + k - 1 and the same for columns, cut at the image's border."""
        i, j, _ = self._pixel(shape, pixel)
        p, k, H, W = self.pad, self.k, shape[0], shape[1]
        return Window(max(0, i - p), min(H, i - p + k), max(0, j - p), min(W, j - p + k))

    def jacobian_row(self, x: np.ndarray, pixel: tuple[int, ...]) -> np.ndarray:
        """d y[i, j, o] / d x reshaped to the input's ``(H, W, C_in)``: zero outside the receptive field,
        K[a, b, :, o] act'(z[i, j, o]) at input pixel (i + a - p, j + b - p) inside."""
        arr = self._image(x)
        i, j, o = self._pixel(arr.shape, pixel)
        p, k = self.pad, self.k
        H, W = arr.shape[:2]
        s = self.slope(arr)[i, j, o]
        row = np.zeros(arr.shape)
        padded = np.zeros((H + 2 * (k - 1), W + 2 * (k - 1), arr.shape[2]))
        r0, c0 = i - p + k - 1, j - p + k - 1  # the window's corner in the padded frame
        padded[r0:r0 + k, c0:c0 + k] = self.kernel[:, :, :, o] * s
        row[:] = padded[k - 1:k - 1 + H, k - 1:k - 1 + W]
        return row

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """d vec(y) / d vec(x), ``(H_out W_out C_out, H W C_in)``, rows and columns in row-major (h, w, c)."""
        arr = self._image(x)
        Ho, Wo, Co = self.output_shape(*arr.shape[:2])
        return np.stack([self.jacobian_row(arr, (i, j, o)).ravel()
                         for i in range(Ho) for j in range(Wo) for o in range(Co)])

    def vjp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        """J^T v without J, ``v (H_out, W_out, C_out) -> (H, W, C_in)``: a transposed convolution, the
        correlation of act'(z) * v, zero-padded by k - 1 - p, with the kernel flipped in both directions
        and its channel axes swapped."""
        arr = self._image(x)
        shape = self.output_shape(*arr.shape[:2])
        g = _finite("v", v, 3)
        if g.shape != shape:
            raise MLInputError(f"v must have the output's shape {shape}, got shape {g.shape}")
        q = self.k - 1 - self.pad
        upstream = np.pad(self.slope(arr) * g, ((q, q), (q, q), (0, 0)))
        return _correlate(upstream, self.kernel[::-1, ::-1].transpose(0, 1, 3, 2))

    def saliency(self, x: np.ndarray, pixel: tuple[int, ...]) -> np.ndarray:
        """The input-gradient map of one output, d y[pixel] / d x ``(H, W, C_in)``: J^T e, computed as
        :meth:`vjp` of the one-hot e (it equals :meth:`jacobian_row`)."""
        arr = self._image(x)
        i, j, o = self._pixel(arr.shape, pixel)
        e = np.zeros(self.output_shape(*arr.shape[:2]))
        e[i, j, o] = 1.0
        return self.vjp(arr, e)

    def total_saliency(self, x: np.ndarray) -> np.ndarray:
        """d (sum of all outputs) / d x = J^T 1, ``(H, W, C_in)``, one transposed convolution."""
        arr = self._image(x)
        return self.vjp(arr, np.ones(self.output_shape(*arr.shape[:2])))


class ConvCounts(NamedTuple):
    """Sizes of a convolution layer's Jacobian: its entries, the kernel weights that define them, and the
    entries that can be nonzero (pairs of an output and an input in its receptive field)."""

    entries: int
    weights: int
    nonzeros: int


def conv_counts(height: int, width: int, c_in: int, c_out: int, k: int, padding: str = "same") -> ConvCounts:
    """H_out W_out C_out x H W C_in entries, k^2 C_in C_out weights, and C_in C_out times the receptive fields'
    pixels summed over the output pixels (each window cut at the border) structural nonzeros."""
    H, W, ci, co, k = (_size(n, v) for n, v in (("height", height), ("width", width), ("c_in", c_in),
                                                  ("c_out", c_out), ("k", k)))
    if k % 2 == 0:
        raise MLInputError(f"kernel size k must be odd, got k = {k}")
    if k > min(H, W):
        raise MLInputError(f"kernel size k = {k} is larger than the image {H}x{W}")
    if padding not in PADDINGS:
        raise MLInputError(f"padding must be one of {', '.join(PADDINGS)}, got {padding!r}")
    p = (k - 1) // 2 if padding == "same" else 0

    def covered(n: int) -> int:  # sum over output positions of the window's length inside [0, n)
        return sum(min(n, i - p + k) - max(0, i - p) for i in range(n - 2 * ((k - 1) // 2 - p)))

    Ho, Wo = H - 2 * ((k - 1) // 2 - p), W - 2 * ((k - 1) // 2 - p)
    return ConvCounts(Ho * Wo * co * H * W * ci, k * k * ci * co, covered(H) * covered(W) * ci * co)


def sample_image(height: int, width: int, channels: int, seed: int, places: int = 1) -> np.ndarray:
    """A reproducible input image ``(H, W, C)``: uniform in [-1, 1] from ``seed``, rounded to ``places``
    decimals (so that the numbers drawn are the numbers used)."""
    H, W, C = _size("height", height), _size("width", width), _size("channels", channels)
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(-1.0, 1.0, (H, W, C)), places) + 0.0


__all__ = ["ACTIVATIONS", "PADDINGS", "ConvCounts", "ConvLayer", "Window", "conv_counts", "sample_image"]
