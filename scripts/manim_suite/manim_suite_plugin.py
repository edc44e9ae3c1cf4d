"""pytest plugin for Manim's own tests run by ``scripts/manim_suite/run.py``.

- Manim skips its graphical-unit tests under Cairo < 1.18 (its stored frames were drawn with 1.18): the runner
  regenerates the control frames on this machine first (``--set_test``), so the version check is lifted.
- ``MANIM_SUITE_EXACT=<file.json>``: each compared frame is also checked for bit-identity (Manim's own check
  tolerates a difference of 1 in up to 0.001 % of the values); the frames that differ at all are listed there.
- ``MANIM_SUITE_HOOKS_CHECK=1``: fail at start unless the lecture's hooks are installed (a run "with hooks"
  that silently ran Manim's own code would prove nothing).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from manim.utils.testing import _frames_testers, frames_comparison

frames_comparison.MIN_CAIRO_VERSION = 0

_differences: list[dict] = []


def _check_frame_exactly(self, frame_number: int, frame) -> None:
    control = self._frames[frame_number] if frame_number < self._number_frames else None
    _manims_check_frame(self, frame_number, frame)
    if control is not None and not np.array_equal(frame, control):
        diff = np.abs(frame.astype(int) - control.astype(int))
        _differences.append({"file": self._file_path.name, "module": self._file_path.parent.name,
                             "frame": frame_number, "values": int((diff > 0).sum()), "max": int(diff.max())})


_manims_check_frame = _frames_testers._FramesTester.check_frame
if os.environ.get("MANIM_SUITE_EXACT"):
    _frames_testers._FramesTester.check_frame = _check_frame_exactly


def pytest_configure(config) -> None:
    if os.environ.get("MANIM_SUITE_HOOKS_CHECK") == "1":
        from manim import Camera
        from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
        from manim.renderer.cairo_renderer import CairoRenderer

        hooked = (CairoRenderer.update_frame, Camera.set_cairo_context_path,
                  VMobjectFromSVGPath.generate_points)
        if not all(hasattr(method, "manim_original") for method in hooked):
            raise pytest.UsageError("the lecture's render hooks are not installed in this run")


def pytest_unconfigure(config) -> None:
    out = os.environ.get("MANIM_SUITE_EXACT")
    if out:
        with open(out, "w") as f:
            json.dump(_differences, f, indent=1)
