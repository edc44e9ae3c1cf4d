r"""The lecture's settings: one home for loading, validating and holding them.

Each TOML section is a frozen dataclass registered with :func:`section`: its keys, their defaults, their checks
(:mod:`jacobian_settings.checks`) and a one-line doc each, plus an optional ``validate()`` for checks across
keys.  The sections every kind of scene reads (``[render]``, ``[rbf]``, ``[map]``, ``[colors]``) are declared
here; a scene's own section is declared beside it, in ``scenes/<scene file>_settings.py`` (a module that
imports no Manim, so the settings are checked before anything renders), found by that name.
``assets/default.toml`` is written from these declarations (``python -m jacobian_settings``) and documents
every key.

A user file overrides any subset of keys; unknown sections, unknown keys and bad values raise
:class:`ConfigError` naming the file and the key, in one line; a file with the old flat ``[ml]`` section gets
one error naming each key's new place.  Settings flow one way: a file (``--config``, or the :data:`ENV_VAR`
environment variable, the one name for it) -> :func:`load_settings` -> the process's :func:`active_settings`
-> scenes, which read them when they build (never at import).  A process loads them once: the render command
validates them before it starts ``manim`` processes, which each load them once from :data:`ENV_VAR`
(:func:`environment_for` sets it); the preview validates them and :func:`activate`\ s them before it forks its
render child, which inherits them.

This package imports no Manim and nothing of the project at import time.  Two deferred exceptions:
``[map]`` expressions are parsed with ``jacobian_math.parse_expression`` (a leaf that imports nothing of the
project), and :func:`sections` imports the ``scenes/*_settings.py`` modules (which import only this package).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from jacobian_settings.checks import (
    COLORMAPS,
    Box,
    Check,
    box,
    color,
    colormap,
    colors,
    expression,
    interval,
    number,
    numbers,
    pairs,
    positive,
    text,
)

__all__ = [
    "COLORMAPS", "DEFAULT_CONFIG", "ENV_VAR", "MOVED_ML_KEYS", "ColorSettings", "ConfigError", "SectionError",
    "MapSettings", "RBFSettings", "RenderSettings", "Section", "Settings", "activate", "active_settings",
    "config_path_from_env", "default_toml", "environment_for", "load_settings", "section", "section_of_scene",
    "sections", "setting",
]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "assets" / "default.toml"
SCENES_DIR = ROOT / "scenes"
ENV_VAR = "JACOBIAN_CONFIG"
MAX_SAMPLE_POINTS = 4  # the grid scene's J labels need room in the plot: more would crowd it


class ConfigError(ValueError):
    """A configuration file or value was rejected; the message names file and key."""


class SectionError(Exception):
    """Raised by a section's ``validate()``: the message starts with the key it is about (``point and ...``);
    the loader puts the file and ``[section].`` in front."""


def setting(default: Any, check: Check, doc: str) -> Any:
    """A key of a section: its default (as the check returns it: tuples for lists), its check and a one-line
    doc (what it is, units, limits), written next to it in ``assets/default.toml``."""
    return field(default=default, metadata={"check": check, "doc": doc})


@dataclass(frozen=True)
class Section:
    """One registered TOML section: its name, dataclass, the scenes that read it (empty: shared) and the file
    that declares it (named when a default is rejected)."""

    name: str
    cls: type
    scenes: tuple[str, ...]
    origin: str

    @property
    def checks(self) -> dict[str, Check]:
        return {f.name: f.metadata["check"] for f in fields(self.cls)}

    @property
    def defaults(self) -> dict[str, Any]:
        """The defaults as TOML gives them (lists, not tuples)."""
        return {f.name: _as_toml(f.default) for f in fields(self.cls)}

    @property
    def docs(self) -> dict[str, str]:
        return {f.name: f.metadata["doc"] for f in fields(self.cls)}


_REGISTRY: dict[str, Section] = {}
_SHARED = ("render", "rbf", "map", "colors")


def section(name: str, *, scenes: Sequence[str] = ()) -> Any:
    """Class decorator: make the class a frozen dataclass and register it as the TOML section ``[name]``, read
    by ``scenes`` (class names; empty for a section every kind of scene shares).  Every field is a
    :func:`setting`.  Registering a name again (a re-imported module) replaces it."""

    def register(cls: type) -> type:
        cls = dataclass(frozen=True)(cls)
        for f in fields(cls):
            if f.default is MISSING or "check" not in f.metadata:
                raise TypeError(f"[{name}].{f.name}: declare it with setting(default, check, doc)")
        module = sys.modules.get(cls.__module__)
        origin = getattr(module, "__file__", None) or cls.__module__
        _REGISTRY[name] = Section(name, cls, tuple(scenes), str(origin))
        return cls

    return register


def _as_toml(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_as_toml(v) for v in value]
    return value


# ---------------------------------------------------------------- the shared sections


@section("render")
class RenderSettings:
    """Rendering, for every scene."""

    run_time_scale: float = setting(1.0, positive, "multiplies every animation's run time (0.5 = twice as fast)")


@section("rbf")
class RBFSettings:
    """RBFJacobian and RBFModel (scenes/rbf_jacobian.py, rbf_model.py): Gaussian bumps on a line."""

    centers: tuple[float, ...] = setting((-2.0, 0.0, 2.0), numbers(1, 12),
                                         "c_i of phi_i(x) = exp(-(x - c_i)^2 / (2 sigma^2)), 1 to 12 of them")
    sigma: float = setting(1.0, positive, "common width, > 0")
    weights: tuple[float, ...] = setting((1.0, -0.7, 0.8), numbers(1, 12),
                                         "w in the model f(x) = w . phi(x), one per centre")
    x_range: tuple[float, float] = setting((-5.0, 5.0), interval, "x-axis interval [min, max]")
    x0_final: float = setting(0.0, number, "where the moving point x0 settles (the page's figure uses 0)")

    def validate(self) -> None:
        if len(self.weights) != len(self.centers):
            raise SectionError(f"weights must have one entry per centre ({len(self.centers)}), got {len(self.weights)}")


@section("map")
class MapSettings:
    """The plane map f of JacobianNormHeatmap, GridSquaresUnderF and TaylorError."""

    name: str = setting("f", text, "the map's name in formulas")
    f1: str = setting("x**2 - y", expression, "first component, in x and y (numbers, + - * / **, sin cos tan exp "
                                              "log sqrt tanh sinh cosh abs, pi, e)")
    f2: str = setting("y**2 + x", expression, "second component")
    domain: Box = setting((-2.0, 2.0, -2.0, 2.0), box, "x_min, x_max, y_min, y_max of the grid and the heatmap")
    sample_points: tuple[tuple[float, float], ...] = setting(
        ((-1.0, -1.0), (0.0, 0.0), (1.0, 1.0)), pairs(1, MAX_SAMPLE_POINTS),
        f"1 to {MAX_SAMPLE_POINTS} points where J e1, J e2 and the parallelograms are shown")
    cell_size: float = setting(0.5, positive, "side h of the highlighted grid squares")

    @property
    def expressions(self) -> tuple[str, str, str]:
        """``(f1, f2, name)``, the arguments of ``jacobian_math.PlaneMap.from_expressions``."""
        return self.f1, self.f2, self.name


@section("colors")
class ColorSettings:
    """Colours carry meaning across all scenes (as on the page): e1 blue, e2 green, J e1 red, J e2 orange.
    The defaults stay >= 20 Delta E*ab apart in one picture under simulated protanopia, deuteranopia and
    tritanopia, and >= 4.5:1 against the background (tests/test_palette.py checks the active settings)."""

    basis: tuple[str, ...] = setting(("#56C2DD", "#DC8E67", "#B6FEB6", "#AD75F8", "#EE568A", "#A89200"), colors,
                                     "phi_1, phi_2, ... (cycled)")
    e1: str = setting("#3F86F7", color, "the first basis vector e1")
    e2: str = setting("#2FE08A", color, "the second basis vector e2")
    je1: str = setting("#F14D4D", color, "its image J e1")
    je2: str = setting("#F59E0B", color, "its image J e2")
    model: str = setting("#FFFFFF", color, "the model curve f(x) = w . phi(x)")
    heatmap: str = setting("plasma", colormap, "a perceptual colour map: " + ", ".join(COLORMAPS))


# ---------------------------------------------------------------- the old flat [ml] section

MOVED_ML_KEYS: dict[str, tuple[str, str]] = {
    **{k: ("softmax", k) for k in ("logits", "saturated_logits")},
    **{f"chain_{k}": ("chain_rule", k) for k in ("w1", "b1", "w2", "b2", "point", "cell", "gradient")},
    **{f"flow_{k}": ("flow", k) for k in ("scales", "shifts", "base_std", "box")},
    **{f"penalty_{k}": ("penalty", k) for k in ("point", "w_steep", "w_flat", "b")},
    **{f"taylor_{k}": ("taylor", k) for k in ("point", "direction", "steps")},
    **{f"regression_{k}": ("regression", k) for k in ("w", "b", "mean", "cov_small", "cov_large", "samples", "seed",
                                                      "t", "y", "theta0", "learning_rate", "tol", "max_steps")},
    **{f"encoder_{k}": ("encoder", k) for k in ("w", "b", "v", "box", "point", "step", "points")},
    **{f"maml_{k}": ("maml", k) for k in ("x", "y", "val_x", "val_y", "theta", "alpha", "cell")},
    **{f"batch_{k}": ("batched", k) for k in ("size", "w", "b", "inputs")},
}
"""Where each key of the old flat ``[ml]`` section lives now: ``old key -> (section, key)``."""


def _moved_ml(source: str, values: Any) -> str:
    keys = list(values) if isinstance(values, dict) else []
    moves = [f"[ml] {k} -> [{MOVED_ML_KEYS[k][0]}] {MOVED_ML_KEYS[k][1]}" if k in MOVED_ML_KEYS
             else f"[ml] {k} -> no such key" for k in keys]
    where = ": " + ", ".join(moves) if moves else ""
    return (f"{source}: the [ml] section is gone, each scene has its own section now (see assets/default.toml)"
            f"{where}")


# ---------------------------------------------------------------- all sections, the settings, loading


def sections(fresh: bool = False) -> dict[str, Section]:
    """Every section: the shared ones, then the scenes' own (``scenes/*_settings.py``, imported on first use,
    in file name order; ``fresh``: read those files again, for a long-lived process such as the preview)."""
    if fresh or not _discovered:
        if fresh:  # a deleted or renamed settings module leaves no section behind
            for name in [n for n in _REGISTRY if n not in _SHARED]:
                del _REGISTRY[name]
        for info in sorted(pkgutil.iter_modules([str(SCENES_DIR)]), key=lambda m: m.name):
            if info.name.endswith("_settings") and not info.ispkg:
                module = sys.modules.get(f"scenes.{info.name}")
                if module is not None and fresh:
                    importlib.reload(module)
                else:
                    importlib.import_module(f"scenes.{info.name}")
        _discovered[:] = [True]
    shared = [n for n in _SHARED if n in _REGISTRY]
    # the scenes' sections in the order of their files' names, however they were imported (a scene that imports
    # its own settings module, as ChainRule does, registers it before the others)
    own = sorted((n for n in _REGISTRY if n not in _SHARED), key=lambda n: (Path(_REGISTRY[n].origin).name, n))
    return {n: _REGISTRY[n] for n in [*shared, *own]}


_discovered: list[bool] = []


def section_of_scene(scene: str) -> str | None:
    """The name of the section scene class ``scene`` owns (None: it reads only shared sections)."""
    owned = [s.name for s in sections().values() if scene in s.scenes]
    return owned[0] if owned else None


@dataclass(frozen=True)
class Settings:
    """All settings: the shared sections as fields, each scene's own section as an attribute of its name
    (``settings.chain_rule``), held in ``scene_sections``."""

    render: RenderSettings
    rbf: RBFSettings
    map: MapSettings
    colors: ColorSettings
    scene_sections: dict[str, Any] = field(default_factory=dict)
    source: str = str(DEFAULT_CONFIG)

    def __getattr__(self, name: str) -> Any:
        found = self.__dict__.get("scene_sections") or {}
        if name in found:
            return found[name]
        raise AttributeError(f"no settings section [{name}] (known: {', '.join([*_SHARED, *found])})")


def _known(keys: Sequence[str]) -> str:
    """The keys of a section for an error line: a family of 3 or more keys sharing a prefix as ``prefix_*``,
    the rest by name, in declaration order."""
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
    t = repr(value)
    return t if len(t) <= size else t[: size - 3] + "..."


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


def load_settings(path: str | os.PathLike[str] | None = None, fresh: bool = False) -> Settings:
    """The declared defaults, overlaid with the user file ``path`` (None: the defaults alone), every value and
    every section's ``validate()`` checked (``fresh``: the scenes' settings files read again, see
    :func:`sections`)."""
    known = sections(fresh)
    user_path = Path(path) if path is not None else None
    user: dict[str, Any] = _read(user_path) if user_path is not None else {}
    source = str(user_path) if user_path is not None else str(DEFAULT_CONFIG)
    if "ml" in user and "ml" not in known:
        raise ConfigError(_moved_ml(source, user["ml"]))
    for name, values in user.items():
        if name not in known:
            raise ConfigError(f"{source}: unknown section [{name}] (known: {', '.join(known)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [{name}] must be a table")
        for key in values:
            if key not in known[name].checks:
                raise ConfigError(f"{source}: unknown key [{name}].{key} (known: {_known(known[name].checks)})")
    built: dict[str, Any] = {}
    for name, sec in known.items():
        given = user.get(name, {})
        defaults = sec.defaults
        values = {}
        for key, check in sec.checks.items():
            raw, origin = (given[key], source) if key in given else (defaults[key], sec.origin)
            try:
                values[key] = check(raw)
            except TypeError as exc:
                raise ConfigError(f"{origin}: [{name}].{key} must be {exc}, got {_shown(raw)}") from None
        obj = sec.cls(**values)
        validate = getattr(obj, "validate", None)
        if validate is not None:
            try:
                validate()
            except SectionError as exc:
                raise ConfigError(f"{source if given else sec.origin}: [{name}].{exc}") from None
        built[name] = obj
    shared = {n: built.pop(n) for n in _SHARED}
    return Settings(**shared, scene_sections=built, source=source)


# ---------------------------------------------------------------- assets/default.toml, written from the sections

_HEADER = """\
# Default settings of the Jacobian lecture.  Copy this file, change what you like,
# and pass it with   scripts/render --config my.toml
# or, for a single scene with plain manim,   JACOBIAN_CONFIG=my.toml manim -pql scenes/rbf_jacobian.py RBFJacobian
# A user file only needs the keys it changes; unknown keys are rejected.
# Each scene's own section is declared beside it (scenes/<scene file>_settings.py): its keys, defaults and
# limits.  This file is written from those declarations:   .venv/bin/python -m jacobian_settings
"""
_WIDTH = 118


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _comment(t: str, indent: str = "") -> list[str]:
    """``t`` as comment lines of at most _WIDTH characters."""
    lines, line = [], ""
    for word in t.split():
        if line and len(indent) + 2 + len(line) + 1 + len(word) > _WIDTH:
            lines.append(f"{indent}# {line}")
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, f"{indent}# {line}"] if line else lines


def default_toml() -> str:
    """The text of ``assets/default.toml``: every section with its doc, every key with its default and doc."""
    out = [_HEADER]
    for name, sec in sections().items():
        out.append(f"[{name}]")
        out += _comment(" ".join((sec.cls.__doc__ or "").split()))
        if sec.scenes:
            out.append(f"# (declared in scenes/{Path(sec.origin).name})")
        for key, value in sec.defaults.items():
            line = f"{key} = {_toml(value)}"
            doc = sec.docs[key]
            inline = f"{line:<30}  # {doc}"
            if len(inline) <= _WIDTH:
                out.append(inline)
            else:
                out += [*_comment(doc), line]
        out.append("")
    return "\n".join(out)


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
