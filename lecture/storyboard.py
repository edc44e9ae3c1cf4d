"""The lecture's scenes: ``STORYBOARD`` (the data, in ``scenes/storyboard.py``) is the real lecture; tests
pass another list with ``--storyboard module:attr``.
"""

from __future__ import annotations

import ast
import importlib
import sys

from lecture.errors import UsageError
from scenes.storyboard import PART_TITLES, ROOT, STORYBOARD, SUMMARY, SceneEntry

__all__ = ["PART_TITLES", "ROOT", "STORYBOARD", "SUMMARY", "SceneEntry", "check_entries", "load_storyboard",
           "select"]


def load_storyboard(spec: str | None = None) -> tuple[SceneEntry, ...]:
    """The storyboard named by ``"module:attr"`` (a sequence of :class:`SceneEntry`), or the real one."""
    if spec is None:
        return STORYBOARD
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"--storyboard must look like module:attribute, got {spec!r}")
    if str(ROOT) not in sys.path:  # modules are named from the project root, e.g. tests.fixture_storyboard
        sys.path.insert(0, str(ROOT))
    try:
        entries = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"--storyboard {spec}: cannot load it ({exc})") from None
    entries = tuple(entries)
    if not entries or not all(isinstance(e, SceneEntry) for e in entries):
        raise UsageError(f"--storyboard {spec}: must be a non-empty sequence of SceneEntry")
    return entries


def select(storyboard: tuple[SceneEntry, ...], names: str | None) -> tuple[SceneEntry, ...]:
    """The entries named in the comma-separated ``names`` (class names, any case), in storyboard order."""
    if not names:
        return storyboard
    by_name = {e.cls.lower(): e for e in storyboard}
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n.lower() not in by_name]
    if unknown or not wanted:
        raise UsageError(
            f"--scenes: unknown scene {', '.join(unknown) or repr(names)} "
            f"(known: {', '.join(e.cls for e in storyboard)})"
        )
    keep = {n.lower() for n in wanted}
    return tuple(e for e in storyboard if e.cls.lower() in keep)


def check_entries(entries: tuple[SceneEntry, ...]) -> None:
    """Fail early (without importing the scenes) when a scene file or class does not exist."""
    for entry in entries:
        if not entry.path.is_file():
            raise UsageError(f"scene {entry.cls}: file {entry.file} does not exist")
        try:
            tree = ast.parse(entry.path.read_text(encoding="utf-8"), filename=str(entry.path))
        except SyntaxError as exc:
            raise UsageError(f"scene {entry.cls}: {entry.file} line {exc.lineno}: {exc.msg}") from None
        classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
        if entry.cls not in classes:
            raise UsageError(f"scene {entry.cls}: no class {entry.cls} in {entry.file}")
