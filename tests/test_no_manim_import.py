"""jacobian_math (and the settings loader, with the scenes' settings modules it reads) must never import Manim:
checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
import {package}
names = [{package}.__name__]
if {walk} and hasattr({package}, "__path__"):
    for info in pkgutil.walk_packages({package}.__path__, {package}.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
loaded = sorted(m for m in sys.modules if m == "manim" or m.startswith(("manim.", "manimlib", "manim_slides")))
print(json.dumps({{"imported": names, "manim": loaded}}))
"""


def _imports_in_fresh_interpreter(package: str, walk: bool = True) -> dict:
    """Import ``package`` (and, with ``walk``, every submodule) in a new Python; report what got loaded."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(package=package, walk=walk)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package", ["jacobian_math", "jacobian_settings"])
def test_package_does_not_import_manim(package):
    result = _imports_in_fresh_interpreter(package)
    assert package in result["imported"]
    assert result["manim"] == [], f"importing {package} pulled in {result['manim']}"


def test_probe_would_notice_manim():
    """The check above can fail: importing manim itself is seen."""
    result = _imports_in_fresh_interpreter("manim", walk=False)
    assert "manim" in result["manim"]


def test_loading_the_settings_with_every_scene_section_does_not_import_manim():
    """Loading imports each scene's settings module (scenes/*_settings.py): the render command and the preview
    check the settings before any Manim is imported, so none of those modules may import it."""
    code = ("import json, sys, jacobian_settings as s; s.load_settings(); "
            "print(json.dumps({'sections': list(s.sections()), "
            "'manim': sorted(m for m in sys.modules if m == 'manim' or m.startswith('manim.'))}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "chain_rule" in result["sections"] and "spatial" in result["sections"]
    assert result["manim"] == [], f"loading the settings pulled in {result['manim']}"
