"""The storyboard (scenes/storyboard.py) and the scenes agree: every entry names an existing scene class,
its chapter title is the scene's own TITLE, and every scene of scenes/ is in the lecture exactly once.  The
README's scene table and the golden folders follow the storyboard."""

import importlib
import inspect
import re

from lecture.storyboard import ROOT, STORYBOARD
from scenes.kit.scene import LectureScene


def test_storyboard_titles_are_the_scenes_titles():
    for entry in STORYBOARD:
        module = importlib.import_module(entry.file.removesuffix(".py").replace("/", "."))
        cls = getattr(module, entry.cls)
        assert issubclass(cls, LectureScene)
        assert cls.TITLE == entry.title, f"{entry.cls}: storyboard says {entry.title!r}, scene says {cls.TITLE!r}"


def test_every_scene_is_in_the_lecture_once():
    names = [e.cls for e in STORYBOARD]
    assert len(names) == len(set(names))
    found = set()
    for path in sorted((ROOT / "scenes").glob("*.py")):  # every scene file of scenes/, not only the listed ones
        module_name = f"scenes.{path.stem}"
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, LectureScene) and obj.__module__ == module_name and obj.TITLE:
                found.add(name)
    assert found == set(names)


def readme_scene_table(text: str) -> list[tuple[str, str]]:
    """(file, class) of each row of the README's scene table, in order."""
    return re.findall(r"^\| `(scenes/[^`]+\.py)` \| `(\w+)` \|", text, flags=re.M)


def test_the_readme_lists_the_storyboard_once_in_order():
    """The README's scene table is the storyboard's list (file, class, order); no other README paragraph names
    every scene (a new scene is added to the storyboard and this table, nowhere else)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_scene_table(readme) == [(e.file, e.cls) for e in STORYBOARD]
    names = [e.cls for e in STORYBOARD]
    for paragraph in readme.split("\n\n"):
        if not paragraph.lstrip().startswith("|"):  # tables: the scene table, benchmark tables (measured subsets)
            assert not all(f"`{n}`" in paragraph for n in names), paragraph[:200]


def test_the_readme_check_sees_a_missing_or_moved_scene():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `scenes/")]
    without = readme.replace(rows[3] + "\n", "")
    moved = readme.replace(rows[3] + "\n", "").replace(rows[0], rows[3] + "\n" + rows[0])
    want = [(e.file, e.cls) for e in STORYBOARD]
    assert readme_scene_table(without) != want and readme_scene_table(moved) != want


def test_every_scene_has_golden_beat_frames_and_every_golden_folder_a_scene():
    """Each storyboard scene's render is compared with goldens (tests/golden/beats/<Scene>/, written by its golden
    test with UPDATE_GOLDEN=1); a folder for a scene the lecture no longer has is stale."""
    folders = {p.name for p in (ROOT / "tests" / "golden" / "beats").iterdir() if p.is_dir()}
    names = {e.cls for e in STORYBOARD}
    assert names - folders == set(), f"scenes without golden beat frames: {sorted(names - folders)}"
    assert folders - names == set(), f"golden beat frames of no scene: {sorted(folders - names)}"
