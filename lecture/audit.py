"""Accessibility audits of the course page and the slides in headless Chromium (used by the tests).

- :func:`axe_violations`: axe-core (the npm package, fetched once with ``npm pack`` into the cache like
  reveal.js, see :func:`lecture.slides.npm_package`) run on a page for the WCAG 2.0/2.1 A and AA rules;
- :func:`tab_stops`: what the Tab key reaches, in order;
- :func:`media_report`: for every ``<video>``: whether it loads and plays (frames decoded), and the cue count
  of each of its ``<track>`` elements as the browser parsed them.

Chromium is Debian's ``chromium`` driven through ``chromium-driver`` with Selenium (WebDriver), with no
network use of its own (no component updates, background networking, sync or QUIC) and a new empty profile.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from lecture.errors import ToolMissingError
from lecture.slides import npm_package

AXE_VERSION = "4.10.3"
AXE_DIR_ENV = "JACOBIAN_AXE_DIR"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--autoplay-policy=no-user-gesture-required", "--window-size=1280,900")


def axe_source() -> str:
    """The text of axe-core's ``axe.min.js`` (version :data:`AXE_VERSION`)."""
    return (npm_package("axe-core", AXE_VERSION, "axe.min.js", AXE_DIR_ENV) / "axe.min.js").read_text(encoding="utf-8")


def chromium_paths() -> tuple[str, str]:
    """Debian's chromium and chromedriver, or a one-line error saying how to install them."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        raise ToolMissingError("the audits need chromium and chromium-driver: "
                               "sudo apt-get install --no-install-recommends chromium chromium-driver")
    return browser, driver


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (a Selenium WebDriver) with a new empty profile, closed on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = chromium_paths()
    with tempfile.TemporaryDirectory(prefix="jacobian-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        try:
            driver.set_script_timeout(60)
            yield driver
        finally:
            driver.quit()


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                       nodes: v.nodes.map(n => n.target.join(' '))})),
                   ran: [...r.passes, ...r.violations, ...r.incomplete].map(v => v.id),
                   incomplete: r.incomplete.map(v => v.id)}))
  .catch(e => done({error: String(e)}));
"""


def axe_violations(driver, url: str) -> dict:
    """Open ``url`` and run axe-core's WCAG 2.1 A/AA rules: ``{"violations": [{id, impact, help, nodes}],
    "ran": [rule ids that applied], "incomplete": [rule ids axe could not decide]}``."""
    driver.get(url)
    driver.execute_script(axe_source())
    result = driver.execute_async_script(_RUN_AXE, list(WCAG_TAGS))
    if "error" in result:
        raise RuntimeError(f"axe-core failed on {url}: {result['error']}")
    return result


_ACTIVE = """
const e = document.activeElement;
if (!e || e === document.body) return null;
return {tag: e.tagName.toLowerCase(), id: e.id || '', href: e.getAttribute('href') || '',
        src: e.currentSrc || '', visible: getComputedStyle(e).outlineStyle !== 'none' || e.tagName === 'VIDEO'};
"""


def tab_stops(driver, url: str, limit: int = 400) -> list[dict]:
    """Open ``url`` and press Tab until focus leaves the page (or ``limit`` presses): each focused element
    in order (tag, id, href, the video's source), repeats included (a video's own controls are several stops)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.get(url)
    stops = []
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.execute_script(_ACTIVE)
        if active is None:
            break
        stops.append(active)
    return stops


_MEDIA = """
const done = arguments[arguments.length - 1];
const videos = [...document.querySelectorAll('video')];
const waitFor = (target, events, ms) => new Promise(resolve => {
  const timer = setTimeout(() => resolve('timeout'), ms);
  for (const ev of events) target.addEventListener(ev, () => { clearTimeout(timer); resolve(ev); }, {once: true});
});
(async () => {
  const out = [];
  for (const v of videos) {
    const tracks = [...v.querySelectorAll('track')];
    for (const t of tracks) t.track.mode = 'hidden';
    const loaded = await Promise.all(tracks.map(
      t => t.readyState === 2 ? 'load' : waitFor(t, ['load', 'error'], 10000)));
    v.muted = true;
    v.preload = 'auto';
    if (v.readyState < 2) { v.load(); await waitFor(v, ['loadeddata', 'error'], 15000); }
    let played = false;
    try {
      await v.play();
      await new Promise(r => setTimeout(r, 700));
      played = v.currentTime > 0;
      v.pause();
    } catch (e) { played = String(e); }
    const quality = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : -1;
    out.push({src: v.currentSrc, error: v.error ? v.error.code : null, readyState: v.readyState,
              width: v.videoWidth, height: v.videoHeight, duration: v.duration, played, frames: quality,
              tracks: tracks.map((t, i) => ({kind: t.kind, src: t.getAttribute('src'), load: loaded[i],
                                             cues: t.track.cues ? t.track.cues.length : null}))});
  }
  done(out);
})();
"""


def media_report(driver, url: str) -> list[dict]:
    """Open ``url``; for each ``<video>``: its source, error code, readyState, size, duration, whether it
    played (time advanced), frames decoded, and per ``<track>`` its kind, src, load event and cue count."""
    driver.get(url)
    return driver.execute_async_script(_MEDIA)
