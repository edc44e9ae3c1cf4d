"""The course page (and the slides) in headless Chromium: axe-core's WCAG 2.1 A/AA audit, the keyboard, the
videos and their tracks, offline (``file://``) and from a static web server.  Each check is also shown to
fail on a copy of the page broken on purpose (no lang, an image without alt, a zoom-blocking viewport, an
empty captions track, a link out of the tab order).

Needs Debian's chromium and chromium-driver (scripts/bootstrap.sh installs them) and axe-core (fetched once
with npm into the cache, like reveal.js; or ``$JACOBIAN_AXE_DIR``)."""

from __future__ import annotations

import base64
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lecture import audit, slides
from tests.test_page import parse_vtt, read_page, render_page, track_text, videos_and_tracks

pytestmark = pytest.mark.render

# the page's controls in document order: links and videos (a video's fallback link is never shown)
CONTROLS = ("[...document.querySelectorAll('a[href], video[controls]')]"
            ".filter(e => e.tagName === 'VIDEO' || !e.closest('video'))")
_INDEX = f"""
const e = document.activeElement;
return e ? {CONTROLS}.indexOf(e) : -1;
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("page-audit")
    done = render_page(out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / "page"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with audit.chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    """The page folder on a static web server (as on a course site), on a free local port."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def tab_order(driver, url: str) -> list[int]:
    """The controls (links, videos) Tab reaches, as indices in document order, each stop once (a video's own
    buttons are several stops on one element)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.get(url)
    order: list[int] = []
    for _ in range(400):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        index = driver.execute_script(_INDEX)
        if index == -1 or (order and index == order[0] and len(order) > 1):
            break
        if not order or order[-1] != index:
            order.append(index)
    return order


def expected_cues(folder: Path) -> list[dict[str, int]]:
    """For each video of the page, in order: each track kind's cue count, read from the page's own tracks."""
    return [{t["kind"]: len(parse_vtt(track_text(folder, t["src"]))) for t in tracks}
            for _, _, tracks in videos_and_tracks(read_page(folder / "index.html"))]


def check_media(driver, url: str, folder: Path) -> list[str]:
    """What is wrong with the page's videos in the browser (empty when each loads, plays and decodes, and every
    track loads with as many cues as its WebVTT holds)."""
    problems = []
    report = audit.media_report(driver, url)
    expected = expected_cues(folder)
    if len(report) != len(expected):
        return [f"{len(report)} videos in the browser, {len(expected)} in the page"]
    for video, cues in zip(report, expected, strict=True):
        name = video["src"].rsplit("/", 1)[-1]
        if video["error"] is not None or video["readyState"] < 2 or video["played"] is not True:
            problems.append(f"{name}: does not play (error {video['error']}, readyState {video['readyState']}, "
                            f"played {video['played']})")
        if not video["frames"] or video["width"] <= 0:
            problems.append(f"{name}: no frame decoded")
        got = {t["kind"]: t["cues"] for t in video["tracks"]}
        if got != cues or any(t["load"] != "load" for t in video["tracks"]):
            problems.append(f"{name}: tracks {video['tracks']}, want cue counts {cues}")
        if min(cues.values()) == 0:
            problems.append(f"{name}: an empty track ({cues})")
    return problems


def test_page_has_no_wcag_violations(built: Path, browser) -> None:
    for name in ("index.html", "transcript.html"):
        result = audit.axe_violations(browser, (built / name).as_uri())
        assert result["violations"] == [], name
        # the rules that matter here did run
        assert {"html-has-lang", "document-title", "color-contrast", "link-name", "meta-viewport"} <= set(
            result["ran"]), result["ran"]
    index = audit.axe_violations(browser, (built / "index.html").as_uri())
    assert {"video-caption", "bypass"} <= set(index["ran"])


def test_keyboard_reaches_every_control_in_order(built: Path, browser) -> None:
    url = (built / "index.html").as_uri()
    browser.get(url)
    count = browser.execute_script(f"return {CONTROLS}.length")
    assert count >= 10
    assert tab_order(browser, url) == list(range(count))
    # a link focused from the keyboard shows where it is
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(url)
    ActionChains(browser).send_keys(Keys.TAB, Keys.TAB).perform()
    assert browser.execute_script("return document.activeElement.tagName") == "A"
    outline = browser.execute_script("const s = getComputedStyle(document.activeElement); "
                                     "return [s.outlineStyle, s.outlineWidth]")
    assert outline[0] != "none" and outline[1] != "0px", outline


def test_videos_play_and_tracks_load_offline_and_served(built: Path, browser, served: str) -> None:
    assert check_media(browser, (built / "index.html").as_uri(), built) == []
    assert check_media(browser, served + "index.html", built) == []


def _break(folder: Path, tmp: Path, how: str) -> Path:
    """A copy of the page folder with index.html broken in one way."""
    copy = tmp / how
    shutil.copytree(folder, copy, copy_function=shutil.copyfile)
    page = copy / "index.html"
    html = page.read_text(encoding="utf-8")
    if how == "no-lang":
        html = html.replace('<html lang="en">', "<html>")
    elif how == "img-without-alt":
        html = html.replace("</h1>", '</h1><img src="media/thumbnail.png" width="64" height="36">')
    elif how == "no-zoom":
        html = html.replace('content="width=device-width, initial-scale=1"',
                            'content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no"')
    elif how == "empty-track":
        empty = "data:text/vtt;charset=utf-8;base64," + base64.b64encode(b"WEBVTT\n\n").decode()
        html = re.sub(r'(kind="captions"[^>]*src=")[^"]*', lambda m: m.group(1) + empty, html, count=2)
    elif how == "link-out-of-tab-order":
        html = html.replace('<a href="transcript.txt"', '<a tabindex="-1" href="transcript.txt"', 1)
    assert html != page.read_text(encoding="utf-8"), how
    page.write_text(html, encoding="utf-8")
    return copy


@pytest.mark.parametrize("how, rule", [("no-lang", "html-has-lang"), ("img-without-alt", "image-alt"),
                                       ("no-zoom", "meta-viewport")])
def test_axe_catches_a_broken_page(built: Path, browser, tmp_path: Path, how: str, rule: str) -> None:
    broken = _break(built, tmp_path, how)
    result = audit.axe_violations(browser, (broken / "index.html").as_uri())
    assert [v["id"] for v in result["violations"]] == [rule]


def test_media_check_catches_an_empty_captions_track(built: Path, browser, tmp_path: Path) -> None:
    broken = _break(built, tmp_path, "empty-track")
    problems = check_media(browser, (broken / "index.html").as_uri(), broken)
    assert len(problems) == 2 and all("empty track" in p for p in problems), problems


def test_keyboard_check_catches_a_link_out_of_the_tab_order(built: Path, browser, tmp_path: Path) -> None:
    broken = _break(built, tmp_path, "link-out-of-tab-order")
    url = (broken / "index.html").as_uri()
    browser.get(url)
    count = browser.execute_script(f"return {CONTROLS}.length")
    order = tab_order(browser, url)
    assert order != list(range(count)) and len(order) == count - 1


def test_slide_html_made_accessible() -> None:
    deck = ('<!doctype html>\n<html>\n<head><meta name="viewport" content="width=device-width, initial-scale=1.0, '
            'maximum-scale=1.0, user-scalable=no"></head>\n<body>\n</body>\n</html>\n')
    fixed = slides.accessible(deck)
    assert '<html lang="en">' in fixed
    assert '<meta name="viewport" content="width=device-width, initial-scale=1.0">' in fixed
    assert "kind: 'captions'" in fixed and fixed.index("captions: each slide") < fixed.index("</body>")
    assert slides.accessible(fixed) == fixed


@pytest.mark.slow
def test_slides_deck_has_no_wcag_violations_and_captions(tmp_path: Path, browser) -> None:
    import subprocess
    import sys

    from tests.test_lecture_e2e import ROOT

    done = subprocess.run([sys.executable, "-m", "lecture", "--storyboard", "tests.fixture_storyboard:BEATS",
                           "--quality", "tiny", "--output", str(tmp_path), "--slides", "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    deck = tmp_path / "slides" / "jacobian_lecture.html"
    result = audit.axe_violations(browser, deck.as_uri())
    assert result["violations"] == [] and "video-caption" not in result["incomplete"], result
    notes = re.findall(r'<aside class="notes"[^>]*>([^<]*)</aside>', deck.read_text(encoding="utf-8"))
    shown = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        setTimeout(() => done([...document.querySelectorAll('.reveal .backgrounds video')].map(v =>
          [...v.querySelectorAll('track')].map(t => [t.kind, t.track.mode,
            t.track.cues && t.track.cues.length ? t.track.cues[0].text : null]))), 1500);""")
    assert shown, "no slide video was made"
    assert all(len(t) == 1 and t[0][:2] == ["captions", "showing"] for t in shown), shown
    assert [t[0][2] for t in shown] == notes[:len(shown)]
