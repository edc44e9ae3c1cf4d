"""The rules every caption obeys, in one function: :func:`caption_problems`.

A caption is read on screen and said aloud, so it

- names no colour (colours are settings, and never the only cue: a caption says what a thing is, not its hue);
- shows no code syntax (it is written in Unicode math, see ``scenes/kit/text.py``: ``x²``, ``φ``, ``‖J‖``, not
  ``x**2``, ``phi``, ``||J||``, ``J_f``, ``W^T``);
- can be said: its spoken form (:func:`narration.spoken.spoken_form` of ``spoken=`` or of the caption) holds
  no character a voice cannot read (:func:`narration.spoken.unspeakable`), e.g. ``⊗``.

The narrator refuses an unsayable caption when a voice speaks; the preview (``lecture/preview.py``) prints a
warning for every broken rule; the tests check every caption of the lecture with this same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from narration.spoken import spoken_form, unspeakable

__all__ = ["CODE_SYNTAX", "COLOUR_WORDS", "CaptionProblem", "caption_problems"]

COLOUR_WORDS = re.compile(r"\b(blue|green|red|orange|white|yellow|purple|violet|grey|gray|black)\b", re.I)
CODE_SYNTAX = re.compile(r"\*\*|_[A-Za-z0-9{]|\^T|\b(phi|sigma|lambda)|\|\|")


@dataclass(frozen=True)
class CaptionProblem:
    """One broken rule: ``rule`` is ``colour``, ``code`` or ``unsayable``; ``found`` the offending text;
    ``spoken`` the spoken form (for ``unsayable``)."""

    rule: str
    found: str
    spoken: str = ""

    def __str__(self) -> str:
        if self.rule == "colour":
            return f"names a colour ({self.found!r}; colours are settings)"
        if self.rule == "code":
            return f"shows code syntax ({self.found!r}; write it in Unicode math)"
        return f"has characters a voice cannot say ({self.found!r}) in its spoken form {self.spoken!r}"


def caption_problems(text: str, spoken: str | None = None) -> list[CaptionProblem]:
    """The rules caption ``text`` (said as ``spoken`` when given) breaks, in the order above; empty when none."""
    problems = []
    if found := COLOUR_WORDS.search(text):
        problems.append(CaptionProblem("colour", found.group(0)))
    if found := CODE_SYNTAX.search(text):
        problems.append(CaptionProblem("code", found.group(0)))
    said = spoken_form(spoken if spoken is not None else text)
    if bad := unspeakable(said):
        problems.append(CaptionProblem("unsayable", bad, said))
    return problems
