"""The storyboard (lecture/storyboard.py) and the scenes agree: every entry names an existing scene class,
its chapter title is the scene's own TITLE, and every scene of scenes/ is in the lecture exactly once."""

import importlib
import inspect

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
