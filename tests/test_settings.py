"""jacobian_settings: defaults load, user files override, and every bad input is one line naming file and key.

The wrong-type tests walk the live SCHEMA, so keys other helpers add are covered automatically.
"""

from __future__ import annotations

import errno
import json
import math
import os
import tomllib
from pathlib import Path

import pytest

from jacobian_settings import (
    DEFAULT_CONFIG,
    ENV_VAR,
    SCHEMA,
    ConfigError,
    Settings,
    activate,
    active_settings,
    environment_for,
    load_settings,
)

DEFAULTS = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))


def toml_value(value) -> str:
    """A tiny TOML writer for test values (tomllib only reads)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def write_config(tmp_path: Path, sections: dict[str, dict], name: str = "user.toml") -> Path:
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert repr(tomllib.loads(path.read_text(encoding="utf-8"))) == repr(sections)  # the writer round-trips
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert "\n" not in message, message
    assert len(message) < 600, message
    assert str(path) in message
    assert isinstance(info.value, ValueError)
    return message


def wrong_values(default) -> list:
    """Values of the wrong TOML type for a key whose default is ``default``."""
    table = {"nested": 1}
    if isinstance(default, bool):
        return ["yes", 1, table]
    if isinstance(default, (int, float)):
        return ["1.0", True, [1.0], table]
    if isinstance(default, str):
        return [3, True, [default], table]
    if isinstance(default, list):
        return ["1.0", 1.0, True, table, [True] * max(len(default), 1)]
    return ["1.0", table]


ALL_KEYS = [(section, key) for section, (_, checks) in SCHEMA.items() for key in checks]


# ---------------------------------------------------------------- good files


def test_defaults_load_and_match_the_toml_file():
    settings = load_settings()
    assert isinstance(settings, Settings)
    assert settings.source == str(DEFAULT_CONFIG)
    assert list(settings.rbf.centers) == DEFAULTS["rbf"]["centers"]
    assert settings.rbf.sigma == DEFAULTS["rbf"]["sigma"]
    assert (settings.map.f1, settings.map.f2) == (DEFAULTS["map"]["f1"], DEFAULTS["map"]["f2"])
    assert set(SCHEMA) == set(DEFAULTS), "default.toml and SCHEMA list the same sections"
    for section, (_, checks) in SCHEMA.items():
        assert set(checks) == set(DEFAULTS[section]), f"[{section}] keys differ between SCHEMA and default.toml"


def test_user_file_overrides_only_what_it_names(tmp_path):
    path = write_config(tmp_path, {"rbf": {"sigma": 0.5, "centers": [-1, 1], "weights": [2, 3]}})
    settings = load_settings(path)
    assert settings.source == str(path)
    assert settings.rbf.sigma == 0.5
    assert settings.rbf.centers == (-1.0, 1.0)
    assert settings.rbf.x_range == tuple(DEFAULTS["rbf"]["x_range"])
    assert settings.map.f1 == DEFAULTS["map"]["f1"]


def test_environment_variable_selects_the_active_file_once(tmp_path, monkeypatch):
    path = write_config(tmp_path, {"map": {"f1": "sin(x)", "name": "g"}})
    monkeypatch.setenv(ENV_VAR, str(path))
    activate(None)
    try:
        settings = active_settings()
        assert settings.map.f1 == "sin(x)" and settings.source == str(path)
        path.write_text("[map]\nf1 = 'cos(x)'\n")  # loaded once per process: a later edit is not seen
        assert active_settings() is settings
        # load_settings reads only the file it is given, never the environment
        assert load_settings().map.f1 == DEFAULTS["map"]["f1"]
    finally:
        activate(None)


def test_activated_settings_win_and_environment_for_names_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    mine = load_settings(write_config(tmp_path, {"rbf": {"sigma": 0.25}}))
    activate(mine)
    try:
        assert active_settings() is mine
    finally:
        activate(None)
    env = environment_for(tmp_path / "x.toml", {"PATH": "/bin", ENV_VAR: "old.toml"})
    assert env == {"PATH": "/bin", ENV_VAR: str(tmp_path / "x.toml")}
    assert environment_for(None, {"PATH": "/bin", ENV_VAR: "old.toml"}) == {"PATH": "/bin"}


def test_empty_user_file_gives_the_defaults(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    assert load_settings(path).rbf == load_settings().rbf


# ---------------------------------------------------------------- bad files


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    assert "not found" in config_error(path)


def test_directory_instead_of_file(tmp_path):
    assert "cannot read" in config_error(tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    """A file that cannot be opened (here: PermissionError from the open itself, as for a mode-0 file when not
    root; root could read it, so the permission bits alone cannot test this) is one line naming the file."""
    path = write_config(tmp_path, {"rbf": {"sigma": 1.0}})
    real_open = Path.open
    opened = []

    def open_(self, *args, **kwargs):
        opened.append(self)
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    message = config_error(path)
    assert path in opened  # the loader really tried to open the user file
    assert "cannot read" in message and os.strerror(errno.EACCES) in message, message


@pytest.mark.parametrize(
    "text",
    [
        "[rbf\nsigma = 1\n",
        "[rbf]\nsigma = \n",
        "[rbf]\nsigma = 1\nsigma = 2\n",
        "sigma = = 1",
        '[map]\nf1 = "x**2\n',
        "[rbf]\ncenters = [1, 2\n",
        "\x00",
    ],
)
def test_invalid_toml(tmp_path, text):
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    assert "not valid TOML" in config_error(path)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('[map]\nname = "f\xe9"\n'.encode("latin-1"))
    assert "not valid TOML" in config_error(path)


def test_unknown_section(tmp_path):
    message = config_error(write_config(tmp_path, {"rfb": {"sigma": 1.0}}))
    assert "[rfb]" in message and "unknown section" in message


@pytest.mark.parametrize("section", list(SCHEMA))
def test_unknown_key_in_every_section(tmp_path, section):
    message = config_error(write_config(tmp_path, {section: {"no_such_key": 1}}))
    assert f"[{section}].no_such_key" in message and "unknown key" in message


@pytest.mark.parametrize("section", list(SCHEMA))
def test_section_that_is_not_a_table(tmp_path, section):
    path = tmp_path / "flat.toml"
    path.write_text(f"{section} = 3\n", encoding="utf-8")
    assert f"[{section}]" in config_error(path)


@pytest.mark.parametrize(("section", "key"), ALL_KEYS, ids=[f"{s}.{k}" for s, k in ALL_KEYS])
def test_wrong_type_for_every_key(tmp_path, section, key):
    for index, value in enumerate(wrong_values(DEFAULTS[section][key])):
        path = write_config(tmp_path, {section: {key: value}}, name=f"wrong{index}.toml")
        message = config_error(path)
        assert f"[{section}].{key} must be" in message, message
        assert "got " in message


@pytest.mark.parametrize(
    ("section", "key", "value", "needle"),
    [
        ("render", "run_time_scale", 0.0, "> 0"),
        ("rbf", "sigma", 0.0, "> 0"),
        ("rbf", "sigma", -1.0, "> 0"),
        ("rbf", "sigma", float("nan"), "finite"),
        ("rbf", "sigma", float("inf"), "finite"),
        ("rbf", "centers", [], "list"),
        ("rbf", "centers", [float(c) for c in range(13)], "list of 1 to 12 numbers"),
        ("rbf", "centers", [0.0, float("nan"), 1.0], "list"),
        ("rbf", "x_range", [5.0, -5.0], "min < max"),
        ("rbf", "x_range", [1.0, 2.0, 3.0], "list of 2"),
        ("map", "f1", "__import__('os').system('true')", "__import__"),
        ("map", "f2", "x^2", "'**'"),
        ("map", "f1", "", "non-empty"),
        ("map", "f1", "x" * 100_000, "100000 characters"),
        ("map", "domain", [2.0, -2.0, -2.0, 2.0], "min < max"),
        ("map", "sample_points", [[0.0, 0.0], [1.0]], "[x, y] pairs"),
        ("map", "sample_points", [[0.0, 0.0]] * 5, "1 to 4 [x, y] pairs"),
        ("map", "cell_size", -0.5, "> 0"),
        ("colors", "e1", "#12345", "#58C4DD"),
        ("colors", "e1", "blue", "#58C4DD"),
        ("colors", "basis", [], "colours"),
        ("colors", "heatmap", "jet", "plasma"),
        ("ml", "regression_cov_small", [[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ("ml", "regression_cov_large", [[1.0, 2.0], [2.0, 1.0]], "a d - b^2 > 0"),
        ("ml", "regression_cov_large", [[-1.0, 0.0], [0.0, -1.0]], "a > 0"),
        ("ml", "regression_samples", 10, "from 50 to 5000"),
        ("ml", "regression_max_steps", 2.5, "whole number"),
        ("ml", "regression_tol", 0.0, "> 0"),
        ("ml", "regression_t", [0.0, 1.0], "list of 3 to 12 numbers"),
        ("ml", "encoder_w", [[1.0, 2.0]] * 7, "1 to 6 rows"),
        ("ml", "encoder_points", [[0.0, 0.0]] * 10, "1 to 9 [x, y] pairs"),
        ("ml", "maml_alpha", 0.0, "> 0 and <= 2"),
        ("ml", "maml_alpha", 2.5, "> 0 and <= 2"),
        ("ml", "maml_cell", -0.1, "> 0 and <= 2"),
        ("ml", "maml_x", [float(k) for k in range(9)], "list of 1 to 8 numbers"),
        ("ml", "maml_theta", [0.3], "list of 2 numbers"),
        ("ml", "batch_size", 1, "whole number from 2 to 4"),
        ("ml", "batch_size", 5, "whole number from 2 to 4"),
        ("ml", "batch_size", 3.0, "whole number from 2 to 4"),
        ("ml", "batch_inputs", [[0.0, 1.0]], "list of 2 to 4 [x, y] pairs"),
        ("ml", "batch_inputs", [[0.0, 1.0]] * 5, "list of 2 to 4 [x, y] pairs"),
        ("ml", "batch_inputs", [[0.0, 1.0], [1.0]], "list of 2 to 4 [x, y] pairs"),
        ("ml", "batch_w", [[1.0, 0.0]], "2x2 matrix"),
    ],
)
def test_bad_values_name_file_key_and_expectation(tmp_path, section, key, value, needle):
    message = config_error(write_config(tmp_path, {section: {key: value}}))
    assert f"[{section}].{key} must be" in message
    assert needle in message


def test_weights_must_match_centres(tmp_path):
    message = config_error(write_config(tmp_path, {"rbf": {"centers": [0.0, 1.0]}}))
    assert "[rbf].weights" in message and "one entry per centre" in message


def test_huge_bad_value_is_clipped(tmp_path):
    message = config_error(write_config(tmp_path, {"map": {"name": ["x" * 10_000]}}))
    assert "[map].name" in message and "..." in message


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"chain_point": [1.4, -1.5], "chain_cell": 1.5}, "[ml].chain_point and chain_point + chain_cell must lie"),
        ({"chain_point": [-2.0, 0.0]}, "[ml].chain_point and chain_point + chain_cell must lie"),
        ({"penalty_point": [2.0, -2.0]}, "[ml].penalty_point must lie in [-0.9, 0.9]"),
        ({"taylor_steps": [1e-6, 1.0]}, "[ml].taylor_steps must have min >= 1e-4"),
        ({"taylor_steps": [0.5, 0.6]}, "max >= 10 min"),
        ({"regression_y": [1.0, 2.0, 3.0]}, "[ml].regression_y must have one entry per regression_t (5)"),
        ({"regression_t": [1.0, 1.0, 1.0], "regression_y": [1.0, 2.0, 3.0]}, "at least two different times"),
        ({"encoder_b": [0.0, 0.0]}, "[ml].encoder_b and encoder_v must have one entry per row of encoder_w (3)"),
        ({"encoder_point": [5.0, 0.0]}, "[ml].encoder_point and encoder_points must lie in encoder_box"),
        ({"encoder_points": [[0.0, 0.0], [0.0, 2.5]]}, "must lie in encoder_box"),
        ({"maml_y": [0.1, 0.2]}, "[ml].maml_y must have one target per input in maml_x (4), got 2"),
        ({"maml_val_x": [0.0]}, "[ml].maml_val_y must have one target per input in maml_val_x (1), got 3"),
        ({"batch_size": 4, "batch_inputs": [[0.0, 1.0], [1.0, 0.0]]},
         "[ml].batch_inputs must hold at least batch_size = 4 examples, got 2"),
    ],
)
def test_ml_settings_that_cannot_give_a_sane_picture(tmp_path, values, needle):
    message = config_error(write_config(tmp_path, {"ml": values}))
    assert needle in message and "got " in message and "\n" not in message, message


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("height", 2, "whole number from 3 to 8"),
        ("width", 9, "whole number from 3 to 8"),
        ("channels", 3, "whole number from 1 to 2"),
        ("kernel", "sharpen", "one of blur, edge, sobel, tilted"),
        ("kernel", [[1.0, 0.0], [0.0, 1.0]], "k odd"),
        ("kernel", [[1.0, 0.0, 0.0], [0.0, 1.0]], "k x k list"),
        ("kernel", [[1.0] * 7] * 7, "1 to 5"),
        ("activation", "sigmoid", "one of tanh, relu, identity"),
        ("padding", "full", "one of same, valid"),
        ("pixel", [-1, 0], "[row, column]"),
        ("pixel", [1.5, 0], "[row, column]"),
        ("path", [], "1 to 6 [row, column] pairs"),
    ],
)
def test_bad_spatial_values(tmp_path, key, value, needle):
    message = config_error(write_config(tmp_path, {"spatial": {key: value}}))
    assert f"[spatial].{key} must be" in message and needle in message, message


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"height": 4, "kernel": [[0.1] * 5] * 5}, "[spatial].kernel (5x5) must not be larger than the image (4x6)"),
        ({"height": 8, "width": 8, "channels": 2},
         "[spatial].height x width x channels must be at most 64 (the (HWC)x(HWC) Jacobian is drawn cell by cell; "
         "64x64 is the most that stays legible), got 8x8x2 = 128"),
        ({"pixel": [6, 0]}, "[spatial].pixel must lie in the 6x6 output (same padding: rows 0..5"),
        ({"padding": "valid", "pixel": [2, 4], "path": [[0, 0]]},
         "[spatial].pixel must lie in the 4x4 output (valid padding: rows 0..3, columns 0..3), got [2, 4]"),
        ({"path": [[0, 0], [5, 6]]}, "[spatial].path must lie in the 6x6 output"),
        ({"channels": 2, "height": 5, "width": 5, "path": [[0, 0]], "pixel": [1, 1],
          "kernel": [[[[1.0]]] * 3] * 3}, "[spatial].kernel must have channels = 2 input and output channels"),
    ],
)
def test_spatial_settings_that_cannot_give_a_sane_picture(tmp_path, values, needle):
    message = config_error(write_config(tmp_path, {"spatial": values}))
    assert needle in message and "got " in message, message


def test_spatial_kernels_preset_plain_and_full():
    from jacobian_settings import SPATIAL_MIX, SPATIAL_PRESETS, SpatialSettings

    base = {f.name: getattr(load_settings().spatial, f.name) for f in SpatialSettings.__dataclass_fields__.values()}
    one = SpatialSettings(**{**base, "kernel": "sobel"})
    assert [[w[0][0] for w in row] for row in one.kernel_weights] == [list(r) for r in SPATIAL_PRESETS["sobel"]]
    two = SpatialSettings(**{**base, "channels": 2, "kernel": ((0.0, 1.0, 0.0),) * 3})
    assert two.kernel_weights[1][1] == ((1.0, SPATIAL_MIX[1]), (SPATIAL_MIX[1], 1.0))
    full = (((((1.0, 2.0), (3.0, 4.0)),) * 3),) * 3
    assert SpatialSettings(**{**base, "channels": 2, "kernel": full}).kernel_weights is full
    assert SpatialSettings(**{**base, "padding": "valid", "kernel": ((0.0,) * 5,) * 5}).output_size == (2, 2)
