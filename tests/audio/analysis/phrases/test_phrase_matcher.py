"""The fuzzy matcher's tolerance: what a transcription error may and may not change."""

from __future__ import annotations

import pytest

from belcoach.audio.analysis.phrases.matcher import PhraseMatcher
from belcoach.audio.analysis.phrases.tokens import allowed_edits, tokenize, words_from_text
from belcoach.audio.events import Word
from belcoach.seeds.loader import Matching, RuleBook
from belcoach.seeds.rule_schema import build_rule


def _book(*patterns: str, exact: tuple[str, ...] = ("niet", "u", "ik")) -> RuleBook:
    rule = build_rule(
        {
            "id": "nl.t",
            "category": "avoid",
            "patterns": list(patterns),
            "suggestions": ["x"],
            "why": "w",
            "source": "s",
        },
        file="t.toml",
        line_of=lambda _f, _v: 1,
        default_language="nl",
    )
    return RuleBook("nl", (rule,), Matching(exact_words=frozenset(exact), max_gap=3))


def _said(book: RuleBook, text: str) -> str | None:
    matcher = PhraseMatcher(book)
    tokens, sim = matcher.tokens(words_from_text(text))
    findings = matcher.find(tokens, sim, book.rules)
    if not findings:
        return None
    span = findings[0].span
    return " ".join(t.text for t in tokens[span.start : span.stop])


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Ik weet het niet.", "ik weet het niet"),
        ("IK WEET HET NIET!!", "ik weet het niet"),
        ("ik wet het niet", "ik wet het niet"),  # one letter off in a long enough word
        ("Ik weet het wel.", None),  # "niet" is an exact word
        ("Ik weet. Het niet meer.", None),  # never across a sentence end
        ("ik weet het, niet", "ik weet het niet"),  # commas are no sentence end
    ],
)
def test_tolerance(text: str, said: str | None) -> None:
    assert _said(_book("ik weet het niet"), text) == said


def test_split_and_joined_words() -> None:
    book = _book("ik zal me even voorstellen", "ik ga er achter komen")
    assert _said(book, "Ik zal me even voor stelen.") == "ik zal me even voor stelen"
    assert _said(book, "Ik ga erachter komen.") == "ik ga erachter komen"
    # a split never swallows an exact word: "u even" is not "even"
    assert _said(_book("wacht (even|nu)$"), "Wacht u even?") is None


def test_a_heard_exact_word_is_never_a_misheard_other_word() -> None:
    pattern = "is (this|now) a good time"
    assert _said(_book(pattern, exact=()), "Now is not a good time.") == "is not a good time"
    # once "not" is a word the meaning hangs on, hearing it is no slip for "now"
    assert _said(_book(pattern, exact=("not",)), "Now is not a good time.") is None
    assert _said(_book(pattern, exact=("not",)), "Is now a good time?") == "is now a good time"
    # an exact split stays fine: "my" is exact, "my self" is still "myself"
    assert _said(_book("introduce myself", exact=("my",)), "Introduce my self.") is not None


def test_one_word_patterns_are_exact_and_short_matches_allow_one_edit() -> None:
    assert _said(_book("wacht"), "Wat?") is None
    assert _said(_book("wacht"), "Wacht!") == "wacht"
    # under 12 letters only one edit in total: "schiet hat" is not "schikt het" ...
    assert _said(_book("schikt het"), "Schiet hat al op?") is None
    # ... but one edit between two real words passes, which is why the pack says
    # "schikt het (u|je|nu|even)" and not "schikt het"
    assert _said(_book("schikt het"), "Schiet het al op?") == "schiet het"
    assert _said(_book("welkom bij"), "Melkom bij Helder.") == "melkom bij"


def test_anchors_and_gaps() -> None:
    assert _said(_book("^welkom bij"), "U bent welkom bij ons.") is None
    assert _said(_book("^welkom bij"), "Goedemiddag, welkom bij ons.") == "welkom bij"
    assert _said(_book("ik mag u =niet$"), "Ik mag u niet doorverbinden.") is None
    assert _said(_book("ik mag u =niet$"), "Ik mag u niet.") == "ik mag u niet"
    gap = _book("ik bel u * terug")
    assert _said(gap, "Ik bel u morgen om tien terug.") == "ik bel u morgen om tien terug"
    assert _said(gap, "Ik bel u morgen om tien uur vroeg terug.") is None  # gap of 5 > 3


def test_exceptions_cancel_nearby_matches_only() -> None:
    rule = build_rule(
        {
            "id": "nl.t",
            "category": "avoid",
            "patterns": ["ik weet het niet"],
            "exceptions": ["ik zoek het * uit"],
            "suggestions": ["x"],
            "why": "w",
            "source": "s",
        },
        file="t.toml",
        line_of=lambda _f, _v: 1,
        default_language="nl",
    )
    book = RuleBook("nl", (rule,), Matching(exact_words=frozenset({"niet"})))
    matcher = PhraseMatcher(book)
    tokens, sim = matcher.tokens(words_from_text("Ik weet het niet, ik zoek het voor u uit."))
    (finding,) = matcher.find(tokens, sim, book.rules)
    assert finding.cancelled_by == "ik zoek het * uit"
    far = (
        "Ik weet het niet. "
        + "Dat is een lang verhaal over iets heel anders. "
        + ("Ik zoek het uit.")
    )
    tokens, sim = matcher.tokens(words_from_text(far))
    (finding,) = matcher.find(tokens, sim, book.rules)
    assert finding.cancelled_by is None


def test_tokens_keep_word_times_and_boundaries() -> None:
    words = (
        Word("Wacht,", 1.0, 1.3, 0.9),
        Word("m'n", 1.3, 1.5, 0.9),
        Word("...", 1.5, 1.6, 0.1),
        Word("e-mail!", 1.6, 2.0, 0.9),
    )
    tokens = tokenize(words, {"mn": "mijn"})
    assert [t.text for t in tokens] == ["wacht", "mijn", "email"]
    assert [t.word for t in tokens] == [0, 1, 3]
    assert tokens[0].clause_start and tokens[0].clause_end and not tokens[0].sentence_end
    assert tokens[1].clause_start and tokens[1].clause_end  # the lone "..." closes it
    assert tokens[2].clause_start and tokens[2].sentence_end


def test_allowed_edits_grow_with_length() -> None:
    assert [
        allowed_edits(w, exact=False) for w in ("u", "bel", "weet", "schelen", "voorstellen")
    ] == [0, 1, 1, 2, 3]
    assert allowed_edits("voorstellen", exact=True) == 0


def _filler_book(*patterns: str) -> RuleBook:
    book = _book(*patterns)
    matching = Matching(
        exact_words=frozenset({"niet", "u", "ik"}),
        max_gap=3,
        fillers=frozenset({"eh", "nou", "eigenlijk", "echt", "hoor", "even"}),
        max_fillers=2,
    )
    return RuleBook("nl", book.rules, matching)


def test_fillers_pass_between_pattern_words_but_never_replace_one() -> None:
    book = _filler_book("dat weet ik =niet")
    assert _said(book, "Eh, dat weet ik eigenlijk niet.") == "dat weet ik eigenlijk niet"
    assert _said(book, "Dat weet ik eh echt niet.") == "dat weet ik eh echt niet"
    assert _said(book, "Dat weet ik eh nou echt niet.") is None  # three fillers > max_fillers 2
    assert _said(book, "Dat weet ik wel.") is None  # a filler is no pattern word
    assert _said(book, "Dat weet ik best niet.") is None  # "best" is not a filler


def test_anchors_tolerate_fillers_at_the_clause_edges() -> None:
    start = _filler_book("^wacht (even|nou)")
    assert _said(start, "Eh, nou wacht even, welk adres?") == "wacht even"
    assert _said(start, "Dan wacht even de monteur.") is None  # "dan" is no filler
    end = _filler_book("ik mag u =niet$")
    assert _said(end, "Ik mag u niet, hoor.") == "ik mag u niet"
    assert _said(end, "Ik mag u niet hoor") == "ik mag u niet"
    assert _said(end, "Ik mag u niet eh doorverbinden.") is None


def test_fillers_do_not_count_in_a_gap() -> None:
    book = _filler_book("ik bel u * terug")
    assert _said(book, "Ik bel u morgen eh om tien nou terug.") is not None
    assert _said(book, "Ik bel u morgen om tien uur terug.") is None  # four words > 3


def test_a_short_word_in_a_two_word_match_is_exact() -> None:
    book = _book("(fijne|fijn) dag")
    assert _said(book, "Fijne dag!") == "fijne dag"
    assert _said(book, "Fijn dat u belt.") is None  # "dat" is one letter from "dag"
    assert _said(_book("prettige avond"), "Prettige avnd.") == "prettige avnd"  # longer: tolerated
