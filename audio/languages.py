"""Which call languages belcoach knows, and checking a code a person typed."""

from __future__ import annotations

from belcoach.core.errors import ConfigError

COACHED = ("nl", "sv", "en")
"""Languages with coaching content (rule packs, tips, norms)."""


def whisper_languages() -> frozenset[str]:
    """Every language code Whisper can transcribe."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def check_language(code: str) -> str:
    """Return ``code`` normalised, or raise ConfigError naming the valid choices.

    Raises:
        ConfigError: the code is not a Whisper language.
    """
    norm = code.strip().lower()
    if norm not in whisper_languages():
        raise ConfigError(
            f"unknown language code {code!r}: use nl, sv or en "
            f"(or another Whisper language code such as de, fr)"
        )
    return norm
