"""Recording a call as it happens: audio of both channels, the event journal, a summary.

The recorder sits beside the engine, not inside it:

- `RecordingSource` wraps the call's `AudioSource` and writes each block to
  ``audio.flac`` on the engine thread as the engine reads it, so the audio on
  disk is exactly what was analysed, on the same clock. The engine and the
  analysers do not know it is there.
- The recorder itself is an `EventBus` subscriber that appends each event to
  ``events.jsonl`` and flushes the line.

Privacy (`RecordingPrivacy`): with ``redact`` every event is redacted before
it reaches the journal, so the summary, the report and the replay transcript
never see a personal number; with ``encrypt`` the audio goes to
``audio.pcm.enc`` (raw PCM sealed about once a second) and the journal to
``events.jsonl.enc`` (one sealed chunk a line) instead, and ``summary.json``
keeps figures only. Nothing of an encrypted call's content touches the disk in
plain text, not even in a temporary file.

Crash safety (``kill -9``): libsndfile writes FLAC frames straight to the
file descriptor (no stdio buffer) and libFLAC holds back at most one frame
(4096 samples = 0.26 s at 16 kHz), so the page cache, which survives a killed
process, holds all but the last quarter second. The journal loses at most the
line being written. Power loss is covered by an ``fsync`` every
``sync_seconds`` (done on the engine thread between blocks; about a
millisecond) and at the end.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol, TextIO

import numpy as np
import soundfile as sf
from filelock import FileLock, Timeout

from belcoach.audio.calls.folder import SAMPLE_RATE, CallFolder, CallMeta
from belcoach.audio.calls.privacy import RecordingPrivacy, SealedAudioWriter, scrub_summary
from belcoach.audio.calls.summary import CallSummary, summarize
from belcoach.audio.engine.blocks import AudioBlock, AudioClock, AudioSource, audio_clock_of
from belcoach.audio.events import Event
from belcoach.audio.jsonl import event_line
from belcoach.audio.privacy.redact import redact_event
from belcoach.core.errors import AppError, VaultError
from belcoach.core.private_files import FILE_MODE, create_private, open_private, private_dir
from belcoach.core.recording_key import RecordingKey
from belcoach.core.vault import VaultWriter

log = logging.getLogger(__name__)

Finished = Callable[[CallFolder, CallSummary], None]


class BlockSink(Protocol):
    """Where `RecordingSource` writes each block: a `CallRecorder`, or a guard around one."""

    def write_block(self, block: AudioBlock) -> None:
        """Append one block of both channels."""
        ...


class RecordingSource:
    """An `AudioSource` that writes every block it passes on to a recording first.

    The one wrapper between a call's source and its recording: the importer
    wraps with the `CallRecorder` itself, a live call with the
    `belcoach.audio.jobs.recording.GuardedRecording` that stops the recording,
    never the call, when the disk fails.
    """

    def __init__(self, inner: AudioSource, recorder: BlockSink) -> None:
        self._inner = inner
        self._recorder = recorder
        self.description = inner.description
        self.duration = inner.duration

    def audio_clock(self) -> AudioClock | None:
        """The inner source's real-time clock (recording does not change it)."""
        return audio_clock_of(self._inner)

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """Yield the inner source's blocks, recording each one first."""
        for block in self._inner.blocks(stop):
            self._recorder.write_block(block)
            yield block


class _Journal(Protocol):
    def write_line(self, line: str) -> None: ...
    def sync(self) -> None: ...
    def close(self) -> None: ...


class _PlainJournal:
    """``events.jsonl``: one flushed line per event."""

    def __init__(self, path: Path) -> None:
        fd = open_private(path, os.O_WRONLY | os.O_APPEND)  # 0600 before the first line
        self._file: TextIO = os.fdopen(fd, "a", encoding="utf-8")

    def write_line(self, line: str) -> None:
        self._file.write(line)
        self._file.flush()

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self.sync()
        self._file.close()


class _SealedJournal:
    """``events.jsonl.enc``: one sealed chunk per event line."""

    def __init__(self, path: Path, key: RecordingKey) -> None:
        self._writer = VaultWriter(path, key)

    def write_line(self, line: str) -> None:
        self._writer.append_record(line.encode("utf-8"))

    def sync(self) -> None:
        os.fsync(self._writer.fileno())

    def close(self) -> None:
        self._writer.close()
        # closed: the descriptor is gone, and the last chunk was written unbuffered


class _FlacAudio:
    """``audio.flac`` through libsndfile."""

    def __init__(self, path: Path) -> None:
        self._file = sf.SoundFile(
            create_private(path),  # libsndfile opens by name: the file is 0600 first
            "w",
            samplerate=SAMPLE_RATE,
            channels=2,
            format="FLAC",
            subtype="PCM_16",
        )

    def write(self, stereo: np.ndarray) -> None:
        self._file.write(stereo)

    def flush(self) -> None:
        self._file.flush()  # sf_write_sync: fsync of the FLAC's descriptor

    def close(self) -> None:
        self._file.close()


class _SealedAudio:
    """``audio.pcm.enc``: sealed about once a second by `SealedAudioWriter`."""

    def __init__(self, path: Path, key: RecordingKey) -> None:
        self._writer = SealedAudioWriter(path, key)

    def write(self, stereo: np.ndarray) -> None:
        self._writer.write(stereo)

    def flush(self) -> None:
        self._writer.flush()
        os.fsync(self._writer.fileno())

    def close(self) -> None:
        self._writer.close()


class CallRecorder:
    """Writes one call into its folder while it runs; see the module docstring.

    Use `wrap` on the source and subscribe the recorder to the bus, run the
    call, then `finish`. Build it through `CallLibrary.start_call`, which also
    indexes the call.

    Args:
        folder: the (new, empty) call folder.
        meta: the call's metadata, written to ``call.json`` at once.
        on_finished: called with the summary once it is on disk (the library
            updates its index there).
        on_abandoned: called with the folder after `abandon` deleted it.
        sync_seconds: audio seconds between fsyncs of audio and journal.
        privacy: redaction and encryption (default: neither).

    Raises:
        AppError: another process records into the folder; VaultError: the
            call must be encrypted and no recording key can be had (nothing
            is written then).
    """

    def __init__(
        self,
        folder: CallFolder,
        meta: CallMeta,
        *,
        on_finished: Finished | None = None,
        on_abandoned: Callable[[CallFolder], None] | None = None,
        sync_seconds: float = 5.0,
        privacy: RecordingPrivacy | None = None,
    ) -> None:
        self.privacy = privacy or RecordingPrivacy()
        key = self.privacy.recording_key() if self.privacy.encrypt else None
        if key is not None:
            folder = CallFolder(folder.path, key=key)
        meta = replace(meta, redacted=self.privacy.redact, encrypted=self.privacy.encrypt)
        self.folder = folder
        self.meta = meta
        self._on_finished = on_finished
        self._on_abandoned = on_abandoned
        self._sync_every = max(1, round(sync_seconds * SAMPLE_RATE))
        private_dir(folder.path)
        self._lock = FileLock(str(folder.lock_path), mode=FILE_MODE)
        try:
            self._lock.acquire(timeout=0)
        except Timeout as exc:
            raise AppError(f"{folder.path}: another process is recording into it") from exc
        folder.write_meta(meta)
        self._audio: _FlacAudio | _SealedAudio
        self._journal: _Journal
        if key is not None:
            self._audio = _SealedAudio(folder.audio_sealed, key)
            self._journal = _SealedJournal(folder.events_sealed, key)
        else:
            self._audio = _FlacAudio(folder.audio)
            self._journal = _PlainJournal(folder.events)
        self._frames = 0
        self._since_sync = 0
        self._write_lock = threading.Lock()
        self._closed = False
        self._audio_error: str | None = None

    def wrap(self, source: AudioSource) -> RecordingSource:
        """Return ``source`` wrapped so its audio is recorded as the engine reads it."""
        return RecordingSource(source, self)

    @property
    def seconds(self) -> float:
        """Audio recorded so far."""
        return self._frames / SAMPLE_RATE

    def write_block(self, block: AudioBlock) -> None:
        """Append one block (agent left, customer right); called on the engine thread.

        A disk error stops the audio recording (logged once) but never the call.
        """
        if self._closed or self._audio_error is not None:
            return
        stereo = np.empty((len(block.agent), 2), np.float32)
        stereo[:, 0] = block.agent
        stereo[:, 1] = block.customer
        try:
            self._audio.write(stereo)
        except (sf.LibsndfileError, RuntimeError, OSError, VaultError) as exc:
            self._audio_error = str(exc)
            log.error("%s: audio recording stopped: %s", self.folder.path, exc)
            return
        self._frames += len(stereo)
        self._since_sync += len(stereo)
        if self._since_sync >= self._sync_every:
            self._since_sync = 0
            self._sync()

    def __call__(self, event: Event) -> None:
        """Bus subscriber: append the event to ``events.jsonl`` and flush the line."""
        if self.privacy.redact:
            event = redact_event(event)
        with self._write_lock:
            if self._closed:
                return
            self._journal.write_line(event_line(event) + "\n")

    def _sync(self) -> None:
        with self._write_lock:
            if not self._closed:
                self._journal.sync()
        self._audio.flush()

    def finish(self, *, status: str = "complete", error: str = "") -> CallSummary:
        """Close the files, write ``summary.json`` and release the folder.

        Args:
            status: ``complete``, ``partial`` (the source failed part-way) or
                ``stopped``.
            error: what went wrong, for a person, when status is not complete.

        Returns:
            The summary, computed from the journal on disk (the same path a
            crashed call's recovery takes).
        """
        if self._closed:
            raise AppError(f"{self.folder.path}: recording already finished")
        with self._write_lock:
            self._closed = True
            self._journal.close()
        self._audio.close()
        journal = self.folder.read_events()
        summary = summarize(
            journal.events, meta=self.meta, status=status, error=error, audio_seconds=self.seconds
        )
        if self._audio_error:
            summary = summary.with_problem(f"audio recording stopped: {self._audio_error}")
        body = summary.to_json()
        self.folder.write_summary(scrub_summary(body) if self.privacy.encrypt else body)
        self._lock.release()
        _remove_quietly(self.folder.lock_path)
        if self._on_finished is not None:
            self._on_finished(self.folder, summary)
        return summary

    def abandon(self) -> None:
        """Close everything and delete the folder (a cancelled import)."""
        import shutil

        with self._write_lock:
            self._closed = True
            self._journal.close()
        self._audio.close()
        self._lock.release()
        shutil.rmtree(self.folder.path, ignore_errors=True)
        if self._on_abandoned is not None:
            self._on_abandoned(self.folder)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
