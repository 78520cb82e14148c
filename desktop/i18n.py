"""The UI's language: picks nl, sv or en, and tells widgets when it changes.

A small catalogue (``desktop.texts``) instead of Qt's .ts/.qm files: three
languages, ~150 strings, no build step, and a test can check every key has
all three. Widgets keep their texts in a ``retranslate`` method connected to
``Translator.changed``, so switching the language updates an open overlay at
once.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QLocale, QObject, Signal

from belcoach.desktop.texts import LANGUAGES, TEXTS

log = logging.getLogger(__name__)

FALLBACK = "en"


def system_language() -> str:
    """The first of nl/sv/en in the system's UI languages, else English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return FALLBACK


def resolve_language(setting: str) -> str:
    """The language to show for the ``ui.language`` setting (empty = follow the system)."""
    code = (setting or "").strip().lower()
    if code in LANGUAGES:
        return code
    if code:
        log.warning("ui.language %r is not one of %s; following the system", setting, LANGUAGES)
    return system_language()


class Translator(QObject):
    """Holds the UI language and looks texts up in it.

    Args:
        language: ``nl``, ``sv``, ``en`` or empty to follow the system.
    """

    changed = Signal(str)
    """Emitted with the new language code after ``set_language`` changed it."""

    def __init__(self, language: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._language = resolve_language(language)

    @property
    def language(self) -> str:
        """The language in use."""
        return self._language

    def set_language(self, language: str) -> None:
        """Switch language (empty = the system's); widgets retranslate on ``changed``."""
        code = resolve_language(language)
        if code != self._language:
            self._language = code
            self.changed.emit(code)

    def text(self, key: str, **values: Any) -> str:
        """The text for ``key`` in the current language, placeholders filled.

        An unknown key shows as itself (and is logged) rather than crashing an
        overlay in the middle of a call.
        """
        row = TEXTS.get(key)
        if row is None:
            log.error("no UI text for %r", key)
            return key
        template = row[LANGUAGES.index(self._language)]
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        """True when the catalogue has ``key``."""
        return key in TEXTS
