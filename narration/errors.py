"""The one error type of the narration package."""

from __future__ import annotations


class NarrationError(ValueError):
    """A voice, a recording or a synthesis failed; the message is one line naming what and why."""
