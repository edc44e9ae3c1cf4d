"""Text -> phonemes through Piper's own front end, for tests only.

Piper (GPL-3.0-or-later) is imported here, in a test helper, and nowhere in the project's run-time code, which
runs Piper's command line as a separate process (``narration/synth.py``, README "Narration").  This is the
same code path Piper takes before synthesis: ``PiperVoice.phonemize`` with the voice's own config (its
espeak-ng voice and vowel clusters), espeak-ng from Piper's bundled ``espeakbridge`` and ``espeak-ng-data``.
No model is loaded (no ONNX session): phonemizing the whole lecture takes well under a second.
"""

from __future__ import annotations

import json
import re
from functools import cache

from narration import parse_voice

STRESS = re.compile("[ˈˌ]")


@cache
def _voice():
    from piper.config import PiperConfig  # test-only import of GPL code (see the module docstring)
    from piper.voice import PiperVoice

    joe = parse_voice("joe")
    config = PiperConfig.from_dict(json.loads(joe.config.read_text(encoding="utf-8")))
    return PiperVoice(session=None, config=config)


@cache
def phonemes(text: str) -> str:
    """What Piper's front end makes of ``text``: its phonemes as one string (sentences joined by a space),
    with espeak-ng's punctuation marks kept."""
    return " ".join("".join(sentence) for sentence in _voice().phonemize(text)).strip()


def words(text: str) -> list[str]:
    """The phonemes of ``text`` word by word, stress marks and punctuation left out (espeak-ng stresses a
    word differently in different sentences)."""
    return [w for w in re.split(r"[\s.,:;!?]+", STRESS.sub("", phonemes(text))) if w]


def sounds_like(needle: str, text: str) -> bool:
    """Whether ``needle``'s words, as phonemes, are said in ``text`` as a run of whole words."""
    want, said = words(needle), words(text)
    return any(said[i:i + len(want)] == want for i in range(len(said) - len(want) + 1))
