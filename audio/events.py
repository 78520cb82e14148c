"""Typed, immutable events: everything the engine says about a call.

A call is a stream of these, each stamped on the audio clock (seconds since
the call started) and, where it belongs to one side, with its channel. Live
and replay produce the same events; the overlay, the journal and the tests
all consume them. ``to_json`` gives the JSON Lines form written by
``belcoach analyze --events``: every object has ``type``, ``t`` and
``channel``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from belcoach.seeds.emotion_data import VALENCE_CLASS, EmotionLabel, EmotionStep


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


class StatusLevel(StrEnum):
    """How serious an `EngineStatus` is; the overlay orders its notices by it."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class StatusCode(StrEnum):
    """The stable, programmatic name of an `EngineStatus` (its ``code``).

    The values are what event logs on disk hold, so they never change.
    """

    MODEL_LOADING = "model_loading"
    READY = "ready"
    ASR_BEHIND = "asr_behind"
    ASR_CAUGHT_UP = "asr_caught_up"
    ASR_FAILED = "asr_failed"
    TRANSCRIPT_GAP = "transcript_gap"
    OVERRUN = "overrun"
    DEVICE_MISSING = "device_missing"
    DEVICE_LOST = "device_lost"
    DEVICE_BACK = "device_back"
    CPU_OVERLOAD = "cpu_overload"
    MONO_CALL = "mono_call"
    RULES_INVALID = "rules_invalid"
    RECORDING_STARTED = "recording_started"
    RECORDING_STOPPED = "recording_stopped"
    CALLS_RECOVERED = "calls_recovered"
    ACCESS_LOG_BROKEN = "access_log_broken"
    ACCESS_LOG_READONLY = "access_log_readonly"
    ACCESS_LOG_DELETED = "access_log_deleted"


@dataclass(frozen=True, slots=True)
class EngineStatus(Event):
    """Something about the engine a person should know, in plain words.

    ``level`` says how serious it is; ``code`` (keyword-only, required) is stable
    for programs. Codes in use: ``model_loading``, ``ready``, ``asr_behind``, ``asr_caught_up``,
    ``asr_failed``, ``overrun`` (audio blocks dropped), ``device_missing`` (no
    usable device at start), ``cpu_overload``, ``mono_call`` (one channel only:
    over-talk needs two), ``rules_invalid`` (a rule file has problems; the other
    rules work), ``calls_recovered`` (the app found recorded calls cut off by a
    crash and kept them; ``message``: how many),
    ``access_log_broken``/``access_log_readonly`` (the library's access log was
    edited, cut or cannot be written: stored calls will not open; live calls work)
    and ``access_log_deleted`` (a new access-log chain starts).

    The statuses that consumers act on have their own subclasses:
    `RecordingChanged`, `DeviceLost`, `DeviceBack` and `TranscriptGap`. An
    ``EngineStatus`` built with one of their codes raises ``TypeError`` so a
    consumer that branches on the type never misses one; `status_event`
    builds the right class from a code.

    On disk the subclasses keep the plain status form (``type`` ``status``
    with their ``code``), exactly as before they existed, so the same line is
    read back into the subclass whether an old or a new belcoach wrote it.
    """

    type: ClassVar[str] = "status"
    level: StatusLevel = StatusLevel.INFO
    code: StatusCode = field(kw_only=True)
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        owner = _STATUS_CLASSES.get(self.code, EngineStatus)
        if type(self) is not owner:
            raise TypeError(
                f"status {self.code!s} is a {owner.__name__}, not a {type(self).__name__}"
            )


@dataclass(frozen=True, slots=True)
class RecordingChanged(EngineStatus):
    """The call's recording started (``recording_started``) or stopped (``recording_stopped``).

    Stopped means it could not start or stopped on a disk problem; the call
    goes on either way. ``details``: ``folder`` and ``call_id`` when started,
    ``reason`` (and ``folder``) when stopped.
    """

    level: StatusLevel = StatusLevel.INFO
    code: StatusCode = field(default=StatusCode.RECORDING_STARTED, kw_only=True)

    @property
    def started(self) -> bool:
        """True when the call is now being recorded, False when the recording stopped."""
        return self.code == StatusCode.RECORDING_STARTED

    @property
    def folder(self) -> str:
        """The call's folder, or "" when unknown."""
        return str(self.details.get("folder", ""))

    @property
    def reason(self) -> str:
        """Why the recording stopped (the message when the details do not say)."""
        return str(self.details.get("reason", self.message))


@dataclass(frozen=True, slots=True)
class DeviceLost(EngineStatus):
    """A device vanished mid-call (``device_lost``); ``channel`` says which side.

    ``details``: ``device`` and ``reason``. That side is silent until `DeviceBack`.
    """

    level: StatusLevel = StatusLevel.WARNING
    code: StatusCode = field(default=StatusCode.DEVICE_LOST, kw_only=True)


@dataclass(frozen=True, slots=True)
class DeviceBack(EngineStatus):
    """A lost or missing device returned (``device_back``); ``channel`` says which side.

    ``details``: ``device`` and ``gap_seconds`` (None when it was missing from the start).
    """

    level: StatusLevel = StatusLevel.INFO
    code: StatusCode = field(default=StatusCode.DEVICE_BACK, kw_only=True)

    @property
    def gap_seconds(self) -> float | None:
        """Seconds the side was gone, or None when it was missing from the start."""
        gap = self.details.get("gap_seconds")
        return float(gap) if isinstance(gap, int | float) else None


@dataclass(frozen=True, slots=True)
class TranscriptGap(EngineStatus):
    """Live only: speech on ``channel`` was not transcribed, to keep up (``transcript_gap``).

    ``details``: ``channel``, ``start``, ``end``, ``utterances``,
    ``speech_seconds``, ``lag``; the properties read them with ``t`` as fallback.
    """

    level: StatusLevel = StatusLevel.WARNING
    code: StatusCode = field(default=StatusCode.TRANSCRIPT_GAP, kw_only=True)

    @property
    def start(self) -> float:
        """Audio-clock start of the skipped speech."""
        return _number(self.details.get("start"), self.t)

    @property
    def end(self) -> float:
        """Audio-clock end of the skipped speech."""
        return _number(self.details.get("end"), self.start)


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


_STATUS_CLASSES: dict[StatusCode, type[EngineStatus]] = {
    StatusCode.RECORDING_STARTED: RecordingChanged,
    StatusCode.RECORDING_STOPPED: RecordingChanged,
    StatusCode.DEVICE_LOST: DeviceLost,
    StatusCode.DEVICE_BACK: DeviceBack,
    StatusCode.TRANSCRIPT_GAP: TranscriptGap,
}


def status_class(code: StatusCode | str) -> type[EngineStatus]:
    """The class a status with ``code`` is: a dedicated subclass or `EngineStatus`.

    Raises:
        ValueError: ``code`` is not a `StatusCode` value.
    """
    return _STATUS_CLASSES.get(StatusCode(code), EngineStatus)


def status_event(
    t: float,
    channel: Channel | None,
    level: StatusLevel,
    code: StatusCode,
    message: str = "",
    details: dict[str, Any] | None = None,
) -> EngineStatus:
    """Build the status for ``code`` as its own class (for code that picks the code at run time)."""
    return status_class(code)(
        t, channel, level=level, code=code, message=message, details=details or {}
    )


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

    def to_json(self) -> dict[str, Any]:
        """Like every event, plus ``valence_class`` (negative, neutral or positive) of the label."""
        out = Event.to_json(self)
        out["valence_class"] = str(VALENCE_CLASS.get(self.label, ""))
        return out


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
