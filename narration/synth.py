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
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from narration.audio import decode
from narration.errors import NarrationError

CACHE_ENV = "JACOBIAN_SPEECH_CACHE"
SENTENCE_SILENCE = 0.3  # seconds between the sentences of one caption
# Piper's sampling noise off: the same text is the same speech, byte for byte (see the module docstring)
SETTINGS = {"noise_scale": 0.0, "noise_w_scale": 0.0, "sentence_silence": SENTENCE_SILENCE}
STALL = 300.0  # seconds Piper may go without finishing an utterance before it counts as stuck
POLL = 0.2  # seconds between looks at its output folder


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

    def command(self, folder: Path) -> list[str]:
        """Piper's command line: read lines from stdin, write one WAV per line into ``folder``."""
        return [sys.executable, "-m", "piper", "-m", str(self.model), "-c", str(self.config), "-d", str(folder),
                "--noise-scale", str(SETTINGS["noise_scale"]), "--noise-w-scale", str(SETTINGS["noise_w_scale"]),
                "--sentence-silence", str(SETTINGS["sentence_silence"])]

    def _synthesise(self, texts: list[str]) -> None:
        """Speak ``texts`` with one Piper process.  Piper writes one WAV per line, in order; each finished one
        enters the cache while Piper goes on, so a failed or stopped run keeps what it said.  No deadline for
        the whole batch (a lecture's 80 utterances take minutes, many more on a loaded machine): Piper fails
        only when it finishes no utterance for ``STALL`` seconds."""
        for text in texts:
            if not text.strip() or "\n" in text:
                raise NarrationError(f"cannot speak {text!r}: one non-empty line per utterance")
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache, prefix=".piper-") as tmp:
            folder = Path(tmp)
            lines = folder / "input.txt"
            lines.write_text("\n".join(texts) + "\n", encoding="utf-8")
            with lines.open("rb") as stdin, (folder / "stderr.txt").open("wb") as stderr:
                proc = subprocess.Popen(self.command(folder / "out"), stdin=stdin, stdout=subprocess.DEVNULL,
                                        stderr=stderr)  # noqa: S603 - our own argv
                kept, progress = 0, time.monotonic()
                try:
                    while proc.poll() is None:
                        time.sleep(POLL)
                        done = self._keep(texts, folder / "out", kept, finished=False)
                        if done > kept:
                            kept, progress = done, time.monotonic()
                        elif time.monotonic() - progress > STALL:
                            raise NarrationError(f"Piper wrote no speech for {STALL:.0f} s; said {kept} of "
                                                 f"{len(texts)} utterance(s) (kept in the speech cache)")
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
            kept = self._keep(texts, folder / "out", kept, finished=proc.returncode == 0)
            if proc.returncode != 0 or kept != len(texts):
                said = [ln for ln in (folder / "stderr.txt").read_text(errors="replace").splitlines() if ln.strip()]
                why = said[-1] if said else f"exit status {proc.returncode}"
                raise NarrationError(f"Piper failed ({why}); wrote {kept} of {len(texts)} utterance(s)")

    def _keep(self, texts: list[str], folder: Path, kept: int, finished: bool) -> int:
        """Move Piper's finished WAVs from ``folder`` into the cache; return how many of ``texts`` are done.
        Piper names each WAV by the clock when it starts it, so their order is the lines' order; while Piper
        runs the newest one may still be written, once it has exited all are finished."""
        waiting = sorted(folder.glob("*.wav"), key=lambda w: int(w.stem)) if folder.is_dir() else []
        for wav in waiting if finished else waiting[:-1]:
            if kept == len(texts):
                raise NarrationError(f"Piper wrote more WAVs than the {len(texts)} utterance(s) it was given")
            decode(wav)  # a truncated or empty WAV never enters the cache
            target = self.path_for(texts[kept])
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(wav, target)
            kept += 1
        return kept
