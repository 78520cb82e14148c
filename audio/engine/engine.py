"""The call engine: source → VAD per channel → segmenter → ASR worker → event bus.

Live and replay run this same code; only the source differs. The engine
thread reads blocks, runs the cheap per-channel analysis (VAD now, more
analysers later) and hands utterances to the ASR worker; alerts that need no
words never wait for Whisper.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from belcoach.audio.bus import EventBus
from belcoach.audio.engine.analysers import Analyser
from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.blocks import AudioBlock, AudioClock, AudioSource, audio_clock_of
from belcoach.audio.engine.segmenter import SegmenterConfig, SpeechSegmenter, Utterance
from belcoach.audio.engine.transcriber import Transcriber
from belcoach.audio.engine.vad import SileroSession, StreamingVad
from belcoach.audio.events import CallEnded, CallStarted, Channel, Event
from belcoach.audio.status import EngineStatus, StatusCode, StatusLevel

log = logging.getLogger(__name__)

Progress = Callable[[float], None]


MAX_TRANSCRIPT_LAG = 15.0
"""Seconds: paced calls skip speech whose words would come later than this (default)."""


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Everything the engine needs to know, decided before it starts (STYLE S3).

    Attributes:
        language: the call's language code, already validated.
        model: the model's name, for the call-started event.
        segmenter: VAD and utterance thresholds, and the speculative pass in
            the pause (``speculate_after``; None turns it off).
        paced: True when the source delivers audio in real time (live or
            ``--realtime``): then the ASR queue never blocks the source and
            latencies are measured (see `CallEngine.clock`). False (batch, as
            fast as possible) leaves every latency None: there is no wall-clock
            moment the audio "happened" to measure from.
        asr_behind_seconds: backlog of untranscribed speech that raises a
            status warning in paced mode.
        max_transcript_lag: paced mode only: speech whose words would come
            later than this (seconds after it was said) is skipped, with a
            ``transcript_gap`` status, so the transcript keeps up with the call
            instead of falling further and further behind (see ``asr_worker``).
            None keeps everything however late. Batch mode never skips.
        batch_channels: run both channels' waiting finals in one Whisper pass
            (off: the words would depend on timing, see ``asr_worker``).
    """

    language: str
    model: str = ""
    segmenter: SegmenterConfig = field(default_factory=SegmenterConfig)
    paced: bool = False
    asr_behind_seconds: float = 8.0
    max_transcript_lag: float | None = MAX_TRANSCRIPT_LAG
    batch_channels: bool = False


class CallEngine:
    """Runs one call from a source to the end, publishing events on a bus.

    Latency (paced mode only) is the wall-clock time from when the audio at the
    speech's end was captured (live) or due (paced replay) to when its words are
    published: ``time.monotonic() - clock.wall_time(speech_end)``. ``clock`` is
    the source's own real-time clock (`audio_clock_of`), taken once per call,
    so an engine thread that falls behind (a slow subscriber, a starved CPU) gets
    its blocks late and that lateness shows in the latency. A paced source
    without a clock is anchored on the earliest block arrival seen (``clock_basis``
    ``"earliest_block"``): the anchor only ever moves earlier, never along with a
    late engine; it moves only while such a source delivers faster than real
    time, and then latencies count how far the words trail the audio read.

    Attributes:
        clock: the latency anchor, None in batch mode or before the first block.
        clock_basis: ``"source"``, ``"earliest_block"`` or ``"none"`` (batch).
        audio_seconds: audio read so far.
        stats: figures of the finished call.

    Args:
        source: the audio (a recorded file or live devices).
        transcriber: used only by the ASR worker thread.
        bus: where every event goes.
        config: the engine's settings.
        vad_session: a shared Silero session (created if not given).
        analysers: analyses that turn frames and events into more events.
    """

    def __init__(
        self,
        source: AudioSource,
        transcriber: Transcriber,
        bus: EventBus,
        config: EngineConfig,
        *,
        vad_session: SileroSession | None = None,
        analysers: Sequence[Analyser] = (),
    ) -> None:
        self._source = source
        self._bus = bus
        self._analysers = tuple(analysers)
        self.config = config
        session = vad_session or SileroSession()
        self._vads = {ch: StreamingVad(session) for ch in Channel}
        self._segmenters = {ch: SpeechSegmenter(ch, config.segmenter) for ch in Channel}
        self.clock: AudioClock | None = None
        self.clock_basis = "none"
        self._asr = AsrWorker(
            transcriber,
            bus.publish,
            latency_of=self._latency_of if config.paced else None,
            max_lag=config.max_transcript_lag if config.paced else None,
            batch_channels=config.batch_channels,
        )
        self._behind_reported = False
        self.audio_seconds = 0.0
        self.stats: dict[str, float] = {}

    def run(
        self, stop: threading.Event | None = None, *, on_progress: Progress | None = None
    ) -> None:
        """Process the whole call on the calling thread; return when it has ended.

        Raises whatever the source raises for unreadable audio, after the
        events so far have been published and the transcriber has finished
        what it had (nothing said before the damage is lost).
        """
        stop = stop or threading.Event()
        cfg = self.config
        self._bus.publish(
            CallStarted(
                0.0,
                None,
                source=self._source.description,
                language=cfg.language,
                model=cfg.model,
                duration=self._source.duration,
            )
        )
        unsubscribe = self._bus.subscribe(self._feed_analysers)
        if getattr(self._source, "mono", False):
            # After subscribing, so the analysers hear it before the first audio.
            from belcoach.audio.engine.sources import MONO_MESSAGE

            self._bus.publish(
                EngineStatus(
                    0.0,
                    None,
                    level=StatusLevel.WARNING,
                    code=StatusCode.MONO_CALL,
                    message=MONO_MESSAGE,
                )
            )
        self._asr.start()
        started = time.perf_counter()
        reason = "end_of_audio"
        try:
            for block in self._source.blocks(stop):
                if cfg.paced:
                    self._anchor(block)
                frames = {
                    Channel.AGENT: self._vads[Channel.AGENT].feed(block.t, block.agent),
                    Channel.CUSTOMER: self._vads[Channel.CUSTOMER].feed(block.t, block.customer),
                }
                for ch, ch_frames in frames.items():
                    self._emit(*self._segmenters[ch].feed(ch_frames))
                for analyser in self._analysers:
                    self._publish_all(analyser.on_frames(block, frames))
                self.audio_seconds = block.t + block.duration
                if cfg.paced:
                    self._asr.shed()
                    self._check_backlog()
                if on_progress is not None:
                    on_progress(self._progress_point())
                if stop.is_set():
                    break
            if stop.is_set():  # also when the source itself ended early because of it
                reason = "stopped"
        except BaseException:
            reason = "error"
            raise
        finally:
            for ch in Channel:
                self._emit(*self._segmenters[ch].finish())
            self._asr.close()
            for analyser in self._analysers:
                self._publish_all(analyser.finish(self.audio_seconds))
            unsubscribe()
            self._bus.publish(CallEnded(self.audio_seconds, None, reason=reason))
            elapsed = time.perf_counter() - started
            self.stats = {
                "audio_seconds": self.audio_seconds,
                "wall_seconds": elapsed,
                "asr_busy_seconds": self._asr.busy_seconds,
                "asr_passes": float(self._asr.passes),
                "asr_finals": float(self._asr.finals),
                "speculative_passes": float(self._asr.speculation.ran),
                "speculative_reused": float(self._asr.speculation.reused),
                "speculative_wasted": float(self._asr.speculation.wasted),
                "skipped_interims": float(self._asr.skipped_interims),
                "transcript_gaps": float(len(self._asr.gaps)),
                "skipped_speech_seconds": self._asr.dropped_seconds,
            }
            if on_progress is not None:
                on_progress(self.audio_seconds)

    def _publish_all(self, events: list[Event]) -> None:
        for event in events:
            self._bus.publish(event)

    def _feed_analysers(self, event: Event) -> None:
        """Bus subscriber: hand each event to every analyser, publish what they derive."""
        for analyser in self._analysers:
            self._publish_all(analyser.on_event(event))

    def _emit(self, events: list[Event], jobs: list[Utterance]) -> None:
        for event in events:
            self._bus.publish(event)
        for job in jobs:
            self._asr.submit(job, block=not self.config.paced)

    def _progress_point(self) -> float:
        """Audio time up to which everything has been read and handed on; never decreases.

        The source runs at most a few utterances ahead of the transcriber in
        batch mode (the worker's queue blocks it), so this tracks real progress.
        """
        return self.audio_seconds

    def _anchor(self, block: AudioBlock) -> None:
        """Set the latency clock: once from the source, else from the earliest arrival."""
        if self.clock_basis == "source":
            return
        clock = audio_clock_of(self._source)
        if clock is not None:
            self.clock, self.clock_basis = clock, "source"
            return
        # Arrival can only be late, never early, so the minimum is the on-time anchor.
        origin = time.monotonic() - (block.t + block.duration)
        if self.clock is None or origin < self.clock.origin:
            self.clock, self.clock_basis = AudioClock(origin), "earliest_block"

    def _latency_of(self, speech_end: float) -> float | None:
        """Wall-clock seconds from the speech's end (captured or due) to now (ASR thread)."""
        clock = self.clock
        if clock is None:
            return None
        return time.monotonic() - clock.wall_time(speech_end)

    def _check_backlog(self) -> None:
        backlog = self._asr.backlog_seconds()
        limit = self.config.asr_behind_seconds
        if backlog > limit and not self._behind_reported:
            self._behind_reported = True
            self._bus.publish(
                EngineStatus(
                    self.audio_seconds,
                    None,
                    level=StatusLevel.WARNING,
                    code=StatusCode.ASR_BEHIND,
                    message=f"Transcription is {backlog:.0f} s behind; alerts keep working.",
                    details={"backlog_seconds": round(backlog, 1)},
                )
            )
        elif backlog < limit / 2 and self._behind_reported:
            self._behind_reported = False
            self._bus.publish(
                EngineStatus(
                    self.audio_seconds,
                    None,
                    code=StatusCode.ASR_CAUGHT_UP,
                    message="Transcription caught up.",
                )
            )
