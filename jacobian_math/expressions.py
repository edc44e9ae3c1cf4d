"""Safe parsing of user expressions in ``x`` and ``y`` into SymPy.

The text is parsed with :func:`ast.parse` and walked node by node against a
whitelist; SymPy objects are built directly from the accepted nodes.  Nothing
of the user's text is ever passed to ``eval``, ``exec`` or ``sympify``.
"""

from __future__ import annotations

import ast
import math
import warnings

import sympy as sp

MAX_LENGTH = 400
"""Longest accepted expression, in characters."""
MAX_DEPTH = 40
"""Deepest accepted nesting of operators and calls."""
MAX_CONSTANT = 1e6
"""Largest accepted magnitude of a numeric literal."""
MAX_CONSTANT_EXPONENT = 64.0
"""Largest accepted magnitude of an exponent that is a pure number."""
MAX_DERIVED_CONSTANT = MAX_CONSTANT**2
"""Largest accepted magnitude of a constant sub-expression such as ``2**20`` or ``exp(5)``."""

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
# Left-leaning chains of these operators (a + b - c + ...) are built in a loop and
# count as one level of nesting, so long sums and products stay within MAX_DEPTH.
_CHAINS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div})
_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


class ExpressionError(ValueError):
    """An expression was rejected; the message names the offending piece."""


def _where(node: ast.AST) -> str:
    col = getattr(node, "col_offset", None)
    return f" at column {col + 1}" if col is not None else ""


def _clip(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def _piece(text: str, node: ast.AST) -> str:
    return _clip(ast.get_source_segment(text, node) or type(node).__name__)


class _Builder:
    """Walks an accepted AST and builds the SymPy expression."""

    def __init__(self, text: str):
        self.text = text

    def fail(self, node: ast.AST, what: str) -> ExpressionError:
        return ExpressionError(f"{what} {_piece(self.text, node)!r}{_where(node)} in {_clip(self.text, 80)!r}")

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
            raise ExpressionError(
                f"unknown name {_clip(node.id)!r}{_where(node)} in {_clip(self.text, 80)!r} (allowed: {allowed})"
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise self.fail(node, f"unsupported syntax ({type(node).__name__}):")

    def _constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(node, "only real numbers are allowed, not")
        # ints are compared exactly: math.isfinite(10**400) would raise OverflowError
        if abs(value) > MAX_CONSTANT or (isinstance(value, float) and not math.isfinite(value)):
            raise self.fail(node, f"number larger than {MAX_CONSTANT:g}:")
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    def _binop(self, node: ast.BinOp, depth: int) -> sp.Expr:
        op = type(node.op)
        if op not in _BINARY:
            hint = _OPERATOR_HINTS.get(op, "unsupported operator")
            raise self.fail(node, f"{hint}:")
        if op is ast.Pow:
            base = self.build(node.left, depth + 1)
            exponent = self.build(node.right, depth + 1)
            self._check_power(node, base, exponent)
            return self._check_constant(node, base**exponent)
        family = next(f for f in _CHAINS if op in f)
        chain: list[ast.BinOp] = []
        link: ast.AST = node
        while isinstance(link, ast.BinOp) and type(link.op) in family:
            chain.append(link)
            link = link.left
        result = self.build(link, depth + 1)
        for step in reversed(chain):
            right = self.build(step.right, depth + 1)
            if isinstance(step.op, ast.Div) and right == 0:
                raise self.fail(step, "division by zero:")
            result = self._check_constant(step, _BINARY[type(step.op)](result, right))
        return result

    def _check_constant(self, node: ast.AST, value: sp.Expr) -> sp.Expr:
        """A sub-expression without x and y must be a finite real number of modest size."""
        if value.free_symbols:
            return value
        if value.has(*_UNDEFINED):
            raise self.fail(node, "undefined value:")
        try:
            number = complex(sp.N(value, 15))
        except (TypeError, ValueError, OverflowError) as exc:
            raise self.fail(node, "constant cannot be evaluated:") from exc
        if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
            raise self.fail(node, "not a real number:")
        if not math.isfinite(number.real) or abs(number.real) > MAX_DERIVED_CONSTANT:
            raise self.fail(node, f"constant larger than {MAX_DERIVED_CONSTANT:g}:")
        return value

    def _check_power(self, node: ast.BinOp, base: sp.Expr, exponent: sp.Expr) -> None:
        if exponent.free_symbols:
            return
        value = complex(sp.N(exponent, 15))
        if value.imag != 0 or not math.isfinite(value.real) or abs(value.real) > MAX_CONSTANT_EXPONENT:
            raise self.fail(node, f"exponent must be a number of size at most {MAX_CONSTANT_EXPONENT:g}:")
        if not base.free_symbols:
            # checked in floating point first, so SymPy never builds an absurd exact power
            try:
                result = float(sp.N(base, 15)) ** value.real
            except OverflowError as exc:
                raise self.fail(node, f"constant power larger than {MAX_DERIVED_CONSTANT:g}:") from exc
            except (ZeroDivisionError, TypeError) as exc:
                raise self.fail(node, "constant power cannot be evaluated:") from exc
            if isinstance(result, complex):
                raise self.fail(node, "constant power is not a real number:")
            if not math.isfinite(result) or abs(result) > MAX_DERIVED_CONSTANT:
                raise self.fail(node, f"constant power larger than {MAX_DERIVED_CONSTANT:g}:")

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail(node, "only the listed functions can be called, not")
        if func.id not in ALLOWED_FUNCTIONS:
            allowed = ", ".join(ALLOWED_FUNCTIONS)
            raise ExpressionError(
                f"{_clip(func.id)!r}{_where(func)} is not an allowed function in {_clip(self.text, 80)!r} "
                f"(allowed: {allowed})"
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.fail(node, f"{func.id}() takes exactly one argument:")
        return self._check_constant(node, ALLOWED_FUNCTIONS[func.id](self.build(node.args[0], depth + 1)))


def parse_expression(text: str) -> sp.Expr:
    """Parse ``text`` (an expression in x and y) into a SymPy expression.

    Accepted: numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / **``, unary minus,
    parentheses and calls of the functions in :data:`ALLOWED_FUNCTIONS`.
    Raises :class:`ExpressionError` for anything else, and for input that is
    longer than :data:`MAX_LENGTH`, nested deeper than :data:`MAX_DEPTH` (a flat
    chain like ``a + b - c`` counts once), has a literal above :data:`MAX_CONSTANT`,
    a numeric exponent above :data:`MAX_CONSTANT_EXPONENT`, a constant part that is
    undefined, not real or above :data:`MAX_DERIVED_CONSTANT` (``log(0)``,
    ``sqrt(-1)``, ``exp(1000)``), or a comment.  The message names the piece.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    src = text.strip()
    if not src:
        raise ExpressionError("expression is empty")
    nesting = 0
    for index, char in enumerate(src):
        if not (char.isascii() and (char.isprintable() or char == "\t")):
            raise ExpressionError(f"character {char!r} at column {index + 1} is not allowed in {src[:40]!r}")
        if char == "#":
            raise ExpressionError(f"'#' (a comment) at column {index + 1} is not allowed in {_clip(src, 80)!r}")
        nesting += {"(": 1, ")": -1}.get(char, 0)
        if nesting > MAX_DEPTH:
            raise ExpressionError(
                f"parentheses nested deeper than {MAX_DEPTH} levels at column {index + 1} in {src[:40]!r}"
            )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for '2(x)'; rejected below anyway
            tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"syntax error{col} in {_clip(src, 80)!r}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"expression cannot be parsed: {src[:40]!r}") from None
    try:
        expr = _Builder(src).build(tree.body)
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply: {src[:40]!r}") from None
    if expr.has(*_UNDEFINED):
        raise ExpressionError(f"expression is undefined everywhere: {_clip(src, 80)!r}")
    if expr.has(sp.I):
        raise ExpressionError(
            f"expression is not real-valued: {_clip(src, 80)!r} simplifies to {_clip(sp.sstr(expr), 60)!r}"
        )
    return expr
