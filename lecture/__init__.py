"""The lecture command: render the storyboard's scenes with Manim, join them into one video
with chapters, captions and stills, or export them as an offline reveal.js presentation.

Run it as ``python -m lecture`` (``scripts/render`` does); ``python -m lecture --help`` lists
the options.  Dependencies point one way: ``lecture`` may import ``jacobian_settings``, ``narration``, the
storyboard's data (``scenes/storyboard.py``) and the kit's Manim-free modules (``scenes.kit.narrator``,
``scenes.kit.beats``) and, in the preview's render child only, the scenes (and through them Manim); the render
command itself imports no Manim: every scene renders in its own ``manim`` process.
"""

from lecture.errors import LectureError, MediaError, SceneFailedError, ToolMissingError, UsageError
from lecture.storyboard import STORYBOARD, SceneEntry

__all__ = [
    "STORYBOARD",
    "LectureError",
    "MediaError",
    "SceneEntry",
    "SceneFailedError",
    "ToolMissingError",
    "UsageError",
]
