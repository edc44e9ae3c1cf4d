"""Base class of every lecture scene: settings, run-time scaling, captions and slide beats.

Set ``JACOBIAN_SLIDES=1`` to build the scenes on ``manim_slides.Slide`` so that
``beat()`` marks a slide boundary; otherwise scenes are plain ``manim.Scene``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from manim import (
    DOWN,
    Animation,
    FadeIn,
    FadeOut,
    Group,
    Mobject,
    Scene,
    SurroundingRectangle,
    Text,
    VGroup,
    config,
)

from jacobian_settings import Settings, active_settings
from scenes.kit import style
from scenes.kit.manim_compat import plays_so_far, render_plays
from scenes.kit.readouts import drop_svg_paths

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
    # set by the beat preview (lecture/preview.py): render only beat ``preview_beat`` (0 = up to the first
    # ``beat()``); every earlier animation still runs, unrendered, so the state is exactly a whole render's
    preview_beat: int | None = None

    def setup(self) -> None:
        super().setup()
        self._beats_done = 0
        if self.preview_beat is not None:
            render_plays(first=0 if self.preview_beat == 0 else None)

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

    def play(self, *args, **kwargs) -> None:
        """Manim's ``play``, after the glyphs of everything it animates forget their parsed SVG paths
        (:func:`scenes.kit.readouts.drop_svg_paths`): FadeIn, Write, Create and Transform deep-copy what they
        animate, and the paths made a formula ten times slower to copy."""
        drop_svg_paths(*(m for a in args for m in (getattr(a, "mobject", None), getattr(a, "target_mobject", None))
                         if isinstance(m, Mobject)))
        super().play(*args, **kwargs)

    def beat(self) -> None:
        """End of a beat: a slide boundary when presenting; in a beat preview, where rendering starts or
        stops; nothing else in a video."""
        if SLIDES:  # pragma: no cover
            self.next_slide()
        self._beats_done += 1
        if self.preview_beat is not None:
            if self._beats_done == self.preview_beat:
                render_plays(first=plays_so_far(self))
            elif self._beats_done == self.preview_beat + 1:
                render_plays(first=None, stop_after=plays_so_far(self))

    def title_card(self, title: str, subtitle: str = "", seconds: float = 1.5) -> None:
        """Show a short title card, then clear it (both fades by :func:`uncover` / :func:`cover`)."""
        card = VGroup(Text(title, font_size=style.TITLE_SIZE, color=style.TEXT))
        if subtitle:
            card.add(Text(subtitle, font_size=style.SMALL_SIZE, color=style.MUTED))
        card.arrange(DOWN, buff=0.3)
        uncover(self, [[card]], self.rt(0.6))
        self.pause(seconds)
        cover(self, [[card]], self.rt(0.4))


def _veils(parts: Sequence[Sequence[Mobject]], buff: float) -> VGroup:
    """One opaque background-coloured rectangle over each group of ``parts``, drawn above it."""
    veils = VGroup()
    for group in parts:
        z = max(m.z_index for mob in group for m in mob.get_family())
        veils.add(SurroundingRectangle(Group(*group), buff=buff, stroke_width=0, fill_color=config.background_color,
                                       fill_opacity=1).set_z_index(z + 1))
    return veils


def uncover(scene: Scene, parts: Sequence[Sequence[Mobject]], run_time: float, *others: Animation,
            buff: float = 0.1) -> None:
    """Fade in each group of ``parts`` (on the plain background) by fading out a background-coloured veil
    over it, while ``others`` play.

    Content at opacity a over the background looks the same as the background at opacity 1 - a over the
    content, but Manim then keeps the content in its static frame and redraws only the veils each frame,
    and nothing is deep-copied (FadeIn copies every submobject twice).  Each veil (``buff`` around its group)
    must cover nothing else that is visible or drawn by ``others``."""
    veils = _veils(parts, buff)
    scene.add(*[mob for group in parts for mob in group], veils)
    scene.play(FadeOut(veils), *others, run_time=run_time)


def cover(scene: Scene, parts: Sequence[Sequence[Mobject]], run_time: float, *others: Animation,
          buff: float = 0.1) -> None:
    """The reverse of :func:`uncover`: fade veils in over each group of ``parts``, then remove both."""
    veils = _veils(parts, buff)
    scene.play(FadeIn(veils), *others, run_time=run_time)
    scene.remove(*[mob for group in parts for mob in group], veils)
