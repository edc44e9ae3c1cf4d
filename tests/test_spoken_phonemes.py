"""The lecture as heard: spoken forms checked at the phoneme level with Piper's own front end (espeak-ng through
the piper package, :mod:`phonemes`), for every term of :mod:`narration.lexicon` and for every caption of the
lecture (every beat of every scene of the storyboard, collected from a render of each scene with the voice off).

What a listener must never hear: a term of the lecture as another word (tanh as "tan", ax as "axe"), a bare
symbol name ("nabla", "diag", "exp"), a shape read "times" instead of "by" (6×6 sounds like 36)."""

from __future__ import annotations

import re

import pytest
from phonemes import STRESS, phonemes, sounds_like, words

from narration import NarrationError, parse_voice
from narration.lexicon import AS_WRITTEN, BARE_SYMBOL_NAMES, NOTATION, WORDS
from narration.narrator import Narrator
from narration.rules import caption_problems
from narration.spoken import spoken_form, unspeakable

# ---------------------------------------------------------------------------------------- the lexicon


@pytest.mark.parametrize("term", WORDS + AS_WRITTEN, ids=lambda t: t.written)
def test_each_term_is_said_with_its_intended_phonemes(term) -> None:
    said = spoken_form(term.written)
    assert said == term.spoken
    assert "".join(words(said)) == term.ipa, (said, phonemes(said))
    for other in term.sounds_unlike:
        assert not sounds_like(other, said), (term.written, other, phonemes(said))


@pytest.mark.parametrize("term", WORDS, ids=lambda t: t.written)
def test_the_written_form_alone_would_be_misheard(term) -> None:
    """Why each respelling is there: espeak-ng says the bare written word otherwise."""
    assert "".join(words(term.written)) != term.ipa, phonemes(term.written)


@pytest.mark.parametrize("term", NOTATION, ids=lambda t: t.written)
def test_each_notation_is_said_as_the_lexicon_says(term) -> None:
    said = spoken_form(term.written)
    assert said == term.spoken
    assert unspeakable(said) == ""
    for other in term.sounds_unlike:
        assert not sounds_like(other, said), (term.written, other, phonemes(said))


def test_tanh_is_not_heard_as_tan_nor_ax_as_axe() -> None:
    assert sounds_like("tan", "tanh")  # the problem: Piper's front end says the written tanh as "tan"
    assert sounds_like("axe", "ax")
    said = spoken_form("Here θ = (a, b) fits y = tanh(ax + b).")
    assert not sounds_like("tan", said) and not sounds_like("axe", said), phonemes(said)
    assert sounds_like("tanch of a x plus b", said)


def test_shapes_are_read_by_not_times() -> None:
    for written, said in (("6×6", "six by six"), ("B×m×n", "B by m by n"), ("(Bm)×(Bn)", "B m by B n"),
                          ("X, B×n;", "X, B by n")):
        assert sounds_like(said, spoken_form(written)), (written, phonemes(spoken_form(written)))
        assert not sounds_like("times", spoken_form(written))


def test_a_point_list_is_read_as_pairs() -> None:
    """Each pair together (a comma inside), a longer pause between pairs (a semicolon), 'and' before the last:
    the front end keeps the marks that shape the pauses."""
    said = STRESS.sub("", phonemes(spoken_form("corners are (-1, -1), (0, 0), (1, 1); e₁ and e₂ run")))
    (one,), (zero,), (minus,), (and_,) = words("one"), words("zero"), words("minus"), words("and")
    assert f"{minus} {one}, {minus} {one}; {zero}, {zero}; {and_} {one}, {one};" in said, said


def test_a_symbol_the_voice_cannot_say_is_reported() -> None:
    narrator = Narrator(parse_voice("joe"), "Demo")
    with pytest.raises(NarrationError, match=r"Demo-x: the spoken form has characters a voice cannot read "
                                             r"\('⊗'\)"):
        narrator.say("Demo-x", 1, "The Kronecker product A ⊗ B.", 0.0)
    assert narrator.utterances == []


# ---------------------------------------------------------------------------------------- every caption


@pytest.fixture(scope="module")
def lecture_captions() -> list[tuple[str, str, str, str | None]]:
    """(beat id, caption, what the voice is given, the scene's ``spoken=``) for every beat of every scene of the
    lecture with the default settings, from each scene's one render in the run (scene_harness.captions_of: what
    the scene passed to its narrator).  The spoken form is computed here."""
    from scene_harness import captions_of_all

    from jacobian_settings import ENV_VAR, activate
    from lecture.storyboard import STORYBOARD

    said = []
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(ENV_VAR, raising=False)
        activate(None)
        # from the end of the lecture: test_captions asks for the scenes from its start
        found = captions_of_all([entry.cls for entry in reversed(STORYBOARD)])
        for entry in STORYBOARD:
            scene_said = found[entry.cls][0]
            assert scene_said, f"{entry.cls} said nothing"
            said += [(s.beat_id, s.text, spoken_form(s.spoken if s.spoken is not None else s.text), s.spoken)
                     for s in scene_said]
    return said


def _problems(captions, check) -> list[str]:
    return [f"{beat}: {problem}  | caption: {text!r} | said: {spoken!r}"
            for beat, text, spoken, _ in captions if (problem := check(text, spoken))]


@pytest.mark.render
def test_every_caption_keeps_the_caption_rules(lecture_captions) -> None:
    """Every caption, title cards included, can be said, names no colour and shows no code: the lecture's own
    check (narration.rules, which the narrator and the preview run) on what each scene passed."""
    assert len(lecture_captions) >= 60
    bad = [f"{beat}: {p}" for beat, text, _, given in lecture_captions for p in caption_problems(text, given)]
    assert not bad, "\n".join(bad)


@pytest.mark.render
def test_no_term_of_the_lecture_is_said_as_another_word(lecture_captions) -> None:
    def check(text: str, spoken: str) -> str:
        said = words(spoken)
        for term in WORDS + AS_WRITTEN:
            for found in re.finditer(rf"\b{re.escape(term.written)}\b(\()?", text):
                if found.group(1) and term.applied:
                    if not sounds_like(term.applied, spoken):
                        return f"{found.group(0)} is not said {term.applied!r}"
                elif not any(w.startswith(term.ipa) for w in said):  # "Hessian's" is hɛʃənz
                    return f"{term.written} is not said {term.ipa}"
        for term in WORDS + AS_WRITTEN + NOTATION:
            if term.written in text:
                heard = [other for other in term.sounds_unlike if sounds_like(other, spoken)]
                if heard:
                    return f"{term.written} sounds like {heard}"
        if "∇" in text and not ({"ɡɹeɪdiənt", "hɛʃən"} & set(said)):
            return "∇ is said as neither a gradient nor a Hessian"
        return ""
    bad = _problems(lecture_captions, check)
    assert not bad, "\n".join(bad)


@pytest.mark.render
def test_no_caption_says_a_bare_symbol_name(lecture_captions) -> None:
    def check(text: str, spoken: str) -> str:
        heard = [name for name in (*BARE_SYMBOL_NAMES, "axe") if sounds_like(name, spoken)]
        return f"says {heard}" if heard else ""
    bad = _problems(lecture_captions, check)
    assert not bad, "\n".join(bad)


@pytest.mark.render
def test_every_shape_is_read_by(lecture_captions) -> None:
    """Each × of a caption is one more "by" in its phonemes (besides the caption's own word "by")."""
    by = words("by")[0]

    def check(text: str, spoken: str) -> str:
        want = text.count("×") + len(re.findall(r"\bby\b", text))
        got = words(spoken).count(by)
        return f"{got} 'by' heard, {want} expected" if got != want else ""
    # shapes are written with × or already with "by" (6 by 6, B by m by n)
    shapes = [c for c in lecture_captions if re.search(r"×|\b\w+ by \w+ (by \w+ )?(matrix|input|output|Jacobian)",
                                                        c[1])]
    assert len(shapes) >= 3  # the heatmap's square, the batched and spatial scenes' shapes
    bad = _problems(lecture_captions, check)
    assert not bad, "\n".join(bad)
