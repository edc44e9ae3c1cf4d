"""Who narrates a scene: the interface a :class:`~scenes.kit.scene.LectureScene` talks to, a silent default,
and the one place that says which narrator a scene gets.

The kit knows no voice.  A scene asks :func:`narrator_for` for its narrator when it is set up; that is, in
order:

- the factory the running process installed with :func:`use_narrator` (the preview does this; so can a
  test);
- else the factory ``$JACOBIAN_NARRATOR`` names as ``module:attribute`` (the lecture command sets it for
  its ``manim`` processes to ``narration.narrator:for_scene``, which reads ``$JACOBIAN_VOICE``); for plain
  ``manim``: ``JACOBIAN_NARRATOR=narration.narrator:for_scene JACOBIAN_VOICE=joe manim ...``;
- else a :class:`SilentNarrator`: the written timings, captions for Manim's .srt, nothing written.

A factory is called with the scene's class name and returns an object with the methods of
:class:`SilentNarrator`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["ENV_VAR", "Narrator", "NarratorError", "Said", "SilentNarrator", "narrator_for", "use_narrator"]

ENV_VAR = "JACOBIAN_NARRATOR"


class NarratorError(RuntimeError):
    """``$JACOBIAN_NARRATOR`` names no usable factory."""


@dataclass(frozen=True)
class Said:
    """What became of a beat's caption: ``seconds`` of speech from its start, None when nothing is said."""

    seconds: float | None


class Narrator(Protocol):
    """What a scene asks of its narrator (see :class:`SilentNarrator` for the meaning of each member)."""

    speaks: bool
    plan: dict[int, float]
    undescribed: list[str]

    def say(self, beat_id: str, beat: int, text: str, start: float, spoken: str | None = None) -> Said: ...

    def describe(self, beat: int, start: float, text: str) -> None: ...

    def write(self, beats: int, beat_ends: list[float]) -> object: ...


class SilentNarrator:
    """Says nothing, keeps nothing: a scene keeps its written run times.

    ``speaks``: whether beats are timed to speech; ``plan``: for each captioned beat, the seconds it runs after
    its caption in a silent run (empty: the caption's own ``seconds``); ``undescribed``: the ids of beats that
    showed something without saying what (set by the scene at its end)."""

    speaks = False

    def __init__(self, scene: str = "") -> None:
        self.scene = scene
        self.plan: dict[int, float] = {}
        self.undescribed: list[str] = []

    def say(self, beat_id: str, beat: int, text: str, start: float, spoken: str | None = None) -> Said:
        """The narration of beat ``beat`` (id ``beat_id``), caption ``text``, from ``start`` s: silence."""
        return Said(None)

    def describe(self, beat: int, start: float, text: str) -> None:
        """What beat ``beat`` shows from ``start`` s, in words: not kept."""

    def write(self, beats: int, beat_ends: list[float]) -> None:
        """The scene's record (``beats`` beats, each beat's end in scene time): none."""


Factory = Callable[[str], Narrator]
_installed: Factory | None = None


def use_narrator(factory: Factory | None) -> Factory | None:
    """Make every scene set up in this process from now on ask ``factory`` (None: back to the default); returns
    the factory it replaces."""
    global _installed
    previous, _installed = _installed, factory
    return previous


def _from_env(spec: str) -> Factory:
    module_name, _, attr = spec.partition(":")
    try:
        factory = importlib.import_module(module_name)
        for part in attr.split("."):
            factory = getattr(factory, part)
    except (ImportError, AttributeError, ValueError) as exc:
        raise NarratorError(f"${ENV_VAR}={spec}: cannot load the narrator ({exc}); "
                            "use module:attribute, e.g. narration.narrator:for_scene") from None
    if not attr or not callable(factory):
        raise NarratorError(f"${ENV_VAR}={spec}: not a callable module:attribute, "
                            "e.g. narration.narrator:for_scene")
    return factory


def narrator_for(scene: str) -> Narrator:
    """The narrator of scene class ``scene`` in this process (see the module's docstring)."""
    if _installed is not None:
        return _installed(scene)
    spec = os.environ.get(ENV_VAR, "").strip()
    if spec:
        return _from_env(spec)(scene)
    return SilentNarrator(scene)
