"""The lecture's vocabulary and how the voice is meant to say it.

Each :class:`Term` is one word or notation of the captions with the words the voice says for it.  Piper reads
text through espeak-ng, which says some of these wrongly when given the written form: ``tanh`` comes out as
"tan", ``ax`` as "axe", ``diag`` as "dye-ag", ``exp`` as "exp", ``Frobenius`` without its long "ee".  The
``spoken`` form is then a respelling or a phrase espeak-ng turns into the intended phonemes, and
``sounds_unlike`` names the words it must not be heard as.  ``tests/test_spoken_phonemes.py`` checks every
term, and every caption of the lecture, at the phoneme level with Piper's own front end.

:data:`WORDS` are replaced whole-word by :func:`narration.spoken.spoken_form`; the notations (``∇``, ``∇²``,
``ᵀ``, ``⁻¹``, subscripts, ``×``, ``exp(…)``, products like ``ax``, point lists) are rules there, listed here
with an example each so that the tests hear them too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """``written`` (an example as a caption writes it) is said as ``spoken``, never like ``sounds_unlike``;
    ``ipa`` (for a single word) is the intended pronunciation in espeak-ng's phonemes, stress marks left out;
    ``applied`` what is said for the term applied to an argument (``exp(x)``: "e to the x")."""

    written: str
    spoken: str
    sounds_unlike: tuple[str, ...] = ()
    note: str = ""
    ipa: str = ""
    applied: str = ""  # what is said for the term applied to an argument, "exp(x)": "e to the x"


# words: replaced wherever they stand as a whole word (case as written)
WORDS: tuple[Term, ...] = (
    Term("tanh", "tanch", ("tan",), "hyperbolic tangent, said 'tanch'; espeak-ng reads tanh as 'tan'", "tæntʃ"),
    Term("Frobenius", "Frobeenius", (), "fro-BEE-nee-us; espeak-ng drops the long 'ee' of the written word",
         "fɹoʊbiːnɪʲəs"),
    Term("diag", "diagonal", ("dye ag",), "diag(p) is said 'diagonal of p'; espeak-ng says 'dye-ag'", "daɪæɡənəl",
         "diagonal of"),
    Term("exp", "exponential", ("ex p",), "bare; exp(x) is said 'e to the x'", "ɛkspənɛnʃəl", "e to the"),
    Term("ReLU", "relloo", ("ree loo",), "REL-oo; espeak-ng says 'ree-loo'", "ɹɛluː"),
    Term("logit", "lohjit", ("lodge it",), "LOH-jit", "loʊdʒɪt"),
    Term("logits", "lohjits", ("lodge its",), "LOH-jits", "loʊdʒɪts"),
)

# terms espeak-ng already says as intended: kept here so that the tests hear that they stay so
AS_WRITTEN: tuple[Term, ...] = (
    Term("Hessian", "Hessian", ("Hessen",), ipa="hɛʃən"),
    Term("softmax", "softmax", ipa="sɔftmæks"),
    Term("Jacobian", "Jacobian", ipa="dʒækoʊbiən"),
    Term("MAML", "MAML", ipa="mæməl"),
)

# notations: rules of spoken_form, each with an example caption fragment and what the voice says
NOTATION: tuple[Term, ...] = (
    Term("tanh(Wx + b)", "tanch of W x plus b", ("tan",), "a product of letters is said letter by letter"),
    Term("y = tanh(ax + b)", "y equals tanch of a x plus b", ("axe",)),
    Term("a·exp(bt)", "a times e to the b t", ("exp",), "exp(x) is 'e to the x'"),
    Term("a·exp(btᵢ) − yᵢ", "a times e to the b t i, minus y i", ("exp",), "a pause closes the exponent"),
    Term("diag(p) − ppᵀ", "diagonal of p minus p p transpose", ("diag",)),
    Term("∇L(θ)", "the gradient of L of theta", ("nabla",)),
    Term("θ − α∇L(θ)", "theta minus alpha times the gradient of L of theta", ("nabla",)),
    Term("∇²L(θ)", "the Hessian of L of theta", ("nabla", "squared")),
    Term("∇Lᵥₐₗ(θ′)", "the gradient of L val of theta prime", ("nabla",), "a subscript word is said as one word"),
    Term("(I − α∇²L(θ))ᵀ∇Lᵥₐₗ(θ′)",
         "the transpose of I minus alpha times the Hessian of L of theta, times the gradient of L val of theta prime",
         ("nabla",), "transpose applies to the whole group before it"),
    Term("−(JᵀJ)⁻¹Jᵀr", "minus the inverse of J transpose J, times J transpose r", (),
         "inverse applies to the whole group before it"),
    Term("f⁻¹(z)", "f inverse of z"),
    Term("dφ/dx(x₀)ᵀ", "the transpose of d phi d x of x zero", (), "the transpose of the value, not of x₀"),
    Term("dφ/dx(x₀)ᵀ, a column", "the transpose of d phi d x of x zero, a column"),
    Term("Jf(x)ᵀv", "the transpose of J f of x, times v"),
    Term("Jg(f(p)) Jf(p)", "J g of f of p times J f of p", (), "two factors side by side are a product"),
    Term("−φᵢ(x) (x − cᵢ)/σ²", "minus phi i of x times, x minus c i, over sigma squared"),
    Term("at f(-1, -1) by 1/h", "at f of minus 1, minus 1, by 1 over h", (),
         "a pause after two arguments: not 'minus 1 by 1', which sounds like a shape"),
    Term("6×6", "6 by 6", ("times",), "× between dimensions is 'by'"),
    Term("B×m×n", "B by m by n", ("times",)),
    Term("(Bm)×(Bn)", "B m by B n", ("times",)),
    Term("(-1, -1), (0, 0), (1, 1)", "minus 1, minus 1; 0, 0; and 1, 1", (),
         "a list of points: each pair together, a longer pause between pairs"),
    Term("(0.5, -1)", "0.5, minus 1"),
    Term("At (1, 1) and (1, −1):", "At 1, 1; and 1, minus 1:"),
    Term("‖J‖²_F", "the squared Frobeenius norm of J"),
    Term("10⁵ samples", "10 to the 5 samples"),
    Term("x ↦ f(x)", "x maps to f of x"),
    Term("−0.004", "minus 0.004"),
    Term("until ‖Jᵀr‖ < 0.001", "until the norm of J transpose r is less than 0.001", (), "a comparison is a verb"),
    Term("‖J‖_F", "the Frobeenius norm of J", ()),
    Term("10⁻⁵", "10 to the minus 5"),
    Term("ℝ³", "R 3", ("cubed",)),
    Term("∂vec(Y)/∂vec(X)", "the derivative of vec of Y with respect to vec of X", ()),
)

TERMS: tuple[Term, ...] = WORDS + AS_WRITTEN + NOTATION

# names of symbols a listener should never hear bare (they are said as what they mean)
BARE_SYMBOL_NAMES: tuple[str, ...] = ("nabla", "diag", "exp", "tan", "det", "sqrt", "underscore", "caret",
                                      "backslash", "asterisk")
