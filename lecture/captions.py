"""Captions (.srt) and YouTube chapters, from per-scene subtitles and clip durations.

Times are in seconds (float); an .srt time is ``HH:MM:SS,mmm``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lecture.errors import MediaError

_TIME = r"(\d+):([0-5]\d):([0-5]\d)[,.](\d{3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")


@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from ``start`` to ``end`` seconds."""

    start: float
    end: float
    text: str


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str, source: str = "<srt>") -> list[Cue]:
    """Parse SubRip text into cues (numbering is ignored); a malformed block raises :class:`MediaError`."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.strip("\n").split("\n")
        if not block.strip():
            continue
        timing_at = 1 if len(lines) > 1 and lines[0].strip().isdigit() else 0
        match = _TIMING.match(lines[timing_at]) if timing_at < len(lines) else None
        if match is None:
            raise MediaError(f"{source}: not a SubRip cue: {lines[0][:60]!r}")
        g = match.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end < start:
            raise MediaError(f"{source}: cue ends before it starts: {lines[timing_at]!r}")
        cues.append(Cue(start, end, "\n".join(lines[timing_at + 1:]).strip()))
    return cues


def srt_time(seconds: float) -> str:
    """``HH:MM:SS,mmm`` (rounded to the millisecond)."""
    ms = round(max(seconds, 0.0) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def format_srt(cues: Sequence[Cue]) -> str:
    """SubRip text, numbered from 1."""
    return "".join(
        f"{i}\n{srt_time(c.start)} --> {srt_time(c.end)}\n{c.text}\n\n" for i, c in enumerate(cues, start=1)
    )


def merge_cues(per_clip: Sequence[Sequence[Cue]], starts: Sequence[float], durations: Sequence[float]) -> list[Cue]:
    """Shift each clip's cues by its start time, clipped to the clip (a cue never runs into the next scene).

    ``per_clip[i]`` are clip i's cues in clip time; ``starts[i]`` and ``durations[i]`` in seconds.
    Cues that lie entirely past their clip's end are dropped.
    """
    merged = []
    for cues, start, duration in zip(per_clip, starts, durations, strict=True):
        for cue in cues:
            begin, end = min(cue.start, duration), min(cue.end, duration)
            if end > begin and cue.text:
                merged.append(Cue(start + begin, start + end, cue.text))
    return merged


def chapter_time(seconds: float, long_form: bool) -> str:
    """``MM:SS`` (or ``H:MM:SS`` when ``long_form``), rounded to the nearest second."""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if long_form else f"{m:02d}:{s:02d}"


def format_chapters(titles: Sequence[str], starts: Sequence[float], total: float) -> str:
    """YouTube's description format: one ``00:00 Title`` line per chapter (the first at 00:00)."""
    long_form = total >= 3600
    return "".join(f"{chapter_time(s, long_form)} {t}\n" for t, s in zip(titles, starts, strict=True))


def chapter_warnings(starts: Sequence[float], total: float) -> list[str]:
    """Why YouTube would ignore these chapters (it wants >= 3 chapters, each >= 10 s), if it would."""
    problems = []
    if len(starts) < 3:
        problems.append(f"only {len(starts)} chapter(s); YouTube shows chapters from 3 on")
    ends = [*starts[1:], total]
    short = [i + 1 for i, (a, b) in enumerate(zip(starts, ends, strict=True)) if b - a < 10]
    if short:
        problems.append(f"chapter(s) {', '.join(map(str, short))} shorter than 10 s; YouTube needs >= 10 s each")
    return problems


def read_cues(path: Path) -> list[Cue]:
    """The cues of an .srt file, or none when the file does not exist."""
    if not path.exists():
        return []
    return parse_srt(path.read_text(encoding="utf-8"), str(path))
