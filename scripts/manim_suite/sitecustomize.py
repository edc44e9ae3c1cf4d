"""Loaded by every Python process of ``scripts/test --manim-suite`` (this folder is first on its PYTHONPATH), so
that Manim's own tests, and the ``python -m manim`` processes they start, run with the lecture's render hooks
when ``JACOBIAN_MANIM_HOOKS=1``: the ``install_render_hooks`` that ``scenes/kit/scene.py`` calls and the
``install_preview_hooks`` of the preview's render child."""

import os
import sys

if os.environ.get("JACOBIAN_MANIM_HOOKS") == "1":
    sys.path.append(os.environ["JACOBIAN_ROOT"])  # last: Manim's own ``tests`` package must win over the project's
    from scenes.kit.manim_compat import install_preview_hooks, install_render_hooks

    install_render_hooks()
    install_preview_hooks()
