"""``python -m lecture preview SCENE [--watch]``: the edit -> preview loop, as short as we can make it.

One scene is rendered to ``media/preview/<Scene>.mp4`` (and ``.srt``).  What makes it fast:

- a warm parent process imports Manim, NumPy and SymPy once and forks a child per render, so with
  ``--watch`` a render after an edit starts without the ~1 s of imports.  The child drops every project
  module (``scenes``, ``jacobian_math``) it inherited and imports them fresh, so edits to any of them
  count;
- Manim's partial-movie cache is off: at preview sizes hashing every mobject of every ``play`` costs
  more than drawing it (RBFJacobian at -ql: 9.7 s with the cache filling, 6.7 s without);
- the partial movies are encoded with x264's ``ultrafast`` preset (same frames, bigger files): at 480p
  Manim's default ``medium`` preset is a large share of a scene's time (``scenes/kit/manim_compat.py:
  set_x264_preset``).

The preview is silent, but every caption is checked with the lecture's caption rules
(:func:`narration.rules.caption_problems`: no colour named, no code syntax, nothing a voice cannot say): each
caption that breaks one prints a warning line naming the scene, the beat and the caption (the preview is still
written; a narrated lecture refuses a caption the voice cannot say).

With ``--watch`` the scene file and every project module it imports, ``assets/``, ``manim.cfg`` and the
``--config`` file are polled; each change renders again and prints one line with the time from the
change being seen to the preview being written.  The published file is replaced atomically, so a
player never reads a half-written preview, and a failed render leaves the last good one in place.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jacobian_settings import ENV_VAR, ConfigError, activate, config_path_from_env, load_settings
from lecture import media, render, tools
from lecture.errors import LectureError, UsageError
from lecture.storyboard import ROOT, load_storyboard
from scenes.kit.beats import BeatIdError, beat_ids

PREVIEW_DIR = ROOT / "media" / "preview"
PROJECT_PACKAGES = ("scenes", "jacobian_math", "narration")
POLL_SECONDS = 0.05
DEFAULT_PRESET = "ultrafast"
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


@dataclass(frozen=True)
class Target:
    """The scene to preview: class ``cls`` defined in the Python file ``path``."""

    path: Path
    cls: str

    @property
    def module_name(self) -> str | None:
        """``scenes.rbf_jacobian`` for a file inside the project's packages; ``None`` for any other file."""
        try:
            rel = self.path.relative_to(ROOT)
        except ValueError:
            return None
        if rel.parts[0] in PROJECT_PACKAGES and len(rel.parts) > 1:
            return ".".join(rel.with_suffix("").parts)
        return None


def resolve_beat(target: Target, beat: str) -> int:
    """The 0-based index of ``beat`` (an id, ``self.beat("id")``, or a 1-based number) in the scene."""
    try:
        names = beat_ids(target.path, target.cls)
    except BeatIdError as exc:
        raise UsageError(f"preview: {exc}") from None
    listing = ", ".join(f"{i} {n}" for i, n in enumerate(names, start=1)) or "none"
    if beat.isdigit() and 1 <= int(beat) <= len(names):
        return int(beat) - 1
    if beat in names:
        return names.index(beat)
    raise UsageError(f"preview: {target.cls} has no beat {beat!r}; its beats: {listing}")


def resolve_target(spec: str, storyboard: str | None = None) -> Target:
    """``RBFJacobian`` (a storyboard scene) or ``path/to/file.py:SceneClass`` (any scene file)."""
    if ":" in spec:
        file, _, cls = spec.rpartition(":")
        path = Path(file).expanduser().resolve()
        if not path.is_file() or path.suffix != ".py":
            raise UsageError(f"preview: {file!r} is not a Python file")
        if not cls.isidentifier():
            raise UsageError(f"preview: {cls!r} is not a class name")
        return Target(path, cls)
    entries = {e.cls: e for e in load_storyboard(storyboard)}
    if spec not in entries:
        raise UsageError(f"preview: unknown scene {spec!r}; known: {', '.join(entries)} "
                         "(or give path/to/file.py:SceneClass)")
    return Target(entries[spec].path, spec)


def watched_files(target: Target, config: Path | None) -> set[Path]:
    """Every file whose change changes the preview."""
    files = render.dependencies(target.path)
    files |= {p for pattern in render.SHARED_INPUTS for p in ROOT.glob(pattern) if p.is_file()}
    if config is not None:
        files.add(config)
    return files


def snapshot(files: set[Path]) -> dict[Path, tuple[int, int] | None]:
    """(mtime ns, size) of each file; ``None`` for a missing one."""
    out: dict[Path, tuple[int, int] | None] = {}
    for path in files:
        try:
            st = path.stat()
            out[path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            out[path] = None
    return out


@dataclass
class Result:
    ok: bool
    seconds: float
    video: Path | None = None
    video_seconds: float = 0.0
    error: str = ""
    peak_mib: float = 0.0  # the render child's peak resident memory
    svg_parses: int = 0  # SVG files the render child parsed (not copied from the warm parent's memo)
    warnings: list[str] = field(default_factory=list)  # one line per caption that breaks a caption rule


@dataclass(frozen=True)
class _Silence:
    seconds: float | None = None


class CaptionCheck:
    """The preview's narrator (``scenes.kit.narrator``): silent, the written timings, and every caption checked
    with ``check`` (:func:`narration.rules.caption_problems`), one warning line per caption that breaks a rule."""

    speaks = False

    def __init__(self, check: Callable, scene: str) -> None:
        self.check, self.scene = check, scene
        self.plan: dict[int, float] = {}
        self.undescribed: list[str] = []
        self.warnings: list[str] = []

    def say(self, beat_id: str, beat: int, text: str, start: float, spoken: str | None = None) -> _Silence:
        problems = self.check(text, spoken)
        if problems:
            self.warnings.append(f"warning: {self.scene} beat {beat + 1} ({beat_id}): the caption "
                                 f"{' and '.join(map(str, problems))}: {text!r}")
        return _Silence()

    def describe(self, beat: int, start: float, text: str) -> None:
        pass

    def write(self, beats: int, beat_ends: list[float]) -> None:
        pass


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()
    return text[0] if text else type(exc).__name__


class Previewer:
    """Renders ``target`` in forked children of this (warm) process."""

    def __init__(self, target: Target, quality: render.Quality, config: Path | None,
                 out_dir: Path = PREVIEW_DIR, preset: str = DEFAULT_PRESET, verbose: bool = False,
                 beat: int | None = None) -> None:
        self.target, self.quality, self.config, self.beat = target, quality, config, beat
        self.out_dir, self.preset, self.verbose = out_dir, preset, verbose
        self.work = out_dir / ".work" / target.cls
        # what Manim made of each SVG (formulas, Text) in the last render, for the next child to copy
        self.svg_memo: dict = {}
        self._svg_used: set = set()
        self._svg_news = b""  # the last child's new parses, pickled (absorbed before the next fork)
        self.warm_up()

    @staticmethod
    def warm_up() -> None:
        """Import the heavy third-party libraries once, in the parent, for every child to inherit."""
        import manim  # noqa: F401
        import numpy  # noqa: F401
        import sympy  # noqa: F401

    def _absorb_svg_parses(self) -> None:
        """Keep, of the parses the children know, those the last render used (a pickle from our own child,
        through a pipe: never read from a file)."""
        news, self._svg_news = self._svg_news, b""
        if not news:
            return
        try:
            used, new = pickle.loads(news)  # noqa: S301 - written by this process's own fork
        except Exception:  # noqa: BLE001 - a damaged message only costs the next render its parses
            return
        kept = {k: self.svg_memo[k] for k in used if k in self.svg_memo}
        kept.update(new)
        self.svg_memo.clear()
        self.svg_memo.update(kept)

    # ---------------------------------------------------------------- parent
    def render(self) -> Result:
        """Render once in a forked child; publish the video atomically on success.

        The settings are loaded here, in the parent, and activated before the fork: the child inherits them
        (it re-imports ``scenes`` and ``jacobian_math``, not ``jacobian_settings``).  A bad settings file is
        a failed render: one error line, the last good preview kept."""
        t0 = time.perf_counter()
        self._absorb_svg_parses()
        try:
            activate(load_settings(self.config, fresh=True))  # a scene's edited *_settings.py is read again
        except ConfigError as exc:
            return Result(False, time.perf_counter() - t0, error=str(exc))
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child (covered through the parent's result)
            os.close(read_fd)
            code = 1
            try:
                message = self._child()
                code = 0
            except BaseException as exc:  # report anything, including SystemExit from Manim
                message = {"ok": False, "error": _one_line(exc)}
                if self.verbose:
                    traceback.print_exc()
            try:
                _write_all(write_fd, json.dumps(message).encode() + b"\n" + self._svg_parses_for_parent())
            finally:
                os._exit(code)
        os.close(write_fd)
        chunks = []
        try:
            while chunk := os.read(read_fd, 65536):
                chunks.append(chunk)
            _, _, usage = os.wait4(pid, 0)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        finally:
            os.close(read_fd)
        head, _, self._svg_news = b"".join(chunks).partition(b"\n")
        try:
            message = json.loads(head or b"{}")
        except ValueError:
            message = {}
        peak = usage.ru_maxrss / 1024.0  # KiB on Linux
        if not message:
            return Result(False, time.perf_counter() - t0, error="the render process died without a word",
                          peak_mib=peak)
        if not message.get("ok"):
            return Result(False, time.perf_counter() - t0, error=message.get("error", "failed"), peak_mib=peak)
        video = self._publish(Path(message["video"]), message.get("srt"))
        return Result(True, time.perf_counter() - t0, video, message.get("video_seconds", 0.0), peak_mib=peak,
                      svg_parses=message.get("svg_parses", 0), warnings=message.get("warnings", []))

    def _publish(self, video: Path, srt: str | None) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        dest = self.out_dir / f"{self.target.cls}.mp4"
        os.replace(video, dest)  # same file system: atomic
        caption = self.out_dir / f"{self.target.cls}.srt"
        if srt and Path(srt).is_file():
            os.replace(srt, caption)
        else:
            caption.unlink(missing_ok=True)
        return dest

    def watch(self, say: Callable[[str], None] = print, poll: float = POLL_SECONDS,
              stop: Callable[[], bool] = lambda: False) -> None:
        """Render now and after every change to a watched file, until interrupted (or ``stop()``)."""
        files = watched_files(self.target, self.config)
        seen = snapshot(files)
        self._report(self.render(), say, "first render")
        say(f"watching {len(files)} files; edit and save to re-render, Ctrl-C to stop")
        while not stop():
            time.sleep(poll)
            now = snapshot(files)
            if now == seen:
                continue
            changed = sorted(str(p.relative_to(ROOT)) if ROOT in p.parents else str(p)
                             for p in files if now.get(p) != seen.get(p))
            result = self.render()  # of the files as they were now: a save during the render renders again
            self._report(result, say, f"changed {', '.join(changed[:3])}{' ...' if len(changed) > 3 else ''}")
            # imports may have changed: watch the new set (reading every import costs 0.1 s, so after the
            # render and its report); a file new to the set is taken as it is after the render
            files = watched_files(self.target, self.config)
            seen = {**snapshot(files), **{p: now[p] for p in files if p in now}}

    def _report(self, result: Result, say: Callable[[str], None], why: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        if result.ok:
            rel = result.video.relative_to(ROOT) if ROOT in result.video.parents else result.video
            say(f"[{stamp}] {self.target.cls}: preview written in {result.seconds:.1f} s "
                f"({result.video_seconds:.1f} s of video, peak {result.peak_mib:.0f} MiB) -> {rel}  [{why}]")
            for line in result.warnings:
                say(line)
        else:
            say(f"[{stamp}] {self.target.cls}: error: {result.error}  [{why}; the last good preview is kept]")

    # ---------------------------------------------------------------- child
    def _svg_parses_for_parent(self) -> bytes:  # pragma: no cover - runs in the forked child
        """The keys of the SVG parses this render used and the parses the parent lacks, pickled."""
        try:
            new = {k: self.svg_memo[k] for k in self._svg_used if k not in self._svg_inherited}
            return pickle.dumps((sorted(self._svg_used), new), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - the parent then just parses again
            return b""

    def _child(self) -> dict:  # pragma: no cover - runs in the forked child
        self._svg_inherited = set(self.svg_memo)
        self._svg_used.clear()
        for name in list(sys.modules):
            if name.split(".")[0] in PROJECT_PACKAGES:
                del sys.modules[name]
        os.environ.pop("JACOBIAN_SLIDES", None)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import logging

        from manim import config

        logging.getLogger("manim").setLevel(logging.INFO if self.verbose else logging.WARNING)
        config.digest_file(str(ROOT / "manim.cfg"))
        config.media_dir = str(ROOT / "media")
        config.video_dir = str(self.work)
        config.pixel_width, config.pixel_height = self.quality.width, self.quality.height
        config.frame_rate = self.quality.fps
        config.disable_caching = True
        config.progress_bar = "display" if self.verbose else "none"
        config.verbosity = "INFO" if self.verbose else "WARNING"
        config.format = "mp4"
        config.write_to_movie = True
        config.save_last_frame = False
        config.preview = False
        config.output_file = self.target.cls
        from narration.rules import caption_problems
        from scenes.kit.narrator import use_narrator

        checks: list[CaptionCheck] = []

        def checked(scene: str) -> CaptionCheck:  # the narrator of each scene this child sets up
            checks.append(CaptionCheck(caption_problems, scene))
            return checks[-1]

        use_narrator(checked)
        if self.target.module_name:
            module = importlib.import_module(self.target.module_name)
        else:
            spec = importlib.util.spec_from_file_location(f"_preview_{self.target.cls}", self.target.path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # (in the child only) so inspect finds the scene's source
            spec.loader.exec_module(module)
        scene_cls = getattr(module, self.target.cls, None)
        if scene_cls is None:
            raise LookupError(f"{self.target.path.name} defines no class {self.target.cls}")
        from scenes.kit.manim_compat import (
            install_preview_hooks,
            movie_file_of,
            remember_svg_parses,
            rendered_seconds,
            set_x264_preset,
        )
        remember_svg_parses(self.svg_memo, self._svg_used)  # this child's copy of the parent's memo
        install_preview_hooks()  # the hooks that pay only here (the scene's import installed the always-on ones)
        from scenes.kit.scene import LectureScene

        if self.beat is not None:
            if not issubclass(scene_cls, LectureScene):
                raise TypeError(f"{self.target.cls} is not a LectureScene: it has no beats to preview")
            LectureScene.preview_beat = self.beat

        scene = scene_cls()
        set_x264_preset(scene, self.preset)
        scene.render()
        video = movie_file_of(scene)
        if not video.is_file():
            raise RuntimeError("Manim wrote no video (does the scene play anything?)")
        srt = video.with_suffix(".srt")
        seconds = rendered_seconds(scene) if self.beat is None else float(media.video_duration(video))
        return {"ok": True, "video": str(video), "srt": str(srt) if srt.is_file() else None,
                "video_seconds": seconds, "svg_parses": len(set(self.svg_memo) - self._svg_inherited),
                "warnings": [line for check in checks for line in check.warnings]}


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/preview",
        description="Preview one scene fast (480p15 by default) into media/preview/<Scene>.mp4; with --watch, "
                    "re-render on every save.")
    p.add_argument("scene", help="a storyboard scene (e.g. RBFJacobian; see scripts/render --list) "
                                 "or path/to/file.py:SceneClass")
    p.add_argument("--watch", "-w", action="store_true", help="keep running and re-render after every change")
    p.add_argument("--beat", metavar="NAME|N", help="render only this beat (its name, e.g. show_heatmap, or its "
                                                   "number from 1); earlier animations run unrendered")
    p.add_argument("--quality", default="low", choices=list(render.QUALITIES), metavar="{low,medium,high,4k}",
                   help="render size (default low = 480p15)")
    p.add_argument("--config", metavar="FILE", default=config_path_from_env(),
                   help=f"TOML settings over assets/default.toml (default: ${ENV_VAR})")
    p.add_argument("--preset", default=DEFAULT_PRESET, choices=X264_PRESETS,
                   help="x264 preset of the preview's encoder (default ultrafast: same frames, faster, bigger)")
    p.add_argument("--output", metavar="DIR", default=str(PREVIEW_DIR), help="folder (default media/preview)")
    p.add_argument("--verbose", "-v", action="store_true", help="Manim's own log and progress bars")
    p.add_argument("--storyboard", help=argparse.SUPPRESS)
    return p


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # stop the render child too, not just this process
    try:
        config = Path(args.config).expanduser().resolve() if args.config else None
        try:
            load_settings(config)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        target = resolve_target(args.scene, args.storyboard)
        tools.require_render_tools()
        beat = resolve_beat(target, args.beat) if args.beat is not None else None
        previewer = Previewer(target, render.QUALITIES[args.quality], config, Path(args.output).resolve(),
                              args.preset, args.verbose, beat)
        if args.watch:
            previewer.watch(say=lambda line: print(line, flush=True))
            return 0
        result = previewer.render()
        previewer._report(result, lambda line: print(line, flush=True), "one-off")
        return 0 if result.ok else 1
    except LectureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
