"""Running a call through the engine while recording it into the library.

Importing a coach's file and recording a live call are the same thing with a
different source: the source is wrapped so its audio lands in the call
folder, the recorder subscribes to the bus, the engine runs, and the call is
summarised at the end. An import runs as fast as the machine allows (or
paced with ``realtime``) and can be cancelled, which removes the half-made
call; a live call that is stopped is kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belcoach.audio.bus import Subscriber
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.summary import CallSummary
from belcoach.audio.engine.analysers import Analyser
from belcoach.audio.engine.blocks import AudioSource
from belcoach.audio.engine.channel_words import ChannelTranscriber
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeProfile, WhisperTranscriber
from belcoach.audio.jobs.run import CallTranscriber, recorded_call_transcriber, run_call
from belcoach.core.errors import AudioFileError

log = logging.getLogger(__name__)

Progress = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class CallFiles:
    """A recorded call from outside: one stereo file, or the agent's and customer's mono files.

    Attributes:
        path: the stereo file (left = agent unless ``agent_channel`` says right).
        agent: the agent's mono file.
        customer: the customer's mono file.
        agent_channel: 0 (left) or 1 (right) for a stereo file.
    """

    path: Path | None = None
    agent: Path | None = None
    customer: Path | None = None
    agent_channel: int = 0

    def open(self, *, realtime: bool = False) -> AudioSource:
        """Check the file(s) and return a source (fails before any model work)."""
        return open_call(
            self.path,
            agent=self.agent,
            customer=self.customer,
            agent_channel=self.agent_channel,
            realtime=realtime,
        )


@dataclass(frozen=True, slots=True)
class RecordOptions:
    """How to run and keep one call.

    Attributes:
        origin: ``import`` or ``live``.
        agent_name: whose call it is, for the library.
        model_name: the Whisper model's name, for the record.
        paced: the source delivers audio in real time.
        keep_when_stopped: keep the call when ``stop`` ends it early (live) or
            delete it (a cancelled import).
    """

    origin: str = "import"
    agent_name: str = ""
    model_name: str = "base"
    paced: bool = False
    keep_when_stopped: bool = False


class ImportCancelled(Exception):
    """The coach cancelled the import; nothing was added to the library."""


def record_call(
    library: CallLibrary,
    source: AudioSource,
    transcriber: CallTranscriber,
    options: RecordOptions,
    *,
    stop: threading.Event | None = None,
    on_progress: Progress | None = None,
    analysers: Sequence[Analyser] | None = None,
    analysis_settings: Mapping[str, Any] | None = None,
    subscribers: Sequence[Subscriber] = (),
) -> CallSummary:
    """Run ``source`` through the engine, recording audio, events and summary into ``library``.

    ``subscribers`` get every event too (the live app's Qt bridge, a printer).

    Returns:
        The call's summary (``status`` is ``partial`` when the audio was damaged
        part-way: everything before the damage is kept and analysed).

    Raises:
        ImportCancelled: ``stop`` was set and ``keep_when_stopped`` is False.
    """
    stop = stop or threading.Event()
    language = transcriber.options.language
    recorder = library.start_call(
        origin=options.origin,
        agent=options.agent_name,
        language=language,
        source=source.description,
        model=options.model_name,
    )
    try:
        run_call(
            recorder.wrap(source),
            transcriber,
            model_name=options.model_name,
            paced=options.paced,
            subscribers=[recorder, *subscribers],
            stop=stop,
            on_progress=on_progress,
            analysers=analysers,
            analysis_settings=analysis_settings,
        )
    except AudioFileError as exc:
        log.warning("%s: %s", recorder.folder.path, exc)
        return recorder.finish(status="partial", error=str(exc))
    except BaseException as exc:
        if options.keep_when_stopped:  # a live call keeps what was recorded
            recorder.finish(status="partial", error=f"stopped by {type(exc).__name__}")
        else:
            recorder.abandon()
        raise
    if stop.is_set():
        if not options.keep_when_stopped:
            recorder.abandon()
            raise ImportCancelled(source.description)
        return recorder.finish(status="stopped")
    return recorder.finish()


def import_call(
    library: CallLibrary,
    files: CallFiles,
    transcriber: WhisperTranscriber,
    *,
    agent_name: str = "",
    model_name: str = "base",
    realtime: bool = False,
    stop: threading.Event | None = None,
    on_progress: Progress | None = None,
    analysis_settings: Mapping[str, Any] | None = None,
    profile: DecodeProfile = DecodeProfile.LIVE,
) -> CallSummary:
    """Analyse a coach's recorded call with the same engine and add it to the library.

    ``analysis_settings`` is the merged ``[analysis]`` settings table (thresholds,
    the coach's rule files), so an imported call is analysed as a live one is.
    ``profile`` is the offline decoding profile (``model.offline_decoding``);
    a ``realtime`` import decodes like a live call whatever it says.

    Raises:
        AudioFileError / ConfigError: the file(s) cannot be used (nothing is added).
        ImportCancelled: ``stop`` was set.
    """
    source = files.open(realtime=realtime)
    options = RecordOptions(
        origin="import", agent_name=agent_name, model_name=model_name, paced=realtime
    )
    runner = recorded_call_transcriber(
        transcriber,
        DecodeProfile.LIVE if realtime else profile,
        lambda stop_reading: files.open().blocks(stop_reading),
    )
    try:
        return record_call(
            library,
            source,
            runner,
            options,
            stop=stop,
            on_progress=on_progress,
            analysis_settings=analysis_settings,
        )
    finally:
        if isinstance(runner, ChannelTranscriber):
            runner.close()
