"""Cuts one channel's VAD output into speech regions and utterances for Whisper.

Pure logic, no threads and no clock: it consumes ``VadFrames`` and returns
events (speech started, speech region) and utterance jobs. The measured facts
behind its shape (../shared/MEASURED.md): base Whisper pays a ~2 s encoder
pass per call whatever the length, so a rolling one-second window cannot keep
up, while transcribing each VAD-cut utterance when it ends can. Long
utterances get an interim pass every few seconds and are split at the
quietest recent moment so no single pass grows without bound.

Words sooner: once the silence after speech has lasted the padding kept
after it (``speculate_after``, at least ``pad``), the audio of the final job
is known if the speaker does not go on, so a *speculative* job with exactly
that audio goes out then, ``end_silence - pad`` (~0.3 s) before the final;
the ASR worker starts Whisper on it and the final reuses its words when the
audio matches (``belcoach.audio.engine.speculation``).
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
        speculate_after: silence (s) after which a speculative job with the
            final's audio goes out (raised to ``pad``: the audio must be
            complete); None sends none (the final alone, as before).
    """

    onset: float = 0.5
    offset: float = 0.35
    min_speech: float = 0.25
    end_silence: float = 0.5
    pad: float = 0.2
    max_utterance: float = 12.0
    interim_every: float = 3.0
    speculate_after: float | None = 0.2


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
        speculative: the final's audio sent early, in the pause before
            ``end_silence``; its words are committed only through a final
            with the same audio (never on their own).
    """

    channel: Channel
    utterance: int
    t0: float
    audio: np.ndarray
    speech_end: float
    final: bool
    speculative: bool = False


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
        self._silence_from = 0.0  # audio-clock start of the current silence run
        self._speculated = False  # a speculative job went out for this silence run
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
                    if self._silence_run == 0.0:
                        self._silence_from = t
                    self._silence_run += WINDOW_SECONDS
                else:
                    self._silence_run = 0.0
                    self._speculated = False
            if self._silence_run == 0.0:
                self._speech_seconds = self._t - self._region_start
            if not self._announced and self._speech_seconds >= cfg.min_speech:
                self._announced = True
                events.append(SpeechStarted(self._region_start, self.channel))
            if self._silence_run >= cfg.end_silence:
                self._end_region(self._speech_end(), events, jobs)
            elif self._t - self._utt_start >= cfg.max_utterance:
                self._split(jobs)
            elif self._should_speculate():
                self._speculated = True
                jobs.append(self._job(self._utt_start, self._speech_end(), speculative=True))
            elif (
                self._announced
                and not self._speculated
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
            self._end_region(self._speech_end(), events, jobs)
        return events, jobs

    def _speech_end(self) -> float:
        """Where the speech ended: the start of the current silence run (or now).

        Taken from one stored time, not recomputed from the clock, so the
        speculative job and the final of one pause get the very same value.
        """
        return self._silence_from if self._silence_run > 0.0 else self._t

    def _should_speculate(self) -> bool:
        after = self.config.speculate_after
        return (
            after is not None
            and self._announced
            and not self._speculated
            and self._silence_run >= max(after, self.config.pad)
        )

    def _start_region(self, t: float) -> None:
        self._in_speech = True
        self._region_start = t
        self._utt_start = t
        self._last_interim = t
        self._speech_seconds = 0.0
        self._silence_run = 0.0
        self._speculated = False
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
        self._speculated = False
        self._drop_before(cut_t)

    def _job(
        self,
        start: float,
        end: float,
        *,
        final: bool = False,
        pad_end: bool = True,
        speculative: bool = False,
    ) -> Utterance:
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
            speculative=speculative,
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
