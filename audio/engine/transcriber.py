"""Turns one utterance's audio into words with faster-whisper, settings chosen for live use.

Measured here (../shared/MEASURED.md): the default temperature fallback made
base decode one window six times (73 s for a 66 s clip) and a previous-text
prompt sent it into repetition loops, so live use runs at temperature 0 with
no conditioning on earlier text. The VAD already removed silence, so
faster-whisper's own VAD filter is off. Whisper still invents text on some
non-speech, short or noisy audio (subtitle credits such as "Ondertiteling
door TV Gelderland", "Thanks for watching", or "MUZIEK." for a one-second
"Moet je zien!"); ``belcoach.audio.engine.hallucinations`` removes that text here,
before any transcript event carries it to the overlay, the rules or the
emotion estimate.

faster-whisper pads every window to 30 s for the encoder, so a 1.5 s "Ja,
klopt" pays a full 30 s encoder pass. ``policy=SHORT_WINDOWS`` pads an
utterance's features only to the smallest bucket of 10, 20 or 30 s that holds
it with 1 s to spare (``belcoach.audio.engine.buckets``, ``whisper_decode``).
Measured with ``benchmarks/encoder.py`` on 300 real Dutch fillets clips (seed
7, 1.6-10.4 s, each one utterance), base int8 beam 1: WER 67.2 % with 30 s
windows, 61.7 % with SHORT_WINDOWS, 70.4 % with 5/10/20/30 s buckets and a 2 s
margin (a 5 s window is too tight). One pass, 5 runs, on a machine loaded to
~25 on 2 cores (times only relative): 3.4 s clip in a 10 s window 1.5 s median
vs 9.6 s clip in 20 s 2.7 s vs 30 s 7.2 s; over the 300 clips 2.0 s median in
the 10 s bucket vs 9.8 s with 30 s windows.

The default is still ``FULL_WINDOW`` (words identical to faster-whisper's own
``transcribe``, which ``policy=None`` runs), not ``SHORT_WINDOWS``: through the
engine (VAD cuts with padding) on the first 226 clips of
``benchmarks/real_cards.py`` the phrase cards on its 142 test clips dropped
with short windows, gate off P 0.80 R 0.87 (TP 20, FP 5) to P 0.58 R 0.65
(TP 15, FP 11), chosen gate P 0.91 R 0.43 to P 1.00 R 0.39, and 3 utterances
fell into repetition loops ("de de de ...") that the hallucination filter had
to cut (none with 30 s windows). The raw-clip WER gain does not survive the
engine's cuts. Measured again on 2026-12-05: on the engine's cuts of 300 real
clips (``benchmarks/best_decoding.py --clips 300 --seed 1 --modes
windows=full,windows=10+20+30@1``) WER 60.1 % with 30 s windows, 60.9 % with
SHORT_WINDOWS at a third of the CPU (0.273 -> 0.089 CPU s per audio s); but the
phrase cards on real speech (``benchmarks/real_cards.py``, 440 clips, test 278,
packaged gate) went from P 0.85 R 0.35 (23 right / 4 wrong / 43 missed) to
P 0.89 R 0.24 (16 / 2 / 50). So finals keep 30 s windows and only the interim
passes, whose words are shown but never committed, take SHORT_WINDOWS
(``interim_policy``, set by ``jobs.run.load_transcriber``).

Measured again on 2026-12-06 for the finals, 20 s windows (``20,30@1``): one
3.4 s utterance (median of 13 real clips, quiet machine) 0.45 s per pass
against 0.76-0.87 s in 30 s windows (encoder 0.23 against 0.51-0.60 s), which
alone would bring live commits near 0.8 s. WER on the engine's cuts of 300
real clips (``best_decoding.py --clips 300 --seed 1``) 60.2 % against 60.1 %
(15 s windows: 61.4 %), at 0.154 against 0.279 CPU s per audio s. But the
phrase cards on real speech (``real_cards.py --windows 20,30@1``, 440 clips)
dropped again: dev gate off P 0.56 R 0.60 (24/19/16) to P 0.40 R 0.45
(18/27/22), dev chosen gate R 0.35 to 0.17; test gate off R 0.62 to 0.51. So
finals keep 30 s windows.

``transcribe_batch`` runs several utterances in one pass: two batched took
0.91 of two single passes (median of 5 pairs, same load). The engine uses it
only with ``EngineConfig.batch_channels`` (off by default, see
``belcoach.audio.engine.asr_worker``): a batched pass can round to other words
than a single one, so a call's words would depend on timing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import numpy as np

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.engine.buckets import FULL_WINDOW, BucketPolicy
from belcoach.audio.engine.hallucinations import HallucinationFilter, HeardSegment
from belcoach.audio.engine.whisper_decode import BucketDecoder
from belcoach.audio.events import Channel, Word


class DecodeProfile(StrEnum):
    """How hard Whisper works on a call: live keeps up, thorough spends time on accuracy.

    Both decode the utterances the engine cuts, one by one, at temperature 0
    with no previous-text prompt (so the filter below and the live engine's
    timing hold for both); they differ in the beam. On real Dutch speech
    (benchmarks/best_decoding.py) beam 5 makes fewer word errors than beam 1
    on the same utterances, but costs more CPU per utterance. The wiring
    (``wiring.call.model_choice``) picks the profile: live calls always run
    LIVE; calls decoded after the fact run ``model.offline_decoding``.

    LIVE: the overlay's words, ``model.beam_size`` (1 = greedy by default).
    THOROUGH: beam `THOROUGH_BEAM` (or ``model.beam_size`` if larger).
    WHOLE: recorded calls only: each side decoded whole in Whisper's own 30 s
        windows, the words handed to the engine's utterances by time
        (`belcoach.audio.engine.channel_words`), beam ``model.beam_size``.
    """

    LIVE = "live"
    THOROUGH = "thorough"
    WHOLE = "whole"


THOROUGH_BEAM = 5
"""Beam of the thorough profile: Whisper's own default, and what the benchmark measured."""


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How Whisper decodes; one value for live and replay so both give the same words.

    Attributes:
        language: ISO code Whisper knows ("nl", "sv", "en", ...).
        beam_size: 1 is greedy; measured ~1.5x faster than 5 on base here.
        no_speech_threshold: segments above this no-speech probability whose
            average log-probability is also under ``log_prob_threshold`` are dropped.
        log_prob_threshold: see above.
        compression_ratio_threshold: a segment compressing better than this
            is a repetition loop and is dropped.
    """

    language: str
    beam_size: int = 1
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4


class Transcriber(Protocol):
    """Anything that turns 16 kHz mono audio into timed words (times relative to its start)."""

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """Transcribe np.ndarray [shape=(n,), float32, 16 kHz mono]; word times from 0."""
        ...


@runtime_checkable
class SpanTranscriber(Protocol):
    """A transcriber that knows the whole call and hands out an utterance's words by time.

    The ASR worker asks it instead of ``transcribe`` (`channel_words.ChannelTranscriber`).
    """

    def transcribe_span(
        self, channel: Channel, t0: float, audio: np.ndarray, *, final: bool
    ) -> list[Word]:
        """Words of ``channel`` inside ``audio`` (which starts at ``t0``), times from ``t0``."""
        ...


@runtime_checkable
class InterimTranscriber(Protocol):
    """A transcriber with a cheaper pass for interim words (shown while the speaker talks).

    Interim words are never committed: the rules, the feelings and the transcript all
    take the final pass's words, so an interim may be read with less care.
    """

    def transcribe_interim(self, audio: np.ndarray) -> list[Word]:
        """Words of the part of an utterance spoken so far, times from ``audio[0]``."""
        ...


class WhisperTranscriber:
    """faster-whisper behind the ``Transcriber`` protocol, with its hallucinations removed.

    Only the ASR worker thread calls ``transcribe``: one thread owns the model.

    Args:
        model: a loaded ``faster_whisper.WhisperModel``.
        options: how to decode.
        hallucinations: what to drop from Whisper's output; by default the
            packaged lists for ``options.language`` (``seeds/hallucinations``).
        policy: encoder window sizes (``belcoach.audio.engine.buckets``); the default
            ``FULL_WINDOW`` gives faster-whisper's words but can batch; None runs
            faster-whisper's own ``transcribe`` (no batching).
        parallel: transcriptions the model runs at once (its ``num_workers``);
            `ChannelTranscriber` decodes both sides together when it is 2.
        interim_policy: encoder windows for interim passes (``transcribe_interim``);
            None reads them like finals. The live profile gives ``SHORT_WINDOWS``:
            a 10 s window costs about a third of a 30 s one, and on the engine's
            cuts of 300 real Dutch clips the WER moved 60.1 % -> 60.9 %, but the
            phrase cards on real speech lost recall (``benchmarks/real_cards.py``,
            test, packaged gate: R 0.35 -> 0.24), so finals keep 30 s windows.
    """

    def __init__(
        self,
        model: Any,
        options: DecodeOptions,
        *,
        hallucinations: HallucinationFilter | None = None,
        policy: BucketPolicy | None = FULL_WINDOW,
        parallel: int = 1,
        interim_policy: BucketPolicy | None = None,
    ) -> None:
        self._model = model
        self.options = options
        self.policy = policy
        self.parallel = parallel
        self.interim_policy = interim_policy
        self._decoder = BucketDecoder(model, options, policy) if policy is not None else None
        self._interim_decoder = (
            BucketDecoder(model, options, interim_policy) if interim_policy is not None else None
        )
        self.hallucinations = hallucinations or HallucinationFilter.for_language(
            options.language,
            compression_ratio_threshold=options.compression_ratio_threshold,
        )

    @property
    def model(self) -> Any:
        """The loaded ``faster_whisper.WhisperModel`` (for decoders that share it)."""
        return self._model

    def with_policy(self, policy: BucketPolicy | None) -> WhisperTranscriber:
        """The same model and options with other encoder windows (benchmarks compare them)."""
        return WhisperTranscriber(
            self._model,
            self.options,
            hallucinations=self.hallucinations,
            policy=policy,
            parallel=self.parallel,
            interim_policy=self.interim_policy,
        )

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """Transcribe one utterance; returns its words with times relative to ``audio[0]``."""
        heard = self.decode(audio)
        return list(self.hallucinations.clean(heard, len(audio) / SAMPLE_RATE).words)

    def transcribe_interim(self, audio: np.ndarray) -> list[Word]:
        """``transcribe`` through the ``interim_policy``'s windows (the same, without one)."""
        if self._interim_decoder is None:
            return self.transcribe(audio)
        heard = self._interim_decoder.decode(audio)
        return list(self.hallucinations.clean(heard, len(audio) / SAMPLE_RATE).words)

    def transcribe_batch(self, audios: Sequence[np.ndarray]) -> list[list[Word]]:
        """Several utterances' words from shared encoder and decoder passes (``decode_batch``)."""
        return [
            list(self.hallucinations.clean(heard, len(audio) / SAMPLE_RATE).words)
            for audio, heard in zip(audios, self.decode_batch(audios), strict=True)
        ]

    def decode(self, audio: np.ndarray) -> list[HeardSegment]:
        """Whisper's segments for one utterance as plain values, nothing dropped yet."""
        if self._decoder is not None:
            return self._decoder.decode(audio)
        opts = self.options
        segments, _info = self._model.transcribe(
            audio,
            language=opts.language,
            task="transcribe",
            beam_size=opts.beam_size,
            temperature=0.0,
            condition_on_previous_text=False,
            initial_prompt=None,
            word_timestamps=True,
            vad_filter=False,
            no_speech_threshold=opts.no_speech_threshold,
            log_prob_threshold=opts.log_prob_threshold,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            suppress_blank=True,
        )
        # Consume the generator completely: decoding happens while iterating.
        return [heard_segment(seg) for seg in list(segments)]

    def decode_batch(self, audios: Sequence[np.ndarray]) -> list[list[HeardSegment]]:
        """``decode`` for several utterances, batched when a bucket policy is set.

        Batched utterances share one bucket (the largest any of them needs);
        without a policy they are decoded one after the other.
        """
        if self._decoder is not None:
            return self._decoder.decode_batch(audios)
        return [self.decode(audio) for audio in audios]


def heard_segment(seg: Any) -> HeardSegment:
    """A faster-whisper ``Segment`` as a ``HeardSegment`` (blank words left out)."""
    words = tuple(
        Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
        for w in seg.words or ()
        if w.word.strip()
    )
    return HeardSegment(
        text=seg.text.strip(),
        words=words,
        no_speech_prob=float(seg.no_speech_prob),
        avg_logprob=float(seg.avg_logprob),
        compression_ratio=float(seg.compression_ratio),
    )
