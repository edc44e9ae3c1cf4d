"""``scenes.kit.scene``: uncover/cover fades look like Manim's FadeIn/FadeOut and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from manim import FadeIn, FadeOut, Square, Text
from scene_harness import render_scene

from scenes.kit import style
from scenes.kit.scene import LectureScene, cover, uncover


def _shapes() -> list:
    return [Square(2.0, color=style.E1, fill_opacity=0.8), Text("Jacobian", font_size=40).shift([0, 2, 0])]


class ByVeil(LectureScene):
    def construct(self) -> None:
        shapes = _shapes()
        uncover(self, [[shapes[0]], [shapes[1]]], 1.0)
        cover(self, [[shapes[0]], [shapes[1]]], 1.0)


class ByFade(LectureScene):
    def construct(self) -> None:
        shapes = _shapes()
        self.play(*(FadeIn(s) for s in shapes), run_time=1.0)
        self.play(*(FadeOut(s) for s in shapes), run_time=1.0)


def _nothing_drawn(scene) -> bool:
    """No mobject with points is left in the scene (Manim's waits leave an empty Mobject)."""
    return not any(m.family_members_with_points() for m in scene.mobjects)


def _frames(scene, tmp: Path) -> np.ndarray:
    path = next(p for p in tmp.rglob(f"{type(scene).__name__}.mp4") if "partial_movie_files" not in p.parts)
    with av.open(str(path)) as box:
        return np.stack([f.to_ndarray(format="rgb24").astype(float) for f in box.decode(video=0)])


def test_uncover_and_cover_look_like_fading_the_content(tmp_path: Path) -> None:
    veil = render_scene(ByVeil, tmp_path / "veil", fps=10)
    fade = render_scene(ByFade, tmp_path / "fade", fps=10)
    a, b = _frames(veil, tmp_path / "veil"), _frames(fade, tmp_path / "fade")
    assert a.shape == b.shape and len(a) == 20
    for k in (3, 5, 9, 13, 16):  # mid-fade in, fully in, mid-fade out
        assert np.abs(a[k] - b[k]).mean() < 1.5, k
    assert np.abs(a[9] - a[0]).max() > 100  # the content is really shown
    assert _nothing_drawn(veil)  # cover removed the content and its veils


class Card(LectureScene):
    def construct(self) -> None:
        self.beat("card")
        self.title_card("A title", "and a subtitle", seconds=0.4)


def test_title_card_shows_and_then_clears(tmp_path: Path) -> None:
    scene = render_scene(Card, tmp_path, fps=10)
    frames = _frames(scene, tmp_path)
    assert np.abs(frames[8] - frames[0]).max() > 100 and _nothing_drawn(scene)
    assert np.abs(frames[-1] - frames[0]).mean() < 1  # nearly faded out on the last frame of the cover


def test_small_nonzero_numbers_keep_a_significant_digit() -> None:
    from scenes.kit.text import fmt_decimals, places_for

    # a nonzero value never reads as zero: -0.004 with 2 decimals would be "-0.00"
    assert [fmt_decimals(v) for v in (0.1234, -0.004, 0.00003, 0.0, 0.0049)] == ["0.12", "-0.004", "0.00003", "0.00",
                                                                                 "0.005"]
    assert fmt_decimals(0.0004, 3) == "0.0004" and fmt_decimals(0.9996, 3) == "1.000"
    assert places_for([[1.13, -0.13], [-0.004, 0.98]]) == 3  # the whole matrix gets the decimals -0.004 needs
    assert places_for([0.5, 0.0, -0.25]) == 2  # an exact zero is shown as 0.00
    assert places_for([1e-9, 1.0]) == 4  # at most `most` decimals
    assert places_for([[2.0, 0.04]], 1, 3) == 2
    for values in ([0.004, -0.3], [-0.0071, 0.2], [0.00049, 1.0]):
        places = places_for(values)
        assert all(float(f"{v:.{places}f}") != 0 for v in values)
