"""Engine status on the bus: what the engine, devices and recording say in plain words.

An `EngineStatus` carries a level (`StatusLevel`), a code (`StatusCode`) and a
message for a person. The statuses consumers branch on have their own classes
(`RecordingChanged`, `DeviceLost`, `DeviceBack`, `TranscriptGap`); on disk they
keep the ``status`` form with their code, and `status_class` turns a code back
into its class when a journal is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from belcoach.audio.events import Channel, Event


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
