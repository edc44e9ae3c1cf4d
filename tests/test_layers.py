"""Imports point one way: ``lecture -> scenes -> kit``.  No module under scenes/ (the kit included) imports
``narration`` or ``lecture``; the kit imports no scene.  The narrator reaches a scene injected
(``scenes.kit.narrator``), the chapter titles from the storyboard's data (``scenes/storyboard.py``)."""

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
import scenes.kit.scene, scenes.outlook
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("narration", "lecture")
                        or m in ("scenes.softmax", "scenes.chain_rule"))))
"""


@pytest.mark.render  # imports Manim in a fresh interpreter
def test_a_scene_imports_no_narration_when_run_alone() -> None:
    """Run alone (plain ``manim``, no ``$JACOBIAN_NARRATOR``), the kit and the outlook load neither narration,
    lecture, nor the scenes whose titles the outlook shows."""
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_outlook_clip_depends_on_no_other_scene() -> None:
    """The lecture's clip cache key (``lecture.render.input_hash``) hashes the bytes of every project file the
    scene imports, read from the source (``dependencies``), plus assets/, manim.cfg, the config and the render
    options.  MLOutlook shows other chapters' titles: it reads them from the storyboard, so editing e.g.
    scenes/softmax.py leaves its key as it was (only the storyboard, the kit and the outlook itself count)."""
    from lecture.render import dependencies
    from lecture.storyboard import STORYBOARD

    outlook = next(e for e in STORYBOARD if e.cls == "MLOutlook")
    deps = {p.relative_to(ROOT).as_posix() for p in dependencies(outlook.path)}
    others = {e.file for e in STORYBOARD if e.file != outlook.file}
    assert deps & others == set(), sorted(deps & others)
    assert {"scenes/outlook.py", "scenes/storyboard.py"} <= deps
    outside_kit = sorted(d for d in deps if d.startswith("scenes/") and not d.startswith("scenes/kit/"))
    assert outside_kit == ["scenes/__init__.py", "scenes/outlook.py", "scenes/storyboard.py"]
