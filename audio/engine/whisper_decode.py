"""faster-whisper's decode loop for short utterances, with bucketed encoder windows and batches.

``WhisperModel.transcribe`` pads every window to 30 s before the encoder
(``faster_whisper.audio.pad_or_trim``) and decodes one audio at a time. This
module runs the same steps for belcoach's settings (temperature 0 only, no
previous-text prompt, no VAD filter, word timestamps on) with two changes:

- each window is padded only to the bucket ``BucketPolicy.frames`` picks;
- several utterances (the two channels' waiting finals) share one encoder and
  one ``generate`` call, padded to the same bucket (the largest they need).

Everything else is faster-whisper's own code: its feature extractor, prompt,
``_split_segments_by_timestamps`` and ``add_word_timestamps`` (the cross-attention
alignment that places words, told only the utterance's real frames so word
times stay inside its audio), with its defaults read from ``transcribe``'s
signature. With ``FULL_WINDOW`` one utterance gets exactly what
``model.transcribe`` gives (tests/audio/engine/test_whisper_decode.py).
Pinned to faster-whisper 1.2.x: ``_split_segments_by_timestamps`` is private.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ctranslate2
import numpy as np
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import WhisperModel, get_compression_ratio, get_suppressed_tokens
from faster_whisper.utils import get_end

from belcoach.audio.engine.buckets import FRAMES_PER_SECOND, FULL_FRAMES, BucketPolicy
from belcoach.audio.engine.hallucinations import HeardSegment
from belcoach.audio.events import Word

if TYPE_CHECKING:
    from belcoach.audio.engine.transcriber import DecodeOptions

_DEFAULTS = {
    name: p.default for name, p in inspect.signature(WhisperModel.transcribe).parameters.items()
}
"""``transcribe``'s own defaults, so this loop decodes as it does for what belcoach leaves unset."""


@dataclass(slots=True)
class _Utterance:
    """One utterance's progress through the decode loop (faster-whisper's loop state)."""

    features: np.ndarray
    content_frames: int
    seek: int = 0
    last_speech: float = 0.0
    segments: list[HeardSegment] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.seek >= self.content_frames

    def window_size(self) -> int:
        return min(FULL_FRAMES, self.content_frames - self.seek)

    def window(self) -> np.ndarray:
        """The features of the next window, unpadded."""
        return self.features[:, self.seek : self.seek + self.window_size()]


class BucketDecoder:
    """Decodes utterances with a ``WhisperModel``, encoder windows padded per ``policy``.

    Args:
        model: a loaded ``faster_whisper.WhisperModel``.
        options: how to decode (language, beam size, thresholds).
        policy: which window sizes the encoder may see.
    """

    def __init__(self, model: Any, options: DecodeOptions, policy: BucketPolicy) -> None:
        self._model = model
        self.options = options
        self.policy = policy
        language = options.language
        if not model.model.is_multilingual:
            language = "en"
        self._tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language
        )
        self._prompt = model.get_prompt(self._tokenizer, [], without_timestamps=False)
        self._suppress = get_suppressed_tokens(self._tokenizer, _DEFAULTS["suppress_tokens"])

    def decode(self, audio: np.ndarray) -> list[HeardSegment]:
        """Whisper's segments for one utterance (times relative to its start), nothing dropped."""
        return self.decode_batch([audio])[0]

    def decode_batch(self, audios: Sequence[np.ndarray]) -> list[list[HeardSegment]]:
        """Segments for each utterance; their windows share encoder and decoder passes."""
        states = []
        for audio in audios:
            features = self._model.feature_extractor(audio)
            states.append(_Utterance(features, features.shape[-1] - 1))
        while active := [s for s in states if not s.done]:
            self._window(active)
        return [s.segments for s in states]

    def _window(self, states: list[_Utterance]) -> None:
        """One window of each utterance, from its ``seek``, through encoder and decoder together."""
        frames = max(self.policy.frames(s.window_size()) for s in states)
        content = max(s.window_size() for s in states) / FRAMES_PER_SECOND
        batch = np.stack([_padded(s.window(), frames) for s in states])
        encoded = self._model.encode(batch)
        opts = self.options
        model = self._model
        results = model.model.generate(
            encoded,
            [self._prompt] * len(states),
            beam_size=opts.beam_size,
            patience=_DEFAULTS["patience"],
            length_penalty=_DEFAULTS["length_penalty"],
            repetition_penalty=_DEFAULTS["repetition_penalty"],
            no_repeat_ngram_size=_DEFAULTS["no_repeat_ngram_size"],
            max_length=min(model.max_length, len(self._prompt) + token_budget(content)),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            max_initial_timestamp_index=round(
                _DEFAULTS["max_initial_timestamp"] / model.time_precision
            ),
        )
        single = [encoded] if len(states) == 1 else _split(encoded)
        for state, result, own in zip(states, results, single, strict=True):
            self._finish_window(state, result, own)

    def _finish_window(self, state: _Utterance, result: Any, encoded: Any) -> None:
        """Split one window's tokens into segments, place its words, move ``seek`` on."""
        opts = self.options
        model = self._model
        tokenizer = self._tokenizer
        size = state.window_size()
        tokens = result.sequences_ids[0]
        # generate_with_fallback's figures; with one temperature there is no fallback.
        cum_logprob = result.scores[0] * len(tokens) ** _DEFAULTS["length_penalty"]
        avg_logprob = cum_logprob / (len(tokens) + 1)
        compression = get_compression_ratio(tokenizer.decode(tokens).strip())
        no_speech = result.no_speech_prob
        if no_speech > opts.no_speech_threshold and not avg_logprob > opts.log_prob_threshold:
            state.seek += size  # silence: skip the window, as transcribe does
            return
        time_offset = state.seek * model.feature_extractor.time_per_frame
        segments, seek, single_ending = model._split_segments_by_timestamps(
            tokenizer=tokenizer,
            tokens=tokens,
            time_offset=time_offset,
            segment_size=size,
            segment_duration=size * model.feature_extractor.time_per_frame,
            seek=state.seek,
        )
        model.add_word_timestamps(
            [segments],
            tokenizer,
            encoded,
            size,
            _DEFAULTS["prepend_punctuations"],
            _DEFAULTS["append_punctuations"],
            last_speech_timestamp=state.last_speech,
        )
        if not single_ending:
            last_word_end = get_end(segments)
            if last_word_end is not None and last_word_end > time_offset:
                seek = round(last_word_end * model.frames_per_second)
        last_word_end = get_end(segments)
        if last_word_end is not None:
            state.last_speech = last_word_end
        state.seek = seek
        for seg in segments:
            text = tokenizer.decode(seg["tokens"])
            if seg["start"] == seg["end"] or not text.strip():
                continue
            state.segments.append(_heard(text, seg["words"], no_speech, avg_logprob, compression))


TOKENS_PER_SECOND = 30
"""``max_length`` allowed per second of a window's audio (plus 8 and the prompt).

Measured on 150 real Dutch fillets clips through ``SHORT_WINDOWS``: a normal
reading decodes at most 7.0 tokens (words, punctuation, timestamps) per second
of audio (p50 4.5). A repetition loop ("de de de ...", "deur van deur van ...")
runs on to the limit whatever the audio's length: 224 tokens with faster-whisper's
``max_length`` of 448, ~200 wasted decoder steps on a 2.7 s utterance, a second
or more of the one Whisper thread while the next final waits; the hallucination
filter drops the loop anyway. CTranslate2 stopped those loops at half the
``max_length`` given (224 of 448, 26 of 52), so 30 per second leaves a normal
reading at least twice the room the fastest one needed.
"""


def token_budget(seconds: float) -> int:
    """``max_length`` beyond the prompt for a window of ``seconds`` of audio."""
    return math.ceil(TOKENS_PER_SECOND * seconds) + 8


def _padded(features: np.ndarray, frames: int) -> np.ndarray:
    """Features padded with zeros (as ``pad_or_trim`` does) to ``frames`` frames."""
    return np.pad(features, [(0, 0), (0, frames - features.shape[-1])])


def _split(encoded: Any) -> list[Any]:
    """A batched encoder output as one single-item output per utterance (for alignment)."""
    array = np.asarray(encoded)
    return [
        ctranslate2.StorageView.from_array(np.ascontiguousarray(array[i : i + 1]))
        for i in range(len(array))
    ]


def _heard(
    text: str, words: list[dict[str, Any]], no_speech: float, avg_logprob: float, compression: float
) -> HeardSegment:
    """One faster-whisper segment dict as a ``HeardSegment`` (blank words left out)."""
    return HeardSegment(
        text=text.strip(),
        words=tuple(
            Word(w["word"].strip(), float(w["start"]), float(w["end"]), float(w["probability"]))
            for w in words
            if w["word"].strip()
        ),
        no_speech_prob=float(no_speech),
        avg_logprob=float(avg_logprob),
        compression_ratio=float(compression),
    )
