r"""The lecture's settings: one home for loading, validating and holding them.

The defaults live in ``assets/default.toml``.  A user file overrides any subset of keys; unknown keys and bad
values raise :class:`ConfigError` naming the file and the key.  Settings flow one way: a file (``--config``,
or the :data:`ENV_VAR` environment variable, the one name for it) -> :func:`load_settings` -> the process's
:func:`active_settings` -> scenes, which read them when they build (never at import).  A process loads them
once: the render command validates them before it starts ``manim`` processes, which each load them once
from :data:`ENV_VAR` (:func:`environment_for` sets it); the preview validates them and :func:`activate`\ s
them before it forks its render child, which inherits them.

This package imports nothing of the project (no Manim, no scenes), so everything may read it.  One exception,
deferred to the check itself: ``[map]`` expressions are parsed with ``jacobian_math.parse_expression`` (a leaf
of the project that imports nothing of it), so a malformed map fails when the settings load, naming file and key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "assets" / "default.toml"
ENV_VAR = "JACOBIAN_CONFIG"
COLORMAPS = ("plasma", "viridis", "magma", "inferno")


class ConfigError(ValueError):
    """A configuration file or value was rejected; the message names file and key."""


Check = Callable[[Any], Any]


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise TypeError("a finite number")
    return float(value)


def _positive(value: Any) -> float:
    v = _number(value)
    if v <= 0:
        raise TypeError("a number > 0")
    return v


def _numbers(min_len: int = 1, max_len: int | None = None) -> Check:
    def check(value: Any) -> tuple[float, ...]:
        if max_len == min_len:
            size = f"{min_len}"
        else:
            size = f"{min_len} to {max_len}" if max_len else f"at least {min_len}"
        what = f"a list of {size} numbers"
        if not isinstance(value, list) or len(value) < min_len or (max_len and len(value) > max_len):
            raise TypeError(what)
        try:
            return tuple(_number(v) for v in value)
        except TypeError:
            raise TypeError(what) from None

    return check


def _interval(value: Any) -> tuple[float, float]:
    lo, hi = _numbers(2, 2)(value)
    if not lo < hi:
        raise TypeError("[min, max] with min < max")
    return lo, hi


def _box(value: Any) -> tuple[float, float, float, float]:
    box = _numbers(4, 4)(value)
    if not (box[0] < box[1] and box[2] < box[3]):
        raise TypeError("[x_min, x_max, y_min, y_max] with min < max")
    return box  # type: ignore[return-value]


MAX_SAMPLE_POINTS = 4  # the grid scene's J labels need room in the plot: more would crowd it
MAX_BATCH = 4  # BatchedJacobian: a (2B) x (2B) matrix of numbers stays readable up to B = 4


def _pairs(min_len: int, max_len: int, items: str = "[x, y] pairs") -> Check:
    def check(value: Any) -> tuple[tuple[float, float], ...]:
        what = f"a list of {min_len} to {max_len} {items}"
        if not isinstance(value, list) or not min_len <= len(value) <= max_len:
            raise TypeError(what)
        try:
            return tuple(_numbers(2, 2)(p) for p in value)  # type: ignore[misc]
        except TypeError:
            raise TypeError(what) from None

    return check


_points = _pairs(1, MAX_SAMPLE_POINTS)


def _integer(lo: int, hi: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise TypeError(f"a whole number from {lo} to {hi}")
        return value

    return check


def _positive_at_most(hi: float) -> Check:
    def check(value: Any) -> float:
        v = _number(value)
        if not 0 < v <= hi:
            raise TypeError(f"a number > 0 and <= {hi:g}")
        return v

    return check


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("a non-empty string")
    return value


def _color(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise TypeError('a colour like "#58C4DD"')
    return value.upper()


def _colors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TypeError('a non-empty list of colours like "#58C4DD"')
    return tuple(_color(v) for v in value)


def _colormap(value: Any) -> str:
    if value not in COLORMAPS:
        raise TypeError(f"one of {', '.join(COLORMAPS)}")
    return value


def _expression(value: Any) -> str:
    from jacobian_math import ExpressionError, parse_expression  # the one project import: see the module doc

    text = _text(value)
    try:
        parse_expression(text)
    except ExpressionError as exc:
        raise TypeError(f"a valid expression in x and y ({exc})") from None
    return text


def _matrix2(value: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    what = "a 2x2 matrix [[a, b], [c, d]]"
    if not isinstance(value, list) or len(value) != 2:
        raise TypeError(what)
    try:
        return tuple(_numbers(2, 2)(row) for row in value)  # type: ignore[return-value]
    except TypeError:
        raise TypeError(what) from None


def _positive_interval(value: Any) -> tuple[float, float]:
    lo, hi = _interval(value)
    if lo <= 0:
        raise TypeError("[min, max] with 0 < min < max")
    return lo, hi


def _direction(value: Any) -> tuple[float, float]:
    vec = _numbers(2, 2)(value)
    if vec == (0.0, 0.0):
        raise TypeError("a non-zero vector [x, y]")
    return vec  # type: ignore[return-value]


def _covariance(value: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    (a, b), (c, d) = _matrix2(value)
    if b != c or not (a > 0 and a * d - b * c > 0):
        raise TypeError("a covariance [[a, b], [b, d]]: symmetric, a > 0 and a d - b^2 > 0")
    return (a, b), (c, d)


MAX_SPATIAL_SIDE = 8  # SpatialOutputs: an image side of at most 8 pixels keeps its numbers readable in three grids
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


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise TypeError(f"one of {', '.join(options)}")
        return value

    return check


def _kernel(value: Any) -> tuple | str:
    """A preset name, a k x k list of numbers, or k x k x C x C nested lists [row][col][c_in][c_out]; k odd,
    1 to 5 (the channels are checked against [spatial].channels later)."""
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
            return _number(v)
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


def _pixel(value: Any) -> tuple[int, int]:
    what = "[row, column], two whole numbers >= 0"
    if not isinstance(value, list) or len(value) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise TypeError(what)
    return value[0], value[1]


def _pixels(value: Any) -> tuple[tuple[int, int], ...]:
    what = "a list of 1 to 6 [row, column] pairs of whole numbers >= 0"
    if not isinstance(value, list) or not 1 <= len(value) <= 6:
        raise TypeError(what)
    try:
        return tuple(_pixel(p) for p in value)
    except TypeError:
        raise TypeError(what) from None


def _inside(point: tuple[float, ...], box: tuple[float, ...]) -> bool:
    return box[0] <= point[0] <= box[1] and box[2] <= point[1] <= box[3]


@dataclass(frozen=True)
class RenderSettings:
    run_time_scale: float


@dataclass(frozen=True)
class RBFSettings:
    centers: tuple[float, ...]
    sigma: float
    weights: tuple[float, ...]
    x_range: tuple[float, float]
    x0_final: float


@dataclass(frozen=True)
class MapSettings:
    name: str
    f1: str
    f2: str
    domain: tuple[float, float, float, float]
    sample_points: tuple[tuple[float, float], ...]
    cell_size: float

    @property
    def expressions(self) -> tuple[str, str, str]:
        """``(f1, f2, name)``, the arguments of ``jacobian_math.PlaneMap.from_expressions``."""
        return self.f1, self.f2, self.name


@dataclass(frozen=True)
class ColorSettings:
    basis: tuple[str, ...]
    e1: str
    e2: str
    je1: str
    je2: str
    model: str
    heatmap: str


@dataclass(frozen=True)
class MLSettings:
    """The machine-learning scenes (scenes/chain_rule.py ... scenes/taylor.py)."""

    logits: tuple[float, ...]
    saturated_logits: tuple[float, ...]
    chain_w1: tuple[tuple[float, float], tuple[float, float]]
    chain_b1: tuple[float, float]
    chain_w2: tuple[tuple[float, float], tuple[float, float]]
    chain_b2: tuple[float, float]
    chain_point: tuple[float, float]
    chain_cell: float
    chain_gradient: tuple[float, float]
    flow_scales: tuple[float, float]
    flow_shifts: tuple[float, float]
    flow_base_std: float
    flow_box: tuple[float, float, float, float]
    penalty_point: tuple[float, float]
    penalty_w_steep: tuple[tuple[float, float], tuple[float, float]]
    penalty_w_flat: tuple[tuple[float, float], tuple[float, float]]
    penalty_b: tuple[float, float]
    taylor_point: tuple[float, float]
    taylor_direction: tuple[float, float]
    taylor_steps: tuple[float, float]
    regression_w: tuple[tuple[float, float], tuple[float, float]]
    regression_b: tuple[float, float]
    regression_mean: tuple[float, float]
    regression_cov_small: tuple[tuple[float, float], tuple[float, float]]
    regression_cov_large: tuple[tuple[float, float], tuple[float, float]]
    regression_samples: int
    regression_seed: int
    regression_t: tuple[float, ...]
    regression_y: tuple[float, ...]
    regression_theta0: tuple[float, float]
    regression_learning_rate: float
    regression_tol: float
    regression_max_steps: int
    encoder_w: tuple[tuple[float, float], ...]
    encoder_b: tuple[float, ...]
    encoder_v: tuple[float, ...]
    encoder_box: tuple[float, float, float, float]
    encoder_point: tuple[float, float]
    encoder_step: float
    encoder_points: tuple[tuple[float, float], ...]
    maml_x: tuple[float, ...]
    maml_y: tuple[float, ...]
    maml_val_x: tuple[float, ...]
    maml_val_y: tuple[float, ...]
    maml_theta: tuple[float, float]
    maml_alpha: float
    maml_cell: float
    batch_size: int
    batch_w: tuple[tuple[float, float], tuple[float, float]]
    batch_b: tuple[float, float]
    batch_inputs: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class SpatialSettings:
    """SpatialOutputs (scenes/spatial_outputs.py): an image-to-image layer y = act(conv2d(x, K) + b)."""

    height: int
    width: int
    channels: int
    kernel: tuple | str
    bias: float
    activation: str
    padding: str
    input_seed: int
    pixel: tuple[int, int]
    path: tuple[tuple[int, int], ...]

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


SCHEMA: dict[str, tuple[type, dict[str, Check]]] = {
    "render": (RenderSettings, {"run_time_scale": _positive}),
    "rbf": (
        RBFSettings,
        {
            "centers": _numbers(1, 12),
            "sigma": _positive,
            "weights": _numbers(1, 12),
            "x_range": _interval,
            "x0_final": _number,
        },
    ),
    "map": (
        MapSettings,
        {
            "name": _text,
            "f1": _expression,
            "f2": _expression,
            "domain": _box,
            "sample_points": _points,
            "cell_size": _positive,
        },
    ),
    "colors": (
        ColorSettings,
        {"basis": _colors, "e1": _color, "e2": _color, "je1": _color, "je2": _color, "model": _color,
         "heatmap": _colormap},
    ),
    "ml": (
        MLSettings,
        {
            "logits": _numbers(2, 8),
            "saturated_logits": _numbers(2, 8),
            "chain_w1": _matrix2,
            "chain_b1": _numbers(2, 2),
            "chain_w2": _matrix2,
            "chain_b2": _numbers(2, 2),
            "chain_point": _numbers(2, 2),
            "chain_cell": _positive,
            "chain_gradient": _direction,
            "flow_scales": _numbers(2, 2),
            "flow_shifts": _numbers(2, 2),
            "flow_base_std": _positive,
            "flow_box": _box,
            "penalty_point": _numbers(2, 2),
            "penalty_w_steep": _matrix2,
            "penalty_w_flat": _matrix2,
            "penalty_b": _numbers(2, 2),
            "taylor_point": _numbers(2, 2),
            "taylor_direction": _direction,
            "taylor_steps": _positive_interval,
            "regression_w": _matrix2,
            "regression_b": _numbers(2, 2),
            "regression_mean": _numbers(2, 2),
            "regression_cov_small": _covariance,
            "regression_cov_large": _covariance,
            "regression_samples": _integer(50, 5000),
            "regression_seed": _integer(0, 2**32 - 1),
            "regression_t": _numbers(3, 12),
            "regression_y": _numbers(3, 12),
            "regression_theta0": _numbers(2, 2),
            "regression_learning_rate": _positive,
            "regression_tol": _positive,
            "regression_max_steps": _integer(10, 20000),
            "encoder_w": _pairs(1, 6, "rows [a, b]"),
            "encoder_b": _numbers(1, 6),
            "encoder_v": _numbers(1, 6),
            "encoder_box": _box,
            "encoder_point": _numbers(2, 2),
            "encoder_step": _positive,
            "encoder_points": _pairs(1, 9),
            "maml_x": _numbers(1, 8),
            "maml_y": _numbers(1, 8),
            "maml_val_x": _numbers(1, 8),
            "maml_val_y": _numbers(1, 8),
            "maml_theta": _numbers(2, 2),
            "maml_alpha": _positive_at_most(2.0),
            "maml_cell": _positive_at_most(2.0),
            "batch_size": _integer(2, MAX_BATCH),
            "batch_w": _matrix2,
            "batch_b": _numbers(2, 2),
            "batch_inputs": _pairs(2, MAX_BATCH),
        },
    ),
    "spatial": (
        SpatialSettings,
        {
            "height": _integer(3, MAX_SPATIAL_SIDE),
            "width": _integer(3, MAX_SPATIAL_SIDE),
            "channels": _integer(1, MAX_SPATIAL_CHANNELS),
            "kernel": _kernel,
            "bias": _number,
            "activation": _choice(ACTIVATIONS),
            "padding": _choice(PADDINGS),
            "input_seed": _integer(0, 2**32 - 1),
            "pixel": _pixel,
            "path": _pixels,
        },
    ),
}


@dataclass(frozen=True)
class Settings:
    """All settings, one typed section per TOML table."""

    render: RenderSettings
    rbf: RBFSettings
    map: MapSettings
    colors: ColorSettings
    ml: MLSettings
    spatial: SpatialSettings
    source: str = str(DEFAULT_CONFIG)


def _known(keys: Sequence[str]) -> str:
    """The keys of a section for an error line: a family of 3 or more keys sharing a prefix as ``prefix_*``
    (the [ml] section has 40 keys), the rest by name, in file order."""
    families = Counter(k.split("_", 1)[0] for k in keys if "_" in k)
    shown: list[str] = []
    for key in keys:
        prefix = key.split("_", 1)[0]
        name = f"{prefix}_*" if "_" in key and families[prefix] >= 3 else key
        if name not in shown:
            shown.append(name)
    return ", ".join(shown)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML (not UTF-8 text: byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file ({exc.strerror})") from None


def _shown(value: Any, size: int = 80) -> str:
    """repr of a rejected value, clipped so the error stays one short line."""
    text = repr(value)
    return text if len(text) <= size else text[: size - 3] + "..."


def config_path_from_env() -> Path | None:
    """The user settings file named by :data:`ENV_VAR`, or None when it is unset or empty."""
    value = os.environ.get(ENV_VAR)
    return Path(value) if value else None


def environment_for(config: str | os.PathLike[str] | None, env: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default: ``os.environ``) that makes a child process load ``config`` (None: defaults)."""
    out = dict(os.environ if env is None else env)
    out.pop(ENV_VAR, None)
    if config is not None:
        out[ENV_VAR] = str(config)
    return out


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Load the defaults, overlaid with the user file ``path`` (None: the defaults alone)."""
    raw = _read(DEFAULT_CONFIG)
    user_path = Path(path) if path is not None else None
    user: dict[str, Any] = _read(user_path) if user_path is not None else {}
    source = str(user_path) if user_path is not None else str(DEFAULT_CONFIG)
    for section, values in user.items():
        if section not in SCHEMA:
            raise ConfigError(f"{source}: unknown section [{section}] (known: {', '.join(SCHEMA)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [{section}] must be a table")
        for key in values:
            if key not in SCHEMA[section][1]:
                raise ConfigError(f"{source}: unknown key [{section}].{key} (known: {_known(SCHEMA[section][1])})")
        raw[section] = {**raw.get(section, {}), **values}
    sections: dict[str, Any] = {}
    for section, (cls, checks) in SCHEMA.items():
        values = {}
        for key, check in checks.items():
            origin = source if key in user.get(section, {}) else str(DEFAULT_CONFIG)
            if key not in raw.get(section, {}):
                raise ConfigError(f"{origin}: missing key [{section}].{key}")
            try:
                values[key] = check(raw[section][key])
            except TypeError as exc:
                raise ConfigError(
                    f"{origin}: [{section}].{key} must be {exc}, got {_shown(raw[section][key])}"
                ) from None
        assert {f.name for f in fields(cls)} == set(values)
        sections[section] = cls(**values)
    settings = Settings(**sections, source=source)
    if len(settings.rbf.weights) != len(settings.rbf.centers):
        raise ConfigError(
            f"{source}: [rbf].weights must have one entry per centre ({len(settings.rbf.centers)}), "
            f"got {len(settings.rbf.weights)}"
        )
    if len(settings.ml.saturated_logits) != len(settings.ml.logits):
        raise ConfigError(
            f"{source}: [ml].saturated_logits must have as many entries as [ml].logits ({len(settings.ml.logits)}), "
            f"got {len(settings.ml.saturated_logits)}"
        )
    ml = settings.ml
    lo, hi = -1.5, 1.5  # the ChainRule scene's drawn grid
    if not all(lo <= c and c + ml.chain_cell <= hi for c in ml.chain_point):
        raise ConfigError(
            f"{source}: [ml].chain_point and chain_point + chain_cell must lie in [-1.5, 1.5] (the drawn grid), "
            f"got point {list(ml.chain_point)} and cell {ml.chain_cell:g}"
        )
    if not all(abs(c) <= 0.9 for c in ml.penalty_point):
        raise ConfigError(
            f"{source}: [ml].penalty_point must lie in [-0.9, 0.9] x [-0.9, 0.9] (its circle is drawn in "
            f"[-1.2, 1.2]^2), got {list(ml.penalty_point)}"
        )
    s_lo, s_hi = ml.taylor_steps
    if s_lo < 1e-4 or s_hi < 10 * s_lo:
        raise ConfigError(
            f"{source}: [ml].taylor_steps must have min >= 1e-4 (smaller errors drown in rounding) and "
            f"max >= 10 min (one decade for the slope), got {list(ml.taylor_steps)}"
        )
    if len(ml.regression_y) != len(ml.regression_t):
        raise ConfigError(
            f"{source}: [ml].regression_y must have one entry per regression_t ({len(ml.regression_t)}), "
            f"got {len(ml.regression_y)}"
        )
    if len(set(ml.regression_t)) < 2:
        raise ConfigError(f"{source}: [ml].regression_t must hold at least two different times (two parameters "
                          f"to fit), got {list(ml.regression_t)}")
    hidden = len(ml.encoder_w)
    if len(ml.encoder_b) != hidden or len(ml.encoder_v) != hidden:
        raise ConfigError(
            f"{source}: [ml].encoder_b and encoder_v must have one entry per row of encoder_w ({hidden}), "
            f"got {len(ml.encoder_b)} and {len(ml.encoder_v)}"
        )
    if not all(_inside(p, ml.encoder_box) for p in (ml.encoder_point, *ml.encoder_points)):
        raise ConfigError(
            f"{source}: [ml].encoder_point and encoder_points must lie in encoder_box {list(ml.encoder_box)}, "
            f"got {list(ml.encoder_point)} and {[list(p) for p in ml.encoder_points]}"
        )
    for x_key, y_key in (("maml_x", "maml_y"), ("maml_val_x", "maml_val_y")):
        xs, ys = getattr(ml, x_key), getattr(ml, y_key)
        if len(xs) != len(ys):
            raise ConfigError(f"{source}: [ml].{y_key} must have one target per input in {x_key} ({len(xs)}), "
                              f"got {len(ys)}")
    if ml.batch_size > len(ml.batch_inputs):
        raise ConfigError(f"{source}: [ml].batch_inputs must hold at least batch_size = {ml.batch_size} examples, "
                          f"got {len(ml.batch_inputs)}")
    _check_spatial(settings.spatial, source)
    return settings


def _check_spatial(sp: SpatialSettings, source: str) -> None:
    K = sp.kernel_weights
    k, c = len(K), len(K[0][0])
    if c != sp.channels:
        raise ConfigError(f"{source}: [spatial].kernel must have channels = {sp.channels} input and output channels "
                          f"(k x k x C x C), got {c}")
    if k > min(sp.height, sp.width):
        raise ConfigError(f"{source}: [spatial].kernel ({k}x{k}) must not be larger than the image "
                          f"({sp.height}x{sp.width}), got k = {k}")
    values = sp.height * sp.width * sp.channels
    if values > MAX_SPATIAL_VALUES:
        raise ConfigError(f"{source}: [spatial].height x width x channels must be at most {MAX_SPATIAL_VALUES} (the "
                          f"(HWC)x(HWC) Jacobian is drawn cell by cell; {MAX_SPATIAL_VALUES}x{MAX_SPATIAL_VALUES} is "
                          f"the most that stays legible), got {sp.height}x{sp.width}x{sp.channels} = {values}")
    rows, cols = sp.output_size
    for key, pixels in (("pixel", (sp.pixel,)), ("path", sp.path)):
        for r, col in pixels:
            if r >= rows or col >= cols:
                raise ConfigError(f"{source}: [spatial].{key} must lie in the {rows}x{cols} output ({sp.padding} "
                                  f"padding: rows 0..{rows - 1}, columns 0..{cols - 1}), got [{r}, {col}]")


_active: Settings | None = None


def active_settings() -> Settings:
    """The settings of this process: those given to :func:`activate`, else the file named by :data:`ENV_VAR`
    over the defaults, loaded on first use and kept."""
    global _active
    if _active is None:
        _active = load_settings(config_path_from_env())
    return _active


def activate(settings: Settings | None) -> None:
    """Make ``settings`` this process's active settings (None: load from :data:`ENV_VAR` again on next use)."""
    global _active
    _active = settings
