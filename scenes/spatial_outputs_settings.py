"""[spatial]: the settings SpatialOutputs (scenes/spatial_outputs.py) reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim, and the scene file imports Manim at its top.
"""

from __future__ import annotations

from typing import Any

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import choice, integer, number

MAX_SPATIAL_SIDE = 8  # an image side of at most 8 pixels keeps its numbers readable in three grids
MAX_SPATIAL_CHANNELS = 2  # each channel is drawn as its own grid
MAX_SPATIAL_VALUES = 64  # H W C <= 64: the (HWC) x (HWC) Jacobian, drawn as cells, stays legible up to 64 x 64
MAX_SPATIAL_KERNEL = 5
# named kernels (k x k); with 2 channels, output channel o reads input channel c with weight kernel * SPATIAL_MIX
SPATIAL_PRESETS: dict[str, tuple[tuple[float, ...], ...]] = {
    "blur": ((0.05, 0.1, 0.05), (0.1, 0.4, 0.1), (0.05, 0.1, 0.05)),
    "edge": ((0.0, -0.25, 0.0), (-0.25, 1.0, -0.25), (0.0, -0.25, 0.0)),
    "sobel": ((0.25, 0.0, -0.25), (0.5, 0.0, -0.5), (0.25, 0.0, -0.25)),
    "tilted": ((0.3, -0.2, 0.1), (0.5, 0.8, -0.4), (0.1, 0.3, -0.2)),
}
SPATIAL_MIX = (1.0, -0.5)  # (same channel, other channel)
ACTIVATIONS = ("tanh", "relu", "identity")
PADDINGS = ("same", "valid")


def kernel(value: Any) -> tuple | str:
    """A preset name, a k x k list of numbers, or k x k x C x C nested lists [row][col][c_in][c_out]; k odd,
    1 to 5 (the channels are checked against channels in validate())."""
    what = (f"one of {', '.join(SPATIAL_PRESETS)}, or a k x k list of numbers (k odd, 1 to {MAX_SPATIAL_KERNEL}) "
            "or k x k x C x C nested lists")
    if isinstance(value, str):
        if value not in SPATIAL_PRESETS:
            raise TypeError(what)
        return value
    if not isinstance(value, list) or len(value) % 2 == 0 or not 1 <= len(value) <= MAX_SPATIAL_KERNEL:
        raise TypeError(what)
    k = len(value)

    def nested(v: Any, depth: int) -> Any:
        if depth == 0:
            return number(v)
        if not isinstance(v, list) or not v:
            raise TypeError(what)
        return tuple(nested(e, depth - 1) for e in v)

    try:
        depth = 2 if all(isinstance(row, list) and row and not isinstance(row[0], list) for row in value) else 4
        out = nested(value, depth)
    except TypeError:
        raise TypeError(what) from None
    if any(len(row) != k for row in out):
        raise TypeError(what)
    if depth == 4:
        c = len(out[0][0])
        if any(len(cell) != c or any(len(io) != c for io in cell) for row in out for cell in row):
            raise TypeError(what)
    return out


def pixel(value: Any) -> tuple[int, int]:
    what = "[row, column], two whole numbers >= 0"
    if not isinstance(value, list) or len(value) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise TypeError(what)
    return value[0], value[1]


def pixels(value: Any) -> tuple[tuple[int, int], ...]:
    what = "a list of 1 to 6 [row, column] pairs of whole numbers >= 0"
    if not isinstance(value, list) or not 1 <= len(value) <= 6:
        raise TypeError(what)
    try:
        return tuple(pixel(p) for p in value)
    except TypeError:
        raise TypeError(what) from None


@section("spatial", scenes=("SpatialOutputs",))
class SpatialSettings:
    """SpatialOutputs: an image-to-image layer y = act(conv2d(x, K) + b), stride 1, from an H x W x C image to
    another.  Limits: H, W at most 8, C 1 or 2, and H W C at most 64 (the (HWC) x (HWC) Jacobian is drawn cell
    by cell; 64 x 64 is the most that stays legible)."""

    height: int = setting(6, integer(3, MAX_SPATIAL_SIDE), "H, the image's rows (3..8)")
    width: int = setting(6, integer(3, MAX_SPATIAL_SIDE), "W, its columns (3..8)")
    channels: int = setting(1, integer(1, MAX_SPATIAL_CHANNELS),
                            "C, channels in and out (1 or 2; each drawn as its own grid)")
    kernel: tuple | str = setting(
        ((0.3, -0.2, 0.1), (0.5, 0.8, -0.4), (0.1, 0.3, -0.2)), kernel,
        "K: a k x k list (k odd, 1..5, at most the image), or a preset name: blur, edge, sobel, tilted (the "
        "default's numbers). With 2 channels a k x k kernel reads the same channel with weight K and the other with "
        "-0.5 K; or give k x k x C x C nested lists [row][column][c_in][c_out]")
    bias: float = setting(0.1, number, "b, added to every output")
    activation: str = setting("tanh", choice(ACTIVATIONS),
                              "the pointwise nonlinearity: tanh, relu (slope 0 at z <= 0) or identity")
    padding: str = setting("same", choice(PADDINGS),
                           '"same": zeros around the image, the output is H x W; "valid": no padding, the output is '
                           "(H - k + 1) x (W - k + 1), every window inside the image")
    input_seed: int = setting(3, integer(0, 2**32 - 1),
                              "the input x: uniform in [-1, 1] from this seed, rounded to one decimal")
    pixel: tuple[int, int] = setting((3, 4), pixel,
                                     "the output pixel [row, column] (from 0, top left) whose Jacobian row is shown")
    path: tuple[tuple[int, int], ...] = setting(((0, 0), (0, 5), (5, 5)), pixels,
                                                "1 to 6 output pixels it then moves through (and back), e.g. to "
                                                "the border")

    @property
    def kernel_weights(self) -> tuple:
        """The kernel as k x k x C x C nested tuples [row][col][c_in][c_out]: a preset or a k x k list reads
        input channel c into output channel o with weight kernel[row][col] * SPATIAL_MIX[c != o]."""
        K = SPATIAL_PRESETS[self.kernel] if isinstance(self.kernel, str) else self.kernel
        if isinstance(K[0][0], tuple):
            return K
        C = self.channels
        return tuple(tuple(tuple(tuple(w * SPATIAL_MIX[c != o] for o in range(C)) for c in range(C)) for w in row)
                     for row in K)

    @property
    def kernel_size(self) -> int:
        return len(self.kernel_weights)

    @property
    def output_size(self) -> tuple[int, int]:
        """(H_out, W_out): H x W with same padding, (H - k + 1) x (W - k + 1) with valid."""
        cut = 0 if self.padding == "same" else self.kernel_size - 1
        return self.height - cut, self.width - cut

    def validate(self) -> None:
        K = self.kernel_weights
        k, c = len(K), len(K[0][0])
        if c != self.channels:
            raise SectionError(f"kernel must have channels = {self.channels} input and output channels "
                               f"(k x k x C x C), got {c}")
        if k > min(self.height, self.width):
            raise SectionError(f"kernel ({k}x{k}) must not be larger than the image ({self.height}x{self.width}), "
                               f"got k = {k}")
        values = self.height * self.width * self.channels
        if values > MAX_SPATIAL_VALUES:
            raise SectionError(f"height x width x channels must be at most {MAX_SPATIAL_VALUES} (the (HWC)x(HWC) "
                               f"Jacobian is drawn cell by cell; {MAX_SPATIAL_VALUES}x{MAX_SPATIAL_VALUES} is the most "
                               f"that stays legible), got {self.height}x{self.width}x{self.channels} = {values}")
        rows, cols = self.output_size
        for key, where in (("pixel", (self.pixel,)), ("path", self.path)):
            for r, col in where:
                if r >= rows or col >= cols:
                    raise SectionError(f"{key} must lie in the {rows}x{cols} output ({self.padding} padding: rows "
                                  f"0..{rows - 1}, columns 0..{cols - 1}), got [{r}, {col}]")
