"""Tests read a rendered scene's parts by name, not by position.

``scene.readout[2][1]`` reads "the second part of the third part" of a group: when the scene re-orders its layout
such a read breaks, or worse, silently reads another number.  Scenes name the parts tests read (e.g.
``self.probe_norm = norm_value`` where the readout is built) and tests read the name.  This test flags a chain of
two or more subscripts on a scene's attribute, any after the first an integer (``scene.a[1][0]``,
``scene.a[k][3]``: a part of a part by position), also through a name that holds a scene's part
(``readout = scene.readouts[k]; readout[1][1]``, ``for row in scene.rows: row[1][0]``).  One index into a list
the scene itself indexes by meaning (``scene.panels[k]``, an arrow per basis vector) is not flagged.

A scene object is, in a test, a name ``scene``, ``s`` or ``self``, any name containing ``scene``, or a name bound
from a call whose function's name contains ``render``, ``built`` or ``scene`` (``scene, _ = rendered("X")``).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# (test file, expression as ast.unparse writes it): why it may stay.  Keep this empty if you can.
ALLOWED: dict[tuple[str, str], str] = {}

SCENE_NAMES = {"scene", "s", "self"}
SCENE_CALLS = ("render", "built", "scene")
# attributes a test's own scene subclass records (tests/test_scene_colours.py: ``self.snaps``, lists in the order
# the test itself gives): the test's data, not the scene's layout
TEST_RECORDS = {"snaps"}


def _is_int(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_int(node.operand)


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _bound_scenes(tree: ast.AST) -> set[str]:
    """Names assigned from a call that renders or builds a scene (tuple targets included)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            if any(word in _callee(node.value).lower() for word in SCENE_CALLS):
                for target in node.targets:
                    names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _on_scene(node: ast.AST, scenes: set[str]) -> bool:
    """``node`` is an attribute of a scene, or a subscript or attribute of one (``scene.a``, ``scene.a[k].b``)."""
    seen_attribute = False
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            if node.attr in TEST_RECORDS:
                return False
            seen_attribute = True
        node = node.value
    return seen_attribute and isinstance(node, ast.Name) and (node.id in scenes or "scene" in node.id.lower())


def _bound_parts(tree: ast.AST, scenes: set[str]) -> set[str]:
    """Names that hold a scene's part: ``readout = scene.readouts[k]``, ``for readout in scene.readouts``
    (also through ``enumerate``, ``zip``, ``reversed``)."""
    names: set[str] = set()

    def from_scene(value: ast.AST) -> bool:
        if isinstance(value, ast.Call) and _callee(value) in ("enumerate", "zip", "reversed", "sorted", "list"):
            return any(from_scene(arg) for arg in value.args)
        return _on_scene(value, scenes)

    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, (ast.For, ast.comprehension)):
            pairs = [(node.target, node.iter)]
        for target, value in pairs:
            if from_scene(value):
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def index_reads(source: str) -> list[tuple[int, str]]:
    """``(line, expression)`` of each subscript chain on a scene's attribute that reads a part of a part by
    position: two or more subscripts, one after the first an integer."""
    tree = ast.parse(source)
    scenes = SCENE_NAMES | _bound_scenes(tree)
    parts = _bound_parts(tree, scenes)
    inner = set()  # subscripts that are the value of another subscript: only a chain's outermost is reported
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript):
            inner.add(id(node.value))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript) or id(node) in inner:
            continue
        indices, base = [], node
        while isinstance(base, ast.Subscript):
            indices.append(base.slice)
            base = base.value
        indices.reverse()
        if len(indices) < 2 or not any(_is_int(i) for i in indices[1:]):
            continue
        if _on_scene(base, scenes) or (isinstance(base, ast.Name) and base.id in parts):
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def test_the_check_tells_part_of_part_reads_from_named_reads() -> None:
    flagged = index_reads(
        "scene.readout[2][1].get_value()\n"
        "scene.readouts[1][1][1]\n"
        "s.ellipses[k][3]\n"
        "heatmap_scene.colour_bar[-1][0]\n"
        "got, _ = rendered('X')\n"
        "got.matrix_group[-1][0]\n"
        "self.cell_layers[4][0]\n"
        "readout = scene.readouts[k]\n"
        "readout[1][1].get_value()\n"  # through a name holding a scene's part
        "for k, row in enumerate(scene.rows):\n"
        "    row[1][0]\n")
    assert [line for line, _ in flagged] == [1, 2, 3, 4, 6, 7, 9, 11], flagged
    assert flagged[0][1] == "scene.readout[2][1]"
    assert index_reads(
        "scene.probe_norm.get_value()\n"
        "scene.panels[2]\n"  # one index into a list the scene indexes by meaning
        "scene.cells[(ch * H + r) * W + c]\n"
        "scene.frames['show'][1:]\n"  # a slice, not a position
        "settings = load()\n"
        "settings.kernel_weights[1][1]\n"  # not a scene
        "np.linalg.svd(jac)[0][:, 0]\n"
        "a = scene.snaps['all']['arrows']\n"  # the test's own record
        "a['e1'][0]['end']\n"
        "for row in rows:\n"  # not a scene's part
        "    row[1][0]\n") == []


def test_tests_read_scene_parts_by_name() -> None:
    found = []
    for path in sorted(TESTS.glob("*.py")):
        for line, expr in index_reads(path.read_text(encoding="utf-8")):
            if (path.name, expr) not in ALLOWED:
                found.append(f"{path.name}:{line}: {expr}")
    assert not found, ("a test reads a scene's part of a part by position; name the part in the scene (an "
                       "attribute set where it is built) and read the name:\n" + "\n".join(found))
