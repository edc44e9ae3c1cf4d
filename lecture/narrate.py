"""The lecture's narration, on the side of the lecture command: the ``--voice`` choice, what of it goes into
the clips' stamps, the recordings check, the audio track of the joined lecture and the narration script.

The scenes speak (see :mod:`scenes.kit.scene`); each leaves a record ``<Scene>.narration.json`` beside its
clip with every beat's utterance, start and audio file (:mod:`narration.narrator`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lecture.errors import MediaError, UsageError
from lecture.media import encode_audio
from lecture.storyboard import SceneEntry
from narration import NarrationError, Voice, parse_voice
from narration.audio import RATE, decode
from narration.narrator import read_record, record_path
from narration.synth import SETTINGS, Synthesiser, file_digest, piper_version
from narration.track import CEILING_DBTP, Placed, mix, normalise, true_peak_dbtp
from scenes.kit.beats import scene_beat_id


def choose_voice(spec: str) -> Voice:
    """``--voice``: a known voice, or one line saying why not (exit status 2).  A recordings folder is read
    whole here: an unreadable or corrupt file stops the render before anything is rendered."""
    try:
        voice = parse_voice(spec)
        for path in voice.recordings():
            decode(path)
        if voice.speaks:
            piper_version()
    except NarrationError as exc:
        raise UsageError(f"--voice: {exc}") from None
    return voice


def fingerprint(voice: Voice) -> str:
    """What of the voice decides the clips (their timing follows the speech): the voice files, Piper's version,
    its synthesis settings and every recording's bytes.  Empty for the silent voice, so silent stamps stay as
    they were."""
    if not voice.speaks:
        return ""
    parts = [voice.kind, file_digest(voice.model), file_digest(voice.config), piper_version(), SETTINGS]
    parts += [f"{p.name}:{file_digest(p)}" for p in voice.recordings()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def presynthesise(voice: Voice, plan_records: Sequence[dict]) -> dict[str, dict[str, Path]]:
    """Synthesise, in one Piper process, every beat the plan records (a silent run's) will speak with the
    synthetic voice and that is not cached yet; returns per scene its speech files by their path in the cache.

    Besides being faster than one Piper process per beat, this synthesises each beat once for every process
    that renders part of a scene (the speech itself is deterministic: :data:`narration.synth.SETTINGS`)."""
    if not voice.speaks:
        return {}
    synth = Synthesiser(voice.model, voice.config)
    wanted = {r["scene"]: [u["spoken"] for u in r["utterances"] if voice.recording(u["id"]) is None]
              for r in plan_records}
    texts = list(dict.fromkeys(t for scene in wanted.values() for t in scene))
    try:
        paths = dict(zip(texts, synth.speak_many(texts), strict=True))
    except NarrationError as exc:
        raise MediaError(str(exc)) from None
    return {scene: {str(paths[t].relative_to(synth.cache)): paths[t] for t in spoken}
            for scene, spoken in wanted.items()}


def records(entries: Sequence[SceneEntry], clip_dir: Path) -> list[dict]:
    """The narration records of ``entries``' clips, in order."""
    out = []
    for entry in entries:
        path = record_path(clip_dir, entry.cls)
        if not path.is_file():
            raise MediaError(f"{entry.cls}: its clip has no narration record ({path.name}); re-render it with --force")
        try:
            out.append(read_record(path))
        except NarrationError as exc:
            raise MediaError(str(exc)) from None
    return out


FADE_IN_SECONDS = 0.05
LIMITS_DBFS = (-2.0, -3.0, -4.0, -5.0, -6.0)  # limiter ceilings tried until the encoded peak is low enough


def track(scene_records: Sequence[dict], starts: Sequence[float], total: float, fmt: str, dest: Path) -> None:
    """The lecture's sound, encoded for ``fmt`` into the audio-only file ``dest``: every utterance at its
    scene's start plus its start in the scene, mixed, loudness-normalised and ``total`` seconds long, with a
    true peak under ``CEILING_DBTP`` as encoded (measured by decoding ``dest``)."""
    placed = [Placed(start + u["start"], Path(u["file"]))
              for record, start in zip(scene_records, starts, strict=True)
              for u in record["utterances"] if u["file"]]
    gone = [p.path for p in placed if not p.path.is_file()]
    if gone:
        raise MediaError(f"{len(gone)} speech file(s) of the rendered clips are gone, e.g. {gone[0]} (was the "
                         f"speech cache cleared?); render again with --force")
    try:
        mixed = mix(placed, total)
        # AAC's first frames overshoot a loud start (measured: +0.1 dBTP encoded from -2.0 in the PCM when the
        # first word starts at 0 s); a 50 ms fade-in at the very start brings it back to -1.45
        lead = min(mixed.size, round(FADE_IN_SECONDS * RATE))
        mixed[:lead] *= np.linspace(0.0, 1.0, lead, dtype=np.float32)
        for limit in LIMITS_DBFS:
            encode_audio(normalise(mixed, limit_dbfs=limit), dest, fmt)
            peak = true_peak_dbtp(decode(dest))
            if peak <= CEILING_DBTP:
                return
    except NarrationError as exc:
        raise MediaError(str(exc)) from None
    raise MediaError(f"the narration's encoded true peak stays at {peak:.1f} dBTP, above {CEILING_DBTP} dBTP")


# a take named the way it was before beat ids: <Scene>-<NN>-<guessed name> (RBFJacobian-03-show_probe.wav)
NUMBERED_TAKE = re.compile(r"(?P<scene>[A-Za-z_]\w*)-(?P<number>\d+)-(?P<name>.+)\Z")


def stray_recordings(voice: Voice, beats: dict[str, list[str]]) -> list[str]:
    """For a recordings folder, before rendering: warning lines naming the recordings that match no beat of
    ``beats`` (each scene's beat ids; the whole storyboard): one for takes named the old way, by beat number,
    saying what to rename each to (the beat of that name, else of that number), one for the others (e.g. after
    a beat was renamed).  Such takes are ignored; nothing stops the render."""
    if voice.kind != "recordings":
        return []
    ids = {scene_beat_id(scene, beat) for scene, scene_beats in beats.items() for beat in scene_beats}
    present = {p.stem for p in voice.recordings()}
    renames, stray = [], []
    for path in voice.recordings():
        if path.stem in ids:
            continue
        old = NUMBERED_TAKE.match(path.stem)
        scene_beats = beats.get(old["scene"], []) if old else []
        beat = None
        if old and old["name"] in scene_beats:
            beat = old["name"]
        elif old and 1 <= int(old["number"]) <= len(scene_beats):
            beat = scene_beats[int(old["number"]) - 1]
        new = scene_beat_id(old["scene"], beat) if beat else None
        if new is not None and new not in present:
            renames.append(f"{path.name} to {new}{path.suffix}")
        else:
            stray.append(path.name)
    lines = []
    if renames:
        lines.append(f"warning: {len(renames)} recording(s) in {voice.folder} are named by beat number, as before "
                     f"beat ids (ignored): rename {', '.join(renames)}")
    if stray:
        lines.append(f"warning: {len(stray)} recording(s) in {voice.folder} match no beat of the lecture (ignored; "
                     f"scripts/render script lists the beat ids): {', '.join(stray)}")
    return lines


def recordings_report(voice: Voice, scene_records: Sequence[dict]) -> list[str]:
    """For a recordings folder: one line on which beats used a recording and which fell back to the
    synthetic voice (the recordings that match no beat are named before rendering: :func:`stray_recordings`)."""
    if voice.kind != "recordings":
        return []
    said = [u for r in scene_records for u in r["utterances"]]
    used = [u["id"] for u in said if u["source"] == "recording"]
    fallback = [u["id"] for u in said if u["source"] != "recording"]
    return [f"recordings: {len(used)} of {len(said)} beats from {voice.folder}"
            + (f"; synthetic voice for {len(fallback)}: {', '.join(fallback)}" if fallback else "")]


def format_script(entries: Sequence[SceneEntry], scene_records: Sequence[dict]) -> str:
    """The narration script to record from (markdown): per scene, each beat's id, the file name a recording
    of it takes, the caption and what the voice says."""
    lines = ["# Narration script", "",
             "Record one file per beat, named by its id (`<id>.wav`, `.flac` or `.mp3`), and render with",
             "`scripts/render --voice <folder>`.  Beats without a recording keep the synthetic voice.", ""]
    for entry, record in zip(entries, scene_records, strict=True):
        lines += [f"## {entry.title} ({entry.cls})", ""]
        for u in record["utterances"]:
            lines += [f"### `{u['id']}`", "", u["text"], ""]
            if u["spoken"] != u["text"]:
                lines += [f"> say: {u['spoken']}", ""]
    return "\n".join(lines)
