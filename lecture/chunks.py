"""Split a scene's render at its beats: the chunks render side by side and join into the clip a whole render
makes.

A chunk (:class:`Piece`) renders beats ``first`` .. ``stop - 1`` of its scene (``$JACOBIAN_BEATS``, read by
``LectureScene``): every play before its first beat runs unrendered (Manim's own animation-number skipping,
as the beat preview does), so its state and its clock are exactly a whole render's, and the render ends after
its last beat.  Manim writes each play as its own partial movie and concatenates them, so a chunk's movie is
a run of the whole render's partial movies, and the chunks joined by stream copy (:func:`lecture.media.join_clips`)
decode to the whole render's frames.

Each chunk's ``.srt`` holds the cues that start in its beats, shifted to its start (milliseconds, rounded as
Manim rounds them, so shifting back is exact); its narration record is the scene's record up to its last beat
(the earlier beats ran unrendered).  :meth:`SceneWork.store` collects the chunks of a scene, wherever they were
rendered; with the last one it joins them and publishes the clip as a whole render would
(:func:`lecture.render.publish_outputs`): movie, captions, narration record, stamp.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from lecture import captions, media, render
from lecture.errors import MediaError, SceneFailedError, UsageError
from lecture.storyboard import SceneEntry
from narration.narrator import read_record, record_path
from scenes.kit.beats import BEATS_ENV

SPLIT_QUALITIES = ("high", "4k")  # --chunks auto splits only here: at 480p/720p a scene's start-up dominates


@dataclass(frozen=True)
class Piece:
    """Chunk ``index`` of ``count`` of scene ``scene``: its beats ``first`` .. ``stop - 1`` (0-based; ``stop``
    None: to the scene's end).  A scene in one piece is a whole render."""

    scene: str
    index: int = 0
    count: int = 1
    first: int = 0
    stop: int | None = None

    @property
    def name(self) -> str:
        return self.scene if self.count == 1 else f"{self.scene}.{self.index + 1}of{self.count}"

    def env(self) -> dict[str, str]:
        """What the scene process needs besides a whole render's environment."""
        if self.count == 1:
            return {}
        return {BEATS_ENV: f"{self.first}:{'' if self.stop is None else self.stop}"}


def split(weights: Sequence[float], count: int) -> list[tuple[int, int | None]]:
    """``count`` runs of consecutive beats (``weights``: each beat's seconds, or ones) of about equal weight:
    each cut at the beat end nearest to its share of the total, every run at least one beat."""
    beats = len(weights)
    count = max(1, min(count, beats))
    total = float(sum(weights)) or 1.0
    ends = [sum(weights[: i + 1]) for i in range(beats)]
    cuts: list[int] = []
    for k in range(1, count):
        lowest = (cuts[-1] if cuts else 0) + 1  # at least one beat in this run
        highest = beats - (count - k)  # and one for each run after it
        cuts.append(min(range(lowest, highest + 1), key=lambda c: abs(ends[c - 1] - total * k / count)))
    bounds = [0, *cuts]
    return [(first, cuts[i] if i < len(cuts) else None) for i, first in enumerate(bounds)]


def pieces(scene: str, weights: Sequence[float], count: int) -> list[Piece]:
    """The pieces of ``scene`` split into ``count`` chunks (fewer when it has fewer beats)."""
    runs = split(weights, count) if weights else [(0, None)]
    return [Piece(scene, i, len(runs), first, stop) for i, (first, stop) in enumerate(runs)]


def parse_chunks(spec: str) -> int | None:
    """``--chunks``: ``auto`` (None) or a number of chunks per scene."""
    if spec == "auto":
        return None
    if spec.isdigit() and int(spec) >= 1:
        return int(spec)
    raise UsageError(f"--chunks must be auto or a number of chunks per scene (1 or more), got {spec!r}")


def auto_counts(quality: str, seconds: dict[str, float], beats: dict[str, int], workers: int) -> dict[str, int]:
    """``--chunks auto``: how many chunks each scene gets.  Only at high and 4k with more than one worker, and
    only scenes longer than the average: each of those in about average-length chunks (at most one per
    worker and per beat), so the long scenes no longer finish last.  Elsewhere a scene's ~1-2 s of start-up
    (imports, LaTeX) per chunk costs more than splitting saves."""
    if quality not in SPLIT_QUALITIES or workers < 2 or not seconds:
        return {scene: 1 for scene in seconds}
    average = sum(seconds.values()) / len(seconds)
    return {scene: 1 if s <= average else max(1, min(workers, beats[scene], math.ceil(s / average)))
            for scene, s in seconds.items()}


def beat_seconds(record: dict) -> list[float]:
    """Each beat's seconds from a narration record (its ``beat_ends``; the last runs to the scene's end)."""
    ends = record["beat_ends"]
    return [b - a for a, b in zip([0.0, *ends[:-1]], ends, strict=True)][: max(1, record["beats"])]


# ------------------------------------------------------------------------------------ one chunk's output


def _ms(seconds: float) -> int:
    """Milliseconds as Manim's ``.srt`` writes a time (to the microsecond, then truncated)."""
    return timedelta(seconds=seconds) // timedelta(milliseconds=1)


def span_ms(piece: Piece, record: dict) -> tuple[int, int | None]:
    """Where ``piece`` starts and ends in its scene (``.srt`` milliseconds), from its narration record."""
    ends = record["beat_ends"]
    start = _ms(ends[piece.first - 1]) if piece.first > 0 else 0
    return start, (_ms(ends[piece.stop - 1]) if piece.stop is not None else None)


def piece_captions(srt: str, piece: Piece, record: dict) -> str:
    """A chunk's ``.srt`` from Manim's (scene times, every beat run so far): the cues that start in its beats,
    shifted to its start."""
    start, end = span_ms(piece, record)
    kept = []
    for cue in captions.parse_srt(srt, piece.name):
        begin = round(cue.start * 1000)
        if begin >= start and (end is None or begin < end):
            kept.append(captions.Cue((begin - start) / 1000, (round(cue.end * 1000) - start) / 1000, cue.text))
    return captions.format_srt(kept)


@dataclass(frozen=True)
class PieceOutput:
    """What a rendered chunk leaves: its movie, captions (chunk times) and narration record (scene times)."""

    video: Path
    srt: str
    record: dict


def piece_outputs(media_dir: Path, piece: Piece) -> PieceOutput:
    """The outputs of ``piece`` rendered by Manim into ``media_dir``."""
    movie = render.find_output(media_dir, piece.scene)
    record = record_path(media_dir, piece.scene)
    if movie is None or not record.is_file():
        raise SceneFailedError(f"manim exited cleanly but {piece.name} wrote no movie or narration record")
    data = read_record(record)
    srt = movie.with_suffix(".srt")
    text = srt.read_text(encoding="utf-8") if srt.is_file() else ""
    return PieceOutput(movie, piece_captions(text, piece, data) if piece.count > 1 else text, data)


# ------------------------------------------------------------------------------------ a scene's chunks


@dataclass
class SceneWork:
    """The chunks of one scene on their way to its clip: ``folder`` keeps each finished chunk until the
    last one arrives; then they are joined and the clip is published into ``clip_dir``."""

    entry: SceneEntry
    digest: str
    pieces: list[Piece]
    folder: Path
    clip_dir: Path
    done: dict[int, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        render.remove_tree(self.folder)  # chunks of an earlier, interrupted run
        self.folder.mkdir(parents=True, exist_ok=True)

    def take(self, piece: Piece, media_dir: Path) -> bool:
        """Store a chunk rendered here into ``media_dir``; returns whether the clip was published."""
        out = piece_outputs(media_dir, piece)
        return self.store(piece, out.video, out.srt, out.record)

    def store(self, piece: Piece, video: Path | bytes, srt: str, record: dict) -> bool:
        """Store a finished chunk (its movie as a file to move here, or its bytes); with the last one, join
        and publish the clip.  Returns whether the clip was published."""
        dest = self.folder / f"{piece.name}.mp4"
        if isinstance(video, bytes):
            with media.atomic_path(dest) as tmp:
                tmp.write_bytes(video)
        else:
            os.replace(video, dest)
        media.write_text_atomic(dest.with_suffix(".srt"), srt)
        media.write_text_atomic(dest.with_suffix(".narration.json"), json.dumps(record, indent=1, ensure_ascii=False))
        self.done[piece.index] = dest
        if len(self.done) < len(self.pieces):
            return False
        self._publish()
        return True

    def _publish(self) -> None:
        joined = self.folder / "joined"
        render.remove_tree(joined)
        movie = joined / "videos" / f"{self.entry.cls}.mp4"
        paths = [self.done[p.index] for p in self.pieces]
        records = [read_record(p.with_suffix(".narration.json")) for p in paths]
        if len(paths) == 1:
            movie.parent.mkdir(parents=True)
            os.replace(paths[0], movie)
        else:
            clips = [media.probe_clip(p) for p in paths]
            if len({c.stream_key() for c in clips}) != 1:
                raise MediaError(f"{self.entry.cls}: its chunks were encoded differently and cannot be joined "
                                 "by stream copy (workers with different FFmpeg/x264 builds?)")
            media.join_clips(clips, movie)
        cues = []
        for piece, path, record in zip(self.pieces, paths, records, strict=True):
            shift = span_ms(piece, record)[0] / 1000 if piece.count > 1 else 0.0
            cues += [captions.Cue(c.start + shift, c.end + shift, c.text)
                     for c in captions.read_cues(path.with_suffix(".srt"))]
        if cues:
            media.write_text_atomic(movie.with_suffix(".srt"), captions.format_srt(cues))
        merged = merge_records(self.pieces, records)
        media.write_text_atomic(record_path(joined, self.entry.cls),
                                json.dumps(merged, indent=1, ensure_ascii=False) + "\n")
        render.publish_outputs(joined, self.entry, self.digest, self.clip_dir)
        render.remove_tree(self.folder)


def merge_records(parts: Sequence[Piece], records: Sequence[dict]) -> dict:
    """The scene's narration record from its chunks' records: each chunk says when its own beats ended and
    what was said in them.  The last chunk ran every earlier beat unrendered: its whole record must agree
    (the clock of skipped plays is a rendered one's), else the chunks did not see the same scene."""
    merged = dict(records[-1])
    merged["beat_ends"] = [end for p, r in zip(parts, records, strict=True) for end in r["beat_ends"][p.first:p.stop]]
    merged["utterances"] = [u for p, r in zip(parts, records, strict=True) for u in r["utterances"]
                            if p.first <= u["beat"] and (p.stop is None or u["beat"] < p.stop)]
    if merged != records[-1]:
        raise MediaError(f"{records[-1]['scene']}: its chunks disagree on the beats' timing; render it whole "
                         "(--chunks 1)")
    return merged
