"""The one follower mechanism: mobjects that track a moving value (a tracker, x0, the logits, h, ...).

A follower is a mobject plus a ``place(mob)`` function that moves or reshapes it (never rebuilds it) for the
current value.  Followers carry **no updaters**: Manim redraws on every frame each mobject that has an
updater, and everything sorted after it, even in beats where the value stands still.  Instead
:meth:`Followers.play` plays the animations that move the value together with one :class:`Follow`
animation, listed after them, that re-places the followers on screen on each frame; between such plays the
followers are still pictures, kept in Manim's cached background.

Measured (``bench/``): the x0 sweep with followers re-placed this way takes 0.083 of the time of Manim's
idiomatic ``always_redraw`` followers (README, Benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable

from manim import Animation, Group, Mobject, Scene

Place = Callable[[Mobject], object]


class Follow(Animation):
    """Re-place followers ``items`` (``(mob, place)`` pairs) on each frame; ``mobject`` is their group.

    Unlike ``UpdateFromFunc`` it keeps no starting copy (nothing is interpolated from one), so beginning it
    costs nothing however many glyphs the followers have."""

    def __init__(self, group: Mobject, items: list[tuple[Mobject, Place]], **kwargs) -> None:
        self.items = items
        super().__init__(group, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject

    def interpolate_mobject(self, alpha: float) -> None:
        for mob, place in self.items:
            place(mob)


class Followers:
    """Mobjects that follow a moving value.  ``add`` places a follower once; ``play`` moves the value and
    re-places the followers on screen on each frame; ``refresh`` re-places all of them at once."""

    def __init__(self) -> None:
        self.items: list[tuple[Mobject, Place]] = []

    def add(self, mob: Mobject, place: Place) -> Mobject:
        """Register ``mob``, placed now and whenever the value moves, by ``place(mob)``; returns ``mob``."""
        place(mob)
        self.items.append((mob, place))
        return mob

    def refresh(self) -> None:
        """Re-place every follower for the current value (after setting it without an animation)."""
        for mob, place in self.items:
            place(mob)

    def play(self, scene: Scene, *animations: Animation, **kwargs) -> None:
        """``scene.play(*animations, **kwargs)`` with the followers on screen re-placed on each frame after
        the animations (which move the value) have run; the others are re-placed once at the end."""
        on_screen = {id(m) for m in scene.get_mobject_family_members()}
        shown = [(m, p) for m, p in self.items if id(m) in on_screen]
        hidden = [(m, p) for m, p in self.items if id(m) not in on_screen]
        group = Group(*(m for m, _ in shown))
        # sorted where its first follower is: Manim redraws per frame everything from the first moving mobject on
        group.set_z_index(min((m.z_index for m, _ in shown), default=0), family=False)
        scene.play(*animations, Follow(group, shown), **kwargs)
        for mob, place in hidden:
            place(mob)
