"""Cuts one channel's VAD output into speech regions and utterances for Whisper.

Pure logic, no threads and no clock: it consumes ``VadFrames`` and returns
events (speech started, speech region) and utterance jobs. The measured facts
behind its shape (../shared/MEASURED.md): base Whisper pays a ~2 s encoder
pass per call whatever the length, so a rolling one-second window cannot keep
up, while transcribing each VAD-cut utterance when it ends can. Long
utterances get an interim pass every few seconds and are split at the
quietest recent moment so no single pass grows without bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.engine.vad import WINDOW, WINDOW_SECONDS, VadFrames
from belcoach.audio.events import Channel, Event, SpeechRegion, SpeechStarted


@dataclass(frozen=True, slots=True)
class SegmenterConfig:
    """Thresholds for turning speech probabilities into utterances.

    Attributes:
        onset: probability at which speech starts (Silero's usual 0.5).
        offset: probability under which a window counts as silence (hysteresis).
        min_speech: regions shorter than this (s) are clicks or breaths: dropped.
        end_silence: silence (s) that ends an utterance; shorter gaps stay inside.
        pad: audio (s) kept before and after the speech for Whisper.
        max_utterance: an utterance is split once it is this long (s).
        interim_every: seconds between interim passes inside a long utterance.
    """

    onset: float = 0.5
    offset: float = 0.35
    min_speech: float = 0.25
    end_silence: float = 0.5
    pad: float = 0.2
    max_utterance: float = 12.0
    interim_every: float = 3.0


@dataclass(frozen=True, slots=True)
class Utterance:
    """Audio of one utterance (or the part spoken so far) to transcribe.

    Attributes:
        channel: whose speech it is.
        utterance: id, unique per channel, shared by an utterance's interim passes.
        t0: audio-clock time of ``audio[0]``.
        audio: np.ndarray [shape=(n,), float32, 16 kHz mono], speech plus padding.
        speech_end: audio-clock time the speech ended (or the cut, for a split).
        final: True when the utterance is complete and its words get committed.
    """

    channel: Channel
    utterance: int
    t0: float
    audio: np.ndarray
    speech_end: float
    final: bool


class SpeechSegmenter:
    """Per-channel state machine: silence → speech → silence, with hysteresis."""

    def __init__(self, channel: Channel, config: SegmenterConfig | None = None) -> None:
        self.channel = channel
        self.config = config or SegmenterConfig()
        self._chunks: list[np.ndarray] = []  # audio since max(utt start - pad, ...)
        self._chunks_t0 = 0.0
        self._in_speech = False
        self._region_start = 0.0
        self._utt_start = 0.0
        self._speech_seconds = 0.0
        self._silence_run = 0.0
        self._announced = False
        self._last_interim = 0.0
        self._next_id = 1
        self._t = 0.0

    @property
    def in_speech(self) -> bool:
        """True while the channel is inside a speech region."""
        return self._in_speech

    def feed(self, frames: VadFrames) -> tuple[list[Event], list[Utterance]]:
        """Consume VAD windows; return the events and utterance jobs they complete."""
        events: list[Event] = []
        jobs: list[Utterance] = []
        cfg = self.config
        for i, prob in enumerate(frames.probs):
            t = frames.t + i * WINDOW_SECONDS
            self._t = t + WINDOW_SECONDS
            if not self._chunks:
                self._chunks_t0 = t
            self._chunks.append(frames.audio[i * WINDOW : (i + 1) * WINDOW])
            if not self._in_speech:
                if prob >= cfg.onset:
                    self._start_region(t)
                else:
                    self._trim_preroll()
                    continue
            else:
                if prob < cfg.offset:
                    self._silence_run += WINDOW_SECONDS
                else:
                    self._silence_run = 0.0
            if self._silence_run == 0.0:
                self._speech_seconds = self._t - self._region_start
            if not self._announced and self._speech_seconds >= cfg.min_speech:
                self._announced = True
                events.append(SpeechStarted(self._region_start, self.channel))
            if self._silence_run >= cfg.end_silence:
                self._end_region(self._t - self._silence_run, events, jobs)
            elif self._t - self._utt_start >= cfg.max_utterance:
                self._split(jobs)
            elif (
                self._announced
                and self._t - self._utt_start >= cfg.interim_every
                and self._t - self._last_interim >= cfg.interim_every
            ):
                self._last_interim = self._t
                jobs.append(self._job(self._utt_start, self._t, final=False))
        return events, jobs

    def finish(self) -> tuple[list[Event], list[Utterance]]:
        """End of audio: close an open region as if silence followed."""
        events: list[Event] = []
        jobs: list[Utterance] = []
        if self._in_speech:
            self._end_region(self._t - self._silence_run, events, jobs)
        return events, jobs

    def _start_region(self, t: float) -> None:
        self._in_speech = True
        self._region_start = t
        self._utt_start = t
        self._last_interim = t
        self._speech_seconds = 0.0
        self._silence_run = 0.0
        self._announced = False

    def _end_region(self, end: float, events: list[Event], jobs: list[Utterance]) -> None:
        self._in_speech = False
        if self._announced:
            events.append(SpeechRegion(self._region_start, self.channel, end=end))
            jobs.append(self._job(self._utt_start, end, final=True))
            self._next_id += 1
        self._trim_preroll()

    def _split(self, jobs: list[Utterance]) -> None:
        """Cut a long utterance at its quietest recent window; keep the region open."""
        audio = np.concatenate(self._chunks)
        search = int(2.0 * SAMPLE_RATE)
        tail = audio[-search:]
        n = len(tail) // WINDOW
        energies = (tail[: n * WINDOW].reshape(n, WINDOW) ** 2).mean(axis=1)
        cut_t = self._t - (n - int(np.argmin(energies))) * WINDOW_SECONDS
        jobs.append(self._job(self._utt_start, cut_t, final=True, pad_end=False))
        self._next_id += 1
        self._utt_start = cut_t
        self._last_interim = cut_t
        self._drop_before(cut_t)

    def _job(self, start: float, end: float, *, final: bool, pad_end: bool = True) -> Utterance:
        cfg = self.config
        audio = np.concatenate(self._chunks)
        a = max(0, round((start - cfg.pad - self._chunks_t0) * SAMPLE_RATE))
        stop_t = end + cfg.pad if pad_end else end
        b = min(len(audio), round((stop_t - self._chunks_t0) * SAMPLE_RATE))
        return Utterance(
            channel=self.channel,
            utterance=self._next_id,
            t0=self._chunks_t0 + a / SAMPLE_RATE,
            audio=audio[a:b].copy(),
            speech_end=end,
            final=final,
        )

    def _trim_preroll(self) -> None:
        """Outside speech keep only ``pad`` seconds: the start padding of the next one."""
        keep = int(np.ceil(self.config.pad / WINDOW_SECONDS)) + 1
        if len(self._chunks) > keep:
            drop = len(self._chunks) - keep
            del self._chunks[:drop]
            self._chunks_t0 += drop * WINDOW_SECONDS

    def _drop_before(self, t: float) -> None:
        keep_from = t - self.config.pad
        drop = int((keep_from - self._chunks_t0) / WINDOW_SECONDS)
        if drop > 0:
            del self._chunks[:drop]
            self._chunks_t0 += drop * WINDOW_SECONDS
