"""Settings of the speech analytics: one frozen tree, defaults from ``seeds/speech_norms.toml``.

The ``[analysis.speech]`` settings table (user file, IT policy) is laid over
these with ``apply_overrides``, so an unknown key or a wrong type is a
``ConfigError`` naming ``speech.<table>.<key>``. Keys::

    speech.rate.norm              "" = the call's language; or "nl-BE", "sv", ...
    speech.rate.articulation_norm / speaking_norm   syllables/s (0 = from the norm)
    speech.rate.tolerance / hysteresis / window / update_every / min_phonation / basis
    speech.pauses.min_pause / sentence_pause / max_pause / long_pause
    speech.overtalk.min_overlap / merge_gap
    speech.dead_air.min_silence
    speech.conversation.stats_every / talk_ratio_target
    speech.acoustic.*             signal-processing constants (see AcousticConfig)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from belcoach.core.errors import ConfigError
from belcoach.core.overrides import apply_overrides
from belcoach.seeds.speech_norms import SpeechNorms, load_speech_norms


@dataclass(frozen=True, slots=True)
class AcousticConfig:
    """How speech, silence and syllable nuclei are found in one channel's audio.

    Attributes:
        vad_onset: Silero probability that confirms a sounding stretch as speech.
        quiet_prob: windows under this probability teach the noise floor.
        floor_margin_db: sound this far above the noise floor is "sounding".
        speech_range_db: ... or within this many dB of the channel's speech level.
        nucleus_dip_db: intensity must fall this much between two syllable peaks
            (de Jong & Wempe 2009 use 2 dB).
        nucleus_below_db: a peak more than this under the speech level is not a nucleus.
        nucleus_voicing: normalised autocorrelation a nucleus needs (voiced); lower
            than Boersma's 0.45 because telephone and headset vowels are noisier
            (measured: 0.45 missed 5-10 % of the syllables of the AMI speakers).
        nucleus_min_gap: seconds between two nuclei at least (~16 syllables/s at most).
        nucleus_smooth: hops (8 ms) the nucleus intensity is averaged over.
    """

    vad_onset: float = 0.5
    quiet_prob: float = 0.2
    floor_margin_db: float = 12.0
    speech_range_db: float = 35.0
    nucleus_dip_db: float = 2.0
    nucleus_below_db: float = 20.0
    nucleus_voicing: float = 0.35
    nucleus_min_gap: float = 0.06
    nucleus_smooth: int = 3


@dataclass(frozen=True, slots=True)
class RateConfig:
    """Speaking-rate figures and the slow/ok/fast verdict.

    Attributes:
        norm: which norm to judge against ("" = the call's language).
        articulation_norm: syllables/s of phonation; 0 takes it from the norm.
        speaking_norm: syllables/s including pauses; 0 takes it from the norm.
        tolerance: no alert within this fraction of the norm (the JND band).
        hysteresis: a verdict returns to ok only this fraction inside the band.
        window: seconds of agent speaking time the figures cover.
        update_every: seconds (audio clock) between updates while the agent speaks.
        min_phonation: seconds of agent phonation before the first figure.
        basis: which estimate the figures and verdict use: "acoustic" (syllable
            nuclei, immediate) or "words" (committed words when they cover the window).
    """

    norm: str = ""
    articulation_norm: float = 0.0
    speaking_norm: float = 0.0
    tolerance: float = 0.15
    hysteresis: float = 0.05
    window: float = 12.0
    update_every: float = 1.0
    min_phonation: float = 2.0
    basis: Literal["acoustic", "words"] = "acoustic"


@dataclass(frozen=True, slots=True)
class PauseConfig:
    """Silent pauses in the agent's speech.

    Attributes:
        min_pause: a silence this long (s) inside the agent's speech is a pause.
        sentence_pause: a sentence end needs a silence this long to count as paused.
        max_pause: longer silences are dead air, not pauses.
        long_pause: without words, a pause this long is taken for a sentence end.
    """

    min_pause: float = 0.2
    sentence_pause: float = 0.3
    max_pause: float = 5.0
    long_pause: float = 0.6


@dataclass(frozen=True, slots=True)
class OverTalkConfig:
    """Both sides at once.

    Attributes:
        min_overlap: overlaps shorter than this (s) are backchannels, not over-talk.
        merge_gap: overlaps with the same interrupter this close (s) are one episode.
    """

    min_overlap: float = 0.7
    merge_gap: float = 0.5


@dataclass(frozen=True, slots=True)
class DeadAirConfig:
    """Both sides silent.

    Attributes:
        min_silence: seconds of silence on both sides that count as dead air.
    """

    min_silence: float = 5.0


@dataclass(frozen=True, slots=True)
class ConversationConfig:
    """Running call figures.

    Attributes:
        stats_every: seconds (audio clock) between conversation_stats updates.
        talk_ratio_target: the benchmark agent share of talk (Gong: 0.43).
    """

    stats_every: float = 1.0
    talk_ratio_target: float = 0.43


@dataclass(frozen=True, slots=True)
class SpeechConfig:
    """Everything the speech analytics use, for one call.

    Attributes:
        language: the call's language (chooses the norm unless ``rate.norm`` is set).
        articulation_norm: resolved norm, syllables/s of phonation.
        speaking_norm: resolved norm, syllables/s including pauses.
        norm_key: which norm of the seeds the figures come from.
    """

    language: str = "nl"
    acoustic: AcousticConfig = field(default_factory=AcousticConfig)
    rate: RateConfig = field(default_factory=RateConfig)
    pauses: PauseConfig = field(default_factory=PauseConfig)
    overtalk: OverTalkConfig = field(default_factory=OverTalkConfig)
    dead_air: DeadAirConfig = field(default_factory=DeadAirConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    articulation_norm: float = 5.05
    speaking_norm: float = 4.23
    norm_key: str = "nl"


def speech_config(
    language: str,
    settings: Mapping[str, Any] | None = None,
    *,
    norms: SpeechNorms | None = None,
    origin: str = "",
) -> SpeechConfig:
    """Build the config for a call: seeds defaults, then ``settings`` (the ``speech`` table).

    Raises:
        ConfigError: an unknown key, a wrong type or an impossible value.
    """
    norms = norms or load_speech_norms()
    base = SpeechConfig(
        language=language,
        rate=_seeded(RateConfig(), norms.rate),
        pauses=_seeded(PauseConfig(), norms.pauses),
        overtalk=_seeded(OverTalkConfig(), norms.overtalk),
        dead_air=_seeded(DeadAirConfig(), norms.dead_air),
        conversation=_seeded(ConversationConfig(), norms.conversation),
    )
    user = dict(settings or {})
    for derived in ("language", "articulation_norm", "speaking_norm", "norm_key"):
        if derived in user:
            raise ConfigError(
                f"{origin + ': ' if origin else ''}setting 'speech.{derived}' cannot be set; "
                f"use speech.rate.norm / speech.rate.articulation_norm"
            )
    cfg = apply_overrides(base, user, origin=origin, prefix="speech")
    norm = norms.norm_for(cfg.rate.norm or language)
    if cfg.rate.norm and cfg.rate.norm not in norms.norms:
        raise ConfigError(
            f"{origin + ': ' if origin else ''}setting 'speech.rate.norm' is {cfg.rate.norm!r}; "
            f"known norms: {', '.join(sorted(norms.norms))}"
        )
    cfg = replace(
        cfg,
        articulation_norm=cfg.rate.articulation_norm or norm.articulation_rate,
        speaking_norm=cfg.rate.speaking_norm or norm.speaking_rate,
        norm_key=norm.key,
    )
    _check(cfg, origin)
    return cfg


def _seeded(config: Any, table: Mapping[str, float]) -> Any:
    """Lay a seeds table over a dataclass, ignoring keys the dataclass does not have."""
    known = {k: v for k, v in table.items() if k in type(config).__dataclass_fields__}
    return apply_overrides(config, known, origin="seeds/speech_norms.toml")


def _check(cfg: SpeechConfig, origin: str) -> None:
    where = f"{origin}: " if origin else ""
    problems = []
    if not 0 <= cfg.rate.tolerance < 1 or not 0 <= cfg.rate.hysteresis < cfg.rate.tolerance + 1:
        problems.append("speech.rate.tolerance must be in 0..1")
    if cfg.rate.window <= 0 or cfg.rate.update_every <= 0:
        problems.append("speech.rate.window and update_every must be above 0")
    if cfg.pauses.min_pause <= 0 or cfg.pauses.max_pause <= cfg.pauses.min_pause:
        problems.append("speech.pauses.min_pause must be above 0 and below max_pause")
    if cfg.overtalk.min_overlap <= 0:
        problems.append("speech.overtalk.min_overlap must be above 0")
    if cfg.dead_air.min_silence <= 0 or cfg.conversation.stats_every <= 0:
        problems.append("speech.dead_air.min_silence and conversation.stats_every must be above 0")
    if problems:
        raise ConfigError(where + "; ".join(problems))
