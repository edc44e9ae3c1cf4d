"""Offline speech with Piper, through its command-line interface (a process boundary: Piper is GPL and the
project never imports it).  Nothing is fetched: the voice files come from an installed package.

Speech is cached by (spoken text, voice files, Piper version, synthesis settings): an unchanged re-render
synthesises nothing.  Cached files are complete WAVs, renamed into place only after they were read back.

Synthesis is deterministic: Piper's model samples noise (``noise_scale`` for the sound, ``noise_w`` for the
length of each phoneme), so by default one sentence comes out a little different each time (up to 4 % in
length, measured).  Both are set to 0 (:data:`SETTINGS`), so the same text gives the same samples, byte for
byte, from every clean cache with the same voice and Piper (checked: also with Piper held to one core of two;
a CPU with other vector instructions was not available to check).  Measured on ten lecture captions
against three default syntheses each: 1.3 % shorter overall (per caption 0.98-1.00 of the default's mean
length, inside the default's own run-to-run spread of 1-4 %), the same loudness (median -21.3 vs -21.4 LUFS
before normalisation) and the same pitch movement (median spread of the voiced pitch 4.7 vs 4.6 semitones).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from narration.audio import decode
from narration.errors import NarrationError

CACHE_ENV = "JACOBIAN_SPEECH_CACHE"
SENTENCE_SILENCE = 0.3  # seconds between the sentences of one caption
# Piper's sampling noise off: the same text is the same speech, byte for byte (see the module docstring)
SETTINGS = {"noise_scale": 0.0, "noise_w_scale": 0.0, "sentence_silence": SENTENCE_SILENCE}
TIMEOUT = 600.0


def cache_dir() -> Path:
    """Where speech is cached: ``$JACOBIAN_SPEECH_CACHE``, else ``media/speech`` in the project."""
    given = os.environ.get(CACHE_ENV)
    return Path(given) if given else Path(__file__).resolve().parent.parent / "media" / "speech"


@cache
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (remembered per process while its size and time are unchanged)."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


def piper_version() -> str:
    try:
        return importlib.metadata.version("piper-tts")
    except importlib.metadata.PackageNotFoundError:
        raise NarrationError("the synthetic voice needs piper-tts: run scripts/bootstrap.sh, "
                             "or render with --voice none") from None


class Synthesiser:
    """Piper speaking with the model ``model`` (and its JSON ``config``); WAVs cached in ``cache``."""

    def __init__(self, model: Path, config: Path, cache: Path | None = None) -> None:
        self.model, self.config = Path(model), Path(config)
        self.cache = Path(cache) if cache else cache_dir()
        self._identity: str | None = None

    def identity(self) -> str:
        """What, besides the text, decides the sound: the voice files, Piper's version, the settings."""
        if self._identity is None:
            self._identity = json.dumps([file_digest(self.model), file_digest(self.config), piper_version(),
                                         SETTINGS])
        return self._identity

    def path_for(self, spoken: str) -> Path:
        key = hashlib.sha256(f"{self.identity()}\0{spoken}".encode()).hexdigest()
        return self.cache / key[:2] / f"{key}.wav"

    def speak(self, spoken: str) -> Path:
        """The WAV of ``spoken`` (one line of plain text), synthesised unless cached."""
        return self.speak_many([spoken])[0]

    def speak_many(self, texts: Sequence[str]) -> list[Path]:
        """The WAVs of ``texts``, the missing ones synthesised by one Piper process."""
        paths = [self.path_for(t) for t in texts]
        missing = list(dict.fromkeys(t for t, p in zip(texts, paths, strict=True) if not p.is_file()))
        if missing:
            self._synthesise(missing)
        return paths

    def _synthesise(self, texts: list[str]) -> None:
        for text in texts:
            if not text.strip() or "\n" in text:
                raise NarrationError(f"cannot speak {text!r}: one non-empty line per utterance")
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache, prefix=".piper-") as tmp:
            command = [sys.executable, "-m", "piper", "-m", str(self.model), "-c", str(self.config), "-d", tmp,
                       "--noise-scale", str(SETTINGS["noise_scale"]), "--noise-w-scale", str(SETTINGS["noise_w_scale"]),
                       "--sentence-silence", str(SETTINGS["sentence_silence"])]
            try:
                done = subprocess.run(command, input="\n".join(texts) + "\n", capture_output=True, text=True,
                                      timeout=TIMEOUT, check=False)  # noqa: S603 - our own argv
            except subprocess.TimeoutExpired:
                raise NarrationError(f"Piper took more than {TIMEOUT:.0f} s for {len(texts)} utterance(s)") from None
            wavs = sorted(Path(tmp).glob("*.wav"), key=lambda p: int(p.stem))
            if done.returncode != 0 or len(wavs) != len(texts):
                lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
                why = lines[-1] if lines else f"exit status {done.returncode}"
                raise NarrationError(f"Piper failed ({why}); wrote {len(wavs)} of {len(texts)} utterance(s)")
            for text, wav in zip(texts, wavs, strict=True):
                decode(wav)  # a truncated or empty WAV never enters the cache
                target = self.path_for(text)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(wav, target)
