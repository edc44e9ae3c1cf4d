"""Storyboards of the fixture scenes, for ``python -m lecture --storyboard tests.fixture_storyboard:NAME``."""

from lecture.storyboard import SceneEntry

TWO = (
    SceneEntry("tests/fixture_scenes.py", "FixtureJacobian", "The Jacobian of the map", 1),
    SceneEntry("tests/fixture_scenes.py", "FixtureSquare", "A square", 1),
)

WITH_BROKEN = (
    SceneEntry("tests/fixture_scenes.py", "FixtureSquare", "A square", 1),
    SceneEntry("tests/fixture_scenes.py", "FixtureBroken", "A broken scene", 1),
)

SPOKEN = (
    SceneEntry("tests/fixture_scenes.py", "FixtureSquare", "A square", 1),
)

BEATS = (
    SceneEntry("tests/fixture_scenes.py", "FixtureBeats", "Four beats", 1),
    SceneEntry("tests/fixture_scenes.py", "FixtureSquare", "A square", 1),
)

UNDESCRIBED = (
    SceneEntry("tests/fixture_scenes.py", "FixtureUndescribed", "Undescribed", 1),
)
