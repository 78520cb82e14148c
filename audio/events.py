"""Typed, immutable events: everything the engine says about a call.

A call is a stream of these, each stamped on the audio clock (seconds since
the call started) and, where it belongs to one side, with its channel. Live
and replay produce the same events; the overlay, the journal and the tests
all consume them. ``to_json`` gives the JSON Lines form written by
``belcoach analyze --events``: every object has ``type``, ``t`` and
``channel``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from belcoach.seeds.emotion_data import VALENCE_CLASS, EmotionBasis, EmotionLabel, EmotionStep


class Channel(StrEnum):
    """The two sides of a call."""

    AGENT = "agent"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Event:
    """Base of all events.

    Attributes:
        t: seconds on the audio clock when the event happened.
        channel: the side it belongs to, or None for call-wide events.
    """

    type: ClassVar[str] = "event"
    t: float
    channel: Channel | None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict with ``type`` first and times rounded to 1 ms."""
        body = asdict(self)
        out: dict[str, Any] = {"type": self.type}
        for key, value in body.items():
            out[key] = _jsonable(value)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Word:
    """One transcribed word with its times on the audio clock.

    Attributes:
        text: the word as Whisper wrote it, without surrounding spaces.
        start: start time in seconds on the audio clock.
        end: end time in seconds on the audio clock.
        probability: Whisper's word probability, 0..1.
    """

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True, slots=True)
class CallStarted(Event):
    """The call (live or replayed) began; ``t`` is 0."""

    type: ClassVar[str] = "call_started"
    source: str = ""
    language: str = ""
    model: str = ""
    duration: float | None = None


@dataclass(frozen=True, slots=True)
class CallEnded(Event):
    """The call ended; ``t`` is its length in seconds."""

    type: ClassVar[str] = "call_ended"
    reason: str = "end_of_audio"


@dataclass(frozen=True, slots=True)
class SpeechRegion(Event):
    """A stretch of speech found by the VAD on one channel; ``t`` is its start.

    Published when the region ends (``end`` is then known) so consumers never
    see a region change.
    """

    type: ClassVar[str] = "speech"
    end: float = 0.0


@dataclass(frozen=True, slots=True)
class SpeechStarted(Event):
    """The VAD heard speech begin on a channel; alerts that need no words use it."""

    type: ClassVar[str] = "speech_started"


@dataclass(frozen=True, slots=True)
class Transcript(Event):
    """Words from one utterance on one channel; ``t`` is the first word's start.

    ``final=False`` is a partial (interim) hypothesis for the utterance still
    being spoken; it may change. ``final=True`` commits the words: they never
    change and never go back in time.
    """

    type: ClassVar[str] = "transcript"
    words: tuple[Word, ...] = ()
    final: bool = False
    utterance: int = 0
    latency: float | None = None

    @property
    def text(self) -> str:
        """The words joined with spaces."""
        return " ".join(w.text for w in self.words)


# ---------------------------------------------------------------------------
# Speech analytics (speaking rate, pauses, over-talk, conversation figures).
# Alerts that need no words come from the VAD on the engine thread.
# ---------------------------------------------------------------------------


class RateVerdict(StrEnum):
    """How the agent's tempo compares with the language norm."""

    SLOW = "slow"
    OK = "ok"
    FAST = "fast"


@dataclass(frozen=True, slots=True)
class SpeechRate(Event):
    """The agent's tempo over a sliding window; ``t`` is the window's end.

    Attributes:
        syllables_per_s: speaking rate, pauses included (syllables / window speech span).
        articulation_rate: syllables per second of phonation, pauses excluded.
        words_per_min: words per minute from committed words (None before words exist).
        verdict: ``slow``, ``ok`` or ``fast`` against the language norm, with hysteresis.
        window: seconds of audio the figures cover.
        basis: ``acoustic`` (syllable nuclei from the audio) or ``words``
            (syllables of committed words) — which estimate the figures come from.
        acoustic_rate: the acoustic articulation-rate estimate, for cross-checking.
        words_rate: the word-based articulation-rate estimate, for cross-checking.
        norm_low: lower edge of the ``ok`` band (syllables/s, articulation rate).
        norm_high: upper edge of the ``ok`` band.
    """

    type: ClassVar[str] = "speech_rate"
    syllables_per_s: float = 0.0
    articulation_rate: float = 0.0
    words_per_min: float | None = None
    verdict: RateVerdict = RateVerdict.OK
    window: float = 0.0
    basis: str = "acoustic"
    acoustic_rate: float | None = None
    words_rate: float | None = None
    norm_low: float = 0.0
    norm_high: float = 0.0


@dataclass(frozen=True, slots=True)
class Pause(Event):
    """A silent pause inside one side's speech; ``t`` is where the silence began.

    Attributes:
        duration: seconds of silence.
        after_sentence: True when a sentence ended right before the pause.
    """

    type: ClassVar[str] = "pause"
    duration: float = 0.0
    after_sentence: bool = False


@dataclass(frozen=True, slots=True)
class DeadAir(Event):
    """Both sides silent; ``t`` is when the silence began.

    Published once when the silence passes the threshold (``ongoing=True``,
    ``duration`` = the threshold, so the overlay can warn at once) and again
    when someone speaks (``ongoing=False`` with the full duration).
    """

    type: ClassVar[str] = "dead_air"
    duration: float = 0.0
    ongoing: bool = False


@dataclass(frozen=True, slots=True)
class OverTalk(Event):
    """Both sides speaking at once; ``t`` is when the overlap began.

    ``channel`` is the interrupter. Published when the overlap passes the
    minimum length (``ongoing=True``, ``end`` None) and again when it ends
    (``ongoing=False``, ``end`` set). Only over-talk by the agent alerts the agent.

    Attributes:
        start: audio-clock start of the overlap (equals ``t``).
        end: audio-clock end of the overlap, None while it lasts.
        interrupter: the side that started speaking while the other spoke.
        interrupted: the other side.
        overlap_s: seconds of overlap so far (or in total once ended).
        ongoing: True for the alert while the overlap lasts.
    """

    type: ClassVar[str] = "overtalk"
    start: float = 0.0
    end: float | None = None
    interrupter: str = ""
    interrupted: str = ""
    overlap_s: float = 0.0
    ongoing: bool = True


@dataclass(frozen=True, slots=True)
class ConversationStats(Event):
    """Running figures for the whole call; published about once a second and at the end.

    Attributes:
        agent_talk_s: seconds the agent spoke.
        customer_talk_s: seconds the customer spoke.
        talk_ratio: agent talk / (agent + customer talk), 0..1 (None before anyone spoke).
        longest_agent_monologue: longest stretch of agent speech without the customer.
        longest_customer_turn: longest uninterrupted customer turn.
        interruptions_by_agent: over-talks the agent started.
        interruptions_by_customer: over-talks the customer started.
        dead_air_total: seconds of dead air.
        sentences: agent sentences ended so far.
        sentences_with_pause: of those, followed by a pause of at least the threshold.
        final: True for the end-of-call figures.
    """

    type: ClassVar[str] = "conversation_stats"
    agent_talk_s: float = 0.0
    customer_talk_s: float = 0.0
    talk_ratio: float | None = None
    longest_agent_monologue: float = 0.0
    longest_customer_turn: float = 0.0
    interruptions_by_agent: int = 0
    interruptions_by_customer: int = 0
    dead_air_total: float = 0.0
    sentences: int = 0
    sentences_with_pause: int = 0
    final: bool = False


# ---------------------------------------------------------------------------
# Coaching rules (phrases from the seeds) and the customer's feeling.
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhraseHit(Event):
    """A coaching rule matched committed words; ``t`` is the first matched word's start.

    Attributes:
        rule_id: stable id of the rule (``nl.ik-weet-het-niet``).
        category: e.g. ``avoid``, ``stock_phrase``, ``address``, ``positive``, ``promise``.
        polarity: ``avoid`` (hurts the call) or ``good`` (worth showing the coach).
        severity: ``info``, ``warning`` or ``alert``.
        words: the matched words with their times.
        said: the matched words as text.
        suggestions: what to say instead (empty for positive signals).
        why: one short sentence from the seed on why it matters.
        source: the seed file the rule comes from.
        utterance: the utterance id the words belong to.
        end: the last matched word's end.
    """

    type: ClassVar[str] = "phrase"
    rule_id: str = ""
    category: str = ""
    polarity: str = "avoid"
    severity: str = "warning"
    words: tuple[Word, ...] = ()
    said: str = ""
    suggestions: tuple[str, ...] = ()
    why: str = ""
    source: str = ""
    utterance: int = 0
    end: float = 0.0


@dataclass(frozen=True, slots=True)
class EmotionEstimate(Event):
    """An *estimate* of how the customer seems to feel; ``t`` is the utterance's end.

    Attributes:
        label: ``boos``, ``gefrustreerd``, ``angstig``, ``verongelijkt``, ``neutraal``,
            ``zakelijk`` or ``tevreden`` (seed 000's seven feelings; language-independent
            ids). Its valence class (negative, neutral, positive) is in
            ``belcoach.seeds.emotion_data.VALENCE_CLASS``; ``to_json`` adds it.
        confidence: 0..1.
        valence: -1 (negative) .. +1 (positive).
        arousal: -1 (calm) .. +1 (agitated), relative to this caller's own baseline.
        step: ``aanvoelen``, ``erkennen`` or ``leiden`` (seed 000).
        hint: a short hint in the call's language for what to do now.
        changed: True when the label differs from the previous estimate.
        utterance: the customer utterance id it is based on (0 for a voice-only update).
        evidence: what the estimate rests on (cue words, lexicon hits, voice features).
    """

    type: ClassVar[str] = "emotion"
    label: EmotionLabel = EmotionLabel.NEUTRAAL
    confidence: float = 0.0
    valence: float = 0.0
    arousal: float = 0.0
    step: EmotionStep = EmotionStep.AANVOELEN
    hint: str = ""
    changed: bool = False
    utterance: int = 0
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def basis(self) -> EmotionBasis:
        """What the estimate rests on: ``evidence["basis"]``; older logs without it were
        always allowed the voice, so they read as voice and words."""
        try:
            return EmotionBasis(str(self.evidence.get("basis", EmotionBasis.VOICE_AND_WORDS)))
        except ValueError:
            return EmotionBasis.VOICE_AND_WORDS

    def to_json(self) -> dict[str, Any]:
        """Like every event, plus ``valence_class`` (negative, neutral or positive) of the label."""
        out = Event.to_json(self)
        out["valence_class"] = str(VALENCE_CLASS.get(self.label, ""))
        return out


def emotion_basis(events: Iterable[Event]) -> EmotionBasis | None:
    """What a call's estimated feelings rest on: words alone only when every estimate says so;
    None without estimates."""
    bases = {e.basis for e in events if isinstance(e, EmotionEstimate)}
    if not bases:
        return None
    return EmotionBasis.WORDS if bases == {EmotionBasis.WORDS} else EmotionBasis.VOICE_AND_WORDS


# ---------------------------------------------------------------------------
# Devices and meters (live capture).
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelUpdate(Event):
    """Input level of one channel for meters, a few times a second.

    Attributes:
        rms_db: RMS level in dBFS over the last block(s).
        peak: absolute peak 0..1.
        dropped: audio blocks dropped since the call started (overruns).
    """

    type: ClassVar[str] = "level"
    rms_db: float = -120.0
    peak: float = 0.0
    dropped: int = 0
