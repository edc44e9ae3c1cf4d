"""Beat ids: every beat starts with ``self.beat("id")``; an id is a slug, unique in its scene and without a
position, so a recording (``<Scene>-<id>.wav``) and a beat golden (``tests/golden/beats/<Scene>/<id>.png``)
keep their beat when beats are inserted or methods renamed.  Takes in a recordings folder that match no beat
are named before a render, and takes named the old way (``<Scene>-03-name.wav``) with what to rename them to."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from test_narration import tone, write_wav

from lecture.narrate import stray_recordings
from lecture.storyboard import ROOT, STORYBOARD
from narration import parse_voice
from narration.narrator import OUT_ENV
from scenes.kit.beats import BeatIdError, beat_ids
from scenes.kit.narrator import ENV_VAR as NARRATOR_ENV

FIXTURES = ROOT / "tests" / "fixture_scenes.py"
SLUG = re.compile(r"[a-z][a-z0-9_]*")  # what a file name, a URL and a shell take without quoting


def _scenes() -> list[tuple[Path, str]]:
    """Every scene of the lecture and every fixture scene that has beats."""
    fixtures = [node.name for node in ast.parse(FIXTURES.read_text(encoding="utf-8")).body
                if isinstance(node, ast.ClassDef) and node.name != "FixtureBroken"]
    return [(e.path, e.cls) for e in STORYBOARD] + [(FIXTURES, cls) for cls in fixtures]


@pytest.mark.parametrize("path, cls", _scenes(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_scene_has_unique_beat_ids_that_are_file_name_slugs(path: Path, cls: str) -> None:
    ids = beat_ids(path, cls)
    assert ids, f"{cls} has no self.beat(\"id\")"
    assert len(set(ids)) == len(ids), f"{cls}: repeated beat ids {ids}"
    assert all(SLUG.fullmatch(b) for b in ids), f"{cls}: beat ids that are not slugs: {ids}"
    # every self.beat( in the class's source is one of them (none read past, none in a helper)
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    source = ast.get_source_segment(Path(path).read_text(encoding="utf-8"),
                                    next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls))
    assert source.count("self.beat(") == len(ids), cls


def test_the_lecture_has_the_beats_its_goldens_and_recordings_are_named_by() -> None:
    """The beat goldens are named by id: each scene's folder holds exactly its beats."""
    for entry in STORYBOARD:
        folder = ROOT / "tests" / "golden" / "beats" / entry.cls
        assert sorted(p.stem for p in folder.glob("*.png")) == sorted(beat_ids(entry.path, entry.cls)), entry.cls


@pytest.mark.parametrize("body, message", [
    ('self.beat("intro")\n        self.beat("intro")', "beat id 'intro' is used twice (beat 1 and beat 2)"),
    ('self.beat("Intro")', "beat id 'Intro' is not a slug"),
    ('self.beat("03-intro")', "beat id '03-intro' is not a slug"),
    ('self.beat("show map")', "beat id 'show map' is not a slug"),
    ('self.beat(f"step_{1}")', "needs its id as one string"),
    ('self.beat()', "needs its id as one string"),
    ('self.beat(3)', "beat id 3 is not a slug"),
    ('for k in range(2):\n            self.beat("loop")', "starts a beat inside a block of construct"),
    ('done = self.beat("a")', "starts a beat inside a block of construct"),
    ('self.helper()', "S starts a beat in helper(); self.beat(\"id\") must be a statement of construct itself"),
])
def test_a_bad_beat_id_is_one_line_naming_it(tmp_path: Path, body: str, message: str) -> None:
    scene = tmp_path / "scene.py"
    helper = "    def helper(self):\n        self.beat('inner')\n" if "helper" in body else ""
    scene.write_text(f"class S(LectureScene):\n    def construct(self):\n        {body}\n{helper}")
    with pytest.raises(BeatIdError) as err:
        beat_ids(scene, "S")
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.render
def test_a_render_names_its_beats_by_their_ids_in_source_order(tmp_path: Path, monkeypatch) -> None:
    from scene_harness import render_scene

    from tests.fixture_scenes import FixtureBeats

    monkeypatch.setenv(OUT_ENV, str(tmp_path / "records"))
    monkeypatch.setenv(NARRATOR_ENV, "narration.narrator:for_scene")  # the lecture's narrator writes the record
    scene = render_scene(FixtureBeats, tmp_path / "media", 64, 36, last_frame=True, beat_frames=True)
    ids = [f"FixtureBeats-{b}" for b in beat_ids(FIXTURES, "FixtureBeats")]
    assert ids == ["FixtureBeats-appear", "FixtureBeats-move", "FixtureBeats-turn", "FixtureBeats-fill"]
    assert [name for name, _ in scene.beat_frames] == ids
    record = json.loads((tmp_path / "records" / "FixtureBeats.narration.json").read_text(encoding="utf-8"))
    assert record["beats"] == 4 and len(record["beat_ends"]) == 4
    assert [(u["id"], u["beat"]) for u in record["utterances"]] == list(zip(ids, range(4), strict=True))


@pytest.mark.render
@pytest.mark.parametrize("construct, error, message", [
    ('self.beat("a")\n        self.beat("a")', BeatIdError, "S: beat id 'a' is used twice"),
    ('self.beat("A b")', BeatIdError, "S: beat id 'A b' is not a slug"),
    ('self.caption("Hello", 1.0)\n        self.beat("a")', RuntimeError,
     "S: caption 'Hello' before the first beat; start each beat with self.beat(\"id\")"),
])
def test_a_render_stops_on_a_bad_beat(tmp_path: Path, construct: str, error: type, message: str) -> None:
    from scene_harness import render_scene

    from scenes.kit.scene import LectureScene

    namespace: dict = {}
    exec(f"def construct(self):\n        {construct}\n".replace("\n        ", "\n    "), namespace)
    scene_cls = type("S", (LectureScene,), {"construct": namespace["construct"]})
    with pytest.raises(error, match=re.escape(message)):
        render_scene(scene_cls, tmp_path, 64, 36, last_frame=True)


# ------------------------------------------------------------------------ takes that match no beat


BEATS = {"RBFJacobian": ["title_card", "show_bumps", "show_derivatives", "show_probe"],
         "JacobianPenalty": ["title_card", "show_input", "show_first_map", "show_second_map", "compare"]}


def _takes(tmp_path: Path, *names: str):
    for name in names:
        write_wav(tmp_path / name, tone(0.2))
    return parse_voice(str(tmp_path))


def test_takes_of_beats_give_no_warning(tmp_path: Path) -> None:
    voice = _takes(tmp_path, "RBFJacobian-show_probe.wav", "JacobianPenalty-compare.wav")
    assert stray_recordings(voice, BEATS) == []
    assert stray_recordings(parse_voice("none"), BEATS) == []


def test_takes_named_by_number_are_told_what_to_rename_to(tmp_path: Path) -> None:
    """By the name in the old file name when a beat has it, else by its number (beat 4 of the penalty scene was
    guessed as ``show_map.2``); one line for all of them."""
    voice = _takes(tmp_path, "RBFJacobian-04-show_probe.wav", "JacobianPenalty-04-show_map.2.wav")
    (line,) = stray_recordings(voice, BEATS)
    assert line == (f"warning: 2 recording(s) in {tmp_path.resolve()} are named by beat number, as before beat ids "
                    "(ignored): rename JacobianPenalty-04-show_map.2.wav to JacobianPenalty-show_second_map.wav, "
                    "RBFJacobian-04-show_probe.wav to RBFJacobian-show_probe.wav")


def test_takes_that_match_no_beat_are_named_in_one_line(tmp_path: Path) -> None:
    """A renamed beat, a scene that is not in the lecture, an old number past the scene's beats, and an old
    name whose new name is already taken by another take."""
    voice = _takes(tmp_path, "RBFJacobian-show_slopes.wav", "Nowhere-intro.wav", "RBFJacobian-09-gone.wav",
                   "RBFJacobian-02-show_bumps.wav", "RBFJacobian-show_bumps.wav")
    (line,) = stray_recordings(voice, BEATS)
    assert line == (f"warning: 4 recording(s) in {tmp_path.resolve()} match no beat of the lecture (ignored; "
                    "scripts/render script lists the beat ids): Nowhere-intro.wav, "
                    "RBFJacobian-02-show_bumps.wav, RBFJacobian-09-gone.wav, RBFJacobian-show_slopes.wav")
