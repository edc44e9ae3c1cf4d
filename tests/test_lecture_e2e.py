"""End-to-end tests of ``python -m lecture`` at the tiny test quality (256x144, 10 fps) on the
fixture scenes of tests/fixture_scenes.py.  Every expectation is computed here from the files,
with PyAV and plain parsing, not with the lecture package's own readers."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import sympy as sp
from PIL import Image

from jacobian_settings import ENV_VAR

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
TWO = ("tests.fixture_storyboard:TWO", ["FixtureJacobian", "FixtureSquare"],
       ["The Jacobian of the map", "A square"])
SRT_TIME = r"(\d\d):(\d\d):(\d\d),(\d\d\d)"


def lecture(*args: str, out: Path, storyboard: str = TWO[0], config: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    voice = [] if "--voice" in args else ["--voice", "none"]  # narration: tests/test_narration_e2e.py
    cmd = [sys.executable, "-m", "lecture", "--storyboard", storyboard, "--quality", "tiny", "--output", str(out),
           *(["--config", str(config)] if config else []), *voice, *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def video_seconds(path: Path) -> Fraction:
    """Duration of the video stream: frame count / frame rate (all clips are constant-rate)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return Fraction(frames) / Fraction(stream.average_rate)


def container_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return container.duration / 1_000_000


def frame_hashes(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for f in container.decode(video=0)]


def last_frame(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        return frames[-1]


def top_level_boxes(path: Path) -> list[str]:
    """The types of an MP4 file's top-level boxes, in file order (ISO BMFF: 32-bit size, 4-byte type;
    size 1 means a 64-bit size follows, size 0 runs to the end of the file)."""
    boxes, data = [], path.read_bytes()
    at = 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at:at + 4], "big"), data[at + 4:at + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[at + 8:at + 16], "big")
        elif size == 0:
            size = len(data) - at
        assert size >= 8, (kind, size)
        boxes.append(kind)
        at += size
    assert at == len(data), "the boxes do not tile the file"
    return boxes


def assert_subtitle_rules(cues: list[tuple[float, float, str]]) -> None:
    """Each cue at most 2 lines of 42 characters, at most 20 characters per second (a line break read as a
    space), at least 1 s; no two overlapping."""
    for i, (start, end, text) in enumerate(cues):
        lines = text.split("\n")
        assert len(lines) <= 2 and max(map(len, lines)) <= 42, text
        assert end - start >= 1.0 - 1e-6 and len(" ".join(lines)) / (end - start) <= 20 + 1e-6, (start, end, text)
        assert i + 1 == len(cues) or end <= cues[i + 1][0] + 1e-6, (cues[i], cues[i + 1])


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    cues = []
    for block in text.strip().split("\n\n"):
        number, timing, *body = block.split("\n")
        m = re.fullmatch(rf"{SRT_TIME} --> {SRT_TIME}", timing)
        assert number.isdigit() and m, block
        g = [int(v) for v in m.groups()]
        cues.append((g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                     g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000, "\n".join(body)))
    return cues


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("lecture")
    done = lecture("--jobs", "2", out=out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done


def test_progress_names_each_scene_and_counts(base) -> None:
    _, done = base
    for name in TWO[1]:
        assert f"rendering {name}" in done.stdout and f"finished {name}" in done.stdout
    assert "[2/2 done" in done.stdout and "stream copy" in done.stdout


def test_lecture_duration_is_the_sum_of_the_clips(base) -> None:
    out, _ = base
    lecture_file = out / "jacobian_lecture.mp4"
    assert lecture_file.is_file()
    clips = [video_seconds(out / "clips" / "tiny" / f"{n}.mp4") for n in TWO[1]]
    frame = Fraction(1, 10)
    assert abs(video_seconds(lecture_file) - sum(clips)) < frame
    assert abs(container_seconds(lecture_file) - float(sum(clips))) < float(frame)
    # stream copy: the joined frames are the clips' frames, in order
    joined = frame_hashes(lecture_file)
    parts = [h for n in TWO[1] for h in frame_hashes(out / "clips" / "tiny" / f"{n}.mp4")]
    assert joined == parts


def test_lecture_mp4_starts_fast_its_index_before_its_data(base) -> None:
    out, _ = base
    boxes = top_level_boxes(out / "jacobian_lecture.mp4")
    assert boxes[0] == "ftyp" and "moov" in boxes and "mdat" in boxes, boxes
    assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_chapters_match_clip_boundaries(base) -> None:
    out, _ = base
    lines = (out / "jacobian_lecture.chapters.txt").read_text().splitlines()
    clips = [float(video_seconds(out / "clips" / "tiny" / f"{n}.mp4")) for n in TWO[1]]
    starts = [0.0, clips[0]]
    assert len(lines) == len(TWO[1])
    for line, start, title in zip(lines, starts, TWO[2], strict=True):
        m = re.fullmatch(r"(\d\d):(\d\d) (.+)", line)
        assert m, line
        assert abs(int(m[1]) * 60 + int(m[2]) - start) <= 0.5 and m[3] == title


def test_captions_parse_lie_inside_the_video_and_follow_the_scenes(base) -> None:
    out, _ = base
    total = float(video_seconds(out / "jacobian_lecture.mp4"))
    cues = parse_srt((out / "jacobian_lecture.srt").read_text(encoding="utf-8"))
    assert len(cues) == 5  # the first caption (88 characters) is split in two
    assert " ".join(t for _, _, t in cues[:2]).startswith("Jacobian of the configured map: \\left[")
    for start, end, text in cues:
        assert 0 <= start < end <= total + 1e-3 and text
    assert_subtitle_rules(cues)
    first_clip = float(video_seconds(out / "clips" / "tiny" / "FixtureJacobian.mp4"))
    square = [c for c in cues if c[2] == "A square is drawn"]
    assert len(square) == 1 and abs(square[0][0] - first_clip) < 1e-3  # shifted by the first clip
    assert all(end <= first_clip + 1e-3 for start, end, _ in cues if start < first_clip)  # no cue spills over


def test_one_still_per_scene_is_its_final_frame(base) -> None:
    out, _ = base
    for i, name in enumerate(TWO[1], start=1):
        still = np.asarray(Image.open(out / "stills" / f"{i:02d}_{name}.png").convert("RGB"))
        assert still.shape == (144, 256, 3)
        last = last_frame(out / "clips" / "tiny" / f"{name}.mp4")
        assert np.abs(still.astype(int) - last.astype(int)).mean() < 1.0
    assert still.std() > 5  # not a blank frame: the filled square shows


def test_rerun_with_nothing_changed_skips_every_scene(base) -> None:
    out, _ = base
    clip = out / "clips" / "tiny" / "FixtureSquare.mp4"
    before = clip.stat().st_mtime_ns
    done = lecture(out=out)
    assert done.returncode == 0, done.stderr
    assert "2 up to date, 0 to render" in done.stdout and "rendering" not in done.stdout
    assert clip.stat().st_mtime_ns == before


def test_a_different_map_changes_the_rendered_jacobian(base, tmp_path: Path) -> None:
    out, _ = base
    cfg = tmp_path / "sinmap.toml"
    cfg.write_text('[map]\nf1 = "sin(x)"\nf2 = "x*y"\n')
    other = tmp_path / "out"
    done = lecture("--scenes", "FixtureJacobian", out=other, config=cfg)
    assert done.returncode == 0, done.stdout + done.stderr
    x, y = sp.symbols("x y")
    by_hand = sp.Matrix([[sp.cos(x), 0], [y, x]])  # d(sin x, xy)/d(x, y)
    expected = sp.latex(by_hand, mat_delim="[", mat_str="matrix")
    def caption_text(folder: Path) -> str:  # the captions' words, as one line: cues split and wrap them
        return " ".join(" ".join(text.split()) for _, _, text in
                        parse_srt((folder / "jacobian_lecture.srt").read_text(encoding="utf-8")))

    expected = " ".join(expected.split())
    assert expected in caption_text(other) and expected not in caption_text(out)
    new = np.asarray(Image.open(other / "stills" / "01_FixtureJacobian.png").convert("RGB")).astype(int)
    old = np.asarray(Image.open(out / "stills" / "01_FixtureJacobian.png").convert("RGB")).astype(int)
    assert np.abs(new - old).max(axis=-1).astype(bool).mean() > 0.005  # the matrix on screen changed


def test_same_scene_rendered_twice_gives_identical_frames(base, tmp_path: Path) -> None:
    out, _ = base
    done = lecture("--scenes", "FixtureSquare", "--force", out=tmp_path)
    assert done.returncode == 0, done.stderr
    assert frame_hashes(tmp_path / "clips" / "tiny" / "FixtureSquare.mp4") == \
        frame_hashes(out / "clips" / "tiny" / "FixtureSquare.mp4")


def test_failing_scene_exits_nonzero_keeps_clips_and_the_previous_lecture(tmp_path: Path) -> None:
    previous = tmp_path / "jacobian_lecture.mp4"
    previous.write_bytes(b"the lecture from last week")
    done = lecture(out=tmp_path, storyboard="tests.fixture_storyboard:WITH_BROKEN")
    assert done.returncode == 1
    assert "scene FixtureBroken (tests/fixture_scenes.py) failed: ZeroDivisionError" in done.stderr
    assert "fixture scene failed on purpose" in done.stderr
    assert previous.read_bytes() == b"the lecture from last week"
    assert (tmp_path / "clips" / "tiny" / "FixtureSquare.mp4").is_file()
    assert not (tmp_path / "clips" / "tiny" / "FixtureBroken.mp4").exists()
    assert not (tmp_path / "jacobian_lecture.srt").exists()
    assert not list(tmp_path.glob(".*tmp-*"))


def test_interrupted_render_publishes_nothing_partial_and_resumes(tmp_path: Path) -> None:
    previous = tmp_path / "jacobian_lecture.mp4"
    previous.write_bytes(b"the lecture from last week")
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    # FixtureSquare (the second scene) waits while hold/hold exists, so the interrupt surely finds it rendering
    # (a two-second scene could finish between the stamp check and the signal: the race this replaces)
    hold = tmp_path / "hold"
    hold.mkdir()
    (hold / "hold").touch()
    env["JACOBIAN_TEST_HOLD"] = str(hold)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lecture", "--storyboard", TWO[0], "--quality", "tiny", "--jobs", "1",
         "--voice", "none", "--output", str(tmp_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first_stamp = tmp_path / "clips" / "tiny" / "FixtureJacobian.stamp"
    deadline = time.monotonic() + 120
    while not (first_stamp.exists() and (hold / "started").exists()) and proc.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the render ended before it could be interrupted"
    assert (hold / "started").exists(), "the second scene never started"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    (hold / "hold").unlink()
    assert proc.returncode == 130 and "interrupted" in err
    assert previous.read_bytes() == b"the lecture from last week"
    assert not list(tmp_path.rglob("*tmp-*"))
    assert (tmp_path / "clips" / "tiny" / "FixtureJacobian.mp4").is_file()
    assert not (tmp_path / "clips" / "tiny" / "FixtureSquare.stamp").exists()
    assert not (tmp_path / "build" / "tiny" / "FixtureSquare").exists()  # no half-written Manim cache kept
    done = lecture(out=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 up to date, 1 to render" in done.stdout and "rendering FixtureJacobian" not in done.stdout
    assert previous.read_bytes() != b"the lecture from last week"


def test_webm_and_gif_have_the_lecture_duration(base) -> None:
    out, _ = base
    for fmt in ("webm", "gif"):
        done = lecture("--format", fmt, out=out)
        assert done.returncode == 0, done.stderr
        expected = video_seconds(out / "jacobian_lecture.mp4")
        assert abs(video_seconds(out / f"jacobian_lecture.{fmt}") - expected) < Fraction(1, 10)


@pytest.mark.slow
def test_slides_html_works_offline(tmp_path: Path) -> None:
    cache = Path(os.environ.get("JACOBIAN_CACHE_DIR") or Path.home() / ".cache" / "jacobian-lecture")
    if not (cache / "reveal.js-6.0.1").exists() and not os.environ.get("JACOBIAN_REVEALJS_DIR"):
        import shutil

        if shutil.which("npm") is None:
            pytest.skip("reveal.js is not cached and npm is not installed")
    done = lecture("--slides", out=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    html_path = tmp_path / "slides" / "jacobian_lecture.html"
    html = html_path.read_text(encoding="utf-8")
    refs = re.findall(r"""\b(?:src|href|data-background-video)\s*=\s*["']([^"']*)["']""",
                      re.sub(r"<!--.*?-->", "", html, flags=re.S))
    assert refs
    assert not [r for r in refs if re.match(r"(https?:)?//", r.strip(), re.I)]
    for ref in refs:
        assert (html_path.parent / ref).is_file(), ref
    assert sum(r.startswith("jacobian_lecture_assets/reveal.js/dist/reveal.") for r in refs) == 2  # js + css
    videos = re.findall(r'data-background-video="([^"]+)"', html)
    assert len(videos) == 4  # two beats in each fixture scene
    # each slide carries its beat's narration as speaker notes (reveal.js's speaker view, key S)
    notes = [re.sub(r"\s+", " ", n).strip() for n in re.findall(r'<aside class="notes"[^>]*>(.*?)</aside>', html, re.S)]
    assert len(notes) == 4 and notes[0].startswith("Jacobian of the configured map: "), notes
    assert notes[1:] == ["Same matrix, held still", "A square is drawn", "and filled"], notes
