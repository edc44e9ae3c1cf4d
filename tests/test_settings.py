"""jacobian_settings: defaults load, user files override, and every bad input is one line naming file and key.

The wrong-type tests walk the live sections (the shared ones and each scene's own, declared beside it), so keys
and sections added later are covered automatically.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import math
import os
import re
import tomllib
from pathlib import Path

import pytest

from jacobian_settings import (
    DEFAULT_CONFIG,
    ENV_VAR,
    ConfigError,
    Settings,
    activate,
    active_settings,
    environment_for,
    load_settings,
    sections,
)

ROOT = Path(__file__).resolve().parent.parent
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


SECTIONS = sections()
ALL_KEYS = [(name, key) for name, sec in SECTIONS.items() for key in sec.checks]


# ---------------------------------------------------------------- good files


def test_defaults_load_and_match_the_toml_file():
    settings = load_settings()
    assert isinstance(settings, Settings)
    assert settings.source == str(DEFAULT_CONFIG)
    assert list(settings.rbf.centers) == DEFAULTS["rbf"]["centers"]
    assert settings.rbf.sigma == DEFAULTS["rbf"]["sigma"]
    assert (settings.map.f1, settings.map.f2) == (DEFAULTS["map"]["f1"], DEFAULTS["map"]["f2"])
    assert set(SECTIONS) == set(DEFAULTS), "default.toml and the declared sections list the same sections"
    for name, sec in SECTIONS.items():
        assert set(sec.checks) == set(DEFAULTS[name]), f"[{name}] keys differ between its declaration and default.toml"


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


@pytest.mark.parametrize("section", list(SECTIONS))
def test_unknown_key_in_every_section(tmp_path, section):
    message = config_error(write_config(tmp_path, {section: {"no_such_key": 1}}))
    assert f"[{section}].no_such_key" in message and "unknown key" in message


@pytest.mark.parametrize("section", list(SECTIONS))
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
        ("regression", "cov_small", [[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ("regression", "cov_large", [[1.0, 2.0], [2.0, 1.0]], "a d - b^2 > 0"),
        ("regression", "cov_large", [[-1.0, 0.0], [0.0, -1.0]], "a > 0"),
        ("regression", "samples", 10, "from 50 to 5000"),
        ("regression", "max_steps", 2.5, "whole number"),
        ("regression", "tol", 0.0, "> 0"),
        ("regression", "t", [0.0, 1.0], "list of 3 to 12 numbers"),
        ("encoder", "w", [[1.0, 2.0]] * 7, "1 to 6 rows"),
        ("encoder", "points", [[0.0, 0.0]] * 10, "1 to 9 [x, y] pairs"),
        ("maml", "alpha", 0.0, "> 0 and <= 2"),
        ("maml", "alpha", 2.5, "> 0 and <= 2"),
        ("maml", "cell", -0.1, "> 0 and <= 2"),
        ("maml", "x", [float(k) for k in range(9)], "list of 1 to 8 numbers"),
        ("maml", "theta", [0.3], "list of 2 numbers"),
        ("batched", "size", 1, "whole number from 2 to 4"),
        ("batched", "size", 5, "whole number from 2 to 4"),
        ("batched", "size", 3.0, "whole number from 2 to 4"),
        ("batched", "inputs", [[0.0, 1.0]], "list of 2 to 4 [x, y] pairs"),
        ("batched", "inputs", [[0.0, 1.0]] * 5, "list of 2 to 4 [x, y] pairs"),
        ("batched", "inputs", [[0.0, 1.0], [1.0]], "list of 2 to 4 [x, y] pairs"),
        ("batched", "w", [[1.0, 0.0]], "2x2 matrix"),
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


CROSS_CHECKS = [
    ("chain_rule", {"point": [1.4, -1.5], "cell": 1.5}, "[chain_rule].point and point + cell must lie in [-1.5, 1.5]"),
    ("chain_rule", {"point": [-2.0, 0.0]}, "[chain_rule].point and point + cell must lie"),
    ("penalty", {"point": [2.0, -2.0]}, "[penalty].point must lie in [-0.9, 0.9]"),
    ("taylor", {"steps": [1e-6, 1.0]}, "[taylor].steps must have min >= 1e-4"),
    ("taylor", {"steps": [0.5, 0.6]}, "max >= 10 min"),
    ("regression", {"y": [1.0, 2.0, 3.0]}, "[regression].y must have one entry per t (5)"),
    ("regression", {"t": [1.0, 1.0, 1.0], "y": [1.0, 2.0, 3.0]}, "at least two different times"),
    ("encoder", {"b": [0.0, 0.0]}, "[encoder].b and v must have one entry per row of w (3)"),
    ("encoder", {"point": [5.0, 0.0]}, "[encoder].point and points must lie in box"),
    ("encoder", {"points": [[0.0, 0.0], [0.0, 2.5]]}, "must lie in box"),
    ("maml", {"y": [0.1, 0.2]}, "[maml].y must have one target per input in x (4), got 2"),
    ("maml", {"val_x": [0.0]}, "[maml].val_y must have one target per input in val_x (1), got 3"),
    ("batched", {"size": 4, "inputs": [[0.0, 1.0], [1.0, 0.0]]},
     "[batched].inputs must hold at least size = 4 examples, got 2"),
    ("softmax", {"logits": [1.0, 2.0]}, "[softmax].saturated_logits must have as many entries as logits (2), got 3"),
    ("rbf", {"centers": [0.0, 1.0]}, "[rbf].weights must have one entry per centre (2), got 3"),
]


@pytest.mark.parametrize(("section", "values", "needle"), CROSS_CHECKS, ids=[f"{c[0]}-{i}" for i, c in
                                                                              enumerate(CROSS_CHECKS)])
def test_settings_that_cannot_give_a_sane_picture(tmp_path, section, values, needle):
    message = config_error(write_config(tmp_path, {section: values}))
    assert needle in message and "got " in message and "\n" not in message, message


@pytest.mark.parametrize(("section", "values"), [("penalty", {"point": [0.9, -0.9]}),
                                                 ("chain_rule", {"point": [-1.5, 0.9], "cell": 0.6})])
def test_settings_on_the_edge_of_the_drawn_area_are_accepted(tmp_path, section, values):
    """The limits are inclusive (the penalty's 0.9 is computed as BOX - RADIUS = 1.2 - 0.3, which is
    0.8999999999999999 in floating point: the layout corpus' penalty_steep at [0.9, -0.9] was refused)."""
    settings = load_settings(write_config(tmp_path, {section: values}))
    assert list(getattr(settings, section).point) == values["point"]


def test_every_section_with_checks_across_keys_has_a_case_here():
    """A section's validate() is exercised by CROSS_CHECKS (or the [spatial] table below)."""
    checked = {c[0] for c in CROSS_CHECKS} | {"spatial"}
    across = {name for name, sec in SECTIONS.items() if hasattr(sec.cls, "validate")}
    assert across <= checked, f"no bad-value case for the checks of {sorted(across - checked)}"


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
    from scenes.spatial_outputs_settings import SPATIAL_MIX, SPATIAL_PRESETS, SpatialSettings

    base = {f.name: getattr(load_settings().spatial, f.name) for f in SpatialSettings.__dataclass_fields__.values()}
    one = SpatialSettings(**{**base, "kernel": "sobel"})
    assert [[w[0][0] for w in row] for row in one.kernel_weights] == [list(r) for r in SPATIAL_PRESETS["sobel"]]
    two = SpatialSettings(**{**base, "channels": 2, "kernel": ((0.0, 1.0, 0.0),) * 3})
    assert two.kernel_weights[1][1] == ((1.0, SPATIAL_MIX[1]), (SPATIAL_MIX[1], 1.0))
    full = (((((1.0, 2.0), (3.0, 4.0)),) * 3),) * 3
    assert SpatialSettings(**{**base, "channels": 2, "kernel": full}).kernel_weights is full
    assert SpatialSettings(**{**base, "padding": "valid", "kernel": ((0.0,) * 5,) * 5}).output_size == (2, 2)


# ---------------------------------------------------------------- the old flat [ml] section

# the keys of the flat [ml] section before each scene got its own (assets/default.toml at 34bfd75)
OLD_ML_KEYS = (
    "logits saturated_logits chain_w1 chain_b1 chain_w2 chain_b2 chain_point chain_cell chain_gradient flow_scales "
    "flow_shifts flow_base_std flow_box penalty_point penalty_w_steep penalty_w_flat penalty_b taylor_point "
    "taylor_direction taylor_steps regression_w regression_b regression_mean regression_cov_small "
    "regression_cov_large regression_samples regression_seed regression_t regression_y regression_theta0 "
    "regression_learning_rate regression_tol regression_max_steps encoder_w encoder_b encoder_v encoder_box "
    "encoder_point encoder_step encoder_points maml_x maml_y maml_val_x maml_val_y maml_theta maml_alpha maml_cell "
    "batch_size batch_w batch_b batch_inputs"
).split()


def test_every_old_ml_key_has_one_new_place_that_exists():
    from jacobian_settings import MOVED_ML_KEYS

    assert sorted(MOVED_ML_KEYS) == sorted(OLD_ML_KEYS)
    targets = list(MOVED_ML_KEYS.values())
    assert len(set(targets)) == len(targets), "two old keys moved to the same place"
    for name, key in targets:
        assert key in SECTIONS[name].checks, f"[{name}].{key} is named as a new place but not declared"


def test_old_ml_file_gets_one_error_naming_each_new_place(tmp_path):
    message = config_error(write_config(tmp_path, {"ml": {"chain_w1": [[1.0, 0.0], [0.0, 1.0]], "logits": [1.0, 2.0],
                                                          "batch_size": 2, "wobble": 1}}))
    assert "[ml] section is gone" in message, message
    for move in ("[ml] chain_w1 -> [chain_rule] w1", "[ml] logits -> [softmax] logits",
                 "[ml] batch_size -> [batched] size", "[ml] wobble -> no such key"):
        assert move in message, message


def test_following_the_old_ml_message_gives_the_same_settings(tmp_path):
    """The whole old [ml] section (tests/fixture_old_ml.toml, the old defaults under their old names) is refused;
    moving each key where the message says gives exactly today's defaults: every move keeps the key's meaning."""
    path = ROOT / "tests" / "fixture_old_ml.toml"
    old = tomllib.loads(path.read_text(encoding="utf-8"))["ml"]
    assert list(old) == OLD_ML_KEYS
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    moves = re.findall(r"\[ml\] (\w+) -> \[(\w+)\] (\w+)", str(info.value))
    assert [m[0] for m in moves] == OLD_ML_KEYS
    new: dict[str, dict] = {}
    for key, name, new_key in moves:
        new.setdefault(name, {})[new_key] = old[key]
    moved = load_settings(write_config(tmp_path, new, name="new.toml"))
    assert moved == dataclasses.replace(load_settings(), source=moved.source)


# ---------------------------------------------------------------- default.toml, written from the declarations


def test_default_toml_is_written_from_the_declarations_and_reads_back_as_the_defaults():
    """assets/default.toml is exactly what `python -m jacobian_settings` writes; read as a user file it gives
    the declared defaults; every section and key carries its documentation."""
    from jacobian_settings import default_toml

    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert text == default_toml(), "assets/default.toml is stale: run .venv/bin/python -m jacobian_settings"
    assert load_settings(DEFAULT_CONFIG) == dataclasses.replace(load_settings(), source=str(DEFAULT_CONFIG))
    for name, sec in SECTIONS.items():
        assert (sec.cls.__doc__ or "").strip(), f"[{name}] has no description"
        for key, doc in sec.docs.items():
            assert doc.strip(), f"[{name}].{key} has no description"
            assert doc.split()[0] in text.split(f"[{name}]\n", 1)[1], f"[{name}].{key}: its doc is not in the file"


def test_a_bad_declared_default_names_the_file_that_declares_it(tmp_path, monkeypatch):
    import jacobian_settings

    sec = SECTIONS["chain_rule"]
    monkeypatch.setitem(jacobian_settings._REGISTRY, "chain_rule", dataclasses.replace(
        sec, cls=dataclasses.make_dataclass("Bad", [("cell", float, dataclasses.field(
            default=-1.0, metadata={"check": sec.checks["cell"], "doc": "x"}))], frozen=True)))
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value).startswith(f"{sec.origin}: [chain_rule].cell must be a number > 0"), info.value


# ---------------------------------------------------------------- a scene owns its section


def _settings_read_by_scene_classes() -> dict[str, tuple[str, set[str]]]:
    """scene class -> (its file, the sections its code reads as ``self.settings.<section>``), from the source."""
    import ast

    out = {}
    for path in sorted((ROOT / "scenes").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                read = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                        and isinstance(n.value, ast.Attribute) and n.value.attr == "settings"
                        and isinstance(n.value.value, ast.Name) and n.value.value.id == "self"}
                out[node.name] = (path.name, read)
    return out


def test_a_scene_section_is_found_from_its_scene_and_read_by_it_alone():
    """Each scene section names its scene; that scene is defined in the file the section's module sits beside
    (scenes/<file>_settings.py -> scenes/<file>.py), reads the section, and no other scene reads it."""
    from jacobian_settings import section_of_scene

    read = _settings_read_by_scene_classes()
    shared = {"render", "rbf", "map", "colors", "source"}
    for name, sec in SECTIONS.items():
        if not sec.scenes:
            continue
        beside = Path(sec.origin).name.removesuffix("_settings.py") + ".py"
        for scene in sec.scenes:
            assert section_of_scene(scene) == name
            assert scene in read and read[scene][0] == beside, f"[{name}]: {scene} is not defined in scenes/{beside}"
            assert name in read[scene][1], f"{scene} never reads its own section [{name}]"
    for scene, (_, names) in read.items():
        foreign = names - shared - {section_of_scene(scene)}
        assert not foreign, f"{scene} reads {sorted(foreign)}, sections it does not own"


def test_sections_imported_before_the_first_load_are_kept(monkeypatch):
    """A scene that imports its settings module (ChainRule does, for GRID) before anything loads the settings:
    finding the sections afterwards keeps that one (it is not imported again); a fresh look reads them again."""
    import importlib

    import jacobian_settings

    importlib.import_module("scenes.chain_rule_settings")
    monkeypatch.setattr(jacobian_settings, "_discovered", [])
    assert list(jacobian_settings.sections()) == list(SECTIONS)
    assert list(jacobian_settings.sections(fresh=True)) == list(SECTIONS)
    assert load_settings(fresh=True).chain_rule == load_settings().chain_rule


def test_the_sections_order_does_not_depend_on_which_module_was_imported_first(monkeypatch):
    """Under pytest-xdist a worker had imported ChainRule (which imports its settings module) before anything
    loaded the settings: [chain_rule] came first and assets/default.toml read as stale.  The scenes' sections
    come in their files' name order whatever the order of registration."""
    import jacobian_settings

    jacobian_settings.sections()
    reversed_registry = dict(reversed(list(jacobian_settings._REGISTRY.items())))
    monkeypatch.setattr(jacobian_settings, "_REGISTRY", reversed_registry)
    assert list(jacobian_settings.sections()) == list(SECTIONS)
