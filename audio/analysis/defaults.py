"""The analysers every call runs, in order, for a given call language.

Live calls, ``belcoach analyze``, the replay window and the benchmarks all take
their analysers from here, so they produce the same events.

``settings`` is the ``[analysis]`` table of the layered settings (packaged
defaults < IT policy < user file, already merged by the settings layer): one
sub-table per analyser, keyed by the names used below (``speech``, ``rules``,
``emotion``). Each analyser module owns a frozen config dataclass whose
defaults come from ``seeds/``; the sub-table is laid over it with
``belcoach.core.overrides.apply_overrides``, so an unknown key or a wrong type
is a ``ConfigError`` naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from belcoach.audio.analysis.emotion import build_emotion_analyser
from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, rules_config
from belcoach.audio.analysis.speech.analyser import SpeechAnalytics
from belcoach.audio.analysis.speech.config import speech_config
from belcoach.audio.engine.analysers import Analyser
from belcoach.audio.words import load_syllable_rules


def default_analysers(language: str, settings: Mapping[str, Any] | None = None) -> list[Analyser]:
    """Build fresh analysers (they hold per-call state) for one call in ``language``.

    Args:
        language: the call's language code (``nl``, ``sv``, ``en``, ...).
        settings: the merged ``[analysis]`` settings table, or None for defaults.

    Raises:
        ConfigError: a setting is unknown or has the wrong type.
    """
    settings = settings or {}
    load_syllable_rules(language)  # the rate's syllables, not on the first word mid-call
    analysers: list[Analyser] = []
    analysers.append(SpeechAnalytics(speech_config(language, settings.get("speech", {}))))
    rules = rules_config(settings.get("rules", {}))
    if rules.enabled:
        analysers.append(PhraseAnalyser(language, rules))
    emotion = build_emotion_analyser(language, settings.get("emotion", {}))
    if emotion is not None:
        analysers.append(emotion)
    return analysers
