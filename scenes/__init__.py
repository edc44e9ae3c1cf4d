"""Manim scenes of the Jacobian lecture; shared look in :mod:`scenes.style`."""
