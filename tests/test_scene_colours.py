"""Colour roles, read back and seen in rendered frames: e1 blue, e2 green, J e1 red, J e2 orange (as on the
page), from the active settings' ``[colors] e1 e2 je1 je2``.

For GridSquaresUnderF, ChainRule and JacobianPenalty each arrow's role is decided here from its geometry (e1
arrows point along +x, e2 along +y, J e1 arrows along column 0 of the Jacobian computed in the test, J e2 along
column 1) and its colour must be the configured one for that role: first with the default settings, then with a
user file that sets four other colours.  The same arrows are then found in a rendered frame (640x360): the
pixels inside each arrow tip must show that colour, and it must be the nearest of the four role colours, so
two swapped colours fail.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from scene_harness import render_scene

import scenes.kit.style
from jacobian_math import numerical_jacobian
from jacobian_settings import DEFAULT_CONFIG, ENV_VAR, activate

pytestmark = pytest.mark.render

SIZE = (640, 360)
DEFAULT = {"e1": "#3F86F7", "e2": "#2FE08A", "je1": "#F14D4D", "je2": "#F59E0B"}  # assets/default.toml
USER = {"e1": "#E11D48", "e2": "#06B6D4", "je1": "#A855F7", "je2": "#84CC16"}
PAGE_J = {(-1.0, -1.0): [[-2, -1], [1, -2]], (0.0, 0.0): [[0, -1], [1, 0]], (1.0, 1.0): [[2, -1], [1, 2]]}


def test_default_colours_are_the_pages():
    text = DEFAULT_CONFIG.read_text()
    for role, hex_ in DEFAULT.items():
        assert f'{role} = "{hex_}"' in text


@contextmanager
def colours_from(roles: dict[str, str] | None, tmp: Path):
    """Settings (and scenes.kit.style, which reads them when asked) with ``roles`` as [colors]; restored after."""
    mp = pytest.MonkeyPatch()
    try:
        if roles is not None:
            path = tmp / "colours.toml"
            path.write_text("[colors]\n" + "".join(f'{k} = "{v}"\n' for k, v in roles.items()))
            mp.setenv(ENV_VAR, str(path))
        else:
            mp.delenv(ENV_VAR, raising=False)
        activate(None)
        importlib.reload(scenes.kit.style)
        yield
    finally:
        mp.undo()
        activate(None)
        importlib.reload(scenes.kit.style)


def snapshot(scene, arrows: dict[str, list]) -> dict:
    """The whole picture as it stands (every mobject redrawn) and, per role, each arrow's colour, its
    start and end (frame units) and the pixels inside its tip."""
    from manim import config

    renderer = scene.renderer
    renderer.static_image = None
    renderer.update_frame(scene)
    frame = np.asarray(renderer.get_frame())[..., :3].copy()
    h, w = frame.shape[:2]
    to_px = np.array([w / config.frame_width, -h / config.frame_height])
    origin = np.array([w / 2, h / 2])
    out = {"frame": frame, "arrows": {}}
    for role, mobs in arrows.items():
        out["arrows"][role] = [{
            "stroke": a.get_stroke_color().to_hex().upper(),
            "tip": a.tip.get_fill_color().to_hex().upper(),
            "start": np.array(a.get_start()[:2]),
            "end": np.array(a.get_end()[:2]),
            "tip_px": origin + to_px * np.asarray(a.tip.get_vertices())[:, :2],
        } for a in mobs]
    return out


def tip_pixels(frame: np.ndarray, tri: np.ndarray, shrink: float = 0.6) -> np.ndarray:
    """Pixels whose centres lie inside the tip triangle shrunk about its centroid (clear of anti-aliasing)."""
    c = tri.mean(axis=0)
    t = c + shrink * (tri - c)
    ys, xs = np.mgrid[0:frame.shape[0], 0:frame.shape[1]]
    p = np.stack([xs + 0.5, ys + 0.5], -1)
    signs = []
    for i in range(3):
        a, b = t[i], t[(i + 1) % 3]
        signs.append((b[0] - a[0]) * (p[..., 1] - a[1]) - (b[1] - a[1]) * (p[..., 0] - a[0]))
    s = np.stack(signs)
    inside = (s >= 0).all(0) | (s <= 0).all(0)
    return frame[inside].astype(int)


def hex_rgb(hex_: str) -> np.ndarray:
    return np.array([int(hex_[i:i + 2], 16) for i in (1, 3, 5)])


def check_mobject_colours(snap: dict, colours: dict[str, str]) -> None:
    """Every arrow's stroke and tip have its role's configured colour."""
    for role, arrows in snap["arrows"].items():
        assert arrows, role
        for k, a in enumerate(arrows):
            assert (a["stroke"], a["tip"]) == (colours[role], colours[role]), (role, k, a["stroke"], a["tip"])


def check_frame_colours(snap: dict, colours: dict[str, str]) -> None:
    """Inside every arrow's tip the frame shows its role's colour (within 12 of 255 per channel), and it is the
    nearest of the four role colours."""
    roles = {r: hex_rgb(c) for r, c in colours.items()}
    for role, arrows in snap["arrows"].items():
        assert arrows, role
        for k, a in enumerate(arrows):
            px = tip_pixels(snap["frame"], a["tip_px"])
            assert len(px) >= 3, (role, k, len(px))
            seen = np.median(px, axis=0)
            nearest = min(roles, key=lambda r: np.abs(roles[r] - seen).max())
            assert nearest == role, f"{role} arrow {k}: tip pixels {seen} look like {nearest} ({colours[nearest]})"
            assert np.abs(seen - roles[role]).max() <= 12, (role, k, seen, colours[role])


def direction(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, float) / np.linalg.norm(v)


# ---------------------------------------------------------------- the three scenes, recorded


def grid_recorded():
    from scenes.grid_squares import GridSquaresUnderF

    class Recorded(GridSquaresUnderF):
        def show_domain_grid(self) -> None:
            super().show_domain_grid()
            arrows = {"e1": list(self.e_arrows[0::2]), "e2": list(self.e_arrows[1::2])}
            self.snaps = {"e": snapshot(self, arrows)}

        def construct(self) -> None:
            super().construct()
            self.snaps["j"] = snapshot(self, {"je1": list(self.j_arrows[0::2]), "je2": list(self.j_arrows[1::2])})

    Recorded.__name__ = "GridSquaresUnderF"
    return Recorded


def chain_recorded():
    from scenes.chain_rule import ChainRule

    class Recorded(ChainRule):
        def push_through_g(self) -> None:
            super().push_through_g()
            edges_f, edges_gf = self.edges_f, self.edges_gf
            self.edges = (edges_f, edges_gf)
            self.snaps = {"all": snapshot(self, {
                "e1": [self.e_arrows[0]], "e2": [self.e_arrows[1]],
                "je1": [edges_f[0], edges_gf[0]], "je2": [edges_f[1], edges_gf[1]]})}

    Recorded.__name__ = "ChainRule"
    return Recorded


def penalty_recorded():
    from manim import Arrow

    from scenes.penalty import JacobianPenalty

    class Recorded(JacobianPenalty):
        def construct(self) -> None:
            super().construct()
            start = self.panels[0].point(self.p)
            inputs = [m for m in self.mobjects for m in m.get_family()
                      if isinstance(m, Arrow) and np.allclose(m.get_start(), start)]
            assert len(inputs) == 2, inputs
            # which is e1 is decided by where it points (the test below checks the directions exactly)
            inputs.sort(key=lambda m: -abs(m.get_end()[0] - m.get_start()[0]))
            self.input_arrows = inputs
            cols = [self.map_parts[k]["columns"] for k in range(2)]
            self.snaps = {"all": snapshot(self, {
                "e1": [inputs[0]], "e2": [inputs[1]], "je1": [c[0] for c in cols], "je2": [c[1] for c in cols]})}

    Recorded.__name__ = "JacobianPenalty"
    return Recorded


@pytest.fixture(scope="module", params=["default", "user"])
def colours(request, tmp_path_factory):
    """(role colours, rendered scenes) with the default settings and with a user file of other colours."""
    tmp = tmp_path_factory.mktemp(f"colours_{request.param}")
    roles = DEFAULT if request.param == "default" else USER
    scenes_ = {}
    with colours_from(None if request.param == "default" else USER, tmp):
        assert {r: getattr(scenes.kit.style, r.upper()).to_hex().upper() for r in roles} == roles
        for name, make in (("grid", grid_recorded), ("chain", chain_recorded), ("penalty", penalty_recorded)):
            scenes_[name] = render_scene(make(), tmp / name, *SIZE, last_frame=True)
    return roles, scenes_


# ---------------------------------------------------------------- GridSquaresUnderF


def test_grid_arrows_point_along_their_roles(colours):
    _, s = colours
    scene = s["grid"]
    e = scene.snaps["e"]["arrows"]
    for a in e["e1"]:
        np.testing.assert_allclose(direction(a["end"] - a["start"]), [1, 0], atol=1e-9)
    for a in e["e2"]:
        np.testing.assert_allclose(direction(a["end"] - a["start"]), [0, 1], atol=1e-9)
    j = scene.snaps["j"]["arrows"]
    for k, p in enumerate(scene.points):
        jac = np.array(PAGE_J[tuple(p)], float)  # the page's J = [[2x, -1], [1, 2y]]
        for i, role in enumerate(("je1", "je2")):
            a = j[role][k]
            start, end = (scene.plane.p2c([*q, 0])[:2] for q in (a["start"], a["end"]))
            np.testing.assert_allclose(direction(np.subtract(end, start)), direction(jac[:, i]), atol=1e-6)


def test_grid_arrows_have_their_role_colours(colours):
    roles, s = colours
    check_mobject_colours(s["grid"].snaps["e"], roles)
    check_mobject_colours(s["grid"].snaps["j"], roles)


def test_grid_arrows_show_their_role_colours_in_the_frame(colours):
    roles, s = colours
    check_frame_colours(s["grid"].snaps["e"], roles)
    check_frame_colours(s["grid"].snaps["j"], roles)


# ---------------------------------------------------------------- ChainRule


def _tanh(W, b):
    W, b = np.asarray(W), np.asarray(b)
    return lambda x: np.tanh(np.asarray(x) @ W.T + b)


def test_chain_rule_arrows_point_along_their_roles(colours):
    _, s = colours
    scene = s["chain"]
    cfg = scene.settings.chain_rule
    f, g = _tanh(cfg.w1, cfg.b1), _tanh(cfg.w2, cfg.b2)
    p = np.array(cfg.point)
    jf = numerical_jacobian(f, p, 1e-6)
    jgf = numerical_jacobian(g, f(p), 1e-6) @ jf
    a = scene.snaps["all"]["arrows"]
    np.testing.assert_allclose(direction(a["e1"][0]["end"] - a["e1"][0]["start"]), [1, 0], atol=1e-9)
    np.testing.assert_allclose(direction(a["e2"][0]["end"] - a["e2"][0]["start"]), [0, 1], atol=1e-9)
    for k, (jac, panel) in enumerate(((jf, scene.panels[1]), (jgf, scene.panels[2]))):
        for i, role in enumerate(("je1", "je2")):
            arrow = a[role][k]
            start, end = panel.to_data(np.array([[*arrow["start"], 0], [*arrow["end"], 0]]))
            np.testing.assert_allclose(end - start, cfg.cell * jac[:, i], atol=1e-6)


def test_chain_rule_arrows_have_their_role_colours(colours):
    roles, s = colours
    check_mobject_colours(s["chain"].snaps["all"], roles)


def test_chain_rule_arrows_show_their_role_colours_in_the_frame(colours):
    roles, s = colours
    check_frame_colours(s["chain"].snaps["all"], roles)


# ---------------------------------------------------------------- JacobianPenalty


def test_penalty_arrows_point_along_their_roles(colours):
    _, s = colours
    scene = s["penalty"]
    cfg = scene.settings.penalty
    p = np.array(cfg.point)
    a = scene.snaps["all"]["arrows"]
    np.testing.assert_allclose(direction(a["e1"][0]["end"] - a["e1"][0]["start"]), [1, 0], atol=1e-9)
    np.testing.assert_allclose(direction(a["e2"][0]["end"] - a["e2"][0]["start"]), [0, 1], atol=1e-9)
    for k, W in enumerate((cfg.w_steep, cfg.w_flat)):
        jac = numerical_jacobian(_tanh(W, cfg.b), p, 1e-6)
        panel = scene.panels[k + 1]
        for i, role in enumerate(("je1", "je2")):
            arrow = a[role][k]
            start, end = panel.to_data(np.array([[*arrow["start"], 0], [*arrow["end"], 0]]))
            # r J e_i, drawn col_scales[k] times longer when short (the key says so)
            np.testing.assert_allclose(end - start, scene.col_scales[k] * scene.radius * jac[:, i], atol=1e-6)


def test_penalty_arrows_have_their_role_colours(colours):
    roles, s = colours
    check_mobject_colours(s["penalty"].snaps["all"], roles)


def test_penalty_arrows_show_their_role_colours_in_the_frame(colours):
    roles, s = colours
    check_frame_colours(s["penalty"].snaps["all"], roles)
