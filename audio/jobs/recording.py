"""Recording a running call into the call library without ever ending the call over it.

`CallSession` asks a `RecordingFactory` (built by the composition root from
the settings) for a recorder once the call's audio is open, and puts a
`GuardedRecording` between the recorder and the call:

- the call's source is wrapped so each block is written to the recording as
  the engine reads it (the audio on disk is exactly what was analysed);
- the guard is a bus subscriber that journals every event;
- any problem with the recording (disk full, folder gone, not writable) stops
  the *recording* only: it is logged, the overlay is told with an
  `RecordingChanged` ``recording_stopped`` warning, and the coaching goes on;
- at the end the call is finished as ``complete``, or ``partial`` with the
  error when the call failed, and a call without any audio is abandoned.

Nothing here knows about Qt or the settings (STYLE L1, S3).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from belcoach.audio.bus import Subscriber
from belcoach.audio.calls.folder import CallFolder
from belcoach.audio.calls.recorder import RecordingSource
from belcoach.audio.engine.blocks import AudioBlock, AudioSource
from belcoach.audio.events import Event, RecordingChanged, StatusCode, StatusLevel

log = logging.getLogger(__name__)

STARTED = StatusCode.RECORDING_STARTED
"""`RecordingChanged` code: this call is being recorded (``details``: ``folder``, ``call_id``)."""
STOPPED = StatusCode.RECORDING_STOPPED
"""`RecordingChanged` code: the recording could not start or stopped; the call goes on."""


class Recording(Protocol):
    """What the session needs of a recorder (`belcoach.audio.calls.recorder.CallRecorder`)."""

    @property
    def folder(self) -> CallFolder:
        """The call's folder."""
        ...

    @property
    def seconds(self) -> float:
        """Audio written so far."""
        ...

    def write_block(self, block: AudioBlock) -> None:
        """Append one block of both channels."""
        ...

    def __call__(self, event: Event) -> None:
        """Journal one event."""
        ...

    def finish(self, *, status: str = "complete", error: str = "") -> object:
        """Close the files and write the summary."""
        ...

    def abandon(self) -> None:
        """Close everything and delete the folder."""
        ...


@dataclass(frozen=True, slots=True)
class RecordingRequest:
    """What a recorder is told about the call it records.

    Attributes:
        language: the call's language code.
        model: the Whisper model's name.
        source: the audio source's description (device names, file name).
    """

    language: str
    model: str
    source: str


RecordingFactory = Callable[[RecordingRequest], Recording]
"""Creates the call's recorder; raises `AppError`/`OSError` when it cannot record."""


class GuardedRecording:
    """A recorder that may fail without taking the call with it (see the module docstring).

    Args:
        recorder: the call's recorder.
        publish: the call's bus ``publish``, for ``recording_stopped``.
    """

    def __init__(self, recorder: Recording, publish: Subscriber) -> None:
        self.recorder = recorder
        self._publish = publish
        self._lock = threading.Lock()
        self.failure: str | None = None
        self.finished = False

    @property
    def active(self) -> bool:
        """True while the recording is still being written."""
        return self.failure is None and not self.finished

    def wrap(self, source: AudioSource) -> AudioSource:
        """Return ``source`` with each block recorded as the engine reads it."""
        return RecordingSource(source, self)

    def write_block(self, block: AudioBlock) -> None:
        """Record one block; on the engine thread. Never raises."""
        if not self.active:
            return
        before = self.recorder.seconds
        try:
            self.recorder.write_block(block)
        except Exception as exc:  # any failure of the disk stops the recording, not the call
            self.fail(f"{type(exc).__name__}: {exc}")
            return
        if len(block.agent) and self.recorder.seconds <= before:
            # the recorder logs the disk's error and stops writing audio quietly
            self.fail("the audio could not be written")

    def __call__(self, event: Event) -> None:
        """Bus subscriber: journal the event. Never raises."""
        if not self.active:
            return
        try:
            self.recorder(event)
        except Exception as exc:
            self.fail(f"{type(exc).__name__}: {exc}")

    def fail(self, reason: str) -> None:
        """Stop recording (once) and tell the overlay; the call goes on."""
        with self._lock:
            if self.failure is not None or self.finished:
                return
            self.failure = reason
        where = self.recorder.folder.path
        log.error("%s: recording stopped, the call goes on: %s", where, reason)
        self._publish(
            RecordingChanged(
                0.0,
                None,
                level=StatusLevel.WARNING,
                code=STOPPED,
                message=f"{where}: {reason}",
                details={"folder": str(where), "reason": reason},
            )
        )

    def finish(self, error: BaseException | None) -> object | None:
        """End the recording after the call: keep it unless it has no audio at all.

        Args:
            error: what ended the call, if it failed.

        Returns:
            The recorder's summary, or None (abandoned, or it could not be written).
        """
        with self._lock:
            if self.finished:
                return None
            self.finished = True
        recorder = self.recorder
        try:
            if recorder.seconds <= 0.0:
                log.info("%s: no audio was recorded; the call is not kept", recorder.folder.path)
                recorder.abandon()
                return None
            problems = [f"the call failed: {error}"] if error is not None else []
            if self.failure is not None:
                problems.append(f"recording stopped: {self.failure}")
            status = "partial" if problems else "complete"
            summary = recorder.finish(status=status, error="; ".join(problems))
        except Exception:
            # Left as it is, the folder is recovered as "interrupted" on the next start.
            log.exception("%s: could not finish the recording", recorder.folder.path)
            return None
        log.info("%s: call recorded (%s, %.1f s)", recorder.folder.path, status, recorder.seconds)
        return summary
