"""``python -m lecture new NAME [--title TEXT] [--part 1|2]``: the files of a new scene, ready to edit.

Writes ``scenes/<name>.py`` (a :class:`~scenes.kit.scene.LectureScene` with two example beats),
``scenes/<name>_settings.py`` (its settings section ``[<name>]``, one example key) and
``tests/test_scene_<name>.py`` (a tiny render: golden final frame and beat frames, the shown number read back,
the captions checked by :mod:`narration.rules`); adds the scene to ``scenes/storyboard.py`` and to the README's
scene table, and rewrites ``assets/default.toml`` from the declared sections.  ``<name>`` is NAME in snake case.

It overwrites nothing: every collision (a file, a class in the storyboard, a settings section) is found before
anything is written, and reported in one line (exit 2).  Exit 0: written, next steps printed.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from lecture.errors import UsageError

__all__ = ["main", "plan", "snake_case"]

ROOT = Path(__file__).resolve().parent.parent
NAME_RE = re.compile(r"[A-Z][A-Za-z0-9]{0,39}\Z")  # at most 40 characters: generated lines stay short
MAX_TITLE = 60  # a chapter title: the storyboard line, the title card and the chapter list stay one line
OUTLOOK = "MLOutlook"  # the closing card: new scenes go before it


def snake_case(name: str) -> str:
    """``PolarCoordinates`` -> ``polar_coordinates``, ``RBFModel`` -> ``rbf_model``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _check_name(name: str) -> str:
    if not NAME_RE.match(name) or not re.search(r"[a-z]", name):
        raise UsageError(f"bad scene name {name!r}: write it as a CamelCase class name, a capital letter first, "
                         "letters and digits only, at most 40 (e.g. PolarCoordinates)")
    snake = snake_case(name)
    if keyword.iskeyword(name) or keyword.iskeyword(snake) or snake.endswith("_settings") or snake == "storyboard":
        raise UsageError(f"bad scene name {name!r}: its file name {snake}.py is reserved")
    return snake


def _check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > MAX_TITLE or any(c in title for c in "\"\\\n\r\t`|"):
        raise UsageError(f"bad --title {title!r}: one line of 1 to {MAX_TITLE} characters, without quotes, "
                         "backslashes, backticks or |")
    return title


def _default_title(name: str) -> str:
    words = snake_case(name).split("_")
    return " ".join([words[0].capitalize(), *words[1:]])


# ---------------------------------------------------------------- the files


SCENE = '''"""{name}: {title}.
(Written by ``python -m lecture new``: replace this with what the scene shows.)

Every number drawn comes from the settings, ``[{snake}]`` in
scenes/{snake}_settings.py, or from ``jacobian_math`` (a computed number goes there, tested against an
independent computation); this module only places it on screen.

    scripts/preview {name}
"""

from __future__ import annotations

from manim import *

from scenes.kit import style
from scenes.kit.scene import LectureScene
from scenes.kit.text import fmt_number


def readable(v: float) -> str:
    """A number as a caption writes it (a true minus sign)."""
    return fmt_number(v).replace("-", "\\N{{MINUS SIGN}}")


class {name}(LectureScene):
    """{title}."""

    TITLE = "{title}"
    ARROW_DROP = 0.9  # the arrow runs this far under the line, clear of its numbers

    def construct(self) -> None:
        self.value = self.settings.{snake}.value  # read when the scene builds, never at import
        # each beat starts with its id (a recording is {name}-<id>.wav); one caption per beat.  (The lecture's
        # scenes open with  self.beat("title_card"); self.title_card(self.TITLE, "what it shows")  )
        self.beat("show_value")
        self.show_value()
        self.beat("show_step")
        self.show_step()

    def show_value(self) -> None:
        self.line = NumberLine(x_range=(-5, 5, 1), length=10, include_numbers=True, font_size=style.SMALL_SIZE,
                               color=style.AXIS, stroke_width=style.THIN_WIDTH)
        self.dot = Dot(self.line.n2p(self.value), color=style.HIGHLIGHT, radius=0.1)
        self.readout = DecimalNumber(self.value, num_decimal_places=2, font_size=style.LABEL_SIZE,
                                     color=style.TEXT).next_to(self.dot, UP, buff=0.3)
        self.caption(f"A number line, and a point at {{readable(self.value)}}.", 3,
                     shows="A number line from \\N{{MINUS SIGN}}5 to 5, a dot on it and the dot's value above it.")
        self.play(Create(self.line), run_time=self.rt(1))
        self.play(FadeIn(self.dot), Write(self.readout), run_time=self.rt(1))
        self.pause(1)

    def show_step(self) -> None:
        self.arrow = Arrow(self.line.n2p(0), self.line.n2p(self.value), buff=0, color=style.HIGHLIGHT,
                           stroke_width=style.BOLD_WIDTH).shift(DOWN * self.ARROW_DROP)
        self.caption(f"The arrow is the step from zero to {{readable(self.value)}} along the line.", 3,
                     shows="An arrow under the line, from zero to the dot.")
        self.play(GrowArrow(self.arrow), run_time=self.rt(1))
        self.pause(1)
'''

SETTINGS = '''"""[{snake}]: the settings {name} reads, with their defaults and limits.

Beside the scene, not in it: the settings are checked before anything renders, in processes that never import
Manim.  Add a key as ``name: type = setting(default, check, "one-line doc")`` (checks: jacobian_settings/checks.py),
then run ``python -m jacobian_settings`` to rewrite assets/default.toml.
"""

from __future__ import annotations

from jacobian_settings import SectionError, section, setting
from jacobian_settings.checks import number


@section("{snake}", scenes=("{name}",))
class {name}Settings:
    """{name}: {title}."""

    value: float = setting(1.5, number, "the number the scene marks on its line, -4.5..4.5 and not 0")

    def validate(self) -> None:
        if not (0 < abs(self.value) <= 4.5):
            raise SectionError(f"value must be between -4.5 and 4.5 (the line shows -5..5) and not 0 (the arrow "
                               f"needs a length), got {{self.value}}")
'''

TEST = '''"""{name} renders in-process at tiny size (320x180, last frame only); its final frame and each
beat's end frame are compared with their goldens,
tests/golden/{name}.png and tests/golden/beats/{name}/;
the number it shows is read back and compared with the settings ([{snake}] value), for the defaults
and for a user file; its captions obey narration/rules.py and state that number.
(Written by ``python -m lecture new``.)

    UPDATE_GOLDEN=1 scripts/test -k {snake}     # after a change you meant: then look at the PNGs
"""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import (
    GOLDEN_SIZE,
    assert_beats_match_golden,
    assert_matches_golden,
    render_scene,
    scene_class,
)

from jacobian_settings import active_settings
from narration.rules import caption_problems

pytestmark = pytest.mark.render


def render(tmp_path, beat_frames: bool = True):
    """The rendered scene and the captions it said: ``[(text, spoken), ...]``."""
    said = []

    class Recorded(scene_class("{name}")):
        def caption(self, text, seconds, spoken=None, silent_caption=True, shows=None):
            said.append((text, spoken))
            super().caption(text, seconds, spoken, silent_caption, shows)

    Recorded.__name__ = "{name}"
    scene = render_scene(Recorded, tmp_path, *GOLDEN_SIZE, last_frame=True, beat_frames=beat_frames)
    return scene, said


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from jacobian_settings import ENV_VAR, activate

    with pytest.MonkeyPatch.context() as mp:  # the defaults, whatever $JACOBIAN_CONFIG says
        mp.delenv(ENV_VAR, raising=False)
        activate(None)
        scene, said = render(tmp_path_factory.mktemp("{snake}"))
        yield scene, np.asarray(scene.renderer.get_frame())[..., :3].copy(), said
    activate(None)


def test_golden_final_frame(rendered) -> None:
    scene, frame, _ = rendered
    assert frame.std() > 5
    assert_matches_golden(frame, "{name}")


def test_golden_end_frame_of_every_beat(rendered) -> None:
    scene, frame, _ = rendered
    assert [b for b, _ in scene.beat_frames] == ["{name}-show_value", "{name}-show_step"]
    np.testing.assert_array_equal(scene.beat_frames[-1][1], frame)
    assert_beats_match_golden(scene.beat_frames, "{name}")


def shows_the_setting(scene, said) -> None:
    value = active_settings().{snake}.value
    assert scene.readout.get_value() == pytest.approx(value)
    assert scene.line.p2n(scene.dot.get_center()) == pytest.approx(value)
    assert scene.line.p2n(scene.arrow.get_end()) == pytest.approx(value, abs=0.05)
    shown = f"{{value:.2f}}".rstrip("0").rstrip(".").replace("-", "\\N{{MINUS SIGN}}")
    assert all(shown in text for text, _ in said), said


def test_it_shows_the_settings_value(rendered) -> None:
    scene, _, said = rendered
    shows_the_setting(scene, said)


def test_it_shows_a_users_value(tmp_path, use_config) -> None:
    use_config("[{snake}]\\nvalue = -2.5\\n")
    shows_the_setting(*render(tmp_path, beat_frames=False))


def test_captions_obey_the_caption_rules(rendered) -> None:
    _, _, said = rendered
    assert len(said) == 2
    for text, spoken in said:
        assert caption_problems(text, spoken) == [], text
'''


def _storyboard_with(text: str, entry: str, part: int) -> str:
    """``scenes/storyboard.py``'s text with ``entry`` (its ``SceneEntry(...),`` lines) added: a part-2 scene
    before the Outlook, a part-1 scene after the last part-1 scene."""
    lines = text.splitlines(keepends=True)
    spans = []  # (first line, line after the last) of each SceneEntry(...), one or more lines
    for i, s in enumerate(lines):
        if s.lstrip().startswith("SceneEntry("):
            end = next((j for j in range(i, len(lines)) if lines[j].rstrip().endswith("),")), None)
            if end is None:
                break
            spans.append((i, end + 1, "".join(lines[i:end + 1])))
    if not spans:
        raise UsageError("scenes/storyboard.py: no SceneEntry(...) lines found; nothing was written")
    if part == 2:
        outlook = [a for a, _, t in spans if f'"{OUTLOOK}"' in t]
        at = outlook[0] if outlook else spans[-1][1]
    else:
        ones = [b for _, b, t in spans if re.search(r",\s*1\),\s*$", t)]
        at = ones[-1] if ones else spans[0][0]
    return "".join([*lines[:at], entry, *lines[at:]])


def _readme_with(text: str, row: str, after_cls: str | None, before_cls: str | None) -> str | None:
    """The README with ``row`` added to its scene table next to its storyboard neighbour, or None without a
    table."""
    lines = text.splitlines(keepends=True)
    rows = [i for i, s in enumerate(lines) if s.startswith("| `scenes/")]
    if not rows:
        return None
    at = rows[-1] + 1
    for i in rows:
        if before_cls and f"| `{before_cls}` |" in lines[i]:
            at = i
            break
        if after_cls and f"| `{after_cls}` |" in lines[i]:
            at = i + 1
    return "".join([*lines[:at], row, *lines[at:]])


def plan(name: str, title: str | None = None, part: int = 2, root: Path = ROOT) -> dict[Path, str]:
    """Every file to write (path -> new text), after checking that nothing collides; raises UsageError."""
    snake = _check_name(name)
    title = _check_title(title if title is not None else _default_title(name))
    if part not in (1, 2):
        raise UsageError(f"bad --part {part}: 1 or 2")
    scene = root / "scenes" / f"{snake}.py"
    settings = root / "scenes" / f"{snake}_settings.py"
    test = root / "tests" / f"test_scene_{snake}.py"
    storyboard = root / "scenes" / "storyboard.py"
    readme = root / "README.md"
    for path in (scene, settings, test, root / "tests" / "golden" / f"{name}.png",
                 root / "tests" / "golden" / "beats" / name):
        if path.exists():
            raise UsageError(f"{path.relative_to(root)} already exists: pick another name (nothing was written)")
    from jacobian_settings import sections
    from lecture.storyboard import STORYBOARD

    if any(e.cls == name for e in STORYBOARD):
        raise UsageError(f"the storyboard already has a scene {name} (nothing was written)")
    if any(e.title.casefold() == title.casefold() for e in STORYBOARD):
        raise UsageError(f"the storyboard already has a chapter titled {title!r}: pass another --title "
                         "(nothing was written)")
    try:
        declared = sections()
    except Exception as exc:  # a settings module that does not import: say which, write nothing
        raise UsageError(f"the settings sections do not load ({type(exc).__name__}: {exc}); fix that first "
                         "(nothing was written)") from None
    if snake in declared:
        raise UsageError(f"a settings section [{snake}] already exists: pick another name (nothing was written)")
    fill = {"name": name, "snake": snake, "title": title}
    entry = f'    SceneEntry("scenes/{snake}.py", "{name}", "{title}", {part}),\n'
    if len(entry) > 121:  # the project's line length
        entry = f'    SceneEntry("scenes/{snake}.py", "{name}",\n               "{title}", {part}),\n'
    files = {scene: SCENE.format(**fill), settings: SETTINGS.format(**fill), test: TEST.format(**fill),
             storyboard: _storyboard_with(storyboard.read_text(encoding="utf-8"), entry, part)}
    order = [e.cls for e in STORYBOARD if e.part <= part and e.cls != OUTLOOK]
    if readme.is_file():
        row = f"| `scenes/{snake}.py` | `{name}` | {title[0].lower()}{title[1:]} |\n"  # then: what it shows
        text = _readme_with(readme.read_text(encoding="utf-8"), row, order[-1] if order else None,
                            OUTLOOK if part == 2 else None)
        if text is not None:
            files[readme] = text
    return files


def write(files: dict[Path, str], root: Path = ROOT) -> None:
    """Write ``files``, then ``assets/default.toml`` from the declared sections; on any failure put every file
    back as it was."""
    before = {p: p.read_text(encoding="utf-8") if p.exists() else None for p in files}
    default = root / "assets" / "default.toml"
    before[default] = default.read_text(encoding="utf-8") if default.exists() else None
    try:
        for path, text in files.items():
            tmp = path.with_name(path.name + ".new")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        from jacobian_settings import DEFAULT_CONFIG, default_toml, sections

        sections(fresh=True)
        DEFAULT_CONFIG.write_text(default_toml(), encoding="utf-8")
    except BaseException as exc:
        for path, text in before.items():
            path.with_name(path.name + ".new").unlink(missing_ok=True)
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
        if isinstance(exc, OSError):
            raise UsageError(f"could not write the scene's files ({exc}); nothing was written") from None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lecture new",
        description="Write a new scene with two example beats, its settings section and its test, and add it to "
                    "the storyboard (see README, 'Add a scene').  Overwrites nothing.")
    parser.add_argument("name", metavar="NAME", help="the scene's class name, CamelCase (e.g. PolarCoordinates); "
                                                     "its files are named in snake case (polar_coordinates)")
    parser.add_argument("--title", help="its chapter title (default: from NAME)")
    parser.add_argument("--part", type=int, default=2, choices=(1, 2),
                        help="1: after the last part-1 scene; 2 (default): before the Outlook")
    args = parser.parse_args(argv)
    try:
        files = plan(args.name, args.title, args.part)
        write(files)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    snake = snake_case(args.name)
    print(f"wrote scenes/{snake}.py, scenes/{snake}_settings.py, tests/test_scene_{snake}.py; added {args.name} "
          "to scenes/storyboard.py and the README's scene table; rewrote assets/default.toml")
    print("next:")
    print(f"  scripts/preview {args.name}                       # watch it (add --watch to re-render on save)")
    print(f"  edit scenes/{snake}.py and scenes/{snake}_settings.py (then: python -m jacobian_settings)")
    print(f"  UPDATE_GOLDEN=1 scripts/test -k {snake}   # write its golden frames, then look at them:")
    print(f"      tests/golden/{args.name}.png, tests/golden/beats/{args.name}/")
    print(f"  scripts/test -k {snake}                   # its test, against those goldens")
    return 0
