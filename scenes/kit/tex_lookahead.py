"""Compile a scene's formulas ahead, in one batch, the first time it needs one Manim has not compiled.

Manim compiles each formula when a ``MathTex`` is built, one at a time, so a scene's first render waits for 30
``latex`` + ``dvisvgm`` pairs in turn.  To batch them, the formulas must be known before they are needed.  A
:class:`TexLookahead` is a process forked when the scene starts (cheap: nothing is copied until written) that
waits.  At the scene's first formula missing from Manim's TeX folder it is woken (at once when that folder holds
no SVG at all, as in a fresh clone): it builds the scene again from the start with every play skipped, every
formula replaced by a stand-in outline (:func:`scenes.kit.tex_batch.placeholder_svg`) and every ``Text`` by a
rectangle (:func:`scenes.kit.text.use_text_stand_ins`), up to where this render stops (the end of the scene, of
a previewed beat or of a chunk), collects the documents of the formulas missing on the way, and compiles them
with one ``latex`` and one ``dvisvgm`` run (:func:`scenes.kit.tex_batch.compile_batch`).  It neither reads nor
writes Manim's TeX folder until it publishes each SVG atomically, so it never races the render (Manim writes
``<hash>_.svg`` beside an SVG while parsing it; the look-ahead's ``Text`` SVGs go to a folder of its own too).
Meanwhile the scene compiles that first formula itself; at the next miss it waits for the batch, and finds the
SVGs in place.  A formula the look-ahead did not reach (its stand-ins led the scene elsewhere, or it stopped at
an error they caused) is compiled by Manim as before: the look-ahead can only save time, never change a picture,
since nothing it built is drawn.  A render that needs no new formula only pays the fork.

Set ``JACOBIAN_TEX_LOOKAHEAD=0`` to turn it off.
"""

from __future__ import annotations

import json
import logging
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path

from scenes.kit.beats import BEAT_FRAMES_ENV
from scenes.kit.manim_compat import set_tex_handler, skip_every_play
from scenes.kit.tex_batch import compile_batch, placeholder_svg
from scenes.kit.text import use_text_stand_ins

__all__ = ["ENV_VAR", "TexLookahead"]

ENV_VAR = "JACOBIAN_TEX_LOOKAHEAD"
WAIT_S = 30.0  # the longest a render waits for the batch before compiling on its own
_in_lookahead = False  # True in the look-ahead process: its own scene starts no look-ahead


class TexLookahead:
    """The stand-by look-ahead of one render of ``scene_cls`` (see the module's docstring)."""

    def __init__(self, pid: int, go_fd: int, done_fd: int) -> None:
        self.pid, self._go, self._done = pid, go_fd, done_fd
        self.state = "standby"  # -> "running" at the first miss -> "closed"
        self.report: dict = {}

    @classmethod
    def start(cls, scene_cls: type) -> TexLookahead | None:
        """Fork the stand-by process for a render of ``scene_cls`` and make this process's formula misses
        wake it; None where there is no ``fork``, inside a look-ahead, or when turned off."""
        if _in_lookahead or not hasattr(os, "fork") or os.environ.get(ENV_VAR, "1") == "0":
            return None
        go_r, go_w = os.pipe()
        done_r, done_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the look-ahead process (its effect is tested through the parent)
            os.close(go_w)
            os.close(done_r)
            _standby(scene_cls, go_r, done_w)
        os.close(go_r)
        os.close(done_w)
        lookahead = cls(pid, go_w, done_r)
        set_tex_handler(lookahead.on_formula)
        if _no_formula_compiled():  # a fresh clone (or a cleared cache): every formula will be missing
            lookahead._wake()
        return lookahead

    def _wake(self) -> None:
        os.write(self._go, b"g")
        self.state = "running"

    def on_formula(self, document: str, svg: Path, compiler: str, output_format: str) -> None:
        """The scene needs the formula ``document`` (its SVG: ``svg``).  When Manim is about to compile it
        alone: wake a sleeping look-ahead (Manim compiles this one meanwhile), or wait for a running one's batch
        (Manim then finds the SVG, or compiles it when the batch lacks it)."""
        if svg.exists():
            return
        if self.state == "standby":
            self._wake()
        elif self.state == "running":
            ready, _, _ = select.select([self._done], [], [], WAIT_S)
            if ready:
                try:
                    self.report = json.loads(os.read(self._done, 65536) or b"{}")
                except ValueError:
                    self.report = {}
            self.close()

    def close(self) -> None:
        """Stop the look-ahead (when still running, it is terminated and removes its work files); this
        process compiles its formulas itself from now on."""
        if self.state == "closed":
            return
        set_tex_handler(None)
        if self.state == "running":
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os.close(self._go)  # a stand-by look-ahead reads end-of-file and exits
        os.close(self._done)
        os.waitpid(self.pid, 0)
        self.state = "closed"


def _no_formula_compiled() -> bool:
    """Whether Manim's TeX folder holds no SVG at all."""
    from manim import config

    tex_dir = Path(config.get_dir("tex_dir"))
    return not tex_dir.is_dir() or next(tex_dir.glob("*.svg"), None) is None


def _standby(scene_cls: type, go_fd: int, done_fd: int) -> None:  # pragma: no cover - look-ahead process
    """The look-ahead process: wait for the word, run ahead, compile, report; never returns."""
    global _in_lookahead
    _in_lookahead = True
    code = 0
    try:
        set_tex_handler(None)
        if not os.read(go_fd, 1):
            return  # the render ended (or died) without a miss
        signal.signal(signal.SIGTERM, _exit_on_term)
        started = time.perf_counter()
        found = _formulas_ahead(scene_cls)
        ahead_s = time.perf_counter() - started
        written = compile_batch(found)
        report = {"found": len(found), "compiled": len(written), "ahead_s": round(ahead_s, 3),
                  "batch_s": round(time.perf_counter() - started - ahead_s, 3)}
        os.write(done_fd, json.dumps(report).encode())
    except BaseException:  # noqa: BLE001 - a look-ahead that fails just saves nothing
        code = 1
    finally:
        os._exit(code)


def _exit_on_term(signum: int, frame: object) -> None:  # pragma: no cover - look-ahead process
    raise SystemExit(1)  # unwinds through compile_batch's clean-up (and kills a running latex)


def _formulas_ahead(scene_cls: type) -> list[tuple[str, Path]]:  # pragma: no cover - look-ahead process
    """Build a fresh ``scene_cls`` with every play skipped and a stand-in for every formula, up to where
    this render stops; the (document, SVG file) of each formula missing from Manim's TeX folder that the
    ``latex`` + DVI pipeline compiles.  Nothing is written to, or read from, Manim's TeX and text folders: the
    render beside this process uses them."""
    from manim import config

    from scenes.kit.narrator import SilentNarrator, use_narrator

    found: dict[str, Path] = {}  # each missing formula once, however often the scene builds it
    stand_ins = Path(tempfile.mkdtemp(prefix="jacobian-tex-ahead-"))

    def stand_in(document: str, svg: Path, compiler: str, output_format: str) -> Path:
        if compiler == "latex" and output_format == ".dvi" and not svg.exists():
            found[document] = svg
        path = stand_ins / svg.name
        if not path.exists():
            path.write_text(placeholder_svg(document), encoding="utf-8")
        return path

    logging.getLogger("manim").setLevel(logging.CRITICAL)
    # Text's SVGs too: Pango writes them non-atomically, and Manim writes <hash>_.svg beside each it parses
    config.text_dir = str(stand_ins / "texts")
    narrator = use_narrator(SilentNarrator)  # the timing of speech changes no formula; never synthesise here
    beat_frames = os.environ.pop(BEAT_FRAMES_ENV, None)  # its stand-in formulas are never drawn nor kept
    set_tex_handler(stand_in)
    # a Text's words change no formula; without laying them out the look-ahead of the 15 scenes from an empty
    # TeX folder took 14.0-19.4 CPU s instead of 21.3-25.8 (four runs each, 2026-12-07), finding the same formulas
    use_text_stand_ins()
    try:
        scene = scene_cls()
        scene.setup()
        skip_every_play(scene)
        scene.construct()
    except Exception:  # noqa: BLE001, S110 - the end of the range, or an error the stand-ins caused
        pass
    finally:  # as it was (the look-ahead process ends here; a test calls this in its own process)
        set_tex_handler(None)
        use_text_stand_ins(False)
        use_narrator(narrator)
        if beat_frames is not None:
            os.environ[BEAT_FRAMES_ENV] = beat_frames
        shutil.rmtree(stand_ins, ignore_errors=True)
    return list(found.items())
