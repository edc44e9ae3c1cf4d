"""The safe parser's accepted language: every whitelisted piece means what it says, and the limits sit where
they are documented."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from jacobian_math import ALLOWED_FUNCTIONS, ExpressionError, parse_expression
from jacobian_math.expressions import (
    MAX_CONSTANT,
    MAX_CONSTANT_EXPONENT,
    MAX_DEPTH,
    MAX_DERIVED_CONSTANT,
    MAX_LENGTH,
    X,
    Y,
)

POINTS = [(0.3, 0.7), (1.25, -0.4), (-0.8, 1.9)]


def at(expr: sp.Expr, x: float, y: float) -> float:
    return float(expr.evalf(subs={X: x, Y: y}))


def test_whitelist_is_the_documented_one():
    assert set(ALLOWED_FUNCTIONS) == {"sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "abs"}


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("sin", math.sin),
        ("cos", math.cos),
        ("tan", math.tan),
        ("exp", math.exp),
        ("log", math.log),
        ("sqrt", math.sqrt),
        ("tanh", math.tanh),
        ("sinh", math.sinh),
        ("cosh", math.cosh),
        ("abs", abs),
    ],
)
def test_each_function_means_the_math_function(name, reference):
    expr = parse_expression(f"{name}(x)")
    for value in (0.3, 1.7, 2.9):
        assert at(expr, value, 0.0) == pytest.approx(reference(value), rel=1e-14)
    if name == "abs":
        assert at(expr, -2.5, 0.0) == 2.5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pi", math.pi),
        ("e", math.e),
        ("2**3**2", 512.0),  # right-associative, as in Python and in maths
        ("-2**2", -4.0),  # unary minus binds looser than **
        ("2**-1", 0.5),
        ("12/3/2", 2.0),  # left-associative
        ("10-4-3", 3.0),
        ("2+3*4", 14.0),
        ("(2+3)*4", 20.0),
        ("1e-3", 0.001),
        ("1_000", 1000.0),
        ("--3", 3.0),
        ("+-+3", -3.0),
        ("e**2", math.e**2),
        ("sqrt(16)", 4.0),
    ],
)
def test_constants_and_precedence(text, value):
    expr = parse_expression(text)
    assert not expr.free_symbols
    assert float(expr) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("x**2 - y", lambda x, y: x**2 - y),
        ("y**2 + x", lambda x, y: y**2 + x),
        ("x*y/(1 + x**2)", lambda x, y: x * y / (1 + x**2)),
        ("-x**2", lambda x, y: -(x**2)),
        ("exp(-x**2/2)*cos(2*pi*y)", lambda x, y: math.exp(-(x**2) / 2) * math.cos(2 * math.pi * y)),
        ("abs(x - y)**0.5", lambda x, y: abs(x - y) ** 0.5),
        ("x**y", lambda x, y: x**y if x > 0 else float("nan")),
    ],
)
def test_expressions_in_x_and_y(text, reference):
    expr = parse_expression(text)
    assert expr.free_symbols <= {X, Y}
    for x, y in POINTS:
        expected = reference(x, y)
        if math.isnan(expected):
            continue
        assert at(expr, x, y) == pytest.approx(expected, rel=1e-13)


def test_symbols_are_the_real_x_and_y():
    expr = parse_expression("x + y")
    assert expr.free_symbols == {X, Y}
    assert X.is_real and Y.is_real
    # real symbols let SymPy simplify the way the page does: d|x|/dx = sign(x)
    assert sp.diff(parse_expression("abs(x)"), X) == sp.sign(X)


def test_length_limit_boundary():
    body = "x" + "+x" * ((MAX_LENGTH - 1) // 2)
    body = body + " " * (MAX_LENGTH - len(body))
    assert len(body) == MAX_LENGTH
    assert parse_expression(body) == ((MAX_LENGTH - 1) // 2 + 1) * X
    with pytest.raises(ExpressionError, match=f"{MAX_LENGTH + 1} characters long; the limit is {MAX_LENGTH}"):
        parse_expression(body + "y")


def test_nesting_limit_boundary():
    assert parse_expression("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) == X
    with pytest.raises(ExpressionError, match=f"nested deeper than {MAX_DEPTH}"):
        parse_expression("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    # many parentheses side by side are not nesting
    many = "+".join(["(x)"] * (MAX_DEPTH + 10))
    assert parse_expression(many) == (MAX_DEPTH + 10) * X


def test_number_limit_boundary():
    assert parse_expression(f"{int(MAX_CONSTANT)}*x") == int(MAX_CONSTANT) * X
    with pytest.raises(ExpressionError, match=f"'{int(MAX_CONSTANT) + 1}'"):
        parse_expression(f"{int(MAX_CONSTANT) + 1}*x")


def test_exponent_limit_boundary():
    k = int(MAX_CONSTANT_EXPONENT)
    assert parse_expression(f"x**{k}") == X**k
    assert parse_expression(f"x**-{k}") == X**-k
    with pytest.raises(ExpressionError, match=rf"'x\*\*{k + 1}'"):
        parse_expression(f"x**{k + 1}")


def test_derived_constant_limit_boundary():
    assert parse_expression("1000000*1000000") == sp.Integer(10**12)
    assert MAX_DERIVED_CONSTANT == 1e12
    with pytest.raises(ExpressionError, match=r"'1000000\*1000000\*2'"):
        parse_expression("1000000*1000000*2*x")
    with pytest.raises(ExpressionError, match=r"'10\*\*13'"):
        parse_expression("10**13")


@pytest.mark.parametrize(
    ("text", "column"),
    [("x + foo", 5), ("  x + foo", 5), ("sin(x) * bar(y)", 10), ("x + y.z", 5), ("x ^ 2", 1)],
)
def test_messages_give_the_column_of_the_piece(text, column):
    with pytest.raises(ExpressionError, match=f"at column {column} "):
        parse_expression(text)


def test_long_messages_are_clipped_to_one_short_line():
    text = "x+" * 150 + "foo"
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    message = str(info.value)
    assert "'foo'" in message and "..." in message
    assert len(message) < 300 and "\n" not in message
