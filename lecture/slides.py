"""The offline reveal.js presentation: reveal.js from the npm registry, cached once, copied next to the HTML.

``manim-slides convert`` loads reveal.js from ``cdn_url``; we point that at a relative folder holding the
files of the npm package, so the presentation needs no network in the lecture hall.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from lecture.errors import LectureError, ToolMissingError

REVEAL_VERSION = "6.0.1"  # the version manim-slides 5.7's template is written for
CACHE_ENV = "JACOBIAN_CACHE_DIR"
REVEAL_DIR_ENV = "JACOBIAN_REVEALJS_DIR"


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "jacobian-lecture"


def reveal_package(version: str = REVEAL_VERSION) -> Path:
    """The unpacked npm package ``reveal.js@version`` (a folder with ``dist/``), fetched with
    ``npm pack`` into the cache on first use.  ``$JACOBIAN_REVEALJS_DIR`` overrides it."""
    if os.environ.get(REVEAL_DIR_ENV):
        given = Path(os.environ[REVEAL_DIR_ENV])
        if not (given / "dist" / "reveal.js").is_file():
            raise LectureError(f"{REVEAL_DIR_ENV}={given}: no dist/reveal.js in it (want an unpacked reveal.js)")
        return given
    target = cache_dir() / f"reveal.js-{version}"
    if (target / "dist" / "reveal.js").is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissingError(
            f"reveal.js {version} is not cached and npm is not installed; install it (sudo apt-get install npm) "
            f"or set {REVEAL_DIR_ENV} to an unpacked reveal.js package"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        done = subprocess.run(  # noqa: S603
            [npm, "pack", f"reveal.js@{version}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=300, check=False, cwd=tmp,
        )
        tarballs = list(Path(tmp).glob("reveal.js-*.tgz"))
        if done.returncode != 0 or not tarballs:
            why = (done.stderr or done.stdout).strip().splitlines()
            raise LectureError(
                f"npm pack reveal.js@{version} failed ({why[-1] if why else done.returncode}); connect once to "
                f"the internet or set {REVEAL_DIR_ENV} to an unpacked reveal.js package"
            )
        unpack = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpack, filter="data")
        staged = Path(tmp) / "package"
        os.replace(unpack / "package", staged)
        try:
            os.replace(staged, target)
        except OSError:  # another run cached it meanwhile
            if not (target / "dist" / "reveal.js").is_file():
                raise
    return target


_URL_ATTRIBUTES = ("src", "href", "poster", "data-src", "data-background-video", "data-background-image",
                   "data-background-iframe")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in _URL_ATTRIBUTES:
                self.refs.append(value)


def html_references(html: str) -> list[str]:
    """Every URL-valued attribute (``src``, ``href``, ``poster``, ``data-background-video``, ...) of the page."""
    parser = _Refs()
    parser.feed(html)
    return parser.refs


REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


def remote_references(html: str) -> list[str]:
    """The references that would need a network (``http://``, ``https://`` or ``//host``)."""
    return [r for r in html_references(html) if REMOTE.match(r)]


def convert(folder: Path, scenes: list[str], dest: Path, title: str, background: str) -> None:
    """Run ``manim-slides convert`` on the decks in ``folder`` into ``dest`` (HTML) with a local reveal.js.

    Everything is built in a staging folder beside ``dest`` and moved into place only when complete."""
    package = reveal_package()
    assets = f"{dest.stem}_assets"
    reveal_rel = f"{assets}/reveal.js"
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = dest.parent / f".{dest.stem}.staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        staged = stage / dest.name
        cmd = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(folder), *scenes, str(staged),
               "--to", "html", f"-cassets_dir={assets}", f"-ccdn_url={reveal_rel}",
               f"-creveal_version={REVEAL_VERSION}", f"-ctitle={title}", f"-cbackground_color={background}",
               "-cprogress=true", "-cslide_number=true", "-v", "WARNING"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0 or not staged.is_file():
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise LectureError(f"manim-slides convert failed: {lines[-1] if lines else done.returncode}")
        html = staged.read_text(encoding="utf-8")
        remote = remote_references(html)
        if remote:
            raise LectureError(f"the presentation would load {remote[0]} from the network; refusing to publish it")
        _copy_reveal(package, html, reveal_rel, stage)
        missing = [r for r in html_references(html) if not r.startswith(("#", "data:"))
                   and not (stage / r.split("#")[0].split("?")[0]).exists()]
        if missing:
            raise LectureError(f"the presentation references {missing[0]}, which was not written")
        old = dest.parent / assets
        trash = stage / "old_assets"
        if old.exists():
            os.replace(old, trash)
        os.replace(stage / assets, old)
        os.replace(staged, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _copy_reveal(package: Path, html: str, reveal_rel: str, out_dir: Path) -> None:
    """Copy the reveal.js files the page references (and nothing else) into ``out_dir/reveal_rel``."""
    for ref in html_references(html):
        if not ref.startswith(reveal_rel + "/"):
            continue
        inner = ref[len(reveal_rel) + 1:].split("?")[0].split("#")[0]
        source = (package / inner).resolve()
        if package.resolve() not in source.parents or not source.is_file():
            raise LectureError(f"reveal.js {REVEAL_VERSION} has no {inner} (wanted by the slide template)")
        target = out_dir / reveal_rel / inner
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
