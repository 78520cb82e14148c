"""A call's script as a perfect transcript: events to replay and a transcriber that "hears" it.

Whisper's reading of espeak-ng speech changes with the CPU's kernels (CTranslate2 picks
MKL or its own int8 GEMM per CPU vendor and instruction set; MEASURED.md), so a test that
needs particular words to reach an analyser cannot take them from Whisper. These helpers
take them from the script (``CallTruth``) instead:

- ``script_transcripts`` / ``script_events``: each turn as one committed utterance with
  evenly spread word times, and its speech region, in publication order (for
  ``support.emotion_replay.replay`` and other analyser replays);
- ``ScriptedTranscriber``: a ``Transcriber`` for the real engine (VAD, segmenter, ASR
  worker, analysers, ``belcoach analyze``) that finds each utterance's audio in the call
  file and returns the script's words for it, so everything but Whisper is real.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import correlate

from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Channel, Event, SpeechRegion, Transcript, Word
from support.synth import CallTruth, TurnTruth

PUBLISH_DELAY = 0.5
"""Seconds after a turn ends that its words are published in ``script_events``."""


def script_words(turn: TurnTruth) -> tuple[Word, ...]:
    """The turn's words on the audio clock, evenly spread over the turn, probability 1."""
    texts = turn.text.split()
    step = (turn.end - turn.start) / len(texts)
    return tuple(
        Word(w, turn.start + i * step, turn.start + (i + 1) * step - 0.02, 1.0)
        for i, w in enumerate(texts)
    )


def script_transcripts(truth: CallTruth) -> list[Transcript]:
    """Each turn as one committed utterance (numbered in script order), sorted by start."""
    out = [
        Transcript(
            turn.start, Channel(turn.channel), words=script_words(turn), final=True, utterance=i
        )
        for i, turn in enumerate(truth.turns)
    ]
    return sorted(out, key=lambda e: e.t)


def script_events(truth: CallTruth) -> list[Event]:
    """Speech regions and committed words of every turn, in the order the engine would publish.

    A turn's region is published when its speech ends, its words ``PUBLISH_DELAY`` later
    (one ASR pass), so a customer's words can arrive after the agent starts talking over.
    """
    timed: list[tuple[float, int, Event]] = []
    for i, turn in enumerate(truth.turns):
        channel = Channel(turn.channel)
        timed.append((turn.end, 0, SpeechRegion(turn.start, channel, end=turn.end)))
        words = script_words(turn)
        timed.append(
            (
                turn.end + PUBLISH_DELAY,
                1,
                Transcript(turn.start, channel, words=words, final=True, utterance=i),
            )
        )
    return [event for _t, _kind, event in sorted(timed, key=lambda x: (x[0], x[1]))]


class ScriptedTranscriber:
    """Hears exactly the script: a stand-in for Whisper in tests about what comes after it.

    ``transcribe`` gets an utterance's audio (speech plus padding, as the ASR worker cuts
    it), finds where it sits in the call file by cross-correlation, and returns the words
    of the script's turns on that channel whose middle falls inside it, with times
    relative to the audio's first sample. Interim passes get the words heard so far.

    Args:
        audio_path: the stereo call (left agent, right customer) the engine reads.
        truth: the call's script and timing.
        language: the call language (``options.language`` for the pipeline).
    """

    def __init__(self, audio_path: Path, truth: CallTruth, *, language: str) -> None:
        audio, rate = sf.read(audio_path, dtype="float32", always_2d=True)
        assert rate == 16000, "ScriptedTranscriber expects a 16 kHz call"
        self.rate = rate
        self.options = DecodeOptions(language=language)
        self._channels = {"agent": audio[:, 0], "customer": audio[:, 1]}
        self._words = {
            channel: [w for t in truth.turns if t.channel == channel for w in script_words(t)]
            for channel in self._channels
        }
        self.calls = 0

    def locate(self, audio: np.ndarray) -> tuple[str, float] | None:
        """(channel, start second) of ``audio`` in the call, or None when it is silence."""
        energy = float(np.dot(audio, audio))
        if energy <= 1e-9:
            return None
        best: tuple[float, str, int] | None = None
        for channel, track in self._channels.items():
            if len(track) < len(audio):
                continue
            scores = correlate(track, audio, mode="valid", method="fft")
            at = int(np.argmax(scores))
            fit = float(scores[at]) / energy  # 1.0 where the samples are the same
            if best is None or fit > best[0]:
                best = (fit, channel, at)
        if best is None or not 0.95 <= best[0] <= 1.05:
            return None
        return best[1], best[2] / self.rate

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """The script's words inside ``audio``; times from ``audio[0]``."""
        self.calls += 1
        found = self.locate(np.asarray(audio, dtype=np.float32))
        if found is None:
            return []
        channel, t0 = found
        t1 = t0 + len(audio) / self.rate
        span = t1 - t0
        return [
            Word(w.text, max(0.0, w.start - t0), min(span, w.end - t0), w.probability)
            for w in self._words[channel]
            if t0 <= (w.start + w.end) / 2 <= t1
        ]
