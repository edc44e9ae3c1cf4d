"""Base class of every lecture scene: settings, run-time scaling, captions and slide beats.

Set ``JACOBIAN_SLIDES=1`` to build the scenes on ``manim_slides.Slide`` so that
``beat()`` marks a slide boundary; otherwise scenes are plain ``manim.Scene``.
"""

from __future__ import annotations

import os

from manim import DOWN, BackgroundRectangle, FadeIn, FadeOut, Scene, Text, VGroup, config

from scenes import style
from scenes.settings import Settings, active_settings

SLIDES = os.environ.get("JACOBIAN_SLIDES") == "1"

if SLIDES:  # pragma: no cover - exercised by the slides export
    from manim_slides import Slide as _Base
else:
    _Base = Scene


class LectureScene(_Base):  # type: ignore[misc, valid-type]
    """A scene of the lecture.  Subclasses set ``TITLE`` (its chapter name) and write
    ``construct`` as a sequence of named beats."""

    TITLE: str = ""
    # manim-slides: the HTML export never plays reversed animations, so do not render them
    skip_reversing = True

    @property
    def settings(self) -> Settings:
        return active_settings()

    def rt(self, seconds: float) -> float:
        """A run time in seconds, scaled by ``[render].run_time_scale``."""
        return seconds * self.settings.render.run_time_scale

    def caption(self, text: str, seconds: float) -> None:
        """Add a subcaption (for the lecture's .srt) lasting ``seconds`` (scaled) from now."""
        self.add_subcaption(text, duration=self.rt(seconds))

    def pause(self, seconds: float = 1.0) -> None:
        """Hold the picture for ``seconds`` (scaled).  Nothing moves in a pause and no updater here
        depends on time, so the frame is frozen: drawn once and repeated, not redrawn with every
        updater re-run on each frame."""
        self.wait(self.rt(seconds), frozen_frame=True)

    def beat(self) -> None:
        """End of a beat: a slide boundary when presenting, nothing in a video."""
        if SLIDES:  # pragma: no cover
            self.next_slide()

    def title_card(self, title: str, subtitle: str = "", seconds: float = 1.5) -> None:
        """Show a short title card, then clear it.

        The card fades by uncovering it: a background-coloured veil over the text fades out, then back
        in.  On a plain background that looks the same as fading the text, but Manim then draws the
        glyphs once into its static frame and only the veil each frame (the text's outlines are the
        costliest thing to redraw, and FadeIn would also deep-copy every glyph)."""
        card = VGroup(Text(title, font_size=style.TITLE_SIZE, color=style.TEXT))
        if subtitle:
            card.add(Text(subtitle, font_size=style.SMALL_SIZE, color=style.MUTED))
        card.arrange(DOWN, buff=0.3)
        veil = BackgroundRectangle(card, color=config.background_color, fill_opacity=1, buff=0.1)
        self.add(card, veil)
        self.play(FadeOut(veil), run_time=self.rt(0.6))
        self.pause(seconds)
        self.play(FadeIn(veil), run_time=self.rt(0.4))
        self.remove(card, veil)
