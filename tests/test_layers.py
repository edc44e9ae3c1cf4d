"""Imports point one way: ``lecture -> scenes -> kit``.  No module under scenes/ (the kit included) imports
``narration`` or ``lecture``; the kit imports no scene.  The narrator reaches a scene injected
(``scenes.kit.narrator``)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENE_FILES = sorted((ROOT / "scenes").rglob("*.py"))


def imported_modules(path: Path, source: str) -> set[str]:
    """Every module ``source`` (the text of ``path``) imports, relative imports made absolute."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.parent.relative_to(ROOT).parts)
    names: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, *([base] if base else [])])
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def upward(path: Path, source: str | None = None) -> list[str]:
    """The imports of ``path`` (or of ``source`` as if it were ``path``) that run upward: narration or lecture
    from scenes/, a scene from the kit."""
    forbidden = ("narration", "lecture")
    in_kit = path.parent.name == "kit"
    bad = []
    source = path.read_text(encoding="utf-8") if source is None else source
    for name in sorted(imported_modules(path, source)):
        top = name.split(".")[0]
        if top in forbidden or (in_kit and name.startswith("scenes.") and not name.startswith("scenes.kit")):
            bad.append(name)
    return bad


@pytest.mark.parametrize("path", SCENE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_scene_module_imports_upward(path: Path) -> None:
    assert upward(path) == [], f"{path.relative_to(ROOT)} imports {upward(path)}"


def test_the_check_sees_an_upward_import() -> None:
    """The check above can fail: plain, from-, nested and relative imports are all seen."""
    kit = ROOT / "scenes" / "kit" / "scene.py"
    assert upward(kit) == []
    for source, seen in (("import narration\n", "narration"),
                         ("def f():\n    from lecture.storyboard import STORYBOARD\n", "lecture.storyboard"),
                         ("from scenes.softmax import SoftmaxJacobian\n", "scenes.softmax"),
                         ("from .. import softmax\n", "scenes.softmax")):
        assert seen in upward(kit, source), source
    assert upward(ROOT / "scenes" / "outlook.py", "from scenes.softmax import SoftmaxJacobian\n") == []


PROBE = """
import json, os, sys
os.environ.pop("JACOBIAN_NARRATOR", None)
import scenes.kit.scene
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("narration", "lecture"))))
"""


@pytest.mark.render  # imports Manim in a fresh interpreter
def test_a_scene_imports_no_narration_when_run_alone() -> None:
    """Run alone (plain ``manim``, no ``$JACOBIAN_NARRATOR``), the kit loads neither narration nor lecture."""
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []

