"""Fast tests of the lecture command's parts (no Manim render): captions, chapters, stamps,
storyboard selection, HTML references, atomic writes, and the command's up-front refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from jacobian_settings import ENV_VAR
from lecture import captions, render, slides
from lecture.errors import UsageError
from lecture.media import atomic_path
from lecture.storyboard import STORYBOARD, SceneEntry, check_entries, load_storyboard, select

ROOT = Path(__file__).resolve().parent.parent


def run_lecture(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lecture", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)


# --- captions -------------------------------------------------------------------------------------

SRT = """1
00:00:00,000 --> 00:00:01,500
first line

2
00:00:01,250 --> 00:01:02,040
second
two lines
"""


def test_parse_srt_reads_times_and_multiline_text() -> None:
    cues = captions.parse_srt(SRT)
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 1.5, "first line"),
        (1.25, 62.04, "second\ntwo lines"),
    ]


def test_srt_round_trip_keeps_times_to_the_millisecond() -> None:
    cues = [captions.Cue(3723.456, 3725.0, "an hour in")]
    text = captions.format_srt(cues)
    assert text.startswith("1\n01:02:03,456 --> 01:02:05,000\nan hour in\n")
    assert captions.parse_srt(text) == cues


def test_parse_srt_reads_what_editors_write() -> None:
    """A creator's own .srt from a subtitle editor: a byte-order mark, Windows line ends, no final newline."""
    text = "\ufeff" + SRT.replace("\n", "\r\n").rstrip()
    assert captions.parse_srt(text) == captions.parse_srt(SRT)


@pytest.mark.parametrize("bad", ["1\n00:00:01,000 -> 00:00:02,000\nx", "1\nnot a time\nx",
                                 "1\n00:00:02,000 --> 00:00:01,000\nbackwards"])
def test_parse_srt_rejects_malformed_cues(bad: str) -> None:
    with pytest.raises(ValueError, match="<srt>"):
        captions.parse_srt(bad)


def test_merge_shifts_cues_by_clip_start_and_clips_them_to_their_scene() -> None:
    a = [captions.Cue(0.0, 1.0, "a1"), captions.Cue(0.5, 3.0, "a2 runs past its clip")]
    b = [captions.Cue(0.2, 0.7, "b1"), captions.Cue(5.0, 6.0, "after the clip: dropped")]
    merged = captions.merge_cues([a, b], starts=[0.0, 2.0], durations=[2.0, 1.5])
    assert [(c.start, c.end, c.text) for c in merged] == [
        (0.0, 1.0, "a1"), (0.5, 2.0, "a2 runs past its clip"), (2.2, 2.7, "b1")]


def test_chapters_in_youtube_format() -> None:
    text = captions.format_chapters(["Intro", "Middle", "End"], [0.0, 74.6, 600.2], total=700.0)
    assert text == "00:00 Intro\n01:15 Middle\n10:00 End\n"
    long_text = captions.format_chapters(["A", "B"], [0.0, 3725.0], total=3800.0)
    assert long_text == "0:00:00 A\n1:02:05 B\n"


def test_chapter_warnings_name_short_chapters() -> None:
    assert captions.chapter_warnings([0.0, 20.0, 40.0], 60.0) == []
    problems = captions.chapter_warnings([0.0, 5.0], 30.0)
    assert any("only 2" in p for p in problems) and any("1 shorter" in p for p in problems)


# --- storyboard -----------------------------------------------------------------------------------

# the page's order (its sections, then its machine-learning items 1-7, batched inputs, spatial outputs): scenes
# that animate it keep it, whatever scenes a lecturer adds between them
PAGE_ORDER = {1: ["RBFJacobian", "RBFModel", "JacobianNormHeatmap", "GridSquaresUnderF"],
              2: ["ChainRule", "SoftmaxJacobian", "VectorRegression", "EncoderSensitivity", "FlowDensity",
                  "JacobianPenalty", "MAMLStep", "TaylorError", "BatchedJacobian", "SpatialOutputs"]}


def storyboard_problems(entries) -> list[str]:
    """What is wrong with the order of ``entries``: parts out of order, the page's scenes out of its order (or
    in the wrong part), the closing card not last, a scene twice."""
    names, parts = [e.cls for e in entries], [e.part for e in entries]
    problems = []
    if parts != sorted(parts) or parts[0] != 1:
        problems.append(f"parts not 1 then 2: {parts}")
    for part, page in PAGE_ORDER.items():
        shown = [e.cls for e in entries if e.cls in page]
        if shown != [n for n in page if n in shown] or any(e.part != part for e in entries if e.cls in page):
            problems.append(f"part {part} out of the page's order: {shown}")
    if "MLOutlook" in names and names[-1] != "MLOutlook":
        problems.append("the outlook is not the last scene")
    if len(set(names)) != len(names):
        problems.append("a scene appears twice")
    return problems


def test_real_storyboard_has_both_parts_in_the_pages_order() -> None:
    assert storyboard_problems(STORYBOARD) == []
    assert {n for page in PAGE_ORDER.values() for n in page} <= {e.cls for e in STORYBOARD}  # the page, all of it
    # the check sees a swap, a scene in the wrong part, the outlook not last, a repeat; an added scene is fine
    a, b = STORYBOARD[4], STORYBOARD[5]
    for broken in ((*STORYBOARD[:4], b, a, *STORYBOARD[6:]), (*STORYBOARD[:4], replace(a, part=1), *STORYBOARD[5:]),
                   (*STORYBOARD[:-1], STORYBOARD[-1], a), (*STORYBOARD, STORYBOARD[-1])):
        assert storyboard_problems(broken), broken
    added = (*STORYBOARD[:5], SceneEntry("scenes/polar.py", "PolarMap", "Polar coordinates", 2), *STORYBOARD[5:])
    assert storyboard_problems(added) == []


def test_select_keeps_storyboard_order_and_ignores_case() -> None:
    picked = select(STORYBOARD, "gridsquaresunderf, RBFJacobian")
    assert [e.cls for e in picked] == ["RBFJacobian", "GridSquaresUnderF"]
    with pytest.raises(UsageError, match="unknown scene Nope"):
        select(STORYBOARD, "RBFJacobian,Nope")


def test_load_storyboard_by_name() -> None:
    entries = load_storyboard("tests.fixture_storyboard:TWO")
    assert [e.cls for e in entries] == ["FixtureJacobian", "FixtureSquare"]
    for spec in ("nocolon", "tests.fixture_storyboard:MISSING", "no_such_module:X"):
        with pytest.raises(UsageError, match="--storyboard"):
            load_storyboard(spec)


def test_check_entries_finds_missing_files_and_classes(tmp_path: Path) -> None:
    scene = tmp_path / "s.py"
    scene.write_text("class Real:\n    pass\n")
    check_entries((SceneEntry(str(scene), "Real", "t"),))
    with pytest.raises(UsageError, match="no class Ghost"):
        check_entries((SceneEntry(str(scene), "Ghost", "t"),))
    with pytest.raises(UsageError, match="does not exist"):
        check_entries((SceneEntry(str(tmp_path / "none.py"), "Real", "t"),))


# --- stamps ---------------------------------------------------------------------------------------

def test_input_hash_follows_scene_file_config_quality_and_flags(tmp_path: Path) -> None:
    scene = tmp_path / "s.py"
    scene.write_text("class S: pass\n")
    entry = SceneEntry(str(scene), "S", "t")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[map]\nf1 = "x"\n')
    low, tiny = render.QUALITIES["low"], render.QUALITIES["tiny"]
    base = render.input_hash(entry, low, cfg, "video", ["--seed", "0"])
    assert render.input_hash(entry, low, cfg, "video", ["--seed", "0"]) == base  # stable
    changes = [render.input_hash(entry, tiny, cfg, "video", ["--seed", "0"]),
               render.input_hash(entry, low, None, "video", ["--seed", "0"]),
               render.input_hash(entry, low, cfg, "slides", ["--seed", "0"]),
               render.input_hash(entry, low, cfg, "video", ["--seed", "1"])]
    cfg.write_text('[map]\nf1 = "y"\n')
    changes.append(render.input_hash(entry, low, cfg, "video", ["--seed", "0"]))
    cfg.write_text('[map]\nf1 = "x"\n')
    scene.write_text("class S: x = 1\n")
    changes.append(render.input_hash(entry, low, cfg, "video", ["--seed", "0"]))
    assert len({base, *changes}) == 1 + len(changes)


def test_input_hash_follows_the_scene_settings_module_beside_it() -> None:
    """A scene's own section (scenes/<file>_settings.py) is read by the settings loader, not imported by the
    scene, yet decides its pixels (the defaults): it is one of the scene's inputs, another scene's is not."""
    files = render.dependencies(render.ROOT / "scenes" / "softmax.py")
    assert render.ROOT / "scenes" / "softmax_settings.py" in files
    assert render.ROOT / "scenes" / "flow_settings.py" not in files


def test_stamp_round_trip_and_up_to_date(tmp_path: Path) -> None:
    stamp, clip = tmp_path / "S.stamp", tmp_path / "S.mp4"
    entry = SceneEntry("x.py", "S", "t")
    render.write_stamp(stamp, "abc", entry)
    assert render.read_stamp(stamp) == "abc"
    assert not render.up_to_date(stamp, "abc", clip)  # the clip is missing
    clip.write_bytes(b"x")
    assert render.up_to_date(stamp, "abc", clip) and not render.up_to_date(stamp, "abd", clip)
    stamp.write_text("{broken")
    assert render.read_stamp(stamp) == ""


# --- atomic writes --------------------------------------------------------------------------------

def test_atomic_path_leaves_old_file_intact_when_writing_fails(tmp_path: Path) -> None:
    dest = tmp_path / "lecture.mp4"
    dest.write_bytes(b"old lecture")
    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        tmp.write_bytes(b"half of a new lect")
        raise RuntimeError("killed mid-write")
    assert dest.read_bytes() == b"old lecture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.mp4"]
    with atomic_path(dest) as tmp:
        tmp.write_bytes(b"new lecture")
    assert dest.read_bytes() == b"new lecture"


# --- HTML references ------------------------------------------------------------------------------

def test_remote_references_finds_cdn_links_but_not_local_files() -> None:
    html = ('<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/reveal.js/dist/reveal.css">'
            '<script src="//unpkg.com/x.js"></script><script src="a_assets/reveal.js/dist/reveal.js"></script>'
            '<section data-background-video="a_assets/s0.mp4" data-background-size="contain"></section>'
            '<!-- <script src="http://in.a.comment/x.js"></script> -->')
    assert slides.remote_references(html) == ["https://cdn.jsdelivr.net/npm/reveal.js/dist/reveal.css",
                                              "//unpkg.com/x.js"]
    assert "a_assets/s0.mp4" in slides.html_references(html)
    assert "contain" not in slides.html_references(html)


# --- refusals before any rendering ----------------------------------------------------------------

def test_bad_config_exits_2_naming_file_and_key_and_writes_nothing(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[map]\nf1 = 3\n")
    out = tmp_path / "out"
    done = run_lecture("--config", str(cfg), "--output", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(cfg) in lines[0] and "[map].f1" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize(("text", "needle"), [("[map]\nwobble = 1\n", "[map].wobble"),
                                               ("[rbf]\nsigma = -1\n", "[rbf].sigma"),
                                               ("[rbf\n", "not valid TOML"),
                                               ("[chain_rule]\ncell = 0\n", "[chain_rule].cell"),
                                               ("[ml]\nchain_cell = 0.5\nlogits = [1.0, 2.0]\n",
                                                "[ml] chain_cell -> [chain_rule] cell, [ml] logits -> [softmax] "
                                                "logits")])
def test_other_bad_configs_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    done = run_lecture("--config", str(cfg), "--output", str(tmp_path / "out"))
    assert done.returncode == 2 and needle in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_missing_config_file_and_bad_options_exit_2(tmp_path: Path) -> None:
    done = run_lecture("--config", str(tmp_path / "nope.toml"), "--output", str(tmp_path / "out"))
    assert done.returncode == 2 and "not found" in done.stderr
    done = run_lecture("--scenes", "NoSuchScene", "--output", str(tmp_path / "out"))
    assert done.returncode == 2 and "NoSuchScene" in done.stderr
    done = run_lecture("--jobs", "0", "--output", str(tmp_path / "out"))
    assert done.returncode == 2 and "--jobs" in done.stderr
    assert not (tmp_path / "out").exists()


def _env_with_path(path: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = path
    env.pop(ENV_VAR, None)
    return env


def test_missing_latex_is_one_line_with_the_apt_hint(tmp_path: Path) -> None:
    done = run_lecture("--storyboard", "tests.fixture_storyboard:TWO", "--output", str(tmp_path / "out"),
                       env=_env_with_path(str(tmp_path / "empty-bin")))
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "LaTeX (latex)" in lines[0] and "apt-get install" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout


def test_missing_dvisvgm_alone_is_named(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "latex"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    done = run_lecture("--storyboard", "tests.fixture_storyboard:TWO", "--output", str(tmp_path / "out"),
                       env=_env_with_path(str(bin_dir)))
    assert done.returncode == 3 and "dvisvgm" in done.stderr and "apt-get install" in done.stderr


def test_doctor_reports_present_and_missing_tools(tmp_path: Path) -> None:
    done = run_lecture("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok      latex" in done.stdout and "ready to render" in done.stdout
    hidden = run_lecture("doctor", env=_env_with_path(str(tmp_path / "empty-bin")))
    assert hidden.returncode == 3
    assert "MISSING latex" in hidden.stdout and "MISSING dvisvgm" in hidden.stdout
    assert "apt-get install" in hidden.stdout


def test_dependencies_are_the_modules_a_scene_imports() -> None:
    deps = {p.relative_to(ROOT).as_posix() for p in render.dependencies(ROOT / "tests" / "fixture_scenes.py")}
    # fixture_scenes imports scenes.kit.style and scenes.kit.scene; settings via both; jacobian_math via settings
    assert {"tests/fixture_scenes.py", "scenes/__init__.py", "scenes/kit/scene.py", "scenes/kit/style.py",
            "jacobian_settings/__init__.py", "jacobian_math/__init__.py", "jacobian_math/plane_map.py"} <= deps
    # other scenes do not count
    assert not deps & {"scenes/rbf_jacobian.py", "scenes/grid_squares.py", "scenes/flow.py"}


def test_stale_temporaries_of_dead_runs_are_removed(tmp_path: Path) -> None:
    from lecture.cli import remove_stale_temporaries

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()  # a pid that has exited
    (tmp_path / "clips" / "tiny").mkdir(parents=True)
    stale = [tmp_path / f".jacobian_lecture.tmp-{dead}.mp4", tmp_path / "clips" / "tiny" / f".S.tmp-{dead}.stamp"]
    live = tmp_path / f".jacobian_lecture.tmp-{os.getpid()}.mp4"
    staging = tmp_path / "slides" / f".jacobian_lecture.staging-{dead}"
    staging.mkdir(parents=True)
    for path in [*stale, live]:
        path.write_bytes(b"partial")
    keep = tmp_path / "jacobian_lecture.mp4"
    keep.write_bytes(b"published")
    remove_stale_temporaries(tmp_path)
    assert not any(p.exists() for p in stale) and not staging.exists()
    assert live.exists() and keep.read_bytes() == b"published"


def test_error_line_rejoins_a_wrapped_exception_message() -> None:
    from lecture.render import _error_line

    tail = ["│ ❱ 101 │   raise NonFiniteMapError(   │", "╰────╯",
            "NonFiniteMapError: map f(x, y) = (1/x, y) is not finite at (x, y) = (0, -2); change the map or",
            "restrict the domain"]
    assert _error_line(tail) == ("NonFiniteMapError: map f(x, y) = (1/x, y) is not finite at (x, y) = (0, -2); "
                                 "change the map or restrict the domain")
    assert _error_line(["Rendering...", "manim: something odd"]) == "manim: something odd"


def test_list_prints_each_part_title_before_its_scenes(capsys) -> None:
    from lecture import cli

    assert cli.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "part 1: The Jacobian, in motion"
    part2 = lines.index("part 2: Jacobians in machine learning")
    assert part2 == 1 + sum(e.part == 1 for e in STORYBOARD)
    assert "ChainRule" in lines[part2 + 1] and "scenes/chain_rule.py" in lines[part2 + 1]
