"""Turns one utterance's audio into words with faster-whisper, settings chosen for live use.

Measured here (../shared/MEASURED.md): the default temperature fallback made
base decode one window six times (73 s for a 66 s clip) and a previous-text
prompt sent it into repetition loops, so live use runs at temperature 0 with
no conditioning on earlier text. The VAD already removed silence, so
faster-whisper's own VAD filter is off. Whisper still invents text on some
non-speech (a well-known failure: "Ondertiteling door TV Gelderland",
"Thanks for watching"); segments that look like that are dropped.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from belcoach.audio.events import Word

log = logging.getLogger(__name__)

# Phrases Whisper is known to produce on silence, music or noise because
# they closed so many subtitled training videos. Matched on whole segments.
_HALLUCINATIONS = re.compile(
    r"^\W*("
    r"ondertit\w*( door| van)?.*|"
    r"tv gelderland.*|"
    r"(bedankt|dank( je| u)?) (voor het )?(kijken|luisteren)\W*|"
    r"thanks? (you )?for watching.*|"
    r"subtitles? by.*|"
    r"undertext(er)? av.*|"
    r"svensktextning.*|"
    r"tack för att (ni|du) (tittade|lyssnade).*|"
    r"amara\.org.*"
    r")\W*$",
    re.IGNORECASE,
)


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


class WhisperTranscriber:
    """faster-whisper behind the ``Transcriber`` protocol.

    Only the ASR worker thread calls ``transcribe``: one thread owns the model.
    """

    def __init__(self, model: Any, options: DecodeOptions) -> None:
        self._model = model
        self.options = options

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """Transcribe one utterance; returns its words with times relative to ``audio[0]``."""
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
        words: list[Word] = []
        # Consume the generator completely: decoding happens while iterating.
        for seg in list(segments):
            if _looks_hallucinated(seg, opts):
                # Never the text itself: the log file must not hold what was said.
                log.info("dropped a likely hallucination (%d characters)", len(seg.text))
                continue
            for w in seg.words or ():
                text = w.word.strip()
                if text:
                    words.append(Word(text, float(w.start), float(w.end), float(w.probability)))
        return words


def _looks_hallucinated(seg: Any, opts: DecodeOptions) -> bool:
    text = seg.text.strip()
    if not text:
        return True
    if _HALLUCINATIONS.match(text):
        return True
    if seg.compression_ratio > opts.compression_ratio_threshold:
        return True
    return bool(
        seg.no_speech_prob > opts.no_speech_threshold and seg.avg_logprob < opts.log_prob_threshold
    )
