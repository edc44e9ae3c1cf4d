"""The palette for colour-blind viewers, text contrast, text size and flashes (WCAG 1.4.1, 1.4.3, 2.3.1).

Colours that must be told apart in one picture (the groups below, read from the ACTIVE settings and
scenes/kit/style.py) differ by at least 20 ΔE*ab (CIE76, CIELAB D65) in normal vision and under simulated
protanopia, deuteranopia and tritanopia at full severity (Machado et al. 2009, lecture/access.py).  Every
colour used for text has a contrast of at least 4.5:1 against the background and the panels.  The colour
science is checked here against published values first."""

from __future__ import annotations

import ast
import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import scenes.kit.style as style
from jacobian_settings import ENV_VAR, active_settings
from lecture import access

ROOT = Path(__file__).resolve().parent.parent
KINDS = (None, "protanopia", "deuteranopia", "tritanopia")
MIN_DELTA_E = 20.0
MIN_CONTRAST = 4.5
MIN_FONT_SIZE = 18  # Manim font_size of the smallest text (style.SMALL_SIZE - 6, SpatialOutputs' notes)
MIN_X_HEIGHT_1080P = 14  # pixels: the x-height of that text at 1920x1080 in the lecture font (measured 14.6)


def hexes(colour) -> str:
    return colour.to_hex().upper() if hasattr(colour, "to_hex") else str(colour).upper()


def pictures() -> dict[str, dict[str, str]]:
    """The colours that appear together in one picture and carry different meanings, by scene (as the scenes
    use them; basis colours as many as the settings' centres and logits ask for, and all six together for a
    creator who sets six centres)."""
    s = active_settings()
    basis = [hexes(b) for b in s.colors.basis]
    roles = {"e1": hexes(style.E1), "e2": hexes(style.E2), "J e1": hexes(style.JE1), "J e2": hexes(style.JE2)}
    highlight = hexes(style.HIGHLIGHT)
    return {
        "grid squares, chain rule, penalty": {**roles, "highlight": highlight},
        "MAML": {**roles, "gradient": hexes(style.GRADIENT), "first-order": hexes(style.FIRST_ORDER)},
        "RBF features": {**{f"phi{i + 1}": basis[i % len(basis)] for i in range(len(s.rbf.centers))},
                         "highlight": highlight, "model": hexes(style.MODEL)},
        "all six basis colours": {f"phi{i + 1}": b for i, b in enumerate(basis)},
        "softmax": {**{f"p{i + 1}": basis[i % len(basis)] for i in range(len(s.softmax.logits))},
                    "positive": hexes(style.POSITIVE), "negative": hexes(style.NEGATIVE), "highlight": highlight},
        "flow": {"shrink": hexes(style.SHRINK), "grow": hexes(style.GROW), "highlight": highlight},
        "regression": {"descent": hexes(style.DESCENT), "Gauss-Newton": hexes(style.GAUSS_NEWTON),
                       "samples": hexes(style.SAMPLES)},
    }


def close_pairs(groups: dict[str, dict[str, str]]) -> list[str]:
    """Every pair in one picture closer than ``MIN_DELTA_E`` under some vision."""
    bad = []
    for picture, colours in groups.items():
        for (n1, c1), (n2, c2) in itertools.combinations(colours.items(), 2):
            if c1 == c2 and picture.startswith(("RBF", "softmax")):  # more centres than colours: cycled on purpose
                continue
            for kind in KINDS:
                d = access.delta_e76(c1, c2, kind)
                if d < MIN_DELTA_E:
                    bad.append(f"{picture}: {n1} {c1} vs {n2} {c2}: {d:.1f} under {kind or 'normal vision'}")
    return bad


# ------------------------------------------------------------------------------------- the colour science
def test_lab_and_contrast_match_published_values() -> None:
    # CIELAB of sRGB primaries (Bruce Lindbloom's calculator, D65): red (53.24, 80.09, 67.20), white (100, 0, 0)
    assert np.allclose(access.to_lab(access.simulate_cvd("#FF0000", None)), [53.24, 80.09, 67.20], atol=0.02)
    assert np.allclose(access.to_lab(access.simulate_cvd("#FFFFFF", None)), [100, 0, 0], atol=1e-6)
    assert np.allclose(access.to_lab(access.simulate_cvd("#0000FF", None)), [32.30, 79.19, -107.86], atol=0.02)
    # WCAG: black on white is 21:1; #767676 on white is the lightest grey that reaches 4.5:1
    assert access.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert access.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert access.contrast_ratio("#777777", "#FFFFFF") < 4.5


def test_cvd_simulation_is_machados() -> None:
    # each matrix keeps white white (rows sum to 1) and sends grey to grey
    for matrix in access.MACHADO_2009.values():
        assert np.allclose(matrix.sum(axis=1), 1.0, atol=2e-3)
    # the measurements of the old default palette: e2 vs J e1 about 13 under deuteranopia, e2 vs J e2
    # about 21 under protanopia; its example palette keeps at least 28 under all three
    assert access.delta_e76("#22C55E", "#EF4444", "deuteranopia") == pytest.approx(12.7, abs=0.1)
    assert access.delta_e76("#22C55E", "#F59E0B", "protanopia") == pytest.approx(21.4, abs=0.1)
    example = ["#3B82F6", "#2DD4BF", "#EF4444", "#FBBF24"]
    assert min(access.delta_e76(a, b, k) for a, b in itertools.combinations(example, 2) for k in KINDS[1:]) > 28
    # dichromats do not tell red from green: pure red and green come out nearly the same hue under both
    red, green = access.simulate_cvd("#FF0000", "deuteranopia"), access.simulate_cvd("#00FF00", "deuteranopia")
    assert abs(np.arctan2(*access.to_lab(red)[2:0:-1]) - np.arctan2(*access.to_lab(green)[2:0:-1])) < 0.2


# ------------------------------------------------------------------------------------- the active palette
def test_colours_told_apart_in_one_picture_also_when_colour_blind() -> None:
    bad = close_pairs(pictures())
    assert bad == [], "\n".join(bad)


def test_palette_check_catches_the_old_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jacobian_settings import activate

    old = tmp_path / "old.toml"
    old.write_text('[colors]\ne1 = "#3B82F6"\ne2 = "#22C55E"\nje1 = "#EF4444"\n'
                   'basis = ["#58C4DD", "#F0AC5F", "#83C167", "#C77DFF", "#FF6F91", "#FFD166"]\n')
    monkeypatch.setenv(ENV_VAR, str(old))
    activate(None)
    try:
        bad = close_pairs(pictures())
    finally:
        monkeypatch.delenv(ENV_VAR)
        activate(None)
    assert any("e2 #22C55E vs J e1 #EF4444: 12.7 under deuteranopia" in b for b in bad), bad
    assert any("phi2 #F0AC5F vs phi3 #83C167" in b for b in bad), bad


def text_colours() -> dict[str, str]:
    """Every colour the scenes write text in: the style's text colours, the roles (labels in their colour) and
    the basis colours (p_i, phi_i)."""
    names = ["TEXT", "MUTED", "AXIS", "HIGHLIGHT", "E1", "E2", "JE1", "JE2", "MODEL", "SHRINK", "GROW",
             "POSITIVE", "NEGATIVE", "DESCENT", "FIRST_ORDER"]
    found = {n: hexes(getattr(style, n)) for n in names}
    found.update({f"basis{i + 1}": hexes(b) for i, b in enumerate(active_settings().colors.basis)})
    return found


def test_text_contrast_against_background_and_panels() -> None:
    backgrounds = {"background": hexes(style.BACKGROUND), "panel": hexes(style.PANEL)}
    low = [f"{n} {c} on {b} {bc}: {access.contrast_ratio(c, bc):.2f}:1" for n, c in text_colours().items()
           for b, bc in backgrounds.items() if access.contrast_ratio(c, bc) < MIN_CONTRAST]
    assert low == [], "\n".join(low)


def _font_sizes() -> list[tuple[str, int, object]]:
    """Every ``font_size=`` in the scenes that is a number, a ``style.*_SIZE`` or ``style.*_SIZE +- n``."""
    found = []
    for path in sorted((ROOT / "scenes").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.keyword) and node.arg == "font_size"):
                continue
            value = node.value
            try:
                size = eval(compile(ast.Expression(value), str(path), "eval"), {"style": style})  # noqa: S307
            except Exception:  # noqa: BLE001 - a local variable: checked where it is set, by its own name
                continue
            if isinstance(size, (int, float)):
                found.append((f"{path.name}:{node.value.lineno}", size, ast.unparse(value)))
    return found


def test_no_text_smaller_than_the_stated_minimum() -> None:
    sizes = _font_sizes()
    assert len(sizes) > 50
    small = [f"{where}: font_size={text} = {size}" for where, size, text in sizes if size < MIN_FONT_SIZE]
    assert small == [], small


@pytest.mark.render
def test_smallest_text_at_1080p() -> None:
    """The x-height of the smallest text size at 1080p, measured on a Manim Text (frame: 8 units tall)."""
    from manim import Text, config

    x = Text("x", font_size=MIN_FONT_SIZE)
    pixels = x.height * 1080 / config.frame_height
    assert pixels >= MIN_X_HEIGHT_1080P, pixels


# ------------------------------------------------------------------------------------- flashes
def _frames(pattern: list[float], size=(90, 160), red: bool = False, area: float = 1.0) -> list[np.ndarray]:
    """Frames whose flashing part (the left ``area`` of the frame) has these grey (or red) levels."""
    frames = []
    for level in pattern:
        frame = np.zeros((*size, 3))
        cols = max(1, round(size[1] * area))
        frame[:, :cols] = [level, 0, 0] if red else level
        frames.append(frame)
    return frames


def test_flash_check_on_synthetic_clips() -> None:
    fps = 30
    blink = [1.0 if (i // 3) % 2 else 0.0 for i in range(60)]  # 5 Hz black/white: 10 flashes a second
    report = access.flash_counts(_frames(blink), fps)
    assert report.general >= 4 and not report.ok
    three = [1.0 if (i // 5) % 2 else 0.0 for i in range(30)] + [0.0] * 30  # 3 flashes in one second
    assert access.flash_counts(_frames(three), fps).general == 3 and access.flash_counts(_frames(three), fps).ok
    fade = list(np.linspace(0, 1, 30)) + list(np.linspace(1, 0, 30)) * 1  # one slow fade in and out
    assert access.flash_counts(_frames(fade), fps).general <= 1
    small = access.flash_counts(_frames(blink, area=0.02), fps)  # under a quarter of a 10 degree field
    assert small.general == 0 and small.ok
    # both states bright: sRGB 0.92 is relative luminance 0.83, above the 0.8 of a flash's darker state
    bright = access.flash_counts(_frames([0.92 + 0.08 * v for v in blink]), fps)
    assert bright.general == 0
    assert access.flash_counts(_frames([0.85 + 0.15 * v for v in blink]), fps).general >= 4  # 0.69 is dark
    red = access.flash_counts(_frames([0.9 * v + 0.05 for v in blink], red=True), fps)
    assert red.red >= 4 and not red.ok


def test_flash_check_on_a_video_file(tmp_path: Path) -> None:
    import av

    path = tmp_path / "blink.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for i in range(60):
            level = 255 if (i // 4) % 2 else 0
            frame = av.VideoFrame.from_ndarray(np.full((90, 160, 3), level, np.uint8), format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    report = access.video_flashes(path)
    assert not report.ok and report.general >= 3


@pytest.mark.render
def test_rendered_fixture_lecture_does_not_flash(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    done = subprocess.run([sys.executable, "-m", "lecture", "--storyboard", "tests.fixture_storyboard:TWO",
                           "--quality", "tiny", "--output", str(tmp_path), "--voice", "none", "--jobs", "2"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    report = access.video_flashes(tmp_path / "jacobian_lecture.mp4")
    assert report.ok, report
