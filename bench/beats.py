"""Bench part ``beats``: the beat preview (``scripts/preview SCENE --beat NAME``) of each scene's longest beat.

The longest beat is the one with the most written seconds, from a silent pass (``python -m lecture script``,
every animation skipped).  Each scene is measured in its own fresh clone of this checkout's ``HEAD`` (an
empty ``media/``, so an empty TeX cache; the clone shares this checkout's ``.venv``):

- **first**: ``scripts/preview SCENE --beat NAME`` as a fresh process: the set-up check, Python's start, the
  imports and the scene's LaTeX included (issue #17's target: at most 5 s);
- **warm**: ``scripts/preview SCENE --beat NAME --watch``; after its first render the scene file is saved
  unchanged ``saves`` times, and each save gives the seconds from writing the file to the watcher's report
  line (its 0.05 s polling included; target: at most 1.5 s) and the render time the watcher itself reports.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bench.core import ROOT, BenchError, run_measured, video_seconds

FIRST_TARGET_S = 5.0
WARM_TARGET_S = 1.5
WRITTEN = re.compile(r"preview written in (\d+(?:\.\d+)?) s .*peak (\d+(?:\.\d+)?) MiB")


def longest_beats(script_dir: Path, paths: dict[str, Path]) -> dict[str, tuple[str, int, float]]:
    """``{scene: (beat id, 1-based number, written seconds)}`` of each scene's longest beat, from the
    narration records the silent pass wrote under ``script_dir`` (``build/script/<Scene>/``); ``paths``
    maps each scene to its source file."""
    from lecture.chunks import beat_seconds
    from narration.narrator import read_record, record_path
    from scenes.kit.beats import beat_ids

    out = {}
    for cls in paths:
        seconds = beat_seconds(read_record(record_path(script_dir / "build" / "script" / cls, cls)))
        beats = beat_ids(paths[cls], cls)
        if len(beats) != len(seconds):
            raise BenchError(f"{cls}: {len(beats)} beat ids but {len(seconds)} timed beats")
        i = max(range(len(seconds)), key=seconds.__getitem__)
        out[cls] = (beats[i], i + 1, seconds[i])
    return out


def fresh_clone(dest: Path) -> Path:
    """A clone of this checkout's ``HEAD`` at ``dest`` whose ``.venv`` is this checkout's."""
    subprocess.run(["git", "clone", "-q", "--local", str(ROOT), str(dest)], check=True)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


class Watcher:
    """``scripts/preview ... --watch`` in ``clone``, its report lines read on a thread."""

    def __init__(self, clone: Path, args: Sequence[str]) -> None:
        self.proc = subprocess.Popen([str(clone / "scripts" / "preview"), *args, "--watch"], cwd=clone,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line.rstrip()))

    def report(self, timeout: float = 300.0) -> tuple[float, float, float]:
        """(when, render s, peak MiB) of the next "preview written" line; an error line raises."""
        deadline = time.perf_counter() + timeout
        while (left := deadline - time.perf_counter()) > 0:
            try:
                when, line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if ": error:" in line:
                raise BenchError(f"watcher: {line}")
            if m := WRITTEN.search(line):
                return when, float(m.group(1)), float(m.group(2))
        raise BenchError("the watcher wrote no preview in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure(work: Path, log_dir: Path, names: Sequence[str], saves: int = 3) -> list[dict]:
    """The part: one dict per scene (see the module's docstring); prints a line per scene."""
    script = work / "beats_script"
    m = run_measured([str(ROOT / ".venv" / "bin" / "python"), "-m", "lecture", "script", "--output", str(script)],
                     log=log_dir / "beats_script.log")
    if m.returncode != 0:
        raise BenchError(f"lecture script failed with status {m.returncode}:\n{m.tail}")
    from lecture.storyboard import load_storyboard

    entries = {e.cls: e for e in load_storyboard(None)}
    longest = longest_beats(script, {cls: entries[cls].path for cls in names})
    out = []
    for cls in names:
        beat, number, written = longest[cls]
        clone = fresh_clone(work / f"beats_{cls}")
        args = [cls, "--beat", beat, "--output", str(clone / "preview")]
        log = log_dir / f"beats_{cls}_first.log"
        first = run_measured([str(clone / "scripts" / "preview"), *args], cwd=clone, log=log)
        if first.returncode != 0:
            raise BenchError(f"preview {cls} --beat {beat} failed with status {first.returncode}:\n{first.tail}")
        video = video_seconds(clone / "preview" / f"{cls}.mp4")
        watcher = Watcher(clone, args)
        warm = []
        try:
            watcher.report()
            time.sleep(1.0)  # the watcher takes its snapshot right after its first render
            for _ in range(saves):
                t0 = time.perf_counter()
                os.utime(clone / entries[cls].file)
                when, render_s, peak = watcher.report()
                warm.append({"wall_s": when - t0, "render_s": render_s, "peak_mib": peak})
                time.sleep(0.5)
        finally:
            watcher.stop()
        row = {"scene": cls, "beat": beat, "beat_number": number, "written_s": written, "video_s": video,
               "first_wall_s": first.wall_s, "warm": warm,
               "warm_wall_s": sorted(w["wall_s"] for w in warm)[len(warm) // 2]}
        row["meets"] = {"first": row["first_wall_s"] <= FIRST_TARGET_S, "warm": row["warm_wall_s"] <= WARM_TARGET_S}
        out.append(row)
        saves_s = ", ".join(f"{w['wall_s']:.2f}" for w in warm)
        print(f"beat preview {cls} {beat} ({video:.1f} s of video): first {first.wall_s:.1f} s, warm {saves_s} s",
              flush=True)
    return out


def format_beats(rows: Sequence[dict]) -> str:
    """A markdown table of the part's rows, for the README."""
    lines = ["| scene | longest beat | video s | first preview s (fresh clone, LaTeX) | warm re-render s (median) |",
             "|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['scene']} | {r['beat']} | {r['video_s']:.1f} | {r['first_wall_s']:.1f} | "
                     f"{r['warm_wall_s']:.2f} |")
    return "\n".join(lines)
