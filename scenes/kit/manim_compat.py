"""Every use of a Manim internal or private attribute, in one file (written against Manim 0.21.0).

The rest of the project (``scenes/``, ``lecture/``, ``bench/``) uses Manim's public API plus the small
functions here.  Each function says which internal it touches and why the public way was not good enough;
the measured gains are in README.md's *Benchmarks* section.  ``tests/test_manim_compat.py`` has one test per
function, checking that it still does what it claims against the installed Manim: after a Manim upgrade,
run that file first and read this one.

Hooks:

- encoding (``lecture/preview.py``): :func:`set_x264_preset`, :func:`movie_file_of`, :func:`rendered_seconds`;
- glyphs (``scenes/kit/scene.py``, ``scenes/kit/readouts.py``): :func:`forget_svg_paths_when_parsed`,
  :func:`decimal_text`, :func:`font_size_of`, :func:`set_unit_height`, :func:`set_glyph_points`,
  :func:`swap_glyphs`;
- every render (:func:`install_render_hooks`, at import of ``scenes/kit/scene.py``):
  :func:`forget_svg_paths_when_parsed`, :func:`draw_nothing_while_skipping`; beat end frames for the goldens:
  :func:`draw_current_frame`;
- the preview's render child only (:func:`install_preview_hooks`, ``lecture/preview.py``): :func:`fast_cairo_paths`;
- images (``scenes/kit/panel.py``, ``scenes/flow.py``): :func:`set_image_pixels`, :func:`set_image_corners`;
- the beat preview and split renders (``scenes/kit/scene.py``): :func:`plays_so_far`, :func:`render_plays`,
  :func:`time_as_rendered`;
- speaker notes (``scenes/kit/scene.py``, manim-slides 5.7): :func:`set_slide_notes`;
- formulas compiled ahead in one batch (``scenes/kit/tex_lookahead.py``): :func:`set_tex_handler`,
  :func:`skip_every_play`;
- SVGs parsed once for every render of a preview (``lecture/preview.py``): :func:`remember_svg_parses`.

A hook that replaces a Manim method for the whole process is always on only where its measured gain on a lecture
render is worth the risk of carrying it across Manim upgrades, else it is installed only where it pays; each one's
docstring gives its gain from ``python -m bench.hooks`` (A/B in one run, CPU seconds of the render, each hook off
alone against all on; ``bench/results/20261207-*-hooks.json``).  On that loaded machine a ratio up to about
1.17 can be noise (a hook with almost nothing to do in a render measured 1.04-1.17 there).

Moving to Manim 0.22: it adds a public ``--encoder-option`` (encoder options such as x264's ``preset``
passed to the partial movies' encoder); :func:`set_x264_preset` should then become that option (set in the
preview child's config) and the writer subclass below can go.  Check its exact spelling in the 0.22
changelog; it was not available to test against when this file was written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from manim import DecimalNumber, ImageMobject, Mobject, Scene, VMobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.scene.scene_file_writer import SceneFileWriter

# ------------------------------------------------------------------------------------------- encoding


def set_x264_preset(scene: Scene, preset: str) -> bool:
    """Make ``scene`` encode its partial movies with x264's ``preset`` (``ultrafast`` for previews).

    Internals: swaps the class of ``scene.renderer.file_writer`` for a subclass whose
    ``open_partial_movie_stream`` sets the preset on ``SceneFileWriter._current_encode_job.stream`` (the
    PyAV stream just opened) before its first frame is encoded.  Manim 0.21 hard-codes the partial movies'
    x264 options (``crf`` only, so x264's default ``medium`` preset) and has no setting for them; at 480p
    the ``medium`` preset is a large share of a preview's time.  Only a plain ``SceneFileWriter`` is switched
    (a scene with its own writer keeps it).  Returns whether the writer was switched.  Replacement in
    Manim 0.22: the public ``--encoder-option`` (see the module docstring)."""
    writer = scene.renderer.file_writer
    if type(writer) is not SceneFileWriter:
        return False

    class PresetFileWriter(SceneFileWriter):
        def open_partial_movie_stream(self, file_path=None) -> None:
            super().open_partial_movie_stream(file_path)
            stream = getattr(getattr(self, "_current_encode_job", None), "stream", None)
            if stream is not None and stream.codec_context.name == "libx264":
                stream.options = {**stream.options, "preset": preset}

    writer.__class__ = PresetFileWriter
    return True


def movie_file_of(scene: Scene) -> Path:
    """The video file a rendered ``scene`` wrote.

    Internals: ``scene.renderer.file_writer.movie_file_path`` (Manim has no public accessor for the path
    it chose; the preview renders in-process and publishes that file)."""
    return Path(scene.renderer.file_writer.movie_file_path)


def rendered_seconds(scene: Scene) -> float:
    """Seconds of video a rendered ``scene`` played.

    Internals: ``scene.renderer.time`` (the Cairo renderer's clock; the preview prints it)."""
    return float(scene.renderer.time)


# --------------------------------------------------------------------------------- replacing a method


def _manims(owner: object, name: str) -> Callable:
    """Manim's own ``owner.name``, also from under a replacement installed by :func:`_install` (the preview's
    render child imports this module afresh, so the replacement there may come from an earlier copy)."""
    current = getattr(owner, name)
    return getattr(current, "manim_original", current)


def _install(owner: object, name: str, replacement: Callable | None) -> None:
    """Make ``replacement`` ``owner.name``, remembering Manim's own; ``None`` puts Manim's own back."""
    original = _manims(owner, name)
    if replacement is None:
        setattr(owner, name, original)
        return
    replacement.manim_original = original
    setattr(owner, name, replacement)


# ------------------------------------------------------------------------------------------- skipping


def _drawing_changes_nothing_hashed(renderer, scene: Scene) -> bool:
    """Whether drawing now would leave unchanged every part of the camera that Manim's cache hashes.

    ``get_hash_from_play_call`` hashes the camera's attributes (all but its pixels and background).  Drawing
    sets some of them: the Cairo camera's ``display_funcs`` table on its first draw of any mobject, its
    ``background_colored_vmobject_displayer`` (with each background image it loaded) on drawing a VMobject
    coloured by an image; ``ThreeDCamera`` resets its ``rotation_matrix``, ``MultiCamera`` draws into its
    sub-cameras.  So the draw may be left out only for a plain or moving camera that has drawn once and no
    VMobject with a background image."""
    from manim import MovingCamera
    from manim.camera.camera import Camera

    camera = renderer.camera
    if type(camera) not in (Camera, MovingCamera) or getattr(camera, "display_funcs", None) is None:
        return False
    mobjects = [*scene.mobjects, *scene.foreground_mobjects]
    return not any(isinstance(m, VMobject) and m.get_background_image() is not None
                   for top in mobjects for m in top.get_family())


def draw_nothing_while_skipping(on: bool = True) -> None:
    """From now on (``on``), a ``play``/``wait`` Manim skips (a beat preview's or a chunk's earlier beats, a
    silent timing pass, a play whose partial movie Manim's cache already has) draws nothing; ``on=False``
    restores Manim's behaviour.  Idempotent.

    Internals: Cairo's renderer draws a skipped play's static mobjects (``save_static_frame_data``) and its
    last frame (``render`` or, for a wait, ``update_frame``) and then throws both away (``add_frame`` writes
    nothing while skipping): two full frames per skipped play.  This wraps ``CairoRenderer.play`` to mark
    the renderer as playing and ``CairoRenderer.update_frame`` to return at once while playing and skipping.
    Drawing only reads the mobjects, and the first rendered play draws its static image afresh
    (``save_static_frame_data`` resets it), so rendered frames are unchanged; ``update_frame`` outside a
    play (the last frame of ``-s``, stills) still draws.

    With Manim's cache on, a draw that would change a camera attribute the cache hashes still happens
    (:func:`_drawing_changes_nothing_hashed`: in practice, the camera's first draw), so every play gets the
    hash Manim's own code gives it.  Without that, a re-render of an unchanged scene re-encoded its second
    play instead of reusing the cached partial movie (the first play, cached, was skipped undrawn, so the
    camera had never drawn and hashed differently: Manim's ``test_parallel_encoding_cache_behavior``).  The
    beat preview renders with the cache off and so still draws nothing.

    Always on (:func:`install_render_hooks`), since what it saves is in the lecture command: measured
    2026-12-07 (``python -m bench.hooks``, CPU seconds, off / on, 1-min load 4-11 on 2 cores): the lecture's
    silent timing pass (``-s``, every play skipped; each narrated render runs it) x1.31 (GridSquaresUnderF)
    and x1.16 (BatchedJacobian); a warm beat preview 0.99-1.07; a whole render skips nothing (1.04-1.09 there
    is the noise).  Chunks of a split render skip their earlier beats the same way.

    Nor does a play it skips sort the scene's mobjects into moving and still ones (``Scene.
    get_moving_and_static_mobjects``: only what is drawn reads the two lists; a play that draws sorts as
    Manim does).  Measured 2026-12-07 (CPU seconds of a ``-s`` render with beat frames at 160x90, off / on,
    twice each, interleaved, load 2-3): SpatialOutputs 4.72, 4.22 / 3.37, 3.59; GridSquaresUnderF, MAMLStep,
    BatchedJacobian and RBFJacobian within their noise (1.0-2.2 s either way); every last and beat frame
    identical."""
    from manim import config
    from manim.renderer.cairo_renderer import CairoRenderer

    play, update_frame = _manims(CairoRenderer, "play"), _manims(CairoRenderer, "update_frame")
    split = _manims(Scene, "get_moving_and_static_mobjects")

    def draws_nothing(renderer: CairoRenderer, scene: Scene) -> bool:
        return (renderer.skip_animations and getattr(renderer, "jacobian_playing", False)
                and (config.disable_caching or _drawing_changes_nothing_hashed(renderer, scene)))

    def playing(self: CairoRenderer, *args, **kwargs) -> None:
        self.jacobian_playing = True
        try:
            play(self, *args, **kwargs)
        finally:
            self.jacobian_playing = False

    def drawing(self: CairoRenderer, scene: Scene, *args, **kwargs) -> None:
        if draws_nothing(self, scene):
            return
        update_frame(self, scene, *args, **kwargs)

    def splitting(self: Scene, animations) -> tuple[list, list]:
        if draws_nothing(self.renderer, self):
            return [], []  # what would be drawn moving and what still: nothing is drawn
        return split(self, animations)

    _install(CairoRenderer, "play", playing if on else None)
    _install(CairoRenderer, "update_frame", drawing if on else None)
    _install(Scene, "get_moving_and_static_mobjects", splitting if on else None)


def draw_current_frame(scene: Scene) -> np.ndarray:
    """The picture ``scene`` shows now, drawn afresh: every mobject (and foreground mobject) in z order on
    the background, as ``(h, w, 3)`` uint8; the renderer's current picture and cached background are left
    as they were, so a render that calls this between plays writes the same frames.

    Internals: ``CairoRenderer.update_frame`` with ``static_image`` cleared (the background a play cached may
    be stale after a skipped or frozen play), then ``camera.pixel_array`` and ``static_image`` restored.  Works
    with ``-s``, where no play draws (``update_frame`` outside a play always draws, see
    :func:`draw_nothing_while_skipping`)."""
    renderer = scene.renderer
    # drawn into the camera's own array (Cairo's context for it is cached by the array's id), then put back
    picture, static = renderer.camera.pixel_array.copy(), renderer.static_image
    try:
        renderer.static_image = None
        renderer.update_frame(scene)
        return np.asarray(renderer.get_frame())[..., :3].copy()
    finally:
        np.copyto(renderer.camera.pixel_array, picture)
        renderer.static_image = static


def _set_cairo_context_path(self, ctx, vmobject: VMobject):
    """Manim's ``Camera.set_cairo_context_path``, issuing the same Cairo calls with the same numbers: each
    subpath's curves are read from one ``tolist()`` of its points instead of six NumPy scalar reads each."""
    points = self.transform_points_pre_display(vmobject, vmobject.points)
    if len(points) == 0:
        return self
    nppcc = vmobject.n_points_per_cubic_curve
    ctx.new_path()
    split_indices = vmobject.get_subpath_split_indices_from_points(points, n_dims=2)
    xy = points[:, :2]
    curve_to = ctx.curve_to
    for start, end in np.asarray(split_indices).tolist():
        if end - start < nppcc:
            continue
        ctx.new_sub_path()
        ctx.move_to(*xy[start].tolist())
        curves = (end - start - nppcc) // nppcc + 1  # whole curves only, as Manim's loop
        # of each curve (anchor, handle, handle, anchor) Cairo takes the last three points
        for args in xy[start:start + curves * nppcc].reshape(curves, nppcc, 2)[:, 1:].reshape(curves, -1).tolist():
            curve_to(*args)
        if vmobject.consider_points_equals_2d(points[start], points[end - 1]):
            ctx.close_path()
    return self


def fast_cairo_paths(on: bool = True) -> None:
    """From now on (``on``), the Cairo camera hands each VMobject's outline to Cairo with less Python per
    curve; ``on=False`` restores Manim's code.  The calls and their numbers are the same, so is every frame.
    Idempotent.

    Internals: replaces ``Camera.set_cairo_context_path``, whose loop reads six NumPy scalars per cubic curve
    (a line of ``Text`` made one path has about 1,300 curves, and the MLOutlook beat preview draws 690,000
    curves); here each subpath becomes one list of floats, 1.6x faster per text line.

    Preview only (:func:`install_preview_hooks`): measured 2026-12-07 (``python -m bench.hooks``, CPU seconds,
    off / on, two runs, 1-min load 3-11 on 2 cores, where noise reaches 1.17): a warm beat preview of MLOutlook
    x1.19 (its text lines; 1.26-1.33 -> 1.03-1.13 s wall on 2026-12-03), of GridSquaresUnderF and
    BatchedJacobian 0.91-1.07; a whole scene at low x1.05 (GridSquaresUnderF, MLOutlook), within the noise.  Not
    worth replacing Manim's drawing of every path in every lecture render."""
    from manim import Camera

    _install(Camera, "set_cairo_context_path", _set_cairo_context_path if on else None)


# --------------------------------------------------------------------------------------------- glyphs


def forget_svg_paths_when_parsed(on: bool = True) -> None:
    """From now on (``on``), every glyph Manim builds from an SVG path (``MathTex``, ``Tex``, ``Text`` and
    ``DecimalNumber``'s characters) forgets the parsed path as soon as its points are made; ``on=False``
    restores Manim's behaviour.  Idempotent.

    Internals: wraps ``VMobjectFromSVGPath.generate_points``, the one reader of ``path_obj`` (through
    ``handle_commands``), to clear it afterwards.  Every deep copy copied the parsed path, and glyphs are
    deep-copied all the time: FadeIn, Write, Create and Transform copy what they animate, DecimalNumber
    copies each character from its cache, Manim's SVG cache stores and hands out copies.  Without it a
    formula copies about ten times faster (13 ms -> 1.3 ms) and a warm BatchedJacobian beat preview (51
    numbers) went 2.0 s -> 1.7 s.  Points, style and look are unchanged.

    Always on (:func:`install_render_hooks`): measured 2026-12-07 (``python -m bench.hooks``, CPU seconds, off /
    on, 1-min load 4-11 on 2 cores): whole scene at low x1.18 (GridSquaresUnderF) and x1.15 (MLOutlook); the
    lecture's silent timing pass x1.69 (GridSquaresUnderF) and x1.18 (BatchedJacobian); a warm beat preview
    0.92-1.07 (noise: the preview copies its parses from the warm parent's memo).  Risk: one attribute cleared
    after Manim's own ``generate_points``."""
    original = _manims(VMobjectFromSVGPath, "generate_points")

    def generate_points(self: VMobjectFromSVGPath) -> VMobjectFromSVGPath:
        result = original(self)
        self.path_obj = None
        return result

    _install(VMobjectFromSVGPath, "generate_points", generate_points if on else None)


def decimal_text(number: DecimalNumber, value: float) -> str:
    """The characters ``number`` shows for ``value`` with its own settings (places, sign, ...), e.g.
    ``"-0.27"``.

    Internals: ``DecimalNumber._get_num_string``.  ``LiveDecimal`` lays out cached glyph outlines for this
    string instead of building TeX mobjects each frame (JacobianNormHeatmap 10.8 s -> 4.5 s), so it must
    format exactly as DecimalNumber does."""
    return number._get_num_string(value)


def font_size_of(number: DecimalNumber) -> float:
    """The font size ``number`` was built with (not the ``font_size`` property, which follows scaling).

    Internals: ``DecimalNumber._font_size``, the base of the ``font_size`` property
    (``height / initial_height * _font_size``)."""
    return number._font_size


def set_unit_height(number: DecimalNumber, unit_height: float) -> None:
    """After ``number``'s glyphs were replaced by outlines ``unit_height`` tall at font size 1 (so
    ``unit_height * s`` tall at font size ``s``), make its ``font_size`` property read the size they are
    drawn at, without measuring the glyphs.

    Internals: writes ``DecimalNumber.initial_height`` (an implementation detail of the ``font_size``
    property) from ``_font_size`` (:func:`font_size_of`).  ``LiveDecimal.set_value`` runs every frame; the
    bounding box a public ``font_size`` assignment would measure costs more than the update itself."""
    number.initial_height = unit_height * font_size_of(number)


def set_glyph_points(glyph: VMobject, points: np.ndarray) -> None:
    """Give ``glyph`` the Bezier control points ``points`` ``(4k, 3)``, taken as they are (not copied).

    Internals: assigns ``VMobject.points``, as ``VMobject.set_points`` does, minus its copy; LiveDecimal
    moves a pool of glyph slots this way every frame."""
    glyph.points = points


def swap_glyphs(number: Mobject, glyphs: Sequence[Mobject]) -> None:
    """Make ``glyphs`` the submobjects of ``number``; the old ones not among them lose their points.

    Internals: assigns ``Mobject.submobjects`` directly (``add``'s checks cost more than a readout's update)
    and empties the points of the glyphs left out, as ``DecimalNumber.set_value`` itself does under Cairo
    (its "dumb hack": Manim's scene may still hold and draw the old glyphs of a number that has updaters)."""
    for old in number.submobjects:
        if not any(old is g for g in glyphs):
            for m in old.get_family():
                m.points = np.zeros((0, 3))
    number.submobjects = list(glyphs)


def install_render_hooks(on: bool = True) -> None:
    """Install (``on``) or remove the method replacements every render of the lecture runs with, the two whose
    measured gain on the lecture is worth carrying them: :func:`forget_svg_paths_when_parsed` and
    :func:`draw_nothing_while_skipping` (``scenes/kit/scene.py`` installs them at import;
    ``scripts/test --manim-suite`` runs Manim's own test suite with these and :func:`install_preview_hooks`).
    Idempotent."""
    forget_svg_paths_when_parsed(on)
    draw_nothing_while_skipping(on)


def install_preview_hooks(on: bool = True) -> None:
    """Install (``on``) or remove the method replacements measured to pay only in the beat preview, where a
    creator waits on every save: :func:`fast_cairo_paths` (``lecture/preview.py`` installs it in each render
    child).  Idempotent.

    Removed on 2026-12-07 for no measurable gain: ``fast_families`` (replaced ``Mobject.get_family`` and Manim's
    ``remove_list_redundancies`` by one depth-first walk).  ``python -m bench.hooks``, CPU seconds, off / on,
    three runs: warm beat preview 0.92-1.26 (median 0.98 over five), whole scene at low 1.02-1.14, timing pass
    0.97-1.16 (``bench/results/20261207-*-hooks.json``); its earlier gain (GridSquaresUnderF preview 1.62 ->
    1.31 s, 2026-12-03) was measured together with :func:`draw_nothing_while_skipping`."""
    fast_cairo_paths(on)


# --------------------------------------------------------------------------------------------- images


def set_image_pixels(img: ImageMobject, rgba: np.ndarray) -> None:
    """Make ``img`` show the pixels ``rgba`` ``(h, w, 4)`` uint8 (row 0 at the top), of any size, in place.

    Internals: assigns ``ImageMobject.pixel_array`` (Manim has no setter; building a new ImageMobject each
    frame re-runs its colour conversion and resets its placement).  FlowDensity's moving image, cropped to
    its visible part each frame, and its log|det J| cross-fade as one blended image use it (with the density
    computed once per frame: in-process render 7.5 s -> 3.3 s).  The image's opacity fades
    (``orig_alpha_pixel_array``) are left as they were."""
    img.pixel_array = np.ascontiguousarray(rgba)


def set_image_corners(img: ImageMobject, corners: np.ndarray) -> None:
    """Place ``img`` with its corners at ``corners`` ``(4, 3)``: upper left, upper right, lower left, lower
    right.

    Internals: assigns ``ImageMobject.points``, which Manim 0.21 keeps as exactly these four corners in this
    order (``ImageMobject.reset_points``) and the Cairo camera maps the pixels onto.  Placing a cropped image
    over part of a panel this way is one assignment, instead of stretching and moving it each frame."""
    img.points = np.asarray(corners, dtype=float)


def plays_so_far(scene: Scene) -> int:
    """How many ``play``/``wait`` calls the scene's renderer has counted (``renderer.num_plays``): Manim's
    ``-n START,END`` animation numbers count the same way."""
    return int(scene.renderer.num_plays)


def render_plays(first: int | None, stop_after: int | None = None) -> None:
    """Render only the plays numbered ``first`` on (None: none from now on, until set again), and end the
    scene once ``stop_after`` plays have run (None: at its end), the way Manim's ``-n START,END`` does it:
    through ``config.from_animation_number`` / ``upto_animation_number``, which the renderer of the scene
    rendering now reads before each play (skipped plays still run, unrendered, so the state stays exactly a
    whole render's).  For the beat preview; it changes the global config of a render child, never of a
    lecture render."""
    from manim import config

    config.from_animation_number = 10**9 if first is None else first  # 0: render from the start
    config.upto_animation_number = -1 if stop_after is None else stop_after - 1


def time_as_rendered(scene: Scene, before: float) -> None:
    """After a ``play`` Manim skipped (outside a chunk's beats, a beat preview's, or a cached partial movie),
    set the scene clock to where rendering that play would have put it; ``before`` is the clock before it.

    Internals: writes ``renderer.time``.  Manim's Cairo renderer adds the exact run time for a skipped play
    but whole frames for a rendered one (one ``1/fps`` step per frame of ``np.arange(0, run_time, 1/fps)``,
    or ``int(run_time * fps)`` frames of a frozen wait), so after skipped plays the clock (caption and
    narration times, the narrated beats' waits) would differ from a whole render's by up to a frame per play.
    The same float steps are repeated here, so the clock is bit-identical.  Not in the silent timing pass
    (``-s``, nothing rendered: its plan keeps exact times), nor for a wait with a stop condition (its frame
    count is only known by rendering it)."""
    from manim import config

    renderer = scene.renderer
    waits_for_condition = any(getattr(a, "stop_condition", None) is not None for a in scene.animations or ())
    if not renderer.skip_animations or config.save_last_frame or waits_for_condition:
        return
    dt = 1 / renderer.camera.frame_rate
    if scene.is_current_animation_frozen_frame():
        clock = before + int(scene.duration / dt) * dt
    else:
        clock = before
        for _ in range(len(np.arange(0, scene.duration, 1 / config["frame_rate"]))):
            clock += dt
    renderer.time = clock


# ---------------------------------------------------------------------------------------------- TeX


def set_tex_handler(handler: Callable[[str, Path, str, str], Path | None] | None) -> None:
    """Call ``handler(document, svg, compiler, output_format)`` each time a ``MathTex``/``Tex`` needs a
    formula, before Manim looks for it: ``document`` is the full LaTeX text Manim would compile, ``svg`` the
    file in Manim's TeX folder it reads the result from (named by the document's hash).  The handler may
    write ``svg`` (Manim then reads it instead of compiling) or return another SVG file to use instead;
    ``None`` restores Manim's own behaviour.  Nothing is written to the TeX folder before Manim's own code
    runs (so a process that only looks ahead leaves it alone).

    Internals: replaces ``tex_to_svg_file`` in ``manim.mobject.text.tex_mobject``, the name
    ``SingleStringMathTex`` calls, by a wrapper around the original; the document and the file name follow
    ``manim.utils.tex_file_writing.generate_tex_file`` (the template's ``get_texcode_for_expression[_in_env]``
    and ``tex_hash`` in ``config.get_dir("tex_dir")``).  Manim has no hook between making a formula's
    document and compiling it, and compiles each formula in its own two processes."""
    from manim.mobject.text import tex_mobject
    from manim.utils import tex_file_writing

    original = tex_file_writing.tex_to_svg_file
    if handler is None:
        tex_mobject.tex_to_svg_file = original
        return

    def tex_to_svg_file(expression: str, environment: str | None = None, tex_template=None) -> Path:
        from manim import config

        template = tex_template if tex_template is not None else config["tex_template"]
        if environment is not None:
            document = template.get_texcode_for_expression_in_env(expression, environment)
        else:
            document = template.get_texcode_for_expression(expression)
        svg = config.get_dir("tex_dir") / f"{tex_file_writing.tex_hash(document)}.svg"
        instead = handler(document, svg, str(template.tex_compiler), str(template.output_format))
        if instead is not None:
            return Path(instead)
        return original(expression, environment, template)

    tex_mobject.tex_to_svg_file = tex_to_svg_file


def skip_every_play(scene: Scene) -> None:
    """Run every later ``play``/``wait`` of ``scene`` unrendered, whatever the animation range says (the
    state still advances exactly as in a render).

    Internals: sets ``renderer._original_skipping_status``, the value Cairo's renderer resets
    ``skip_animations`` to before each play (the public ``-s``/``save_last_frame`` would also draw and write
    a final image)."""
    scene.renderer._original_skipping_status = True
    scene.renderer.skip_animations = True


def remember_svg_parses(memo: dict, used: set | None = None) -> None:
    """Parse each SVG file (a formula's, a ``Text``'s) once: what Manim makes of it goes into ``memo``, keyed
    by everything the result depends on (the mobject's style as Manim hashes it, and the file's path, size
    and, outside Manim's TeX and text folders, modification time), and a later mobject with the same key gets
    a copy instead of a new parse.  The keys looked up are added to ``used``.  The preview's warm parent keeps
    ``memo`` for every render child it forks (a ``Text`` is never in Manim's own SVG cache, and that cache
    dies with each child).

    Internals: wraps ``SVGMobject.generate_mobject``, whose result is the submobjects it adds (flipped to
    Manim's y-up) and ``id_to_vgroup_dict``; both are stored and handed out as one deep copy, so the groups
    keep pointing at the submobjects."""
    import copy

    from manim.mobject.svg.svg_mobject import SVGMobject

    original = _manims(SVGMobject, "generate_mobject")

    def generate_mobject(self: SVGMobject) -> SVGMobject:
        from manim import config

        path = Path(self.get_file_path()).resolve()
        stat = path.stat()
        # Manim's formula and Text SVGs are named by a hash of what they show (and Text rewrites its file each
        # time it is built: Pango's output, then remove_last_M), so their name is their content; any other
        # SVG file counts by its modification time too
        named_by_content = path.parent in (config.get_dir("tex_dir").resolve(), config.get_dir("text_dir").resolve())
        key = (repr(self.hash_seed), str(path), stat.st_size, 0 if named_by_content else stat.st_mtime_ns)
        if used is not None:
            used.add(key)
        if key in memo and not self.submobjects:
            submobjects, groups = copy.deepcopy(memo[key])
            self.add(*submobjects)
            self.id_to_vgroup_dict = groups
            return self
        original(self)
        memo[key] = copy.deepcopy((list(self.submobjects), self.id_to_vgroup_dict))
        return self

    _install(SVGMobject, "generate_mobject", generate_mobject)


# ------------------------------------------------------------------------------------------- slides


def set_slide_notes(slide: Scene, notes: str) -> None:
    """Give the slide being recorded now the speaker ``notes`` (shown in reveal.js's speaker view).

    Internals: manim-slides' public ``next_slide(notes=...)`` sets the notes of the slide that *starts* there,
    but a beat's narration is only known when the beat has started; the slide in progress keeps its settings
    in ``Slide._base_slide_config`` (a pydantic ``BaseSlideConfig`` with a ``notes`` field), which this sets."""
    slide._base_slide_config.notes = notes


__all__ = [
    "install_render_hooks", "install_preview_hooks", "draw_nothing_while_skipping",
    "draw_current_frame", "fast_cairo_paths",
    "plays_so_far",
    "render_plays",
    "time_as_rendered",
    "set_slide_notes",
    "set_tex_handler", "skip_every_play", "remember_svg_parses",
    "decimal_text", "font_size_of", "forget_svg_paths_when_parsed", "movie_file_of", "rendered_seconds",
    "set_unit_height",
    "set_glyph_points", "set_image_corners", "set_image_pixels", "set_x264_preset", "swap_glyphs",
]
