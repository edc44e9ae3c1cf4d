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


def npm_package(name: str, version: str, marker: str, override_env: str) -> Path:
    """The unpacked npm package ``name@version`` (a folder holding ``marker``), fetched with ``npm pack`` into
    the cache on first use (no npm project, no install scripts run); ``$override_env`` names an unpacked copy
    instead."""
    if os.environ.get(override_env):
        given = Path(os.environ[override_env])
        if not (given / marker).is_file():
            raise LectureError(f"{override_env}={given}: no {marker} in it (want an unpacked {name} package)")
        return given
    target = cache_dir() / f"{name}-{version}"
    if (target / marker).is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissingError(
            f"{name} {version} is not cached and npm is not installed; install it (sudo apt-get install npm) "
            f"or set {override_env} to an unpacked {name} package"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        done = subprocess.run(  # noqa: S603
            [npm, "pack", f"{name}@{version}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=300, check=False, cwd=tmp,
        )
        tarballs = list(Path(tmp).glob(f"{name}-*.tgz"))
        if done.returncode != 0 or not tarballs:
            why = (done.stderr or done.stdout).strip().splitlines()
            raise LectureError(
                f"npm pack {name}@{version} failed ({why[-1] if why else done.returncode}); connect once to "
                f"the internet or set {override_env} to an unpacked {name} package"
            )
        unpack = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpack, filter="data")
        staged = Path(tmp) / "package"
        os.replace(unpack / "package", staged)
        try:
            os.replace(staged, target)
        except OSError:  # another run cached it meanwhile
            if not (target / marker).is_file():
                raise
    return target


def reveal_package(version: str = REVEAL_VERSION) -> Path:
    """The unpacked npm package ``reveal.js@version`` (a folder with ``dist/``), fetched with
    ``npm pack`` into the cache on first use.  ``$JACOBIAN_REVEALJS_DIR`` overrides it."""
    return npm_package("reveal.js", version, "dist/reveal.js", REVEAL_DIR_ENV)


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
        html = accessible(staged.read_text(encoding="utf-8"))
        staged.write_text(html, encoding="utf-8")
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


# Captions for the slides' videos.  reveal.js makes each slide's background <video> when the slide comes near;
# this attaches to each one a WebVTT captions track (a data: URL, which loads from file:// too) with the slide's
# narration, its speaker notes, shown for the whole video.
_CAPTIONS_SCRIPT = """    <script>
      // captions: each slide's narration (its speaker notes) as a WebVTT track on its background video
      (function () {
        const vtt = text => 'data:text/vtt;charset=utf-8,' + encodeURIComponent(
          'WEBVTT\\n\\n1\\n00:00:00.000 --> 99:59:59.000\\n' +
          text.trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
            .replace(/\\n\\s*\\n/g, '\\n') + '\\n');
        const notes = new Map();
        document.querySelectorAll('.reveal .slides section[data-background-video]').forEach(s => {
          const aside = s.querySelector('aside.notes');
          const video = new URL(s.getAttribute('data-background-video'), document.baseURI).href;
          if (aside) notes.set(video, aside.textContent);
        });
        const caption = video => {
          if (video.querySelector('track')) return;
          const source = video.querySelector('source');
          const text = notes.get(source ? source.src : video.currentSrc);
          if (!text) return;
          const track = document.createElement('track');
          Object.assign(track, {kind: 'captions', srclang: 'en', label: 'English captions', src: vtt(text),
                                default: true});
          video.appendChild(track);
          track.track.mode = 'showing';
        };
        const all = () => document.querySelectorAll('.reveal .backgrounds video').forEach(caption);
        new MutationObserver(all).observe(document.querySelector('.reveal'), {childList: true, subtree: true});
        all();
      })();
    </script>
"""


def accessible(html: str) -> str:
    """The presentation's HTML made to pass the same WCAG 2.1 A/AA audit as the course page: the page's language
    (``lang="en"``), a viewport that lets the reader zoom, and a captions track on each slide's video (the
    slide's narration, which is its speaker notes)."""
    html = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', html, count=1)
    html = re.sub(r'(<meta name="viewport" content=")[^"]*(")', r"\1width=device-width, initial-scale=1.0\2", html,
                  count=1)
    if "</body>" not in html:
        raise LectureError("the slide template has no </body>; cannot add the captions")
    if "captions: each slide's narration" in html:
        return html
    at = html.rindex("</body>")
    return html[:at].rstrip(" ") + _CAPTIONS_SCRIPT + "  " + html[at:]


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
