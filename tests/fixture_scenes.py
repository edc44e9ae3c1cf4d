"""Tiny lecture scenes for the lecture-command tests (not part of the lecture).

Each is a few seconds long (its captions readable at 20 characters per second), adds subcaptions
and shows the configured map's Jacobian as a MathTex, so the tests can see a config change in the output.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from manim import RIGHT, Create, FadeIn, MathTex, Rotate, Square, Write

from jacobian_math import PlaneMap
from scenes.kit import style
from scenes.kit.scene import LectureScene


class FixtureJacobian(LectureScene):
    """Shows J_f of the configured map; its caption carries the same LaTeX."""

    TITLE = "Fixture: the Jacobian"

    def construct(self) -> None:
        latex = PlaneMap.from_expressions(*self.settings.map.expressions).jacobian_latex()
        tex = MathTex(r"J_f = " + latex, font_size=style.MATRIX_SIZE, color=style.TEXT)
        self.beat("write_matrix")
        # long enough to read at 20 characters per second (the lecture's subtitle rules)
        self.caption(f"Jacobian of the configured map: {latex}", 5.5,
                     shows="The matrix is written out in light grey, centred on the dark background.")
        self.play(Write(tex), run_time=self.rt(0.6))
        self.pause(4.9)
        self.beat("hold")
        self.caption("Same matrix, held still", 1.5, shows="The matrix stays where it is.")
        self.pause(1.5)


class FixtureSquare(LectureScene):
    """A square drawn and filled, with two captions.

    With ``$JACOBIAN_TEST_HOLD`` naming a folder, the scene writes ``started`` there and then waits while
    ``hold`` exists in it (at most 60 s): an interrupt test can stop the render while this scene is surely
    running, instead of racing a two-second scene."""

    TITLE = "Fixture: a square"

    def construct(self) -> None:
        hold = os.environ.get("JACOBIAN_TEST_HOLD")
        if hold:
            (Path(hold) / "started").touch()
            deadline = time.monotonic() + 60
            while (Path(hold) / "hold").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        square = Square(side_length=2.0, color=style.E1)
        self.beat("draw")
        self.caption("A square is drawn", 1.0, shows="A blue outline is traced around a square in the centre.")
        self.play(Create(square), run_time=self.rt(1.0))
        self.beat("fill")
        self.caption("and filled", 1.0, shows="The square fills with translucent blue.")
        self.play(square.animate.set_fill(style.E1, opacity=0.5), run_time=self.rt(1.0))


class FixtureBroken(LectureScene):
    """Fails part-way, like a scene whose map is not finite on its grid."""

    TITLE = "Fixture: broken"

    def construct(self) -> None:
        self.play(FadeIn(Square()), run_time=self.rt(0.3))
        raise ZeroDivisionError("fixture scene failed on purpose")


class FixtureBeats(LectureScene):
    """Four beats, each with its caption and something moving (run times that are not whole frames), for
    splitting a render at its beats."""

    TITLE = "Fixture: four beats"

    def construct(self) -> None:
        square = Square(side_length=1.5, color=style.E1)
        self.beat("appear")
        self.caption("A square appears", 1.3, shows="A small blue square outline in the centre.")
        self.play(Create(square), run_time=self.rt(0.73))
        self.pause(0.55)
        self.beat("move")
        self.caption("It moves to the right", 1.2, shows="The square slides two units to the right.")
        self.play(square.animate.shift(2 * RIGHT), run_time=self.rt(0.87))
        self.beat("turn")
        self.caption("and turns", 1.1, shows="It tilts by about a third of a right angle.")
        self.play(Rotate(square, 0.6), run_time=self.rt(0.64))
        self.pause(0.45)
        self.beat("fill")
        self.caption("then fills, and is done", 1.2, shows="It fills with translucent green & stays.")
        self.play(square.animate.set_fill(style.E2, opacity=0.6), run_time=self.rt(0.91))
        self.pause(0.3)


class FixtureUndescribed(LectureScene):
    """A beat that draws something and says nothing of what it shows (the descriptions check must name it)."""

    TITLE = "Fixture: undescribed"

    def construct(self) -> None:
        self.beat("described")
        self.caption("Described", 1.0, shows="A blue square.")
        self.play(Create(Square(color=style.E1)), run_time=self.rt(1.0))
        self.beat("undescribed")
        self.caption("Not described", 1.0)
        self.play(Create(Square(side_length=1.0, color=style.E2)), run_time=self.rt(1.0))


class FixtureBadCaption(LectureScene):
    """Its second caption breaks two caption rules: it names a colour and has a symbol no voice can say (the
    preview must warn, naming the scene, the beat and the caption)."""

    TITLE = "Fixture: a bad caption"

    def construct(self) -> None:
        self.beat("appear")
        square = Square(side_length=1.5, color=style.E1)
        self.caption("A square appears", 1.0, shows="A small square outline in the centre.")
        self.play(Create(square), run_time=self.rt(1.0))
        self.beat("fill")
        self.caption("The red square is A ⊗ B", 1.2, shows="The square fills.")
        self.play(square.animate.set_fill(style.E1, opacity=0.5), run_time=self.rt(1.0))
