"""The lecture's audio track: utterances placed on the timeline, loudness-normalised, encoded.

Loudness: the integrated loudness (ITU-R BS.1770-4, measured with ``pyloudnorm``) is brought to
``TARGET_LUFS`` by a gain, and the true peak kept under a ceiling by FFmpeg's ``alimiter`` run at 4x the
sample rate (where inter-sample peaks are samples); limiting lowers the loudness a little, so gain and
limiter are repeated until the loudness is within ``TOLERANCE_LU``.  Lossy coding (AAC, Opus) raises peaks
by a dB or two, so the lecture command checks the *encoded* peak against ``CEILING_DBTP`` and lowers the
limiter's ceiling until it holds.  Samples are mono float32 at
:data:`narration.audio.RATE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from narration.audio import RATE, decode
from narration.errors import NarrationError

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
LIMIT_DBFS = -2.0  # the limiter's first ceiling at 4x oversampling, with room for the resampling back
TOLERANCE_LU = 0.3
OVERSAMPLE = 4


@dataclass(frozen=True)
class Placed:
    """An audio file heard from ``start`` seconds on the lecture's timeline."""

    start: float
    path: Path


def mix(placed: Iterable[Placed], seconds: float, rate: int = RATE) -> np.ndarray:
    """The sum of the ``placed`` utterances on a silent track ``seconds`` long, shape ``(round(seconds*rate),)``;
    anything past the end is cut."""
    track = np.zeros(round(seconds * rate), np.float32)
    for item in placed:
        samples = decode(item.path, rate)
        begin = round(item.start * rate)
        if begin < 0:
            raise NarrationError(f"{item.path}: placed before the start of the lecture ({item.start:.3f} s)")
        end = min(track.size, begin + samples.size)
        if end > begin:
            track[begin:end] += samples[: end - begin]
    return track


def loudness_lufs(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (``-inf`` for silence)."""
    import pyloudnorm  # here, not at the top: it imports scipy.signal (0.65 s), which a preview never needs

    if samples.size < rate // 2:
        samples = np.pad(samples, (0, rate // 2 - samples.size))
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def true_peak_dbtp(samples: np.ndarray) -> float:
    """The peak of the signal reconstructed at 4x the rate, in dB (BS.1770's true-peak estimate)."""
    from scipy.signal import resample_poly  # (see loudness_lufs)

    peak = float(np.abs(resample_poly(samples.astype(np.float64), OVERSAMPLE, 1)).max(initial=0.0))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def _filter(samples: np.ndarray, chain: Sequence[tuple[str, str]], rate: int) -> np.ndarray:
    """``samples`` through an FFmpeg audio filter chain (PyAV), same length and rate back."""
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="flt", sample_rate=rate, layout="mono", time_base=Fraction(1, rate))
    nodes = [source, *(graph.add(name, args) for name, args in chain),
             graph.add("aformat", f"sample_fmts=flt:sample_rates={rate}:channel_layouts=mono"),
             graph.add("abuffersink")]
    for a, b in zip(nodes, nodes[1:], strict=False):
        a.link_to(b)
    graph.configure()
    out: list[np.ndarray] = []

    def drain() -> None:
        while True:
            try:
                out.append(nodes[-1].pull().to_ndarray().reshape(-1))
            except (av.error.BlockingIOError, av.error.EOFError):
                return

    for frame in frames(samples, rate, size=4096):
        source.push(frame)
        drain()
    source.push(None)
    drain()
    result = np.concatenate(out) if out else np.zeros(0, np.float32)
    return np.pad(result, (0, max(0, samples.size - result.size)))[: samples.size].astype(np.float32)


def _limit(samples: np.ndarray, rate: int, limit_dbfs: float) -> np.ndarray:
    ceiling = 10 ** (limit_dbfs / 20)
    return _filter(samples, [("aresample", str(rate * OVERSAMPLE)),
                             ("alimiter", f"limit={ceiling:.4f}:attack=5:release=50:level=false"),
                             ("aresample", str(rate))], rate)


def normalise(samples: np.ndarray, rate: int = RATE, limit_dbfs: float = LIMIT_DBFS, rounds: int = 8) -> np.ndarray:
    """``samples`` at ``TARGET_LUFS`` (within ``TOLERANCE_LU``) with true peak at most ``min(CEILING_DBTP,
    limit_dbfs + 0.5)``.  Silence stays silence."""
    ceiling = min(CEILING_DBTP, limit_dbfs + 0.5)
    level = loudness_lufs(samples, rate)
    if not np.isfinite(level):
        return samples.astype(np.float32)
    # the gain (dB) is found by the secant method on gain -> loudness after limiting (slope 1 until the limiter
    # bites, then less): two or three limiter passes instead of one per 0.5 LU of what limiting takes away
    tried: list[tuple[float, float]] = []
    gain = TARGET_LUFS - level
    out = samples.astype(np.float32)
    for _ in range(rounds):
        out = _limit((samples * 10 ** (gain / 20)).astype(np.float32), rate, limit_dbfs)
        level = loudness_lufs(out, rate)
        if abs(level - TARGET_LUFS) <= TOLERANCE_LU and true_peak_dbtp(out) <= ceiling:
            return out
        tried.append((gain, level))
        slope = 1.0
        if len(tried) >= 2 and tried[-1][0] != tried[-2][0]:
            slope = float(np.clip((tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0]), 0.2, 1.0))
        gain += (TARGET_LUFS - level) / slope
    raise NarrationError(f"could not bring the narration to {TARGET_LUFS} LUFS with peaks under "
                         f"{ceiling:.1f} dBTP (reached {level:.1f} LUFS, {true_peak_dbtp(out):.1f} dBTP)")


def frames(samples: np.ndarray, rate: int = RATE, size: int = 1024) -> Iterable[av.AudioFrame]:
    """``samples`` as PyAV audio frames of ``size`` samples with pts in samples (time base 1/rate)."""
    for i in range(0, samples.size, size):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[None, i:i + size], dtype=np.float32),
                                           format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = rate, i, Fraction(1, rate)
        yield frame
