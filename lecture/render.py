"""Render scenes as parallel ``manim`` subprocesses, skipping scenes whose clip is up to date.

A scene's finished clip is published in ``<output>/clips/<quality>/<Scene>.mp4`` (with its ``.srt``, its
narration record ``.narration.json`` and a ``.stamp`` holding the hash of every input) only after Manim
exits cleanly, so an interrupted run leaves either a complete clip or none, and the next run resumes from
the finished ones.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jacobian_settings import environment_for
from lecture.errors import SceneFailedError
from lecture.media import write_text_atomic
from lecture.storyboard import ROOT, SceneEntry
from narration import ENV_VAR as VOICE_ENV
from narration.narrator import OUT_ENV as NARRATION_OUT_ENV
from narration.narrator import record_path
from scenes.kit.narrator import ENV_VAR as NARRATOR_ENV

NARRATOR = "narration.narrator:for_scene"  # the narrator of a scene in a lecture process (scenes.kit.narrator)


@dataclass(frozen=True)
class Quality:
    """A render size: ``width`` x ``height`` pixels at ``fps`` frames per second."""

    name: str
    width: int
    height: int
    fps: int

    def flags(self) -> list[str]:
        """Manim command-line flags for this size and frame rate."""
        return ["-r", f"{self.width},{self.height}", "--fps", str(self.fps)]


QUALITIES = {
    "low": Quality("low", 854, 480, 15),
    "medium": Quality("medium", 1280, 720, 30),
    "high": Quality("high", 1920, 1080, 60),
    "4k": Quality("4k", 3840, 2160, 60),
    "tiny": Quality("tiny", 256, 144, 10),  # for tests: seconds per scene
}

SHARED_INPUTS = ("assets/*", "manim.cfg")  # read by path at run time, whatever a scene imports


def _module_files(name: str) -> list[Path]:
    """Project files that importing ``name`` (e.g. ``scenes.kit.style``) executes: its package ``__init__``s
    and the module itself.  Names outside the project (manim, numpy, ...) give nothing."""
    parts = name.split(".")
    files = []
    for i in range(1, len(parts) + 1):
        base = ROOT.joinpath(*parts[:i])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file() and ".venv" not in candidate.parts:
                files.append(candidate)
    return files


def dependencies(path: Path) -> set[Path]:
    """``path`` and every project module it imports, transitively (found by reading the imports, not
    by running them), so a change in one scene file does not re-render the others."""
    seen: set[Path] = set()
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        own = current.with_name(current.stem + "_settings.py")  # a scene's settings section, declared beside it
        if current.parent == ROOT / "scenes" and own.is_file() and own not in seen:  # (read by the settings loader)
            todo.append(own)
        try:
            tree = ast.parse(current.read_bytes(), filename=str(current))
        except (OSError, SyntaxError):
            continue  # the render itself will report it
        package = ".".join(current.relative_to(ROOT).with_suffix("").parts[:-1]) if ROOT in current.parents else ""
        if current.name == "__init__.py" and ROOT in current.parents:
            package = ".".join(current.parent.relative_to(ROOT).parts)
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)] if package else []
                    base = ".".join([*anchor, *([base] if base else [])])
                names = [base] + [f"{base}.{alias.name}" for alias in node.names if base]
            for name in names:
                todo.extend(p.resolve() for p in _module_files(name) if p.resolve() not in seen)
    return seen


def input_hash(entry: SceneEntry, quality: Quality, config: Path | None, mode: str,
               flags: Sequence[str] = (), voice: str = "") -> str:
    """SHA-256 of everything a scene's clip depends on: its file and the project modules it imports,
    assets and manim.cfg, the user config's contents, the quality, the render mode, the Manim version,
    ``flags`` (Manim's options) and ``voice`` (the narration's fingerprint: the beats last as long as it
    speaks)."""
    digest = hashlib.sha256()
    files = dependencies(entry.path) | {p for pattern in SHARED_INPUTS for p in ROOT.glob(pattern) if p.is_file()}
    for path in sorted(files):  # named from the project root: a checkout elsewhere (a Dask worker's) hashes alike
        name = path.relative_to(ROOT) if ROOT in path.parents else path
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(b"config\0" + (config.read_bytes() if config else b"<defaults>") + b"\0")
    meta = [entry.cls, quality.width, quality.height, quality.fps, mode, importlib.metadata.version("manim"),
            list(flags)] + ([voice] if voice else [])
    digest.update(json.dumps(meta).encode())
    return digest.hexdigest()


@dataclass
class Job:
    """One scene to render.  ``media_dir`` is Manim's working directory for it (kept between runs
    so Manim's cache of partial movie files still helps)."""

    index: int
    entry: SceneEntry
    digest: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    media_dir: Path
    log: Path
    publish: Callable[[Job], None]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    log_handle: object = None
    seconds: float = 0.0
    error: str = ""
    tail: list[str] = field(default_factory=list)
    scratch: list[Path] = field(default_factory=list)  # caches a killed render may leave half-written


def manim_command(entry: SceneEntry, quality: Quality, media_dir: Path, verbose: bool, slides: bool) -> list[str]:
    tool = ["-m", "manim_slides", "render"] if slides else ["-m", "manim", "render"]
    return [
        sys.executable, *tool, str(entry.path), entry.cls,
        "--config_file", str(ROOT / "manim.cfg"),
        *quality.flags(),
        "--media_dir", str(media_dir), "--format", "mp4", "--seed", "0", "--silent",
        "-v", "INFO" if verbose else "WARNING",
        "--progress_bar", "display" if verbose else "none",
    ]


def job_flags(command: Sequence[str], entry: SceneEntry, media_dir: Path) -> list[str]:
    """The options of a scene's ``command`` that decide its pixels, for :func:`input_hash`: without the
    interpreter, the scene file, the working folder and the log settings (``--verbose`` changes no pixel),
    and with project paths relative to the root (the same on every machine with the same checkout)."""
    drop = {sys.executable, str(entry.path), str(media_dir), "INFO", "WARNING", "display", "none"}
    return [str(Path(a).relative_to(ROOT)) if a.startswith(f"{ROOT}{os.sep}") else a
            for a in command if a not in drop]


def scene_env(config: Path | None, slides: bool, voice: str = "none", narration_out: Path | None = None
              ) -> dict[str, str]:
    """The environment of a scene process: the config file, the slide mode, the narrator, the voice and where
    the narration record goes, a fixed hash seed."""
    env = environment_for(config)
    env.pop("JACOBIAN_SLIDES", None)
    if slides:
        env["JACOBIAN_SLIDES"] = "1"
    env[NARRATOR_ENV] = NARRATOR
    env[VOICE_ENV] = voice
    env.pop(NARRATION_OUT_ENV, None)
    if narration_out is not None:
        env[NARRATION_OUT_ENV] = str(narration_out)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONHASHSEED"] = "0"
    env.setdefault("COLUMNS", "120")
    return env


def find_output(media_dir: Path, name: str) -> Path | None:
    """The movie Manim wrote for scene ``name`` under ``media_dir`` (newest if several)."""
    found = [p for p in (media_dir / "videos").glob(f"**/{name}.mp4") if "partial_movie_files" not in p.parts]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def clear_outputs(media_dir: Path, name: str) -> None:
    """Remove a previous run's movie, .srt and narration record of ``name`` so a stale file is never mistaken
    for new."""
    for pattern in (f"{name}.mp4", f"{name}.srt"):
        for p in (media_dir / "videos").glob(f"**/{pattern}"):
            if "partial_movie_files" not in p.parts:
                p.unlink(missing_ok=True)
    record_path(media_dir, name).unlink(missing_ok=True)


def read_stamp(path: Path) -> str:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("inputs", "")
    except (OSError, ValueError, AttributeError):
        return ""


def write_stamp(path: Path, digest: str, entry: SceneEntry) -> None:
    write_text_atomic(path, json.dumps({"inputs": digest, "scene": entry.cls, "file": entry.file}) + "\n")


def _tail(log: Path, lines: int = 12) -> list[str]:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    kept = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    return kept[-lines:]


def _error_line(tail: list[str]) -> str:
    """The exception line of a Python traceback (``SomeError: message``, with the lines the terminal
    width wrapped it into joined back), else the last line."""
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i].strip()
        head = line.split(":", 1)[0]
        if ":" in line and " " not in head and (head.endswith(("Error", "Exception", "Interrupt")) or
                                                head == "SystemExit"):
            return " ".join(part.strip() for part in tail[i:i + 4])
    return tail[-1].strip() if tail else "no output"


def log_error(log: Path, code: int) -> tuple[str, list[str]]:
    """A failed render's error line (the exception of its traceback) and the last lines of its ``log``."""
    tail = _tail(log)
    return (_error_line(tail) if tail else f"manim exited with status {code}"), tail


def clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


class Runner:
    """Runs jobs, at most ``jobs`` at a time, printing progress lines to ``out``."""

    HEARTBEAT = 30.0

    def __init__(self, jobs: int, verbose: bool, out=sys.stdout) -> None:
        self.jobs = max(1, jobs)
        self.verbose = verbose
        self.out = out
        self.running: list[Job] = []

    def say(self, text: str) -> None:
        try:
            print(text, file=self.out, flush=True)
        except BrokenPipeError:  # e.g. piped into `head`: keep rendering, stop printing
            self.out = open(os.devnull, "w")  # noqa: SIM115

    def _start(self, job: Job) -> None:
        job.log.parent.mkdir(parents=True, exist_ok=True)
        clear_outputs(job.media_dir, job.entry.cls)
        if self.verbose:
            stdout = None
        else:
            job.log_handle = job.log.open("w", encoding="utf-8")
            stdout = job.log_handle
        job.started = time.monotonic()
        job.proc = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            job.command, cwd=job.cwd, env=job.env, stdout=stdout, stderr=subprocess.STDOUT if stdout else None,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        self.running.append(job)

    def _finish(self, job: Job, code: int) -> None:
        if job.log_handle is not None:
            job.log_handle.close()
        job.seconds = time.monotonic() - job.started
        self.running.remove(job)
        if code == 0:
            try:
                job.publish(job)
            except (OSError, SceneFailedError) as exc:
                job.error = str(exc)
        else:
            job.error, job.tail = log_error(job.log, code) if not self.verbose else \
                (f"manim exited with status {code}", [])

    def stop_all(self) -> None:
        """Terminate the scene processes this runner started (each its own process group)."""
        for job in list(self.running):
            if job.proc is not None and job.proc.poll() is None:
                try:
                    os.killpg(job.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 5
        for job in list(self.running):
            if job.proc is None:
                continue
            try:
                job.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(job.proc.pid, signal.SIGKILL)
                job.proc.wait()
            if job.log_handle is not None:
                job.log_handle.close()
            # Manim (and manim-slides) reuse cached partial movies and SVGs by name: a render killed
            # mid-write could leave a truncated one that the next run would trust.
            for path in job.scratch:
                remove_tree(path)
        self.running.clear()

    def run(self, todo: list[Job], total: int, done_before: int, t0: float) -> list[Job]:
        """Run ``todo``; return the failed jobs.  Progress counts ``done_before`` skipped scenes."""
        queue = deque(todo)
        done = done_before
        failed: list[Job] = []
        last_beat = time.monotonic()
        try:
            while queue or self.running:
                while queue and len(self.running) < self.jobs:
                    job = queue.popleft()
                    self._start(job)
                    self.say(f"[{done}/{total} done, {clock(time.monotonic() - t0)}] rendering "
                             f"{job.entry.cls} ({job.entry.file})")
                for job in list(self.running):
                    code = job.proc.poll() if job.proc else 1
                    if code is None:
                        continue
                    self._finish(job, code)
                    done += 1
                    status = f"FAILED {job.entry.cls}: {job.error}" if job.error else \
                        f"finished {job.entry.cls} in {job.seconds:.1f} s"
                    self.say(f"[{done}/{total} done, {clock(time.monotonic() - t0)}] {status}")
                    if job.error:
                        failed.append(job)
                if self.running and time.monotonic() - last_beat > self.HEARTBEAT:
                    last_beat = time.monotonic()
                    names = ", ".join(f"{j.entry.cls} ({clock(last_beat - j.started)})" for j in self.running)
                    self.say(f"[{done}/{total} done, {clock(last_beat - t0)}] still rendering: {names}")
                time.sleep(0.1)
        finally:
            self.stop_all()
        return failed


def publish_clip(job: Job, clip_dir: Path) -> None:
    """Move Manim's movie (and .srt) of ``job`` to ``clip_dir`` and stamp it with the input hash."""
    publish_outputs(job.media_dir, job.entry, job.digest, clip_dir)


def publish_outputs(media_dir: Path, entry: SceneEntry, digest: str, clip_dir: Path) -> None:
    """Move the movie, .srt and narration record of ``entry`` found in ``media_dir`` (Manim's layout) to
    ``clip_dir``, then stamp the clip with ``digest``."""
    name = entry.cls
    movie = find_output(media_dir, name)
    if movie is None:
        raise SceneFailedError(f"manim exited cleanly but wrote no {name}.mp4 under {media_dir}")
    clip_dir.mkdir(parents=True, exist_ok=True)
    stamp = clip_dir / f"{name}.stamp"
    stamp.unlink(missing_ok=True)  # clip and stamp change together: no stamp while they may disagree
    srt = movie.with_suffix(".srt")
    if srt.exists():
        os.replace(srt, clip_dir / f"{name}.srt")
    else:
        (clip_dir / f"{name}.srt").unlink(missing_ok=True)
    record = record_path(media_dir, name)
    if not record.exists():
        raise SceneFailedError(f"manim exited cleanly but {name} wrote no narration record")
    os.replace(record, clip_dir / record.name)
    os.replace(movie, clip_dir / f"{name}.mp4")
    write_stamp(stamp, digest, entry)


def up_to_date(stamp: Path, digest: str, *products: Path) -> bool:
    return read_stamp(stamp) == digest and all(p.exists() for p in products)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
