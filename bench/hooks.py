"""``python -m bench.hooks``: what each Manim hook of ``scenes/kit/manim_compat.py`` gains, A/B in one run.

Each render is a child forked from one warm process, as the beat preview renders (``lecture.preview.Previewer``):

- **preview**: the beat preview of a scene's longest beat, warm (the parent's SVG parse memo filled by a first,
  unmeasured render; x264 ``ultrafast``), as ``scripts/preview SCENE --beat NAME --watch`` re-renders it;
- **scene**: the whole scene at low (480p15), x264's default ``medium`` preset and no SVG memo: the rendering part
  of ``manim -ql`` (Python start and imports left out, which no hook touches);
- **timing**: the whole scene with every play skipped at ``tiny`` (256x144), no SVG memo: the lecture's silent
  timing pass (``manim -s``, :func:`lecture.cli._silent_records`) of a narrated render, without its start-up.

Each render child's CPU seconds (``RUSAGE_CHILDREN``) are the measure, its wall seconds are kept too: on this
shared machine wall seconds swing by half between two renders, CPU seconds much less.  Variants: every hook on,
every hook off, and each hook off with the others on (its gain is off / on).  They are interleaved in every repeat
(``on, off, -a, -b, ...`` then again), so the machine's load, which changes over minutes, falls on all of them
alike; the table gives each variant's median over the repeats and its ratio to
"on".  Frames are not compared here (``tests/test_manim_compat.py`` checks each hook draws Manim's frames).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.core import ROOT, machine_info, write_json

HOOKS = ("forget_svg_paths_when_parsed", "draw_nothing_while_skipping", "fast_cairo_paths")  # fast_families: removed
# (scene, its longest beat): the scenes the earlier gains were measured on (README, Benchmarks: beat previews)
PREVIEWS = {"GridSquaresUnderF": "halve_square", "MLOutlook": "show_items", "BatchedJacobian": "store_per_example"}


def variants(only: Sequence[str] = ()) -> dict[str, frozenset[str]]:
    """``{name: hooks switched off}``: ``on``, ``off``, ``-HOOK`` for each hook (``only``: those named, and ``on``)."""
    every = {"on": frozenset(), "off": frozenset(HOOKS), **{f"-{h}": frozenset({h}) for h in HOOKS}}
    return {n: v for n, v in every.items() if not only or n == "on" or n in only}


def _previewer(scene: str, beat: str | None, out: Path, off: frozenset[str], memo: bool, timing: bool = False):
    """A ``Previewer`` whose render children run with the hooks ``off`` switched off and the others on
    (``timing``: they run the scene as the silent timing pass does instead)."""
    from lecture import render
    from lecture.preview import Previewer, resolve_beat, resolve_target

    target = resolve_target(scene)

    class HookPreviewer(Previewer):
        def _absorb_svg_parses(self) -> None:
            if memo:
                super()._absorb_svg_parses()
            else:
                self._svg_news = b""

        def _child(self) -> dict:  # pragma: no cover - runs in the forked child
            from manim import Scene

            manims_render = Scene.render

            def render_with_hooks(scene, *args, **kwargs):  # after the scene's import installed its hooks
                from scenes.kit import manim_compat

                for hook in HOOKS:
                    getattr(manim_compat, hook)(hook not in self.off)
                return manims_render(scene, *args, **kwargs)

            Scene.render = render_with_hooks
            if not timing:
                return super()._child()
            return self._timing_child()

        def _timing_child(self) -> dict:  # pragma: no cover - runs in the forked child
            import importlib

            from lecture.preview import PROJECT_PACKAGES

            for name in list(sys.modules):
                if name.split(".")[0] in PROJECT_PACKAGES:
                    del sys.modules[name]
            from manim import config

            config.digest_file(str(ROOT / "manim.cfg"))
            config.media_dir = str(ROOT / "media")  # its TeX folder, warm
            config.images_dir = str(self.work / "images")
            config.pixel_width, config.pixel_height, config.frame_rate = 256, 144, 10  # lecture.render: tiny
            config.disable_caching, config.save_last_frame, config.write_to_movie = True, True, False
            config.verbosity, config.progress_bar, config.output_file = "WARNING", "none", self.target.cls
            from scenes.kit.narrator import SilentNarrator, use_narrator

            use_narrator(SilentNarrator)
            getattr(importlib.import_module(self.target.module_name), self.target.cls)().render()
            self.work.mkdir(parents=True, exist_ok=True)
            stand_in = self.work / "timing.mp4"  # for the parent to publish: there is no video
            stand_in.write_bytes(b"")
            return {"ok": True, "video": str(stand_in)}

    previewer = HookPreviewer(target, render.QUALITIES["low"], None, out_dir=out,
                              preset="ultrafast" if beat else "medium",
                              beat=resolve_beat(target, beat) if beat else None)
    previewer.off = off
    return previewer


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished render children so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(modes: dict[str, tuple[Sequence[str], int]], only: Sequence[str] = (), say=print) -> dict:
    """``{"wall"|"cpu": {mode: {scene: {variant: [seconds, ...]}}}}`` (the render child's wall seconds, fork to
    published, and its CPU seconds) for ``modes`` ``{mode: (scenes, repeats)}``, every variant
    of a scene interleaved in each repeat."""
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-hooks-") as tmp:
        for mode, (scenes, repeats) in modes.items():
            for scene in scenes:
                beat = PREVIEWS[scene] if mode == "preview" else None
                # one warm parent per scene and mode; each child switches the hooks of its variant
                previewer = _previewer(scene, beat, Path(tmp) / mode, frozenset(), memo=mode == "preview",
                                       timing=mode == "timing")
                first = previewer.render()  # warm: TeX, the parse memo, the published file's folder
                if not first.ok:
                    raise SystemExit(f"bench.hooks: {scene} ({mode}) failed: {first.error}")
                times: dict[str, list[float]] = {name: [] for name in variants(only)}
                cpu: dict[str, list[float]] = {name: [] for name in variants(only)}
                for _ in range(repeats):
                    for name, off in variants(only).items():
                        previewer.off = off
                        before = _children_cpu()
                        result = previewer.render()
                        if not result.ok:
                            raise SystemExit(f"bench.hooks: {scene} ({mode}, {name}) failed: {result.error}")
                        times[name].append(round(result.seconds, 3))
                        cpu[name].append(round(_children_cpu() - before, 3))
                out.setdefault("wall", {}).setdefault(mode, {})[scene] = times
                out.setdefault("cpu", {}).setdefault(mode, {})[scene] = cpu
                on = statistics.median(cpu["on"])
                say(f"{mode:8} {scene:18} cpu " + "  ".join(
                    f"{n} {statistics.median(t):.2f}s x{statistics.median(t) / on:.2f}" for n, t in cpu.items()))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.hooks", description=__doc__.split("\n\n")[0])
    p.add_argument("--preview-scenes", default=",".join(PREVIEWS), metavar="A,B",
                   help=f"beat previews, any of {', '.join(PREVIEWS)} ('' for none)")
    p.add_argument("--scene-scenes", default="GridSquaresUnderF,MLOutlook", metavar="A,B",
                   help="whole-scene renders at low, any storyboard scene ('' for none)")
    p.add_argument("--timing-scenes", default="GridSquaresUnderF,BatchedJacobian", metavar="A,B",
                   help="silent timing passes (every play skipped, tiny), any storyboard scene ('' for none)")
    p.add_argument("--repeats", type=int, default=3, help="measured beat previews per variant (median)")
    p.add_argument("--scene-repeats", type=int, default=2, help="measured whole scenes per variant (median)")
    p.add_argument("--variants", default="", metavar="V,V", help="only these besides 'on' (e.g. off,-fast_cairo_paths)")
    p.add_argument("--output", type=Path, default=None, help="JSON path (default bench/results/<date>-hooks.json)")
    args = p.parse_args(argv)
    previews = [s for s in args.preview_scenes.split(",") if s]
    wholes = [s for s in args.scene_scenes.split(",") if s]
    timings = [s for s in args.timing_scenes.split(",") if s]
    if any(s not in PREVIEWS for s in previews) or min(args.repeats, args.scene_repeats) < 1:
        print(f"bench.hooks: --preview-scenes takes {', '.join(PREVIEWS)}; repeats must be >= 1", file=sys.stderr)
        return 2
    modes = {"preview": (previews, args.repeats), "scene": (wholes, args.scene_repeats),
             "timing": (timings, args.repeats)}
    load_start, t0 = os.getloadavg(), time.perf_counter()
    from lecture.errors import UsageError
    from lecture.preview import resolve_target

    try:
        for scene in {*wholes, *timings}:
            resolve_target(scene)
    except UsageError as exc:
        print(f"bench.hooks: {exc}", file=sys.stderr)
        return 2
    only = [v for v in args.variants.split(",") if v]
    if any(v not in variants() for v in only):
        print(f"bench.hooks: --variants takes {', '.join(variants())}", file=sys.stderr)
        return 2
    times = measure({m: v for m, v in modes.items() if v[0]}, only)
    medians = {kind: {mode: {scene: {n: statistics.median(t) for n, t in v.items()} for scene, v in per.items()}
                      for mode, per in modes_.items()} for kind, modes_ in times.items()}
    ratios = {kind: {mode: {scene: {n: round(m / v["on"], 3) for n, m in v.items()} for scene, v in per.items()}
                     for mode, per in modes_.items()} for kind, modes_ in medians.items()}
    doc = {"machine": machine_info(),
           "run": {"what": "bench.hooks",
                   "modes": {m: {"scenes": list(s), "repeats": r} for m, (s, r) in modes.items()},
                   "load_1min_start": round(load_start[0], 2), "load_1min_end": round(os.getloadavg()[0], 2),
                   "seconds": round(time.perf_counter() - t0, 1), "variants": {n: sorted(v) for n, v in
                                                                              variants(only).items()}},
           "times": times, "medians": medians, "ratio_to_on": ratios}
    path = args.output or ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-hooks.json"
    write_json(doc, path)
    print(f"load {doc['run']['load_1min_start']} -> {doc['run']['load_1min_end']}; written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
