"""Formulas compiled in one batch (``scenes/kit/tex_batch.py``) and ahead of need
(``scenes/kit/tex_lookahead.py``): the same outlines as Manim's own one-by-one compile, fewer TeX runs, and
the same frames."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from manim import DecimalNumber, MathTex, Tex, Write, tempconfig
from manim.utils import tex_file_writing

from scenes.kit import style, tex_batch
from scenes.kit.scene import LectureScene
from scenes.kit.tex_lookahead import ENV_VAR
from tests.scene_harness import render_scene

FORMULAS = [  # (args, kwargs) of MathTex, as the scenes build them: parts, matrices, isolated substrings
    ((r"J_f(x, y) = \begin{bmatrix} 2x & -1 \\ 1 & 2y \end{bmatrix}",), {}),
    ((r"f(x)", "=", r"w^\top \phi(x)"), {}),
    ((r"\|J_f\|_F = \sqrt{\sum_{ij} J_{ij}^2}",), {"substrings_to_isolate": ["J_f", "="]}),
    ((r"\frac{\partial \phi_i}{\partial x} = -\frac{x - c_i}{\sigma^2}\,\phi_i(x)",), {}),
    ((r"\sigma_1 \geq \sigma_2",), {}),
]


def build_all() -> list:
    """The test's formulas (MathTex, a Tex paragraph and two numbers) built in the active TeX folder."""
    mobs = [MathTex(*args, **kwargs) for args, kwargs in FORMULAS]
    mobs.append(Tex(r"Gauss--Newton, 3 steps"))
    mobs += [DecimalNumber(-0.27, num_decimal_places=2), DecimalNumber(12.5, num_decimal_places=1)]
    return mobs


def outline(mob) -> list:
    """The family structure and every point of ``mob``: what a drawing of it depends on."""
    return [(len(m.submobjects), np.round(m.points, 9).tolist()) for m in mob.get_family()]


def count_compiles(monkeypatch) -> list[Path]:
    """Record every formula Manim compiles on its own (``compile_tex``) from now on."""
    calls: list[Path] = []
    original = tex_file_writing.compile_tex

    def counting(tex_file, *args, **kwargs):
        calls.append(Path(tex_file))
        return original(tex_file, *args, **kwargs)

    monkeypatch.setattr(tex_file_writing, "compile_tex", counting)
    return calls


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory) -> tuple[Path, list]:
    """Manim's own compile of the formulas, one at a time: its TeX folder and the outlines."""
    media = tmp_path_factory.mktemp("one_by_one")
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        mobs = build_all()
    return media / "Tex", [outline(m) for m in mobs]


def test_a_batch_gives_every_formula_the_outlines_of_its_own_compile(one_by_one, tmp_path, monkeypatch) -> None:
    tex_dir, expected = one_by_one
    batch_dir = tmp_path / "Tex"
    batch_dir.mkdir()
    sources = sorted(tex_dir.glob("*.tex"))
    assert len(sources) >= 8  # the five formulas, the paragraph and the characters of the numbers
    for tex in sources:
        shutil.copy(tex, batch_dir)
    written = tex_batch.compile_batch(sorted(batch_dir.glob("*.tex")))
    assert sorted(written) == sorted(batch_dir / f"{t.stem}.svg" for t in sources)
    assert not list(tmp_path.glob(".Tex-batch-*"))  # the work folder is gone
    calls = count_compiles(monkeypatch)
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        got = [outline(m) for m in build_all()]
    assert calls == []  # every formula came from the batch
    assert got == expected


def test_a_batch_with_a_tex_error_publishes_nothing(tmp_path) -> None:
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        template = tex_file_writing.config["tex_template"]
        good = tex_file_writing.generate_tex_file("x + 1", "align*", template)
        bad = tex_file_writing.generate_tex_file(r"\frac{1}{", "align*", template)
    assert tex_batch.compile_batch([good, bad]) == []
    assert not list((tmp_path / "Tex").glob("*.svg"))
    assert not list(tmp_path.glob(".Tex-batch-*"))
    assert tex_batch.compile_batch([good]) == [good.with_suffix(".svg")]


def test_only_manims_standalone_preview_documents_are_batched(tmp_path) -> None:
    other = tmp_path / "Tex" / "0123456789abcdef.tex"
    other.parent.mkdir()
    other.write_text("\\documentclass{article}\n\\begin{document}\n$x$\n\\end{document}\n")
    assert tex_batch.split_document(other.read_text()) is None
    assert tex_batch.compile_batch([other]) == []
    truncated = "\\documentclass[preview]{standalone}\n\\begin{document}\n$x$"  # half-written by another process
    assert tex_batch.split_document(truncated) is None


def glyphs_in(svg: Path) -> int:
    text = svg.read_text()
    return len(re.findall(r"<use ", text)) + len(re.findall(r"<rect ", text))


def test_stand_ins_have_the_parts_and_at_least_the_glyphs_of_the_real_formula(one_by_one) -> None:
    tex_dir, _ = one_by_one
    for tex in sorted(tex_dir.glob("*.tex")):
        source = tex.read_text()
        stand_in = tex_batch.placeholder_svg(source)
        real = tex.with_suffix(".svg")
        assert stand_in.count("<path") >= glyphs_in(real), source
        assert stand_in.count("<path") <= 2 * glyphs_in(real) + 2, source  # few more: cheap to build
        for gid in re.findall(r"<g id='(unique[^']*)'>", real.read_text()):
            assert f"<g id='{gid}'>" in stand_in


class ManyFormulas(LectureScene):
    """Twelve formulas built one after the other over two beats, as a scene's first render meets them."""

    TITLE = "Fixture: many formulas"

    def construct(self) -> None:
        self.caption("Formulas, one after another", 1.0)
        for k in range(6):
            self.add(MathTex(rf"\phi_{k}(x) = e^{{-(x - {k})^2 / 2}}", font_size=style.LABEL_SIZE)
                     .to_edge([0, 1, 0]).shift([0, -0.6 * k, 0]))
            self.pause(0.2)
        self.beat()
        self.caption("and more of them", 1.0)
        for k in range(6):
            tex = MathTex(rf"J_{{{k}}} = \begin{{bmatrix}} {k} & -1 \\ 1 & 2 \end{{bmatrix}}",
                          font_size=style.LABEL_SIZE).to_edge([0, -1, 0]).shift([-5 + 2 * k, 0, 0])
            self.play(Write(tex), run_time=self.rt(0.2))


def last_frame(tmp: Path) -> tuple[np.ndarray, LectureScene]:
    scene = render_scene(ManyFormulas, tmp, 160, 90, last_frame=True)
    return np.asarray(scene.renderer.get_frame())[..., :3].copy(), scene


def test_the_look_ahead_compiles_a_scenes_formulas_in_one_batch_and_changes_no_pixel(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "0")
    calls = count_compiles(monkeypatch)
    alone, _ = last_frame(tmp_path / "alone")
    assert len(calls) == 12  # one latex run per formula
    monkeypatch.setenv(ENV_VAR, "1")
    calls.clear()
    ahead, scene = last_frame(tmp_path / "ahead")
    # the first formula was compiled while the look-ahead ran; it found all twelve and batched them
    assert len(calls) == 1
    assert scene._tex_lookahead.state == "closed"
    assert scene._tex_lookahead.report["found"] == 12 and scene._tex_lookahead.report["compiled"] >= 11
    np.testing.assert_array_equal(ahead, alone)
    assert np.count_nonzero(np.any(alone != alone[0, 0], axis=-1)) > 100  # the formulas are drawn
    calls.clear()
    again, scene = last_frame(tmp_path / "ahead")  # a warm render: nothing to compile, the look-ahead sleeps
    assert calls == [] and scene._tex_lookahead.report == {}
    np.testing.assert_array_equal(again, alone)


def test_the_look_ahead_stops_where_a_beat_preview_stops(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(LectureScene, "preview_beat", 0)
    calls = count_compiles(monkeypatch)
    _, scene = last_frame(tmp_path)
    assert len(calls) == 1
    # the first beat's six and the one the second beat builds before its first play (where a beat preview
    # stops, and the render too), not the other five
    assert scene._tex_lookahead.report["found"] == 7
