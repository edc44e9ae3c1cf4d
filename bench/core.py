"""Measuring one render, and formatting results (no Manim import: the renders are subprocesses).

Every render is a real ``manim`` process started from the project root (so ``manim.cfg`` applies),
timed by wall clock, with the peak resident memory of that process tree from ``os.wait4``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from lecture.render import QUALITIES as LECTURE_QUALITIES

ROOT = Path(__file__).resolve().parent.parent
MANIM = [sys.executable, "-m", "manim", "render"]
CONSTRUCTS = ROOT / "bench" / "constructs.py"


class BenchError(ValueError):
    """A benchmark could not run (bad option, failed render); the message names what failed."""


# One definition of the render sizes for the lecture command and the benchmarks.
QUALITIES = {name: LECTURE_QUALITIES[name] for name in ("low", "high", "4k")}


@dataclass(frozen=True)
class Measurement:
    """One finished process: wall seconds, peak RSS (MiB) of it and its children, exit status."""

    wall_s: float
    peak_mib: float
    returncode: int
    tail: str = ""


def run_measured(cmd: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path = ROOT,
                 log: Path | None = None) -> Measurement:
    """Run ``cmd`` to completion; its output goes to ``log`` (or is dropped), the last lines are kept."""
    full_env = {**os.environ, **(env or {})}
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    tail = ""
    if log and proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-8:])
    return Measurement(wall, usage.ru_maxrss / 1024.0, proc.returncode, tail)  # ru_maxrss is KiB on Linux


def video_seconds(path: Path) -> float:
    """Duration of the first video stream of ``path``: frames / frame rate (decoded header only)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = stream.frames
        if frames and stream.average_rate:
            return float(frames / stream.average_rate)
        if container.duration:
            return container.duration / 1e6
    raise BenchError(f"cannot read the duration of {path}")


@dataclass
class Row:
    """One line of the table.  ``factor`` = wall / video; ``x_floor`` = factor / static-floor factor
    (same quality, same duration); ``x_baseline`` = this construct's measured beat / the baseline's."""

    name: str
    kind: str  # scene | floor | construct | lecture | preview | scaling
    quality: str
    video_s: float | None = None
    wall_s: float | None = None
    peak_mib: float | None = None
    beat_s: float | None = None  # in-process seconds of the measured beat (constructs, scaling)
    x_floor: float | None = None
    x_simple: float | None = None  # factor / simple-floor factor
    x_baseline: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def factor(self) -> float | None:
        if self.wall_s is None or not self.video_s:
            return None
        return self.wall_s / self.video_s


COLUMNS = ("scene", "quality", "video s", "wall s", "factor", "x floor", "x baseline", "peak MiB", "beat s")


def _cell(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.{digits}f}"


def table_rows(rows: Sequence[Row]) -> list[list[str]]:
    return [[r.name, r.quality, _cell(r.video_s, 1), _cell(r.wall_s, 1), _cell(r.factor), _cell(r.x_floor),
             _cell(r.x_baseline), _cell(r.peak_mib, 0), _cell(r.beat_s)] for r in rows]


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width text table of ``rows`` (the columns of :data:`COLUMNS`)."""
    body = table_rows(rows)
    widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h) for i, h in enumerate(COLUMNS)]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                             strict=True)))

    return "\n".join([fmt(COLUMNS), fmt(["-" * w for w in widths]), *(fmt(line) for line in body)])


def format_markdown(rows: Sequence[Row]) -> str:
    """The same table as GitHub markdown."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(COLUMNS) - 2)) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(rows)]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine_info() -> dict:
    """Where and with what the numbers were measured."""
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "manim": _version("manim"),
        "numpy": _version("numpy"),
        "sympy": _version("sympy"),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
    }


def results_document(rows: Sequence[Row], machine: dict, run: dict, sections: Mapping[str, object]) -> dict:
    """The JSON document written under ``bench/results/``."""
    return {
        "machine": machine,
        "run": run,
        "columns": list(COLUMNS),
        "rows": [{**asdict(r), "factor": r.factor} for r in rows],
        **sections,
    }


def write_json(doc: dict, path: Path) -> Path:
    """Write ``doc`` to ``path`` via a temporary name, so the file is complete or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
