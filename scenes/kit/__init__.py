"""The scene kit: what every scene family shares, and nothing scene-specific.

``style`` (the palette, sizes and layout constants), ``scene`` (LectureScene: settings, run-time scaling,
captions, beats, the veil fades), ``coords`` (the one data <-> frame map), ``panel`` (a framed plane with
its own data map), ``readouts`` (live numbers and matrices), ``followers`` (the one way mobjects follow a
moving value), ``text`` (single-path text, number formatting), ``shapes`` (Bezier paths, dashed curves,
label boxes), ``colormaps`` (colour maps and raster compositing), ``manim_compat`` (every Manim internal or
private attribute the project uses, behind small named hooks; ``lecture`` may import it too).

``narrator`` (the narrator interface, silent by default; the lecture injects its voice).

The kit may import Manim, NumPy, PIL and the config module; it never imports ``jacobian_math``, a scene,
``narration`` or ``lecture`` (tests/test_layers.py).
"""
