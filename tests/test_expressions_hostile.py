"""Issue 7: hostile and malformed expressions are rejected quickly, with a message naming the piece,
and nothing in them is ever executed."""

from __future__ import annotations

import ast
import builtins
import inspect
import string
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jacobian_math.expressions as expressions
from jacobian_math import ExpressionError, PlaneMap, parse_expression

CANARY = {"state": "untouched"}
"""Module-level state that the injected payloads below would change if anything ran them."""

# (text, a piece the message must name).  {tmp} is replaced by the test's tmp_path.
CORPUS: list[tuple[str, str]] = [
    # attribute access, dunder tricks, imports
    ("().__class__.__bases__", "().__class__.__bases__"),
    ("().__class__.__base__.__subclasses__()", "__subclasses__"),
    ("x.__class__", "x.__class__"),
    ("x.real", "x.real"),
    ("sin.__globals__", "sin.__globals__"),
    ("__import__('os').system('touch {tmp}/os_system')", "__import__"),
    ("__import__('pathlib').Path('{tmp}/pathlib_touch').touch()", "__import__"),
    ("open('{tmp}/opened', 'w').write('x')", "open"),
    ("sin(__import__('os').system('touch {tmp}/inside_sin'))", "__import__"),
    ("x + __import__('os').system('touch {tmp}/in_sum')", "__import__"),
    ("exec('import os')", "exec"),
    ("eval('1')", "eval"),
    ("globals().update(CANARY='mutated')", "globals"),
    ("__builtins__", "__builtins__"),
    ("getattr(x, 'real')", "getattr"),
    # other syntax
    ("lambda: 1", "lambda: 1"),
    ("(lambda: __import__('os').system('touch {tmp}/lambda'))()", "lambda"),
    ("[x for x in y]", "[x for x in y]"),
    ("{c: 1 for c in 'ab'}", "{c: 1 for c in 'ab'}"),
    ("(CANARY := 'mutated')", "CANARY := 'mutated'"),
    ("'abc'", "'abc'"),
    ("b'x'", "b'x'"),
    ("f'{x}'", "f'{x}'"),
    ("x if y else 1", "x if y else 1"),
    ("x < y", "x < y"),
    ("x and y", "x and y"),
    ("not x", "not x"),
    ("x[0]", "x[0]"),
    ("(x, y)", "(x, y)"),
    ("[x]", "[x]"),
    ("{x}", "{x}"),
    ("x | y", "x | y"),
    ("x & y", "x & y"),
    ("~x", "~x"),
    ("x << 2", "x << 2"),
    ("x // 2", "x // 2"),
    ("x % 2", "x % 2"),
    ("x @ y", "x @ y"),
    ("x^2", "write '**'"),
    ("await x", "await x"),
    ("x; __import__('os')", "column 2"),
    ("x\nimport os", "'\\n'"),
    ("x #__import__('os')", "'#'"),
    # numbers and sizes
    ("x**10**10", "x**10**10"),
    ("10**10**10", "10**10**10"),
    ("2**2**2**2**2", "2**2**2**2**2"),
    ("x**-10**10", "x**-10**10"),
    ("x**1e308", "1e308"),
    ("1e400", "1e400"),
    ("1" * 400, "1111111111"),  # an int too large for a float
    ("9" * 309 + "*x", "9999999999"),
    ("999999*999999*999999", "999999*999999*999999"),
    ("exp(1000)", "exp(1000)"),
    ("e**e**e**e", "e**e**e**e"),
    ("1j", "1j"),
    ("x + 2j", "2j"),
    ("True", "True"),
    ("None", "None"),
    ("...", "..."),
    ("sqrt(-1)", "sqrt(-1)"),
    ("log(-2)*x", "log(-2)"),
    ("(-8)**(1/3)", "(-8)**(1/3)"),
    ("x/0", "x/0"),
    ("1/(x - x)", "1/(x - x)"),
    ("log(0)", "log(0)"),
    ("tan(pi/2)", "tan(pi/2)"),
    ("0**-1", "0**-1"),
    # nesting and length
    ("(" * 200 + "x" + ")" * 200, "401 characters"),
    ("(" * 10000 + "x" + ")" * 10000, "20001 characters"),
    ("(" * 60 + "x" + ")" * 60, "nested deeper than 40"),
    ("sin(" * 45 + "x" + ")" * 45, "nested deeper than 40"),
    ("-" * 60 + "x", "nested deeper than 40"),
    ("x**" * 45 + "x", "nested deeper than 40"),
    ("x+" * 50000 + "x", "100001 characters"),
    # unicode look-alikes and invisible characters
    ("\uff58", "'\uff58'"),  # fullwidth x
    ("\u0445**2", "'\u0445'"),  # Cyrillic x
    ("\uff53\uff49\uff4e(x)", "'\uff53'"),  # fullwidth sin
    ("x\u200b+ y", "'\\u200b'"),  # zero-width space
    ("x\u00a0+ y", "'\\xa0'"),  # no-break space
    ("x\x00", "'\\x00'"),
    # names and calls
    ("foo", "'foo'"),
    ("E", "'E'"),
    ("I", "'I'"),
    ("oo", "'oo'"),
    ("Symbol('z')", "'Symbol'"),
    ("Abs(x)", "'Abs'"),
    ("2(x)", "2(x)"),
    ("x(y)", "x(y)"),
    ("e(x)", "'e'"),
    ("pi(2)", "'pi'"),
    ("sin(x)(y)", "sin(x)(y)"),
    ("sin(x=1)", "sin(x=1)"),
    ("sin(*[x])", "sin(*[x])"),
    ("sin(**{})", "sin(**{})"),
    ("sin(x, y)", "sin(x, y)"),
    ("log(x, 2)", "log(x, 2)"),
    ("sin()", "sin()"),
    ("sin", "'sin'"),
    ("x +", "x +"),
    ("", "empty"),
    ("   \t  ", "empty"),
    ("\\", "syntax error"),
]


def _prepare(text: str, tmp) -> str:
    return text.replace("{tmp}", str(tmp))


@pytest.fixture
def no_code_execution(monkeypatch):
    """eval/exec are forbidden and compile() may only build syntax trees while the parser runs."""

    def forbidden(*args, **kwargs):
        raise AssertionError(f"user text reached a code-executing function: {args[:1]!r}")

    real_compile = builtins.compile

    def ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError(f"compile() to bytecode of {source!r}")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", ast_only_compile)
    monkeypatch.setattr(sp, "sympify", forbidden)
    monkeypatch.setattr(sp, "parse_expr", forbidden, raising=False)


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40
    assert len({text for text, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("text", "piece"), CORPUS, ids=[repr(t[:30]) for t, _ in CORPUS])
def test_hostile_input_is_rejected_naming_the_piece(text, piece, tmp_path, no_code_execution):
    text = _prepare(text, tmp_path)
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    message = str(info.value)
    assert _prepare(piece, tmp_path)[:37] in message
    assert "\n" not in message and len(message) < 400
    assert isinstance(info.value, ValueError)


def test_nothing_in_the_corpus_executes(tmp_path):
    payload_module = f"__import__('sys').modules[{__name__!r}].CANARY.update(state='mutated')"
    extra = [
        payload_module,
        f"sin({payload_module})",
        f"x + {payload_module}",
        f"[{payload_module} for _ in (1,)]",
        f"(lambda: {payload_module})()",
        "__import__('sys').modules[" + repr(__name__) + "].__dict__.__setitem__('CANARY', 0)",
    ]
    texts = [_prepare(text, tmp_path) for text, _ in CORPUS] + extra
    for text in texts:
        with pytest.raises(ExpressionError):
            parse_expression(text)
    # nothing ran: no file appeared, the module's state is what it was
    assert list(tmp_path.iterdir()) == []
    assert CANARY == {"state": "untouched"}
    assert sys.modules[__name__].CANARY is CANARY


def test_canary_payloads_are_real(tmp_path):
    """The payloads would work if something evaluated them: run one ourselves to prove the canary can trip."""
    text = _prepare("__import__('pathlib').Path('{tmp}/pathlib_touch').touch()", tmp_path)
    eval(text)  # noqa: S307 -- our own constant text, to show the check above can fail
    assert (tmp_path / "pathlib_touch").exists()
    saved = dict(CANARY)
    eval(f"__import__('sys').modules[{__name__!r}].CANARY.update(state='mutated')")  # noqa: S307
    assert CANARY["state"] == "mutated"
    CANARY.clear()
    CANARY.update(saved)


def test_parser_source_never_calls_eval_exec_or_sympify():
    tree = ast.parse(inspect.getsource(expressions))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for banned in ("eval", "exec", "compile", "sympify", "parse_expr", "S", "lambdify"):
        assert banned not in names | attributes, banned


def test_non_string_input_is_rejected():
    for value in (None, 3, b"x", ["x"]):
        with pytest.raises(ExpressionError, match="must be a string"):
            parse_expression(value)  # type: ignore[arg-type]


# ---------------------------------------------------------------- accepted inputs

X, Y = sp.symbols("x y", real=True)
ACCEPTED = [
    ("x**2 - y", X**2 - Y),
    ("y**2 + x", Y**2 + X),
    ("-x", -X),
    ("+x", X),
    ("2*pi*x", 2 * sp.pi * X),
    ("e**x", sp.exp(X)),
    ("abs(x)", sp.Abs(X)),
    ("sqrt(x**2 + 1)", sp.sqrt(X**2 + 1)),
    ("1e-3*x", sp.Rational(1, 1000) * X),
    ("  x  *  y  ", X * Y),
    ("\tx+y", X + Y),
    ("sin(x)*cos(y) - tan(x/4)", sp.sin(X) * sp.cos(Y) - sp.tan(X / 4)),
    ("exp(-x**2) + log(1 + y**2)", sp.exp(-(X**2)) + sp.log(1 + Y**2)),
    ("tanh(x) + sinh(y) - cosh(x*y)", sp.tanh(X) + sp.sinh(Y) - sp.cosh(X * Y)),
    ("x**-1", 1 / X),
    ("(x + 1)**64", (X + 1) ** 64),
    ("x**0.5", sp.sqrt(X)),
    ("3", sp.Integer(3)),
    ("+".join(["x"] * 100), 100 * X),  # long flat sums are not "deep nesting"
    ("*".join(["(x + 1)"] * 45), (X + 1) ** 45),  # more than 40 parentheses, none nested
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t[:30] for t, _ in ACCEPTED])
def test_accepted_inputs(text, expected, no_code_execution):
    got = parse_expression(text)
    assert got.free_symbols <= {X, Y}
    # compare numerically at a few points with positive coordinates (inside every function's domain)
    for point in [(0.3, 0.7), (1.1, 0.2), (0.9, 1.6)]:
        subs = {X: point[0], Y: point[1]}
        assert complex(got.evalf(subs=subs)) == pytest.approx(complex(expected.evalf(subs=subs)), rel=1e-12)


# ---------------------------------------------------------------- fuzzing

VALID_TOKENS = ["x", "y", "1", "2.5", "1e-3", "pi", "e", "+", "-", "*", "/", "**", "(", ")", "sin(", "exp(",
                "log(", "sqrt(", "abs(", "tanh(", " "]  # fmt: skip
JUNK_TOKENS = ["__import__", "'", '"', ".", "lambda", ":", "[", "]", "{", "}", ",", "=", ";", "\n", "#", "^", "\uff58",
               "1e999", "**10**10", "@", "\\", "j", "True", "%", "//", "<", "if", "else", "for", "in", "__class__",
               "0x", "_", "\u0445", "\x00", "9" * 30, "(" * 30, "=="]  # fmt: skip
NUMBER_TOKENS = st.integers(0, 10**400).map(str) | st.floats().map(repr) | st.floats(0, 1e-300).map(repr)
GRAMMARISH = st.lists(
    st.sampled_from(VALID_TOKENS) | st.sampled_from(JUNK_TOKENS) | NUMBER_TOKENS, max_size=40
).map("".join)

FUNCTIONS = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "abs"]
ATOMS = st.sampled_from(["x", "y", "pi", "e", "0", "1", "2", "0.5", "1e-3", "1e6", "999999", "7"])


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(lambda t: "({}{}{})".format(*t)),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda a: f"-{a}"),
    )


# Well-formed whitelist expressions (often absurd: 0/0, log(0), 1e6**999999 ...), sometimes with junk spliced in.
WELL_FORMED = st.recursive(ATOMS, _grow, max_leaves=12)
SPLICED = st.tuples(WELL_FORMED, st.sampled_from(JUNK_TOKENS), st.floats(0, 1)).map(
    lambda t: t[0][: int(t[2] * len(t[0]))] + t[1] + t[0][int(t[2] * len(t[0])) :]
)


def _parse_or_reject(text: str) -> sp.Expr | None:
    try:
        return parse_expression(text)
    except ExpressionError as exc:
        assert str(exc) and "\n" not in str(exc)
        return None


@given(st.text(max_size=200))
def test_fuzz_random_text_parses_or_raises_expression_error(text):
    result = _parse_or_reject(text)
    if result is not None:
        assert result.free_symbols <= {expressions.X, expressions.Y}


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(GRAMMARISH | WELL_FORMED | SPLICED)
def test_fuzz_token_soup_parses_or_raises_expression_error(text):
    result = _parse_or_reject(text)
    if result is not None:
        assert result.free_symbols <= {expressions.X, expressions.Y}
        # whatever is accepted also compiles and evaluates without surprises (NaN/inf allowed, exceptions not)
        fmap = PlaneMap.from_expressions(text, "y")
        pts = np.array([[0.5, -1.0], [0.0, 0.0], [-2.0, 3.0]])
        assert fmap(pts).shape == (3, 2)
        assert fmap.jacobian(pts).shape == (3, 2, 2)


@given(st.text(alphabet=string.printable, max_size=400))
def test_fuzz_printable_ascii(text):
    _parse_or_reject(text)
