"""``python -m lecture new NAME`` (lecture/new_scene.py), run in a copy of the project (tmp_path): the files it
writes, the storyboard and README lines it adds, the settings it declares (and assets/default.toml rewritten to
match); the new scene renders at tiny size, its captions obey narration/rules.py, its own test passes (goldens
written, then compared) and so does tests/test_storyboard.py.  Name collisions and bad names or titles give a
one-line error (exit 2) and change no file.  Nothing is written to the real project."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lecture.new_scene import snake_case
from lecture.storyboard import ROOT
from narration.rules import caption_problems

COPIED = ("jacobian_math", "jacobian_settings", "lecture", "narration", "scenes", "assets", "manim.cfg",
          "pyproject.toml", "README.md", "tests/conftest.py", "tests/scene_harness.py", "tests/test_storyboard.py",
          "tests/golden")


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.actual.png", "*.diff.png", "media")
    for name in COPIED:
        src, out = ROOT / name, dest / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, out, ignore=ignore)
        else:
            shutil.copy2(src, out)
    return dest


def run(root: Path, *args: str, update_golden: bool = False, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JACOBIAN_", "UPDATE_GOLDEN", "PYTEST_"))}
    env["PYTHONPATH"] = str(root)
    if update_golden:
        env["UPDATE_GOLDEN"] = "1"
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=timeout)


def tree(root: Path) -> dict[str, str]:
    """Every file of the copy and a hash of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    err = result.stderr.strip()
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and not result.stdout.strip(), (result.stdout, err)
    for word in words:
        assert word in err, err
    return err


def test_snake_case():
    assert snake_case("PolarCoordinates") == "polar_coordinates"
    assert snake_case("RBFModel") == "rbf_model"
    assert snake_case("MAMLStep") == "maml_step"
    assert snake_case("Polar2D") == "polar2_d"
    assert snake_case("Polar") == "polar"


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("project"))
    before = tree(root)
    result = run(root, "-m", "lecture", "new", "PolarCoordinates", "--title", "Polar coordinates, as a map")
    assert result.returncode == 0, result.stderr
    return root, before, result


def test_new_writes_the_scene_its_settings_its_test_and_its_lines(scaffolded):
    root, before, result = scaffolded
    changed = {p for p, h in tree(root).items() if before.get(p) != h}
    assert changed == {"scenes/polar_coordinates.py", "scenes/polar_coordinates_settings.py",
                       "tests/test_scene_polar_coordinates.py", "scenes/storyboard.py", "README.md",
                       "assets/default.toml"}, changed
    assert "scripts/preview PolarCoordinates" in result.stdout
    assert "UPDATE_GOLDEN=1 scripts/test -k polar_coordinates" in result.stdout
    check = run(root, "-c", "import json; from lecture.storyboard import STORYBOARD; from jacobian_settings import "
                            "load_settings; print(json.dumps([[[e.file, e.cls, e.title, e.part] for e in STORYBOARD],"
                            " load_settings(None).polar_coordinates.value]))")
    assert check.returncode == 0, check.stderr
    entries, value = json.loads(check.stdout)
    assert entries[-2] == ["scenes/polar_coordinates.py", "PolarCoordinates", "Polar coordinates, as a map", 2]
    assert entries[-1][1] == "MLOutlook" and value == 1.5
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in readme if line.startswith("| `scenes/")]
    assert rows[-2].startswith("| `scenes/polar_coordinates.py` | `PolarCoordinates` |") and "MLOutlook" in rows[-1]
    assert run(root, "-m", "jacobian_settings", "--check").returncode == 0  # default.toml documents the section
    assert "[polar_coordinates]" in (root / "assets" / "default.toml").read_text(encoding="utf-8")
    lint = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache",
                           "scenes/polar_coordinates.py", "scenes/polar_coordinates_settings.py",
                           "tests/test_scene_polar_coordinates.py", "scenes/storyboard.py"],
                          cwd=root, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


RENDER = """
import json, sys, tempfile
sys.path.insert(0, "tests")
from scene_harness import render_scene, scene_class
said = []
class Recorded(scene_class("PolarCoordinates")):
    def caption(self, text, seconds, spoken=None, silent_caption=True, shows=None):
        said.append([text, spoken])
        super().caption(text, seconds, spoken, silent_caption, shows)
Recorded.__name__ = "PolarCoordinates"
scene = render_scene(Recorded, tempfile.mkdtemp(), 128, 72, last_frame=True)
print(json.dumps({"said": said, "std": float(scene.renderer.get_frame()[..., :3].std())}))
"""


@pytest.mark.render
def test_the_new_scene_renders_and_its_captions_obey_the_rules(scaffolded):
    root, _, _ = scaffolded
    result = run(root, "-c", RENDER)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["std"] > 5  # something is drawn
    assert len(out["said"]) == 2
    for text, spoken in out["said"]:
        assert caption_problems(text, spoken) == [], text


@pytest.mark.render
def test_its_own_test_and_the_storyboard_test_pass(scaffolded):
    root, _, _ = scaffolded
    test = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_scene_polar_coordinates.py"]
    first = run(root, *test, update_golden=True)
    assert first.returncode == 0, first.stdout[-3000:]
    assert (root / "tests" / "golden" / "PolarCoordinates.png").is_file()
    assert sorted(p.name for p in (root / "tests" / "golden" / "beats" / "PolarCoordinates").glob("*.png")) == [
        "show_step.png", "show_value.png"]
    again = run(root, *test, "tests/test_storyboard.py")  # against the goldens just written; the lecture's lists
    assert again.returncode == 0, again.stdout[-3000:]


@pytest.mark.parametrize(("args", "words"), [
    (["PolarCoordinates"], ["scenes/polar_coordinates.py already exists"]),
    (["SoftmaxJacobian"], ["already exists"]),
    (["SoftmaxJacobian2", "--title", "The softmax Jacobian"], ["already has a chapter titled"]),
    (["Map"], ["section [map] already exists"]),
    (["polar"], ["bad scene name 'polar'"]),
    (["Polar_Coordinates"], ["bad scene name"]),
    (["PC"], ["bad scene name"]),
    (["A" + "b" * 40], ["bad scene name"]),
    (["Storyboard"], ["reserved"]),
    (["SomethingSettings"], ["reserved"]),
    (["Polar", "--title", 'say "hi"'], ["bad --title"]),
    (["Polar", "--title", "x" * 61], ["bad --title"]),
])
def test_collisions_and_bad_names_write_nothing(scaffolded, args, words):
    root, _, _ = scaffolded
    before = tree(root)
    one_line_error(run(root, "-m", "lecture", "new", *args), *words)
    assert tree(root) == before


def test_a_leftover_file_of_the_name_stops_it_before_writing_anything(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "tests" / "test_scene_half_done.py").write_text("# someone's earlier attempt\n")
    before = tree(root)
    one_line_error(run(root, "-m", "lecture", "new", "HalfDone"), "tests/test_scene_half_done.py already exists")
    assert tree(root) == before


def test_a_part_one_scene_goes_after_the_last_part_one_scene(tmp_path):
    root = copy_project(tmp_path / "project")
    assert run(root, "-m", "lecture", "new", "PolarGrid", "--part", "1").returncode == 0
    check = run(root, "-c", "from lecture.storyboard import STORYBOARD; print([(e.cls, e.part) for e in STORYBOARD])")
    order = eval(check.stdout)  # noqa: S307 - our own output
    i = order.index(("PolarGrid", 1))
    assert order[i - 1][1] == 1 and order[i + 1][1] == 2 and order[i + 1][0] == "ChainRule"
    rows = [line for line in (root / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `scenes/")]
    assert "`PolarGrid`" in rows[i] and "Polar grid" in (root / "scenes" / "polar_grid.py").read_text()


FAILING_WRITE = """
import sys
import jacobian_settings
def full(*args, **kwargs):
    raise OSError(28, "No space left on device")
jacobian_settings.default_toml = full  # fails after the scene's files are written
from lecture.new_scene import main
sys.exit(main(["PolarLate"]))
"""


def test_a_failure_while_writing_puts_every_file_back(tmp_path):
    root = copy_project(tmp_path / "project")
    before = tree(root)
    one_line_error(run(root, "-c", FAILING_WRITE), "No space left on device", "nothing was written")
    assert tree(root) == before


def test_a_settings_module_that_does_not_load_is_one_line(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "scenes" / "broken_settings.py").write_text("raise ImportError('half-edited')\n")
    before = tree(root)
    one_line_error(run(root, "-m", "lecture", "new", "PolarBroken"), "half-edited", "nothing was written")
    assert tree(root) == before
