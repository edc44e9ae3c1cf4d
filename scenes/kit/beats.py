"""A scene's beats: each starts with ``self.beat("id")`` in its ``construct``, and the id names it for good.

An id is a slug (a lower-case letter, then lower-case letters, digits and ``_``), unique in its scene and without
a position, so inserting, moving or renaming beats and methods keeps every other beat's id.  The scene-wide id,
``<Scene>-<id>`` (:func:`scene_beat_id`, e.g. ``RBFJacobian-show_probe``), names the beat's recording
(``RBFJacobian-show_probe.wav``), its end frame and its narration.  Beat positions (0-based) are still what
split renders (``$JACOBIAN_BEATS``) and the beat preview's numbers count.

:func:`beat_ids` reads the ids from the source of ``construct`` (no import, no Manim) for whatever needs them
before a render: the beat preview, the lecture command's chunks and its check of a recordings folder, the tests.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BEATS_ENV = "JACOBIAN_BEATS"  # "FIRST:STOP": render only beats FIRST..STOP-1 (0-based; STOP empty: to the end)
# "1": every beat's end frame is drawn in the same render and kept in ``scene.beat_frames`` as (scene beat id,
# (h, w, 3) uint8); a folder: each is also saved there as <folder>/<scene beat id>.png (BatchedJacobian-show_matrix.png)
BEAT_FRAMES_ENV = "JACOBIAN_BEAT_FRAMES"

BEAT_ID = re.compile(r"[a-z][a-z0-9_]*\Z")


class BeatIdError(ValueError):
    """A beat id that is not a slug, repeats in its scene, or cannot be read from the source."""


def check_beat_id(scene: str, beat: object, earlier: list[str]) -> str:
    """``beat`` when it can be the id of the next beat of ``scene`` after ``earlier``; else one line why not."""
    if not isinstance(beat, str) or not BEAT_ID.match(beat):
        raise BeatIdError(f"{scene}: beat id {beat!r} is not a slug: use a lower-case letter, then lower-case "
                          f"letters, digits and _ (e.g. self.beat(\"show_probe\"))")
    if beat in earlier:
        raise BeatIdError(f"{scene}: beat id {beat!r} is used twice (beat {earlier.index(beat) + 1} and beat "
                          f"{len(earlier) + 1}); each beat of a scene needs its own id")
    return beat


def scene_beat_id(scene: str, beat: str) -> str:
    """The lecture-wide id of beat ``beat`` of ``scene``: ``RBFJacobian-show_probe`` (its recording's name)."""
    return f"{scene}-{beat}"


def _methods(tree: ast.Module, cls_name: str) -> dict[str, ast.FunctionDef]:
    """The methods of ``cls_name`` and of its base classes defined in the same file (the class's own win)."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    found: dict[str, ast.FunctionDef] = {}
    cls = classes.get(cls_name)
    while cls is not None:
        for f in cls.body:
            if isinstance(f, ast.FunctionDef):
                found.setdefault(f.name, f)
        bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
        cls = classes.get(bases[0]) if bases else None
    return found


def _is_beat_call(node: ast.AST) -> bool:
    """Whether ``node`` is a call ``self.beat(...)``."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "beat"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "self")


def _beat_call(stmt: ast.stmt) -> ast.Call | None:
    """The ``self.beat(...)`` call that the statement ``stmt`` is, if it is one."""
    return stmt.value if isinstance(stmt, ast.Expr) and _is_beat_call(stmt.value) else None


def beat_ids(path: Path, cls_name: str) -> list[str]:
    """The beat ids of class ``cls_name`` in the file ``path``, in order: the ``self.beat("id")`` statements of
    its ``construct`` (empty when it has none in that file).  A beat started anywhere else than as a statement of
    ``construct`` itself (in a loop, a branch, another method), or with anything but one string, raises
    :class:`BeatIdError`: the ids must be readable here, the same in every run."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    construct = _methods(tree, cls_name).get("construct")
    if construct is None:
        return []
    top = {id(call) for stmt in construct.body if (call := _beat_call(stmt)) is not None}
    for name, method in _methods(tree, cls_name).items():
        for node in ast.walk(method):
            if _is_beat_call(node) and id(node) not in top:
                where = "inside a block of construct" if name == "construct" else f"in {name}()"
                raise BeatIdError(f"{path}:{node.lineno}: {cls_name} starts a beat {where}; self.beat(\"id\") "
                                  f"must be a statement of construct itself")
    ids: list[str] = []
    for stmt in construct.body:
        if (call := _beat_call(stmt)) is None:
            continue
        where = f"{path}:{stmt.lineno}"
        if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], ast.Constant):
            raise BeatIdError(f"{where}: {cls_name}'s self.beat() needs its id as one string, "
                              f"e.g. self.beat(\"show_probe\")")
        try:
            ids.append(check_beat_id(cls_name, call.args[0].value, ids))
        except BeatIdError as exc:
            raise BeatIdError(f"{where}: {exc}") from None
    return ids


def beat_range(spec: str) -> tuple[int, int | None]:
    """``$JACOBIAN_BEATS``'s ``"FIRST:STOP"`` as (first, stop); ``"2:"`` is (2, None), to the scene's end."""
    first, _, stop = spec.partition(":")
    try:
        return int(first), (int(stop) if stop.strip() else None)
    except ValueError:
        raise ValueError(f"${BEATS_ENV} must look like FIRST:STOP (beat numbers from 0), got {spec!r}") from None


# what puts something on screen, and what describes it (see ``LectureScene.caption(..., shows=...)``)
_SHOWS_SOMETHING = {"play", "add", "title_card", "wait"}
_DESCRIBES = {"title_card"}


def _calls(nodes: list[ast.stmt], methods: dict[str, ast.FunctionDef], seen: frozenset[str] = frozenset()
           ) -> tuple[bool, bool]:
    """Whether ``nodes`` (following the scene's own methods they call) show something and describe it."""
    shows = describes = False
    for node in (n for stmt in nodes for n in ast.walk(stmt)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        is_self = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"
        hands_scene = any(isinstance(a, ast.Name) and a.id == "self" for a in node.args)  # uncover(self, ...)
        if (name in _SHOWS_SOMETHING and is_self) or hands_scene:
            shows = True
        if is_self and (name in _DESCRIBES or (name == "caption" and any(
                k.arg == "shows" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in node.keywords))):
            describes = True
        if is_self and name in methods and name not in seen:
            s, d = _calls(methods[name].body, methods, seen | {name})
            shows, describes = shows or s, describes or d
    return shows, describes


def undescribed_beats(path: Path, cls_name: str) -> list[str]:
    """The ids of the beats of ``cls_name`` that put something on screen (play, add, uncover, ...) but never
    say what it shows (``caption(..., shows=...)`` or a title card), read from the source like
    :func:`beat_ids`: the statements of each beat in ``construct`` (those before the first ``self.beat`` belong
    to the first beat) and the scene's own methods they call."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    methods = _methods(tree, cls_name)
    construct = methods.get("construct")
    if construct is None:
        return []
    ids = beat_ids(path, cls_name)
    before: list[ast.stmt] = []
    beats: list[list[ast.stmt]] = []
    for stmt in construct.body:
        if _beat_call(stmt) is not None:
            beats.append([])
        else:
            (beats[-1] if beats else before).append(stmt)
    if beats:
        beats[0][:0] = before
    missing = []
    for beat, body in zip(ids, beats, strict=True):
        shows, describes = _calls(body, methods)
        if shows and not describes:
            missing.append(beat)
    return missing
