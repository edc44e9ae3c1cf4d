"""Render on a Dask cluster: ``--scheduler local:N`` (a ``distributed.LocalCluster`` of N single-threaded
worker processes here) or ``--scheduler tcp://HOST:8786`` (workers started with ``dask worker`` from the
project's ``.venv`` of the same checkout on each machine).

Each task is one chunk of a scene (:class:`lecture.chunks.Piece`; a whole scene is one chunk).  It runs on a
worker as a real ``manim`` process, exactly as the local runner starts it (:func:`lecture.render.manim_command`,
:func:`lecture.render.scene_env`, the same beat plan), and sends back the movie's bytes, its captions and its
narration record (with the speech it used); the caller joins, stamps and publishes (:class:`SceneWork`).

- A task carries no paths of the caller: the settings file and the beat plan travel as bytes, and the worker
  builds its own command and environment.  Before rendering, the worker hashes its own copy of the scene's
  inputs (:func:`lecture.render.input_hash`, project files named from the root): when that differs from the
  caller's hash it refuses with one line, instead of rendering something else.
- A worker that dies mid-task takes its ``manim`` process with it (``PR_SET_PDEATHSIG``); the scheduler
  gives the task to another worker (``distributed.scheduler.allowed-failures`` deaths per task, then
  ``KilledWorker``).  Exceptions are not retried: a scene that fails fails the same way everywhere.
- ``distributed`` is imported only here, and only when ``--scheduler`` is given.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lecture import media, render
from lecture.chunks import Piece, SceneWork, piece_outputs
from lecture.errors import CodeMismatchError, SceneFailedError, SchedulerUnreachableError, UsageError
from lecture.storyboard import ROOT, SceneEntry
from narration.narrator import PLAN_ENV
from narration.synth import cache_dir

CONNECT_TIMEOUT = 5.0  # seconds to reach a tcp:// scheduler
LOG_LIMIT = 200_000  # characters of a failed render's log sent back


@dataclass(frozen=True)
class PieceTask:
    """One chunk to render on a worker: no paths of the caller, its files as bytes."""

    entry: SceneEntry
    piece: Piece
    quality: str
    digest: str  # the caller's input hash of the scene
    fingerprint: str  # the narration's part of it (lecture.narrate.fingerprint)
    voice: str
    config: bytes | None
    plan: bytes | None
    speech: dict[str, bytes] = field(default_factory=dict)  # the caller's synthesised speech, by cache path


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Linux: the manim process gets SIGKILL when the worker thread that started it dies."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_piece(task: PieceTask) -> dict:
    """On a worker: check the project's code, render the chunk with manim, return its outputs."""
    from distributed import get_worker

    worker = get_worker()
    quality = render.QUALITIES[task.quality]
    # one folder per scene for this worker's life: Manim's TeX and partial-movie caches help its next chunk
    work = Path(worker.local_directory) / "jacobian" / quality.name / task.entry.cls
    media_dir = work / task.piece.name
    media_dir.mkdir(parents=True, exist_ok=True)
    config = None
    if task.config is not None:
        config = work / "settings.toml"
        config.write_bytes(task.config)
    command = render.manim_command(task.entry, quality, media_dir, False, False)
    mine = render.input_hash(task.entry, quality, config, "video", render.job_flags(command, task.entry, media_dir),
                             task.fingerprint)
    if mine != task.digest:
        raise CodeMismatchError(f"worker {worker.address} refuses {task.piece.name}: its copy of the project "
                                f"differs from the caller's (input hash {mine[:12]} != {task.digest[:12]}); start "
                                f"every worker from the same checkout and commit, with the same Manim")
    for name, data in task.speech.items():  # the caller's speech: every chunk of a scene hears the same
        cached = cache_dir() / name
        if not cached.is_file():
            cached.parent.mkdir(parents=True, exist_ok=True)
            with media.atomic_path(cached) as tmp:
                tmp.write_bytes(data)
    env = {**render.scene_env(config, False, task.voice, media_dir), **task.piece.env()}
    if task.plan is not None:
        plan = work / f"{task.entry.cls}.plan.json"
        plan.write_bytes(task.plan)
        env[PLAN_ENV] = str(plan)
    render.clear_outputs(media_dir, task.entry.cls)
    log = work / f"{task.piece.name}.log"
    started = time.monotonic()
    die_with_worker = _die_with_parent if sys.platform == "linux" else None
    with log.open("w", encoding="utf-8") as handle:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,  # noqa: S603
                               stdin=subprocess.DEVNULL, preexec_fn=die_with_worker)
    seconds = time.monotonic() - started
    if code != 0:
        error = SceneFailedError(f"{render.log_error(log, code)[0]} (on worker {worker.address})")
        error.log_text = log.read_text(encoding="utf-8", errors="replace")[-LOG_LIMIT:]
        raise error
    out = piece_outputs(media_dir, task.piece)
    speech = {}
    for u in out.record["utterances"]:
        if u["file"] and task.piece.first <= u["beat"] and (task.piece.stop is None or u["beat"] < task.piece.stop):
            speech[u["file"]] = Path(u["file"]).read_bytes()
    video = out.video.read_bytes()
    out.video.unlink()
    return {"video": video, "srt": out.srt, "record": out.record, "speech": speech, "root": str(ROOT),
            "worker": worker.address, "seconds": seconds}


def parse_scheduler(spec: str) -> tuple[str, int | str]:
    """``local:N`` -> ("local", N); ``tcp://HOST:PORT`` -> ("tcp", the address)."""
    if spec.startswith("local:") and spec[6:].isdigit() and int(spec[6:]) >= 1:
        return "local", int(spec[6:])
    if spec.startswith("tcp://") and ":" in spec[6:]:
        return "tcp", spec
    raise UsageError(f"--scheduler must be local:N (N worker processes here) or tcp://HOST:PORT, got {spec!r}")


@contextlib.contextmanager
def connect(spec: str, timeout: float = CONNECT_TIMEOUT) -> Iterator[object]:
    """A ``distributed.Client`` for ``--scheduler``: a LocalCluster started (and closed) here, or an existing
    scheduler, reached within ``timeout`` seconds or :class:`SchedulerUnreachableError`."""
    kind, where = parse_scheduler(spec)
    from distributed import Client, LocalCluster

    if kind == "local":
        with LocalCluster(n_workers=where, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(where, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachableError(f"cannot reach the Dask scheduler at {where} within {timeout:.0f} s "
                                        f"({type(exc).__name__}); start it with 'dask scheduler' or check the "
                                        "address") from None
    with client:
        yield client


def worker_count(client) -> int:
    return max(1, len(client.scheduler_info(n_workers=-1)["workers"]))


def _localise(result: dict) -> dict:
    """The record of a chunk rendered elsewhere, its speech files at this checkout's paths (written here when
    missing): a worker's ``<root>/media/speech/...`` becomes ours."""
    record, theirs = result["record"], result["root"] + os.sep
    for u in record["utterances"]:
        if u["file"] and u["file"].startswith(theirs):
            local = ROOT / u["file"][len(theirs):]
            data = result["speech"].get(u["file"])
            if data is not None and not local.exists():
                with media.atomic_path(local) as tmp:
                    tmp.write_bytes(data)
            u["file"] = str(local)
    return record


def render_pieces(client, tasks: Sequence[tuple[SceneWork, PieceTask, render.Job]], total: int, done: int,
                  t0: float, say: Callable[[str], None]) -> list[render.Job]:
    """Render every task on the cluster; store each finished chunk (publishing a scene's clip with its last
    chunk).  Returns the failed scenes' jobs (their ``error``, and the worker's log in their ``log``)."""
    from distributed import as_completed

    futures = {client.submit(run_piece, task, key=f"{task.piece.name}-{task.digest[:12]}-{os.getpid()}-{i}",
                             pure=False): (work, task, job)
               for i, (work, task, job) in enumerate(tasks)}
    failed: dict[str, render.Job] = {}
    try:
        for future in as_completed(futures):
            work, task, job = futures[future]
            done += 1
            clock = render.clock(time.monotonic() - t0)
            if job.entry.cls in failed:
                continue
            if future.status == "error":
                exc = future.exception()
                job.error = str(exc) if isinstance(exc, SceneFailedError) else f"{type(exc).__name__}: {exc}"
                if getattr(exc, "log_text", None):
                    job.log.parent.mkdir(parents=True, exist_ok=True)
                    media.write_text_atomic(job.log, exc.log_text)
                    job.tail = [ln for ln in exc.log_text.splitlines() if ln.strip()][-12:]
                failed[job.entry.cls] = job
                say(f"[{done}/{total} done, {clock}] FAILED {task.piece.name}: {job.error}")
                continue
            result = future.result()
            try:
                published = work.store(task.piece, result["video"], result["srt"], _localise(result))
            except (OSError, SceneFailedError, ValueError) as exc:
                job.error = str(exc)
                failed[job.entry.cls] = job
                say(f"[{done}/{total} done, {clock}] FAILED {task.piece.name}: {job.error}")
                continue
            joined = f"; {job.entry.cls} joined" if published and task.piece.count > 1 else ""
            say(f"[{done}/{total} done, {clock}] finished {task.piece.name} in {result['seconds']:.1f} s on "
                f"{result['worker']}{joined}")
    finally:
        client.cancel(list(futures))
    return list(failed.values())
