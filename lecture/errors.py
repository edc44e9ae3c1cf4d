"""Errors of the lecture command; each carries the process exit status it maps to."""

from __future__ import annotations


class LectureError(Exception):
    """A failure reported to the user as one line (plus details for failed scenes)."""

    exit_code = 1


class UsageError(LectureError, ValueError):
    """Bad options, configuration or storyboard: nothing was rendered (exit status 2)."""

    exit_code = 2


class ToolMissingError(LectureError):
    """A system tool Manim needs is not installed (exit status 3)."""

    exit_code = 3


class SceneFailedError(LectureError):
    """One or more scenes failed to render (exit status 1)."""


class MediaError(LectureError, ValueError):
    """A clip cannot be read or joined (exit status 1)."""


class SchedulerUnreachableError(LectureError):
    """The Dask scheduler named by --scheduler cannot be reached (exit status 3, like a missing tool)."""

    exit_code = 3


class CodeMismatchError(SceneFailedError):
    """A Dask worker's copy of the project differs from the caller's: it refuses to render (exit status 1)."""
