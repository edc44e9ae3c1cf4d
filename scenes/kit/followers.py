"""The one follower mechanism: mobjects that track a moving value (see :class:`Followers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from manim import Mobject


class Followers:
    """Updaters that make mobjects follow a tracker, attached only while the tracker moves.

    Anything carrying an updater is redrawn on every frame (with everything Manim sorts after it), even in
    beats where its tracker stands still; so each updater runs once when registered and is attached only
    for the animations that move the tracker."""

    def __init__(self) -> None:
        self.items: list[tuple[Mobject, Callable[[Mobject], object]]] = []

    def add(self, mob: Mobject, updater: Callable[[Mobject], object]) -> Mobject:
        updater(mob)
        self.items.append((mob, updater))
        return mob

    @contextmanager
    def attached(self) -> Iterator[None]:
        for mob, updater in self.items:
            mob.add_updater(updater)
        try:
            yield
        finally:
            for mob, updater in self.items:
                mob.remove_updater(updater)
