"""The course page (``page/``) and the creator's upload kit (``upload/``), built from a rendered lecture.

Both come from what the video render already wrote in the output folder: the scenes' clips with their
captions (``.srt``) and narration records (``.narration.json``: each beat's text and start, and the
descriptions of what each beat shows), the joined video, its captions and its stills.

``page/`` is one self-contained folder (no network: no CDN, no web font, no script), openable from
``file://`` or any static host::

    index.html            the lecture: title, summary, chapter list, the whole video, one section per chapter
                          (its clip, captions, descriptions, its transcript, links to the chapters around it)
    transcript.html       the whole lecture's transcript (narration and descriptions in time order)
    transcript.txt        the same, as plain text
    media/                the videos (mp4), their posters (the stills, PNG) and WebVTT tracks: captions
                          (``.vtt``), descriptions (``.descriptions.vtt``) and the lecture's chapters (the
                          page carries the same tracks inline as ``data:`` URLs: a browser loads no track
                          file into a page opened from ``file://``)

``upload/`` is what a video platform asks for::

    description.txt       title, a two-sentence summary, the chapters with timestamps (first 0:00)
    thumbnail.png         1280x720, under 2 MB, the title large enough to read at 320x180
    jacobian_lecture.srt  captions (SubRip) and jacobian_lecture.vtt (WebVTT)
    video.txt             the path of the video to upload

Each folder is built beside its destination under a temporary name and renamed into place when complete.
"""

from __future__ import annotations

import base64
import html
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lecture import captions, media
from lecture.captions import Cue
from lecture.errors import LectureError
from lecture.mathml import text_with_math
from lecture.storyboard import SceneEntry

__all__ = ["Chapter", "TranscriptLine", "build_page", "build_upload_kit", "load_chapters", "transcript_lines"]

THUMBNAIL_SIZE = (1280, 720)
THUMBNAIL_MAX_BYTES = 2_000_000
THUMBNAIL_TITLE_PX = 104  # title glyph size at 1280x720: 26 px at 320x180, read like a 20 pt headline
MIN_THUMBNAIL_TITLE_PX = 64  # a long title is shrunk to fit, never below this (16 px at 320x180)


@dataclass(frozen=True)
class TranscriptLine:
    """One line of a transcript: ``kind`` is ``"narration"`` or ``"description"``, ``start`` in seconds."""

    start: float
    kind: str
    text: str


@dataclass(frozen=True)
class Chapter:
    """One scene of the lecture as the page shows it; times in seconds (``start`` in the lecture, the cues'
    in the clip)."""

    number: int
    entry: SceneEntry
    clip: Path
    still: Path
    start: float
    duration: float
    cues: tuple[Cue, ...]
    descriptions: tuple[Cue, ...]
    narration: tuple[TranscriptLine, ...]
    undescribed: tuple[str, ...] = ()  # ids of beats that show something without saying what

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number:02d}"

    @property
    def stem(self) -> str:
        return f"{self.number:02d}_{self.entry.cls}"


def description_cues(record: dict, duration: float) -> list[Cue]:
    """The descriptions a scene's narration record carries (``record["descriptions"]``: each with its beat
    and start), as cues lasting to their beat's end (the next description's start, the clip's end)."""
    found = sorted(record.get("descriptions", []), key=lambda d: d["start"])
    ends = record.get("beat_ends", [])
    cues = []
    for i, item in enumerate(found):
        beat = item.get("beat", -1)
        start = min(float(item["start"]), duration)
        end = max(float(ends[beat]) if 0 <= beat < len(ends) else duration, start + 1.0)  # at least 1 s
        if i + 1 < len(found):  # never over the next description
            end = min(end, float(found[i + 1]["start"]))
        end = min(end, duration)
        if end > start and item["text"].strip():
            cues.append(Cue(round(start, 3), round(end, 3), item["text"].strip()))
    return cues


def load_chapters(entries: Sequence[SceneEntry], clip_dir: Path, stills: Sequence[Path],
                  starts: Sequence[float]) -> list[Chapter]:
    """Each scene's clip, still, fitted captions (the subtitle rules, as in the joined .srt), descriptions and
    narration, read from the render's output."""
    chapters = []
    for number, (entry, still, start) in enumerate(zip(entries, stills, starts, strict=True), start=1):
        clip = clip_dir / f"{entry.cls}.mp4"
        duration = float(media.probe_clip(clip).duration)
        record_file = clip_dir / f"{entry.cls}.narration.json"
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LectureError(f"{record_file}: cannot read the narration record ({exc}); re-render") from None
        cues = captions.fit_cues(captions.read_cues(clip_dir / f"{entry.cls}.srt"), end=duration)
        narration = tuple(TranscriptLine(round(float(u["start"]), 3), "narration", u["text"])
                          for u in record.get("utterances", []) if u["text"].strip())
        chapters.append(Chapter(number, entry, clip, still, float(start), duration, tuple(cues),
                                tuple(description_cues(record, duration)), narration,
                                tuple(record.get("undescribed", []))))
    return chapters


def transcript_lines(chapter: Chapter, offset: float = 0.0) -> list[TranscriptLine]:
    """A chapter's narration and descriptions interleaved by time (a description before the narration that
    starts with it), shifted by ``offset`` seconds."""
    lines = [*(TranscriptLine(d.start, "description", d.text) for d in chapter.descriptions), *chapter.narration]
    lines.sort(key=lambda line: (line.start, line.kind != "description"))
    return [TranscriptLine(line.start + offset, line.kind, line.text) for line in lines]


def _clock(seconds: float, long_form: bool = False) -> str:
    return captions.youtube_time(seconds, long_form)


# ---------------------------------------------------------------------------------------------- formulas
# The lecture's formulas in MathML (read by screen readers, scaled with the text; never pictures of text).
_JACOBIAN = ("<msub><mi>J</mi><mi>f</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mrow><mo>[</mo>"
             "<mfrac><mrow><mo>&#x2202;</mo><msub><mi>f</mi><mi>i</mi></msub></mrow>"
             "<mrow><mo>&#x2202;</mo><msub><mi>x</mi><mi>j</mi></msub></mrow></mfrac>"
             "<mo>(</mo><mi>x</mi><mo>)</mo><mo>]</mo></mrow>")
LECTURE_FORMULA = (_JACOBIAN,
                   "the Jacobian of f at x: the matrix of the partial derivatives of output i with respect to "
                   "input j")
_T = "<mi>&#x22A4;</mi>"  # the transpose sign
FORMULAS: dict[str, str] = {
    "RBFJacobian": "<msubsup><mi>&#x3C6;</mi><mi>i</mi><mo>&#x2032;</mo></msubsup><mo>(</mo><mi>x</mi><mo>)</mo>"
                   "<mo>=</mo><mo>&#x2212;</mo><msub><mi>&#x3C6;</mi><mi>i</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo>"
                   "<mfrac><mrow><mi>x</mi><mo>&#x2212;</mo><msub><mi>c</mi><mi>i</mi></msub></mrow>"
                   "<msup><mi>&#x3C3;</mi><mn>2</mn></msup></mfrac>",
    "RBFModel": f"<mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><msup><mi>w</mi>{_T}</msup><mi>&#x3C6;</mi>"
                f"<mo>(</mo><mi>x</mi><mo>)</mo><mo>,</mo><mspace width=\"1em\"/><msup><mi>f</mi><mo>&#x2032;</mo>"
                f"</msup><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><msup><mi>w</mi>{_T}</msup><mfrac><mrow><mi>d</mi>"
                f"<mi>&#x3C6;</mi></mrow><mrow><mi>d</mi><mi>x</mi></mrow></mfrac>",
    "GridSquaresUnderF": "<mi>f</mi><mo>(</mo><mi>p</mi><mo>+</mo><mi>h</mi><mi>u</mi><mo>)</mo><mo>&#x2248;</mo>"
                         "<mi>f</mi><mo>(</mo><mi>p</mi><mo>)</mo><mo>+</mo><mi>h</mi><msub><mi>J</mi><mi>f</mi>"
                         "</msub><mo>(</mo><mi>p</mi><mo>)</mo><mi>u</mi>",
    "ChainRule": "<msub><mi>J</mi><mrow><mi>g</mi><mo>&#x2218;</mo><mi>f</mi></mrow></msub><mo>(</mo><mi>p</mi>"
                 "<mo>)</mo><mo>=</mo><msub><mi>J</mi><mi>g</mi></msub><mo>(</mo><mi>f</mi><mo>(</mo><mi>p</mi>"
                 "<mo>)</mo><mo>)</mo><mspace width=\"0.2em\"/><msub><mi>J</mi><mi>f</mi></msub><mo>(</mo>"
                 "<mi>p</mi><mo>)</mo>",
    "SoftmaxJacobian": f"<mfrac><mrow><mo>&#x2202;</mo><mi>p</mi></mrow><mrow><mo>&#x2202;</mo><mi>z</mi></mrow>"
                       f"</mfrac><mo>=</mo><mo>diag</mo><mo>(</mo><mi>p</mi><mo>)</mo><mo>&#x2212;</mo><mi>p</mi>"
                       f"<msup><mi>p</mi>{_T}</msup>",
    "VectorRegression": f"<msub><mi>&#x3A3;</mi><mi>y</mi></msub><mo>&#x2248;</mo><mi>J</mi><mi>&#x3A3;</mi>"
                        f"<msup><mi>J</mi>{_T}</msup>",
    "FlowDensity": "<mi>log</mi><msub><mi>p</mi><mi>X</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo>"
                   "<mi>log</mi><msub><mi>p</mi><mi>Z</mi></msub><mo>(</mo><mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo>"
                   "<mo>)</mo><mo>+</mo><mi>log</mi><mo>|</mo><mi>det</mi><msub><mi>J</mi><mi>f</mi></msub>"
                   "<mo>(</mo><mi>x</mi><mo>)</mo><mo>|</mo>",
    "JacobianPenalty": "<mi>L</mi><mo>+</mo><mi>&#x3BB;</mi><msubsup><mrow><mo>&#x2016;</mo><msub><mi>J</mi>"
                       "<mi>f</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo><mo>&#x2016;</mo></mrow><mi>F</mi><mn>2</mn>"
                       "</msubsup>",
    "MAMLStep": "<msup><mi>&#x3B8;</mi><mo>&#x2032;</mo></msup><mo>=</mo><mi>&#x3B8;</mi><mo>&#x2212;</mo>"
                "<mi>&#x3B1;</mi><mo>&#x2207;</mo><mi>L</mi><mo>(</mo><mi>&#x3B8;</mi><mo>)</mo><mo>,</mo>"
                "<mspace width=\"1em\"/><mfrac><mrow><mo>&#x2202;</mo><msup><mi>&#x3B8;</mi><mo>&#x2032;</mo>"
                "</msup></mrow><mrow><mo>&#x2202;</mo><mi>&#x3B8;</mi></mrow></mfrac><mo>=</mo><mi>I</mi>"
                "<mo>&#x2212;</mo><mi>&#x3B1;</mi><msup><mo>&#x2207;</mo><mn>2</mn></msup><mi>L</mi><mo>(</mo>"
                "<mi>&#x3B8;</mi><mo>)</mo>",
    # ‖J‖_F = √(Σᵢⱼ Jᵢⱼ²), as the heatmap scene writes it
    "JacobianNormHeatmap": "<msub><mrow><mo>&#x2016;</mo><mi>J</mi><mo>&#x2016;</mo></mrow><mi>F</mi></msub>"
                           "<mo>=</mo><msqrt><msub><mo>&#x2211;</mo><mrow><mi>i</mi><mi>j</mi></mrow></msub>"
                           "<msubsup><mi>J</mi><mrow><mi>i</mi><mi>j</mi></mrow><mn>2</mn></msubsup></msqrt>",
    # z = aᵀ tanh(Wx + b) and the pull-back metric ‖J δ‖² = δᵀ Jᵀ J δ
    "EncoderSensitivity": f"<mi>z</mi><mo>=</mo><msup><mi>a</mi>{_T}</msup><mi>tanh</mi><mo>(</mo><mi>W</mi>"
                          f"<mi>x</mi><mo>+</mo><mi>b</mi><mo>)</mo><mo>,</mo><mspace width=\"1em\"/><msup><mrow>"
                          f"<mo>&#x2016;</mo><mi>J</mi><mi>&#x3B4;</mi><mo>&#x2016;</mo></mrow><mn>2</mn></msup><mo>=</mo>"
                          f"<msup><mi>&#x3B4;</mi>{_T}</msup><msup><mi>J</mi>{_T}</msup><mi>J</mi><mi>&#x3B4;</mi>",
    # the batch's Jacobian is block-diagonal: one block Jᵦ = ∂yᵦ/∂xᵦ per example
    "BatchedJacobian": "<mfrac><mrow><mo>&#x2202;</mo><mi>vec</mi><mo>(</mo><msup><mi>Y</mi><mi>&#x22A4;</mi></msup>"
                       "<mo>)</mo></mrow><mrow><mo>&#x2202;</mo><mi>vec</mi><mo>(</mo><msup><mi>X</mi><mi>&#x22A4;</mi>"
                       "</msup><mo>)</mo></mrow></mfrac><mo>=</mo><mi>diag</mi><mo>(</mo><msub><mi>J</mi><mn>1</mn>"
                       "</msub><mo>,</mo><mo>&#x2026;</mo><mo>,</mo><msub><mi>J</mi><mi>B</mi></msub><mo>)</mo><mo>,</mo>"
                       "<mspace width=\"1em\"/><msub><mi>J</mi><mi>b</mi></msub><mo>=</mo><mfrac><mrow>"
                       "<mo>&#x2202;</mo><msub><mi>y</mi><mi>b</mi></msub></mrow><mrow><mo>&#x2202;</mo><msub><mi>x</mi><mi>b</mi></msub>"
                       "</mrow></mfrac>",
    # back-propagation through a convolution: Jᵀv = (slope ⊙ v) ⋆ flip(K), as the scene writes it
    "SpatialOutputs": f"<msup><mi>J</mi>{_T}</msup><mi>v</mi><mo>=</mo><mo>(</mo><mi>slope</mi>"
                      f"<mo>(</mo><mi>z</mi><mo>)</mo><mo>&#x2299;</mo><mi>v</mi><mo>)</mo><mo>&#x22C6;</mo><mi>flip</mi><mo>(</mo><mi>K</mi><mo>)</mo>",
    "TaylorError": "<mo>&#x2016;</mo><mi>f</mi><mo>(</mo><mi>x</mi><mo>+</mo><mi>d</mi><mo>)</mo><mo>&#x2212;</mo>"
                   "<mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>&#x2212;</mo><mi>J</mi><mi>d</mi><mo>&#x2016;</mo>"
                   "<mo>=</mo><mi>O</mi><mo>(</mo><msup><mrow><mo>&#x2016;</mo><mi>d</mi><mo>&#x2016;</mo></mrow>"
                   "<mn>2</mn></msup><mo>)</mo>",
}


# The same formulas in plain text: each <math>'s ``alttext`` (read where MathML is not rendered).
FORMULA_TEXT: dict[str, str] = {
    "RBFJacobian": "φᵢ′(x) = −φᵢ(x) (x − cᵢ)/σ²",
    "RBFModel": "f(x) = wᵀφ(x),  f′(x) = wᵀ dφ/dx",
    "GridSquaresUnderF": "f(p + hu) ≈ f(p) + h J_f(p) u",
    "ChainRule": "J_(g∘f)(p) = J_g(f(p)) J_f(p)",
    "SoftmaxJacobian": "∂p/∂z = diag(p) − p pᵀ",
    "VectorRegression": "Σ_y ≈ J Σ Jᵀ",
    "FlowDensity": "log p_X(x) = log p_Z(f(x)) + log|det J_f(x)|",
    "JacobianPenalty": "L + λ‖J_f(x)‖²_F",
    "MAMLStep": "θ′ = θ − α∇L(θ),  ∂θ′/∂θ = I − α∇²L(θ)",
    "JacobianNormHeatmap": "‖J‖_F = √(Σᵢⱼ Jᵢⱼ²)",
    "EncoderSensitivity": "z = aᵀ tanh(Wx + b),  ‖Jδ‖² = δᵀJᵀJδ",
    "BatchedJacobian": "∂vec(Yᵀ)/∂vec(Xᵀ) = diag(J₁, …, J_B),  J_b = ∂y_b/∂x_b",
    "SpatialOutputs": "Jᵀv = (slope(z) ⊙ v) ⋆ flip(K)",
    "TaylorError": "‖f(x + d) − f(x) − Jd‖ = O(‖d‖²)",
}
LECTURE_FORMULA_TEXT = "J_f(x) = [∂fᵢ/∂xⱼ(x)]"


def math_block(inner: str, text: str) -> str:
    """A display ``<math>`` element around the MathML ``inner``, ``text`` its plain form (``alttext``);
    parentheses keep their size (the browser would otherwise stretch them to a fraction beside them)."""
    for paren in "()":
        inner = inner.replace(f"<mo>{paren}</mo>", f'<mo stretchy="false">{paren}</mo>')
    return f'<math display="block" alttext="{_e(text)}">{inner}</math>'


def _formula(cls: str) -> str:
    inner = FORMULAS.get(cls)
    return f'<p class="formula">Key formula: {math_block(inner, FORMULA_TEXT[cls])}</p>' if inner else ""


# ---------------------------------------------------------------------------------------------- the page
_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 1.05rem;
       line-height: 1.55; color: #1b1f24; background: #ffffff; margin: 0 auto; max-width: 62rem; padding: 0 1rem 3rem; }
a { color: #0b4fb3; text-decoration: underline; }
a:focus-visible, video:focus-visible { outline: 3px solid #b3261e; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #ffffff; padding: .5rem; }
.skip:focus { left: 1rem; }
video { width: 100%; height: auto; background: #000000; }
.time { font-variant-numeric: tabular-nums; color: #4a5360; margin-right: .5em; }
.shown { border-left: 4px solid #4a5360; padding-left: .6rem; }
.shown .kind { font-weight: 600; }
nav.chapter-links { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: .5rem 0 1rem; }
math[display="block"] { font-size: 1.2rem; margin: .5rem 0; }
section.chapter { border-top: 1px solid #c9ced6; margin-top: 2rem; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def track_url(vtt: str) -> str:
    """A ``data:`` URL holding the WebVTT text ``vtt``.  Browsers load a ``<track>`` only from the page's own
    origin, and a page opened from ``file://`` has none: its tracks from files would never load; a ``data:``
    URL is loaded wherever the page is (file, static host, learning platform)."""
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(vtt.encode("utf-8")).decode("ascii")


def _video(sources: str, poster: str, captions_src: str, descriptions_src: str, label: str, width: int,
           height: int, chapters_src: str | None = None) -> str:
    tracks = [f'<track kind="captions" srclang="en" label="English captions" src="{captions_src}" default>',
              f'<track kind="descriptions" srclang="en" label="What is shown" src="{descriptions_src}">']
    if chapters_src:
        tracks.append(f'<track kind="chapters" srclang="en" label="Chapters" src="{chapters_src}">')
    return (f'<video controls preload="metadata" poster="{poster}" width="{width}" height="{height}" '
            f'aria-label="{_e(label)}"><source src="{sources}" type="video/mp4">{"".join(tracks)}'
            f'<p>Your browser cannot play this video: <a href="{sources}">download it (MP4)</a>; '
            f'the transcript below has everything it says and shows.</p></video>')


def _transcript_html(lines: Sequence[TranscriptLine], long_form: bool = False) -> str:
    out = []
    for line in lines:
        time = f'<span class="time">{_clock(line.start, long_form)}</span>'
        if line.kind == "description":
            out.append(f'<p class="shown">{time}<span class="kind">On screen:</span> {text_with_math(line.text)}</p>')
        else:
            out.append(f"<p>{time}{text_with_math(line.text)}</p>")
    return "\n".join(out)


def _transcript_text(lines: Sequence[TranscriptLine], long_form: bool = False) -> str:
    return "".join(f"[{_clock(line.start, long_form)}] " + ("On screen: " if line.kind == "description" else "")
                   + line.text.replace("\n", " ") + "\n" for line in lines)


def _page_html(title: str, summary: str, chapters: Sequence[Chapter], total: float, size: tuple[int, int],
               lecture_video: str, tracks: dict[str, str]) -> str:
    """The page; ``tracks`` maps each WebVTT file's name in ``media/`` to its text (inlined as ``data:``)."""
    width, height = size
    long_form = total >= 3600
    toc = "\n".join(f'<li><a href="#{c.anchor}">{_e(c.entry.title)}</a> '
                    f'<span class="time">({_clock(c.start, long_form)})</span></li>' for c in chapters)
    sections = []
    for i, c in enumerate(chapters):
        links = []
        if i > 0:
            links.append(f'<a href="#{chapters[i - 1].anchor}">Previous chapter: {_e(chapters[i - 1].entry.title)}</a>')
        if i + 1 < len(chapters):
            links.append(f'<a href="#{chapters[i + 1].anchor}">Next chapter: {_e(chapters[i + 1].entry.title)}</a>')
        links.append('<a href="#contents">All chapters</a>')
        video = _video(f"media/{c.stem}.mp4", f"media/{c.stem}.png", track_url(tracks[f"{c.stem}.vtt"]),
                       track_url(tracks[f"{c.stem}.descriptions.vtt"]), f"Chapter {c.number}: {c.entry.title}",
                       width, height)
        sections.append(
            f'<section class="chapter" id="{c.anchor}" aria-labelledby="{c.anchor}-title">\n'
            f'<h2 id="{c.anchor}-title">{c.number}. {_e(c.entry.title)}</h2>\n{video}\n'
            f'<nav class="chapter-links" aria-label="Chapter {c.number}: neighbours">{" ".join(links)}</nav>\n'
            f'{_formula(c.entry.cls)}\n'
            f'<h3>Transcript of chapter {c.number}</h3>\n<div class="transcript">\n'
            f'{_transcript_html(transcript_lines(c))}\n</div>\n</section>')
    formula, formula_words = LECTURE_FORMULA
    whole = _video(lecture_video, "media/thumbnail.png", track_url(tracks["jacobian_lecture.vtt"]),
                   track_url(tracks["jacobian_lecture.descriptions.vtt"]), f"The whole lecture: {title}", width,
                   height, chapters_src=track_url(tracks["chapters.vtt"]))
    return _document(_e(title), f"""<a class="skip" href="#contents">Skip to the chapters</a>
<header>
<h1>{_e(title)}</h1>
<p>{_e(summary)}</p>
<p>Every video has English captions and a track describing what is shown; below each chapter's video its
transcript gives the narration and, marked &ldquo;On screen&rdquo;, what the picture shows, in time order.
The whole transcript: <a href="transcript.html">as a web page</a> or <a href="transcript.txt">as plain text</a>.</p>
<p>At the heart of it, {_e(formula_words)}: {math_block(formula, LECTURE_FORMULA_TEXT)}</p>
</header>
<main>
<nav id="contents" aria-labelledby="contents-title">
<h2 id="contents-title">Chapters</h2>
<ol>
{toc}
</ol>
</nav>
<section aria-labelledby="whole-title">
<h2 id="whole-title">The whole lecture ({_clock(total, long_form)})</h2>
{whole}
</section>
{chr(10).join(sections)}
</main>
""")


def _transcript_page(title: str, chapters: Sequence[Chapter], total: float) -> str:
    long_form = total >= 3600
    parts = [f'<section aria-labelledby="{c.anchor}-title"><h2 id="{c.anchor}-title">{c.number}. '
             f'{_e(c.entry.title)} <span class="time">({_clock(c.start, long_form)})</span></h2>\n'
             f'{_transcript_html(transcript_lines(c, c.start), long_form)}</section>' for c in chapters]
    return _document(f"Transcript: {_e(title)}", f"""<main>
<h1>Transcript: {_e(title)}</h1>
<p>Narration and, marked &ldquo;On screen&rdquo;, what the picture shows; times in the whole lecture.
<a href="index.html">Back to the lecture page</a>.</p>
{chr(10).join(parts)}
</main>
""")


def _document(title_html: str, body: str) -> str:
    """A whole HTML page in English, zoomable, with the page's style: ``title_html`` (escaped) and ``body``."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_html}</title>
<style>{_CSS}</style>
</head>
<body>
{body}</body>
</html>
"""


def _transcript_plain(title: str, chapters: Sequence[Chapter], total: float) -> str:
    long_form = total >= 3600
    out = [f"Transcript: {title}\n"]
    for c in chapters:
        out.append(f"\n{c.number}. {c.entry.title} ({_clock(c.start, long_form)})\n\n")
        out.append(_transcript_text(transcript_lines(c, c.start), long_form))
    return "".join(out)


def _place(source: Path, dest: Path) -> None:
    """``dest`` is ``source``'s content: a hard link when the file system allows (no copy of big videos),
    else a copy."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _swap_in(stage: Path, dest: Path) -> None:
    """Replace the folder ``dest`` by the finished folder ``stage`` (two renames; the old one is deleted)."""
    old = dest.with_name(f".{dest.name}.staging-{os.getpid()}-old")
    if dest.exists():
        os.replace(dest, old)
    try:
        os.replace(stage, dest)
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _staging(dest: Path) -> Path:
    stage = dest.with_name(f".{dest.name}.staging-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def build_page(chapters: Sequence[Chapter], video: Path, lecture_srt: Path, total: float, title: str, summary: str,
               dest: Path) -> Path:
    """Write the course page folder ``dest`` (see the module docstring) from the chapters and the joined
    ``video`` with its captions ``lecture_srt``; returns the page's ``index.html``."""
    if video.suffix != ".mp4":
        raise LectureError(f"the course page plays mp4 (H.264) in every browser; render with --format mp4, "
                           f"not {video.suffix[1:]}")
    stage = _staging(dest)
    try:
        folder = stage / "media"
        folder.mkdir()
        tracks: dict[str, str] = {}
        for c in chapters:
            _place(c.clip, folder / f"{c.stem}.mp4")
            _place(c.still, folder / f"{c.stem}.png")
            tracks[f"{c.stem}.vtt"] = captions.format_vtt(c.cues)
            tracks[f"{c.stem}.descriptions.vtt"] = captions.format_vtt(c.descriptions)
        _place(video, folder / video.name)
        tracks["jacobian_lecture.vtt"] = captions.format_vtt(captions.read_cues(lecture_srt))
        shifted = [Cue(d.start + c.start, d.end + c.start, d.text) for c in chapters for d in c.descriptions]
        tracks["jacobian_lecture.descriptions.vtt"] = captions.format_vtt(shifted)
        tracks["chapters.vtt"] = captions.format_vtt(captions.chapter_cues(
            [c.entry.title for c in chapters], [c.start for c in chapters], total))
        for name, text in tracks.items():  # the same tracks as files, for players and platforms that take files
            (folder / name).write_text(text, encoding="utf-8")
        size = make_thumbnail([c.still for c in chapters], title, folder / "thumbnail.png")
        (stage / "index.html").write_text(_page_html(title, summary, chapters, total, size,
                                                     f"media/{video.name}", tracks), encoding="utf-8")
        (stage / "transcript.html").write_text(_transcript_page(title, chapters, total), encoding="utf-8")
        (stage / "transcript.txt").write_text(_transcript_plain(title, chapters, total), encoding="utf-8")
        _swap_in(stage, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return dest / "index.html"


# ---------------------------------------------------------------------------------------------- upload kit
def description_text(title: str, summary: str, chapters: Sequence[Chapter], total: float) -> str:
    """YouTube's description: the title, the summary, then one ``M:SS Title`` line per chapter (the first at
    0:00; YouTube turns the list into chapters when there are at least three, each at least 10 s long)."""
    long_form = total >= 3600
    lines = [f"{captions.youtube_time(c.start, long_form)} {c.entry.title}" for c in chapters]
    return f"{title}\n\n{summary}\n\nChapters:\n" + "\n".join(lines) + "\n\nCaptions: English (jacobian_lecture.srt).\n"


def build_upload_kit(chapters: Sequence[Chapter], video: Path, lecture_srt: Path, total: float, title: str,
                     summary: str, dest: Path) -> Path:
    """Write the upload kit folder ``dest`` (see the module docstring); returns its ``description.txt``."""
    stage = _staging(dest)
    try:
        (stage / "description.txt").write_text(description_text(title, summary, chapters, total), encoding="utf-8")
        make_thumbnail([c.still for c in chapters], title, stage / "thumbnail.png")
        shutil.copyfile(lecture_srt, stage / "jacobian_lecture.srt")
        (stage / "jacobian_lecture.vtt").write_text(captions.format_vtt(captions.read_cues(lecture_srt)),
                                                    encoding="utf-8")
        (stage / "video.txt").write_text(f"{video.resolve()}\n", encoding="utf-8")
        _swap_in(stage, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return dest / "description.txt"


# ---------------------------------------------------------------------------------------------- thumbnail
def _font(size: int):
    from PIL import ImageFont

    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def title_lines(title: str, width: int) -> tuple[list[str], object]:
    """``title`` on one line, else on two balanced lines, in the largest font from ``THUMBNAIL_TITLE_PX`` down
    that fits ``width`` pixels (never below ``MIN_THUMBNAIL_TITLE_PX``); returns the lines and the font."""
    words = title.split()
    for size in range(THUMBNAIL_TITLE_PX, MIN_THUMBNAIL_TITLE_PX - 1, -4):
        font = _font(size)
        candidates = [[title]] + [[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
        fitting = [lines for lines in candidates if max(font.getlength(line) for line in lines) <= width]
        if fitting:
            return min(fitting, key=lambda lines: (len(lines), max(font.getlength(line) for line in lines))), font
    raise LectureError(f"the title {title!r} does not fit the thumbnail at {MIN_THUMBNAIL_TITLE_PX} px; shorten it")


def make_thumbnail(stills: Sequence[Path], title: str, dest: Path) -> tuple[int, int]:
    """A 1280x720 PNG: up to four of the scenes' stills tiled and dimmed behind a band with the title in white
    (contrast above 10:1 on the band); returns the stills' size (width, height) for the page's video boxes."""
    from PIL import Image, ImageDraw, ImageEnhance

    width, height = THUMBNAIL_SIZE
    canvas = Image.new("RGB", (width, height), "#10141c")
    images = [Image.open(p).convert("RGB") for p in stills]
    size = images[0].size if images else (width, height)
    picks = images if len(images) <= 4 else [images[round(i * (len(images) - 1) / 3)] for i in range(4)]
    tiles = 1 if len(picks) == 1 else 2
    tile_w, tile_h = width // tiles, height // tiles
    for i, image in enumerate(picks[:tiles * tiles]):
        tile = image.resize((tile_w, tile_h), Image.Resampling.LANCZOS)
        canvas.paste(ImageEnhance.Brightness(tile).enhance(0.55), ((i % tiles) * tile_w, (i // tiles) * tile_h))
    lines, font = title_lines(title, width - 120)
    draw = ImageDraw.Draw(canvas, "RGBA")
    line_h = font.size * 1.2
    band_h = int(line_h * len(lines) + 80)
    top = (height - band_h) // 2
    draw.rectangle((0, top, width, top + band_h), fill=(12, 15, 22, 235))
    y = top + 40
    for line in lines:
        draw.text((width / 2, y + line_h / 2), line, font=font, fill="#ffffff", anchor="mm")
        y += line_h
    with media.atomic_path(dest) as tmp:
        canvas.save(tmp, format="PNG", optimize=True)
        if tmp.stat().st_size >= THUMBNAIL_MAX_BYTES:  # a busy collage: 256 colours keep it small
            canvas.quantize(256).save(tmp, format="PNG", optimize=True)
    return size
