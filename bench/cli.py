"""``python -m bench``: render factors against the floor and the idiomatic baselines, preview loop,
scaling, math; prints the table and writes ``bench/results/<date>.json``.

Every render is its own ``manim`` process run from the project root with Manim's cache disabled
(except the preview loop, which measures the cache), one at a time, into a temporary media folder.
The TeX cache is warmed first (one ``-s`` render of each scene), as on a creator's machine after a
first render; ``--cold-tex`` measures with an empty TeX cache instead.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bench import beats, mathbench
from bench.core import (
    CONSTRUCTS,
    MANIM,
    QUALITIES,
    ROOT,
    BenchError,
    Row,
    format_markdown,
    format_table,
    machine_info,
    results_document,
    run_measured,
    video_seconds,
    write_json,
)
from jacobian_math.ml import loglog_slope
from jacobian_settings import ENV_VAR
from lecture.render import Quality

PARTS = ("scenes", "constructs", "preview", "beats", "scaling", "math", "lecture", "narration", "distributed")
DEFAULT_PARTS = ("scenes", "constructs", "preview", "scaling", "math")
HEAVY = ("RBFJacobian", "GridSquaresUnderF", "JacobianNormHeatmap")
CONSTRUCT_PAIRS = (("sweep", "OursSweep", "BaselineSweep"), ("grid morph", "OursGridMorph", "BaselineGridMorph"),
                   ("heatmap", "OursHeatmap", "BaselineHeatmap"))
# A one-line edit per previewed scene: (file, class, old line fragment, new): early, middle and late changes.
PREVIEW_EDITS = {
    "RBFJacobian": ("scenes/rbf_jacobian.py", "SETTLE_TIME = 3.0  # back", "SETTLE_TIME = 3.5  # back"),
    "JacobianNormHeatmap": ("scenes/heatmap.py", "LEVELS = 4", "LEVELS = 5"),
    "GridSquaresUnderF": ("scenes/grid_squares.py", "ARROW_MAX = 1.5", "ARROW_MAX = 1.4"),
}
GRID_STEPS = (1.0, 0.5, 0.25, 0.125)
CENTRE_COUNTS = (2, 3, 6, 12)  # [rbf].centers allows at most 12
RESOLUTIONS = ((854, 480), (1920, 1080), (3840, 2160))


def reported_peak(text: str) -> float | None:
    """The last "peak N MiB" that ``lecture preview`` printed in ``text``."""
    found = re.findall(r"peak (\d+(?:\.\d+)?) MiB", text)
    return float(found[-1]) if found else None


def preview_edit(cls: str) -> tuple[str, str, str]:
    """(file, old, new): the scene's built-in one-line edit, or else a changed title (its ``TITLE`` line)."""
    rel = PREVIEW_EDITS[cls][0] if cls in PREVIEW_EDITS else dict((c, f) for f, c in storyboard()).get(cls)
    if rel is None:
        raise BenchError(f"{cls!r} is not a storyboard scene")
    source = (ROOT / rel).read_text(encoding="utf-8")
    if cls in PREVIEW_EDITS:
        _, old, new = PREVIEW_EDITS[cls]
    else:
        at = source.find(f"class {cls}(")
        line = next((ln for ln in source[at:].splitlines() if ln.strip().startswith("TITLE = ")), None) \
            if at >= 0 else None
        if line is None:
            raise BenchError(f"no preview edit defined for {cls!r} and it has no TITLE line")
        old, new = line, line.rstrip()[:-1] + ' (edited)"'
    if source.count(old) != 1:
        raise BenchError(f"preview edit for {cls}: {old!r} must occur once in {rel}")
    return rel, old, new


def storyboard() -> list[tuple[str, str]]:
    """``(file, class)`` of every lecture scene, in order."""
    from lecture.storyboard import STORYBOARD

    return [(e.file, e.cls) for e in STORYBOARD]


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quality", default="low", metavar="Q[,Q]",
                   help="qualities for the scenes: low (480p15, default), high (1080p60), 4k; e.g. low,high")
    p.add_argument("--scenes", default="", metavar="A,B", help="scenes to render (default: the whole storyboard)")
    p.add_argument("--high-scenes", default="", metavar="A,B",
                   help="render only these scenes at high/4k (default: the same as --scenes)")
    p.add_argument("--parts", default=",".join(DEFAULT_PARTS), metavar="P,P",
                   help=f"what to measure, any of {', '.join(PARTS)} (default: all but lecture)")
    p.add_argument("--construct-quality", default="low", metavar="Q[,Q]",
                   help="qualities for the ours-vs-baseline constructs (default: low)")
    p.add_argument("--lecture-quality", default="low", metavar="Q", help="quality of the lecture render")
    p.add_argument("--narration-quality", default="low,high", metavar="Q[,Q]",
                   help="qualities of the narrated-vs-silent comparison (part narration)")
    p.add_argument("--narration-scenes", default="", metavar="A,B",
                   help="scenes of that comparison (default: the whole lecture at low, ChainRule,SoftmaxJacobian "
                        "at higher qualities)")
    p.add_argument("--preview-scenes", default=",".join(PREVIEW_EDITS), metavar="A,B",
                   help="scenes for the preview loop (a built-in one-line edit, or a changed TITLE); "
                        "'all' for every scene")
    p.add_argument("--beat-scenes", default="all", metavar="A,B",
                   help="scenes whose longest beat the part beats previews (default: all)")
    p.add_argument("--beat-saves", type=int, default=3, metavar="N", help="warm re-renders per scene (part beats)")
    p.add_argument("--long-scene", default="RBFModel", help="the long scene of the distributed part (whole vs 4)")
    p.add_argument("--max-load", type=float, default=1.5, help="wait while the 1-minute load is above this")
    p.add_argument("--max-wait", type=float, default=900.0, help="give up waiting for the load after this (s)")
    p.add_argument("--cold-tex", action="store_true", help="do not warm the TeX cache before measuring")
    p.add_argument("--output", type=Path, default=None, help="JSON path (default bench/results/<date>.json)")
    p.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    p.add_argument("--keep", action="store_true", help="keep the temporary media folder (its path is printed)")
    return p


class Bench:
    """One benchmark run: every measurement shares this run's media folder and load record."""

    def __init__(self, work: Path, log_dir: Path) -> None:
        self.work = work
        self.log_dir = log_dir
        self.media = work / "media"
        self.timing = work / "timing.jsonl"
        self.rows: list[Row] = []
        self.floors: dict[tuple[str, float], tuple[Row, Row]] = {}
        self.count = 0

    # -- one manim render -------------------------------------------------------------------------
    def render(self, file: str | Path, scene: str, quality: Quality, env: dict | None = None,
               extra: Sequence[str] = (), media: Path | None = None, caching: bool = False,
               cwd: Path = ROOT) -> tuple[float, float, float, float | None]:
        """Render; return (wall s, video s, peak MiB, measured-beat s or None)."""
        self.count += 1
        media = media or self.media
        if self.timing.exists():
            self.timing.unlink()
        cmd = [*MANIM, str(file), scene, *quality.flags(), "--media_dir", str(media), "--silent",
               "--progress_bar", "none", "-v", "WARNING", "--format", "mp4", *extra]
        if not caching:
            cmd.append("--disable_caching")
        log = self.log_dir / f"{self.count:03d}_{scene}.log"
        m = run_measured(cmd, env={"BENCH_TIMING_FILE": str(self.timing), **(env or {})}, cwd=cwd, log=log)
        if m.returncode != 0:
            raise BenchError(f"{scene} ({file}) failed with status {m.returncode}; log {log}:\n{m.tail}")
        if "-s" in extra:  # a still: nothing to time against
            return m.wall_s, 0.0, m.peak_mib, None
        movies = [p for p in media.rglob(f"{scene}.mp4") if "partial_movie_files" not in p.parts]
        if not movies:
            raise BenchError(f"{scene} wrote no {scene}.mp4 under {media}")
        movie = max(movies, key=lambda p: p.stat().st_mtime)
        beat = None
        if self.timing.exists():
            lines = self.timing.read_text().splitlines()
            beat = json.loads(lines[-1])["section_s"] if lines else None
        return m.wall_s, video_seconds(movie), m.peak_mib, beat

    # -- the floor -----------------------------------------------------------------------------------
    def floor(self, quality: Quality, duration: float) -> tuple[Row, Row]:
        """Static and simple floors of ``duration`` seconds at ``quality`` (rendered once per duration)."""
        key = (quality.name, round(duration, 1))
        if key not in self.floors:
            pair = []
            for scene in ("StaticFloor", "SimpleFloor"):
                wall, video, peak, beat = self.render(CONSTRUCTS, scene, quality,
                                                      env={"BENCH_DURATION": f"{key[1]:.1f}"})
                pair.append(Row(f"floor:{scene[:-5].lower()} {key[1]:.0f}s", "floor", quality.name, video, wall,
                                peak, beat))
            self.floors[key] = (pair[0], pair[1])
            self.rows.extend(pair)
            print(f"  floor {quality.name} {key[1]:.1f}s: static x{pair[0].factor:.2f}, simple "
                  f"x{pair[1].factor:.2f}", flush=True)
        return self.floors[key]

    def against_floor(self, row: Row, quality: Quality) -> Row:
        static, simple = self.floor(quality, row.video_s or 1.0)
        row.x_floor = row.factor / static.factor
        row.x_simple = row.factor / simple.factor
        return row

    # -- parts -------------------------------------------------------------------------------------
    def warm_tex(self, scenes: Sequence[tuple[str, str]]) -> None:
        for file, cls in scenes:
            self.render(file, cls, QUALITIES["low"], extra=["-s"])
        for cls in ("OursSweep", "BaselineSweep", "OursGridMorph", "OursHeatmap"):
            self.render(CONSTRUCTS, cls, QUALITIES["low"], extra=["-s"],
                        env={"BENCH_HEATMAP_SQUARES": "2"})

    def scenes(self, scenes: Sequence[tuple[str, str]], quality: Quality) -> None:
        for file, cls in scenes:
            wall, video, peak, _ = self.render(file, cls, quality)
            row = self.against_floor(Row(cls, "scene", quality.name, video, wall, peak), quality)
            self.rows.append(row)
            print(f"{cls} {quality.name}: {wall:.1f} s for {video:.1f} s of video (x{row.x_floor:.2f} floor)",
                  flush=True)

    def constructs(self, quality: Quality) -> list[dict]:
        out = []
        for label, ours, base in CONSTRUCT_PAIRS:
            got = {}
            for cls in (ours, base):
                wall, video, peak, beat = self.render(CONSTRUCTS, cls, quality)
                got[cls] = Row(f"{label}: {'ours' if cls == ours else 'baseline'}", "construct", quality.name,
                               video, wall, peak, beat)
            o, b = got[ours], got[base]
            o.x_baseline = o.beat_s / b.beat_s
            o.extra["process_wall_ratio"] = o.wall_s / b.wall_s
            for r in (o, b):
                self.against_floor(r, quality)
            self.rows += [o, b]
            out.append({"construct": label, "quality": quality.name, "ours_beat_s": o.beat_s,
                        "baseline_beat_s": b.beat_s, "ours_over_baseline": o.x_baseline,
                        "ours_wall_s": o.wall_s, "baseline_wall_s": b.wall_s,
                        "process_wall_ratio": o.wall_s / b.wall_s, "video_s": o.video_s})
            print(f"{label} {quality.name}: ours {o.beat_s:.2f} s, baseline {b.beat_s:.2f} s "
                  f"-> ours/baseline {o.x_baseline:.3f}", flush=True)
        total_o = sum(d["ours_beat_s"] for d in out)
        total_b = sum(d["baseline_beat_s"] for d in out)
        out.append({"construct": "all three", "quality": quality.name, "ours_beat_s": total_o,
                    "baseline_beat_s": total_b, "ours_over_baseline": total_o / total_b,
                    "baseline_speedup": total_b / total_o})
        return out

    def preview(self, names: Sequence[str]) -> list[dict]:
        """The edit -> preview loop on a copy of each scene's file, three ways:

        - ``manim -ql`` with Manim's cache on (what typing the manim command gives): first render, after a
          one-line edit, unchanged;
        - ``python -m lecture preview`` once, as a fresh process (import included), file unchanged;
        - ``python -m lecture preview --watch``: seconds from writing the edit to the watcher's report that
          the preview is written (its 0.1 s polling included), and from a save without change (touch).
        """
        out = []
        low = QUALITIES["low"]
        for cls in names:
            rel, old, new = preview_edit(cls)
            copy_dir = self.work / f"preview_{cls}"
            copy_dir.mkdir()
            shutil.copy(ROOT / "manim.cfg", copy_dir / "manim.cfg")
            scene_file = copy_dir / Path(rel).name
            source = (ROOT / rel).read_text(encoding="utf-8")
            scene_file.write_text(source, encoding="utf-8")
            media = copy_dir / "media"
            runs: dict[str, dict] = {}
            for step in ("first", "edited", "unchanged"):
                if step == "edited":
                    scene_file.write_text(source.replace(old, new, 1), encoding="utf-8")
                wall, video, peak, _ = self.render(scene_file, cls, low, media=media, caching=True, cwd=copy_dir)
                runs[f"manim_{step}"] = {"wall_s": wall, "video_s": video, "peak_mib": peak}
            scene_file.write_text(source, encoding="utf-8")
            target = f"{scene_file}:{cls}"
            preview_out = copy_dir / "preview"
            self.count += 1
            log = self.log_dir / f"{self.count:03d}_preview_{cls}.log"
            m = run_measured([sys.executable, "-m", "lecture", "preview", target, "--output", str(preview_out)],
                             log=log)
            if m.returncode != 0:
                raise BenchError(f"lecture preview {cls} failed with status {m.returncode}:\n{m.tail}")
            video = video_seconds(preview_out / f"{cls}.mp4")
            # the render runs in a forked child: its peak is in the report line, the parent's is m.peak_mib
            runs["tool_once"] = {"wall_s": m.wall_s, "video_s": video,
                                 "peak_mib": max(m.peak_mib, reported_peak(log.read_text(errors="replace")) or 0)}
            runs.update(self._watch(scene_file, target, preview_out / f"{cls}.mp4", source.replace(old, new, 1)))
            for key, label, peak in (("manim_edited", "manim -ql (cache on), after edit", True),
                                     ("manim_unchanged", "manim -ql (cache on), unchanged", True),
                                     ("tool_once", "lecture preview, fresh process", True),
                                     ("watch_edited", "lecture preview --watch, after edit", True),
                                     ("watch_touched", "lecture preview --watch, saved unchanged", True)):
                run = runs[key]
                self.rows.append(Row(f"preview: {cls} {label}", "preview", "low", run.get("video_s", video),
                                     run["wall_s"], run.get("peak_mib") if peak else None))
            self.rows[-5].extra = {"edit": f"{old} -> {new}", "first_wall_s": runs["manim_first"]["wall_s"]}
            out.append({"scene": cls, "edit": f"{old} -> {new}", **runs})
            print(f"preview {cls}: manim -ql first {runs['manim_first']['wall_s']:.1f} s, after edit "
                  f"{runs['manim_edited']['wall_s']:.1f} s, unchanged {runs['manim_unchanged']['wall_s']:.1f} s; "
                  f"lecture preview once {m.wall_s:.1f} s; --watch after edit {runs['watch_edited']['wall_s']:.1f} s,"
                  f" saved unchanged {runs['watch_touched']['wall_s']:.1f} s", flush=True)
        return out

    def _watch(self, scene_file: Path, target: str, movie: Path, edited: str) -> dict[str, dict]:
        """Start a watcher, wait for its first render, then time an edit and a save without change."""
        cmd = [sys.executable, "-m", "lecture", "preview", target, "--watch", "--output", str(movie.parent)]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[tuple[float, str]] = queue.Queue()

        def pump() -> None:
            for line in proc.stdout:
                lines.put((time.perf_counter(), line.rstrip()))

        threading.Thread(target=pump, daemon=True).start()

        def report(timeout: float = 300.0) -> tuple[float, str]:
            deadline = time.perf_counter() + timeout
            while (left := deadline - time.perf_counter()) > 0:
                try:
                    when, line = lines.get(timeout=left)
                except queue.Empty:
                    break
                if "preview written" in line or ": error:" in line:
                    if ": error:" in line:
                        raise BenchError(f"watcher: {line}")
                    return when, line
            raise BenchError("the watcher wrote no preview in time")

        try:
            report()
            time.sleep(1.0)  # the watcher takes its snapshot right after the first render
            result = {}
            for key, change in (("watch_edited", lambda: scene_file.write_text(edited, encoding="utf-8")),
                                ("watch_touched", lambda: os.utime(scene_file))):
                t0 = time.perf_counter()
                change()
                when, line = report()
                result[key] = {"wall_s": when - t0, "video_s": video_seconds(movie), "peak_mib": reported_peak(line)}
                time.sleep(0.5)
            return result
        finally:
            proc.terminate()
            proc.wait(timeout=60)

    def scaling(self) -> dict:
        low = QUALITIES["low"]
        result: dict[str, object] = {}
        grid = []
        for step in GRID_STEPS:
            lines = 2 * (round(4.0 / step) + 1)  # the default domain is [-2, 2]^2
            wall, video, peak, beat = self.render(CONSTRUCTS, "OursGridMorph", low, env={"BENCH_GRID_STEP": str(step)})
            grid.append({"step": step, "lines": lines, "wall_s": wall, "beat_s": beat, "peak_mib": peak})
            self.rows.append(Row(f"scale: grid {lines} lines", "scaling", low.name, video, wall, peak, beat))
        result["grid_density"] = {"runs": grid, "beat_vs_lines_slope": loglog_slope(
            [g["lines"] for g in grid], [g["beat_s"] for g in grid])}
        centres = []
        for k in CENTRE_COUNTS:
            cfg = self.work / f"centres_{k}.toml"
            cs = [-4.0 + 8.0 * i / (k - 1) for i in range(k)]
            cfg.write_text(f"[rbf]\ncenters = {cs}\nweights = {[1.0] * k}\n", encoding="utf-8")
            wall, video, peak, beat = self.render(CONSTRUCTS, "OursSweep", low, env={ENV_VAR: str(cfg)})
            centres.append({"centres": k, "wall_s": wall, "beat_s": beat, "peak_mib": peak})
            self.rows.append(Row(f"scale: sweep {k} centres", "scaling", low.name, video, wall, peak, beat))
        result["rbf_centres"] = {"runs": centres, "beat_vs_centres_slope": loglog_slope(
            [c["centres"] for c in centres], [c["beat_s"] for c in centres])}
        res = []
        for w, h in RESOLUTIONS:
            q = Quality(f"{h}p15", w, h, 15)
            wall, video, peak, beat = self.render(CONSTRUCTS, "OursGridMorph", q)
            res.append({"width": w, "height": h, "fps": 15, "pixels": w * h, "wall_s": wall, "beat_s": beat,
                        "peak_mib": peak})
            self.rows.append(Row(f"scale: grid morph {h}p", "scaling", q.name, video, wall, peak, beat))
        result["resolution"] = {"runs": res, "beat_vs_pixels_slope": loglog_slope(
            [r["pixels"] for r in res], [r["beat_s"] for r in res])}
        for key, slope_key in (("grid_density", "beat_vs_lines_slope"), ("rbf_centres", "beat_vs_centres_slope"),
                               ("resolution", "beat_vs_pixels_slope")):
            print(f"scaling {key}: log-log slope {result[key][slope_key]:.2f}", flush=True)
        return result

    def lecture(self, quality: Quality) -> dict:
        out_dir = self.work / "lecture"
        self.count += 1
        log = self.log_dir / f"{self.count:03d}_lecture.log"
        m = run_measured([sys.executable, "-m", "lecture", "--quality", quality.name, "--force", "--output",
                          str(out_dir)], log=log)
        if m.returncode != 0:
            raise BenchError(f"the lecture render failed with status {m.returncode}; log {log}:\n{m.tail}")
        video = video_seconds(out_dir / "jacobian_lecture.mp4")
        row = self.against_floor(Row("lecture (python -m lecture)", "lecture", quality.name, video, m.wall_s,
                                     m.peak_mib), quality)
        self.rows.append(row)
        print(f"lecture {quality.name}: {m.wall_s:.1f} s for {video:.1f} s (x{row.x_floor:.2f} floor)", flush=True)
        return {"quality": quality.name, "wall_s": m.wall_s, "video_s": video, "peak_mib": m.peak_mib,
                "jobs": os.cpu_count(), "x_floor": row.x_floor}


    def _lecture_run(self, name: str, *options: str) -> tuple[float, list[tuple[str, float]]]:
        """``python -m lecture --force --voice none OPTIONS`` from scratch: its wall seconds and each finished
        scene or chunk's own seconds (from its progress lines)."""
        out_dir = self.work / f"distributed-{name}"
        shutil.rmtree(out_dir, ignore_errors=True)
        self.count += 1
        log = self.log_dir / f"{self.count:03d}_distributed_{name}.log"
        m = run_measured([sys.executable, "-m", "lecture", "--force", "--voice", "none", "--output", str(out_dir),
                          *options], log=log)
        if m.returncode != 0:
            raise BenchError(f"{name}: the lecture render failed with status {m.returncode}; log {log}:\n{m.tail}")
        work = [(piece, float(sec)) for piece, sec in
                re.findall(r"finished (\S+) in ([0-9.]+) s", log.read_text(encoding="utf-8"))]
        print(f"distributed {name}: {m.wall_s:.1f} s wall, {sum(w for _, w in work):.1f} s of work "
              f"in {len(work)} task(s)", flush=True)
        return m.wall_s, work

    def distributed(self, long_scene: str, workers: Sequence[int] = (8, 32, 128)) -> dict:
        """At low: the lecture with --jobs 2 against --scheduler local:2 --chunks auto; ``long_scene`` whole
        against split in 4 (local:1 and local:2: parallel efficiency = work s / (wall s x workers)); every
        scene split at every beat on local:2 (the measured per-beat costs, start-up included), projected to
        ``workers`` workers by longest-first scheduling (a projection, not a measurement)."""
        result: dict = {"quality": "low", "long_scene": long_scene}
        for name, options in (("jobs2", ("--jobs", "2", "--chunks", "1")),
                              ("local2_auto", ("--scheduler", "local:2", "--chunks", "auto"))):
            wall, work = self._lecture_run(name, *options)
            result[name] = {"wall_s": wall, "work_s": sum(w for _, w in work)}
        for name, options in (("long_whole", ("--chunks", "1", "--jobs", "1")),
                              ("long_split4_local1", ("--scheduler", "local:1", "--chunks", "4")),
                              ("long_split4_local2", ("--scheduler", "local:2", "--chunks", "4"))):
            wall, work = self._lecture_run(name, "--scenes", long_scene, *options)
            n = 2 if name.endswith("local2") else 1
            result[name] = {"wall_s": wall, "work_s": sum(w for _, w in work), "tasks": work,
                            "efficiency": sum(w for _, w in work) / (wall * n)}
        wall, work = self._lecture_run("beats_local2", "--scheduler", "local:2", "--chunks", "1000")
        result["beats_local2"] = {"wall_s": wall, "work_s": sum(w for _, w in work), "tasks": work,
                                  "efficiency": sum(w for _, w in work) / (wall * 2)}
        scenes: dict[str, float] = {}
        for piece, seconds in work:
            scenes[piece.split(".")[0]] = scenes.get(piece.split(".")[0], 0.0) + seconds
        caller = max(0.0, wall - _makespan([w for _, w in work], 2))  # start-up, timing pass, join, publish
        result["projection"] = [
            {"workers": n, "by_beat_s": caller + _makespan([w for _, w in work], n),
             "by_scene_s": caller + _makespan(list(scenes.values()), n)} for n in workers]
        result["caller_overhead_s"] = caller
        for row in result["projection"]:
            print(f"projection {row['workers']} workers: {row['by_beat_s']:.1f} s split at beats, "
                  f"{row['by_scene_s']:.1f} s whole scenes", flush=True)
        return result

    def narration(self, qualities: Sequence[Quality], scenes_for: dict[str, str]) -> dict:
        """Synthesis speed (seconds of synthesis per minute of speech), one Piper process for all beats and
        one per beat as the scenes do it, then the narrated lecture's render time per video-second against
        the silent one's at each quality (each render from scratch; the narrated one with an empty speech
        cache, so its synthesis is counted)."""
        from narration import parse_voice
        from narration.audio import decode
        from narration.synth import CACHE_ENV, Synthesiser

        script_out = self.work / "script"
        self.count += 1
        log = self.log_dir / f"{self.count:03d}_script.log"
        m = run_measured([sys.executable, "-m", "lecture", "script", "--output", str(script_out)], log=log)
        if m.returncode != 0:
            raise BenchError(f"the narration script failed; log {log}:\n{m.tail}")
        records = [json.loads(p.read_text(encoding="utf-8"))
                   for p in sorted((script_out / "build" / "script").glob("*/*.narration.json"))]
        texts = [u["spoken"] for r in records for u in r["utterances"]]
        voice = parse_voice("joe")
        t0 = time.perf_counter()
        wavs = Synthesiser(voice.model, voice.config, self.work / "speech-batch").speak_many(texts)
        batch_s = time.perf_counter() - t0
        speech_s = sum(decode(w).size for w in wavs) / 48_000
        single = Synthesiser(voice.model, voice.config, self.work / "speech-single")
        t0 = time.perf_counter()
        for text in texts:
            single.speak(text)
        single_s = time.perf_counter() - t0
        result: dict = {"utterances": len(texts), "speech_s": speech_s, "synthesis_batch_s": batch_s,
                        "synthesis_per_beat_s": single_s,
                        "synthesis_s_per_speech_min_batch": 60 * batch_s / speech_s,
                        "synthesis_s_per_speech_min_per_beat": 60 * single_s / speech_s, "renders": []}
        print(f"narration: {len(texts)} utterances, {speech_s:.0f} s of speech synthesised in {batch_s:.1f} s "
              f"(one process) / {single_s:.1f} s (one per beat)", flush=True)
        for quality in qualities:
            scenes = scenes_for[quality.name]
            pair = {}
            for voice_name in ("none", "joe"):
                out_dir = self.work / f"narration-{quality.name}-{voice_name}"
                self.count += 1
                log = self.log_dir / f"{self.count:03d}_narration_{quality.name}_{voice_name}.log"
                cmd = [sys.executable, "-m", "lecture", "--quality", quality.name, "--force", "--voice", voice_name,
                       "--output", str(out_dir), *(["--scenes", scenes] if scenes else [])]
                m = run_measured(cmd, env={CACHE_ENV: str(out_dir / "speech")}, log=log)
                if m.returncode != 0:
                    raise BenchError(f"the {voice_name} lecture render failed; log {log}:\n{m.tail}")
                video = video_seconds(out_dir / "jacobian_lecture.mp4")
                pair[voice_name] = {"wall_s": m.wall_s, "video_s": video, "s_per_video_s": m.wall_s / video,
                                    "peak_mib": m.peak_mib}
            ratio = pair["joe"]["s_per_video_s"] / pair["none"]["s_per_video_s"]
            result["renders"].append({"quality": quality.name, "scenes": scenes or "all", **pair,
                                      "narrated_over_silent_per_video_s": ratio})
            print(f"narration {quality.name}: silent {pair['none']['wall_s']:.1f} s for {pair['none']['video_s']:.1f} s"
                  f" of video, narrated {pair['joe']['wall_s']:.1f} s for {pair['joe']['video_s']:.1f} s: "
                  f"x{ratio:.2f} per video-second", flush=True)
        return result


def _makespan(costs: Sequence[float], workers: int) -> float:
    """Longest-first list scheduling of ``costs`` on ``workers``: when the last one finishes."""
    loads = [0.0] * workers
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def wait_for_load(max_load: float, max_wait: float) -> dict:
    """Sleep in 60 s steps while the 1-minute load average is above ``max_load`` (at most ``max_wait`` s)."""
    waited = 0.0
    first = os.getloadavg()
    while os.getloadavg()[0] > max_load and waited < max_wait:
        print(f"load {os.getloadavg()[0]:.2f} > {max_load}: waiting 60 s ({waited:.0f} s so far)", flush=True)
        time.sleep(60)
        waited += 60
    return {"load_when_asked": first, "waited_s": waited, "load_ok": os.getloadavg()[0] <= max_load}


def _qualities(text: str) -> list[Quality]:
    names = _csv(text)
    bad = [n for n in names if n not in QUALITIES]
    if bad or not names:
        raise BenchError(f"unknown quality {bad[0] if bad else text!r} (known: {', '.join(QUALITIES)})")
    return [QUALITIES[n] for n in names]


def _pick(scenes: list[tuple[str, str]], names: str) -> list[tuple[str, str]]:
    if not names:
        return scenes
    by_name = {cls.lower(): (f, cls) for f, cls in scenes}
    wanted = _csv(names)
    bad = [n for n in wanted if n.lower() not in by_name]
    if bad:
        raise BenchError(f"unknown scene {bad[0]!r} (known: {', '.join(c for _, c in scenes)})")
    return [by_name[n.lower()] for n in wanted]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _main(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _main(args: argparse.Namespace) -> int:
    parts = _csv(args.parts)
    bad = [p for p in parts if p not in PARTS]
    if bad:
        raise BenchError(f"unknown part {bad[0]!r} (known: {', '.join(PARTS)})")
    qualities = _qualities(args.quality)
    construct_qualities = _qualities(args.construct_quality)
    lecture_quality = _qualities(args.lecture_quality)[0]
    all_scenes = storyboard()
    scenes = _pick(all_scenes, args.scenes)
    high_scenes = _pick(all_scenes, args.high_scenes) if args.high_scenes else scenes
    preview_names = ([c for _, c in all_scenes] if args.preview_scenes == "all" else _csv(args.preview_scenes))
    for name in preview_names:
        preview_edit(name)

    load = wait_for_load(args.max_load, args.max_wait)
    load_start = os.getloadavg()
    t_start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="jacobian-bench-"))
    log_dir = work / "logs"
    log_dir.mkdir()
    bench = Bench(work, log_dir)
    sections: dict[str, object] = {}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.output or ROOT / "bench" / "results" / f"{stamp}.json"
    run = {"argv": sys.argv[1:], "parts": parts, "qualities": [q.name for q in qualities],
           "scenes": [c for _, c in scenes], "high_scenes": [c for _, c in high_scenes],
           "construct_qualities": [q.name for q in construct_qualities],
           "tex_cache": "cold" if args.cold_tex else "warm", "manim_cache": "disabled (except the preview loop)",
           "loadavg_start": list(load_start), "load_wait": load, "complete": False}

    def save() -> Path:
        """Write what is measured so far (an interrupted run keeps its finished parts)."""
        run.update(loadavg_end=list(os.getloadavg()), total_wall_s=time.perf_counter() - t_start,
                   renders=bench.count)
        return write_json(results_document(bench.rows, machine_info(), run, sections), path)

    print(f"bench: parts {', '.join(parts)}; load {load_start[0]:.2f}; work folder {work}", flush=True)
    # cheap parts first, the expensive high-quality scene renders last
    steps = []
    if "math" in parts:
        steps.append(("math", lambda: sections.__setitem__("math", mathbench.run())))
    if "scenes" in parts:
        steps += [(f"scenes {q.name}", lambda q=q: bench.scenes(scenes, q)) for q in qualities if q.name == "low"]
    if "constructs" in parts:
        steps.append(("constructs", lambda: sections.__setitem__(
            "constructs", [d for q in construct_qualities for d in bench.constructs(q)])))
    if "preview" in parts:
        steps.append(("preview", lambda: sections.__setitem__("preview", bench.preview(preview_names))))
    if "beats" in parts:
        beat_names = [c for _, c in all_scenes] if args.beat_scenes == "all" else [
            c for _, c in _pick(all_scenes, args.beat_scenes)]
        steps.append(("beats", lambda: sections.__setitem__(
            "beats", beats.measure(work, log_dir, beat_names, args.beat_saves))))
    if "scaling" in parts:
        steps.append(("scaling", lambda: sections.__setitem__("scaling", bench.scaling())))
    if "lecture" in parts:
        steps.append(("lecture", lambda: sections.__setitem__("lecture", bench.lecture(lecture_quality))))
    if "distributed" in parts:
        steps.append(("distributed", lambda: sections.__setitem__(
            "distributed", bench.distributed(args.long_scene))))
    if "narration" in parts:
        narration_qualities = _qualities(args.narration_quality)
        scenes_for = {q.name: args.narration_scenes or ("" if q.name == "low" else "ChainRule,SoftmaxJacobian")
                      for q in narration_qualities}
        steps.append(("narration", lambda: sections.__setitem__(
            "narration", bench.narration(narration_qualities, scenes_for))))
    if "scenes" in parts:
        steps += [(f"scenes {q.name}", lambda q=q: bench.scenes(high_scenes, q)) for q in qualities
                  if q.name != "low"]
    try:
        if not args.cold_tex and ({"scenes", "constructs", "scaling", "lecture"} & set(parts)):
            bench.warm_tex(scenes if "scenes" in parts else [])
        for name, step in steps:
            step()
            if name == "math":
                print(mathbench.format_math(sections["math"]), flush=True)
            if name == "beats" and args.markdown:
                print(beats.format_beats(sections["beats"]), flush=True)
            save()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    run["complete"] = True
    path = save()
    load_end = run["loadavg_end"]
    print()
    print(format_table(bench.rows))
    if args.markdown:
        print()
        print(format_markdown(bench.rows))
    print(f"\nload average (1 min) {load_start[0]:.2f} at start, {load_end[0]:.2f} at end; results: {path}")
    return 0
