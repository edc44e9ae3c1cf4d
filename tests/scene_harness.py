"""Render scenes inside pytest at tiny resolution and compare final frames, and every beat's end frame, with
golden PNGs.

Regenerate the golden frames after an intended visual change with
    UPDATE_GOLDEN=1 scripts/test -k golden
and look at the new PNGs under tests/golden/ (final frames) and tests/golden/beats/<Scene>/ (one per beat,
``<beat id>.png``) before committing them.  Only UPDATE_GOLDEN=1 writes a golden (and deletes the beat
goldens of beats that no longer exist): a missing one fails, and so does a stale one.  A failing comparison
leaves ``<name>.actual.png`` and ``<name>.diff.png`` (differing pixels in magenta, failing tiles outlined)
next to the golden; both are git-ignored.

Beat end frames come from the same render as the final frame (``render_scene(..., beat_frames=True)`` sets
``$JACOBIAN_BEAT_FRAMES``: each beat's end draws the picture the beat ends on, with ``-s`` as in a movie).
:func:`rendered` renders a lecture scene once per test process and settings for every test that reads it;
:func:`captions_of` gives its captions alone, from a render of any test process of the run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from pathlib import Path

import numpy as np
from manim import ManimColor, config
from PIL import Image

from scenes.kit.narrator import SilentNarrator, use_narrator

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN_SIZE = (320, 180)


# One formula cache per test process (tests/conftest.py names it): a formula's SVG is named by its content, so
# every render of the process may share it, and a scene's formulas are compiled once, not once per test (a cold
# SpatialOutputs render at 128x72 took 11.8 s, a warm one 5.2 s).  A Text's SVG is named by its words and style
# but laid out for the pixel size, so Texts are shared only between renders of the same size.  Each process has a
# folder of its own (Manim parses an SVG through a scratch copy beside it, which two processes would race for);
# in a pytest-xdist run the formulas one process compiled reach the others as hard links (_link_formulas).
TEX_CACHE_ENV = "JACOBIAN_TEST_TEX_CACHE"


def _config(name: str, tmp_dir: Path, width: int, height: int, fps: int, last_frame: bool) -> dict:
    config_ = {
        "output_file": name,  # Manim needs a name to write the subcaption (.srt) file
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(tmp_dir),
        "disable_caching": True,
        "write_to_movie": not last_frame,
        "save_last_frame": last_frame,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "format": None,
    }
    cache = os.environ.get(TEX_CACHE_ENV)
    if cache:
        config_.update(formula_folder())
        config_["text_dir"] = str(Path(cache) / f"texts_{width}x{height}")
    return config_


def formula_folder() -> dict:
    """Manim config for the formulas of a render, or of a figure built outside one (``scene.build_figure()`` in a
    ``tempconfig``): this process's formula cache, with the run's pool linked in first (empty without a cache:
    Manim's own ``<media_dir>/Tex``)."""
    cache = os.environ.get(TEX_CACHE_ENV)
    if not cache:
        return {}
    tex_dir, pool = Path(cache) / "Tex", _pool()
    if pool is not None:
        _link_formulas(pool, tex_dir)
    return {"tex_dir": str(tex_dir)}


def _pool() -> Path | None:
    """The run's pool of compiled formulas (None outside a pytest-xdist run)."""
    return Path(os.environ[SHARED_ENV]) / "Tex" if os.environ.get(SHARED_ENV) else None


def render_scene(scene_cls: type, tmp_dir: Path, width: int = 256, height: int = 144, fps: int = 5,
                 last_frame: bool = False, beat_frames: bool = False):
    """Render ``scene_cls`` (movie by default, or only its last frame); return the finished scene.  With
    ``beat_frames`` the scene also keeps each beat's end frame in ``scene.beat_frames`` (beat id, frame)."""
    from manim import tempconfig

    from scenes.kit.beats import BEAT_FRAMES_ENV

    before = os.environ.pop(BEAT_FRAMES_ENV, None)
    if beat_frames:
        os.environ[BEAT_FRAMES_ENV] = "1"
    config_ = _config(scene_cls.__name__, Path(tmp_dir), width, height, fps, last_frame)  # the pool linked in
    try:
        with tempconfig(config_):
            scene = scene_cls()
            scene.render()
    finally:
        os.environ.pop(BEAT_FRAMES_ENV, None)
        if before is not None:
            os.environ[BEAT_FRAMES_ENV] = before
    pool = _pool()
    if pool is not None and "tex_dir" in config_:
        _link_formulas(Path(config_["tex_dir"]), pool)
    return scene


def _link_formulas(source: Path, target: Path) -> None:
    """Hard-link every formula SVG of ``source`` missing from ``target`` (Manim's TeX folders, or the run's shared
    pool of them).  The test processes of a run share what each compiled, so a formula is compiled once per run,
    not once per process; each still parses its SVGs in a folder of its own (Manim writes ``<hash>_.svg`` beside
    the SVG it parses, which two processes would race for).  Called between renders, when every SVG in a
    process's folder is whole; a formula's SVG is named by its document and never rewritten."""
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    have = {p.name for p in target.glob("*.svg")}
    for svg in source.glob("*.svg"):
        if svg.name not in have and not svg.name.endswith("_.svg"):
            try:
                os.link(svg, target / svg.name)
            except FileExistsError:  # another process linked it meanwhile
                pass


def scene_class(name: str) -> type:
    """The scene class ``name`` of the lecture, imported from the file the storyboard names."""
    import importlib

    from lecture.storyboard import STORYBOARD

    entry = next(e for e in STORYBOARD if e.cls == name)
    return getattr(importlib.import_module(entry.file.removesuffix(".py").replace("/", ".")), name)



# ---------------------------------------------------------------- one render per scene and settings
#
# Most tests read a scene as the lecture shows it: its last frame, its beats' end frames (goldens), its mobjects
# (read-backs), its captions (caption claims, rules, phonemes).  :func:`rendered` renders each scene once per
# test process for each settings it is asked under, and every such test reads that one render.

@dataclass(frozen=True)
class Said:
    """One caption a scene said: its beat id (``Scene-id``), the caption, the scene's ``spoken=`` form (None:
    the caption's own)."""

    beat_id: str
    text: str
    spoken: str | None


@dataclass
class Rendered:
    """A finished ``-s`` render at :data:`GOLDEN_SIZE`: the scene (its mobjects as the lecture ends them), its
    last frame ``(h, w, 3)`` uint8, each beat's end frame ``[(beat id, frame), ...]``, every caption it said
    (the title card's too) and the captions of its .srt (a silent render leaves the title card's out)."""

    scene: object
    frame: np.ndarray
    beat_frames: list[tuple[str, np.ndarray]]
    said: list[Said]
    subcaptions: list[str]


class _Recorder(SilentNarrator):
    """A silent narrator that keeps what the scene says (``scenes.kit.narrator``: the kit's injection point)."""

    def __init__(self, scene: str, said: list[Said]) -> None:
        super().__init__(scene)
        self.said = said

    def say(self, beat_id, beat, text, start, spoken=None):
        self.said.append(Said(beat_id, text, spoken))
        return super().say(beat_id, beat, text, start, spoken)


_RENDERS: dict[tuple, Rendered] = {}

# A folder every test process of one pytest-xdist run shares (tests/conftest.py names it; unset: no sharing): each
# render leaves its captions there (plain data, the same in every process), so a test that reads only the
# captions (:func:`captions_of`) takes another process's render instead of rendering the scene again.
SHARED_ENV = "JACOBIAN_TEST_SHARED"


def render_key(name: str) -> tuple[str, str]:
    """What a render of scene ``name`` depends on: the scene and the active settings' values, not the file they
    were read from (each test's user file has a path of its own; the path is only named in error messages)."""
    from dataclasses import replace

    from jacobian_settings import active_settings

    return name, repr(replace(active_settings(), source=""))


def rendered(name: str) -> Rendered:
    """Scene ``name`` of the lecture under the active settings (``jacobian_settings.active_settings()``),
    rendered once per test process and :func:`render_key`; later calls return the same :class:`Rendered`, so a
    test must read it, never change it.  Rendered with a recording silent narrator, whatever
    ``$JACOBIAN_NARRATOR`` says (the captions and timings are the written ones)."""
    key = render_key(name)
    if key not in _RENDERS:
        with _shared(key, wait=False) as (stored, _):
            _RENDERS[key] = _render(name, stored)
    return _RENDERS[key]


Captions = tuple[list[Said], list[str]]


def captions_of(name: str) -> Captions:
    """What scene ``name`` says under the active settings: its :class:`Said` list and its .srt captions, as
    :func:`rendered` gives them, from this process's render or, in a pytest-xdist run, from another test
    process's render of the same :func:`render_key`; rendered here only when neither has it (while another
    process renders it, this one waits for its captions)."""
    return _captions(name, wait=True)


def captions_of_all(names: Sequence[str]) -> dict[str, Captions]:
    """:func:`captions_of` of each scene of ``names``, rendering in turn those no test process has rendered or is
    rendering, then waiting for the rest: a process asking for the scenes from the other end of the list from
    another process splits the renders with it instead of waiting for each."""
    found: dict[str, Captions] = {}
    for wait in (False, True):
        for name in names:
            if name not in found and (got := _captions(name, wait)) is not None:
                found[name] = got
    return found


def _captions(name: str, wait: bool) -> Captions | None:
    """:func:`captions_of`; None (without ``wait``) when another process is rendering the scene."""
    key = render_key(name)
    if key not in _RENDERS:
        with _shared(key, wait) as (stored, locked):
            if stored is not None and stored.exists():
                data = json.loads(stored.read_text())
                return [Said(*s) for s in data["said"]], data["subcaptions"]
            if stored is not None and not locked:
                return None
            _RENDERS[key] = _render(name, stored)
    return _RENDERS[key].said, _RENDERS[key].subcaptions


@contextmanager
def _shared(key: tuple[str, str], wait: bool) -> Iterator[tuple[Path | None, bool]]:
    """The shared captions file of ``key`` (None when nothing is shared) and whether this process holds its lock
    for as long as the block runs: another process holding it is rendering ``key``; without ``wait`` the block
    runs at once, without the lock, and a process that needs the scene itself renders it anyway."""
    folder = os.environ.get(SHARED_ENV)
    if not folder:
        yield None, False
        return
    stem = f"{key[0]}-{hashlib.sha256(key[1].encode()).hexdigest()[:20]}"
    Path(folder).mkdir(parents=True, exist_ok=True)
    with open(Path(folder) / f"{stem}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield Path(folder) / f"{stem}.json", False
            return
        try:
            yield Path(folder) / f"{stem}.json", True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _render(name: str, stored: Path | None) -> Rendered:
    """Render scene ``name`` (see :func:`rendered`); leave its captions in ``stored`` (written whole: a temporary
    file renamed) for the other test processes."""
    said: list[Said] = []
    media = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=os.environ.get(TEX_CACHE_ENV)))
    use_narrator(lambda scene: _Recorder(scene, said))
    try:
        scene = render_scene(scene_class(name), media, *GOLDEN_SIZE, last_frame=True, beat_frames=True)
    finally:
        use_narrator(None)
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    subcaptions = [c.content for c in scene.renderer.file_writer.subcaptions]
    if stored is not None and not stored.exists():
        part = stored.with_suffix(f".{os.getpid()}.part")
        part.write_text(json.dumps({"said": [astuple(s) for s in said], "subcaptions": subcaptions}))
        part.replace(stored)
    return Rendered(scene, frame, scene.beat_frames, said, subcaptions)


# ---------------------------------------------------------------- golden frames
#
# Most frames are sparse (4-40 % of the pixels differ from the background, often much of that thin grid lines),
# so a whole-frame mean says little: a third of a picture can be wrong and the mean stays small.  The check is
# on the *foreground* (pixels that differ from the background colour in the golden or in the frame) and per
# 20 x 20 pixel *tile*, so that one wrong arrow, curve or label fails on its own.
#
# Measured noise (2026-12-01, this machine, 320x180, all ten golden frames):
# - the same scene rendered twice in-process: bit-identical (max difference 0 in every frame);
# - a fresh render against the committed goldens: at most 7 foreground pixels off by more than 32
#   (max channel, 0-255; grid_squares, ml_TaylorError: a re-placed digit or axis number), at most 4 of them in
#   one tile, 0.17 % of the foreground at most, foreground mean difference at most 0.22; the largest
#   anti-aliasing wobble on glyph edges elsewhere is 21 (ml_SoftmaxJacobian).
# Tolerances: a pixel counts as different when off by more than PIXEL_TOL = 32 (above the 21 of glyph-edge
# anti-aliasing); a frame fails when any tile has more than TILE_TOL = 8 such pixels (2x the worst seen),
# or more than FOREGROUND_FRAC = 0.5 % of the foreground differs (3x), or the foreground mean difference
# exceeds FOREGROUND_MEAN = 1.0 (4.5x).  A 20-pixel tile holds about a 20-pixel run of a 1-pixel curve or a
# quarter of an arrow at this size, so a wrong colour, a missing curve or a moved shape fails its tile.

# the background: manim.cfg's background_color (its one source), as the renders draw it
BACKGROUND_RGB = np.array(ManimColor(config.background_color).to_int_rgb())
BACKGROUND_TOL = 8  # a pixel is foreground when it differs from the background by more than this (max channel)
PIXEL_TOL = 32
TILE = 20
TILE_TOL = 8
FOREGROUND_FRAC = 0.005
FOREGROUND_MEAN = 1.0


def golden_difference(frame: np.ndarray, golden: np.ndarray) -> dict:
    """Compare two ``(h, w, 3)`` uint8 frames on their foreground and per tile (see the tolerances above).

    Returns ``ok``, the numbers behind it, ``bad`` (the mask of differing foreground pixels) and ``bad_tiles``
    (``(row, col)`` of the tiles over ``TILE_TOL``)."""
    frame, golden = frame.astype(int), golden.astype(int)
    fg = (np.abs(frame - BACKGROUND_RGB).max(-1) > BACKGROUND_TOL) | (
        np.abs(golden - BACKGROUND_RGB).max(-1) > BACKGROUND_TOL)
    diff = np.abs(frame - golden).max(-1)
    bad = fg & (diff > PIXEL_TOL)
    h, w = bad.shape
    th, tw = -(-h // TILE), -(-w // TILE)
    padded = np.zeros((th * TILE, tw * TILE), bool)
    padded[:h, :w] = bad
    tiles = padded.reshape(th, TILE, tw, TILE).sum(axis=(1, 3))
    n_fg = max(int(fg.sum()), 1)
    result = {
        "foreground": int(fg.sum()),
        "bad": bad,
        "bad_count": int(bad.sum()),
        "bad_frac": float(bad.sum()) / n_fg,
        "fg_mean": float(diff[fg].mean()) if fg.any() else 0.0,
        "tile_max": int(tiles.max()),
        "bad_tiles": [tuple(int(i) for i in rc) for rc in np.argwhere(tiles > TILE_TOL)],
    }
    result["ok"] = (not result["bad_tiles"] and result["bad_frac"] <= FOREGROUND_FRAC
                    and result["fg_mean"] <= FOREGROUND_MEAN)
    return result


def diff_image(frame: np.ndarray, golden: np.ndarray, result: dict) -> np.ndarray:
    """The golden dimmed to a third, differing foreground pixels in magenta, failing tiles outlined in yellow."""
    out = (golden.astype(int) // 3).astype(np.uint8)
    out[result["bad"]] = (255, 0, 255)
    for r, c in result["bad_tiles"]:
        y0, x0 = r * TILE, c * TILE
        y1, x1 = min(y0 + TILE, out.shape[0]) - 1, min(x0 + TILE, out.shape[1]) - 1
        out[y0, x0:x1 + 1] = out[y1, x0:x1 + 1] = (255, 224, 0)
        out[y0:y1 + 1, x0] = out[y0:y1 + 1, x1] = (255, 224, 0)
    return out


def assert_matches_golden(frame: np.ndarray, name: str, folder: Path | None = None) -> None:
    """Compare ``frame`` with ``<folder>/<name>.png`` (default ``tests/golden/``; :func:`golden_difference`).

    ``UPDATE_GOLDEN=1`` writes the golden instead; a missing golden is a failure otherwise.  On failure the
    frame is saved next to the golden as ``<name>.actual.png`` and the differences as ``<name>.diff.png``."""
    folder = GOLDEN_DIR if folder is None else folder
    path = folder / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(frame).save(path)
        return
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        out = path.with_name(f"{name}.actual.png")
        Image.fromarray(frame).save(out)
        raise AssertionError(f"golden frame {path} is missing (frame saved to {out}); if the frame is right: "
                             "UPDATE_GOLDEN=1 scripts/test -k golden, look at the PNG and commit it")
    golden = np.asarray(Image.open(path).convert("RGB"))
    assert golden.shape == frame.shape, f"{name}: frame shape {frame.shape} != golden {golden.shape}"
    result = golden_difference(frame, golden)
    if not result["ok"]:
        out = path.with_name(f"{name}.actual.png")
        Image.fromarray(frame).save(out)
        diff_out = path.with_name(f"{name}.diff.png")
        Image.fromarray(diff_image(frame, golden, result)).save(diff_out)
        tiles = ", ".join(f"(x {c * TILE}-{c * TILE + TILE - 1}, y {r * TILE}-{r * TILE + TILE - 1})"
                          for r, c in result["bad_tiles"][:6])
        raise AssertionError(
            f"{name}: differs from golden: {result['bad_count']} of {result['foreground']} foreground pixels off by "
            f"more than {PIXEL_TOL} ({result['bad_frac']:.2%}, limit {FOREGROUND_FRAC:.1%}); worst {TILE}px tile "
            f"{result['tile_max']} (limit {TILE_TOL}); {len(result['bad_tiles'])} tiles over: {tiles or 'none'}; "
            f"foreground mean {result['fg_mean']:.2f} (limit {FOREGROUND_MEAN}). Actual frame: {out}, differences: "
            f"{diff_out}. If the change is intended: UPDATE_GOLDEN=1"
        )


def beat_golden_name(beat_id: str) -> tuple[str, str]:
    """(scene, file stem) of a beat's golden: ``BatchedJacobian-show_matrix`` -> (``BatchedJacobian``,
    ``show_matrix``), i.e. ``tests/golden/beats/BatchedJacobian/show_matrix.png``."""
    scene, _, beat = beat_id.partition("-")
    return scene, beat


def assert_beats_match_golden(beat_frames: list[tuple[str, np.ndarray]], scene: str) -> None:
    """Compare every beat's end frame of ``scene`` with its golden in ``tests/golden/beats/<scene>/``
    (:func:`assert_matches_golden` each); all beats are compared before one error lists every failure.  The
    folder must hold exactly these beats' goldens: a golden of a beat that no longer exists fails too
    (``UPDATE_GOLDEN=1`` deletes it)."""
    assert beat_frames, f"{scene}: no beat end frames were kept"
    folder = GOLDEN_DIR / "beats" / scene
    stems = []
    failures = []
    for beat_id, frame in beat_frames:
        owner, stem = beat_golden_name(beat_id)
        assert owner == scene, f"beat {beat_id} is not of scene {scene}"
        stems.append(stem)
        try:
            assert_matches_golden(frame, stem, folder)
        except AssertionError as err:
            failures.append(str(err))
    stale = sorted(p for p in folder.glob("*.png") if not p.name.endswith((".actual.png", ".diff.png"))
                   and p.stem not in stems)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        for p in stale:
            p.unlink()
    elif stale:
        failures.append(f"{scene}: goldens of beats the scene no longer has: {', '.join(p.name for p in stale)} "
                        f"(UPDATE_GOLDEN=1 deletes them)")
    if failures:
        raise AssertionError(f"{scene}: {len(failures)} of {len(beat_frames)} beat end frames differ from their "
                             "goldens:\n" + "\n".join(failures))


# ---------------------------------------------------------------- reading rendered frames back


def pixel_box(mob, shape: tuple[int, ...], shrink: float = 0.7) -> tuple[slice, slice]:
    """The pixels (rows, columns) of a frame of ``shape`` inside ``mob``'s bounding box shrunk about its centre
    by ``shrink`` (clear of its anti-aliased edges), for Manim's default frame (``config.frame_width``)."""
    h, w = shape[:2]
    scale = w / config.frame_width
    (x0, y0, _), (x1, y1, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, shrink * (x1 - x0) / 2, shrink * (y1 - y0) / 2
    cols = slice(int(np.ceil(w / 2 + (cx - hx) * scale)), int(np.floor(w / 2 + (cx + hx) * scale)) + 1)
    rows = slice(int(np.ceil(h / 2 - (cy + hy) * scale)), int(np.floor(h / 2 - (cy - hy) * scale)) + 1)
    return rows, cols


# a pixel belongs to a cell's number when it differs from the cell's fill (the median of its inside) by more
# than this (max channel); measured at 320x180 on BatchedJacobian: 8-25 such pixels in every cell showing its
# number, 0 in a cell without one
INK_TOL = 48
MIN_INK = 4


def cell_reading(frame: np.ndarray, cell) -> tuple[np.ndarray, int, bool]:
    """What ``frame`` shows inside the matrix cell ``cell`` (a filled square): its fill colour (the median of its
    inside), how many pixels of it are a number's ink (off the fill by more than ``INK_TOL``), and whether the
    cell is shown at all (its fill is not the background)."""
    rows, cols = pixel_box(cell, frame.shape)
    px = frame[rows, cols].reshape(-1, 3).astype(int)
    fill = np.median(px, axis=0)
    ink = int((np.abs(px - fill).max(-1) > INK_TOL).sum())
    shown = bool(np.abs(fill - BACKGROUND_RGB).max() > BACKGROUND_TOL)
    return fill, ink, shown


def beats_showing_cells_without_numbers(beat_frames: list[tuple[str, np.ndarray]], cells) -> dict[str, list]:
    """Per beat: the indices of the ``cells`` the beat's end frame shows (``"shown"``) and of those shown without a
    number on them (``"bare"``)."""
    out = {}
    for beat, frame in beat_frames:
        readings = [cell_reading(frame, cell) for cell in cells]
        out[beat] = {"shown": [k for k, (_, _, s) in enumerate(readings) if s],
                     "bare": [k for k, (_, ink, s) in enumerate(readings) if s and ink < MIN_INK]}
    return out


def sign_reading(fill: np.ndarray, panel: str, positive: str, negative: str) -> tuple[str, float]:
    """Which of two sign colours a cell's ``fill`` is blended towards from the ``panel`` colour (hex strings),
    by the direction of ``fill - panel``, and how far (0: the panel colour, 1: the full sign colour)."""
    def rgb(hex_: str) -> np.ndarray:
        return np.array([int(hex_[i:i + 2], 16) for i in (1, 3, 5)], float)

    base, d = rgb(panel), np.asarray(fill, float) - rgb(panel)
    best = None
    for sign, target in (("+", rgb(positive)), ("-", rgb(negative))):
        t = target - base
        cos = float(d @ t / max(np.linalg.norm(d) * np.linalg.norm(t), 1e-9))
        if best is None or cos > best[2]:
            best = (sign, float(d @ t / (t @ t)), cos)
    return best[0], best[1]


def cell_strength(colour, tol: float = 4e-3) -> tuple[float, str]:
    """How far a colour (a ManimColor, or anything ManimColor reads) is blended from the panel colour towards
    POSITIVE or NEGATIVE, and which ("+" or "-"); it must lie on one of those two blends, within ``tol`` per channel
    (0-1), or the cell was drawn in some other colour."""
    from scenes.kit import style

    rgb, panel = np.array(ManimColor(colour).to_rgb()), np.array(style.PANEL.to_rgb())
    best = None
    for name, target in (("+", style.POSITIVE), ("-", style.NEGATIVE)):
        d = np.array(ManimColor(target).to_rgb()) - panel
        t = float((rgb - panel) @ d / (d @ d))
        err = float(np.abs(panel + t * d - rgb).max())
        if best is None or err < best[2]:
            best = (t, name, err)
    assert best[2] < tol, colour
    return best[0], best[1]
