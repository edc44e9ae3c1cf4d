"""The lecture's Manim scenes: one file per scene (the two RBF scenes share ``rbf_panels``), each a script of
named beats that draws what :mod:`jacobian_math` computes.  Shared mobjects, followers, readouts and the
one palette live in :mod:`scenes.kit`.  Scenes may import Manim, NumPy, ``jacobian_math``, the kit and the
settings; never ``lecture``.  Each scene runs alone under plain ``manim``, e.g.
``.venv/bin/manim -pql scenes/flow.py FlowDensity``."""
