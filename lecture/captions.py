"""Captions (.srt) and YouTube chapters, from per-scene subtitles and clip durations.

Times are in seconds (float); an .srt time is ``HH:MM:SS,mmm``.

Subtitle rules (:func:`fit_cues`, applied to each scene's captions before they are joined into the
lecture's .srt):

- a cue has at most ``MAX_LINES`` = 2 lines of at most ``MAX_LINE`` = 42 characters;
- it is read at most ``MAX_CPS`` = 20 characters per second (its characters are those of its text with the
  line break counted as one space), and stays on screen at least ``MIN_SECONDS`` = 1 s;
- no two cues overlap (one may end exactly when the next starts).

Splitting (:func:`split_text`): a caption that does not fit one cue is cut into consecutive cues, each as
long as fits, at the best natural break inside that length: a sentence end, else a colon or semicolon, else
a comma, else the last word boundary (a break is only taken after at least ``MIN_PIECE`` characters, so a
lone "Check:" never becomes a cue).  A cue or line never breaks mid-term (:func:`break_cost`): not inside
parentheses, brackets or a norm (a point "(x, y)" stays whole), not between a number and its unit ("5 %"),
not next to an operator ("x² −" | "y"), not between two symbols of one formula ("J Σ" | "Jᵀ"); only a formula
too long for a whole cue or line is cut inside it, between its symbols if it can, inside brackets last.
Negative numbers are shown with the minus sign "−", not the hyphen "-" (:func:`typeset_minus`).  A last
piece shorter than ``MIN_PIECE`` ("Jacobians.") takes words from
the piece before it (at a natural break if one leaves both at least ``MIN_PIECE`` long, else as evenly as
they fit), so no cue is a word flashed up for a second of silence.  Words are never changed, dropped or
reordered; only a single word longer than a line (never in the lecture) is cut into line-long pieces.  The
caption's time span is divided among its pieces in proportion to their characters.

Timing policy, when a piece's own span is too short for 20 characters per second or 1 s:

1. it is extended into the silence that follows it, up to the start of the next cue;
2. if that is not enough, the next cue waits: it starts when this one ends, and the delay is absorbed by
   later gaps (a cue that overlaps the next one is first trimmed to the next one's start, but never below
   its own reading time);
3. when ``end`` is given (the end of the scene), a cue pushed past it is pulled back: it ends at ``end`` (or
   when the following cue starts) and starts earlier, into earlier silence, moving the cues before it if
   needed;
4. only when the scene is too short to show all its text at 20 characters per second (with each cue >= 1 s)
   does each piece keep the start the scene gave it and last until the next one starts (the last until the
   scene ends), so the text stays with the picture it describes.  Lines and overlaps still obey the rules;
   reading speed and the 1 s minimum do not, and :func:`rule_violations` says so (the lecture command
   prints it as a note).  The cure is then in the scene: give the caption more time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from lecture.errors import MediaError

_MS = timedelta(milliseconds=1)

@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from ``start`` to ``end`` seconds."""

    start: float
    end: float
    text: str


def _delta(seconds: float) -> timedelta:
    """``seconds`` as a time of the ``srt`` package, rounded to the millisecond (never below 0)."""
    return round(max(seconds, 0.0) * 1000) * _MS


def parse_srt(text: str, source: str = "<srt>") -> list[Cue]:
    """Parse SubRip text into cues (with the ``srt`` package; numbering is ignored, each cue's text is stripped
    of surrounding blank lines); a malformed block raises :class:`MediaError` naming ``source``."""
    cues = []
    try:
        for sub in srt.parse(text.replace("\r\n", "\n")):
            if sub.end < sub.start:
                times = " --> ".join(map(srt.timedelta_to_srt_timestamp, (sub.start, sub.end)))
                raise MediaError(f"{source}: cue ends before it starts: {times!r}")
            cues.append(Cue(round(sub.start / _MS) / 1000, round(sub.end / _MS) / 1000, sub.content.strip()))
    except srt.SRTParseError as exc:
        bad = exc.unmatched_content.strip().split("\n")[0]
        raise MediaError(f"{source}: not a SubRip cue: {bad[:60]!r}") from None
    except srt.TimestampParseError as exc:
        raise MediaError(f"{source}: {exc}") from None
    return cues


def srt_time(seconds: float) -> str:
    """``HH:MM:SS,mmm`` (rounded to the millisecond)."""
    return srt.timedelta_to_srt_timestamp(_delta(seconds))


def format_srt(cues: Sequence[Cue]) -> str:
    """SubRip text, numbered from 1 in the order given (the ``srt`` package composes it; an empty cue stays)."""
    return srt.compose([srt.Subtitle(i, _delta(c.start), _delta(c.end), c.text) for i, c in enumerate(cues, start=1)],
                       reindex=False)


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


MAX_LINE = 42
MAX_LINES = 2
MAX_CPS = 20.0
MIN_SECONDS = 1.0
MIN_PIECE = 16  # characters before a natural break is taken
_BREAKS = (re.compile(r"[.!?][)\"']?$"), re.compile(r"[:;]$"), re.compile(r",$"))


_OPERATORS = "=−+×·/→≈<>≤≥±∘"
_UNITS = {"%", "s", "ms", "dB", "°", "px", "fps"}
_NUMBER = re.compile(r"^[−+-]?\d+(?:[.,]\d+)*[,.;:!?)\]]*$")
_SYMBOLIC = re.compile(r"[^\x00-\x7f’‘“”–—]")  # a non-ASCII character: Greek, sub/superscripts, operators


def typeset_minus(text: str) -> str:
    """A hyphen used as a minus sign (before a number, not inside a word: "-1", "(-2, 2)") as "−"."""
    return re.sub(r"(?<![\w)\]′])-(?=\.?\d)", "−", text)


def _is_math(word: str) -> bool:
    """A token of a formula: a symbol (φᵢ, Jᵀ, σ₁, ‖J‖) or a single letter other than the articles."""
    core = word.strip(",.;:!?")
    return bool(_SYMBOLIC.search(core)) or (len(core) == 1 and core.isalpha() and core not in "aAI")


def break_cost(words: Sequence[str], i: int) -> int:
    """How bad a cue or line break between ``words[i - 1]`` and ``words[i]`` is: 0 between terms; 1 inside a
    formula (next to an operator, between two of its symbols); 2 inside parentheses, brackets or a norm, or
    between a number and its unit."""
    before, after = words[i - 1], words[i]
    head = " ".join(words[:i])
    if head.count("(") > head.count(")") or head.count("[") > head.count("]") or head.count("‖") % 2:
        return 2
    if after in _UNITS and _NUMBER.match(before):
        return 2
    if before[-1] in _OPERATORS or after[0] in _OPERATORS:
        return 1
    return int(before[-1] not in ",.;:!?" and _is_math(before) and _is_math(after))


def can_break(words: Sequence[str], i: int) -> bool:
    """Whether a cue or line may end after ``words[i - 1]``: only between terms (:func:`break_cost` 0)."""
    return break_cost(words, i) == 0


def _lines(words: Sequence[str], width: int) -> tuple[int, list[str]] | None:
    """``words`` on one line, or on two lines as even as possible among the least bad breaks (see
    :func:`break_cost`), with the cost of that break (0 for one line); None when two lines of ``width`` do not
    hold them."""
    one = " ".join(words)
    if len(one) <= width:
        return (0, [one] if one else [])
    best = None
    for i in range(1, len(words)):
        top, bottom = " ".join(words[:i]), " ".join(words[i:])
        longest = max(len(top), len(bottom))
        rank = (break_cost(words, i), longest)
        if longest <= width and (best is None or rank < best[0]):
            best = (rank, [top, bottom])
    return None if best is None else (best[0][0], best[1])


def _balanced_lines(words: Sequence[str], width: int) -> list[str] | None:
    """``words`` on one line or two (:func:`_lines`); None when two lines of ``width`` do not hold them."""
    found = _lines(words, width)
    return None if found is None else found[1]


def _words(text: str, width: int) -> list[str]:
    """The words of ``text``; a word longer than ``width`` is cut into pieces of ``width`` characters."""
    out = []
    for word in text.split():
        out.extend(word[i:i + width] for i in range(0, len(word), width))
    return out


def wrap(text: str, width: int = MAX_LINE) -> str:
    """``text`` (one cue's worth) as one line, or as two balanced lines joined by a newline.  Raises
    ``ValueError`` when it does not fit ``MAX_LINES`` lines of ``width``."""
    lines = _balanced_lines(_words(text, width), width)
    if lines is None:
        raise ValueError(f"does not fit {MAX_LINES} lines of {width} characters: {text!r}")
    return "\n".join(lines)


def split_text(text: str, width: int = MAX_LINE) -> list[str]:
    """``text`` cut into pieces that each fit one cue (``MAX_LINES`` lines of ``width``), at natural breaks
    (see the module docstring); each piece is wrapped (lines joined by a newline)."""
    words = _words(text, width)
    pieces = []
    while words:
        fits = [i for i in range(1, len(words) + 1) if _balanced_lines(words[:i], width) is not None]
        # each cut's cost: its cue break, then the piece's line break (> 0 only where a formula is too long to
        # keep whole); all the rest in one cue is a cut too, when its lines break between terms
        cost = {i: (break_cost(words, i) if i < len(words) else 0, _lines(words[:i], width)[0]) for i in fits}
        least = min(cost.values())
        between_terms = [i for i in fits if cost[i] == least]
        cut = between_terms[-1]
        if cut < len(words):
            for rule in _BREAKS:
                found = [i for i in between_terms if rule.search(words[i - 1])
                         and len(" ".join(words[:i])) >= MIN_PIECE]
                if found:
                    cut = found[-1]
                    break
        pieces.append(words[:cut])
        words = words[cut:]
    if len(pieces) >= 2 and len(" ".join(pieces[-1])) < MIN_PIECE:
        pieces[-2:] = _rebalance(pieces[-2] + pieces[-1], width)
    return ["\n".join(_balanced_lines(p, width)) for p in pieces]


def _rebalance(words: Sequence[str], width: int) -> list[list[str]]:
    """``words`` (two cues' worth) cut in two so that neither piece is short: at the last natural break that
    leaves both at least ``MIN_PIECE`` characters, else where the shorter piece is longest."""
    cuts = [i for i in range(1, len(words)) if _balanced_lines(words[:i], width) is not None
            and _balanced_lines(words[i:], width) is not None]
    if cuts:
        least = min(break_cost(words, i) for i in cuts)
        cuts = [i for i in cuts if break_cost(words, i) == least]
    if not cuts:
        return [list(words)]

    def long_enough(i: int) -> bool:
        return min(len(" ".join(words[:i])), len(" ".join(words[i:]))) >= MIN_PIECE

    for rule in _BREAKS:
        found = [i for i in cuts if rule.search(words[i - 1]) and long_enough(i)]
        if found:
            return [list(words[:found[-1]]), list(words[found[-1]:])]
    best = max(cuts, key=lambda i: min(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return [list(words[:best]), list(words[best:])]


def reading_chars(text: str) -> int:
    """The characters a viewer reads in a cue: its text, a line break counted as one space."""
    return len(" ".join(text.split("\n")))


def reading_seconds(text: str) -> float:
    """The least time a cue with ``text`` may stay on screen: ``MIN_SECONDS``, or its characters at
    ``MAX_CPS``."""
    return max(MIN_SECONDS, reading_chars(text) / MAX_CPS)


def _ms_up(seconds: float) -> float:
    """Rounded up to the next millisecond (so that an .srt time never shortens a cue's reading time)."""
    return math.ceil(round(seconds * 1000, 6)) / 1000


def fit_cues(cues: Sequence[Cue], end: float | None = None) -> list[Cue]:
    """``cues`` split, wrapped and timed by the subtitle rules and the timing policy of the module docstring.

    ``end`` is where the cues must stop (the scene's end), or None for no limit.  Times in the result are whole
    milliseconds.  The result obeys every rule unless the text cannot be read in time before ``end`` (then see
    :func:`rule_violations`)."""
    pieces: list[tuple[float, float, str]] = []  # (start, end, text) of each piece, in the caption's own time
    for cue in sorted((c for c in cues if c.text.strip()), key=lambda c: c.start):
        parts = split_text(typeset_minus(cue.text))
        total = sum(reading_chars(p) for p in parts)
        t = cue.start
        for part in parts:
            share = (cue.end - cue.start) * reading_chars(part) / total
            pieces.append((t, t + share, part))
            t += share
    if not pieces:
        return []
    need = [_ms_up(reading_seconds(text)) for _, _, text in pieces]
    starts, ends = [], []
    previous = 0.0
    for i, (start, stop, _) in enumerate(pieces):
        begin = _ms_up(max(start, previous))
        following = pieces[i + 1][0] if i + 1 < len(pieces) else math.inf
        finish = max(begin + need[i], min(stop, following))
        starts.append(begin)
        ends.append(_ms_up(finish))
        previous = ends[-1]
    if end is not None:
        end = math.floor(round(end * 1000, 6)) / 1000  # whole milliseconds, never past the scene
    if end is not None and ends[-1] > end:
        limit = end
        for i in reversed(range(len(pieces))):
            if ends[i] <= limit:
                break
            ends[i] = limit
            starts[i] = min(starts[i], round(limit - need[i], 3))
            limit = starts[i]
        if starts[0] < 0:  # too short for its text: each piece where the scene put it, until the next begins
            starts = []
            for piece_start, _, _ in pieces:
                starts.append(max(_ms_up(piece_start), round(starts[-1] + 0.001, 3) if starts else 0.0))
            ends = [*starts[1:], round(end, 3)]
    return [Cue(round(s, 3), round(e, 3), text) for s, e, (_, _, text) in zip(starts, ends, pieces, strict=True)]


def rule_violations(cues: Sequence[Cue]) -> list[str]:
    """Each broken subtitle rule, one line per cue (empty when every cue obeys them all)."""
    problems = []
    for i, cue in enumerate(cues):
        lines = cue.text.split("\n")
        label = f"cue {i + 1} ({srt_time(cue.start)})"
        if len(lines) > MAX_LINES or max(map(len, lines)) > MAX_LINE:
            problems.append(f"{label}: more than {MAX_LINES} lines of {MAX_LINE} characters")
        seconds = cue.end - cue.start
        if seconds < MIN_SECONDS - 5e-4:
            problems.append(f"{label}: on screen {seconds:.2f} s, less than {MIN_SECONDS:g} s")
        if seconds > 0 and reading_chars(cue.text) / seconds > MAX_CPS + 0.05:
            problems.append(f"{label}: {reading_chars(cue.text) / seconds:.0f} characters per second")
        if i + 1 < len(cues) and cues[i + 1].start < cue.end - 5e-4:
            problems.append(f"{label}: overlaps the next cue")
    return problems


def scene_note(scene: str, cues: Sequence[Cue]) -> str | None:
    """One line for a scene whose fitted ``cues`` break a subtitle rule (how many breaks, the first one), or None."""
    problems = rule_violations(cues)
    if not problems:
        return None
    return f"captions of {scene}: {len(problems)} subtitle-rule break(s), e.g. {problems[0].split(': ', 1)[1]}"


def read_cues(path: Path) -> list[Cue]:
    """The cues of an .srt file, or none when the file does not exist."""
    if not path.exists():
        return []
    return parse_srt(path.read_text(encoding="utf-8"), str(path))


def vtt_time(seconds: float) -> str:
    """WebVTT's ``HH:MM:SS.mmm`` (rounded to the millisecond)."""
    return srt_time(seconds).replace(",", ".")


def _vtt_text(text: str) -> str:
    """A cue's text as WebVTT cue text: ``&``, ``<`` and ``>`` escaped, no blank line (which would end the cue)."""
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    return "\n".join(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines)


def format_vtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file (W3C WebVTT: the ``WEBVTT`` header, then one numbered cue per caption).  The same cues
    as :func:`format_srt` with the web's time format, for ``<track>`` elements; empty cues are dropped."""
    body = "".join(f"{i}\n{vtt_time(c.start)} --> {vtt_time(c.end)}\n{_vtt_text(c.text)}\n\n"
                   for i, c in enumerate((c for c in cues if _vtt_text(c.text)), start=1))
    return "WEBVTT\n\n" + body


def chapter_cues(titles: Sequence[str], starts: Sequence[float], total: float) -> list[Cue]:
    """One cue per chapter, from its start to the next one's (the last to ``total``): a chapters track."""
    ends = [*starts[1:], total]
    return [Cue(s, e, t) for t, s, e in zip(titles, starts, ends, strict=True)]


def youtube_time(seconds: float, long_form: bool) -> str:
    """A timestamp as YouTube writes it in a description: ``M:SS`` (``0:00``), or ``H:MM:SS`` when ``long_form``."""
    total = math.floor(seconds + 1e-9)  # a chapter never starts before its scene
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if long_form else f"{m}:{s:02d}"
