"""The subtitle rules of lecture/captions.py: every cue at most 2 lines of 42 characters, read at most
20 characters per second, on screen at least 1 s, never overlapping the next; a caption split at natural
breaks keeps its words.  The rules are checked here by hand, not with the module's own checker."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lecture import captions
from lecture.captions import Cue

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.,:;!?()=−²φσ‖", min_size=1, max_size=42)
TEXT = st.lists(WORD, min_size=1, max_size=60).map(" ".join)


def assert_obeys_every_rule(cues: list[Cue], end: float | None = None) -> None:
    for i, cue in enumerate(cues):
        lines = cue.text.split("\n")
        assert 1 <= len(lines) <= 2 and all(0 < len(line) <= 42 for line in lines), cue
        seconds = cue.end - cue.start
        assert seconds >= 1.0 - 1e-9, cue
        assert len(" ".join(lines)) / seconds <= 20.0 + 1e-9, cue
        assert cue.start >= 0 and (end is None or cue.end <= end + 1e-9), cue
        assert cue.start == round(cue.start, 3) and cue.end == round(cue.end, 3), cue  # whole milliseconds
        if i + 1 < len(cues):
            assert cue.end <= cues[i + 1].start, (cue, cues[i + 1])


def words(cues) -> list[str]:
    return [w for c in cues for w in c.text.split()]


@st.composite
def timelines(draw) -> list[Cue]:
    """Captions as scenes make them: in order of start, any length, often too short, often overlapping."""
    cues, t = [], 0.0
    for text in draw(st.lists(TEXT, min_size=1, max_size=8)):
        t += draw(st.floats(0.0, 5.0))
        cues.append(Cue(t, t + draw(st.floats(0.0, 12.0)), text))
    return cues


@given(TEXT)
def test_split_pieces_fit_a_cue_and_keep_the_words_in_order(text) -> None:
    pieces = captions.split_text(text)
    for piece in pieces:
        lines = piece.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), piece
    assert [w for p in pieces for w in p.split()] == text.split()


@given(timelines())
def test_fitted_cues_obey_every_rule_and_keep_the_words(cues) -> None:
    fitted = captions.fit_cues(cues)
    assert_obeys_every_rule(fitted)
    assert words(fitted) == words(cues)
    assert captions.rule_violations(fitted) == []


@given(timelines(), st.floats(0.0, 30.0))
def test_with_room_before_the_end_the_rules_hold_and_nothing_passes_the_end(cues, slack) -> None:
    need = sum(captions.reading_seconds(p) for c in cues for p in captions.split_text(c.text))
    end = max(c.end for c in cues) + need + slack  # enough time after the last caption starts... and in all
    fitted = captions.fit_cues(cues, end=end)
    assert_obeys_every_rule(fitted, end)
    assert words(fitted) == words(cues)


@given(timelines())
def test_a_scene_just_long_enough_for_its_text_still_obeys_every_rule(cues) -> None:
    pieces = [p for c in cues for p in captions.split_text(c.text)]
    end = round(sum(captions._ms_up(captions.reading_seconds(p)) for p in pieces), 3)  # all pulled back to 0
    fitted = captions.fit_cues(cues, end=end)
    assert_obeys_every_rule(fitted, end)
    assert words(fitted) == words(cues)


def test_a_short_last_piece_takes_words_from_the_one_before() -> None:
    """Cut where the first piece is longest, this caption left "Jacobians." alone on a cue: shown for 1 s, mostly
    over silence, in the narrated lecture."""
    pieces = captions.split_text("Written out: the Jacobian of the composition is the product of the layer Jacobians.")
    assert [" ".join(p.split("\n")) for p in pieces] == ["Written out: the Jacobian of the composition",
                                                          "is the product of the layer Jacobians."]
    # a short last piece with no room to take words from stays (a caption of two short sentences)
    assert captions.split_text("x" * 40 + " " + "y" * 40 + " " + "z" * 40 + " end.")[-1].endswith("end.")


def test_a_long_caption_splits_at_sentence_end_then_colon_then_comma() -> None:
    text = ("Where cells grow the density thins out. Over the box it integrates to 0.981: the other 0.019 "
            "was carried outside, as the mass shows.")
    assert captions.split_text(text) == [
        "Where cells grow the density thins out.",
        "Over the box it integrates to 0.981:",
        "the other 0.019 was carried\noutside, as the mass shows.",  # two lines as even as can be
    ]


def test_time_is_shared_in_proportion_to_characters() -> None:
    text = " ".join(c * 20 for c in "abcde")  # 2 cues: 4 words on 2 lines (83 characters), then 1 (20)
    fitted = captions.fit_cues([Cue(10.0, 20.3, text)])
    assert [c.text for c in fitted] == ["a" * 20 + " " + "b" * 20 + "\n" + "c" * 20 + " " + "d" * 20, "e" * 20]
    assert [(c.start, c.end) for c in fitted] == [(10.0, 18.3), (18.3, 20.3)]


def test_a_short_caption_extends_into_the_gap_or_makes_the_next_wait() -> None:
    text = "x" * 40  # needs 2 s
    gap = captions.fit_cues([Cue(0.0, 0.5, text), Cue(5.0, 6.0, "next")])
    assert [(c.start, c.end) for c in gap] == [(0.0, 2.0), (5.0, 6.0)]
    tight = captions.fit_cues([Cue(0.0, 0.5, text), Cue(1.0, 3.0, "next")])
    assert [(c.start, c.end) for c in tight] == [(0.0, 2.0), (2.0, 3.0)]


def test_overlapping_captions_are_trimmed_to_the_next_start() -> None:
    fitted = captions.fit_cues([Cue(0.0, 4.0, "first one"), Cue(2.5, 5.0, "second one")])
    assert [(c.start, c.end) for c in fitted] == [(0.0, 2.5), (2.5, 5.0)]


def test_a_cue_past_the_scene_end_is_pulled_back_into_earlier_silence() -> None:
    fitted = captions.fit_cues([Cue(0.0, 1.0, "early"), Cue(4.6, 4.8, "x" * 40)], end=5.0)
    assert [(c.start, c.end) for c in fitted] == [(0.0, 1.0), (3.0, 5.0)]


def test_a_scene_too_short_for_its_text_keeps_each_cue_at_its_moment_and_is_reported() -> None:
    fitted = captions.fit_cues([Cue(0.0, 1.0, "y" * 40), Cue(1.0, 2.0, "z" * 40)], end=2.0)
    assert [(c.start, c.end) for c in fitted] == [(0.0, 1.0), (1.0, 2.0)]
    problems = captions.rule_violations(fitted)
    assert len(problems) == 2 and all("40 characters per second" in p for p in problems)
    # a late caption stays late (it describes what is on screen then), the early one runs until it starts
    fitted = captions.fit_cues([Cue(0.0, 0.5, "y" * 40), Cue(2.5, 2.7, "z" * 40)], end=3.0)
    assert [(c.start, c.end) for c in fitted] == [(0.0, 2.5), (2.5, 3.0)]


def test_a_word_longer_than_a_line_is_cut_into_line_long_pieces() -> None:
    assert captions.split_text("w" * 50) == ["w" * 42 + "\n" + "w" * 8]


def test_the_checker_names_each_broken_rule() -> None:
    bad = [Cue(0.0, 0.5, "x" * 60), Cue(0.4, 3.0, "a\nb\nc")]
    text = "\n".join(captions.rule_violations(bad))
    assert "more than 2 lines of 42" in text and "less than 1 s" in text
    assert "characters per second" in text and "overlaps the next cue" in text


def test_a_scene_too_short_for_its_text_gets_one_note_line() -> None:
    fitted = captions.fit_cues([Cue(0.0, 1.0, "y" * 40), Cue(1.0, 2.0, "z" * 40)], end=2.0)
    note = captions.scene_note("Short", fitted)
    assert note == "captions of Short: 2 subtitle-rule break(s), e.g. 40 characters per second"
    assert captions.scene_note("Fine", captions.fit_cues([Cue(0.0, 3.0, "y" * 40)], end=5.0)) is None


# ---------------------------------------------------------------------------------------- breaks between terms

PAIR = st.tuples(st.integers(-9, 9), st.integers(-9, 9)).map(lambda p: f"({p[0]}, {p[1]})".replace("-", "−"))
PLAIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
TERM = st.one_of(PLAIN, PAIR, st.sampled_from(["5 %", "x² − y", "J Σ Jᵀ", "f(x, y)"]))
TERMS_TEXT = st.lists(st.tuples(PLAIN, TERM).map(" ".join), min_size=1, max_size=20).map(" ".join)


def lines_and_cues(pieces: list[str]) -> list[str]:
    return [line for piece in pieces for line in piece.split("\n")]


@given(TERMS_TEXT)
def test_no_cue_or_line_breaks_inside_a_point_a_unit_or_a_formula(text) -> None:
    """Points, a number with its unit and short formulas, each after a word: every cue and every line holds
    each of them whole (they are all much shorter than a line, so there is always room)."""
    pieces = captions.split_text(text)
    assert [w for p in pieces for w in p.split()] == text.split()
    for line in lines_and_cues(pieces):
        assert line.count("(") == line.count(")"), (line, pieces)
        assert not line.startswith(("%", "−", "Σ", "Jᵀ")), (line, pieces)
        assert not line.endswith(("−", " J", " x²", " Σ")), (line, pieces)


def test_the_lectures_point_list_stays_whole() -> None:
    """The grid scene's caption was cut between "(-1," and "-1)" (one cue ended inside the first point)."""
    text = ("A grid on the input plane, with squares of side 0.5 whose lower-left corners are (-1, -1), (0, 0), "
            "(1, 1); e₁ and e₂ run along their edges.")
    fitted = captions.fit_cues([Cue(0.0, 9.0, text)])
    assert any("(−1, −1), (0, 0), (1, 1);" in " ".join(c.text.split("\n")) for c in fitted), fitted
    for cue in fitted:
        assert cue.text.count("(") == cue.text.count(")"), cue
    assert_obeys_every_rule(fitted)


def test_a_line_does_not_break_next_to_an_operator() -> None:
    """The regression scene's cue had "… = a·exp(btᵢ)" | "− yᵢ depend on θ = (a, b);" as its two lines."""
    pieces = captions.split_text("The residuals r(θ) = a·exp(btᵢ) − yᵢ depend on θ = (a, b);")
    assert pieces == ["The residuals r(θ) = a·exp(btᵢ) − yᵢ\ndepend on θ = (a, b);"]


def test_a_formula_longer_than_a_line_is_cut_between_its_points_not_inside_one() -> None:
    """Found by the fuzz profile: three points in a row are one formula, too long for a line with its
    neighbours; a caption that fits one cue only with a line broken inside a point.  Both are cut between
    terms instead (the old splitter broke a line inside "(−1," | "−1)" and "(0," | "−1)")."""
    for text in ("aaa aaaaaaaaaaaa (−1, −1) (−1, −1) (−1, −1) aaa aaaaaaaaaaaa",
                 "aaa aaaaaaaaaaa aaaaaaaaaaaa aaaa a (0, −1) aaaaa aaaa aaaaaa a aaaaaaaaaaaa aa"):
        lines = lines_and_cues(captions.split_text(text))
        assert all(line.count("(") == line.count(")") for line in lines), lines


def test_a_number_keeps_its_unit() -> None:
    # the most even two lines were "a true covariance is 5" and "% off the sampled one."
    assert captions.split_text("a true covariance is 5 % off the sampled one.") == [
        "a true covariance is\n5 % off the sampled one."]


def test_negative_numbers_are_shown_with_the_minus_sign() -> None:
    text = "corners (-1, -1), a square [-2, 2] × [-2, 2], -0.004 and -.5; log-log axes, x-1, Gauss–Newton"
    fitted = captions.fit_cues([Cue(0.0, 10.0, text)])
    shown = " ".join(" ".join(c.text.split("\n")) for c in fitted)
    assert shown == ("corners (−1, −1), a square [−2, 2] × [−2, 2], −0.004 and −.5; log-log axes, x-1, "
                     "Gauss–Newton")
