"""``python -m lecture preview``: one-off and --watch previews at the tiny test size."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from jacobian_settings import ENV_VAR
from lecture.errors import UsageError
from lecture.preview import Target, resolve_beat, resolve_target, watched_files
from lecture.storyboard import ROOT
from scenes.kit.beats import beat_ids

STORYBOARD = "tests.fixture_storyboard:TWO"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop(ENV_VAR, None)

WATCHED_SCENE = '''
from manim import Circle, Create
from scenes.kit.scene import LectureScene


class Watched(LectureScene):
    def construct(self) -> None:
        self.play(Create(Circle()), run_time=0.5)
        self.pause({pause})
'''


def preview(*args: str, out: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "lecture", "preview", *args, "--quality", "tiny", "--output", str(out),
           "--storyboard", STORYBOARD]
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)


def frames(path: Path) -> int:
    with av.open(str(path)) as box:
        return sum(1 for _ in box.decode(video=0))


def test_storyboard_names_and_file_class_pairs_resolve(tmp_path: Path) -> None:
    rbf = resolve_target("RBFJacobian")
    assert rbf == Target((ROOT / "scenes" / "rbf_jacobian.py").resolve(), "RBFJacobian")
    assert rbf.module_name == "scenes.rbf_jacobian"
    scene = tmp_path / "mine.py"
    scene.write_text("x = 1\n")
    other = resolve_target(f"{scene}:MyScene")
    assert other == Target(scene.resolve(), "MyScene") and other.module_name is None
    with pytest.raises(UsageError, match="unknown scene 'Nope'.*RBFJacobian"):
        resolve_target("Nope")
    with pytest.raises(UsageError, match="is not a Python file"):
        resolve_target(f"{tmp_path / 'missing.py'}:MyScene")


def test_watch_list_covers_imported_project_modules_assets_and_config(tmp_path: Path) -> None:
    config = tmp_path / "my.toml"
    files = watched_files(resolve_target("RBFJacobian"), config)
    for needed in ("scenes/rbf_jacobian.py", "scenes/rbf_panels.py", "scenes/kit/scene.py", "scenes/kit/style.py",
                   "jacobian_math/rbf.py",
                   "assets/default.toml", "manim.cfg"):
        assert (ROOT / needed).resolve() in files, needed
    assert config in files
    assert (ROOT / "scenes" / "grid_squares.py").resolve() not in files


def test_one_off_preview_writes_the_scene_with_the_chosen_x264_preset(tmp_path: Path) -> None:
    fast = preview("FixtureSquare", out=tmp_path / "fast")
    assert fast.returncode == 0, fast.stderr
    video = tmp_path / "fast" / "FixtureSquare.mp4"
    assert "FixtureSquare: preview written in" in fast.stdout
    # FixtureSquare plays two 1.0 s animations; tiny is 10 frames per second
    assert frames(video) == 20
    assert "-->" in (tmp_path / "fast" / "FixtureSquare.srt").read_text()
    slow = preview("FixtureSquare", "--preset", "medium", out=tmp_path / "slow")
    assert slow.returncode == 0, slow.stderr
    # x264 writes its settings into the stream: ultrafast turns sub-pixel refinement off, medium uses 7
    assert b"subme=0 " in video.read_bytes() and b"subme=7 " not in video.read_bytes()
    assert b"subme=7 " in (tmp_path / "slow" / "FixtureSquare.mp4").read_bytes()
    assert not list((tmp_path / "fast").glob("*.tmp*"))


def test_failing_scene_exits_1_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    result = preview(f"{ROOT / 'tests' / 'fixture_scenes.py'}:FixtureBroken", out=tmp_path)
    assert result.returncode == 1
    assert "FixtureBroken: error: ZeroDivisionError: fixture scene failed on purpose" in result.stdout
    assert not (tmp_path / "FixtureBroken.mp4").exists()


def test_a_caption_that_breaks_a_rule_is_one_warning_line_and_the_preview_is_still_written(tmp_path: Path) -> None:
    """The silent preview checks every caption with the lecture's rules (narration.rules.caption_problems, the
    function the caption tests use): one line naming the scene, the beat, what is wrong and the caption."""
    result = preview(f"{ROOT / 'tests' / 'fixture_scenes.py'}:FixtureBadCaption", out=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "FixtureBadCaption.mp4").is_file()
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: FixtureBadCaption beat 2 (FixtureBadCaption-fill): the caption names a colour "
                        "('red'; colours are settings) and has characters a voice cannot say ('⊗') in its spoken "
                        "form 'The red square is A ⊗ B': 'The red square is A ⊗ B'"], result.stdout
    clean = preview("FixtureSquare", out=tmp_path / "clean")
    assert clean.returncode == 0 and "warning:" not in clean.stdout, clean.stdout


@pytest.mark.parametrize("args, message", [
    (["Nope"], "error: preview: unknown scene 'Nope'"),
    (["FixtureSquare", "--beat", "nope"],
     "error: preview: FixtureSquare has no beat 'nope'; its beats: 1 draw, 2 fill"),
    (["FixtureSquare", "--beat", "3"], "error: preview: FixtureSquare has no beat '3'"),
    (["RBFJacobian", "--config", "{bad}"], "error: "),
])
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[rbf]\nsigma = -1.0\n')
    result = preview(*[a.replace("{bad}", str(bad)) for a in args], out=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)
    if "--config" in args:
        assert "sigma" in lines[0]


def test_watch_renders_again_after_each_save_and_keeps_the_last_good_preview(tmp_path: Path) -> None:
    scene = tmp_path / "watched.py"
    scene.write_text(WATCHED_SCENE.format(pause=1.0))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lecture", "preview", f"{scene}:Watched", "--watch", "--quality", "tiny",
         "--output", str(out)], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def next_report() -> str:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = lines.get(timeout=deadline - time.monotonic())
            if "Watched:" in line:
                return line
        raise AssertionError("no report from the watcher")

    try:
        assert "preview written" in next_report()
        video = out / "Watched.mp4"
        assert frames(video) == 15  # 0.5 s + 1.0 s at 10 fps
        assert "watching" in lines.get(timeout=30)
        time.sleep(0.05)
        scene.write_text(WATCHED_SCENE.format(pause=2.0))
        second = next_report()
        assert "preview written" in second and "changed" in second
        assert frames(video) == 25
        scene.write_text(WATCHED_SCENE.format(pause="2.0 +"))  # a syntax error
        third = next_report()
        assert "error: SyntaxError" in third and "last good preview is kept" in third
        assert frames(video) == 25
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def decoded(path: Path) -> list:
    import numpy as np

    with av.open(str(path)) as box:
        return [np.asarray(f.to_ndarray(format="rgb24"), dtype=int) for f in box.decode(video=0)]


def test_beat_preview_renders_just_that_beat_from_the_state_a_whole_render_reaches(tmp_path: Path) -> None:
    whole = preview("FixtureSquare", out=tmp_path / "whole")
    beat = preview("FixtureSquare", "--beat", "2", out=tmp_path / "beat")
    assert whole.returncode == 0 and beat.returncode == 0, whole.stderr + beat.stderr
    assert "(1.0 s of video" in beat.stdout
    full, part = decoded(tmp_path / "whole" / "FixtureSquare.mp4"), decoded(tmp_path / "beat" / "FixtureSquare.mp4")
    # beat 2 is the fill (1.0 s, 10 frames at tiny): the square is already drawn when it starts, as in the
    # whole render's second half, frame for frame (up to x264's lossy coding of different frame types)
    assert len(full) == 20 and len(part) == 10
    for a, b in zip(full[10:], part, strict=True):
        assert abs(a - b).mean() < 1.5
    assert abs(full[0] - part[0]).max() > 60  # not the first beat's frames: the square's outline is there


def _where(scene: str) -> tuple:
    target = resolve_target(scene)
    return target.path, target.cls


def test_beat_ids_come_from_the_construct_and_every_lecture_scene_has_some() -> None:
    assert beat_ids(*_where("JacobianNormHeatmap")) == [
        "show_heatmap", "show_formulas", "show_level_curves", "move_probe", "compare_stretch"]
    assert beat_ids(*_where("JacobianPenalty"))[2:4] == ["show_first_map", "show_second_map"]
    for scene in ("RBFJacobian", "GridSquaresUnderF", "ChainRule", "SoftmaxJacobian", "FlowDensity", "TaylorError"):
        assert len(beat_ids(*_where(scene))) >= 4, scene


def test_a_beat_is_chosen_by_number_or_by_id() -> None:
    square = resolve_target("FixtureSquare", STORYBOARD)
    assert [resolve_beat(square, b) for b in ("1", "2", "draw", "fill")] == [0, 1, 0, 1]
    with pytest.raises(UsageError, match="has no beat '0'; its beats: 1 draw, 2 fill"):
        resolve_beat(square, "0")


def _stub_renders(monkeypatch, render, report=lambda self, result, say, why: None) -> None:
    """Make ``Previewer.render`` and ``_report`` the given stand-ins, and its warm-up nothing."""
    from lecture.preview import Previewer

    monkeypatch.setattr(Previewer, "render", render)
    monkeypatch.setattr(Previewer, "warm_up", staticmethod(lambda: None))
    monkeypatch.setattr(Previewer, "_report", report)


def _stop_after(polls: int, edits: dict[int, Callable[[], object]]):
    """A ``stop`` for ``Previewer.watch``: True after ``polls`` polls, running ``edits[n]`` at poll ``n``."""
    counter = iter(range(polls))

    def stop() -> bool:
        n = next(counter, None)
        if n in edits:
            edits[n]()
        return n is None

    return stop


def test_watch_renders_again_for_a_save_made_during_a_render_and_watches_new_imports(tmp_path, monkeypatch) -> None:
    from lecture import preview as module
    from lecture.preview import Previewer, Result

    scene, helper = tmp_path / "scene.py", tmp_path / "helper.py"
    scene.write_text("x = 1\n")
    helper.write_text("y = 1\n")
    watched = [{scene}]
    monkeypatch.setattr(module, "watched_files", lambda target, config: set(watched[-1]))
    renders: list[int] = []

    def render(self) -> Result:
        renders.append(len(renders))
        if len(renders) == 2:  # the first re-render: the scene now imports helper, and is saved again meanwhile
            watched.append({scene, helper})
            scene.write_text("x = 3  # saved while rendering\n")
        return Result(True, 0.0, tmp_path / "out.mp4")

    _stub_renders(monkeypatch, render)
    stop = _stop_after(12, {1: lambda: scene.write_text("x = 22\n"),
                            6: lambda: helper.write_text("y = 2  # a newly imported file is watched\n")})
    Previewer(Target(scene, "S"), None, None).watch(say=lambda line: None, poll=0.01, stop=stop)
    # first render, the save, the save made during that render, the helper's save
    assert len(renders) == 4


def test_watch_reports_a_re_render_before_it_reads_the_imports_again(tmp_path, monkeypatch) -> None:
    """The report line (what a creator waits for) is not delayed by re-reading the imports (~0.1 s)."""
    from lecture import preview as module
    from lecture.preview import Previewer, Result

    scene = tmp_path / "scene.py"
    scene.write_text("x = 1\n")
    events: list[str] = []

    def listed(target, config) -> set:
        events.append("list")
        return {scene}

    def render(self) -> Result:
        events.append("render")
        return Result(True, 0.0, tmp_path / "out.mp4")

    monkeypatch.setattr(module, "watched_files", listed)
    _stub_renders(monkeypatch, render, report=lambda self, result, say, why: events.append("report"))
    stop = _stop_after(4, {1: lambda: scene.write_text("x = 2\n")})
    Previewer(Target(scene, "S"), None, None).watch(say=lambda line: None, poll=0.01, stop=stop)
    assert events == ["list", "render", "report", "render", "report", "list"]


FORMULA_SCENE = '''
from manim import MathTex, Text, Write, DOWN
from scenes.kit.scene import LectureScene


class Formulas(LectureScene):
    def construct(self) -> None:
        tex = MathTex(r"J_f = \\\\begin{bmatrix} 2x & -1 \\\\\\\\ 1 & 2y \\\\end{bmatrix}")
        words = Text("a warm render copies these", font_size=24).next_to(tex, DOWN)
        self.play(Write(tex), Write(words), run_time=0.5)
'''


def test_a_warm_render_copies_the_svgs_the_last_render_parsed(tmp_path: Path) -> None:
    from lecture import render
    from lecture.preview import Previewer

    scene = tmp_path / "formulas.py"
    scene.write_text(FORMULA_SCENE)
    previewer = Previewer(Target(scene, "Formulas"), render.QUALITIES["tiny"], None, out_dir=tmp_path / "out")
    first = previewer.render()
    assert first.ok, first.error
    before = decoded(first.video)
    second = previewer.render()
    assert second.ok, second.error
    assert first.svg_parses >= 2  # the formula and the Text (at least)
    assert second.svg_parses == 0  # copied from what the first render's child sent back
    after = decoded(second.video)
    assert len(before) == len(after) == 5
    for a, b in zip(before, after, strict=True):
        assert np.array_equal(a, b)
