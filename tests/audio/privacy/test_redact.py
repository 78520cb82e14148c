"""Redaction of personal numbers: a labelled set for precision and recall, and properties.

The labelled set (``tests/data/redaction/cases.tsv``) holds personal numbers
as Whisper writes them and ordinary numbers (amounts, dates, times, years,
quantities) that must stay. Hypothesis then generates valid BSNs, IBANs and
phone numbers inside sentences (all must go) and amounts, dates and times
(all must stay), and checks that redaction never raises, is idempotent and
keeps word times in order.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belcoach.audio.events import Channel, PhraseHit, Transcript, Word
from belcoach.audio.privacy.checks import bsn_valid, iban_valid, luhn_valid, number_word
from belcoach.audio.privacy.redact import (
    LABELS,
    find,
    redact_event,
    redact_text,
    redact_words,
    redacting,
)
from belcoach.audio.status import EngineStatus

CASES = Path(__file__).resolve().parents[2] / "data" / "redaction" / "cases.tsv"


def _cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        kind, text, expected = line.split("\t")
        rows.append((kind, text, expected))
    return rows


@pytest.mark.parametrize(("kind", "text", "expected"), _cases(), ids=lambda v: v[:40])
def test_labelled_case(kind: str, text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_the_labelled_set_is_balanced_and_scores_perfectly() -> None:
    rows = _cases()
    kinds = Counter(kind for kind, _t, _e in rows)
    assert kinds["none"] >= 40  # as many ordinary numbers as personal ones
    assert set(kinds) - {"none"} == set(LABELS)
    tp = sum(1 for k, t, e in rows if k != "none" and redact_text(t) == e)
    fp = sum(1 for k, t, _e in rows if k == "none" and redact_text(t) != t)
    positives = sum(n for k, n in kinds.items() if k != "none")
    assert (tp, fp) == (positives, 0)


# --------------------------------------------------------------------------- checks


def test_check_digits() -> None:
    assert bsn_valid("111222333") and not bsn_valid("111222334") and not bsn_valid("000000000")
    assert iban_valid("NL91ABNA0417164300") and not iban_valid("NL91ABNA0417164301")
    assert not iban_valid("XX91ABNA0417164300") and not iban_valid("NL91ABNA041716430")
    assert luhn_valid("8112189876") and not luhn_valid("8112189877")
    assert number_word("Vierendertig,") == "34" and number_word("tweeëntwintig") == "22"
    assert number_word("trettiofem") == "35" and number_word("twenty-one") == "21"
    assert number_word("huis") is None


# --------------------------------------------------------------------------- generated


def _bsn(rnd: random.Random) -> str:
    while True:
        digits = f"{rnd.randrange(10**8, 10**9):09d}"
        if bsn_valid(digits):
            return digits


def _iban(rnd: random.Random) -> str:
    bank = rnd.choice(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ"])
    account = f"{rnd.randrange(10**10):010d}"
    for check in range(100):
        iban = f"NL{check:02d}{bank}{account}"
        if iban_valid(iban):
            return iban
    raise AssertionError("no check digits")  # pragma: no cover


def _group(digits: str, rnd: random.Random) -> str:
    style = rnd.randrange(4)
    if style == 0:
        return digits
    if style == 1:
        return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    if style == 2:
        return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


_BEFORE = ["Mijn nummer is", "Dat is", "Ja hoor,", "Noteer even:", "het is", "", "Okay"]
_AFTER = [".", ", klopt dat?", " en verder niets", "", " toch?", "!"]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)
@given(st.randoms(use_true_random=False), st.sampled_from(["bsn", "iban", "mobile", "intl"]))
def test_generated_personal_numbers_are_always_redacted(rnd: random.Random, kind: str) -> None:
    if kind == "bsn":
        number, label = _group(_bsn(rnd), rnd), "[BSN]"
    elif kind == "iban":
        iban = _iban(rnd)
        number = " ".join(iban[i : i + 4] for i in range(0, 18, 4)) if rnd.random() < 0.7 else iban
        number, label = (number.lower() if rnd.random() < 0.2 else number), "[IBAN]"
    elif kind == "mobile":
        number, label = (
            "06" + rnd.choice(["-", " ", ""]) + _group(f"{rnd.randrange(10**8):08d}", rnd),
            "[PHONE]",
        )
    else:
        country = rnd.choice(["31", "46", "32", "49", "44"])
        number = f"+{country} {_group(str(rnd.randrange(10**8, 10**10)), rnd)}"
        label = "[PHONE]"
    text = f"{rnd.choice(_BEFORE)} {number}{rnd.choice(_AFTER)}".strip()
    out = redact_text(text)
    assert label in out, (text, out)
    assert not re.search(r"\d{3}", out), (text, out)


def _amount(rnd: random.Random) -> str:
    euros = rnd.randrange(1, 10**6)
    return rnd.choice(
        [
            f"€ {euros:,}".replace(",", ".") + f",{rnd.randrange(100):02d}",
            f"{euros} euro",
            f"{euros:,} kronor".replace(",", " "),
            f"${euros:,}.{rnd.randrange(100):02d}",
            f"{rnd.randrange(1, 100)} procent",
        ]
    )


def _date_or_time(rnd: random.Random) -> str:
    d, m, y = rnd.randrange(1, 29), rnd.randrange(1, 13), rnd.randrange(1950, 2040)
    h, mi = rnd.randrange(24), rnd.randrange(60)
    return rnd.choice(
        [
            f"{d:02d}-{m:02d}-{y}",
            f"{d}/{m}/{y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{h:02d}:{mi:02d}",
            f"{d:02d}-{m:02d}-{y} {h:02d}:{mi:02d}",
            f"{h}.{mi:02d} uur",
            f"in {y}",
            f"van {y} tot {y + rnd.randrange(1, 9)}",
        ]
    )


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_generated_amounts_dates_and_times_are_left_alone(rnd: random.Random, money: bool) -> None:
    value = _amount(rnd) if money else _date_or_time(rnd)
    text = f"{rnd.choice(['Het is', 'Dat wordt', 'Op', 'Det blir', 'It is'])} {value}."
    assert redact_text(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_redacted_without_error_and_idempotently(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once
    for f in find(text):
        assert 0 <= f.start < f.end <= len(text) and f.kind in LABELS


_word_text = st.one_of(
    st.sampled_from(["06", "12", "34", "56", "78", "-", "Mijn", "nummer", "is", "NL91", "ABNA"]),
    st.sampled_from(["0417", "1643", "00.", "zes", "nul", "jan@example.nl", "1234", "AB", "5"]),
    st.text(min_size=1, max_size=8).filter(lambda s: not any(c.isspace() for c in s)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_word_text, max_size=25))
def test_redacted_words_keep_their_times_in_order(texts: list[str]) -> None:
    words = tuple(Word(t, i * 0.4, i * 0.4 + 0.3, 0.9) for i, t in enumerate(texts))
    out = redact_words(words)
    assert len(out) <= len(words)
    assert all(a.start <= b.start and a.end <= b.start + 0.3 for a, b in itertools.pairwise(out))
    assert " ".join(w.text for w in out) == redact_text(" ".join(texts))


# --------------------------------------------------------------------------- events


def _words(text: str, t0: float = 10.0) -> tuple[Word, ...]:
    return tuple(
        Word(w, t0 + i * 0.3, t0 + i * 0.3 + 0.25, 0.8) for i, w in enumerate(text.split())
    )


def test_a_phone_number_over_several_words_becomes_one_word_spanning_them() -> None:
    words = _words("bel me op 06 12 34 56 78, dank u")
    out = redact_words(words)
    assert [w.text for w in out] == ["bel", "me", "op", "[PHONE],", "dank", "u"]
    phone = out[3]
    assert (phone.start, phone.end) == (words[3].start, words[7].end)


def test_events_are_redacted_where_they_carry_words_and_left_alone_otherwise() -> None:
    transcript = Transcript(
        10.0, Channel.CUSTOMER, words=_words("mijn bsn is 111222333"), final=True
    )
    hit = PhraseHit(10.0, Channel.AGENT, words=_words("06-12345678"), said="06-12345678")
    status = EngineStatus(1.0, None, code="ready", message="call 06-12345678")
    got: list = []
    sink = redacting(got.append)
    for event in (transcript, hit, status):
        sink(event)
    assert got[0].text == "mijn bsn is [BSN]" and got[0].final and got[0].utterance == 0
    assert got[1].said == "[PHONE]" and got[1].words[0].text == "[PHONE]"
    assert got[2] is status  # engine messages hold no transcript words
    plain = Transcript(1.0, Channel.AGENT, words=_words("goedemiddag"), final=True)
    assert redact_event(plain) is plain
