"""Safe parsing of user expressions in ``x`` and ``y`` into SymPy.

The text is parsed with :func:`ast.parse` and walked node by node against a
whitelist; SymPy objects are built directly from the accepted nodes.  Nothing
of the user's text is ever passed to ``eval``, ``exec`` or ``sympify``.
"""

from __future__ import annotations

import ast
import math

import sympy as sp

MAX_LENGTH = 400
"""Longest accepted expression, in characters."""
MAX_DEPTH = 40
"""Deepest accepted nesting of operators and calls."""
MAX_CONSTANT = 1e6
"""Largest accepted magnitude of a numeric literal."""
MAX_CONSTANT_EXPONENT = 64.0
"""Largest accepted magnitude of an exponent that is a pure number."""

X, Y = sp.symbols("x y", real=True)
SYMBOLS: dict[str, sp.Expr] = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
ALLOWED_FUNCTIONS: dict[str, type[sp.Function]] = {
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "abs": sp.Abs,
}
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_OPERATOR_HINTS = {ast.BitXor: "'^' is not a power here; write '**'"}


class ExpressionError(ValueError):
    """An expression was rejected; the message names the offending piece."""


def _where(node: ast.AST) -> str:
    col = getattr(node, "col_offset", None)
    return f" at column {col + 1}" if col is not None else ""


def _piece(text: str, node: ast.AST) -> str:
    segment = ast.get_source_segment(text, node) or type(node).__name__
    return segment if len(segment) <= 40 else segment[:37] + "..."


class _Builder:
    """Walks an accepted AST and builds the SymPy expression."""

    def __init__(self, text: str):
        self.text = text

    def fail(self, node: ast.AST, what: str) -> ExpressionError:
        return ExpressionError(f"{what} {_piece(self.text, node)!r}{_where(node)} in {self.text!r}")

    def build(self, node: ast.AST, depth: int = 0) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels: {self.text[:40]!r}")
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            if node.id in SYMBOLS:
                return SYMBOLS[node.id]
            if node.id in ALLOWED_FUNCTIONS:
                raise self.fail(node, "function used without a call:")
            allowed = ", ".join([*SYMBOLS, *ALLOWED_FUNCTIONS])
            raise ExpressionError(f"unknown name {node.id!r}{_where(node)} in {self.text!r} (allowed: {allowed})")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            op = type(node.op)
            if op not in _BINARY:
                hint = _OPERATOR_HINTS.get(op, "unsupported operator")
                raise self.fail(node, f"{hint}:")
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            if op is ast.Pow:
                self._check_power(node, left, right)
            if op is ast.Div and right == 0:
                raise self.fail(node, "division by zero:")
            return _BINARY[op](left, right)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise self.fail(node, f"unsupported syntax ({type(node).__name__}):")

    def _constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(node, "only real numbers are allowed, not")
        if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
            raise self.fail(node, f"number larger than {MAX_CONSTANT:g}:")
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    def _check_power(self, node: ast.BinOp, base: sp.Expr, exponent: sp.Expr) -> None:
        if exponent.free_symbols:
            return
        value = complex(sp.N(exponent, 15))
        if value.imag != 0 or not math.isfinite(value.real) or abs(value.real) > MAX_CONSTANT_EXPONENT:
            raise self.fail(node, f"exponent must be a number of size at most {MAX_CONSTANT_EXPONENT:g}:")
        if not base.free_symbols:
            try:
                result = float(sp.N(base, 15)) ** value.real
            except (OverflowError, ZeroDivisionError, TypeError) as exc:
                raise self.fail(node, "constant power cannot be evaluated:") from exc
            if isinstance(result, complex) or not math.isfinite(result) or abs(result) > MAX_CONSTANT**2:
                raise self.fail(node, "constant power out of range:")

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail(node, "only the listed functions can be called, not")
        if func.id not in ALLOWED_FUNCTIONS:
            allowed = ", ".join(ALLOWED_FUNCTIONS)
            raise ExpressionError(
                f"{func.id!r}{_where(func)} is not an allowed function in {self.text!r} (allowed: {allowed})"
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.fail(node, f"{func.id}() takes exactly one argument:")
        return ALLOWED_FUNCTIONS[func.id](self.build(node.args[0], depth + 1))


def parse_expression(text: str) -> sp.Expr:
    """Parse ``text`` (an expression in x and y) into a SymPy expression.

    Accepted: numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / **``, unary minus,
    parentheses and calls of the functions in :data:`ALLOWED_FUNCTIONS`.
    Raises :class:`ExpressionError` for anything else.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    for index, char in enumerate(text):
        if not (char.isascii() and (char.isprintable() or char in " \t")):
            raise ExpressionError(f"character {char!r} at column {index + 1} is not allowed in {text[:40]!r}")
    if not text.strip():
        raise ExpressionError("expression is empty")
    if text.count("(") > MAX_DEPTH:
        raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels: {text[:40]!r}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"syntax error{col} in {text!r}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"expression cannot be parsed: {text[:40]!r}") from None
    try:
        expr = _Builder(text.strip()).build(tree.body)
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply: {text[:40]!r}") from None
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError(f"expression is undefined everywhere: {text!r}")
    return expr
