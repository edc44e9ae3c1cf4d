"""Formulas in running text as MathML, for the course page's transcripts (read by screen readers as math).

The lecture's captions and descriptions write their formulas in plain Unicode (``σ₁``, ``‖J‖²_F``,
``∂y/∂x = Jᵀe``, ``f(x) = wᵀφ(x)``): that text stays as it is in the captions tracks and in ``transcript.txt``
(their plain-text form).  On the HTML pages, :func:`text_with_math` finds each formula in a line and writes it as
an inline ``<math>`` element whose ``alttext`` is the formula's plain text (the fallback where MathML is not
rendered: a browser without MathML shows the elements' text, a screen reader without it reads ``alttext``).

A formula is a run of words with at least one mark of mathematics (a Greek letter, a sub- or superscript, an
operator such as ``∂ ∇ ‖ ∘ ≈ =``), together with the symbols and one-letter names joined to it by operators;
ordinary words end it.  No network, no script: the page carries the MathML itself.
"""

from __future__ import annotations

import html
import re

__all__ = ["MATH_MARKS", "formula_runs", "inline_math", "text_with_math"]

_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₐₑₒₓₗₘₙₚₛₜᵥᵤᵣ₊₋", "0123456789ijkaeoxlmnpstvur+−", strict=True))
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ′ⁿ⁺⁻", "0123456789T′n+−", strict=True))
_GREEK = "αβγδεζηθικλμνξοπρσςτυφχψωΓΔΘΛΞΠΣΦΨΩϕ"
_OPERATORS = "=+−≈×·/∘∇∂‖|→←≤≥<>…½∑√"
_COMBINING = {"\u0304": "\u00af", "\u0302": "^", "\u0303": "~"}  # x̄, x̂, x̃: accents over the letter before
MATH_MARKS = set(_SUB) | set(_SUP) | set(_GREEK) | set(_COMBINING) | set("∂∇‖∘≈×√∑½")
_FUNCTIONS = ("tanh", "diag", "log", "exp", "det", "sin", "cos", "max", "min")
_BINARY = {"=", "+", "−", "≈", "×", "·", "/", "→", "≤", "≥", "<", ">", "-"}
_TRAILING = ".,;:!?"


def _is_symbolic(word: str) -> bool:
    """A word that can stand in a formula: one letter or digit, a number, or a word with brackets or ``_``
    (``f(x)``, ``(a,``, ``[0,``, ``J_f``), but not an ordinary word (``the``, ``model``)."""
    core = word.rstrip(_TRAILING)
    if not core:
        return False
    if any(c in MATH_MARKS or c in _OPERATORS for c in core) or any(c in "()[]_^" for c in core):
        return True
    return bool(re.fullmatch(r"[A-Za-z]|[+-]?\d+(\.\d+)?%?", core))


def _is_mark(word: str) -> bool:
    """A word with a mark of mathematics: ``σ₁``, ``J_f``, ``|d|``."""
    return (any(c in MATH_MARKS for c in word) or bool(re.search(r"[A-Za-z]_[A-Za-z0-9]", word))
            or bool(re.search(r"\|[^|\s]+\|", word)))


def formula_runs(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of the formulas in ``text`` (trailing punctuation left outside)."""
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    runs: list[tuple[int, int]] = []
    i = floor = 0  # no formula reaches back before ``floor`` (the end of the last one)
    while i < len(words):
        if not (_is_mark(words[i][2]) or words[i][2] in _BINARY):
            i += 1
            continue
        lo = hi = i
        # grow over symbolic words joined by operators, or one symbolic word next to a marked one
        while lo > floor and _joins(words, lo - 1, lo):
            lo -= 1
        while hi + 1 < len(words) and _joins(words, hi, hi + 1):
            hi += 1
        span = words[lo:hi + 1]
        while span and span[0][2] in _BINARY:  # "error / |d|²": the formula starts after the operator
            span = span[1:]
        has_mark = any(_is_mark(w) for _, _, w in span)
        has_relation = any(w.rstrip(_TRAILING) in _BINARY for _, _, w in span) and len(span) >= 3
        if has_mark or has_relation:
            start, end = _balanced(text, span[0][0], span[-1][1])
            while end > start and text[end - 1] in _TRAILING and text[start:end].count("(") <= \
                    text[start:end - 1].count(")"):
                end -= 1
            if end > start and text[start:end] not in _BINARY:
                runs.append((start, end))
            if end < span[-1][1]:  # cut short by a bracket: the words after the cut start afresh
                i = floor = max(i + 1, next((j for j in range(i, hi + 1) if words[j][0] >= end), hi + 1))
                continue
        i = floor = hi + 1
    return runs


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """The span shrunk to balanced brackets: a ``)`` closing a bracket opened before the span ends it, a ``(``
    left open is not part of it (``(λₘₐₓ the loss's …)`` gives ``λₘₐₓ``)."""
    depth = 0
    for k in range(start, end):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[k], 0)
        if depth < 0:
            end = k
            break
    while end > start and text[end - 1].isspace():
        end -= 1
    part = text[start:end]
    while part and part[0] in "([" and part.count(part[0]) > part.count(")" if part[0] == "(" else "]"):
        start, part = start + 1, part[1:]
    return start, end


def _joins(words: list, a: int, b: int) -> bool:
    """Whether words ``a`` and ``b`` (neighbours) belong to one formula."""
    left, right = words[a][2], words[b][2]
    if left[-1] in _TRAILING and left.rstrip(_TRAILING).count("(") <= left.count(")") and left[-1] != ",":
        return False  # a sentence ends between them
    lw, rw = left.rstrip(_TRAILING), right
    if lw in _BINARY or rw in _BINARY:
        return _is_symbolic(left) and _is_symbolic(right) and not (lw in _BINARY and rw in _BINARY)
    if _is_mark(left) and _is_symbolic(right) and len(right.rstrip(_TRAILING)) <= 2 and \
            right.rstrip(_TRAILING) not in ("a", "A"):
        return True  # "J Σ Jᵀ", "rσ₁ r"
    if _is_mark(right) and _is_symbolic(left) and len(lw) <= 2 and lw.isalpha() and lw not in ("a", "A"):
        return True  # "J e₁", "vᵀ Jg"
    if re.fullmatch(r"[B-HJ-Zb-z]", lw) and re.fullmatch(r"[B-HJ-Zb-z]", rw.rstrip(_TRAILING)):
        return True  # "J d": names side by side ("a", "A" and "I" are words more often than names)
    # inside open brackets: "(x − cᵢ)" split over words, "f(x, y)"
    return _is_symbolic(left) and _is_symbolic(right) and _open(left)


def _open(word: str) -> bool:
    """Whether ``word`` leaves a bracket or a bar open (``(x``, ``|det``)."""
    return (word.count("(") + word.count("[") > word.count(")") + word.count("]") or word.count("|") % 2 == 1
            or word.count("‖") % 2 == 1)


# ------------------------------------------------------------------------------------------------ MathML
def _token(kind: str, text: str) -> str:
    if kind == "mo" and text in "()[]{}|‖":  # brackets keep their size and sit close to what they enclose
        return f'<mo stretchy="false" lspace="0" rspace="0">{html.escape(text, quote=False)}</mo>'
    return f"<{kind}>{html.escape(text, quote=False)}</{kind}>"


def _atoms(text: str) -> list[str]:
    """MathML for a formula's text: tokens, scripts and bracketed groups (as ``<mrow>``)."""
    stack: list[list[str]] = [[]]
    openers: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        out = stack[-1]
        if c.isspace():
            i += 1
            continue
        if c in _SUB or c in _SUP or (c == "_" and i + 1 < len(text)):
            sub, sup = [], []
            while i < len(text) and (text[i] in _SUB or text[i] in _SUP or text[i] == "_"):
                if text[i] == "_":
                    m = re.match(r"_([A-Za-z0-9]+|\{[^}]*\})", text[i:])
                    if not m:
                        break
                    sub.append(m.group(1).strip("{}"))
                    i += len(m.group())
                    continue
                (sub if text[i] in _SUB else sup).append(_SUB.get(text[i]) or _SUP[text[i]])
                i += 1
            base = out.pop() if out else "<mrow></mrow>"
            out.append(_scripts(base, "".join(sub), "".join(sup)))
            continue
        if c in "([{":
            stack.append([_token("mo", c)])
            openers.append(c)
            i += 1
            continue
        if c in ")]}" and openers:
            stack[-1].append(_token("mo", c))
            group = stack.pop()
            openers.pop()
            stack[-1].append("<mrow>" + "".join(group) + "</mrow>")
            i += 1
            continue
        if c in "‖|":
            if c in openers and openers[-1] == c:  # the closing bar of an open pair
                stack[-1].append(_token("mo", c))
                group = stack.pop()
                openers.pop()
                stack[-1].append("<mrow>" + "".join(group) + "</mrow>")
            else:
                stack.append([_token("mo", c)])
                openers.append(c)
            i += 1
            continue
        m = re.match(r"\d+(\.\d+)?", text[i:])
        if m:
            out.append(_token("mn", m.group()))
            i += len(m.group())
            continue
        name = next((f for f in _FUNCTIONS if text.startswith(f, i) and not text[i + len(f):i + len(f) + 1].isalpha()
                     and not (i and text[i - 1].isalpha())), None)
        if name:
            out.append(_token("mi", name))
            i += len(name)
            continue
        if c in _COMBINING:
            base = out.pop() if out else "<mrow></mrow>"
            out.append(f'<mover accent="true">{base}{_token("mo", _COMBINING[c])}</mover>')
        elif c.isalpha():
            out.append(_token("mi", c))
        elif c == "½":
            out.append(_token("mn", c))
        elif c in "-−" and (not out or out[-1].startswith("<mo")):  # a sign, not a subtraction: −2, (−1
            out.append('<mo form="prefix">−</mo>')
        elif c == "-":
            out.append(_token("mo", "−"))
        else:
            out.append(_token("mo", c))
        i += 1
    while len(stack) > 1:  # an unclosed bracket: keep its content in line
        group = stack.pop()
        stack[-1].extend(group)
    return stack[0]


def _scripts(base: str, sub: str, sup: str) -> str:
    def part(text: str) -> str:
        if len(text) >= 3 and text.isalpha():  # a word as a subscript: L_val, λ_max
            return _token("mi", text)
        inner = "".join(_atoms(text))
        return inner if len(_atoms(text)) == 1 else f"<mrow>{inner}</mrow>"

    sup_ml = _token("mo", "′") if sup == "′" else (_token("mi", "⊤") if sup == "T" else part(sup) if sup else "")
    if sub and sup:
        return f"<msubsup>{base}{part(sub)}{sup_ml}</msubsup>"
    if sub:
        return f"<msub>{base}{part(sub)}</msub>"
    return f"<msup>{base}{sup_ml}</msup>"


def inline_math(formula: str) -> str:
    """One formula's plain text as an inline ``<math>`` element with the text as its ``alttext``."""
    return (f'<math alttext="{html.escape(formula, quote=True)}"><mrow>{"".join(_atoms(formula))}</mrow>'
            f"</math>")


def text_with_math(text: str) -> str:
    """``text`` escaped for HTML, its formulas as inline MathML (:func:`formula_runs`)."""
    out, at = [], 0
    for start, end in formula_runs(text):
        out.append(html.escape(text[at:start], quote=True))
        out.append(inline_math(text[start:end]))
        at = end
    out.append(html.escape(text[at:], quote=True))
    return "".join(out)
