"""``python -m lecture [render] [options]``, ``python -m lecture script`` (the narration script to record
from) and ``python -m lecture doctor``; ``python -m lecture new NAME`` writes a new scene
(:mod:`lecture.new_scene`) and ``python -m lecture preview`` previews one (:mod:`lecture.preview`).

Exit status: 0 done, 1 a scene or the join failed, 2 bad options/configuration (nothing rendered),
3 a required system tool is missing, 130 interrupted.
"""

from __future__ import annotations

import argparse
import configparser
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from jacobian_settings import ENV_VAR, ConfigError, config_path_from_env, load_settings
from lecture import captions, chunks, cluster, media, narrate, render, slides, tools
from lecture.errors import LectureError, SceneFailedError, UsageError
from lecture.storyboard import PART_TITLES, ROOT, SUMMARY, SceneEntry, check_entries, load_storyboard, select
from narration import ENV_VAR as VOICE_ENV
from narration import Voice
from narration.narrator import OUT_ENV as NARRATION_OUT_ENV
from narration.narrator import PLAN_ENV, record_path
from narration.voices import DEFAULT_VOICE
from scenes.kit.beats import BeatIdError, beat_ids

LECTURE_NAME = "jacobian_lecture"
DEFAULT_OUTPUT = ROOT / "media" / "lecture"


def background_colour() -> str:
    """The lecture's background colour: ``manim.cfg``'s ``background_color``, its one source."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "manim.cfg", encoding="utf-8")
    return parser.get("CLI", "background_color")


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/render",
        description="Render the Jacobian lecture: every scene with Manim, joined into one video with "
                    "chapters, captions and stills (or, with --slides, an offline HTML presentation). "
                    "Run 'scripts/render doctor' to check the system tools.",
    )
    parser.add_argument("--quality", default="low", choices=list(render.QUALITIES),
                        metavar="{low,medium,high,4k}",
                        help="low = 480p15 (default, minutes on a laptop), medium = 720p30, high = 1080p60, "
                             "4k = 2160p60")
    parser.add_argument("--scenes", metavar="A,B", help="render only these scenes (class names, see --list)")
    parser.add_argument("--format", default="mp4", choices=("mp4", "webm", "gif"),
                        help="lecture video format (mp4 is a stream copy of the clips; webm/gif re-encode)")
    parser.add_argument("--config", metavar="FILE", default=config_path_from_env(),
                        help=f"TOML settings over assets/default.toml (default: ${ENV_VAR})")
    parser.add_argument("--voice", default=os.environ.get(VOICE_ENV) or DEFAULT_VOICE, metavar="VOICE",
                        help="who narrates: joe (the offline Piper voice, default), none (silent, the written "
                             "timings), a Piper model file (.onnx), or a folder of your recordings named by beat "
                             f"id (see 'scripts/render script'); default ${VOICE_ENV} or joe")
    parser.add_argument("--jobs", "-j", type=int, default=_default_jobs(), metavar="N",
                        help="scenes rendered in parallel (default: one per core, here %(default)s)")
    parser.add_argument("--chunks", default="auto", metavar="auto|N",
                        help="split scenes at their beats into N chunks rendered side by side and joined by stream "
                             "copy (same frames as a whole render); auto (default): only at high/4k, only scenes "
                             "longer than the average")
    parser.add_argument("--scheduler", metavar="local:N|tcp://HOST:PORT",
                        help="render on a Dask cluster: N worker processes here, or an existing scheduler whose "
                             "workers run this checkout (default: local processes, --jobs at a time)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show Manim's own output and progress bars")
    parser.add_argument("--slides", action="store_true",
                        help="build the offline reveal.js presentation (slides/<name>.html) instead of the video")
    parser.add_argument("--page", action="store_true",
                        help="also build the course page (page/: an offline, accessible HTML page with every "
                             "chapter's video, captions, descriptions and transcript) and the upload kit "
                             "(upload/: description with chapters, thumbnail, captions)")
    parser.add_argument("--output", metavar="DIR", default=str(DEFAULT_OUTPUT),
                        help="output folder (default: media/lecture)")
    parser.add_argument("--force", action="store_true",
                        help="re-render scenes from scratch (without Manim's cache) even when up to date")
    parser.add_argument("--list", action="store_true", help="list the storyboard's scenes and exit")
    parser.add_argument("--storyboard", help=argparse.SUPPRESS)  # module:attr, for tests
    return parser


class _Lock:
    """An exclusive lock on the output folder, so two renders never write the same files."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / ".lock"
        self.handle = None

    def __enter__(self) -> _Lock:
        self.handle = self.path.open("w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise LectureError(f"another render is writing to {self.path.parent}; wait for it to finish") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files (and slide staging folders) of earlier runs that were killed."""
    for path in [*folder.rglob(".*.tmp-*"), *folder.rglob(".*.staging-*")]:
        try:
            pid = int(re.split(r"\.(?:tmp|staging)-", path.name)[1].split(".")[0])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _pid_alive(pid):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _validate(args: argparse.Namespace) -> tuple[Path | None, tuple[SceneEntry, ...]]:
    """Everything that can be checked before rendering: options, configuration, storyboard, tools, the
    voice (``args.voice`` becomes a :class:`narration.Voice`; slides are presented live, so silent).  The
    settings are only checked here: each scene's ``manim`` process loads them from the file it is given."""
    args.voice = narrate.choose_voice("none" if args.slides else args.voice)

    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    args.chunk_count = chunks.parse_chunks(args.chunks)
    if args.scheduler is not None:
        cluster.parse_scheduler(args.scheduler)
        if args.slides:
            raise UsageError("--scheduler renders the video; build --slides without it")
    if args.page and args.slides:
        raise UsageError("--page is built from the video; build --slides and --page in two runs")
    if args.page and args.format != "mp4":
        raise UsageError(f"--page plays mp4 in every browser; use --format mp4 with --page, not {args.format}")
    config = Path(args.config).expanduser().resolve() if args.config else None
    try:
        load_settings(config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    storyboard = load_storyboard(args.storyboard)
    entries = select(storyboard, args.scenes)
    check_entries(entries)
    try:  # each scene's beat ids, read from its source
        beats = {e.cls: beat_ids(e.path, e.cls) for e in entries}
    except BeatIdError as exc:
        raise UsageError(str(exc)) from None
    if args.voice.kind == "recordings":  # its takes are checked against every scene's beats, rendered or not
        for line in narrate.stray_recordings(args.voice, {**_beats_if_readable(storyboard), **beats}):
            print(line, flush=True)
    tools.require_render_tools()
    if args.slides:
        import importlib.util

        if importlib.util.find_spec("manim_slides") is None:
            raise UsageError('--slides needs manim-slides: pip install "manim-slides>=5.7,<5.8"')
    return config, entries


def _beats_if_readable(entries: Sequence[SceneEntry]) -> dict[str, list[str]]:
    """The beat ids of each of ``entries`` whose source can be read (the scenes not rendered are not checked)."""
    beats = {}
    for entry in entries:
        try:
            beats[entry.cls] = beat_ids(entry.path, entry.cls)
        except (OSError, SyntaxError, BeatIdError):
            continue
    return beats


def _report_failures(failed: list[render.Job], clip_dir: Path | None) -> None:
    for job in failed:
        print(f"error: scene {job.entry.cls} ({job.entry.file}) failed: {job.error}", file=sys.stderr)
        for line in job.tail:
            print(f"    | {line}", file=sys.stderr)
        if job.tail:
            print(f"    full log: {job.log}", file=sys.stderr)
    kept = f"; finished clips are kept in {clip_dir}" if clip_dir else ""
    raise SceneFailedError(f"{len(failed)} scene(s) failed{kept}; nothing was published (re-run to resume)")


def _jobs(entries: Sequence[SceneEntry], args: argparse.Namespace, config: Path | None, mode: str,
          out: Path) -> tuple[list[render.Job], list[SceneEntry]]:
    quality = render.QUALITIES[args.quality]
    todo, fresh = [], []
    slide_mode = mode == "slides"
    build = out / "build" / (f"slides-{quality.name}" if slide_mode else quality.name)
    clip_dir = out / "clips" / quality.name
    decks = build / "slides"
    voice: Voice = args.voice
    fingerprint = narrate.fingerprint(voice)
    for index, entry in enumerate(entries):
        media_dir = build / ("media" if slide_mode else "") / entry.cls
        command = render.manim_command(entry, quality, media_dir, args.verbose, slide_mode)
        digest = render.input_hash(entry, quality, config, mode, render.job_flags(command, entry, media_dir),
                                   fingerprint)
        if slide_mode:
            stamp, products = build / "stamps" / f"{entry.cls}.stamp", (decks / f"{entry.cls}.json",)
        else:
            stamp = clip_dir / f"{entry.cls}.stamp"
            products = (clip_dir / f"{entry.cls}.mp4", record_path(clip_dir, entry.cls))
        if not args.force and render.up_to_date(stamp, digest, *products):
            fresh.append(entry)
            continue
        if slide_mode:
            stamp.unlink(missing_ok=True)
            products[0].unlink(missing_ok=True)

            def publish(job: render.Job, stamp: Path = stamp, deck: Path = products[0]) -> None:
                if not deck.exists():
                    raise SceneFailedError(f"manim-slides wrote no {deck.name}")
                render.write_stamp(stamp, job.digest, job.entry)
        else:
            def publish(job: render.Job) -> None:
                render.publish_clip(job, clip_dir)
        scratch = [media_dir] + ([decks / "files" / entry.cls] if slide_mode else [])
        if args.force:  # from scratch, without Manim's caches
            for path in scratch:
                render.remove_tree(path)
        build.mkdir(parents=True, exist_ok=True)
        todo.append(render.Job(
            index=index, entry=entry, digest=digest,
            command=command,
            env=render.scene_env(config, slide_mode, voice.spec, media_dir), cwd=build if slide_mode else ROOT,
            media_dir=media_dir,
            log=out / "logs" / f"{entry.cls}{'.slides' if slide_mode else ''}.log", publish=publish,
            scratch=scratch,
        ))
    return todo, fresh


def _render_all(entries, args, config, mode, out, t0) -> None:
    quality = render.QUALITIES[args.quality]
    todo, fresh = _jobs(entries, args, config, mode, out)
    workers = min(args.jobs, max(1, len(todo)))
    what = "slide decks" if mode == "slides" else "scenes"
    print(f"{len(entries)} {what} at {quality.name} ({quality.width}x{quality.height}, {quality.fps} fps): "
          f"{len(fresh)} up to date, {len(todo)} to render with {workers} worker(s)", flush=True)
    if args.verbose and todo:
        print("(--verbose: Manim's output follows; parallel scenes interleave, use --jobs 1 to keep it apart)")
    plans = out / "build" / "plan"
    records: list[dict] | None = None
    if mode == "video" and args.voice.speaks and todo:
        # the narrated beats stretch their written run times to the speech: measure those first, silently
        print(f"timing the beats of {len(todo)} scene(s) (a silent pass, animations skipped)", flush=True)
        records = _silent_records([job.entry for job in todo], args, config, plans, t0)
        for job in todo:
            job.env[PLAN_ENV] = str(record_path(plans / job.entry.cls, job.entry.cls))
        started = time.monotonic()
        args.speech = narrate.presynthesise(args.voice, records)
        print(f"speech of {sum(len(s) for s in args.speech.values())} beat(s) ready in "
              f"{time.monotonic() - started:.1f} s (cached speech is reused)", flush=True)
    if mode == "slides" or not todo:
        failed = render.Runner(workers, args.verbose).run(todo, len(entries), len(fresh), t0)
    elif args.scheduler is None:
        pieces = _pieces(todo, args, config, plans, records, workers, t0)
        piece_jobs = _piece_jobs(todo, pieces, args, out)
        if len(piece_jobs) > len(todo):
            print(f"{len(piece_jobs)} chunks: {_chunk_summary(pieces)}", flush=True)
        failed = render.Runner(workers, args.verbose).run(piece_jobs, len(fresh) + len(piece_jobs), len(fresh), t0)
    else:
        failed = _render_on_cluster(todo, args, config, plans, records, out, len(fresh), t0)
    if failed:
        _report_failures(failed, None if mode == "slides" else out / "clips" / quality.name)


def _pieces(todo: Sequence[render.Job], args: argparse.Namespace, config: Path | None, plans: Path,
            records: list[dict] | None, workers: int, t0: float) -> dict[str, list[chunks.Piece]]:
    """Each scene's chunks: ``--chunks N`` splits every scene into N runs of beats (balanced by the beats'
    written seconds when the narration's timing pass measured them, else by count); ``auto`` measures the
    beats (the silent pass) only where it may split (high/4k, several workers)."""
    quality = render.QUALITIES[args.quality].name
    count = args.chunk_count
    if count is None and records is None and quality in chunks.SPLIT_QUALITIES and workers > 1 and len(todo) > 1:
        print(f"timing the beats of {len(todo)} scene(s) to choose chunks (a silent pass, animations skipped)",
              flush=True)
        records = _silent_records([job.entry for job in todo], args, config, plans, t0)
    if records is not None:
        weights = {job.entry.cls: chunks.beat_seconds(r) for job, r in zip(todo, records, strict=True)}
    else:
        weights = {job.entry.cls: [1.0] * len(beat_ids(job.entry.path, job.entry.cls)) for job in todo}
    if count is None:
        counts = chunks.auto_counts(quality, {s: sum(w) for s, w in weights.items()},
                                    {s: len(w) for s, w in weights.items()}, workers)
    else:
        counts = {scene: count for scene in weights}
    return {scene: chunks.pieces(scene, w, counts[scene]) for scene, w in weights.items()}


def _chunk_summary(pieces: dict[str, list[chunks.Piece]]) -> str:
    split = [f"{scene} in {len(p)}" for scene, p in pieces.items() if len(p) > 1]
    return ", ".join(split) or "no scene split"


def _scene_work(job: render.Job, pieces: list[chunks.Piece], out: Path, quality: render.Quality) -> chunks.SceneWork:
    return chunks.SceneWork(job.entry, job.digest, pieces, job.media_dir.parent / f"{job.entry.cls}.chunks",
                            out / "clips" / quality.name)


def _piece_jobs(todo: Sequence[render.Job], pieces: dict[str, list[chunks.Piece]], args: argparse.Namespace,
                out: Path) -> list[render.Job]:
    """The Runner's jobs: a scene in one piece as it was, a split scene as one job per chunk, each with the
    scene's environment (voice, plan, settings) plus its beats, in its own Manim folder."""
    quality = render.QUALITIES[args.quality]
    jobs = []
    for job in todo:
        parts = pieces[job.entry.cls]
        if len(parts) == 1:
            jobs.append(job)
            continue
        work = _scene_work(job, parts, out, quality)
        for piece in parts:
            media_dir = job.media_dir.parent / piece.name
            if args.force:
                render.remove_tree(media_dir)
            jobs.append(dataclasses.replace(
                job, command=render.manim_command(job.entry, quality, media_dir, args.verbose, False),
                env={**job.env, NARRATION_OUT_ENV: str(media_dir), **piece.env()}, media_dir=media_dir,
                log=job.log.with_name(f"{piece.name}.log"), scratch=[media_dir],
                publish=lambda j, piece=piece, work=work: work.take(piece, j.media_dir)))
    return jobs


def _render_on_cluster(todo: Sequence[render.Job], args: argparse.Namespace, config: Path | None, plans: Path,
                       records: list[dict] | None, out: Path, done: int, t0: float) -> list[render.Job]:
    quality = render.QUALITIES[args.quality]
    voice: Voice = args.voice
    fingerprint = narrate.fingerprint(voice)
    settings = config.read_bytes() if config else None
    with cluster.connect(args.scheduler) as client:
        workers = cluster.worker_count(client)
        pieces = _pieces(todo, args, config, plans, records, workers, t0)
        tasks = []
        for job in todo:
            parts = pieces[job.entry.cls]
            work = _scene_work(job, parts, out, quality)
            plan = Path(job.env[PLAN_ENV]).read_bytes() if PLAN_ENV in job.env else None
            speech = {name: path.read_bytes() for name, path in getattr(args, "speech", {}).get(job.entry.cls,
                                                                                                {}).items()}
            tasks += [(work, cluster.PieceTask(job.entry, piece, quality.name, job.digest, fingerprint, voice.spec,
                                               settings, plan, speech), job) for piece in parts]
        print(f"{len(tasks)} chunk(s) on {args.scheduler} ({workers} worker(s)): {_chunk_summary(pieces)}",
              flush=True)
        return cluster.render_pieces(client, tasks, done + len(tasks), done, t0,
                                     lambda line: print(line, flush=True))


def _outputs_digest(entries: Sequence[SceneEntry], clip_dir: Path, fmt: str, voice: str) -> str:
    parts = [fmt, voice] + [f"{e.cls}|{e.title}|{render.read_stamp(clip_dir / f'{e.cls}.stamp')}" for e in entries]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def publish_lecture(entries: Sequence[SceneEntry], clip_dir: Path, out: Path, fmt: str,
                    voice: Voice | None = None) -> dict:
    """Join the clips (with the narration's audio track when ``voice`` speaks) and write captions, chapters
    and stills; returns a summary (paths, times, the recordings report)."""
    voice = voice or Voice("none", "none")
    video = out / f"{LECTURE_NAME}.{fmt}"
    srt_path, chapters_path = out / f"{LECTURE_NAME}.srt", out / f"{LECTURE_NAME}.chapters.txt"
    stills = [out / "stills" / f"{i:02d}_{e.cls}.png" for i, e in enumerate(entries, start=1)]
    stamp = out / f".{LECTURE_NAME}.{fmt}.stamp"
    digest = _outputs_digest(entries, clip_dir, fmt, voice.spec)
    clips = [media.probe_clip(clip_dir / f"{e.cls}.mp4") for e in entries]
    durations = [c.duration for c in clips]
    starts = [sum(durations[:i], Fraction(0)) for i in range(len(clips))]
    total = sum(durations, Fraction(0))
    scene_records = narrate.records(entries, clip_dir)
    summary = {"video": video, "srt": srt_path, "chapters": chapters_path, "stills": stills,
               "starts": starts, "total": total, "copied": True, "fresh": False,
               "recordings": narrate.recordings_report(voice, scene_records), "voice": voice.spec}
    if render.read_stamp(stamp) == digest and all(p.exists() for p in (video, srt_path, chapters_path, *stills)):
        summary["fresh"] = True
        return summary
    stamp.unlink(missing_ok=True)
    sound = out / f".{LECTURE_NAME}.audio.tmp-{os.getpid()}.{fmt}" if voice.speaks and fmt != "gif" else None
    joined = out / f".{LECTURE_NAME}.join.tmp-{os.getpid()}.mp4"
    try:
        if sound is not None:
            narrate.track(scene_records, [float(s) for s in starts], float(total), fmt, sound)
        if fmt == "mp4":
            summary["copied"] = media.join_clips(clips, video, sound)
        else:
            summary["copied"] = media.join_clips(clips, joined)
            media.transcode(joined, video, fmt, sound)
    finally:
        joined.unlink(missing_ok=True)
        if sound is not None:
            sound.unlink(missing_ok=True)
    # the subtitle rules, scene by scene: a caption never runs into the next scene
    cues = [captions.fit_cues(captions.read_cues(clip_dir / f"{e.cls}.srt"), end=float(d))
            for e, d in zip(entries, durations, strict=True)]
    summary["caption_notes"] = [note for e, scene_cues in zip(entries, cues, strict=True)
                                if (note := captions.scene_note(e.cls, scene_cues))]
    merged = captions.merge_cues(cues, [float(s) for s in starts], [float(d) for d in durations])
    media.write_text_atomic(srt_path, captions.format_srt(merged))
    media.write_text_atomic(chapters_path, captions.format_chapters([e.title for e in entries],
                                                                   [float(s) for s in starts], float(total)))
    for entry, still in zip(entries, stills, strict=True):
        media.last_frame_png(clip_dir / f"{entry.cls}.mp4", still)
    render.write_stamp(stamp, digest, SceneEntry("", LECTURE_NAME, ""))
    summary["cues"] = len(merged)
    return summary


def publish_page(entries: Sequence[SceneEntry], clip_dir: Path, out: Path, summary: dict) -> tuple[Path, Path]:
    """The course page (``out/page/``) and the upload kit (``out/upload/``) from the published lecture;
    returns the page's index.html and the kit's description.txt."""
    from lecture import page

    starts, total = [float(s) for s in summary["starts"]], float(summary["total"])
    chapters = page.load_chapters(entries, clip_dir, summary["stills"], starts)
    index = page.build_page(chapters, summary["video"], summary["srt"], total, PART_TITLES[1], SUMMARY,
                            out / "page")
    description = page.build_upload_kit(chapters, summary["video"], summary["srt"], total, PART_TITLES[1], SUMMARY,
                                        out / "upload")
    summary["undescribed"] = [beat for c in chapters for beat in c.undescribed]
    return index, description


def run_render(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    config, entries = _validate(args)
    out = Path(args.output).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    with _Lock(out):
        remove_stale_temporaries(out)
        if args.slides:
            _render_all(entries, args, config, "slides", out, t0)
            quality = render.QUALITIES[args.quality]
            dest = out / "slides" / f"{LECTURE_NAME}.html"
            print("converting the slide decks to an offline reveal.js presentation", flush=True)
            slides.convert(out / "build" / f"slides-{quality.name}" / "slides", [e.cls for e in entries], dest,
                           PART_TITLES[1], background_colour())
            print(f"presentation: {dest}  (copy the folder {dest.parent} to present offline; "
                  f"arrow keys step through the beats)")
            return 0
        _render_all(entries, args, config, "video", out, t0)
        clip_dir = out / "clips" / render.QUALITIES[args.quality].name
        summary = publish_lecture(entries, clip_dir, out, args.format, args.voice)
        if args.page:
            summary["page"], summary["upload"] = publish_page(entries, clip_dir, out, summary)
    total = summary["total"]
    state = "up to date" if summary["fresh"] else ("joined by stream copy" if summary["copied"] else "re-encoded")
    if args.format != "mp4" and not summary["fresh"]:
        state += f", then encoded as {args.format}"
    voice = "silent" if summary["voice"] == "none" else f"narrated by {summary['voice']}"
    print(f"lecture: {summary['video']}  ({float(total):.1f} s, {len(entries)} scenes, {voice}, {state})")
    for line in summary["recordings"]:
        print(line)
    print(f"captions: {summary['srt']}")
    print(f"chapters: {summary['chapters']}")
    print(f"stills:   {summary['stills'][0].parent}/ ({len(summary['stills'])} PNG)")
    if args.page:
        print(f"page:     {summary['page']}  (the folder {summary['page'].parent} is the course page; open it "
              f"offline or copy it to any web host)")
        print(f"upload:   {summary['upload'].parent}/ (description.txt, thumbnail.png, captions, video.txt)")
        if summary["undescribed"]:
            print(f"note: {len(summary['undescribed'])} beat(s) show something without a description for viewers "
                  f"who cannot see it (caption(..., shows=...)), e.g. {summary['undescribed'][0]}")
    for problem in captions.chapter_warnings([float(s) for s in summary["starts"]], float(total)):
        print(f"note: {problem}")
    for problem in summary.get("caption_notes", []):
        print(f"note: {problem} (the scene is too short for its text: give its captions more time)")
    print(f"done in {time.monotonic() - t0:.1f} s")
    return 0


def run_doctor() -> int:
    checks = tools.doctor()
    print(tools.format_report(checks))
    missing = [c for c in checks if not c.ok and c.needed_for == "render"]
    print("\nready to render" if not missing else f"\ncannot render: missing {', '.join(c.name for c in missing)}")
    return 0 if not missing else 3


def _silent_records(entries: Sequence[SceneEntry], args: argparse.Namespace, config: Path | None, build: Path,
                    t0: float) -> list[dict]:
    """Run ``entries`` silently with every animation skipped (Manim's ``-s``: nothing drawn but the last
    frame) and return their narration records: the beats' texts and their written timings."""
    quality = render.QUALITIES["tiny"]
    todo = []
    for index, entry in enumerate(entries):
        media_dir = build / entry.cls
        render.remove_tree(media_dir)

        def publish(job: render.Job) -> None:
            if not record_path(job.media_dir, job.entry.cls).exists():
                raise SceneFailedError(f"{job.entry.cls} wrote no narration record")
        todo.append(render.Job(
            index=index, entry=entry, digest="",
            command=[*render.manim_command(entry, quality, media_dir, args.verbose, False), "-s",
                     "--disable_caching"],
            env=render.scene_env(config, False, "none", media_dir), cwd=ROOT, media_dir=media_dir,
            log=build / f"{entry.cls}.log", publish=publish, scratch=[media_dir]))
    failed = render.Runner(min(args.jobs, len(todo)), args.verbose).run(todo, len(entries), 0, t0)
    if failed:
        _report_failures(failed, None)
    return [narrate.records([e], build / e.cls)[0] for e in entries]


def run_script(args: argparse.Namespace) -> int:
    """``python -m lecture script``: every scene run silently, animations skipped, to collect its beats'
    narration; written as ``narration_script.md`` in the output folder."""
    t0 = time.monotonic()
    args.slides = False
    config, entries = _validate(args)
    out = Path(args.output).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"collecting the narration of {len(entries)} scenes (animations skipped)", flush=True)
    with _Lock(out):
        scene_records = _silent_records(entries, args, config, out / "build" / "script", t0)
        dest = out / "narration_script.md"
        media.write_text_atomic(dest, narrate.format_script(entries, scene_records))
    beats = sum(len(r["utterances"]) for r in scene_records)
    print(f"narration script: {dest}  ({beats} beats; record <id>.wav for any of them and render with "
          f"--voice <folder>)")
    return 0


def _list(args: argparse.Namespace) -> int:
    part = None
    for i, e in enumerate(load_storyboard(args.storyboard), start=1):
        if e.part != part:
            part = e.part
            print(f"part {part}: {PART_TITLES.get(part, '')}".rstrip(": "))
        print(f"{i:2d}. {e.cls:<22} {e.file:<24} {e.title}")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM behaves like Ctrl-C: stop the scene processes, delete temporaries, keep finished clips."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["doctor"]:
        return run_doctor()
    if argv[:1] == ["audit-flashes"]:
        from lecture import access

        return access.audit_flashes(argv[1:])
    if argv[:1] == ["preview"]:
        from lecture import preview

        return preview.main(argv[1:])
    if argv[:1] == ["new"]:
        from lecture import new_scene

        return new_scene.main(argv[1:])
    command = "render"
    if argv[:1] in (["render"], ["script"]):
        command, argv = argv[0], argv[1:]
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if args.list:
            return _list(args)
        return run_script(args) if command == "script" else run_render(args)
    except LectureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: finished clips are kept and no partial file was published; re-run to resume",
              file=sys.stderr)
        return 130
