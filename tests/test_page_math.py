"""Math a screen reader can read, everywhere on the course page (issue #29): every chapter's key formula and
every formula in the transcripts (narration and descriptions, as the scenes write them) is MathML with a
plain-text ``alttext``; no formula is left as plain characters or raw TeX outside a ``<math>`` element.

The lecture's text is read from the scenes' source (each ``caption(text, ..., shows=...)``; in f-strings every
placeholder stands for a number), so no render is needed."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lecture import page
from lecture.captions import Cue
from lecture.mathml import MATH_MARKS, formula_runs, inline_math, text_with_math
from lecture.storyboard import STORYBOARD

ROOT = Path(__file__).resolve().parent.parent
NO_FORMULA = {"MLOutlook"}  # the closing list: names and words, no formula


def _literal(node: ast.expr) -> str | None:
    """A string argument's text; an f-string's placeholders as a number; None for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "0.25" for v in node.values)
    return None


def scene_texts(entry) -> tuple[list[str], list[str]]:
    """The said and the shown strings of a scene's ``caption`` calls."""
    said, shown = [], []
    for node in ast.walk(ast.parse((ROOT / entry.path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "caption" and node.args:
            if (text := _literal(node.args[0])) is not None:
                said.append(text)
            for kw in node.keywords:
                if kw.arg == "shows" and (text := _literal(kw.value)) is not None:
                    shown.append(text)
    return said, shown


def lecture_chapters() -> list[page.Chapter]:
    chapters = []
    for number, entry in enumerate(STORYBOARD, start=1):
        said, shown = scene_texts(entry)
        chapters.append(page.Chapter(
            number, entry, Path(f"{entry.cls}.mp4"), Path(f"{entry.cls}.png"), 10.0 * number, 10.0, (),
            tuple(Cue(i, i + 1, text) for i, text in enumerate(shown)),
            tuple(page.TranscriptLine(i + 0.5, "narration", text) for i, text in enumerate(said))))
    return chapters


class MathPage(HTMLParser):
    """Per chapter section: its ``<math>`` elements (source text) and its text outside them."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.section: str | None = None
        self.depth = 0
        self.maths: dict[str | None, list[str]] = {}
        self.outside: dict[str | None, list[str]] = {}
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id") or a.get("aria-labelledby")
        if tag == "math":
            self.depth += 1
            assert a.get("alttext", "").strip(), "a <math> without its plain text"
            self.maths.setdefault(self.section, []).append(a["alttext"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "math":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.outside.setdefault(self.section, []).append(data)


def _math_elements(source: str) -> list[str]:
    found, at = [], 0
    while (start := source.find("<math", at)) >= 0:
        end = source.index("</math>", start) + len("</math>")
        found.append(source[start:end])
        at = end
    return found


def _pages() -> list[tuple[str, str]]:
    chapters = lecture_chapters()
    names = [f"{c.stem}{kind}" for c in chapters for kind in (".vtt", ".descriptions.vtt")]
    tracks = dict.fromkeys([*names, "jacobian_lecture.vtt", "jacobian_lecture.descriptions.vtt", "chapters.vtt"],
                           "WEBVTT\n\n")
    index = page._page_html("The Jacobian", "A lecture.", chapters, 200.0, (640, 360), "media/lecture.mp4", tracks)
    return [("index.html", index), ("transcript.html", page._transcript_page("The Jacobian", chapters, 200.0))]


# ------------------------------------------------------------------------------------------------ units
@pytest.mark.parametrize(("text", "formulas"), [
    ("its largest stretch σ₁.", ["σ₁"]),
    ("The penalty formula and ‖J‖²_F = σ₁² + σ₂² are written", ["‖J‖²_F = σ₁² + σ₂²"]),
    ("the heading ∂y/∂x = Jᵀe for the chosen pixel", ["∂y/∂x = Jᵀe"]),
    ("builds the model f(x) = wᵀφ(x).", ["f(x) = wᵀφ(x)"]),
    ("at θ a small square with arrows e₁ and e₂", ["θ", "e₁", "e₂"]),
    ("a model y = tanh(Wx + b) predicts", ["y = tanh(Wx + b)"]),
    ("limit 2/λₘₐₓ = 0.01 at the fit (λₘₐₓ the loss's largest curvature)", ["2/λₘₐₓ = 0.01", "λₘₐₓ"]),
    ("vectors v₁ and v₂) σ₂ is 0", ["v₁", "v₂", "σ₂"]),
    ("A square is drawn and filled, in a second.", []),
])
def test_formulas_are_found_in_running_text(text: str, formulas: list[str]) -> None:
    assert [text[a:b] for a, b in formula_runs(text)] == formulas


def test_inline_math_is_well_formed_mathml_with_its_text() -> None:
    math = ET.fromstring(inline_math("‖J‖²_F = σ₁² + σ₂²"))
    assert math.tag == "math" and math.get("alttext") == "‖J‖²_F = σ₁² + σ₂²"
    first = math[0][0]
    assert first.tag == "msubsup" and [c.tag for c in first] == ["mrow", "mi", "mn"]
    assert ET.fromstring(inline_math("σ₁"))[0][0].tag == "msub"
    assert text_with_math("fish & chips, <b>no</b>") == "fish &amp; chips, &lt;b&gt;no&lt;/b&gt;"  # escaped
    assert text_with_math("a < b") == inline_math("a < b")  # a relation between names is a formula


# ----------------------------------------------------------------------------------- the lecture's pages
def test_every_chapter_has_its_formulas_as_mathml_and_no_formula_text_outside() -> None:
    chapters = lecture_chapters()
    for name, source in _pages():
        parsed = MathPage(source)
        for element in _math_elements(source):
            ET.fromstring(element)  # well-formed MathML (a parse error fails the test)
        for c in chapters:
            key = c.anchor if name == "index.html" else f"{c.anchor}-title"
            lines = [line.text for line in (*c.narration, *(page.TranscriptLine(0, "d", d.text)
                                                            for d in c.descriptions))]
            has_formula = c.entry.cls in page.FORMULAS or any(formula_runs(line) for line in lines)
            assert has_formula == (c.entry.cls not in NO_FORMULA), (name, c.entry.cls)
            if has_formula:
                assert parsed.maths.get(key), f"{name}: {c.entry.cls} shows formulas but no <math>"
            text = "".join(parsed.outside.get(key, []))
            left = sorted({w for w in text.split() if set(w) & MATH_MARKS})
            assert left == [], f"{name}: {c.entry.cls} has formula text outside MathML: {left}"
            assert "\\" not in text and "^{" not in text, f"{name}: {c.entry.cls} has raw TeX"
        assert "\\" not in source and "^{" not in source, name


def test_every_key_formula_has_its_plain_text() -> None:
    assert set(page.FORMULAS) == set(page.FORMULA_TEXT)
    assert {e.cls for e in STORYBOARD} - set(page.FORMULAS) == NO_FORMULA
    for cls in page.FORMULAS:
        ET.fromstring(f"<math>{page.FORMULAS[cls]}</math>".replace("&#x", "&amp;#x"))
