"""Split renders and the Dask engine, end to end at tiny size (``python -m lecture`` as a user runs it).

- a scene split at its beats decodes to exactly the frames of a whole render, with the same captions and
  narration record (2 chunks; 3 chunks, and a narrated scene split with an empty speech cache, with --deep);
- the lecture through ``--scheduler local:2`` has the frames of the local run;
- a worker killed mid-render: the task goes to another worker, the lecture completes, nothing partial published;
- a worker whose project code differs refuses with one line; an unreachable scheduler is one line, exit 3.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.test_lecture_e2e import ROOT, frame_hashes, lecture

pytestmark = pytest.mark.render

BEATS = "tests.fixture_storyboard:BEATS"
SCENES = ("FixtureBeats", "FixtureSquare")


def outputs(out: Path) -> dict:
    """Everything a render publishes that must not depend on how it was split or where it ran."""
    clips = out / "clips" / "tiny"
    found = {"lecture": frame_hashes(out / "jacobian_lecture.mp4"),
             "srt": (out / "jacobian_lecture.srt").read_text(),
             "chapters": (out / "jacobian_lecture.chapters.txt").read_text()}
    for scene in SCENES:
        found[scene] = frame_hashes(clips / f"{scene}.mp4")
        found[f"{scene}.srt"] = (clips / f"{scene}.srt").read_text()
        found[f"{scene}.narration"] = json.loads((clips / f"{scene}.narration.json").read_text())
    return found


def assert_same(actual: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert actual[key] == value, f"{key} differs from the whole render's"


def assert_nothing_partial(out: Path) -> None:
    leftovers = [p for p in out.rglob("*") if ".tmp-" in p.name or ".staging-" in p.name]
    assert leftovers == []
    clips = out / "clips" / "tiny"
    assert sorted(p.name for p in clips.iterdir()) == sorted(
        f"{s}{ext}" for s in SCENES for ext in (".mp4", ".srt", ".narration.json", ".stamp"))


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("whole")
    result = lecture("--chunks", "1", "--jobs", "2", out=out, storyboard=BEATS)
    assert result.returncode == 0, result.stderr
    return outputs(out)


@pytest.mark.parametrize("chunks, split", [("2", "FixtureBeats in 2, FixtureSquare in 2"),
                                           pytest.param("3", "FixtureBeats in 3, FixtureSquare in 2",
                                                        marks=pytest.mark.deep)])
def test_split_render_has_the_whole_renders_frames_captions_and_narration(whole, tmp_path, chunks, split) -> None:
    result = lecture("--chunks", chunks, "--jobs", "2", out=tmp_path, storyboard=BEATS)
    assert result.returncode == 0, result.stderr
    assert f"chunks: {split}" in result.stdout
    found = outputs(tmp_path)
    assert len(found["FixtureBeats"]) > 30  # several seconds of frames, compared one by one
    assert_same(found, whole)
    assert_nothing_partial(tmp_path)


def test_local_cluster_renders_the_local_runs_frames(whole, tmp_path) -> None:
    result = lecture("--scheduler", "local:2", "--chunks", "3", out=tmp_path, storyboard=BEATS)
    assert result.returncode == 0, result.stderr
    assert "5 chunk(s) on local:2 (2 worker(s))" in result.stdout
    assert_same(outputs(tmp_path), whole)
    assert_nothing_partial(tmp_path)
    again = lecture("--scheduler", "local:2", out=tmp_path, storyboard=BEATS)  # the stamps: nothing to render
    assert again.returncode == 0 and "2 up to date, 0 to render" in again.stdout


def _manim_of(root_pid: int, scene: str) -> psutil.Process | None:
    try:
        children = psutil.Process(root_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return None
    for proc in children:
        try:
            if scene in proc.cmdline() and "manim" in proc.cmdline():
                return proc
        except psutil.NoSuchProcess:
            continue
    return None


def test_a_worker_killed_mid_render_is_replaced_and_the_lecture_completes(whole, tmp_path) -> None:
    cmd = [sys.executable, "-m", "lecture", "--storyboard", BEATS, "--quality", "tiny", "--voice", "none",
           "--output", str(tmp_path), "--scheduler", "local:2", "--chunks", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        manim = None
        while manim is None and time.monotonic() < deadline and proc.poll() is None:
            manim = _manim_of(proc.pid, "FixtureBeats")
            time.sleep(0.05)
        assert manim is not None, "never saw FixtureBeats rendering"
        worker = manim.parent()
        os.kill(worker.pid, signal.SIGKILL)  # the Dask worker process running the task
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE
    assert not manim.is_running() or manim.status() == psutil.STATUS_ZOMBIE  # it died with its worker
    assert_same(outputs(tmp_path), whole)
    assert_nothing_partial(tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_of_project(dest: Path) -> Path:
    for name in ("lecture", "scenes", "jacobian_math", "jacobian_settings", "narration", "assets"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "manim.cfg", dest / "manim.cfg")
    (dest / "tests").mkdir()
    for name in ("fixture_scenes.py", "fixture_storyboard.py"):
        shutil.copy2(ROOT / "tests" / name, dest / "tests" / name)
    return dest


def _wait_for_worker(port: int, timeout: float = 60) -> None:
    from distributed import Client

    with Client(f"tcp://127.0.0.1:{port}", timeout="20s") as client:
        client.wait_for_workers(1, timeout=timeout)


def test_a_worker_with_other_code_refuses_in_one_line(tmp_path) -> None:
    copy = _copy_of_project(tmp_path / "elsewhere")
    scene_file = copy / "tests" / "fixture_scenes.py"
    scene_file.write_text(scene_file.read_text() + "\n# edited on the worker's machine only\n")
    port = _free_port()
    dask = Path(sys.executable).with_name("dask")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    scheduler = subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], cwd=copy, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(dask), "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1", "--nworkers", "1",
                               "--no-dashboard"], cwd=copy, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for_worker(port)
        out = tmp_path / "out"
        result = lecture("--scheduler", f"tcp://127.0.0.1:{port}", "--scenes", "FixtureSquare", out=out,
                         storyboard=BEATS)
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert result.returncode == 1
    refusal = [line for line in result.stderr.splitlines() if "refuses" in line]
    assert len(refusal) == 1 and "FixtureSquare: its copy of the project differs from the caller's" in refusal[0]
    assert not (out / "clips" / "tiny" / "FixtureSquare.mp4").exists()
    assert not (out / "jacobian_lecture.mp4").exists()


def test_an_unreachable_scheduler_is_one_line_and_exit_3(tmp_path) -> None:
    # (no wall-clock bound: on a loaded machine the imports alone vary by seconds; the 5 s connect timeout
    # is the one the message names)
    result = lecture("--scheduler", f"tcp://127.0.0.1:{_free_port()}", out=tmp_path, storyboard=BEATS)
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:")
    assert "within 5 s" in result.stderr
    assert not (tmp_path / "clips").exists()


@pytest.mark.deep
def test_a_narrated_scene_split_with_an_empty_speech_cache_matches_its_whole_render(tmp_path, monkeypatch) -> None:
    """Piper's speech varies a little between syntheses of the same words, so chunks that synthesised each on
    their own timed a beat differently ('its chunks disagree'); the lecture synthesises every beat once, before
    rendering, and every chunk hears the same speech."""
    monkeypatch.setenv("JACOBIAN_SPEECH_CACHE", str(tmp_path / "speech"))
    split = lecture("--voice", "joe", "--chunks", "3", "--jobs", "2", out=tmp_path / "split", storyboard=BEATS)
    assert split.returncode == 0, split.stderr
    assert "chunks: FixtureBeats in 3" in split.stdout
    whole = lecture("--voice", "joe", "--chunks", "1", "--jobs", "2", out=tmp_path / "whole", storyboard=BEATS)
    assert whole.returncode == 0, whole.stderr
    assert_same(outputs(tmp_path / "split"), outputs(tmp_path / "whole"))
