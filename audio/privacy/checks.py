"""Check digits and spoken numbers, for telling personal numbers from ordinary ones.

Pure functions used by ``belcoach.audio.privacy.redact``: the Dutch BSN 11-check, the
IBAN mod-97 check with each country's length, the Luhn check of a Swedish
personnummer, and number words (Dutch, Swedish, English) turned into digits,
because Whisper sometimes writes a dictated phone number as "nul zes twaalf
vierendertig ..." instead of "06 12 34 ...".
"""

from __future__ import annotations

import re

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
"""IBAN length per country (ISO 13616 registry)."""

_NL_IBAN = re.compile(r"^NL\d{2}[A-Z]{4}\d{10}$")


def bsn_valid(digits: str) -> bool:
    """True for a 9-digit Dutch BSN that passes the 11-check (elfproef).

    The weighted sum 9·d1 + 8·d2 + ... + 2·d8 - 1·d9 must be a multiple of 11
    (000000000 is no number).
    """
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def iban_valid(iban: str) -> bool:
    """True when ``iban`` (upper case, no spaces) has its country's length and check digits."""
    if len(iban) < 5 or IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    if not iban.isascii() or not iban.isalnum():
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def iban_shaped_nl(iban: str) -> bool:
    """True for the Dutch IBAN layout (NLkk BBBB 0123456789) whatever its check digits.

    A Dutch account number with one misheard digit still identifies a person; the
    layout (four bank letters then ten digits) is distinctive enough to redact it.
    """
    return bool(_NL_IBAN.match(iban))


def luhn_valid(digits: str) -> bool:
    """The Luhn check (Swedish personnummer: the last of its ten digits checks the rest)."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# --------------------------------------------------------------------------- number words

_UNITS = {
    # Dutch
    "nul": 0, "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5,
    "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
    "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17,
    "achttien": 18, "negentien": 19,
    # Swedish
    "noll": 0, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13,
    "fjorton": 14, "femton": 15, "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19,
    # English
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
    "zeventig": 70, "tachtig": 80, "negentig": 90,
    "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70,
    "åttio": 80, "nittio": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_NL_UNIT = "een|één|eén|twee|drie|vier|vijf|zes|zeven|acht|negen"
_NL_TENS = "twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig"
_SV_UNIT = "ett|två|tre|fyra|fem|sex|sju|åtta|nio"
_SV_TENS = "tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio"
_EN_UNIT = "one|two|three|four|five|six|seven|eight|nine"
_EN_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_COMPOUND = re.compile(
    rf"^(?:(?P<nl_u>{_NL_UNIT})(?:en|ën)(?P<nl_t>{_NL_TENS})"
    rf"|(?P<sv_t>{_SV_TENS})(?P<sv_u>{_SV_UNIT})"
    rf"|(?P<en_t>{_EN_TENS})-(?P<en_u>{_EN_UNIT}))$"
)
_STRIP = ".,;:!?\"'()[]…"


def number_word(token: str) -> str | None:
    """The digits a spoken number word stands for ("zes" → "6", "vierendertig" → "34").

    Covers 0-99 in Dutch, Swedish and English; None for any other token.
    """
    word = token.strip(_STRIP).lower()
    if word in _UNITS:
        return str(_UNITS[word])
    if word in _TENS:
        return str(_TENS[word])
    m = _COMPOUND.match(word)
    if m is None:
        return None
    groups = {k: v for k, v in m.groupdict().items() if v}
    unit = next(v for k, v in groups.items() if k.endswith("_u"))
    tens = next(v for k, v in groups.items() if k.endswith("_t"))
    return str(_TENS[tens] + _UNITS[unit])


def is_digits(token: str) -> bool:
    """True for a token that is a plain number ("06", "12,", "(020)")."""
    core = token.strip(_STRIP)
    return bool(core) and core.isdigit()
