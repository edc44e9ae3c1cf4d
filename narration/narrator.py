"""One scene's narration: the speech of each beat, its length, and the record the lecture mixes from.

A scene asks :meth:`Narrator.say` once per beat, when the beat starts; the answer says how long the speech
lasts (``None`` when the voice is silent) so the scene can stretch the beat to it.  :meth:`Narrator.write`
leaves ``<Scene>.narration.json`` in ``$JACOBIAN_NARRATION_OUT`` (when set): every utterance with its start
in the scene (seconds), its length, text, spoken form and audio file, and the time at which each beat ended.

The record of a silent run is the *plan* of a narrated one (``$JACOBIAN_BEAT_PLAN``): it says how long each
beat runs after its caption with the written run times, so the narrated run knows by how much to stretch
them (:func:`planned_seconds`).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from narration.audio import duration
from narration.errors import NarrationError
from narration.rules import caption_problems
from narration.spoken import spoken_form
from narration.synth import Synthesiser
from narration.voices import Voice, voice_from_env

OUT_ENV = "JACOBIAN_NARRATION_OUT"
PLAN_ENV = "JACOBIAN_BEAT_PLAN"


@dataclass(frozen=True)
class Utterance:
    """The narration of one beat: ``start`` and ``seconds`` in scene time (``seconds`` is None when
    silent); ``source`` is ``synthetic``, ``recording`` or ``none``."""

    id: str
    beat: int
    text: str
    spoken: str
    start: float
    seconds: float | None
    file: str | None
    source: str


class Narrator:
    """Speech for the beats of scene ``scene`` in ``voice``: what a scene's ``narrator`` is in the lecture
    (:func:`for_scene`; the kit's interface is ``scenes.kit.narrator.Narrator``).  ``plan``: for each
    captioned beat, the seconds it runs after its caption in the silent run (see :func:`planned_seconds`)."""

    def __init__(self, voice: Voice, scene: str, plan: dict[int, float] | None = None) -> None:
        self.voice, self.scene = voice, scene
        self.plan: dict[int, float] = dict(plan or {})
        self.utterances: list[Utterance] = []
        self.descriptions: list[dict] = []  # what each beat shows, in words: {"beat", "start", "text"}
        self.undescribed: list[str] = []  # ids of beats that showed something and said nothing of it
        self._synth = Synthesiser(voice.model, voice.config) if voice.speaks else None

    @property
    def speaks(self) -> bool:
        """Whether the beats are timed to speech (a synthetic voice or recordings)."""
        return self.voice.speaks

    def say(self, beat_id: str, beat: int, text: str, start: float, spoken: str | None = None) -> Utterance:
        """The narration of beat ``beat`` (id ``beat_id``) starting at ``start`` s: the creator's recording
        when there is one, else the synthetic voice (or silence)."""
        unsayable = [p for p in caption_problems(text, spoken) if p.rule == "unsayable"]  # narration.rules
        spoken = spoken_form(spoken if spoken is not None else text)
        if unsayable and self.voice.speaks:
            raise NarrationError(f"{beat_id}: the spoken form has characters a voice cannot read "
                                 f"({unsayable[0].found!r}): {spoken!r}; pass spoken= to caption()")
        recording = self.voice.recording(beat_id)
        if recording is not None:
            path, source = recording, "recording"
        elif self._synth is not None:
            path, source = self._synth.speak(spoken), "synthetic"
        else:
            path, source = None, "none"
        seconds = duration(path) if path is not None else None
        if seconds is not None and seconds <= 0:
            raise NarrationError(f"{path}: the audio is empty")
        utterance = Utterance(beat_id, beat, text, spoken, start, seconds, str(path) if path else None, source)
        self.utterances.append(utterance)
        return utterance

    def describe(self, beat: int, start: float, text: str) -> None:
        """Record what beat ``beat`` shows from ``start`` s, in words (the course page's descriptions)."""
        self.descriptions.append({"beat": beat, "start": start, "text": text})

    def write(self, beats: int, beat_ends: list[float], folder: Path | None = None) -> Path | None:
        """Write the record (the scene's number of beats and the scene time at which each ended) to ``folder``
        (default ``$JACOBIAN_NARRATION_OUT``); returns its path, or None when there is nowhere to write."""
        folder = folder or (Path(os.environ[OUT_ENV]) if os.environ.get(OUT_ENV) else None)
        if folder is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        dest = record_path(folder, self.scene)
        record = {"scene": self.scene, "voice": self.voice.spec, "beats": beats, "beat_ends": beat_ends,
                  "utterances": [asdict(u) for u in self.utterances], "descriptions": self.descriptions,
                  "undescribed": self.undescribed}
        tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, dest)
        return dest


def for_scene(scene: str) -> Narrator:
    """The narrator of scene class ``scene`` in a lecture's ``manim`` process: the voice ``$JACOBIAN_VOICE``
    names, with the plan ``$JACOBIAN_BEAT_PLAN`` names when it speaks.  The lecture command names this
    function in ``$JACOBIAN_NARRATOR`` (``scenes.kit.narrator``), so the scenes need not import this package."""
    voice = voice_from_env()
    return Narrator(voice, scene, plan_from_env() if voice.speaks else None)


def record_path(folder: Path, scene: str) -> Path:
    """Where the narration record of ``scene`` lies in ``folder`` (a scene's Manim folder or the clips)."""
    return Path(folder) / f"{scene}.narration.json"


def planned_seconds(record: dict) -> dict[int, float]:
    """From a silent run's record: for each captioned beat, the seconds from its caption to its end."""
    ends = record["beat_ends"]
    return {u["beat"]: ends[u["beat"]] - u["start"] for u in record["utterances"] if u["beat"] < len(ends)}


def plan_from_env() -> dict[int, float]:
    """The plan ``$JACOBIAN_BEAT_PLAN`` names (empty when unset)."""
    path = os.environ.get(PLAN_ENV)
    return planned_seconds(read_record(Path(path))) if path else {}


def read_record(path: Path) -> dict:
    """A scene's narration record, as written by :meth:`Narrator.write`."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NarrationError(f"{path}: cannot read the narration record ({exc})") from None
