"""The course page and the upload kit (``scripts/render --page``): built from the fixture lecture at the tiny
test quality, read back here with plain parsing (HTML parser, WebVTT/SubRip by regular expressions, PyAV,
Pillow), not with the lecture package's own writers.  The browser checks are in tests/test_page_audit.py."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import av
import pytest
from PIL import Image

from jacobian_settings import ENV_VAR
from lecture import captions, page
from lecture.captions import Cue
from lecture.storyboard import SceneEntry

ROOT = Path(__file__).resolve().parent.parent
VTT_TIME = r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)"
STORYBOARD = "tests.fixture_storyboard:BEATS"


def render_page(out: Path, storyboard: str = STORYBOARD, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    cmd = [sys.executable, "-m", "lecture", "--storyboard", storyboard, "--quality", "tiny", "--output", str(out),
           "--voice", "none", "--jobs", "2", "--page", *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def track_text(folder: Path, src: str) -> str:
    """A track's WebVTT text: a ``data:`` URL decoded (it must equal the file of that name in ``media/``), or
    the file it names."""
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        assert header == "data:text/vtt;charset=utf-8;base64", header
        return base64.b64decode(payload).decode("utf-8")
    return (folder / src).read_text(encoding="utf-8")


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    assert text.startswith("WEBVTT\n\n"), text[:40]
    cues = []
    for block in text[len("WEBVTT\n\n"):].strip().split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        timing = lines[1] if not re.match(VTT_TIME, lines[0]) else lines[0]
        m = re.fullmatch(rf"{VTT_TIME} --> {VTT_TIME}", timing)
        assert m, block
        g = [int(v) for v in m.groups()]
        body = lines[lines.index(timing) + 1:]
        assert body and all(line.strip() for line in body), block
        assert "-->" not in "\n".join(body) and "<" not in "\n".join(body), block
        cues.append((g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000, g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000,
                     "\n".join(body)))
    return cues


class Page(HTMLParser):
    """The elements of a page, each as (tag, attributes, the id of the enclosing section)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict, str | None]] = []
        self.sections: list[str | None] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes.get("id"))
        self.elements.append((tag, attributes, self.sections[-1] if self.sections else None))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.sections.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[tuple[dict, str | None]]:
        return [(a, s) for t, a, s in self.elements if t == tag]


def read_page(path: Path) -> Page:
    parsed = Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def videos_and_tracks(parsed: Page) -> list[tuple[dict, list[dict], list[dict]]]:
    """Each <video> with its <source>s and <track>s (they follow it until the next video)."""
    found = []
    for tag, attrs, _ in parsed.elements:
        if tag == "video":
            found.append((attrs, [], []))
        elif tag == "source" and found:
            found[-1][1].append(attrs)
        elif tag == "track" and found:
            found[-1][2].append(attrs)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("page")
    done = render_page(out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "page:" in done.stdout and "upload:" in done.stdout
    return out


# ------------------------------------------------------------------------------------------- unit tests
def test_vtt_escapes_and_times() -> None:
    text = captions.format_vtt([Cue(0, 1.5, "a < b & c"), Cue(61.25, 3723.5, "two\nlines"), Cue(4, 5, " ")])
    assert text == ("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\na &lt; b &amp; c\n\n"
                    "2\n00:01:01.250 --> 01:02:03.500\ntwo\nlines\n\n")


def _chapters(durations: list[float]) -> list[page.Chapter]:
    starts = [sum(durations[:i]) for i in range(len(durations))]
    return [page.Chapter(i + 1, SceneEntry("x.py", f"S{i}", f"Chapter {i}"), Path("x.mp4"), Path("x.png"), s, d,
                         (), (), ()) for i, (s, d) in enumerate(zip(starts, durations, strict=True))]


def youtube_chapters(description: str) -> list[tuple[int, str]]:
    """The chapter lines of a description as YouTube reads them: a timestamp at the start of a line."""
    found = []
    for line in description.splitlines():
        m = re.match(r"^(?:(\d+):)?(\d{1,2}):(\d\d) (.+)$", line)
        if m:
            h, mnt, s = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
            found.append((h * 3600 + mnt * 60 + s, m.group(4)))
    return found


@pytest.mark.parametrize("durations", [[12.4, 95.0, 61.7, 30.2], [10.6, 20.0, 30.0], [20.0] * 14,
                                       [1800.0, 1900.0, 400.0]])
def test_description_chapters_are_what_youtube_accepts(durations: list[float]) -> None:
    chapters = _chapters(durations)
    text = page.description_text("Title", "One. Two.", chapters, sum(durations))
    found = youtube_chapters(text)
    assert [t for _, t in found] == [c.entry.title for c in chapters]
    times = [t for t, _ in found]
    assert times[0] == 0 and len(times) >= 3
    ends = [*times[1:], sum(durations)]
    assert all(b - a >= 10 for a, b in zip(times, ends, strict=True)), times
    for (t, _), c in zip(found, chapters, strict=True):  # never before the scene starts, at most 1 s after
        assert c.start - 1 < t <= c.start + 1e-9
    assert text.startswith("Title\n\nOne. Two.\n")
    long = sum(durations) >= 3600
    assert all(re.match(r"^\d:\d\d:\d\d " if long else r"^\d+:\d\d ", line)
               for line in text.split("Chapters:\n")[1].split("\n\n")[0].splitlines())


def test_transcript_interleaves_descriptions_before_narration() -> None:
    c = page.Chapter(1, SceneEntry("x.py", "S", "T"), Path("x.mp4"), Path("x.png"), 10.0, 5.0, (),
                     (Cue(0.0, 2.0, "shown first"), Cue(2.5, 5.0, "shown later")),
                     (page.TranscriptLine(0.0, "narration", "said first"),
                      page.TranscriptLine(2.0, "narration", "said second")))
    lines = page.transcript_lines(c, c.start)
    assert [(x.start, x.text) for x in lines] == [(10.0, "shown first"), (10.0, "said first"),
                                                 (12.0, "said second"), (12.5, "shown later")]


def test_description_cues_last_to_their_beat_end() -> None:
    record = {"beat_ends": [1.5, 4.0], "descriptions": [{"beat": 1, "start": 1.5, "text": "b"},
                                                        {"beat": 0, "start": 0.0, "text": "a"}]}
    assert page.description_cues(record, 5.0) == [Cue(0.0, 1.5, "a"), Cue(1.5, 4.0, "b")]
    # a short beat's description stays 1 s, but never runs over the next one or past the clip
    record = {"beat_ends": [0.4, 0.6, 5.0], "descriptions": [{"beat": b, "start": s, "text": str(b)}
                                                             for b, s in ((0, 0.0), (1, 0.4), (2, 4.5))]}
    assert page.description_cues(record, 5.0) == [Cue(0.0, 0.4, "0"), Cue(0.4, 1.4, "1"), Cue(4.5, 5.0, "2")]


def test_thumbnail_title_fits_and_reads_at_320x180(tmp_path: Path) -> None:
    still = tmp_path / "s.png"
    Image.new("RGB", (256, 144), "#0e1117").save(still)
    for title in ("The Jacobian, in motion", "A much longer lecture title that needs two lines to fit"):
        lines, font = page.title_lines(title, page.THUMBNAIL_SIZE[0] - 120)
        assert " ".join(lines) == title and len(lines) <= 2
        # at 320x180 a glyph of font.size px is font.size / 4 px: at least 16 px, a readable headline
        assert font.size / 4 >= 16
        page.make_thumbnail([still] * 5, title, tmp_path / "t.png")
        assert Image.open(tmp_path / "t.png").size == (1280, 720)


# ------------------------------------------------------------------------------------------- the built page
@pytest.mark.render
def test_page_links_only_existing_local_files(built: Path) -> None:
    folder = built / "page"
    for name in ("index.html", "transcript.html"):
        parsed = read_page(folder / name)
        refs = [a.get(key) for t, a, _ in parsed.elements for key in ("src", "href", "poster") if a.get(key)]
        assert refs
        for ref in refs:
            assert not re.match(r"^\s*([a-z]+:)?//", ref, re.I), f"{name} loads {ref} from the network"
            if ref.startswith("data:text/vtt;"):
                continue
            if ref.startswith("#"):
                ids = {a.get("id") for _, a, _ in parsed.elements}
                assert ref[1:] in ids, f"{name}: no element with id {ref}"
            else:
                assert (folder / ref).is_file(), f"{name} references {ref}, not in the folder"
        assert not parsed.all("script")  # nothing to load, nothing to run
        assert all(a.get("alt") for a, _ in parsed.all("img")), "an image without alt text"
        html_tag = parsed.all("html")[0][0]
        assert html_tag.get("lang") == "en"


@pytest.mark.render
def test_page_has_a_section_per_chapter_with_its_video_and_tracks(built: Path) -> None:
    folder = built / "page"
    parsed = read_page(folder / "index.html")
    assert parsed.all("title") and parsed.all("h1")
    chapters = [("FixtureBeats", "Four beats"), ("FixtureSquare", "A square")]
    videos = videos_and_tracks(parsed)
    assert len(videos) == len(chapters) + 1  # the whole lecture first
    whole, *per_scene = videos
    kinds = {t["kind"] for t in whole[2]}
    assert kinds == {"captions", "descriptions", "chapters"}
    chapter_vtt = parse_vtt(track_text(folder, next(t["src"] for t in whole[2] if t["kind"] == "chapters")))
    assert track_text(folder, next(t["src"] for t in whole[2] if t["kind"] == "chapters")) == \
        (folder / "media" / "chapters.vtt").read_text()
    assert [c[2] for c in chapter_vtt] == [title for _, title in chapters]
    assert chapter_vtt[0][0] == 0
    sections = [s for a, s in parsed.all("video")][1:]
    assert sections == ["chapter-01", "chapter-02"]
    for (video, sources, tracks), (cls, _title) in zip(per_scene, chapters, strict=True):
        assert video["preload"] == "metadata" and "controls" in video
        assert video["poster"].endswith(f"_{cls}.png")
        assert Image.open(folder / video["poster"]).size == Image.open(built / "stills" /
                                                                        Path(video["poster"]).name).size
        assert [s["type"] for s in sources] == ["video/mp4"]
        capt = [t for t in tracks if t["kind"] == "captions"]
        assert len(capt) == 1 and capt[0]["srclang"] == "en" and "default" in capt[0] and capt[0].get("label")
        cues = parse_vtt(track_text(folder, capt[0]["src"]))
        stem = Path(video["poster"]).stem
        assert track_text(folder, capt[0]["src"]) == (folder / "media" / f"{stem}.vtt").read_text()
        srt = captions.fit_cues(captions.read_cues(built / "clips" / "tiny" / f"{cls}.srt"))
        assert [c[2] for c in cues] == [c.text for c in srt]
        desc = [t for t in tracks if t["kind"] == "descriptions"]
        assert len(desc) == 1 and desc[0]["srclang"] == "en"
        record = json.loads((built / "clips" / "tiny" / f"{cls}.narration.json").read_text())
        shown = parse_vtt(track_text(folder, desc[0]["src"]))
        assert [c[2] for c in shown] == [d["text"].replace("&", "&amp;") for d in record["descriptions"]]
        assert len(shown) == record["beats"] and record["undescribed"] == []  # every beat of the fixtures
        # the clip on the page is the rendered clip
        assert (folder / sources[0]["src"]).read_bytes() == (built / "clips" / "tiny" / f"{cls}.mp4").read_bytes()
    # links between chapters
    hrefs = [(a["href"], s) for a, s in parsed.all("a")]
    assert ("#chapter-02", "chapter-01") in hrefs and ("#chapter-01", "chapter-02") in hrefs
    # math as MathML, never a picture
    assert parsed.all("math") and all(a.get("display") == "block" for a, _ in parsed.all("math"))


@pytest.mark.render
def test_transcripts_interleave_narration_and_descriptions(built: Path) -> None:
    text = (built / "page" / "transcript.txt").read_text()
    record = json.loads((built / "clips" / "tiny" / "FixtureBeats.narration.json").read_text())
    expected = []
    for u, d in zip(record["utterances"], record["descriptions"], strict=True):
        expected += [f"On screen: {d['text']}", u["text"]]
    lines = [re.sub(r"^\[\d+:\d\d\] ", "", line) for line in text.splitlines() if line.startswith("[")]
    assert lines[:len(expected)] == expected
    assert len(lines) == 2 * (4 + 2)  # 4 + 2 beats, each said and shown
    html_text = " ".join(read_page(built / "page" / "transcript.html").text)
    for line in expected:
        assert line.split(": ", 1)[-1] in html_text


@pytest.mark.render
def test_upload_kit(built: Path) -> None:
    kit = built / "upload"
    assert sorted(p.name for p in kit.iterdir()) == ["description.txt", "jacobian_lecture.srt",
                                                     "jacobian_lecture.vtt", "thumbnail.png", "video.txt"]
    thumb = kit / "thumbnail.png"
    assert Image.open(thumb).size == (1280, 720) and thumb.stat().st_size < 2_000_000
    description = (kit / "description.txt").read_text()
    assert description.startswith("The Jacobian, in motion\n\n")
    summary = description.split("\n\n")[1]
    assert len(re.findall(r"[.!?](?:\s|$)", summary)) == 2, summary
    assert [t for _, t in youtube_chapters(description)] == ["Four beats", "A square"]
    assert youtube_chapters(description)[0][0] == 0
    srt = (kit / "jacobian_lecture.srt").read_text()
    assert srt == (built / "jacobian_lecture.srt").read_text()
    assert len(parse_vtt((kit / "jacobian_lecture.vtt").read_text())) == srt.count(" --> ")
    video = Path((kit / "video.txt").read_text().strip())
    assert video == (built / "jacobian_lecture.mp4").resolve()
    with av.open(str(video)) as container:
        assert container.streams.video


@pytest.mark.render
def test_page_rebuild_replaces_the_folder_and_leaves_no_temporaries(built: Path) -> None:
    stray = built / "page" / "stray.txt"
    stray.write_text("old")
    done = render_page(built)
    assert done.returncode == 0, done.stderr
    assert not stray.exists()
    assert not [p for p in built.iterdir() if ".staging-" in p.name or ".tmp-" in p.name]


def test_page_refuses_other_formats_and_slides(tmp_path: Path) -> None:
    for extra, words in ((("--format", "webm"), "--page plays mp4"), (("--slides",), "--page is built from the video")):
        done = render_page(tmp_path, STORYBOARD, *extra)
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert done.stderr.count("\n") == 1  # one line, no traceback
