"""bench/beats.py: which beat the beat-preview bench picks, its 1-based number, and the README table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.beats import format_beats, longest_beats
from bench.core import BenchError
from lecture.storyboard import load_storyboard
from narration.narrator import record_path
from scenes.kit.beats import beat_ids

SCENE = "TaylorError"  # four beats: title_card, show_curves, shrink_step, read_slope
PATH = {e.cls: e.path for e in load_storyboard(None)}[SCENE]


def _write_record(root: Path, ends: list[float]) -> None:
    folder = root / "build" / "script" / SCENE
    folder.mkdir(parents=True)
    record_path(folder, SCENE).write_text(json.dumps({"beat_ends": ends, "beats": len(ends), "utterances": []}))


def test_the_longest_beat_is_the_one_with_most_seconds_not_the_last_end(tmp_path: Path) -> None:
    names = beat_ids(PATH, SCENE)
    assert len(names) == 4
    # beat lengths 2, 9, 4, 3: beat 2 is longest though beat 4 ends last
    _write_record(tmp_path, [2.0, 11.0, 15.0, 18.0])
    assert longest_beats(tmp_path, {SCENE: PATH}) == {SCENE: (names[1], 2, pytest.approx(9.0))}


def test_a_record_with_other_beats_than_the_source_is_an_error(tmp_path: Path) -> None:
    _write_record(tmp_path, [2.0, 11.0, 15.0])
    with pytest.raises(BenchError, match="3 timed beats"):
        longest_beats(tmp_path, {SCENE: PATH})


def test_the_table_has_one_row_per_scene_with_its_numbers() -> None:
    rows = [{"scene": "A", "beat": "zoom_in", "video_s": 10.64, "first_wall_s": 14.23, "warm_wall_s": 1.337}]
    table = format_beats(rows).splitlines()
    assert len(table) == 3
    assert table[2] == "| A | zoom_in | 10.6 | 14.2 | 1.34 |"
