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


@dataclass(frozen=True, slots=True)
class EngineStatus(Event):
    """Something about the engine a person should know, in plain words.

    ``level`` is ``info``, ``warning`` or ``error``; ``code`` is stable for
    programs (``model_loading``, ``ready``, ``asr_behind``, ``overrun`` ...).
    """

    type: ClassVar[str] = "status"
    level: str = "info"
    code: str = ""
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)
