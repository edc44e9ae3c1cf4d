"""Reading audio files (WAV, FLAC, MP3, ...) with PyAV: mono float32 samples at one rate."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from narration.errors import NarrationError

RATE = 48_000  # samples per second of everything mixed (the rate AAC and Opus are encoded at)


def decode(path: Path | BinaryIO, rate: int = RATE) -> np.ndarray:
    """The audio of ``path`` (a file name or an open binary file) as mono float32 samples in [-1, 1] at
    ``rate`` Hz, shape ``(n,)``.  A file that cannot be read, has no audio or no samples raises
    :class:`NarrationError` naming it."""
    chunks: list[np.ndarray] = []
    try:
        with av.open(path if hasattr(path, "read") else str(path)) as container:
            if not container.streams.audio:
                raise NarrationError(f"{path}: no audio stream in it")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(audio=0):
                chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise NarrationError(f"{path}: cannot read audio ({exc})") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if samples.size == 0:
        raise NarrationError(f"{path}: the audio is empty")
    if not np.isfinite(samples).all():
        raise NarrationError(f"{path}: the audio has non-finite samples")
    return samples.astype(np.float32, copy=False)


def duration(path: Path) -> float:
    """Seconds of audio in ``path`` (decoded, so a corrupt file is caught here)."""
    return decode(path).size / RATE
