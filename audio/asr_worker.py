"""The one thread that owns Whisper: takes utterance jobs by priority, publishes words.

Priorities (measured need: one base pass costs ~2 s on two cores, so the
queue can build up): final passes before interim ones, the agent's channel
before the customer's, then first come first served. An interim pass that a
newer pass of the same utterance has overtaken is skipped unrun. Finals are
never dropped. In batch mode (replay as fast as possible) ``submit`` blocks
while too many finals wait, so a fast file source cannot run away from the
transcriber; a live source never blocks and the backlog is reported instead.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from belcoach.audio.blocks import SAMPLE_RATE
from belcoach.audio.events import Channel, EngineStatus, Event, Transcript, Word
from belcoach.audio.segmenter import Utterance
from belcoach.audio.transcriber import Transcriber

log = logging.getLogger(__name__)

Publish = Callable[[Event], None]
LatencyOf = Callable[[float], float | None]


class AsrWorker:
    """Runs a ``Transcriber`` on utterance jobs in its own thread.

    Args:
        transcriber: used only from the worker thread.
        publish: called from the worker thread with each event; must not block long.
        latency_of: maps an utterance's speech end (audio clock) to the delay
            until now in seconds, or None when the source is not real time.
        max_pending_finals: in blocking mode, ``submit`` waits while this many
            finals are queued.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        publish: Publish,
        *,
        latency_of: LatencyOf | None = None,
        max_pending_finals: int = 3,
    ) -> None:
        self._transcriber = transcriber
        self._publish = publish
        self._latency_of = latency_of or (lambda _end: None)
        self._max_pending_finals = max_pending_finals
        self._heap: list[tuple[int, int, int, Utterance]] = []
        self._seq = itertools.count()
        self._newest: dict[tuple[Channel, int], int] = {}
        self._finalized: set[tuple[Channel, int]] = set()
        self._last_end: dict[Channel, float] = {}
        self._cond = threading.Condition()
        self._closing = False
        self._abandon = False
        self._pending_finals = 0
        self._thread = threading.Thread(target=self._run, name="belcoach-asr", daemon=True)
        self.busy_seconds = 0.0
        self.passes = 0
        self.skipped_interims = 0
        self.processed_until: dict[Channel, float] = {}

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def submit(self, job: Utterance, *, block: bool) -> None:
        """Queue a job; with ``block`` wait while the final backlog is full."""
        with self._cond:
            while block and job.final and self._pending_finals >= self._max_pending_finals:
                if self._abandon:
                    return
                self._cond.wait(timeout=0.5)
            seq = next(self._seq)
            prio = (0 if job.final else 1, 0 if job.channel is Channel.AGENT else 1)
            heapq.heappush(self._heap, (prio[0], prio[1], seq, job))
            self._newest[(job.channel, job.utterance)] = seq
            if job.final:
                self._pending_finals += 1
            self._cond.notify_all()

    def backlog_seconds(self) -> float:
        """Seconds of final-utterance audio waiting to be transcribed."""
        with self._cond:
            return sum(len(j.audio) for f, _c, _s, j in self._heap if f == 0) / SAMPLE_RATE

    def close(self, *, timeout: float | None = None, abandon: bool = False) -> None:
        """Finish queued finals (or drop them with ``abandon``) and stop the thread."""
        with self._cond:
            self._closing = True
            self._abandon = abandon
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _next_job(self) -> tuple[int, Utterance] | None:
        with self._cond:
            while True:
                if self._abandon:
                    return None
                if self._heap:
                    _f, _c, seq, job = heapq.heappop(self._heap)
                    return seq, job
                if self._closing:
                    return None
                self._cond.wait()

    def _run(self) -> None:
        while (item := self._next_job()) is not None:
            seq, job = item
            key = (job.channel, job.utterance)
            if not job.final and (self._newest.get(key, seq) != seq or key in self._finalized):
                self.skipped_interims += 1
                continue
            try:
                self._process(job)
            except Exception as exc:  # a thread boundary: report, keep the engine alive
                log.exception(
                    "transcription failed for %s utterance %d", job.channel, job.utterance
                )
                self._publish(
                    EngineStatus(
                        job.speech_end,
                        job.channel,
                        level="error",
                        code="asr_failed",
                        message=f"Transcription failed for one utterance: {exc}",
                    )
                )
            finally:
                if job.final:
                    with self._cond:
                        self._pending_finals -= 1
                        self._finalized.add(key)
                        self._cond.notify_all()

    def _process(self, job: Utterance) -> None:
        started = time.perf_counter()
        raw = self._transcriber.transcribe(job.audio)
        self.busy_seconds += time.perf_counter() - started
        self.passes += 1
        if job.final:
            self.processed_until[job.channel] = job.speech_end
        words = self._place(job, raw)
        if not words:
            return
        if job.final:
            self._last_end[job.channel] = words[-1].end
        self._publish(
            Transcript(
                words[0].start,
                job.channel,
                words=tuple(words),
                final=job.final,
                utterance=job.utterance,
                latency=self._latency_of(job.speech_end) if job.final else None,
            )
        )

    def _place(self, job: Utterance, raw: list[Word]) -> list[Word]:
        """Move word times onto the audio clock, inside the job, never before earlier words."""
        lo = max(job.t0, self._last_end.get(job.channel, 0.0))
        hi = job.t0 + len(job.audio) / SAMPLE_RATE
        placed: list[Word] = []
        for w in raw:
            start = min(max(job.t0 + w.start, lo), hi)
            end = min(max(job.t0 + w.end, start), hi)
            placed.append(Word(w.text, start, end, w.probability))
            lo = start
        return placed
