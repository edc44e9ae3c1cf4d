"""Look in one place: every stroke width and font size a scene draws with comes from ``scenes/kit/style.py`` by
role (``style.LINE_WIDTH``, ``style.KEY_SIZE``, ...), never a bare number in the call; and so does every gap
(``GAP_CALLS``): the ``buff`` of next_to, arrange, arrange_in_grid, to_edge, to_corner, SurroundingRectangle,
BackgroundRectangle, add_background_rectangle, Arrow and the kit's beside, given by keyword or by position, the
veil margin of the kit's uncover / cover (and its default), and fit_view's margin (``style.LABEL_GAP``,
``style.VEIL_MARGIN``, ...).  Text is made by the kit's ``plain_text`` (its outlines parsed once per process),
never a bare ``Text(...)``.  A gap of exactly 0 (touching) is not a size and may stay a literal.  Not checked:
a Matrix's ``h_buff`` / ``v_buff`` (column and row spacing) and ``shift`` offsets.

A value only one scene needs is a named class constant of that scene (``self.NULL_WIDTH``) whose line, or the
comment lines right above it, says why (a ``#`` comment): that is the only allow-list.  Read from the source
(AST), so no scene is rendered.  Not seen: a literal first stored in a local variable (``size = 18``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("scenes/*.py"), *(p for p in ROOT.glob("scenes/kit/*.py") if p.name != "style.py")])

# Keyword arguments (and keys of config dicts such as axis_config) that take a stroke width or a font size.
KEYWORDS = {"stroke_width", "font_size"}
# Calls whose `width=` keyword is a stroke width, and the index of their positional stroke-width argument.
WIDTH_CALLS = {"set_stroke": 1, "set_background_stroke": None, "cell_polygon": 4}
# Calls that take a gap (Manim units; fit_view's margin is a fraction of its content's size): the keyword, and the
# index of the positional argument that is the gap (None: keyword only).
GAP_CALLS = {
    "to_edge": ("buff", 1), "to_corner": ("buff", 1), "next_to": ("buff", 2), "arrange": ("buff", 1),
    "arrange_in_grid": ("buff", 2), "beside": ("buff", 2), "SurroundingRectangle": ("buff", None),
    "BackgroundRectangle": ("buff", None), "add_background_rectangle": ("buff", None), "Arrow": ("buff", None),
    "uncover": ("buff", None), "cover": ("buff", None), "fit_view": ("margin", 3),
}
# Parameters whose default is a gap (the kit's uncover/cover veil margin).
GAP_PARAMETERS = {"buff"}


def _call_name(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def slots(tree: ast.AST):
    """Every expression given as a stroke width or font size: ``(line, what, expression)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            for k in node.keywords:
                if k.arg in KEYWORDS or (k.arg == "width" and name in WIDTH_CALLS):
                    yield k.value.lineno, f"{name}({k.arg}=)", k.value
                if name in GAP_CALLS and k.arg == GAP_CALLS[name][0] and not _zero(k.value):
                    yield k.value.lineno, f"{name}({k.arg}=)", k.value
            gap, gap_index = GAP_CALLS.get(name, ("", None))
            for index, what in ((WIDTH_CALLS.get(name), "width"), (gap_index, gap)):
                if index is not None and len(node.args) > index and not _zero(node.args[index]):
                    yield node.args[index].lineno, f"{name}({what} as argument {index + 1})", node.args[index]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args.posonlyargs + node.args.args
            pairs = [*zip(args[len(args) - len(node.args.defaults):], node.args.defaults, strict=True),
                     *zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)]
            for arg, default in pairs:
                if arg.arg in GAP_PARAMETERS and default is not None and not _zero(default):
                    yield default.lineno, f"{node.name}({arg.arg}= default)", default
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in KEYWORDS:
                    yield value.lineno, f'"{key.value}":', value


def _zero(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value == 0


def bare_number(expr: ast.expr) -> bool:
    """A numeric literal, or one added to or taken from something (``style.SMALL_SIZE - 4`` hides a size), or a
    tuple holding one (``arrange_in_grid(buff=(0.35, 0.12))``)."""
    if isinstance(expr, ast.Tuple):
        return any(bare_number(e) for e in expr.elts)
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int | float) and not isinstance(expr.value, bool)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub | ast.UAdd):
        return bare_number(expr.operand)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add | ast.Sub):
        return bare_number(expr.left) or bare_number(expr.right)
    return False


def class_constants(tree: ast.AST, lines: list[str]) -> dict[str, tuple[int, bool]]:
    """UPPER_CASE class attributes assigned a bare number: name -> (line, has a reason comment)."""
    found = {}
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name = stmt.targets[0].id
                if name.isupper() and bare_number(stmt.value):
                    above = lines[stmt.lineno - 2].strip() if stmt.lineno > 1 else ""
                    reason = "#" in lines[stmt.lineno - 1] or above.startswith("#")
                    found[name] = (stmt.lineno, reason)
    return found


def problems(source: str, plain_text_itself: bool = False) -> list[str]:
    tree = ast.parse(source)
    constants = class_constants(tree, source.splitlines())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) == "Text" and not plain_text_itself:
            out.append(f"line {node.lineno}: a bare Text(...); make it with scenes.kit.text.plain_text, which "
                       "parses each text's outlines once per process")
    for line, what, expr in slots(tree):
        if bare_number(expr):
            out.append(f"line {line}: {what} {ast.unparse(expr)} is a bare number; take it from style "
                       "(scenes/kit/style.py) or a class constant that says why")
        for node in ast.walk(expr):
            if isinstance(node, ast.Attribute) and node.attr in constants and not constants[node.attr][1]:
                out.append(f"line {constants[node.attr][0]}: class constant {node.attr} (used at line {line}) "
                           "needs a comment saying why it is not a style name")
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scene_widths_and_sizes_come_from_style(path: Path) -> None:
    found = problems(path.read_text(), plain_text_itself=path == ROOT / "scenes" / "kit" / "text.py")
    assert not found, f"{path.relative_to(ROOT)}:\n" + "\n".join(found)


@pytest.mark.parametrize("source, expected", [
    ("Line(stroke_width=3)", 1),
    ("Line(stroke_width=style.LINE_WIDTH)", 0),
    ("m.set_stroke(style.GRID, 1)", 1),
    ("m.set_stroke(width=1.5)", 1),
    ("m.set_stroke(opacity=0.5)", 0),
    ("Rectangle(width=2.0, height=1.0)", 0),  # a rectangle's width is its size, not a stroke
    ("cell_polygon(p, c, col, 0.2, 2)", 1),
    ("Axes(axis_config={'stroke_width': 2, 'font_size': style.KEY_SIZE})", 1),
    ("MathTex('x', font_size=style.SMALL_SIZE - 4)", 1),
    ("MathTex('x', font_size=style.SMALL_SIZE * scale)", 0),
    ("m.to_edge(DOWN, buff=0.45)", 1),
    ("m.to_edge(DOWN, 0.3)", 1),
    ("m.to_edge(DOWN, buff=style.FRAME_MARGIN)", 0),
    ("SurroundingRectangle(m, buff=0.08)", 1),
    ("SurroundingRectangle(m, buff=0)", 0),
    ("m.add_background_rectangle(buff=0.05)", 1),
    ("m.next_to(a, UP, buff=0.1)", 1),
    ("m.next_to(a, UP, 0.1)", 1),
    ("m.next_to(a, UP, buff=style.LABEL_GAP)", 0),
    ("m.next_to(a, UP, buff=0)", 0),
    ("m.next_to(a, UP)", 0),
    ("g.arrange(RIGHT, 0.2)", 1),
    ("g.arrange(DOWN, aligned_edge=LEFT, buff=0.15)", 1),
    ("g.arrange(DOWN, buff=style.LINE_GAP)", 0),
    ("g.arrange_in_grid(cols=2, buff=(0.35, style.ROW_GAP))", 1),
    ("g.arrange_in_grid(2, 2, 0.1)", 1),
    ("m.to_corner(UL, 0.2)", 1),
    ("uncover(self, [[m]], 1.0, FadeIn(a), buff=0.05)", 1),
    ("cover(self, [[m]], 1.0, buff=style.VEIL_MARGIN)", 0),
    ("fit_view(box, 4.0, 3.0, margin=0.1)", 1),
    ("fit_view(box, 4.0, 3.0, 0.1)", 1),
    ("Arrow(a, b, buff=0.2)", 1),
    ("Arrow(a, b, buff=0)", 0),
    ("BackgroundRectangle(m, buff=0.03)", 1),
    ("beside(m, o, 0.06)", 1),
    ("m.next_to(a, LEFT, buff=self.cell / 2 + 0.06)", 1),
    ("def uncover(scene, parts, *others, buff: float = 0.1):\n    pass", 1),
    ("def uncover(scene, parts, buff=style.VEIL_MARGIN_WIDE):\n    pass", 0),
    ("def show_cropped(self, img, margin: int = 2):\n    pass", 0),  # pixels, not a gap keyword
    ("Matrix(m, h_buff=1.5)", 0),  # a matrix's column spacing: not checked (see the module docstring)
    ("class A:\n    G = (0.35, 0.12)\n    def f(self):\n        g.arrange_in_grid(buff=self.G)", 1),
    ("class A:\n    G = (0.35, 0.12)  # why\n    def f(self):\n        g.arrange_in_grid(buff=self.G)", 0),
    ("class A:\n    W = 3\n    def f(self):\n        Line(stroke_width=self.W)", 1),
    ("class A:\n    W = 3  # why\n    def f(self):\n        Line(stroke_width=self.W)", 0),
    ("class A:\n    # why\n    W = 3\n    def f(self):\n        Line(stroke_width=self.W)", 0),
    ("Text('rows', font_size=style.KEY_SIZE, color=style.TEXT)", 1),  # text is made by the kit's plain_text
    ("plain_text('rows', font_size=style.KEY_SIZE, color=style.TEXT)", 0),
    ("MathTex('x', font_size=style.KEY_SIZE)", 0),
])
def test_checker_sees_bare_numbers(source: str, expected: int) -> None:
    """The checker itself: what counts as a bare number, and the class-constant allow-list."""
    assert len(problems(source)) == expected, problems(source)
