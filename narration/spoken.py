"""The spoken form of a caption: its readable math (φᵢ′(x), σ², x² − y, Jᵀ) in words a speech engine reads
aloud ("phi i prime of x", "sigma squared", "x squared minus y", "J transpose").

Written text -> plain ASCII words, numbers and punctuation.  Rules are applied in order; the result is
checked (:func:`unspeakable`) so that a new symbol in a caption is caught by the tests, not mumbled.
"""

from __future__ import annotations

import re

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
    "λ": "lambda", "μ": "mu", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ψ": "psi",
    "ω": "omega", "Σ": "Sigma", "Δ": "Delta", "∇": "nabla",
}
SUBSCRIPTS = {"₀": "zero", "₁": "one", "₂": "two", "₃": "three", "₄": "four", "₅": "five", "₆": "six",
              "₇": "seven", "₈": "eight", "₉": "nine", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n"}
SUBSCRIPT_WORDS = {"ᵥₐₗ": "val", "ₘᵢₙ": "min", "ₘₐₓ": "max"}
SUPERSCRIPTS = {"⁻¹": "inverse", "ᵀ": "transpose", "²": "squared", "³": "cubed"}
SYMBOLS = {"–": " ", "—": ", ", "…": "...", "½": "half", "<": "less than", ">": "greater than", "−": "minus",
           "+": "plus", "=": "equals", "≈": "is about", "≤": "at most", "≥": "at least", "→": "to", "·": "times",
           "×": "times", "′": "prime", "∘": "after", "/": "over", "∑": "the sum of"}
_NUMBER = r"[−-]?\d+(?:\.\d+)?"
_ALLOWED = re.compile(r"[A-Za-z0-9 .,;:'!?%\-]")


def _sub_all(pattern: str, repl: str, text: str) -> str:
    """Apply a substitution until nothing changes (for nested forms like Jg(f(p)))."""
    while True:
        new = re.sub(pattern, repl, text)
        if new == text:
            return text
        text = new


def spoken_form(text: str) -> str:
    """``text`` as words to be spoken (ASCII, one line)."""
    s = " ".join(text.split())
    s = re.sub(rf"\[({_NUMBER}), ({_NUMBER})\] × \[({_NUMBER}), ({_NUMBER})\]", r"\1 to \2 by \3 to \4", s)
    s = re.sub(r"‖([^‖]+)‖²", r" the squared norm of \1 ", s)
    s = re.sub(r"‖([^‖]+)‖", r" the norm of \1 ", s)
    s = re.sub(r"\blog\|", "log of |", s)
    s = re.sub(r"\|det ([^|]+)\|", r" the absolute determinant of \1 ", s)
    s = re.sub(r"\|([^|]+)\|²", r" the squared length of \1 ", s)
    s = re.sub(r"\|([^|]+)\|", r" the length of \1 ", s)
    s = re.sub(r"\bd([a-zφ])/d([a-z])", r"d \1 d \2", s)
    s = re.sub(r"\b([a-z])\1ᵀ", r"\1 \1ᵀ", s)  # ppᵀ: p times p transpose
    s = re.sub(r"\bJ([a-z])\b", r"J \1", s)  # Jf: J of f
    # a function applied to arguments: f(x), φᵢ′(x), J(f⁻¹)(z), Jg(f(p)) -> "f of x", ...
    s = _sub_all(r"([A-Za-z\u0370-\u03ff∇′ᵀ²₀-₉ᵢⱼ⁻¹)])\(([^()]*)\)", r"\1 of \2 ", s)
    s = re.sub(r"(?<![\w)])-(?=\d)", "−", s)  # a minus sign typed as a hyphen
    for table in (SUBSCRIPT_WORDS, SUPERSCRIPTS, SUBSCRIPTS, GREEK):
        for symbol, word in table.items():
            s = s.replace(symbol, f" {word} ")
    for symbol, word in SYMBOLS.items():
        s = s.replace(symbol, f" {word} ")
    s = re.sub(r"[\[\]()]", ",", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*,[\s,]*", ", ", s)
    s = re.sub(r",\s*([.:;!?])", r"\1", s)
    s = re.sub(r"\s+([.,:;!?])", r"\1", s)
    s = re.sub(r"([:;])\s*,", r"\1", s)
    return s.strip(" ,")


def unspeakable(spoken: str) -> str:
    """The characters of ``spoken`` a speech engine should not be given (empty when it is clean)."""
    return "".join(sorted({c for c in spoken if not _ALLOWED.match(c)}))
