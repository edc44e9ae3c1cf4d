"""The names of a scene's beats, read from the source of its ``construct`` (no import, no Manim).

Beat k holds the statements before its k-th ``self.beat()`` and is named by the last ``self.<method>(...)``
statement among them (``beat3`` when there is none; a repeated name gets ``.2``, ``.3``); calls after the
last ``self.beat()`` are a last beat.  The beat preview selects beats by these names, and a beat's narration
id (``<Scene>-<NN>-<name>``, the name of its recording) is built from them.
"""

from __future__ import annotations

import ast
from pathlib import Path

BEATS_ENV = "JACOBIAN_BEATS"  # "FIRST:STOP": render only beats FIRST..STOP-1 (0-based; STOP empty: to the end)
# "1": every beat's end frame is drawn in the same render and kept in ``scene.beat_frames`` as (beat id,
# (h, w, 3) uint8); a folder: each is also saved there as <folder>/<beat id>.png (BatchedJacobian-03-show_matrix.png)
BEAT_FRAMES_ENV = "JACOBIAN_BEAT_FRAMES"

# what a beat's first call is not named after: the scene's own plumbing
_NOT_BEAT_NAMES = {"beat", "caption", "play", "pause", "wait", "add", "remove", "bring_to_front", "add_subcaption"}


def beat_names(path: Path, cls_name: str) -> list[str]:
    """The beat names of class ``cls_name`` in the file ``path``, in order (empty when it has no
    ``construct`` in that file)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    cls = classes.get(cls_name)
    construct = None
    while cls is not None and construct is None:  # a base class in the same file may define it
        construct = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "construct"), None)
        bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
        cls = classes.get(bases[0]) if bases else None
    if construct is None:
        return []
    names: list[str] = []
    current, pending = None, False

    def close() -> None:
        name = current or f"beat{len(names) + 1}"
        names.append(name if name not in names else f"{name}.{sum(n.split('.')[0] == name for n in names) + 1}")

    for stmt in construct.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "self"):
            continue
        if call.func.attr == "beat":
            close()
            current, pending = None, False
        else:
            pending = True
            if call.func.attr not in _NOT_BEAT_NAMES:
                current = call.func.attr
    if pending:  # calls after the last beat() are a last beat
        close()
    return names


def beat_range(spec: str) -> tuple[int, int | None]:
    """``$JACOBIAN_BEATS``'s ``"FIRST:STOP"`` as (first, stop); ``"2:"`` is (2, None), to the scene's end."""
    first, _, stop = spec.partition(":")
    try:
        return int(first), (int(stop) if stop.strip() else None)
    except ValueError:
        raise ValueError(f"${BEATS_ENV} must look like FIRST:STOP (beat numbers from 0), got {spec!r}") from None


def beat_id(scene: str, index: int, names: list[str]) -> str:
    """The id of beat ``index`` (0-based) of ``scene``: ``RBFJacobian-03-show_probe``."""
    name = names[index] if index < len(names) else f"beat{index + 1}"
    return f"{scene}-{index + 1:02d}-{name}"


# what puts something on screen, and what describes it (see ``LectureScene.caption(..., shows=...)``)
_SHOWS_SOMETHING = {"play", "add", "title_card", "wait"}
_DESCRIBES = {"title_card"}


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
    """The names of the beats of ``cls_name`` that put something on screen (play, add, uncover, ...) but never
    say what it shows (``caption(..., shows=...)`` or a title card), read from the source like
    :func:`beat_names`: the statements of each beat in ``construct`` and the scene's own methods they call."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    methods = _methods(tree, cls_name)
    construct = methods.get("construct")
    if construct is None:
        return []
    names = beat_names(path, cls_name)
    beats: list[list[ast.stmt]] = [[]]
    for stmt in construct.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "beat"
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "self"):
            beats.append([])
        else:
            beats[-1].append(stmt)
    if not beats[-1]:
        beats.pop()
    missing = []
    for i, body in enumerate(beats):
        shows, describes = _calls(body, methods)
        if shows and not describes:
            missing.append(names[i] if i < len(names) else f"beat{i + 1}")
    return missing
