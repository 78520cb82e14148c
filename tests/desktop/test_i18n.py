"""The UI catalogue: every text in nl, sv and en, with the same placeholders."""

from __future__ import annotations

import string

import pytest
from PySide6.QtCore import QLocale

from belcoach.desktop.i18n import Translator, resolve_language
from belcoach.desktop.texts import LANGUAGES, TEXTS


def _fields(template: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_every_language_with_the_same_placeholders(key: str) -> None:
    row = TEXTS[key]
    assert len(row) == len(LANGUAGES) and all(text.strip() for text in row), key
    assert len({frozenset(_fields(text)) for text in row}) == 1, key


def test_language_follows_the_system_unless_set(qtbot) -> None:
    previous = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
        # uiLanguages() comes from the platform; the setting always wins
        assert resolve_language("nl") == "nl"
        assert resolve_language("NL ") == "nl"
        assert resolve_language("fr") in LANGUAGES  # unknown: follow the system
    finally:
        QLocale.setDefault(previous)


def test_switching_emits_once_and_changes_lookups(qtbot) -> None:
    tr = Translator("en")
    seen: list[str] = []
    tr.changed.connect(seen.append)
    assert tr.text("button.start") == "Start call"
    tr.set_language("nl")
    tr.set_language("nl")
    assert seen == ["nl"]
    assert tr.text("button.start") == "Gesprek starten"
    assert tr.text("deadair.title", seconds=6) == "Stilte · 6 s"
    assert tr.text("no.such.key") == "no.such.key"


def test_every_seed_feeling_has_a_name_and_a_colour_everywhere() -> None:
    """Seed 000's seven feelings (zakelijk too): overlay texts, report names, colours."""
    from belcoach.audio.review.palette import EMOTION_TONES
    from belcoach.audio.review.report.labels import EMOTIONS
    from belcoach.seeds.emotion_data import LABELS

    for label in LABELS:
        assert f"emotion.{label}" in TEXTS, label
        assert set(EMOTIONS[label]) == {"nl", "sv", "en"}, label
        assert EMOTION_TONES[label].startswith("#"), label
    assert TEXTS["emotion.zakelijk"] == ("Zakelijk", "Saklig", "Businesslike")
