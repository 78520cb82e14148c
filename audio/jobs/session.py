"""One call run in the background: load the model, open the source, run the engine.

The overlay (and anything else without a terminal to block) starts a call
with `CallSession.start` and gets everything back as events on the bus: it
never waits on the engine. The session publishes ``EngineStatus`` events for
the model (``model_loading`` then ``ready``) before the engine's own
``call_started``, so the overlay can say what is happening while Whisper
loads. ``stop`` only asks; the session tells ``on_finished`` when the call is
really over (the ASR worker first finishes the utterances it already has, so
nothing said before the stop is lost).

When the config carries a recording factory, the call is also recorded into
the call library (`belcoach.audio.jobs.recording`): a recording problem stops
the recording and says so, never the call.

The session knows nothing about Qt; the Qt bridge subscribes to its events
and marshals them to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from belcoach.audio.bus import EventBus, Subscriber
from belcoach.audio.engine.blocks import AudioSource
from belcoach.audio.engine.engine import CallEngine
from belcoach.audio.engine.transcriber import Transcriber
from belcoach.audio.events import StatusCode, StatusLevel, status_event
from belcoach.audio.jobs.recording import (
    STARTED,
    STOPPED,
    GuardedRecording,
    RecordingFactory,
    RecordingRequest,
)
from belcoach.audio.jobs.run import ModelChoice, SourceFactory, build_call, load_transcriber
from belcoach.core.errors import AppError, AudioDeviceError, AudioFileError

log = logging.getLogger(__name__)

TranscriberLoader = Callable[[ModelChoice, str], Transcriber]
"""Loads (or returns a cached) transcriber for a model choice and a language."""

Finished = Callable[[BaseException | None], None]
"""Told once, from the session's thread, that the call is over (with the error, if any)."""


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """What one call needs, decided before it starts (STYLE S3).

    Attributes:
        language: the call's language code (``nl``, ``sv``, ``en`` ...).
        model: which Whisper model to run.
        analysis: the ``[analysis]`` settings table for the analysers.
        paced: True when the source delivers audio in real time (live devices
            or a paced demo); then the transcriber never holds the source back.
        recording: creates the call's recorder once its audio is open; None
            records nothing (``recording.enabled`` off).
    """

    language: str
    model: ModelChoice = field(default_factory=ModelChoice)
    analysis: Mapping[str, Any] = field(default_factory=dict)
    paced: bool = True
    recording: RecordingFactory | None = None


class TranscriberCache:
    """Keeps loaded transcribers so the second call does not load Whisper again.

    Loading base costs ~0.5 s warm (plus a one-off assembly of the model); an
    agent starts many calls a day. One instance is created by the composition
    root and shared by its sessions; only one session runs at a time, so the
    cached model is never used by two ASR threads at once.

    Args:
        loader: loads a transcriber; defaults to ``pipeline.load_transcriber``.
    """

    def __init__(self, loader: TranscriberLoader | None = None) -> None:
        self._loader: TranscriberLoader = loader or _load_whisper
        self._lock = threading.Lock()
        self._cache: dict[tuple[ModelChoice, str], Transcriber] = {}

    def cached(self, choice: ModelChoice, language: str) -> bool:
        """True when this model and language are loaded already."""
        with self._lock:
            return (choice, language) in self._cache

    def get(self, choice: ModelChoice, language: str) -> Transcriber:
        """Return the transcriber for ``choice`` and ``language``, loading it once.

        Raises:
            ModelUnavailableError: the model is missing or damaged.
            ConfigError: the model cannot transcribe the language.
        """
        with self._lock:
            key = (choice, language)
            if key not in self._cache:
                # Keep one model in memory: a new choice replaces the old one.
                self._cache.clear()
                self._cache[key] = self._loader(choice, language)
            return self._cache[key]


def _load_whisper(choice: ModelChoice, language: str) -> Transcriber:
    return load_transcriber(choice, language)


class CallSession:
    """Runs one call on its own thread and reports through events.

    Args:
        source_factory: opens the audio (live devices or a recorded call).
        config: language, model, analysis settings, pacing.
        transcribers: where the model comes from (shared between calls).
        subscribers: receive every event, on the session's and the ASR thread.
        on_finished: called once when the call is over, from the session's thread.
    """

    def __init__(
        self,
        source_factory: SourceFactory,
        config: SessionConfig,
        *,
        transcribers: TranscriberCache,
        subscribers: Iterable[Subscriber] = (),
        on_finished: Finished | None = None,
    ) -> None:
        self._source_factory = source_factory
        self.config = config
        self._transcribers = transcribers
        self._bus = EventBus()
        for subscriber in subscribers:
            self._bus.subscribe(subscriber)
        self._on_finished = on_finished
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="belcoach-call", daemon=True)
        self.error: BaseException | None = None
        self.engine: CallEngine | None = None
        self.recording: GuardedRecording | None = None

    @property
    def running(self) -> bool:
        """True from ``start`` until the call is over."""
        return self._thread.is_alive() and not self._done.is_set()

    @property
    def finished(self) -> bool:
        """True once the call is over (``on_finished`` has been called)."""
        return self._done.is_set()

    def start(self) -> None:
        """Start the call in the background; returns at once."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the call to end; returns at once. ``on_finished`` follows."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the call to be over (for scripts and tests, never the GUI).

        Returns:
            True when it is over, False on timeout.
        """
        return self._done.wait(timeout)

    def _run(self) -> None:
        try:
            transcriber = self._load_model()
            if transcriber is None or self._stop.is_set():
                return
            source = self._open_source()
            if source is None:
                return
            # Last before the engine runs: the recording starts with the call's audio.
            self.recording = self._start_recording(source)
            if self.recording is not None:
                source = self.recording.wrap(source)
            self.engine = build_call(
                source,
                transcriber,
                self._bus,
                language=self.config.language,
                model_name=self.config.model.name,
                paced=self.config.paced,
                analysis_settings=self.config.analysis,
            )
            self.engine.run(self._stop)
        except AppError as exc:
            self.error = exc
            log.warning("call failed: %s", exc)
            self._status(StatusLevel.ERROR, StatusCode.ASR_FAILED, str(exc))
        except Exception as exc:  # thread boundary (STYLE E2): log, report, end
            self.error = exc
            log.exception("call failed")
            self._status(StatusLevel.ERROR, StatusCode.ASR_FAILED, f"{type(exc).__name__}: {exc}")
        finally:
            if self.recording is not None:
                self.recording.finish(self.error)
            self._done.set()
            if self._on_finished is not None:
                try:
                    self._on_finished(self.error)
                except Exception:
                    log.exception("on_finished callback failed")

    def _load_model(self) -> Transcriber | None:
        choice, language = self.config.model, self.config.language
        if not self._transcribers.cached(choice, language):
            self._status(
                StatusLevel.INFO, StatusCode.MODEL_LOADING, f"Loading speech model {choice.name!r}"
            )
        try:
            transcriber = self._transcribers.get(choice, language)
        except AppError as exc:
            self.error = exc
            self._status(StatusLevel.ERROR, StatusCode.ASR_FAILED, str(exc))
            return None
        self._status(StatusLevel.INFO, StatusCode.READY, "Ready")
        return transcriber

    def _open_source(self) -> AudioSource | None:
        try:
            return self._source_factory(self._bus.publish)
        except (AudioDeviceError, AudioFileError) as exc:
            self.error = exc
            self._status(StatusLevel.ERROR, StatusCode.DEVICE_MISSING, str(exc))
            return None

    def _start_recording(self, source: AudioSource) -> GuardedRecording | None:
        factory = self.config.recording
        if factory is None:
            return None
        request = RecordingRequest(
            language=self.config.language, model=self.config.model.name, source=source.description
        )
        try:
            recorder = factory(request)
        except (AppError, OSError) as exc:
            log.error("recording could not start, the call goes on without it: %s", exc)
            self._status(StatusLevel.WARNING, STOPPED, str(exc), {"reason": str(exc)})
            return None
        folder = recorder.folder
        log.info("recording the call into %s", folder.path)
        self._status(
            StatusLevel.INFO,
            STARTED,
            f"Recording into {folder.path}",
            {"folder": str(folder.path), "call_id": folder.path.name},
        )
        # Subscribed after that notice, so the journal starts with the call's own events.
        recording = GuardedRecording(recorder, self._bus.publish)
        self._bus.subscribe(recording)
        return recording

    def _status(
        self,
        level: StatusLevel,
        code: StatusCode,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._bus.publish(status_event(0.0, None, level, code, message, details))
