"""The lecture's voice: spoken forms of captions, offline speech synthesis, recordings, the audio track.

No Manim here, and no import of Piper (GPL): the synthetic voice runs as its own process through Piper's
command-line interface (:mod:`narration.synth`).  The scenes time their beats to the speech this package
returns; the lecture command mixes, normalises and encodes it (:mod:`narration.track`).
"""

from narration.errors import NarrationError
from narration.voices import ENV_VAR, Voice, parse_voice, voice_from_env

__all__ = ["ENV_VAR", "NarrationError", "Voice", "parse_voice", "voice_from_env"]
