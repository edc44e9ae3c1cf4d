"""Every beat that shows something says what it shows, for viewers who cannot see it (WCAG 1.2.3/1.2.5):
``caption(text, seconds, shows="...")`` in the scene, recorded in the clip's narration record and put into the
course page's descriptions track and transcript (tests/test_page.py).

Checked two ways: from the source (:func:`scenes.kit.beats.undescribed_beats`, fast, every storyboard scene)
and while rendering (the narration record lists the beats that played an animation without a description)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lecture.storyboard import STORYBOARD
from scenes.kit.beats import beat_ids, undescribed_beats
from tests.fixture_storyboard import BEATS, TWO, UNDESCRIBED
from tests.test_page import render_page


def test_source_check_finds_the_undescribed_beat() -> None:
    for entry in (*BEATS, *TWO):
        assert undescribed_beats(entry.path, entry.cls) == [], entry.cls
    (entry,) = UNDESCRIBED
    assert undescribed_beats(entry.path, entry.cls) == ["undescribed"]


def test_source_check_follows_methods_and_ignores_an_empty_description(tmp_path: Path) -> None:
    scene = tmp_path / "scene.py"
    scene.write_text(
        "class S(LectureScene):\n"
        "    def construct(self):\n"
        "        self.prepare()\n"
        "        self.beat('a')\n"
        "        self.show_a()\n"
        "        self.beat('b')\n"
        "        self.show_b()\n"
        "        self.beat('c')\n"
        "        self.caption('said only', 1.0)\n"
        "    def prepare(self):\n"
        "        self.add(Dot())\n"
        "    def show_a(self):\n"
        "        self.caption('a', 1.0, shows='a dot')\n"
        "        self.helper()\n"
        "    def helper(self):\n"
        "        self.play(FadeIn(Dot()))\n"
        "    def show_b(self):\n"
        "        self.caption('b', 1.0, shows='')\n"
        "        uncover(self, [[Dot()]], 1.0)\n")
    assert beat_ids(scene, "S") == ["a", "b", "c"]
    # what comes before the first beat belongs to it (here described); the last beat shows nothing new: it
    # needs no description
    assert undescribed_beats(scene, "S") == ["b"]


def test_every_beat_of_the_lecture_is_described() -> None:
    missing = {e.cls: undescribed_beats(e.path, e.cls) for e in STORYBOARD}
    assert {cls: beats for cls, beats in missing.items() if beats} == {}


@pytest.mark.render
def test_render_records_and_reports_undescribed_beats(tmp_path: Path) -> None:
    done = render_page(tmp_path, "tests.fixture_storyboard:UNDESCRIBED")
    assert done.returncode == 0, done.stderr
    assert "note: 1 beat(s) show something without a description" in done.stdout
    assert "FixtureUndescribed-undescribed" in done.stdout
    record = json.loads((tmp_path / "clips" / "tiny" / "FixtureUndescribed.narration.json").read_text())
    assert record["undescribed"] == ["FixtureUndescribed-undescribed"]
    assert [d["text"] for d in record["descriptions"]] == ["A blue square."]
