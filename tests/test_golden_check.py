"""The golden-frame comparison itself (no rendering): the committed goldens pass against themselves, and
wrong pictures made from them fail, including the ones the old whole-frame check (mean <= 3, < 1 % of
pixels off by > 64) let through."""

from __future__ import annotations

import numpy as np
import pytest
import scene_harness
from PIL import Image
from scene_harness import (
    BACKGROUND_RGB,
    GOLDEN_DIR,
    assert_beats_match_golden,
    assert_matches_golden,
    golden_difference,
)

GOLDENS = sorted(p.stem for p in GOLDEN_DIR.glob("*.png") if "." not in p.stem)


def load(name: str) -> np.ndarray:
    return np.asarray(Image.open(GOLDEN_DIR / f"{name}.png").convert("RGB")).copy()


def old_check_passes(frame: np.ndarray, golden: np.ndarray) -> bool:
    diff = np.abs(golden.astype(int) - frame.astype(int)).max(axis=-1)
    return bool(diff.mean() <= 3.0 and (diff > 64).mean() <= 0.01)


def foreground(img: np.ndarray) -> np.ndarray:
    return np.abs(img.astype(int) - BACKGROUND_RGB).max(-1) > scene_harness.BACKGROUND_TOL


def erase_box(img: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    out = img.copy()
    out[y0:y1, x0:x1] = BACKGROUND_RGB
    return out


def test_there_are_goldens():
    assert len(GOLDENS) >= 10, GOLDENS  # one per scene


@pytest.mark.parametrize("name", GOLDENS)
def test_a_golden_matches_itself(name):
    g = load(name)
    assert golden_difference(g, g)["ok"]


def densest_block(mask: np.ndarray, size: int = 40, step: int = 10) -> tuple[int, int]:
    """Top-left (row, column) of the ``size`` x ``size`` block (on a ``step`` grid) with the most True pixels."""
    counts = np.lib.stride_tricks.sliding_window_view(mask, (size, size))[::step, ::step].sum(axis=(2, 3))
    r, c = np.unravel_index(np.argmax(counts), counts.shape)
    return step * int(r), step * int(c)


@pytest.mark.parametrize("name", GOLDENS)
def test_wrong_pictures_fail(name):
    g = load(name)
    h, w = g.shape[:2]
    fg = foreground(g)
    # the densest 40 x 40 block of foreground: something is drawn there
    y0, x0 = densest_block(fg)
    # the 40 x 40 block with the most coloured pixels (red and blue apart): where a colour swap shows
    cy, cx = densest_block(np.abs(g[..., 0].astype(int) - g[..., 2].astype(int)) > 40)
    breaks = {
        "flipped vertically": g[::-1],
        "flipped horizontally": g[:, ::-1],
        "one 40x40 block erased": erase_box(g, y0, y0 + 40, x0, x0 + 40),
        "one 40x40 block with red and blue swapped": np.concatenate(
            [g[:cy], np.concatenate([g[cy:cy + 40, :cx], g[cy:cy + 40, cx:cx + 40, ::-1], g[cy:cy + 40, cx + 40:]], 1),
             g[cy + 40:]], 0),
        "shifted by 2 pixels": np.roll(g, 2, axis=1),
        "the right third erased": erase_box(g, 0, h, 2 * w // 3, w),
    }
    for what, bad in breaks.items():
        result = golden_difference(bad, g)
        assert not result["ok"], f"{name}: {what} passed ({ {k: v for k, v in result.items() if k != 'bad'} })"


def test_the_old_check_let_wrong_pictures_through():
    """Why the check changed: on a sparse frame a whole third erased passed the old whole-frame test."""
    g = load("rbf_RBFModel")
    h, w = g.shape[:2]
    third = erase_box(g, 0, h, 2 * w // 3, w)
    assert foreground(g)[:, 2 * w // 3:].sum() > 500  # a third with plenty drawn in it
    assert old_check_passes(third, g)
    assert not golden_difference(third, g)["ok"]


def test_a_few_pixels_of_glyph_noise_pass():
    """What the measured noise looks like (a re-placed digit: a handful of pixels in one tile) passes."""
    g = load("ml_TaylorError")
    noisy = g.copy()
    ys, xs = np.nonzero(foreground(g))
    y, x = ys[len(ys) // 2], xs[len(xs) // 2]
    noisy[y:y + 2, x:x + 3] = 255 - noisy[y:y + 2, x:x + 3]  # 6 pixels flipped
    assert golden_difference(noisy, g)["ok"]


def test_missing_golden_fails_and_only_update_golden_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(scene_harness, "GOLDEN_DIR", tmp_path)
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    monkeypatch.delenv("CI", raising=False)
    frame = load("rbf_RBFModel")
    with pytest.raises(AssertionError, match="is missing"):
        assert_matches_golden(frame, "new_scene")
    assert not (tmp_path / "new_scene.png").exists()
    assert (tmp_path / "new_scene.actual.png").exists()
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    assert_matches_golden(frame, "new_scene")
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "new_scene.png").convert("RGB")), frame)
    monkeypatch.delenv("UPDATE_GOLDEN")
    assert_matches_golden(frame, "new_scene")


def test_a_failure_writes_the_actual_frame_and_a_diff_image(tmp_path, monkeypatch):
    monkeypatch.setattr(scene_harness, "GOLDEN_DIR", tmp_path)
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    g = load("grid_squares")
    Image.fromarray(g).save(tmp_path / "grid_squares.png")
    with pytest.raises(AssertionError, match=r"differs from golden: .* tiles over: \(x "):
        assert_matches_golden(g[:, ::-1].copy(), "grid_squares")
    actual = np.asarray(Image.open(tmp_path / "grid_squares.actual.png").convert("RGB"))
    np.testing.assert_array_equal(actual, g[:, ::-1])
    diff = np.asarray(Image.open(tmp_path / "grid_squares.diff.png").convert("RGB"))
    assert diff.shape == g.shape and ((diff == (255, 0, 255)).all(-1)).sum() > 100


def test_beat_goldens_compare_every_beat_and_fail_on_a_stale_one(tmp_path, monkeypatch):
    """Per-beat goldens in <GOLDEN_DIR>/beats/<Scene>/<beat id>.png: written by UPDATE_GOLDEN=1, each beat
    compared (one error names every differing beat), and a golden of a beat the scene no longer has fails until
    UPDATE_GOLDEN=1 deletes it."""
    monkeypatch.setattr(scene_harness, "GOLDEN_DIR", tmp_path)
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    a, b = load("grid_squares"), load("rbf_RBFModel")
    beats = [("Demo-show_a", a), ("Demo-show_b", b)]
    with pytest.raises(AssertionError, match="(?s)2 of 2 beat end frames differ.*show_a.png is missing"):
        assert_beats_match_golden(beats, "Demo")
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    assert_beats_match_golden(beats, "Demo")
    folder = tmp_path / "beats" / "Demo"
    assert sorted(p.name for p in folder.glob("*.png") if ".actual" not in p.name) == ["show_a.png",
                                                                                     "show_b.png"]
    monkeypatch.delenv("UPDATE_GOLDEN")
    assert_beats_match_golden(beats, "Demo")
    with pytest.raises(AssertionError, match=r"(?s)1 of 2 beat end frames differ.*\nshow_b: differs from golden"):
        assert_beats_match_golden([beats[0], ("Demo-show_b", b[:, ::-1].copy())], "Demo")
    with pytest.raises(AssertionError, match="goldens of beats the scene no longer has: show_b.png"):
        assert_beats_match_golden(beats[:1], "Demo")
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    assert_beats_match_golden(beats[:1], "Demo")
    assert not (folder / "show_b.png").exists()


def test_a_shared_render_is_keyed_by_the_settings_values_not_by_their_file(tmp_path, monkeypatch) -> None:
    """Tests that ask for a scene under the same values share one render, whichever user file each wrote (each
    test's file has a path of its own); other values, or another scene, are another render."""
    from jacobian_settings import ENV_VAR, activate

    keys = []
    for k, text in enumerate(["", "[rbf]\n", "[rbf]\nx0_final = 1.0\n"]):
        path = tmp_path / f"user{k}.toml"
        path.write_text(text)
        monkeypatch.setenv(ENV_VAR, str(path))
        activate(None)
        keys.append(scene_harness.render_key("RBFJacobian"))
    monkeypatch.delenv(ENV_VAR)
    activate(None)
    keys.append(scene_harness.render_key("RBFJacobian"))
    assert keys[0] == keys[1] == keys[3]
    assert keys[2] != keys[0]
    assert scene_harness.render_key("RBFModel") != keys[3]


def test_captions_of_all_renders_what_no_process_is_rendering_then_waits_for_the_rest(tmp_path, monkeypatch,
                                                                                      use_config) -> None:
    """Another test process (here a thread with a lock of its own) is rendering TaylorError: captions_of_all
    renders EncoderSensitivity meanwhile, then waits and takes TaylorError's captions from the shared folder."""
    import json
    import threading

    from scene_harness import Rendered, Said, captions_of_all, render_key

    use_config("")
    monkeypatch.setenv(scene_harness.SHARED_ENV, str(tmp_path / "shared"))
    monkeypatch.setattr(scene_harness, "_RENDERS", {})
    rendered_here, holding, started, in_time = [], threading.Event(), threading.Event(), []

    def render(name, stored):
        rendered_here.append(name)
        started.set()
        return Rendered(None, None, [], [Said(f"{name}-x", "rendered here", None)], ["rendered here"])

    def elsewhere():
        with scene_harness._shared(render_key("TaylorError"), wait=True) as (stored, locked):
            assert locked
            holding.set()
            in_time.append(started.wait(10))  # the other scene is rendered while this one still is
            stored.write_text(json.dumps({"said": [["TaylorError-x", "said elsewhere", None]],
                                          "subcaptions": ["said elsewhere"]}))

    monkeypatch.setattr(scene_harness, "_render", render)
    other = threading.Thread(target=elsewhere)
    other.start()
    holding.wait(10)
    found = captions_of_all(["TaylorError", "EncoderSensitivity"])
    other.join()
    assert rendered_here == ["EncoderSensitivity"] and in_time == [True]
    assert found["TaylorError"] == ([Said("TaylorError-x", "said elsewhere", None)], ["said elsewhere"])
    assert found["EncoderSensitivity"][1] == ["rendered here"]


def test_formulas_are_pooled_by_hard_links_never_the_scratch_copies(tmp_path) -> None:
    """scene_harness._link_formulas: each process's TeX folder gives its formula SVGs to the run's pool and takes
    the others' from it, as links (nothing copied or rewritten); Manim's scratch copies (``<hash>_.svg``, written
    beside an SVG while it is parsed) stay where they are, and a formula already there is kept."""
    mine, pool = tmp_path / "Tex", tmp_path / "pool"
    mine.mkdir()
    (mine / "a.svg").write_text("a")
    (mine / "a_.svg").write_text("scratch")
    (mine / "a.tex").write_text("document")
    scene_harness._link_formulas(mine, pool)
    assert sorted(p.name for p in pool.iterdir()) == ["a.svg"]
    assert (pool / "a.svg").stat().st_ino == (mine / "a.svg").stat().st_ino
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.svg").write_text("its own")
    scene_harness._link_formulas(pool, other)
    assert (other / "a.svg").read_text() == "its own"
    (pool / "b.svg").write_text("b")
    scene_harness._link_formulas(pool, other)
    assert (other / "b.svg").stat().st_ino == (pool / "b.svg").stat().st_ino
