"""Redaction of personal numbers in what belcoach stores: transcripts, events, reports.

When the policy sets ``privacy.redact``, stored words go through here first.
It finds, in text as Whisper writes it:

- ``[BSN]``: a Dutch citizen service number, nine digits passing the 11-check;
- ``[IBAN]``: an account number with its country's length and mod-97 check
  digits, in any grouping ("NL91 ABNA 0417 1643 00", "nl91abna0417164300",
  letters spelled out: "N L 91 A B N A ..."); a Dutch IBAN with a misheard
  digit (right layout, wrong check) still counts;
- ``[PHONE]``: Dutch and Swedish numbers (``06-12345678``, ``020 123 4567``,
  ``070-123 45 67``, ``08-12 34 56``) and international ones (``+31 6 ...``,
  ``0046 ...``, ``+44 20 ...``);
- ``[EMAIL]``: written (``jan@example.nl``) or spoken ("jan punt jansen
  apenstaartje gmail punt com", "... at gmail dot com", "... snabel-a ...");
- ``[POSTCODE]``: a Dutch postcode with the house number after it
  (``1234 AB 12a``); ``[ADDRESS]``: a street with its number
  ("Kerkstraat 12", "Storgatan 5");
- ``[PERSONNUMMER]``: a Swedish personal identity number (``YYMMDD-NNNN``, Luhn);
- ``[NUMBER]``: any other run of nine or more digits (customer, contract and
  old bank account numbers identify a person too).

Numbers dictated as words ("nul zes twaalf vierendertig ...") are read as
digits when at least three number words or numbers follow each other.

Ordinary numbers stay: amounts (``€ 1.250,50``, "450 euro", "15 000
kronor"), dates (``12-03-2024``), times (``10:30``), years, quantities,
percentages and house numbers without a street or postcode. The labelled set
in ``tests/data/redaction/cases.tsv`` measures both sides.

The module is pure (no I/O, no state): ``find`` and ``redact_text`` work on
text, ``redact_words`` on timed words (times kept, a redacted number becomes
one word spanning its time), ``redact_event`` on events, and ``redacting``
wraps any bus subscriber (the JSON Lines writer, the recorder's journal) so
it only ever sees redacted events.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from belcoach.audio.bus import Subscriber
from belcoach.audio.events import EmotionEstimate, Event, PhraseHit, Transcript, Word
from belcoach.audio.privacy.checks import (
    bsn_valid,
    iban_shaped_nl,
    iban_valid,
    is_digits,
    luhn_valid,
    number_word,
)

LABELS = ("EMAIL", "IBAN", "POSTCODE", "ADDRESS", "PERSONNUMMER", "BSN", "PHONE", "NUMBER")
"""Every label ``redact_text`` writes, as ``[LABEL]``."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One personal number in a text.

    Attributes:
        kind: one of ``LABELS``.
        start: index of its first character.
        end: index after its last character.
    """

    kind: str
    start: int
    end: int


# --------------------------------------------------------------------------- patterns

_AT = r"(?:apenstaartje|at|snabel-?a|@)"
_DOT = r"(?:punt|dot|punkt)"
_TLD = r"(?:nl|com|se|be|org|net|eu|de|uk|info|nu|fr|io)"
_LOCAL = rf"[\w-]+(?:\s+{_DOT}\s+[\w-]+)*"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SPOKEN_EMAIL = re.compile(
    rf"(?<![\w-]){_LOCAL}\s+{_AT}\s+[\w-]+(?:\s+{_DOT}\s+[\w-]+)*?\s+{_DOT}\s+{_TLD}(?![\w])",
    re.IGNORECASE,
)
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\s?[A-Za-z]\s?\d")
_IBAN_SEP = " .-"
_UNITS_AFTER_POSTCODE = frozenset(
    {"KM", "KG", "CM", "MM", "ML", "GB", "MB", "KB", "TB", "PK", "AM", "PM", "CC", "MG"}
    | {"KW", "HZ", "PC", "TV", "CD", "BV", "NV", "SA", "SD", "SS"}
)
"""Letters after four digits that are units or company forms, not a postcode, unless a
house number follows (SA, SD and SS are never used in Dutch postcodes)."""
_POSTCODE = re.compile(
    r"(?<![\w])(?P<code>[1-9]\d{3}(?:\s?[A-Z]\s?[A-Z]|[a-z]{2}|(?P<lower>\s[a-z]{2})))(?![\w])"
    r"(?P<house>,?\s*(?:huisnummer\s+)?\d{1,5}(?:\s?[a-zA-Z](?![\w])|\s?-\s?\d{1,4})?(?![\w]))?"
)
_STREET = (
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dreef|steeg|dijk|hof|park|pad|markt|"
    r"gatan|vägen|väg|gränd|torget|allé|backe|street|road|avenue|lane|drive)"
)
_ADDRESS = re.compile(
    rf"(?<![\w])(?:[A-ZÀ-Þ][\w'-]{{2,}}{_STREET}|[A-ZÀ-Þ][\w'-]+\s+{_STREET.title()})"
    r"\s+(?:nummer\s+)?\d{1,5}(?:\s?[a-zA-Z](?![\w])|-\d{1,4})?(?![\w])"
    rf"|(?<![\w])\d{{1,5}}[A-Za-z]?\s+[A-Z][\w'-]+\s+(?:Street|Road|Avenue|Lane|Drive)(?![\w])"
)
_PERSONNUMMER = re.compile(r"(?<![\w+])(?:19|20)?\d{6}[-+]\d{4}(?![\w])")
_DATE = re.compile(
    r"(?<![\d\-./])(?:\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})|\d{4}[-./]\d{1,2}[-./]\d{1,2})"
    r"(?![\d]|[-./]\d)"
)
_TIME = re.compile(r"(?<![\d])\d{1,2}(?::\d{2}){1,2}(?![\d])|(?<![\d.])\d{1,2}\.\d{2}(?=\s*u)")
_GROUP = r"\(?\d+\)?\d*"
_SEP = r"(?:\s?[-./]\s?|\s)"
_NUMBER = re.compile(rf"(?<![\w+@])(?:\+\s?)?{_GROUP}(?:{_SEP}{_GROUP})*(?![\w@])")
_AMOUNT_BEFORE = re.compile(r"(?:€|\$|£|\beur|\beuro|\bsek|\busd|\bkr\.?|\bf)\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(
    r"^\s*(?:,\s*-|,\d{2}\b|€|%|euro|eur|cent|kr\b|kronor|kronen|sek|dollar|procent|"
    r"percent|gram|kilo|meter|km|keer|jaar|dagen|stuks|minuten|seconden)",
    re.IGNORECASE,
)
_MASK = "\x00"
_TRAIL = ".,;:!?\"')]…"
_WORDLIKE_PAIRS = frozenset(
    {"EN", "OF", "DE", "IN", "OP", "IS", "ET", "OM", "TE", "AT", "TO", "OR", "ON", "IT"}
    | {"AN", "AS", "BE", "BY", "DO", "GO", "HE", "IF", "ME", "MY", "NO", "SO", "UP", "US"}
    | {"WE", "JA", "NU", "EL", "HA", "AV", "OK"}
)
"""Letter pairs that are words: after a number they are a postcode only with a short house
number after them ("1990 EN 1991" is two years)."""
_WORDLIKE_LOWER = _WORDLIKE_PAIRS | frozenset(
    {"NA", "AL", "ZO", "ER", "IK", "JE", "ZE", "UW", "OH", "AH", "EH", "NR", "KM", "MA", "DI"}
    | {"WO", "DO", "VR", "ZA", "MI", "TI", "TO", "LÖ", "SÖ", "PÅ", "UR", "OM", "AV", "VI", "DU"}
)
"""Lower-case pairs after four digits are read as a postcode only if not a word like these."""


# --------------------------------------------------------------------------- finding


def find(text: str) -> list[Finding]:
    """Every personal number in ``text``, in order, never overlapping.

    Args:
        text: any text (a transcript line, a report paragraph).

    Returns:
        The findings with character offsets into ``text``.
    """
    view, starts, ends = _number_view(text)
    work = view
    found: list[Finding] = []

    def take(kind: str, a: int, b: int) -> None:
        nonlocal work
        found.append(Finding(kind, starts[a], ends[b - 1]))
        work = work[:a] + _MASK * (b - a) + work[b:]

    for pattern in (_EMAIL, _SPOKEN_EMAIL):
        for m in pattern.finditer(work):
            take("EMAIL", m.start(), m.end())
    for a, b in _ibans(work):
        take("IBAN", a, b)
    for m in _POSTCODE.finditer(work):
        code = re.sub(r"\s", "", m.group("code")).upper()
        house = re.sub(r"\D", "", (m.group("house") or "").split("-")[0])
        letters = code[4:]
        if letters in _WORDLIKE_PAIRS and not 0 < len(house) <= 3:
            continue
        if m.group("lower") and (not house or letters in _WORDLIKE_LOWER):
            continue  # "1234 ab 7" is a postcode, "2024 en 5" is not
        if house or letters not in _UNITS_AFTER_POSTCODE:
            take("POSTCODE", m.start(), m.end())
    for m in _ADDRESS.finditer(work):
        take("ADDRESS", m.start(), m.end())
    for m in _PERSONNUMMER.finditer(work):
        digits = re.sub(r"\D", "", m.group())[-10:]
        if _plausible_birth(digits) and luhn_valid(digits):
            take("PERSONNUMMER", m.start(), m.end())
    # Dates and times split digit runs ("12-03-2024 10:30" is no phone number).
    masked = work
    for pattern in (_DATE, _TIME):
        masked = pattern.sub(lambda m: "~" * len(m.group()), masked)
    for m in _NUMBER.finditer(masked):
        kind = _classify(m.group(), before=masked[: m.start()], after=masked[m.end() :])
        if kind is not None:
            take(kind, m.start(), m.end())
    return sorted(found, key=lambda f: f.start)


def _number_view(text: str) -> tuple[str, list[int], list[int]]:
    """The text with runs of spoken numbers as digits, and maps back to ``text``.

    Returns:
        (view, starts, ends): ``starts[i]``/``ends[i]`` are the offsets in
        ``text`` where view character ``i`` begins/ends.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    spoken = [number_word(tok) for _a, _b, tok in tokens]
    numeric = [
        w is not None or is_digits(tok) for w, (_a, _b, tok) in zip(spoken, tokens, strict=True)
    ]
    # Spelled IBAN letters ("NL", "ABNA", "N") may sit between the numbers of one run.
    letters = [bool(re.fullmatch(r"[A-Z]{1,4}", tok)) for _a, _b, tok in tokens]
    convert = [False] * len(tokens)
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and (numeric[j] or letters[j]):
            j += 1
        count = sum(1 for k in range(i, j) if numeric[k])
        if count >= 3 and any(spoken[k] is not None for k in range(i, j)):
            for k in range(i, j):
                convert[k] = spoken[k] is not None
        i = max(j, i + 1)
    if not any(convert):
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    view: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for k, ((a, b, tok), digits, conv) in enumerate(zip(tokens, spoken, convert, strict=True)):
        gap = text[pos:a]
        view.append(gap)
        starts += range(pos, a)
        ends += range(pos + 1, a + 1)
        if conv and digits is not None:
            # "zes," inside a dictated number is just "6"; the last word keeps its
            # full stop or comma, which then stays outside the redaction.
            core_end = a + len(tok.rstrip(_TRAIL))
            last_of_run = k + 1 >= len(tokens) or not numeric[k + 1]
            view.append(digits)
            starts += [a] * len(digits)
            ends += [core_end if last_of_run else b] * len(digits)
            if last_of_run and core_end < b:
                view.append(text[core_end:b])
                starts += range(core_end, b)
                ends += range(core_end + 1, b + 1)
        else:
            view.append(tok)
            starts += range(a, b)
            ends += range(a + 1, b + 1)
        pos = b
    view.append(text[pos:])
    starts += range(pos, len(text))
    ends += range(pos + 1, len(text) + 1)
    return "".join(view), starts, ends


def _ibans(text: str) -> list[tuple[int, int]]:
    """Spans of IBANs in ``text``: a country code, check digits and the account, any grouping."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while m := _IBAN_START.search(text, pos):
        span = _iban_at(text, m.start())
        if span is None:
            pos = m.start() + 1
            continue
        spans.append(span)
        pos = span[1]
    return spans


def _iban_at(text: str, start: int) -> tuple[int, int] | None:
    """The IBAN starting at ``start``, if the characters there make one."""
    chars: list[str] = []
    i = start
    last = start
    while i < len(text) and len(chars) < 34:
        ch = text[i]
        if ch.isascii() and ch.isalnum():
            chars.append(ch.upper())
            last = i + 1
            iban = "".join(chars)
            if len(iban) >= 5 and _iban_ends_here(text, last) and _accept_iban(iban):
                return start, last
        elif ch not in _IBAN_SEP or i + 1 >= len(text) or text[i + 1] in _IBAN_SEP:
            break
        i += 1
    return None


def _iban_ends_here(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isascii() and text[end].isalnum())


def _accept_iban(iban: str) -> bool:
    bban = iban[4:]
    # the bank part is a few letters then digits: ordinary words never pass
    if not re.fullmatch(r"[A-Z]{0,4}\d{6,}[A-Z0-9]*", bban):
        return False
    return iban_valid(iban) or iban_shaped_nl(iban)


def _plausible_birth(digits: str) -> bool:
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def _classify(number: str, *, before: str, after: str) -> str | None:
    """What a run of digit groups is: a phone number, a BSN, another long number, or nothing."""
    if _AMOUNT_BEFORE.search(before[-6:]) or _AMOUNT_AFTER.match(after[:12]):
        return None
    plus = number.lstrip().startswith("+")
    trunk = re.sub(r"\(0\)", "", number) if plus else number
    digits = re.sub(r"\D", "", trunk)
    if plus:
        return "PHONE" if 8 <= len(digits) <= 15 else None
    if digits.startswith("00") and not digits.startswith("000"):
        return "PHONE" if 10 <= len(digits) <= 17 else None
    if len(digits) == 9 and bsn_valid(digits):
        return "BSN"
    if digits.startswith("0") and len(digits) in (9, 10, 11):
        return "PHONE"  # Dutch and Swedish national numbers; UK ones have 11 digits
    if (
        digits.startswith("0")
        and len(digits) in (7, 8)
        and re.match(r"^\(?0\d{1,3}\)?\s?[-/ ]", number)
    ):
        return "PHONE"  # Swedish short numbers: 08-12 34 56, 0480-123 45
    if len(digits) >= 9:
        return "NUMBER"
    return None


# --------------------------------------------------------------------------- redacting


def redact_text(text: str) -> str:
    """``text`` with every personal number replaced by its ``[LABEL]``."""
    out: list[str] = []
    pos = 0
    for f in find(text):
        out.append(text[pos : f.start])
        out.append(f"[{f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def redact_words(words: Sequence[Word]) -> tuple[Word, ...]:
    """Redact timed words: a personal number spread over several words becomes one word.

    The new word keeps the text before and after the number in its first and
    last word ("(06-1234" "5678)," → "([PHONE]),") and spans their times, so
    the words stay in time order and nothing said around the number moves.
    """
    words = tuple(words)
    text = " ".join(w.text for w in words)
    findings = find(text)
    if not findings:
        return words
    bounds: list[tuple[int, int]] = []
    pos = 0
    for w in words:
        bounds.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    # Group findings by the words they touch; findings sharing a word share one new word.
    clusters: list[tuple[int, int, list[Finding]]] = []
    for f in findings:
        first = next(i for i, (a, b) in enumerate(bounds) if b > f.start)
        last = max(i for i, (a, _b) in enumerate(bounds) if a < f.end)
        if clusters and first <= clusters[-1][1]:
            c_first, c_last, members = clusters[-1]
            clusters[-1] = (c_first, max(c_last, last), [*members, f])
        else:
            clusters.append((first, last, [f]))
    out: list[Word] = []
    i = 0
    for first, last, members in clusters:
        out.extend(words[i:first])
        origin = bounds[first][0]
        piece = text[origin : bounds[last][1]]
        for f in reversed(members):
            piece = piece[: f.start - origin] + f"[{f.kind}]" + piece[f.end - origin :]
        span = words[first : last + 1]
        out.append(
            Word(piece, span[0].start, max(w.end for w in span), min(w.probability for w in span))
        )
        i = last + 1
    out.extend(words[i:])
    return tuple(out)


def redact_event(event: Event) -> Event:
    """The event with personal numbers redacted from its words and its evidence.

    Transcripts and phrase hits carry words; an emotion estimate quotes the
    utterance in its ``evidence``. Other events are returned as they are.
    """
    if isinstance(event, EmotionEstimate):
        evidence = _redact_value(event.evidence)
        return (
            event if evidence == event.evidence else dataclasses.replace(event, evidence=evidence)
        )
    if isinstance(event, Transcript):
        words = redact_words(event.words)
        return event if words == event.words else dataclasses.replace(event, words=words)
    if isinstance(event, PhraseHit):
        words = redact_words(event.words)
        said = redact_text(event.said)
        if words == event.words and said == event.said:
            return event
        return dataclasses.replace(event, words=words, said=said)
    return event


def _redact_value(value: Any) -> Any:
    """Strings inside nested dicts and lists, redacted (cue words, quoted text)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(v) for v in value)
    return value


def redacting(subscriber: Subscriber) -> Subscriber:
    """Wrap a bus subscriber so it receives redacted events only.

    Use it for everything that stores or exports (``JsonlWriter``, the call
    journal, reports); the live overlay gets the words unredacted.
    """

    def receive(event: Event) -> None:
        subscriber(redact_event(event))

    return receive
