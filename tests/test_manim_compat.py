"""One test per hook of ``scenes/kit/manim_compat.py``: each does what it claims against the installed Manim.

After a Manim upgrade run this file first: a failing test names the hook (and so the internal) that broke.
"""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import pytest
from manim import (
    DL,
    DR,
    LEFT,
    ORIGIN,
    RESAMPLING_ALGORITHMS,
    RIGHT,
    UL,
    UR,
    Camera,
    Create,
    DecimalNumber,
    FadeIn,
    ImageMobject,
    MathTex,
    Scene,
    Square,
    VMobject,
    config,
    tempconfig,
)

from scenes.kit import manim_compat as compat


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("compat_media")


def capture(*mobjects, width: int = 160, height: int = 90) -> np.ndarray:
    """What Manim's Cairo camera draws of ``mobjects`` on a ``width`` x ``height`` frame."""
    with tempconfig({"pixel_width": width, "pixel_height": height, "verbosity": "ERROR"}):
        camera = Camera()
        camera.capture_mobjects(list(mobjects))
        return camera.pixel_array.copy()


def tiny(media: Path, name: str, **overrides) -> dict:
    """Manim settings for a tiny test video ``name`` in a folder of its own under ``media``: 64 x 36 at 5 fps,
    mp4, no cache, quiet; ``overrides`` change or add settings."""
    return {"media_dir": str(media / name), "output_file": name, "pixel_width": 64, "pixel_height": 36,
            "frame_rate": 5, "disable_caching": True, "write_to_movie": True, "save_last_frame": False,
            "format": "mp4", "verbosity": "ERROR", "progress_bar": "none", **overrides}


# ------------------------------------------------------------------------------------------- encoding


class _Tiny(Scene):
    def construct(self) -> None:
        self.play(Create(Square()), run_time=0.4)
        self.wait(0.2)


def _render(media: Path, name: str, preset: str | None) -> tuple[Scene, bool]:
    with tempconfig(tiny(media, name)):
        scene = _Tiny()
        switched = compat.set_x264_preset(scene, preset) if preset else False
        scene.render()
    return scene, switched


def test_set_x264_preset_puts_the_preset_into_the_encoded_stream(media: Path) -> None:
    # x264 writes its settings into the stream: ultrafast turns sub-pixel refinement off, medium (x264's
    # default, which Manim 0.21 uses) refines with 7
    fast, switched = _render(media, "fast", "ultrafast")
    assert switched
    default, _ = _render(media, "default", None)
    fast_bytes = compat.movie_file_of(fast).read_bytes()
    assert b"subme=0 " in fast_bytes and b"subme=7 " not in fast_bytes
    assert b"subme=7 " in compat.movie_file_of(default).read_bytes()


def test_movie_file_of_and_rendered_seconds_name_the_video_written(media: Path) -> None:
    import av

    scene, _ = _render(media, "named", None)
    video = compat.movie_file_of(scene)
    assert video.is_file() and video.name == "named.mp4" and media / "named" in video.parents
    assert compat.rendered_seconds(scene) == pytest.approx(0.6)  # 0.4 s played + 0.2 s waited
    with av.open(str(video)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == round(compat.rendered_seconds(scene) * 5)


# ------------------------------------------------------------------------------------ families, skipping


class _SkipThenDraw(Scene):
    """Two plays and a wait skipped, then one play drawn."""

    def construct(self) -> None:
        square, dot = Square(), Square(side_length=0.5).shift(LEFT)
        self.add(dot)
        compat.render_plays(first=None)
        self.play(Create(square), run_time=0.4)
        self.play(square.animate.shift(RIGHT), run_time=0.4)
        self.wait(0.4, frozen_frame=True)
        self.draws_skipped = self.camera.draws
        compat.render_plays(first=compat.plays_so_far(self))
        self.play(square.animate.shift(UR), run_time=0.4)


def test_draw_nothing_while_skipping_draws_the_same_frames_and_last_frame(media: Path, monkeypatch) -> None:
    capture_mobjects = Camera.capture_mobjects

    def counted(self, *args, **kwargs):
        self.draws = getattr(self, "draws", 0) + 1
        return capture_mobjects(self, *args, **kwargs)

    monkeypatch.setattr(Camera, "capture_mobjects", counted)
    monkeypatch.setattr(Camera, "draws", 0, raising=False)
    # Manim's own sorting of a play's mobjects into moving and still ones (what each frame redraws), counted
    splits, split = [], compat._manims(Scene, "get_moving_and_static_mobjects")
    monkeypatch.setattr(Scene, "get_moving_and_static_mobjects",
                        lambda self, animations: (splits.append(1), split(self, animations))[1])

    def render(on: bool, still: bool) -> tuple[int, list[np.ndarray]]:
        name = f"skipdraw_{on}_{still}"
        splits.clear()
        compat.draw_nothing_while_skipping(on)
        try:
            with tempconfig(tiny(media, name, write_to_movie=not still, save_last_frame=still)):
                scene = _SkipThenDraw()
                scene.render()
                if still:
                    images = sorted((media / name).rglob("*.png"))
                    assert len(images) == 1
                    from PIL import Image
                    return scene.draws_skipped, [np.asarray(Image.open(images[0]))]
                with av.open(str(compat.movie_file_of(scene))) as box:
                    return scene.draws_skipped, [f.to_ndarray(format="rgb24") for f in box.decode(video=0)]
        finally:
            compat.draw_nothing_while_skipping()

    manims_draws, manims_frames = render(on=False, still=False)
    assert len(splits) == 4  # Manim sorted the mobjects of every play and wait, skipped or not
    draws, frames = render(on=True, still=False)
    assert manims_draws >= 4 and draws == 0  # Manim drew each skipped play twice; the hook draws nothing
    assert len(splits) == 1  # ... and sorts for drawing only the play it draws
    assert len(frames) == 2 and all(np.array_equal(a, b) for a, b in zip(frames, manims_frames, strict=True))
    _, manims_still = render(on=False, still=True)
    _, still = render(on=True, still=True)  # -s: everything skipped, the last frame still drawn
    assert splits == []
    assert still[0][..., :3].any() and np.array_equal(still[0], manims_still[0])  # drawn, not the background



class _Beats(Scene):
    """Plays and frozen waits; ``draw``: the current frame is drawn (and kept) after the second, third and last."""

    draw = True

    def construct(self) -> None:
        self.kept, square = [], Square()
        self.add(Square(side_length=0.5).shift(LEFT))
        self.play(Create(square), run_time=0.4)
        self.wait(0.4, frozen_frame=True)
        self.keep()
        self.play(square.animate.shift(RIGHT), run_time=0.4)
        self.keep()
        self.play(square.animate.shift(UR), run_time=0.4)
        self.keep()  # as the last beat's end is kept, after the last play

    def keep(self) -> None:
        if self.draw:
            self.kept.append((len(self.renderer.jacobian_written), compat.draw_current_frame(self)))


def test_draw_current_frame_is_the_frame_shown_there_and_changes_no_frame(media: Path, monkeypatch) -> None:
    from manim.renderer.cairo_renderer import CairoRenderer

    add_frame = CairoRenderer.add_frame

    def recorded(self, frame, num_frames=1):
        if not self.skip_animations:
            self.jacobian_written.extend([frame[..., :3].copy()] * num_frames)
        return add_frame(self, frame, num_frames)

    monkeypatch.setattr(CairoRenderer, "add_frame", recorded)
    monkeypatch.setattr(CairoRenderer, "jacobian_written", None, raising=False)

    def render(draw: bool, still: bool) -> _Beats:
        with tempconfig(tiny(media, f"beats_{draw}_{still}", write_to_movie=not still, save_last_frame=still)):
            scene = type("_Beats", (_Beats,), {"draw": draw})()
            scene.renderer.jacobian_written = []
            scene.render()
        return scene

    drawn, plain, still = render(True, False), render(False, False), render(True, True)
    written = drawn.renderer.jacobian_written
    # the movie's frames are the same with the frames drawn between plays as without
    assert len(written) == len(plain.renderer.jacobian_written) == 8
    assert all(np.array_equal(a, b) for a, b in zip(written, plain.renderer.jacobian_written, strict=True))
    # after a frozen wait the frame drawn is the last one the movie wrote; after a move, whose last frame
    # written is not yet at its end (frames at t = 0, 0.2 of 0.4 s), it is the next one, where the movie first
    # shows the finished move; -s draws the same pictures
    assert [n for n, _ in drawn.kept] == [4, 6, 8]
    (n0, first), (n1, second), _ = drawn.kept
    assert first.any() and np.array_equal(first, written[n0 - 1])
    assert not np.array_equal(second, written[n1 - 1]) and np.array_equal(second, written[n1])
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(drawn.kept, still.kept, strict=True))
    # the renderer's picture after the render (the movie's last frame; -s: the last frame) is left as it was
    assert np.array_equal(drawn.renderer.get_frame(), plain.renderer.get_frame())
    assert np.array_equal(still.renderer.get_frame(), render(False, True).renderer.get_frame())


class _ThreeFades(Scene):
    """Three plays, each fading a square of its own size into an emptied scene (as Manim's own cache test)."""

    def construct(self) -> None:
        for side in (0.5, 1.0, 1.5):
            self.play(FadeIn(Square(side_length=side)), run_time=0.4)
            self.clear()


def test_draw_nothing_while_skipping_keeps_manims_cache(media: Path, monkeypatch) -> None:
    """With Manim's cache on, a re-render of an unchanged scene reuses every cached partial movie (Manim's
    ``test_parallel_encoding_cache_behavior``), and the hook still leaves out the skipped plays' draws after
    the camera's first one."""
    capture_mobjects, draws_now = Camera.capture_mobjects, [0]  # counted outside the camera, which is hashed

    def counted(self, *args, **kwargs):
        draws_now[0] += 1
        return capture_mobjects(self, *args, **kwargs)

    monkeypatch.setattr(Camera, "capture_mobjects", counted)

    def render(name: str) -> tuple[dict[str, int], int]:
        draws_now[0] = 0
        with tempconfig(tiny(media, name, disable_caching=False)):
            _ThreeFades().render()
        partial = sorted((media / name).rglob("partial_movie_files/*/*.mp4"))
        return {p.name: p.stat().st_mtime_ns for p in partial}, draws_now[0]

    compat.draw_nothing_while_skipping(on=False)
    try:
        render("cache_manims")
        _, manims_draws = render("cache_manims")  # Manim's own: every play cached, each drawn twice
    finally:
        compat.draw_nothing_while_skipping()
    first, _ = render("cache_hooked")
    again, draws = render("cache_hooked")
    assert len(first) == 3 and again == first  # nothing re-encoded, no partial movie added
    assert manims_draws == 3 and draws == 1  # Manim draws each cached play once; the hook only the first


def test_install_render_hooks_installs_and_removes_every_render_hook() -> None:
    """What ``scenes/kit/scene.py`` installs at import (every render) and what ``lecture/preview.py``'s render
    child adds (``install_preview_hooks``); ``scripts/test --manim-suite`` runs Manim's tests with both."""
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
    from manim.renderer.cairo_renderer import CairoRenderer

    import scenes.kit.scene  # noqa: F401 - installs the render hooks at import

    def always() -> list:
        return [CairoRenderer.play, CairoRenderer.update_frame, VMobjectFromSVGPath.generate_points]

    def preview_only() -> list:
        return [Camera.set_cairo_context_path]

    preview_was_on = hasattr(Camera.set_cairo_context_path, "manim_original")
    try:
        compat.install_render_hooks(on=False)
        compat.install_preview_hooks(on=False)
        manims, manims_preview = always(), preview_only()
        assert not any(hasattr(m, "manim_original") for m in manims + manims_preview)
        compat.install_render_hooks()
        compat.install_render_hooks()  # idempotent
        assert [m.manim_original for m in always()] == manims
        assert preview_only() == manims_preview  # the preview's hooks are not installed for every render
        compat.install_preview_hooks()
        compat.install_preview_hooks()  # idempotent
        assert [m.manim_original for m in preview_only()] == manims_preview
        assert [m.manim_original for m in always()] == manims
    finally:
        compat.install_render_hooks()
        compat.install_preview_hooks(preview_was_on)


def test_the_preview_child_installs_the_preview_hooks(tmp_path: Path) -> None:
    """``lecture/preview.py``'s render child installs :func:`install_preview_hooks` (seen from the child)."""
    from lecture import preview, render

    seen = tmp_path / "seen"

    class Seeing(preview.Previewer):
        def _child(self) -> dict:  # runs in the forked child: record the hooks as the scene renders
            from manim import Scene

            def render_noting(scene, *args, **kwargs):
                seen.write_text(str(hasattr(Camera.set_cairo_context_path, "manim_original")))
                raise RuntimeError("seen")

            Scene.render = render_noting
            return super()._child()

    compat.install_preview_hooks(on=False)  # as in the parent of a real preview
    try:
        target = preview.resolve_target("MLOutlook")
        result = Seeing(target, render.QUALITIES["tiny"], None, out_dir=tmp_path / "out").render()
    finally:
        compat.install_preview_hooks(on=False)
    assert not result.ok and "seen" in result.error
    assert seen.read_text() == "True"


class _RecordingContext:
    """Stands in for a Cairo context: records each path call with its arguments, as the doubles Cairo gets."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):
        return lambda *args: self.calls.append((name, *map(float, args)))


def test_fast_cairo_paths_makes_the_cairo_calls_manim_makes(media: Path) -> None:
    from manim import Arc, Circle, Text

    from scenes.kit.text import single_path

    def mob(points) -> VMobject:
        m = VMobject()
        m.points = np.asarray(points, dtype=float)
        return m

    square, moved = Square(), Square(side_length=0.5).shift(RIGHT * 2)
    rng = np.random.default_rng(3)
    with tempconfig({"media_dir": str(media / "paths"), "verbosity": "ERROR"}):
        shapes = [
            square, Circle(), Arc(angle=2), single_path(Text("Jacobian, 2 paths", font_size=30)),
            mob(np.vstack([square.points, moved.points])),  # two closed subpaths
            mob(np.vstack([square.points, rng.normal(size=(6, 3))])),  # a trailing partial curve
            mob(rng.normal(size=(2, 3))),  # under one curve
            mob(np.zeros((0, 3))),
            mob(np.vstack([square.points[:4], [[np.nan, 0, 0]] * 4])),  # not finite: Manim draws nothing sane
            mob(rng.normal(size=(40, 3))),  # many open subpaths
        ]
    camera = Camera()

    def calls() -> list[list[tuple]]:
        out = []
        for shape in shapes:
            ctx = _RecordingContext()
            camera.set_cairo_context_path(ctx, shape)
            out.append(ctx.calls)
        return out

    was_on = hasattr(Camera.set_cairo_context_path, "manim_original")  # installed only by the preview
    compat.fast_cairo_paths(on=False)
    try:
        manims = calls()
        compat.fast_cairo_paths()
        compat.fast_cairo_paths()  # idempotent
        assert calls() == manims
    finally:
        compat.fast_cairo_paths(was_on)
    assert sum(c[0] == "close_path" for c in manims[4]) == 2 and len(manims[3]) > 100  # the cases are real
    # and Cairo draws the same pixels
    compat.fast_cairo_paths()
    try:
        before = capture(*shapes[:5])
        compat.fast_cairo_paths(on=False)
        assert np.array_equal(capture(*shapes[:5]), before)
    finally:
        compat.fast_cairo_paths(was_on)


# --------------------------------------------------------------------------------------------- glyphs


def test_forget_svg_paths_when_parsed_keeps_the_outlines_copies_and_drawing(media: Path) -> None:
    formula = r"f'(x) = \sum_i w_i\,\phi_i'(x)"
    # (each in a TeX folder of its own: Manim's SVG cache would hand out copies of the first one's glyphs)
    with tempconfig({"media_dir": str(media / "kept"), "verbosity": "ERROR"}):
        compat.forget_svg_paths_when_parsed(on=False)
        try:
            kept = MathTex(formula, font_size=60)
        finally:
            compat.forget_svg_paths_when_parsed()
    with tempconfig({"media_dir": str(media / "forgotten"), "verbosity": "ERROR"}):
        tex = MathTex(formula, font_size=60)
        compat.forget_svg_paths_when_parsed()  # idempotent: still one wrapper
        again = MathTex(formula + "+ 1", font_size=60)
    assert all(getattr(g, "path_obj", None) is not None for g in kept.family_members_with_points())
    for mob in (tex, again):
        glyphs = mob.family_members_with_points()
        assert glyphs and all(g.path_obj is None for g in glyphs)
    before = capture(kept)
    assert not np.array_equal(before, capture())  # something was drawn
    for mob in (tex, tex.copy(), tex.copy().shift([1, 0, 0]).shift([-1, 0, 0])):
        for a, b in zip(mob.family_members_with_points(), kept.family_members_with_points(), strict=True):
            np.testing.assert_allclose(a.points, b.points, atol=1e-12)
        assert np.array_equal(capture(mob), before)


@pytest.mark.parametrize("kwargs", [
    {"num_decimal_places": 2},
    {"num_decimal_places": 3, "include_sign": True},
    {"num_decimal_places": 0},
    {"num_decimal_places": 1, "group_with_commas": True},
])
def test_decimal_text_is_what_decimal_number_shows(kwargs: dict, media: Path) -> None:
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        probe = DecimalNumber(0, **kwargs)
        for value in (0.0, -0.27, 1.5, -12.04, -0.001, 3.14159, 12345.678):
            shown = "".join(sub.tex_string for sub in DecimalNumber(value, **kwargs).submobjects)
            assert compat.decimal_text(probe, value) == shown, value
    # and independently of Manim, for the plain case
    assert compat.decimal_text(DecimalNumber(0, num_decimal_places=2), -0.27) == "-0.27"
    assert compat.decimal_text(DecimalNumber(0, num_decimal_places=2, include_sign=True), 0.25) == "+0.25"


def test_font_size_of_is_the_built_size_and_the_base_of_the_font_size_property(media: Path) -> None:
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        number = DecimalNumber(1.5, font_size=30)
    assert compat.font_size_of(number) == 30
    number.scale(2)
    assert compat.font_size_of(number) == 30  # what it was built with ...
    assert number.font_size == pytest.approx(60)  # ... while the property follows the scaling
    assert number.font_size == pytest.approx(number.height / number.initial_height * compat.font_size_of(number))


def test_set_unit_height_makes_the_font_size_property_read_the_drawn_size(media: Path) -> None:
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        number = DecimalNumber(1.5, font_size=30)
    unit = number.height / 30  # the glyphs' height at font size 1
    number.initial_height = 123.0  # stale, as after glyphs were replaced behind DecimalNumber's back
    assert number.font_size != pytest.approx(30)
    compat.set_unit_height(number, unit)
    assert number.font_size == pytest.approx(30)
    number.scale(1.5)
    assert number.font_size == pytest.approx(45)
    number.font_size = 20  # the public setter scales from the reading
    assert number.height == pytest.approx(20 * unit)


def test_set_glyph_points_draws_what_set_points_draws() -> None:
    pts = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [2, 1, 0], [2, 1, 0], [1, 1.5, 0], [0, 1, 0], [0, 0, 0]],
                   float) - [1, 0.5, 0]
    ours = VMobject(fill_color="#ff0000", fill_opacity=1, stroke_width=0)
    compat.set_glyph_points(ours, pts)
    assert ours.points is pts  # not copied
    theirs = VMobject(fill_color="#ff0000", fill_opacity=1, stroke_width=0).set_points(pts)
    np.testing.assert_array_equal(ours.get_center(), theirs.get_center())
    drawn = capture(ours)
    assert not np.array_equal(drawn, capture())
    assert np.array_equal(drawn, capture(theirs))


def test_swap_glyphs_shows_the_new_glyphs_and_empties_the_old(media: Path) -> None:
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        number = DecimalNumber(1.5, num_decimal_places=2, font_size=96)
    old = list(number.submobjects)
    kept = old[0]
    new = [kept, Square(0.5).move_to([2, 0, 0])]
    compat.swap_glyphs(number, new)
    assert len(number.submobjects) == 2 and all(a is b for a, b in zip(number.submobjects, new, strict=True))
    assert kept.has_points() or kept.family_members_with_points()  # a glyph still shown keeps its outline
    for glyph in old[1:]:  # the others are emptied: a scene still holding them draws nothing
        assert not any(m.has_points() for m in glyph.get_family())
        assert np.array_equal(capture(glyph), capture())
    assert np.array_equal(capture(number), capture(*new))


# --------------------------------------------------------------------------------------------- images


def test_set_image_pixels_are_the_pixels_the_camera_draws() -> None:
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, (18, 32, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    with tempconfig({"pixel_width": 32, "pixel_height": 18, "verbosity": "ERROR"}):
        img = ImageMobject(np.full((4, 4, 4), 255, np.uint8))  # another size: the new pixels bring their own
        img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        img.stretch_to_fit_width(config.frame_width).stretch_to_fit_height(config.frame_height).move_to(ORIGIN)
    compat.set_image_pixels(img, rgba)
    assert np.array_equal(img.get_pixel_array(), rgba)
    assert np.array_equal(capture(img, width=32, height=18), rgba)  # pixel for pixel, row 0 at the top


def test_set_image_corners_are_the_images_corners() -> None:
    img = ImageMobject(np.full((4, 4, 4), 255, np.uint8))
    corners = np.array([[-4, 2, 0], [2, 2, 0], [-4, -1, 0], [2, -1, 0]], float)  # UL, UR, DL, DR
    compat.set_image_corners(img, corners)
    for corner, want in zip((UL, UR, DL, DR), corners, strict=True):
        np.testing.assert_allclose(img.get_corner(corner), want)
    assert (img.width, img.height) == pytest.approx((6, 3))
    # the camera draws the pixels exactly over that rectangle: 160x90 pixels for the 14.22 x 8 frame
    with tempconfig({"pixel_width": 160, "pixel_height": 90, "verbosity": "ERROR"}):
        px = Camera().points_to_pixel_coords(img, corners)
    drawn = np.argwhere(capture(img)[..., 0] > 128)  # (row, col)
    np.testing.assert_array_equal(drawn.min(axis=0), px[0][::-1])
    np.testing.assert_array_equal(drawn.max(axis=0) + 1, px[3][::-1])


# ------------------------------------------------------------------------------------------- beat preview


def test_render_plays_renders_only_the_chosen_plays_and_stops_after_them(media: Path) -> None:
    seen: dict[str, object] = {}

    class Three(Scene):
        def construct(self) -> None:
            square = self.square = Square()
            compat.render_plays(first=None)  # nothing rendered from here ...
            self.play(Create(square), run_time=0.4)  # play 0: runs unrendered
            seen["after_skipped"] = compat.plays_so_far(self)
            compat.render_plays(first=compat.plays_so_far(self))  # ... until here
            self.play(square.animate.shift(RIGHT), run_time=0.4)  # play 1: rendered (2 frames at 5 fps)
            compat.render_plays(first=None, stop_after=compat.plays_so_far(self))
            seen["stopped_at"] = compat.plays_so_far(self)
            self.play(square.animate.shift(LEFT), run_time=0.4)  # play 2: ends the scene before it runs
            seen["ran_on"] = True

    with tempconfig(tiny(media, "three")):
        scene = Three()
        scene.render()
        movie = compat.movie_file_of(scene)
    assert seen == {"after_skipped": 1, "stopped_at": 2}
    with av.open(str(movie)) as box:
        assert sum(1 for _ in box.decode(video=0)) == 2
    # the state is a whole render's: the square was created (unrendered) and shifted once
    assert scene.square in scene.mobjects and scene.square.get_center()[0] == pytest.approx(1.0)


def test_time_as_rendered_gives_skipped_plays_a_whole_renders_clock(media: Path) -> None:
    """Run times that are not whole frames (0.3 s at 7 fps: 3 frames, 0.43 s): the clock after each play is
    bit-identical whether the plays before were rendered or skipped."""

    def clocks(skip_first: bool, hook: bool) -> list[float]:
        seen: list[float] = []

        class Timed(Scene):
            def step(self, *animations, **kwargs) -> None:
                before = self.time
                self.play(*animations, **kwargs) if animations else self.wait(0.3, frozen_frame=True)
                if hook:
                    compat.time_as_rendered(self, before)
                seen.append(self.time)

            def construct(self) -> None:
                square = Square()
                if skip_first:
                    compat.render_plays(first=None)
                self.step(Create(square), run_time=0.3)
                self.step()  # a frozen wait
                if skip_first:
                    compat.render_plays(first=compat.plays_so_far(self))
                self.step(square.animate.shift(RIGHT), run_time=0.3)

        name = f"timed_{skip_first}_{hook}"
        with tempconfig(tiny(media, name, frame_rate=7)):
            Timed().render()
        return seen

    whole = clocks(skip_first=False, hook=True)
    assert whole == clocks(skip_first=False, hook=False)  # rendered plays: the hook changes nothing
    assert clocks(skip_first=True, hook=True) == whole  # exact equality, floats and all
    assert clocks(skip_first=True, hook=False) != whole  # Manim alone: exact run times, not whole frames


def test_set_slide_notes_gives_the_slide_in_progress_its_notes(media: Path, monkeypatch) -> None:
    from manim_slides import Slide

    class Two(Slide):
        def construct(self) -> None:
            square = Square()
            self.play(Create(square), run_time=0.4)
            compat.set_slide_notes(self, "the first beat")
            self.next_slide()
            compat.set_slide_notes(self, "the second beat")  # set after the slide started, as a beat's caption is
            self.play(square.animate.shift(RIGHT), run_time=0.4)

    monkeypatch.chdir(media)  # manim-slides writes ./slides/<Scene>.json
    with tempconfig({"media_dir": str(media / "two"), "pixel_width": 64, "pixel_height": 36, "frame_rate": 5,
                     "disable_caching": True, "format": "mp4", "verbosity": "ERROR", "progress_bar": "none"}):
        Two().render()
    import json

    deck = json.loads((media / "slides" / "Two.json").read_text(encoding="utf-8"))
    assert [slide["notes"] for slide in deck["slides"]] == ["the first beat", "the second beat"]


# ---------------------------------------------------------------------------------------------- TeX


def test_set_tex_handler_sees_every_formula_before_manim_and_can_stand_in(tmp_path: Path) -> None:
    seen: list[tuple[str, Path, bool]] = []
    stand_in = tmp_path / "square.svg"
    stand_in.write_text("<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0h1v1h-1z'/></svg>")

    def handler(document: str, svg: Path, compiler: str, output_format: str) -> Path | None:
        assert (compiler, output_format) == ("latex", ".dvi")
        seen.append((document, svg, svg.exists()))
        return stand_in if "stood in" in document else None

    with tempconfig({"media_dir": str(tmp_path / "media"), "verbosity": "ERROR"}):
        compat.set_tex_handler(handler)
        try:
            first = MathTex(r"x^2 + y")  # new: the handler sees it first, then Manim compiles it
            again = MathTex(r"x^2 + y")  # compiled now
            fake = MathTex(r"\text{stood in}")  # the handler's SVG is used instead
        finally:
            compat.set_tex_handler(None)
        after = MathTex(r"q")  # Manim's own behaviour again: nobody is asked
        tex_dir = Path(config.get_dir("tex_dir"))
    assert [(svg, existed) for _, svg, existed in seen] == [(seen[0][1], False), (seen[0][1], True),
                                                            (seen[2][1], False)]
    document, svg, _ = seen[0]
    assert "x^2 + y" in document and document.startswith("\\documentclass")
    # the file Manim compiles the document into and reads back: the same name and text as its own
    assert svg.parent == tex_dir and svg.is_file() and svg.with_suffix(".tex").read_text() == document
    assert not seen[2][1].exists() and not seen[2][1].with_suffix(".tex").exists()  # nothing written for it
    np.testing.assert_array_equal(first.get_all_points(), again.get_all_points())
    assert len(fake.family_members_with_points()) == 1 and fake.get_all_points().shape == (16, 3)
    assert len(after.family_members_with_points()) == 1


class _ThreePlays(Scene):
    def construct(self) -> None:
        self.square = Square()
        self.play(Create(self.square), run_time=0.4)
        compat.skip_every_play(self)
        self.play(self.square.animate.shift(RIGHT), run_time=0.4)
        self.wait(0.2)


def test_skip_every_play_runs_later_plays_unrendered(media: Path) -> None:
    with tempconfig(tiny(media, "skip")):
        scene = _ThreePlays()
        scene.render()
        video = compat.movie_file_of(scene)
    with av.open(str(video)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 2  # the first play's 0.4 s at 5 fps; the other two were skipped
    np.testing.assert_allclose(scene.square.get_center(), RIGHT)  # ... but they ran
    assert scene.renderer.time == pytest.approx(1.0)


def test_remember_svg_parses_hands_out_copies_of_the_same_outlines(tmp_path: Path) -> None:
    from manim import Text
    from manim.mobject.svg import svg_mobject

    def build() -> list:
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()  # Manim's own cache (MathTex only, per process) aside
        return [MathTex(r"J_f", "=", r"\sigma_1", tex_to_color_map={r"\sigma_1": "#FF0000"}),
                Text("spatial outputs", font_size=24, t2c={"outputs": "#00FF00"})]

    def outline(mob) -> list:
        return [(type(m).__name__, len(m.submobjects), m.points.round(9).tolist(), m.get_fill_color().to_hex())
                for m in mob.get_family()]

    plain = svg_mobject.SVGMobject.generate_mobject
    parses: list[str] = []

    def counting(self):
        parses.append(str(self.file_name))
        return plain(self)

    memo: dict = {}
    used: set = set()
    svg_mobject.SVGMobject.generate_mobject = counting
    try:
        with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
            reference = [outline(m) for m in build()]
            compat.remember_svg_parses(memo, used)
            parses.clear()
            first = build()  # parsed, and remembered
            assert len(parses) == 2 and len(memo) == 2 and len(used) == 2
            second = build()  # copied
            assert len(parses) == 2
            second[0].get_part_by_tex(r"\sigma_1").shift([5, 0, 0])  # its groups point at its own glyphs ...
            third = build()  # ... and the memo is untouched by that
    finally:
        svg_mobject.SVGMobject.generate_mobject = plain
    assert len(parses) == 2
    assert [outline(m) for m in first] == reference
    assert [outline(m) for m in third] == reference
    assert outline(second[0]) != reference[0] and outline(second[1]) == reference[1]


def test_remember_svg_parses_reads_an_edited_svg_file_again(tmp_path: Path) -> None:
    from manim import SVGMobject
    from manim.mobject.svg import svg_mobject

    drawing = tmp_path / "shape.svg"
    drawing.write_text("<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0h1v1h-1z'/></svg>")
    plain = svg_mobject.SVGMobject.generate_mobject
    compat.remember_svg_parses({})
    try:
        with tempconfig({"media_dir": str(tmp_path / "media"), "verbosity": "ERROR"}):
            square = SVGMobject(str(drawing), use_svg_cache=False)
            drawing.write_text("<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0h2v1h-2z'/></svg>")
            os.utime(drawing, ns=(10**9, 10**9))  # another time, whatever the file system's clock
            wide = SVGMobject(str(drawing), use_svg_cache=False)
    finally:
        svg_mobject.SVGMobject.generate_mobject = plain
    assert square.width / square.height == pytest.approx(1.0, rel=1e-3)
    assert wide.width / wide.height == pytest.approx(2.0, rel=1e-3)
