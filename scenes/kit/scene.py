"""Base class of every lecture scene: settings, run-time scaling, narration, captions and slide beats.

Set ``JACOBIAN_SLIDES=1`` to build the scenes on ``manim_slides.Slide`` so that
``beat()`` marks a slide boundary; otherwise scenes are plain ``manim.Scene``.

Narration (the scene's ``narrator``, from :func:`scenes.kit.narrator.narrator_for`: silent unless the process
installed one or ``$JACOBIAN_NARRATOR`` names one, as the lecture command does): each beat has at most one
:meth:`caption`, said when the beat starts.  With a voice, the beat lasts as long as its speech needs plus
``SPEECH_PAUSE``: its run times (:meth:`rt`) stretch by (speech + pause) / planned time when that is more than
1, and the beat's end waits (a frozen frame) for whatever speech is left.  The planned time is what the beat runs after
its caption with the written run times: measured by a silent run whose record ``$JACOBIAN_BEAT_PLAN`` names
(the lecture command makes it), else the caption's ``seconds``.  Silent, a beat keeps its written run times.

Beat end frames (``$JACOBIAN_BEAT_FRAMES``, see ``scenes.kit.beats.BEAT_FRAMES_ENV``): each beat's end is drawn, in the
same render, and kept in ``scene.beat_frames`` (the golden tests compare them), also written as PNGs when the
variable names a folder.

Descriptions (WCAG 1.2.3/1.2.5): a beat that shows something says what, in words, where it is written:
``caption(text, seconds, shows="...")`` (what appears on screen that the narration does not already say).
They go into the narration record (``descriptions``) for the course page's descriptions track and
transcript; a beat that plays an animation without one is listed there as ``undescribed``.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from manim import (
    DOWN,
    Animation,
    FadeIn,
    FadeOut,
    Group,
    Mobject,
    Scene,
    SurroundingRectangle,
    VGroup,
    config,
)

from jacobian_settings import Settings, active_settings
from scenes.kit import style
from scenes.kit.beats import BEAT_FRAMES_ENV, BEATS_ENV, beat_range, check_beat_id, scene_beat_id
from scenes.kit.manim_compat import (
    draw_current_frame,
    install_render_hooks,
    plays_so_far,
    render_plays,
    set_slide_notes,
    time_as_rendered,
)
from scenes.kit.narrator import narrator_for
from scenes.kit.tex_lookahead import TexLookahead
from scenes.kit.text import plain_text

SLIDES = os.environ.get("JACOBIAN_SLIDES") == "1"
SPEECH_PAUSE = 0.5  # seconds of silence after a beat's speech before the next beat

# glyphs keep no parsed SVG path; plays Manim skips (the timing pass, earlier beats) draw nothing: the same frames,
# less time (measured gains in their docstrings; Manim's own tests run with them on: scripts/test --manim-suite)
install_render_hooks()

if SLIDES:  # pragma: no cover - exercised by the slides export
    from manim_slides import Slide as _Base
else:
    _Base = Scene


class LectureScene(_Base):  # type: ignore[misc, valid-type]
    """A scene of the lecture.  Subclasses set ``TITLE`` (its chapter name) and write
    ``construct`` as a sequence of beats, each started by ``self.beat("id")`` (see :mod:`scenes.kit.beats`)."""

    TITLE: str = ""
    # manim-slides: the HTML export never plays reversed animations, so do not render them
    skip_reversing = True
    # set by the beat preview (lecture/preview.py): render only beat ``preview_beat`` (0 = up to the first
    # ``beat()``); every earlier animation still runs, unrendered, so the state is exactly a whole render's
    preview_beat: int | None = None

    def setup(self) -> None:
        super().setup()
        self._beats_done = 0
        self._stretch = 1.0  # run-time factor of the current beat (> 1 when its speech needs longer)
        self._speech_ends: float | None = None  # scene time at which the current beat's speech (and pause) end
        self._captioned_beat = -1
        self._described_beat = -1
        self._beat_plays = 0  # animations played in the current beat
        self._undescribed: list[str] = []
        self._beat_ids: list[str] = []  # the ids of the beats started so far (``beat("id")``)
        self.narrator = narrator_for(type(self).__name__)
        self._plan = self.narrator.plan if self.narrator.speaks else {}
        self._beat_ends: list[float] = []
        self.beat_frames: list[tuple[str, np.ndarray]] | None = [] if os.environ.get(BEAT_FRAMES_ENV) else None
        self._render_range = self.beats_to_render()
        if self._render_range is not None:
            render_plays(first=0 if self._render_range[0] == 0 else None)
        # the formulas this render will need, compiled in one batch at its first missing one
        self._tex_lookahead = TexLookahead.start(type(self))
        if self._tex_lookahead is not None:
            weakref.finalize(self, self._tex_lookahead.close)

    def tear_down(self) -> None:
        if self._tex_lookahead is not None:
            self._tex_lookahead.close()
        stop = self._render_range[1] if self._render_range is not None else None
        if stop is None or self._beats_done < stop:  # past a chunk's last beat nothing more is rendered
            self._finish_speech()
        self._check_described()
        self.narrator.undescribed = list(self._undescribed)
        if self._beat_ids:  # the last beat ends with the scene
            self._keep_beat_frame()
        self.narrator.write(len(self._beat_ids), [*self._beat_ends, self.time])
        super().tear_down()

    @property
    def settings(self) -> Settings:
        return active_settings()

    def rt(self, seconds: float) -> float:
        """A run time in seconds, scaled by ``[render].run_time_scale`` and stretched to the beat's speech."""
        return seconds * self.settings.render.run_time_scale * self._stretch

    def caption(self, text: str, seconds: float, spoken: str | None = None, silent_caption: bool = True,
                shows: str | None = None) -> None:
        """The beat's narration, said from now: ``text`` is the caption (readable math), ``spoken`` what the
        voice says when the written form reads badly aloud (default: the narrator's spoken form of ``text``),
        ``seconds`` the beat's planned length (scaled).  The caption (for the lecture's .srt) lasts as long as
        the speech, or ``seconds`` when silent (then not at all unless ``silent_caption``).
        ``shows`` describes what the beat shows that ``text`` does not say (for viewers who cannot see it).
        One caption per beat, after the beat's ``self.beat("id")``."""
        self._finish_speech()
        if not self._beat_ids:
            raise RuntimeError(f"{type(self).__name__}: caption {text[:40]!r} before the first beat; start each "
                               f"beat with self.beat(\"id\")")
        if self._captioned_beat == self._beats_done:
            raise RuntimeError(f"{type(self).__name__}: beat {self._beats_done + 1} has a second caption "
                               f"({text[:40]!r}...); one caption per beat (start the next with self.beat(\"id\"))")
        self._captioned_beat = self._beats_done
        if shows is not None and shows.strip():
            self._described_beat = self._beats_done
            self.narrator.describe(self._beats_done, self.time, shows.strip())
        planned = self._plan.get(self._beats_done, seconds * self.settings.render.run_time_scale)
        said = self.narrator.say(self._scene_beat_id(), self._beats_done, text, self.time, spoken)
        if SLIDES:  # pragma: no cover - exercised by the slides export
            set_slide_notes(self, text)
        if said.seconds is None:
            if silent_caption:
                self.add_subcaption(text, duration=planned)
            return
        self._stretch = max(1.0, (said.seconds + SPEECH_PAUSE) / max(planned, 1e-3))
        self._speech_ends = self.time + said.seconds + SPEECH_PAUSE
        self.add_subcaption(text, duration=said.seconds)

    def _finish_speech(self) -> None:
        """Wait (a frozen frame) until the current beat's speech and pause are over; unstretch run times."""
        ends, self._speech_ends, self._stretch = self._speech_ends, None, 1.0
        if ends is not None and ends - self.time > 1e-3:
            self.wait(ends - self.time, frozen_frame=True)

    def pause(self, seconds: float = 1.0) -> None:
        """Hold the picture for ``seconds`` (scaled).  Nothing moves in a pause and no updater here
        depends on time, so the frame is frozen: drawn once and repeated, not redrawn with every
        updater re-run on each frame."""
        self.wait(self.rt(seconds), frozen_frame=True)

    def play(self, *args, **kwargs) -> None:
        """Manim's ``play``; a play Manim skips (a chunk's or beat preview's earlier beats) keeps a whole
        render's clock."""
        before = self.time
        self._beat_plays += 1
        super().play(*args, **kwargs)
        time_as_rendered(self, before)

    def beat(self, beat_id: str) -> None:
        """The start of the beat ``beat_id`` (a slug unique in the scene: its recording is
        ``<Scene>-<beat_id>.wav``), and the end of the beat before it, if any: a slide boundary when presenting;
        in a beat preview or a chunk of a split render, where rendering starts or stops; nothing else in a video.
        The scene's last beat ends with the scene."""
        check_beat_id(type(self).__name__, beat_id, self._beat_ids)
        if self._beat_ids:
            self._end_beat()
        self._beat_ids.append(beat_id)

    def _scene_beat_id(self) -> str:
        """The current beat's lecture-wide id, ``<Scene>-<beat id>``."""
        return scene_beat_id(type(self).__name__, self._beat_ids[self._beats_done])

    def _end_beat(self) -> None:
        self._finish_speech()
        self._check_described()
        self._beat_ends.append(self.time)
        self._keep_beat_frame()
        if SLIDES:  # pragma: no cover
            self.next_slide()
        self._beats_done += 1
        if self._render_range is not None:
            first, stop = self._render_range
            if self._beats_done == first:
                render_plays(first=plays_so_far(self))
            elif self._beats_done == stop:
                render_plays(first=None, stop_after=plays_so_far(self))

    def _keep_beat_frame(self) -> None:
        """With ``$JACOBIAN_BEAT_FRAMES``: draw the frame the beat ends on and keep it (see ``BEAT_FRAMES_ENV``).

        Drawn afresh (every mobject, none from Manim's cached background), so it is the same with ``-s``, where
        no play draws anything, as in a movie, where it is the beat's last picture; the renderer's picture and
        cached background are put back afterwards, so the render itself is unchanged."""
        if self.beat_frames is None:
            return
        frame = draw_current_frame(self)
        name = self._scene_beat_id()
        self.beat_frames.append((name, frame))
        folder = os.environ.get(BEAT_FRAMES_ENV, "")
        if folder != "1":
            from PIL import Image

            Path(folder).mkdir(parents=True, exist_ok=True)
            Image.fromarray(frame).save(Path(folder) / f"{name}.png")

    def _check_described(self) -> None:
        """Note the current beat as undescribed when it played an animation without ``caption(shows=...)``."""
        if self._beat_plays and self._beat_ids and self._described_beat != self._beats_done:
            self._undescribed.append(self._scene_beat_id())
        self._beat_plays = 0

    def beats_to_render(self) -> tuple[int, int | None] | None:
        """The beats this render draws, (first, stop) 0-based with ``stop`` excluded (None: to the end), or
        None for all: the beat preview's one beat, else ``$JACOBIAN_BEATS`` (a chunk of a split render,
        see ``lecture/chunks.py``)."""
        if self.preview_beat is not None:
            return self.preview_beat, self.preview_beat + 1
        spec = os.environ.get(BEATS_ENV)
        return beat_range(spec) if spec else None

    def title_card(self, title: str, subtitle: str = "", seconds: float = 1.5) -> None:
        """Show a short title card, then clear it (both fades by :func:`uncover` / :func:`cover`)."""
        card = VGroup(plain_text(title, font_size=style.TITLE_SIZE, color=style.TEXT))
        if subtitle:
            card.add(plain_text(subtitle, font_size=style.SMALL_SIZE, color=style.MUTED))
        card.arrange(DOWN, buff=style.SECTION_GAP)
        said = f"{title}." + (f" {subtitle[0].upper()}{subtitle[1:]}." if subtitle else "")
        self.caption(said, 0.6 + seconds + 0.4, silent_caption=False,
                     shows="A title card with these words." if subtitle else "A title card with the title.")
        uncover(self, [[card]], self.rt(0.6))
        self.pause(seconds)
        cover(self, [[card]], self.rt(0.4))


def _veils(parts: Sequence[Sequence[Mobject]], buff: float) -> VGroup:
    """One opaque background-coloured rectangle over each group of ``parts``, drawn above it."""
    veils = VGroup()
    for group in parts:
        z = max(m.z_index for mob in group for m in mob.get_family())
        veils.add(SurroundingRectangle(Group(*group), buff=buff, stroke_width=style.NO_STROKE,
                                       fill_color=config.background_color, fill_opacity=1).set_z_index(z + 1))
    return veils


def uncover(scene: Scene, parts: Sequence[Sequence[Mobject]], run_time: float, *others: Animation,
            buff: float = style.VEIL_MARGIN_WIDE) -> None:
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
          buff: float = style.VEIL_MARGIN_WIDE) -> None:
    """The reverse of :func:`uncover`: fade veils in over each group of ``parts``, then remove both."""
    veils = _veils(parts, buff)
    scene.play(FadeIn(veils), *others, run_time=run_time)
    scene.remove(*[mob for group in parts for mob in group], veils)
