"""System tools the lecture needs: a pre-render check and the ``doctor`` report."""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from lecture.errors import ToolMissingError

TEX_APT = ("texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended "
           "texlive-science cm-super-minimal dvisvgm")
LATEX_HINT = f"sudo apt-get install {TEX_APT}  (scripts/render installs them on Debian)"
TEX_PACKAGES = ("standalone.cls", "amsmath.sty", "amssymb.sty", "babel.sty")


@dataclass(frozen=True)
class Check:
    """One line of the doctor report."""

    name: str
    needed_for: str  # "render", "slides" or "optional"
    ok: bool
    detail: str
    hint: str = ""


def _binary(name: str, needed_for: str, hint: str, version_arg: str = "--version") -> Check:
    path = shutil.which(name)
    if path is None:
        return Check(name, needed_for, False, "not found on PATH", hint)
    try:
        out = subprocess.run([path, version_arg], capture_output=True, text=True, timeout=10, check=False)
        first = (out.stdout or out.stderr).strip().splitlines()
        detail = f"{path} ({first[0][:70]})" if first else path
    except (OSError, subprocess.TimeoutExpired):
        detail = path
    return Check(name, needed_for, True, detail, hint)


def _tex_packages() -> Check:
    kpsewhich = shutil.which("kpsewhich")
    hint = f"sudo apt-get install {TEX_APT}"
    if kpsewhich is None:
        return Check("LaTeX packages", "render", False, "kpsewhich not found (no TeX Live)", hint)
    missing = []
    for name in TEX_PACKAGES:
        out = subprocess.run([kpsewhich, name], capture_output=True, text=True, timeout=10, check=False)
        if not out.stdout.strip():
            missing.append(name)
    if missing:
        return Check("LaTeX packages", "render", False, f"missing {', '.join(missing)}", hint)
    return Check("LaTeX packages", "render", True, ", ".join(TEX_PACKAGES))


def _module(name: str, dist: str, needed_for: str, hint: str) -> Check:
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - any import failure means "not usable"
        return Check(dist, needed_for, False, f"import {name} failed: {exc}", hint)
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return Check(dist, needed_for, True, f"version {version}", hint)


def _manim_version() -> Check:
    check = _module("manim", "manim", "render", "pip install -e . (scripts/render does it)")
    if check.ok and not importlib.metadata.version("manim").startswith("0.21."):
        return Check("manim", "render", False, f"{check.detail}; manim-slides 5.7 needs manim 0.21",
                     'pip install "manim>=0.21,<0.22"')
    return check


CHECKS: tuple[Callable[[], Check], ...] = (
    lambda: _binary("latex", "render", LATEX_HINT),
    lambda: _binary("dvisvgm", "render", "sudo apt-get install dvisvgm"),
    _tex_packages,
    lambda: _module("manimpango", "manimpango", "render",
                    "sudo apt-get install libcairo2-dev libpango1.0-dev pkg-config, then pip install -e ."),
    lambda: _module("cairo", "pycairo", "render",
                    "sudo apt-get install libcairo2-dev pkg-config, then pip install -e ."),
    _manim_version,
    lambda: _module("av", "av", "render", "pip install -e . (PyAV joins the clips)"),
    lambda: _module("manim_slides", "manim-slides", "slides", 'pip install "manim-slides>=5.7,<5.8"'),
    lambda: _binary("npm", "slides", "sudo apt-get install npm  (only to fetch reveal.js once)"),
    lambda: _binary("node", "slides", "sudo apt-get install nodejs"),
    lambda: _binary("ffmpeg", "optional", "sudo apt-get install ffmpeg  (not needed to render: PyAV bundles FFmpeg)",
                    "-version"),
)


def doctor() -> list[Check]:
    """Run every check; nothing is installed or changed."""
    return [check() for check in CHECKS]


def format_report(checks: list[Check]) -> str:
    lines = []
    for c in checks:
        mark = "ok     " if c.ok else ("MISSING" if c.needed_for != "optional" else "absent ")
        lines.append(f"{mark} {c.name:<15} [{c.needed_for}] {c.detail}")
        if not c.ok and c.hint:
            lines.append(f"        {'':<15} install: {c.hint}")
    return "\n".join(lines)


def require_render_tools() -> None:
    """Raise :class:`ToolMissingError` (one line, with the install hint) when LaTeX or dvisvgm is missing."""
    for name, what in (("latex", "LaTeX"), ("dvisvgm", "dvisvgm")):
        if shutil.which(name) is None:
            raise ToolMissingError(
                f"{what} ({name}) is not installed or not on PATH; Manim needs it for MathTex. "
                f"Install: {LATEX_HINT}"
            )

