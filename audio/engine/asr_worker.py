"""The one thread that owns Whisper: takes utterance jobs by priority, publishes words.

Priorities (measured need: one base pass costs ~2 s on two cores, so the
queue can build up): final passes before interim ones, the agent's channel
before the customer's, then first come first served. An interim pass that a
newer pass (or the final) of the same utterance has overtaken is removed from
the queue unrun, so interims never pile up.

Speculative jobs (the final's audio, sent in the pause before the segmenter
calls the utterance finished) run at final priority; a final whose audio is
sample-for-sample the speculative job's publishes that pass's words without a
second pass (``belcoach.audio.engine.speculation`` keeps that bookkeeping). A
speculative job is never published by itself: when the speaker goes on, its
words are thrown away, and a queued one the final overtakes is removed unrun.

Batch mode (replay as fast as possible) never drops a final: ``submit``
blocks while too many finals wait, so a fast file source cannot run away from
the transcriber.

Live (paced) mode never blocks the source, so when the PC cannot keep up
(another program eating the cores) the queue would grow and the transcript
would fall further and further behind the call. With ``max_lag`` set, a job
whose speech ended more than ``max_lag`` seconds ago is dropped before it
runs: the transcript skips that stretch and the worker publishes a
`TranscriptGap` status (``details``: ``channel``, ``start``,
``end`` on the audio clock, ``utterances``, ``speech_seconds``, ``lag``) so the
overlay can show the gap. Because the agent's finals run first, the
customer's waiting speech ages first and is the first to go; the agent's is
dropped only when even the agent's own speech cannot be kept up with (stale
speculative jobs are dropped like interims, without a gap). A
transcript therefore appears at most ``max_lag`` plus one pass after the
speech ended. Alerts that need no words come from the VAD on the engine
thread and never wait here.

With ``batch_channels`` on, when the job picked is a final and the other
channel has a final waiting too, a transcriber that can batch
(``transcribe_batch``, `asr_batch.BatchTranscriber`) gets both in one pass:
one encoder and decoder run for the two channels (measured 0.91 of the time of
two passes, ``benchmarks/encoder.py``, loaded machine). The partner is the
other channel's most urgent final, the job that would have run for that
channel next anyway, so the order and the shedding above still hold; a final
whose guess matched takes the guess's words and leaves the batch. It is off by
default: batched matrix products round differently from single ones, so an
utterance's words could depend on whether the other side happened to be
waiting, and the same call would not give the same words twice (live against
replay, ``--jobs`` against ``--cluster``). Nine percent is not worth that.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from belcoach.audio.engine.asr_batch import BatchTranscriber, take_partner
from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.engine.gaps import Gap
from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.engine.speculation import Speculation
from belcoach.audio.engine.transcriber import InterimTranscriber, SpanTranscriber, Transcriber
from belcoach.audio.events import Channel, Event, Transcript, Word
from belcoach.audio.status import EngineStatus, StatusCode, StatusLevel

log = logging.getLogger(__name__)

Publish = Callable[[Event], None]
LatencyOf = Callable[[float], float | None]

_Entry = tuple[int, int, int, Utterance]


class AsrWorker:
    """Runs a ``Transcriber`` on utterance jobs in its own thread.

    Args:
        transcriber: used only from the worker thread.
        publish: called from the worker thread (and from ``shed``'s caller)
            with each event; must not block long.
        latency_of: maps an utterance's speech end (audio clock) to the delay
            until now in seconds, or None when the source is not real time.
        max_pending_finals: in blocking mode, ``submit`` waits while this many
            finals are queued.
        max_lag: live mode only: drop jobs whose speech ended more than this
            many seconds ago (needs ``latency_of``); None never drops a final.
        batch_channels: run both channels' waiting finals in one pass (see the
            module docstring); off by default.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        publish: Publish,
        *,
        latency_of: LatencyOf | None = None,
        max_pending_finals: int = 3,
        max_lag: float | None = None,
        batch_channels: bool = False,
    ) -> None:
        self._transcriber = transcriber
        self._spans = transcriber if isinstance(transcriber, SpanTranscriber) else None
        self._batch_channels = batch_channels
        self._publish = publish
        self._latency_of = latency_of or (lambda _end: None)
        self._max_pending_finals = max_pending_finals
        self._max_lag = max_lag
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._last_end: dict[Channel, float] = {}
        self._cond = threading.Condition()
        self._closing = False
        self._abandon = False
        self._pending_finals = 0
        self._thread = threading.Thread(target=self._run, name="belcoach-asr", daemon=True)
        self.busy_seconds = 0.0
        self.passes = 0
        self.finals = 0
        self.speculation = Speculation()
        self.batched_passes = 0
        self.skipped_interims = 0
        self.dropped_finals = 0
        self.dropped_seconds = 0.0
        self.gaps: list[Gap] = []
        self.processed_until: dict[Channel, float] = {}

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def submit(self, job: Utterance, *, block: bool) -> None:
        """Queue a job; with ``block`` wait while the final backlog is full.

        Queued interim passes of the same utterance are superseded by the new
        job and removed unrun.
        """
        with self._cond:
            while block and job.final and self._pending_finals >= self._max_pending_finals:
                if self._abandon:
                    return
                self._cond.wait(timeout=0.5)
            self._remove_interims(job.channel, job.utterance)
            self._unqueue(self.speculation.submitted(job))
            seq = next(self._seq)
            first = job.final or job.speculative
            prio = (0 if first else 1, 0 if job.channel is Channel.AGENT else 1)
            heapq.heappush(self._heap, (prio[0], prio[1], seq, job))
            if job.final:
                self._pending_finals += 1
            self._cond.notify_all()

    def shed(self) -> list[Gap]:
        """Drop the queued jobs that are already too late (live mode); report the gaps.

        The engine calls this on every block, so a gap is reported (and its
        audio freed) even while the worker is stuck in one long pass.

        Returns:
            The gaps published now (empty when nothing was dropped or ``max_lag`` is None).
        """
        with self._cond:
            gaps = self._drop_stale()
        self._report(gaps)
        return gaps

    def backlog_seconds(self) -> float:
        """Seconds of final-utterance audio waiting to be transcribed."""
        with self._cond:
            return sum(len(j.audio) for _f, _c, _s, j in self._heap if j.final) / SAMPLE_RATE

    def queued_jobs(self) -> int:
        """Jobs waiting in the queue (finals and interims)."""
        with self._cond:
            return len(self._heap)

    def close(self, *, timeout: float | None = None, abandon: bool = False) -> None:
        """Finish queued finals (or drop them with ``abandon``) and stop the thread."""
        with self._cond:
            self._closing = True
            self._abandon = abandon
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    # ------------------------------------------------------------------ queue

    def _remove_interims(self, channel: Channel, utterance: int) -> None:
        """Remove queued interims of one utterance (caller holds the lock)."""
        keep = [
            e
            for e in self._heap
            if e[0] == 0 or e[3].channel is not channel or e[3].utterance != utterance
        ]
        if len(keep) != len(self._heap):
            self.skipped_interims += len(self._heap) - len(keep)
            heapq.heapify(keep)
            self._heap = keep

    def _unqueue(self, job: Utterance | None) -> None:
        """Remove one queued job, unrun (caller holds the lock)."""
        if job is not None:
            self._heap = [e for e in self._heap if e[3] is not job]
            heapq.heapify(self._heap)

    def _too_late(self, job: Utterance) -> float | None:
        """How late the job already is if that is past ``max_lag``, else None."""
        if self._max_lag is None:
            return None
        lag = self._latency_of(job.speech_end)
        if lag is None or lag <= self._max_lag:
            return None
        return lag

    def _drop_stale(self) -> list[Gap]:
        """Remove every job past ``max_lag`` (caller holds the lock); one gap per channel."""
        if self._max_lag is None or not self._heap:
            return []
        keep: list[_Entry] = []
        dropped: list[tuple[Utterance, float]] = []
        for entry in self._heap:
            lag = self._too_late(entry[3])
            if lag is None:
                keep.append(entry)
                continue
            self.speculation.forget(entry[3])
            if entry[3].final:
                dropped.append((entry[3], lag))
            elif not entry[3].speculative:
                self.skipped_interims += 1
        if len(keep) == len(self._heap):
            return []
        heapq.heapify(keep)
        self._heap = keep
        if dropped:
            self._pending_finals -= len(dropped)
            self._cond.notify_all()
        return self._gaps(dropped)

    def _gaps(self, dropped: list[tuple[Utterance, float]]) -> list[Gap]:
        gaps: list[Gap] = []
        for channel in Channel:
            jobs = [(j, lag) for j, lag in dropped if j.channel is channel]
            if not jobs:
                continue
            seconds = sum(len(j.audio) for j, _lag in jobs) / SAMPLE_RATE
            gaps.append(
                Gap(
                    channel=channel,
                    start=max(0.0, min(j.t0 for j, _lag in jobs)),
                    end=max(j.speech_end for j, _lag in jobs),
                    utterances=len(jobs),
                    speech_seconds=seconds,
                    lag=max(lag for _j, lag in jobs),
                )
            )
            self.dropped_finals += len(jobs)
            self.dropped_seconds += seconds
        return gaps

    def _report(self, gaps: list[Gap]) -> None:
        """Publish gaps (never under the lock: subscribers may be slow)."""
        for gap in gaps:
            self.gaps.append(gap)
            log.warning(
                "transcript skipped %.1f s of %s speech (%.1f-%.1f s, %d utterances, %.1f s late)",
                gap.speech_seconds,
                gap.channel,
                gap.start,
                gap.end,
                gap.utterances,
                gap.lag,
            )
            self._publish(gap.status())

    def _next_job(self) -> Utterance | None:
        """The next job to run, after dropping what is too late; None when closing."""
        while True:
            with self._cond:
                while not self._heap and not self._closing and not self._abandon:
                    self._cond.wait()
                if self._abandon:
                    return None
                gaps = self._drop_stale()
                if not gaps:
                    if self._heap:
                        job = heapq.heappop(self._heap)[3]
                        if job.speculative and not self.speculation.started(job):
                            continue
                        return job
                    if self._closing:
                        return None
                    continue  # only stale interims were queued: wait again
            self._report(gaps)

    def _partner(self, job: Utterance) -> list[Utterance]:
        """The other channel's waiting final to run with ``job``, when batching is on."""
        if not self._batch_channels or not isinstance(self._transcriber, BatchTranscriber):
            return []
        with self._cond:
            partner = take_partner(self._heap, job)
        return [] if partner is None else [partner]

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            jobs = [job, *self._partner(job)]
            try:
                if len(jobs) == 1:
                    self._process(job)
                else:
                    self._process_batch(jobs)
            except Exception as exc:  # a thread boundary: report, keep the engine alive
                for failed in jobs:
                    log.exception(
                        "transcription failed for %s utterance %d",
                        failed.channel,
                        failed.utterance,
                    )
                    if failed.speculative:
                        continue  # its final runs again and reports
                    self._publish(
                        EngineStatus(
                            failed.speech_end,
                            failed.channel,
                            level=StatusLevel.ERROR,
                            code=StatusCode.ASR_FAILED,
                            message=f"Transcription failed for one utterance: {exc}",
                        )
                    )
            finally:
                finals = sum(j.final for j in jobs)
                if finals:
                    with self._cond:
                        self._pending_finals -= finals
                        self._cond.notify_all()

    def _process(self, job: Utterance) -> None:
        with self._cond:
            raw = self.speculation.claim(job) if job.final else None
        if raw is None or (job.final and self._spans is not None):
            # a span transcriber's final must take its words itself, so that no
            # later utterance is handed them again
            started = time.perf_counter()
            raw = self._pass(job)
            self.busy_seconds += time.perf_counter() - started
            self.passes += 1
        if job.speculative:
            with self._cond:
                self.speculation.finished(job, raw)
            return
        self._deliver(job, raw)

    def _pass(self, job: Utterance) -> list[Word]:
        """One job's words: by time from a span transcriber, else one Whisper pass."""
        if self._spans is not None:
            return self._spans.transcribe_span(job.channel, job.t0, job.audio, final=job.final)
        if not (job.final or job.speculative) and isinstance(self._transcriber, InterimTranscriber):
            return self._transcriber.transcribe_interim(job.audio)
        return self._transcriber.transcribe(job.audio)

    def _process_batch(self, jobs: list[Utterance]) -> None:
        """Finals of both channels: a matching guess's words, else one batched pass."""
        assert isinstance(self._transcriber, BatchTranscriber)
        with self._cond:
            claimed = [self.speculation.claim(job) for job in jobs]
        todo = [job for job, raw in zip(jobs, claimed, strict=True) if raw is None]
        if len(todo) > 1:
            started = time.perf_counter()
            raws = self._transcriber.transcribe_batch([j.audio for j in todo])
            self.busy_seconds += time.perf_counter() - started
            self.passes += 1
            self.batched_passes += 1
        else:
            raws = [self._transcriber.transcribe(j.audio) for j in todo]
            self.passes += len(todo)
        ran = iter(raws)
        for job, raw in zip(jobs, claimed, strict=True):
            self._deliver(job, raw if raw is not None else next(ran))

    def _deliver(self, job: Utterance, raw: list[Word]) -> None:
        """Place one final's or interim's words on the audio clock and publish them."""
        if job.final:
            self.finals += 1
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
