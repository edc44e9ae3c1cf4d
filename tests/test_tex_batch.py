"""Formulas compiled in one batch (``scenes/kit/tex_batch.py``) and ahead of need
(``scenes/kit/tex_lookahead.py``): the same outlines as Manim's own one-by-one compile, fewer TeX runs, and
the same frames."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from manim import MathTex, Tex, Write, tempconfig
from manim.utils import tex_file_writing

from scenes.kit import style, tex_batch
from scenes.kit.scene import LectureScene
from scenes.kit.tex_lookahead import ENV_VAR
from scenes.kit.text import plain_text
from tests.scene_harness import TEX_CACHE_ENV, render_scene

FORMULAS = [  # (args, kwargs) of MathTex, as the scenes build them: parts, matrices, isolated substrings
    ((r"J_f(x, y) = \begin{bmatrix} 2x & -1 \\ 1 & 2y \end{bmatrix}",), {}),
    ((r"f(x)", "=", r"w^\top \phi(x)"), {}),
    ((r"\|J_f\|_F = \sqrt{\sum_{ij} J_{ij}^2}",), {"substrings_to_isolate": ["J_f", "="]}),
    ((r"\frac{\partial \phi_i}{\partial x} = -\frac{x - c_i}{\sigma^2}\,\phi_i(x)",), {}),
    ((r"\sigma_1 \geq \sigma_2",), {}),
    (("-0.27",), {}),  # a number's text (DecimalNumber keeps its characters in a cache across scenes)
]


@pytest.fixture(autouse=True)
def own_tex_folder(monkeypatch) -> None:
    """Each test renders into its own TeX folder (media/Tex of its media folder), not the test process's shared
    formula cache: these tests count what is compiled and where."""
    monkeypatch.delenv(TEX_CACHE_ENV, raising=False)


def build_all() -> list:
    """The test's formulas (MathTex and a Tex paragraph) built in the active TeX folder."""
    return [*(MathTex(*args, **kwargs) for args, kwargs in FORMULAS), Tex(r"Gauss--Newton, 3 steps")]


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
    sources = sorted(tex_dir.glob("*.tex"))
    assert len(sources) == len(FORMULAS) + 1
    batch_dir = tmp_path / "Tex"
    formulas = [(t.read_text(encoding="utf-8"), batch_dir / f"{t.stem}.svg") for t in sources]
    written = tex_batch.compile_batch(formulas)
    assert sorted(written) == sorted(svg for _, svg in formulas)
    assert not list(tmp_path.glob(".Tex-batch-*"))  # the work folder is gone
    assert not list(batch_dir.glob("*.tex"))  # nothing but the SVGs went into the TeX folder
    calls = count_compiles(monkeypatch)
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        got = [outline(m) for m in build_all()]
    assert calls == []  # every formula came from the batch
    assert got == expected


def document(expression: str) -> str:
    return tex_file_writing.config["tex_template"].get_texcode_for_expression_in_env(expression, "align*")


def test_a_batch_with_a_tex_error_publishes_nothing(tmp_path) -> None:
    good = (document("x + 1"), tmp_path / "Tex" / "good.svg")
    bad = (document(r"\frac{1}{"), tmp_path / "Tex" / "bad.svg")
    assert tex_batch.compile_batch([good, bad]) == []
    assert not list((tmp_path / "Tex").glob("*.svg"))
    assert not list(tmp_path.glob(".Tex-batch-*"))
    assert tex_batch.compile_batch([good]) == [good[1]]


def test_only_manims_standalone_preview_documents_are_batched(tmp_path) -> None:
    other = "\\documentclass{article}\n\\begin{document}\n$x$\n\\end{document}\n"
    assert tex_batch.split_document(other) is None
    assert tex_batch.compile_batch([(other, tmp_path / "Tex" / "other.svg")]) == []
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
        self.beat("first_formulas")
        self.caption("Formulas, one after another", 1.0)
        self.add(plain_text("formulas", 20, "#FFFFFF").to_corner([-1, 1, 0]))
        for k in range(6):
            self.add(MathTex(rf"\phi_{k}(x) = e^{{-(x - {k})^2 / 2}}", font_size=style.LABEL_SIZE)
                     .to_edge([0, 1, 0]).shift([0, -0.6 * k, 0]))
            self.pause(0.2)
        self.beat("more_formulas")
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
    # an empty TeX folder: the look-ahead ran from the start, found all twelve and batched them
    assert calls == []
    assert scene._tex_lookahead.state == "closed"
    assert scene._tex_lookahead.report["found"] == 12 and scene._tex_lookahead.report["compiled"] == 12
    np.testing.assert_array_equal(ahead, alone)
    assert np.count_nonzero(np.any(alone != alone[0, 0], axis=-1)) > 100  # the formulas are drawn
    calls.clear()
    again, scene = last_frame(tmp_path / "ahead")  # a warm render: nothing to compile, the look-ahead sleeps
    assert calls == [] and scene._tex_lookahead.report == {}
    np.testing.assert_array_equal(again, alone)


def test_the_first_missing_formula_wakes_the_look_ahead(tmp_path, monkeypatch) -> None:
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        MathTex("q")  # a TeX folder with something in it: the look-ahead waits for a miss
    calls = count_compiles(monkeypatch)
    frame, scene = last_frame(tmp_path)
    # the first formula was compiled while the look-ahead ran; it found all twelve and batched them
    assert len(calls) == 1
    assert scene._tex_lookahead.report["found"] == 12 and scene._tex_lookahead.report["compiled"] >= 11
    assert np.count_nonzero(np.any(frame != frame[0, 0], axis=-1)) > 100


def test_the_look_ahead_stops_where_a_beat_preview_stops(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(LectureScene, "preview_beat", 0)
    calls = count_compiles(monkeypatch)
    _, scene = last_frame(tmp_path)
    assert calls == []
    # the first beat's six and the one the second beat builds before its first play (where a beat preview
    # stops, and the render too), not the other five
    assert scene._tex_lookahead.report["found"] == 7


def test_the_look_ahead_leaves_the_tex_folder_alone_and_finds_only_the_missing(tmp_path, monkeypatch) -> None:
    from scenes.kit import tex_lookahead

    monkeypatch.setenv(ENV_VAR, "0")
    render_scene(ManyFormulas, tmp_path, 160, 90, last_frame=True)  # every formula compiled
    tex_dir = tmp_path / "Tex"
    svgs = sorted(tex_dir.glob("*.svg"))
    assert len(svgs) == 12
    for svg in svgs[:5]:  # five of them are missing again
        svg.unlink()
        svg.with_suffix(".tex").unlink()
    texts = tmp_path / "texts"
    text_svgs = {p.name: p.stat().st_mtime_ns for p in texts.iterdir()}
    assert text_svgs  # the scene's Text
    before = {p.name: p.stat().st_mtime_ns for p in tex_dir.iterdir()}
    monkeypatch.setattr(tex_lookahead, "_in_lookahead", True)
    monkeypatch.setenv("JACOBIAN_VOICE", "none")
    from manim.mobject.svg import svg_mobject

    parsed: list[Path] = []
    real_parse = svg_mobject.ET.parse
    monkeypatch.setattr(svg_mobject.ET, "parse", lambda path, *a, **k: parsed.append(Path(path)) or
                        real_parse(path, *a, **k))
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR", "progress_bar": "none",
                     "write_to_movie": False, "format": None}):
        found = tex_lookahead._formulas_ahead(ManyFormulas)
    assert sorted(svg for _, svg in found) == svgs[:5]
    assert all(doc.startswith("\\documentclass") for doc, _ in found)
    assert {p.name: p.stat().st_mtime_ns for p in tex_dir.iterdir()} == before  # nothing written or touched
    # ... nor read: Manim writes <hash>_.svg beside every SVG it parses, which raced the render beside it
    assert len(parsed) >= 12 and not [p for p in parsed if tex_dir in p.parents or texts in p.parents]
    assert {p.name: p.stat().st_mtime_ns for p in texts.iterdir()} == text_svgs
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob(".Tex-batch-*"))


def test_the_look_ahead_lays_out_no_text_and_finds_every_formula(tmp_path, monkeypatch) -> None:
    """In the look-ahead a Text is a stand-in outline (scenes.kit.text.use_text_stand_ins): Pango never runs
    there, and the formulas found are all of them; plain_text makes real Texts again afterwards, and the
    process's narrator is the one it had."""
    import manim

    from scenes.kit import tex_lookahead

    def no_text(*args, **kwargs):
        raise AssertionError("a Text was laid out in the look-ahead")

    from scenes.kit.narrator import use_narrator

    def mine(scene):
        raise AssertionError("not called")

    monkeypatch.setattr(tex_lookahead, "_in_lookahead", True)
    monkeypatch.setattr(manim.Text, "__init__", no_text)
    use_narrator(mine)
    try:
        with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR", "progress_bar": "none",
                         "write_to_movie": False, "format": None}):
            found = tex_lookahead._formulas_ahead(ManyFormulas)
    finally:
        # it put back the narrator it found (it left its silent one installed, and a later test's render in
        # this process, test_beat_ids', then wrote no narration record)
        assert use_narrator(None) is mine
    assert len(found) == 12  # an error would have stopped it at the title card, before the first formula
    with pytest.raises(AssertionError, match="laid out"):
        plain_text("after", 24, "#FFFFFF")
