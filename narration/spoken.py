"""The spoken form of a caption: its readable math (φᵢ′(x), σ², x² − y, Jᵀ) in words a speech engine reads
aloud ("phi i prime of x", "sigma squared", "x squared minus y", "J transpose").

Written text -> plain ASCII words, numbers and punctuation.  Rules are applied in order; the lecture's terms
are said as :mod:`narration.lexicon` spells them ("tanch" for tanh, "the Hessian of L" for ∇²L, "6 by 6" for
6×6).  The result is checked (:func:`unspeakable`) so that a new symbol in a caption is caught by the tests, not
mumbled.
"""

from __future__ import annotations

import re

from narration.lexicon import WORDS

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
    "λ": "lambda", "μ": "mu", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ψ": "psi",
    "ω": "omega", "Σ": "Sigma", "Δ": "Delta",
}
SUBSCRIPTS = {"₀": "zero", "₁": "one", "₂": "two", "₃": "three", "₄": "four", "₅": "five", "₆": "six",
              "₇": "seven", "₈": "eight", "₉": "nine"}
# subscript letters: a run of them is one subscript ("ᵥₐₗ" -> "val", "ᵢ" -> "i", "ᵢⱼ" -> "i j")
SUBSCRIPT_LETTERS = {"ₐ": "a", "ₑ": "e", "ₕ": "h", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n",
                     "ₒ": "o", "ₚ": "p", "ᵣ": "r", "ₛ": "s", "ₜ": "t", "ᵤ": "u", "ᵥ": "v", "ₓ": "x"}
SUBSCRIPT_WORDS = ("val", "min", "max", "in", "out", "train", "test")
SUPERSCRIPT_DIGITS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                      "⁹": "9", "ⁿ": "n", "ᵐ": "m"}
SUPERSCRIPTS = {"⁻¹": "inverse", "ᵀ": "transpose", "²": "squared", "³": "cubed"}
SYMBOLS = {"–": " ", "—": ", ", "…": "...", "½": "half", "<": "is less than", ">": "is greater than", "−": "minus",
           "+": "plus", "=": "equals", "≈": "is about", "≤": "is at most", "≥": "is at least", "→": "to", "·": "times",
           "×": "by", "′": "prime", "∘": "after", "/": "over", "∑": "the sum of", "±": "plus or minus",
           "ℝ": "R", "∇": "the gradient of", "↦": "maps to", "∈": "in", "≠": "is not", "∞": "infinity"}
_NUMBER = r"[−-]?\d+(?:\.\d+)?"
_PAIR = rf"\(\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\)"
_SUB = "".join(SUBSCRIPT_LETTERS)
_MATH_CHARS = rf"A-Za-z\u0370-\u03ff∇′ᵀ²³₀-₉{_SUB}⁻¹"
_ALLOWED = re.compile(r"[A-Za-z0-9 .,;:'!?%\-]")
_OPERATOR = re.compile(r"[+−=·×/<>≈]|(?<![\w)])-(?=\d)")
_WORDS = {term.written: term.spoken for term in WORDS}
# short English words a formula in parentheses may hold, never spelt out as a product of letters
_SHORT_WORDS = {"a", "an", "and", "are", "as", "at", "be", "by", "cos", "det", "for", "if", "in", "is", "it", "its",
                "log", "max", "min", "no", "not", "of", "on", "one", "or", "per", "sin", "so", "the", "to", "two",
                "vec", "exp", "tanh", "all", "but", "now", "off", "six", "ten", "how", "we"}


def _sub_all(pattern: str, repl, text: str) -> str:
    """Apply a substitution until nothing changes (for nested forms like Jg(f(p)))."""
    while True:
        new = re.sub(pattern, repl, text)
        if new == text:
            return text
        text = new


def _point_list(match: re.Match) -> str:
    """``(a, b), (c, d), (e, f)`` -> ``a, b; c, d; and e, f``: each point together, a longer pause between."""
    pairs = [f"{a}, {b}" for a, b in re.findall(_PAIR, match.group(0))]
    return "; ".join(pairs[:-1]) + f"; and {pairs[-1]}"


def _letters(match: re.Match) -> str:
    """A product of single-letter symbols (``Wx``, ``ax``, ``bt``, ``Bm``) said letter by letter."""
    return " ".join(match.group(0))


def _math_group(match: re.Match) -> str:
    """Inside parentheses that hold a formula (an operator, or one short token): products of letters spelt out,
    so that ``tanh(ax + b)`` is not "tanch of axe plus b"."""
    inner = match.group(1)
    if _OPERATOR.search(inner) or re.fullmatch(rf"[A-Za-z]{{2,3}}[{_SUB}₀-₉]*", inner):
        inner = re.sub(r"(?<![\w\u0370-\u03ff])[A-Za-z]{2,3}(?![A-Za-z])",
                       lambda m: m.group(0) if m.group(0).lower() in _SHORT_WORDS else _letters(m), inner)
    return f"({inner})"


def _subscript(match: re.Match) -> str:
    letters = "".join(SUBSCRIPT_LETTERS[c] for c in match.group(0))
    return f" {letters} " if letters in SUBSCRIPT_WORDS else " " + " ".join(letters) + " "


def spoken_form(text: str) -> str:
    """``text`` as words to be spoken (ASCII, one line); the lecture's terms as :mod:`narration.lexicon` says."""
    s = " ".join(text.split())
    s = re.sub(r"(?<![\w)])-(?=\d)", "−", s)  # a minus sign typed as a hyphen
    s = re.sub(rf"\[({_NUMBER}), ({_NUMBER})\] × \[({_NUMBER}), ({_NUMBER})\]", r"\1 to \2 by \3 to \4", s)
    s = re.sub(rf"{_PAIR}(?:(?:,\s*(?:and\s+)?|\s+and\s+){_PAIR})+", _point_list, s)
    s = re.sub(rf"(?<![\w\u0370-\u03ff′ᵀ)]){_PAIR}", r" \1, \2 ", s)  # one point (not f's arguments)
    # shapes: (Bm)×(Bn) -> B m by B n; 6×6, B×m×n -> "by" (the × table entry)
    s = re.sub(r"\(([A-Za-z]{1,3})\)(?=\s*×)|(?<=×)\s*\(([A-Za-z]{1,3})\)",
               lambda m: " ".join(m.group(1) or m.group(2)), s)
    s = _sub_all(r"\(([^()]*)\)", lambda m: _math_group(m).replace("(", "\0").replace(")", "\1"), s)
    s = s.replace("\0", "(").replace("\1", ")")
    s = re.sub(r"(?<=[\u0370-\u03ff])(?=‖)", " · ", s)  # λ‖J‖²: lambda times the squared norm of J
    s = re.sub(r"‖([^‖]+)‖(?:²_?F|_F²)", r" the squared Frobenius norm of \1 ", s)
    s = re.sub(r"‖([^‖]+)‖_?F\b", r" the Frobenius norm of \1 ", s)
    s = re.sub(r"‖([^‖]+)‖²", r" the squared norm of \1 ", s)
    s = re.sub(r"‖([^‖]+)‖", r" the norm of \1 ", s)
    s = re.sub(r"\blog\|", "log of |", s)
    s = re.sub(r"\|det ([^|]+)\|", r" the absolute determinant of \1 ", s)
    s = re.sub(r"\|([^|]+)\|²", r" the squared length of \1 ", s)
    s = re.sub(r"\|([^|]+)\|", r" the length of \1 ", s)
    s = re.sub(r"∂([^/\s]+)/∂(\S+)", r" the derivative of \1 with respect to \2 ", s)
    # a function's value transposed: dφ/dx(x₀)ᵀ, Jf(x)ᵀv -> "the transpose of d phi d x of x zero", "..., times v"
    s = re.sub(r"((?:\bd[a-zφ]/d[a-z]|(?<![\w\u0370-\u03ff])[A-Za-z\u0370-\u03ff][A-Za-z₀-₉′]*)\([^()]*\))ᵀ"
               r"([\w\u0370-\u03ff∇(]?)",
               lambda m: f" the transpose of {m.group(1)}," + (f" · {m.group(2)}" if m.group(2) else " "), s)
    s = re.sub(r"\bd([a-zφ])/d([a-z])", r"d \1 d \2", s)
    s = re.sub(r"ℝ([⁰¹²³⁴⁵⁶⁷⁸⁹ⁿᵐ])", lambda m: f"ℝ {SUPERSCRIPT_DIGITS[m.group(1)]}", s)
    s = re.sub(r"(\d)⁻([⁰¹²³⁴⁵⁶⁷⁸⁹]+)",
               lambda m: f"{m.group(1)} to the minus {''.join(SUPERSCRIPT_DIGITS[c] for c in m.group(2))}", s)
    s = re.sub(r"(\d)([⁰¹⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*|[²³][⁰¹²³⁴⁵⁶⁷⁸⁹]+)",  # 10⁵ (10² stays "10 squared")
               lambda m: f"{m.group(1)} to the {''.join(SUPERSCRIPT_DIGITS[c] for c in m.group(2))}", s)
    s = re.sub(r"\b([a-z])\1ᵀ", r"\1 \1ᵀ", s)  # ppᵀ: p times p transpose
    s = re.sub(r"(?<![A-Za-z])J([a-z])\b", r"J \1", s)  # Jf: J of f
    s = re.sub(r"(?<=[\w\u0370-\u03ff′])(?=∇)", " · ", s)  # α∇L: alpha times the gradient of L
    s = s.replace("∇²", " the Hessian of ")
    s = re.sub(r"\bexp\(([^()]*)\)(\s*[−+=])?", lambda m: f" e to the {m.group(1)}" + (f",{m.group(2)}"
                                                                                        if m.group(2) else " "), s)
    s = re.sub(r"\)\(([^()]*)\)", r") at \1 ", s)  # J(f⁻¹)(z): J of f inverse at z
    # two factors side by side: Jg(f(p)) Jf(p), −φᵢ(x) (x − cᵢ) -> "... times ..."
    s = re.sub(r"\)\s+(?=[A-Z](?: ?[a-z])?\(|\([^()]*[−+·/][^()]*\))", ") · ", s)
    # a function applied to arguments: f(x), φᵢ′(x), Jg(f(p)), ∇Lᵥₐₗ(θ′) -> "f of x", ...; a pause after
    # two or more arguments, so that f(-1, -1) by 1/h is not heard as "minus 1 by 1"
    s = _sub_all(rf"([{_MATH_CHARS})])\(([^()]*)\)", lambda m: f"{m.group(1)} of {m.group(2)}"
                 + (", " if "," in m.group(2) else " "), s)
    # a group transposed or inverted: (I − αH)ᵀv -> "the transpose of I minus alpha H, times v"
    for mark, word in (("ᵀ", "transpose"), ("⁻¹", "inverse")):
        s = _sub_all(rf"\(([^()]*)\){mark}([\w\u0370-\u03ff∇(]?)",
                     lambda m, w=word: f" the {w} of {m.group(1)}," + (f" · {m.group(2)}" if m.group(2) else " "), s)
    s = re.sub(rf"[{_SUB}]+", _subscript, s)
    for table in (SUPERSCRIPTS, SUBSCRIPTS, GREEK):
        for symbol, word in table.items():
            s = s.replace(symbol, f" {word} ")
    for symbol, word in SYMBOLS.items():
        s = s.replace(symbol, f" {word} ")
    for written, said in _WORDS.items():
        s = re.sub(rf"\b{re.escape(written)}\b", said, s)
    s = re.sub(r"[\[\]()]", ",", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*,[\s,]*", ", ", s)
    s = re.sub(r"\s*;[\s;,]*", "; ", s)
    s = re.sub(r",\s*([.:;!?])", r"\1", s)
    s = re.sub(r"\s+([.,:;!?])", r"\1", s)
    s = re.sub(r"([:;])\s*,", r"\1", s)
    return s.strip(" ,")


def unspeakable(spoken: str) -> str:
    """The characters of ``spoken`` a speech engine should not be given (empty when it is clean)."""
    return "".join(sorted({c for c in spoken if not _ALLOWED.match(c)}))
