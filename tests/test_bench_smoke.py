"""The benchmark package imports, formats its table and JSON, and its references stay right (no renders)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is run from the project root, it is not an installed package
    sys.path.insert(0, str(ROOT))

import jacobian_math  # noqa: E402
from bench import cli, core, mathbench  # noqa: E402
from jacobian_math import numerical_jacobian  # noqa: E402


def fake_rows() -> list[core.Row]:
    scene = core.Row("RBFJacobian", "scene", "low", video_s=20.0, wall_s=30.0, peak_mib=350.4, x_floor=6.0)
    ours = core.Row("sweep: ours", "construct", "low", video_s=9.0, wall_s=9.0, beat_s=1.5, x_baseline=0.25)
    return [scene, ours, core.Row("preview: X unchanged", "preview", "low", video_s=None, wall_s=3.0)]


def test_factor_is_wall_over_video() -> None:
    rows = fake_rows()
    assert rows[0].factor == pytest.approx(1.5)
    assert rows[2].factor is None  # no video length: no factor, not a division by zero


def test_text_and_markdown_tables_show_every_row_and_column() -> None:
    rows = fake_rows()
    text = core.format_table(rows).splitlines()
    assert text[0].split()[:2] == ["scene", "quality"]
    assert len(text) == 2 + len(rows)
    assert "1.50" in text[2] and "350" in text[2] and "6.00" in text[2]
    assert text[4].split()[-1] == "-"  # missing values are dashes
    md = core.format_markdown(rows).splitlines()
    assert md[0].count("|") == len(core.COLUMNS) + 1
    assert all(line.count("|") == len(core.COLUMNS) + 1 for line in md)
    assert "| sweep: ours | low | 9.0 | 9.0 | 1.00 | - | 0.25 |" in md[3]


def test_results_document_round_trips_through_json(tmp_path: Path) -> None:
    doc = core.results_document(fake_rows(), {"nproc": 2}, {"loadavg_start": [0.5, 0.4, 0.3]}, {"math": {"x": 1}})
    path = core.write_json(doc, tmp_path / "r" / "out.json")
    back = json.loads(path.read_text())
    assert back["machine"] == {"nproc": 2}
    assert back["rows"][0]["factor"] == pytest.approx(1.5)
    assert back["rows"][1]["beat_s"] == 1.5
    assert back["math"] == {"x": 1}
    assert not list(path.parent.glob("*.tmp"))


def test_scaling_slopes_are_the_maths_loglog_slope() -> None:
    # one log-log fit in the project: jacobian_math's (tested in tests/test_math_ml.py)
    assert cli.loglog_slope is jacobian_math.loglog_slope
    assert not hasattr(core, "loglog_slope")
    x = np.array([1.0, 2.0, 4.0, 8.0])
    assert cli.loglog_slope(x, 3 * x**2) == pytest.approx(2.0)
    assert cli.loglog_slope(x, 5 * np.sqrt(x)) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="two different steps"):
        cli.loglog_slope([2.0, 2.0], [1.0, 3.0])


def test_machine_info_names_the_machine() -> None:
    info = core.machine_info()
    assert info["nproc"] >= 1 and info["manim"] != "not installed" and info["date"]


def test_bad_options_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--quality", "ultra", "--max-wait", "0"]) == 2
    assert "unknown quality 'ultra'" in capsys.readouterr().err
    assert cli.main(["--scenes", "NoSuchScene", "--max-wait", "0"]) == 2
    assert "unknown scene 'NoSuchScene'" in capsys.readouterr().err
    assert cli.main(["--parts", "everything", "--max-wait", "0"]) == 2
    assert "unknown part 'everything'" in capsys.readouterr().err


@pytest.mark.parametrize("scene", [cls for _, cls in cli.storyboard()])
def test_every_scene_has_a_preview_edit_that_applies_to_its_file(scene: str) -> None:
    rel, old, new = cli.preview_edit(scene)
    text = (ROOT / rel).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    assert f"class {scene}(" in text and old != new
    edited = text.replace(old, new)
    compile(edited, rel, "exec")  # the edit keeps the file valid Python
    if scene not in cli.PREVIEW_EDITS:  # the fallback edit changes the scene's own TITLE
        start = edited.index(f"class {scene}(")
        assert edited.index(new, start) < edited.find("\nclass ", start + 1) % (len(edited) + 1)


def test_math_references_match_hand_values_and_central_differences() -> None:
    pts = np.array([[1.0, 2.0], [-0.5, 0.0]])
    assert np.allclose(mathbench.reference_f(pts), [[1 - 2, 4 + 1], [0.25, -0.5]])
    assert np.allclose(mathbench.reference_jacobian(pts), numerical_jacobian(mathbench.reference_f, pts), atol=1e-6)


def test_math_benchmark_runs_on_few_points() -> None:
    result = mathbench.run(n=1000, repeat=1)
    assert result["max_abs_diff_f"] <= 1e-12 and result["max_abs_diff_jacobian"] <= 1e-12
    assert result["f_planemap_s"] > 0 and result["jacobian_reference_s"] > 0
    assert "PlaneMap" in mathbench.format_math(result)
