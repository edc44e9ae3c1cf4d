"""``python -m lecture audit-flashes VIDEO...``: the WCAG 2.3.1 flash check on any video file, as the lead runs it
on the real lecture: a synthetic flashing clip fails (exit 1), a calm one passes (exit 0), a missing or
non-video file is a one-line error (exit 2), no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def write_clip(path: Path, levels: list[float], red: bool = False) -> Path:
    """A 160x90 H.264 clip at 30 fps: each frame one grey (or red) level in [0, 1] over the whole picture."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for level in levels:
            rgb = [level, 0.0, 0.0] if red else [level] * 3
            frame = np.broadcast_to(np.round(np.array(rgb) * 255).astype(np.uint8), (90, 160, 3)).copy()
            out.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        out.mux(stream.encode())
    return path


def audit(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lecture", "audit-flashes", *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("flashes")
    blink = [1.0 if (i // 4) % 2 else 0.0 for i in range(60)]  # black/white every 4 frames: 3.75 flashes a second
    calm = list(np.linspace(0.0, 1.0, 45)) + list(np.linspace(1.0, 0.0, 45))  # one slow fade up and down
    return {"blink": write_clip(folder / "blink.mp4", blink), "calm": write_clip(folder / "calm.mp4", calm),
            "red": write_clip(folder / "red.mp4", [0.9 * v + 0.05 for v in blink], red=True)}


def test_a_flashing_clip_fails(clips: dict[str, Path]) -> None:
    done = audit(clips["blink"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"{clips['blink']}: FAILS WCAG 2.3.1") and done.stderr == ""


def test_a_red_flashing_clip_fails(clips: dict[str, Path]) -> None:
    done = audit(clips["red"])
    assert done.returncode == 1 and "FAILS" in done.stdout, done.stdout + done.stderr


def test_a_calm_clip_passes(clips: dict[str, Path]) -> None:
    done = audit(clips["calm"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == (f"{clips['calm']}: ok: at most 0 general flash(es) in one second (from 0.00 s), 0 red "
                           f"(from 0.00 s); the limit is 3\n")


def test_every_file_is_reported_and_the_worst_decides(clips: dict[str, Path]) -> None:
    done = audit(clips["calm"], clips["blink"])
    assert done.returncode == 1 and len(done.stdout.splitlines()) == 2


def test_missing_and_non_video_files_are_one_line_errors(clips: dict[str, Path], tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    done = audit(tmp_path / "absent.mp4", text, clips["calm"])
    assert done.returncode == 2, done.stdout + done.stderr
    errors = done.stderr.splitlines()
    assert errors[0] == f"error: {tmp_path / 'absent.mp4'}: no such file"
    assert errors[1].startswith(f"error: {text}: cannot decode it as a video")
    assert len(errors) == 2 and "Traceback" not in done.stderr
    assert done.stdout.startswith(f"{clips['calm']}: ok")  # the good file is still checked
