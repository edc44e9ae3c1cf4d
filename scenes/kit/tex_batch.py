"""Compile many of Manim's formula files with one ``latex`` run and one ``dvisvgm`` run (no Manim import).

Manim compiles each formula on its own: one ``latex`` and one ``dvisvgm`` process, about 0.2 s a formula
here, so a scene with 30 formulas spends 6 s in TeX on its first render.  Most of that is each process's
start (the format, the preamble's packages, the fonts).  :func:`compile_batch` takes the formulas' full
documents as Manim makes them (one per formula, its SVG named by the hash of its text), puts the bodies of
those sharing a preamble into one document of ``standalone``'s multi-page preview mode (each formula its own
page, typeset exactly as in its own document), runs ``latex`` and ``dvisvgm --page=1-`` once, in a work
folder beside Manim's TeX folder, and publishes page k as formula k's ``<hash>.svg``, where Manim looks
before compiling.  The SVGs differ from Manim's own only in the ids of the page and of the glyph definitions
(``tests/test_tex_batch.py`` compares the parsed outlines).

Only documents of Manim's ``latex`` + DVI templates with ``\\documentclass[preview]{standalone}`` are
batched; anything else, and any formula of a batch that fails, is left to Manim, which compiles it alone
(and reports its TeX error as usual).  The result is published only when the page count matches the
formula count, each file atomically, so a reader never sees a wrong or half-written SVG.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["BATCHABLE_CLASS", "compile_batch", "glyph_bound", "placeholder_svg", "split_document"]

BATCHABLE_CLASS = r"\documentclass[preview]{standalone}"
_MULTI_CLASS = "\\documentclass[preview,multi=jacobianformula]{standalone}\n\\newenvironment{jacobianformula}{}{}"
_BEGIN, _END = r"\begin{document}", r"\end{document}"
_PAGE = re.compile(r"^p0*(\d+)\.svg$")
_OPEN = re.compile(r"\\special\{dvisvgm:raw <g id='([^']+)'>\}")
_CLOSE = re.compile(r"\\special\{dvisvgm:raw </g>\}")
_MARK = re.compile(r"(\\special\{dvisvgm:raw (?:<g id='[^']+'>|</g>)\})")
_ENV = re.compile(r"\\(?:begin|end)\{([^}]*)\}")
_TOKEN = re.compile(r"\\(?:begin|end)\{[^}]*\}|\\[A-Za-z]+|\\.|.", re.S)
_DISPLAY_ENVS = {"align", "equation", "gather", "multline", "center", "flushleft", "flushright", "aligned"}
_STRETCHED = {"\\left", "\\right", "\\sqrt", "\\big", "\\Big", "\\bigg", "\\Bigg"}
_NO_GLYPH = {"{", "}", "^", "_", "&", "~", "\\\\", "\\,", "\\;", "\\:", "\\!", "\\ ",
             "\\text", "\\mathrm", "\\mathbf", "\\mathit", "\\mathcal", "\\operatorname", "\\displaystyle",
             "\\quad", "\\qquad"}
TIMEOUT_S = 120.0


def split_document(source: str) -> tuple[str, str] | None:
    """(preamble, body) of one of Manim's formula documents, or None when it is not batchable (another
    document class, no ``document`` environment)."""
    preamble, begin, rest = source.partition(_BEGIN)
    body, end, _ = rest.rpartition(_END)
    if not begin or not end or not preamble.lstrip().startswith(BATCHABLE_CLASS):
        return None
    return preamble, body


def compile_batch(formulas: Sequence[tuple[str, Path]], latex: str = "latex") -> list[Path]:
    """Compile ``formulas``, pairs of (a formula's full document as Manim writes it, the SVG file Manim
    reads it from), one ``latex`` + ``dvisvgm`` run per distinct preamble; returns the SVGs written.
    Formulas whose SVG exists, or that cannot be batched, are skipped; a batch that fails publishes nothing
    (Manim then compiles its formulas one by one)."""
    groups: dict[str, list[tuple[Path, str]]] = {}
    for document, svg in dict(((d, Path(p)) for d, p in formulas)).items():
        parts = split_document(document)
        if parts is not None and not svg.exists():
            groups.setdefault(parts[0], []).append((svg, parts[1]))
    written: list[Path] = []
    for preamble, members in groups.items():
        written += _compile_group(preamble, members, latex)
    return written


def _compile_group(preamble: str, members: list[tuple[Path, str]], latex: str) -> list[Path]:
    tex_dir = members[0][0].parent
    tex_dir.mkdir(parents=True, exist_ok=True)
    head = preamble.replace(BATCHABLE_CLASS, _MULTI_CLASS, 1)
    pages = "".join(f"\\begin{{jacobianformula}}{body}\\end{{jacobianformula}}\n" for _, body in members)
    # beside the TeX folder, not in it: Manim's clean-up deletes every non-SVG file in the TeX folder
    work = Path(tempfile.mkdtemp(prefix=f".{tex_dir.name}-batch-", dir=tex_dir.parent))
    try:
        (work / "batch.tex").write_text(f"{head}{_BEGIN}\n{pages}{_END}\n", encoding="utf-8")
        quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
                 "cwd": work, "timeout": TIMEOUT_S}
        subprocess.run([latex, "-interaction=batchmode", "-halt-on-error", "batch.tex"], check=True, **quiet)
        subprocess.run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0", "--output=p%p.svg", "batch.dvi"],
                       check=True, **quiet)
        svgs = {int(m.group(1)): p for p in work.iterdir() if (m := _PAGE.match(p.name))}
        if sorted(svgs) != list(range(1, len(members) + 1)):
            return []  # a formula made no page (or two): the pages cannot be matched to the formulas
        written = []
        for k, (dest, _) in enumerate(members, start=1):
            os.replace(svgs[k], dest)  # same file system: atomic
            written.append(dest)
        return written
    except (OSError, subprocess.SubprocessError):
        return []
    finally:
        shutil.rmtree(work, ignore_errors=True)


def glyph_bound(tex: str) -> int:
    """An upper estimate of the glyphs ``tex`` typesets, so that indexing the glyphs of a stand-in works as
    often as it can, with few more outlines than the real formula: one per character and per command,
    none for braces, scripts, alignment and spacing; a stretched delimiter (``\\left``, ``\\sqrt``, a
    matrix environment's brackets) can be several pieces."""
    count = 0
    for token in _TOKEN.findall(tex):
        if m := _ENV.fullmatch(token):
            count += 0 if m.group(1).rstrip("*") in _DISPLAY_ENVS else 3
        elif token in _STRETCHED:
            count += 3
        elif token not in _NO_GLYPH and not token.isspace():
            count += 1
    return count


def placeholder_svg(source: str) -> str:
    """A stand-in SVG for the formula document ``source``, for a pass that only needs to know which
    formulas a scene makes: the ``<g id='...'>`` groups MathTex marks with ``\\special``, nested as in the
    source, each with :func:`glyph_bound` small squares for the text between the marks."""
    parts = split_document(source)
    body = parts[1] if parts else source
    out = ["<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 10' width='100pt' height='10pt'>", "<g>"]
    x = 0
    for token in _MARK.split(body):
        if m := _OPEN.fullmatch(token):
            out.append(f"<g id='{m.group(1)}'>")
        elif _CLOSE.fullmatch(token):
            out.append("</g>")
        else:
            for _ in range(glyph_bound(token)):
                out.append(f"<path d='M{x} 0h0.8v0.8h-0.8z'/>")
                x += 1
    if x == 0:
        out.append("<path d='M0 0h0.8v0.8h-0.8z'/>")
    out += ["</g>", "</svg>"]
    return "\n".join(out)
