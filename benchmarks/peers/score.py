"""Latency and accuracy of one tool on one stream, by the same rule for every tool.

The tools publish final text in different shapes (belcoach: per utterance;
whisper_streaming: a few committed words at a time; RealtimeSTT: per VAD
segment; WhisperLive: per completed segment), with or without timestamps. So
the rule uses only what all of them give, the text and when it arrived:

1. every final's words (normalised like `support.wer`) carry its arrival time,
   on the audio clock (arrival - the runner's t0);
2. the words of all finals, in arrival order, are aligned to the reference
   words of all utterances (jiwer's Levenshtein alignment);
3. an utterance's text is final when the last hypothesis word aligned to one of
   its words (equal or substituted) has arrived: latency = that arrival - the
   utterance's speech end (`calls.speech_end`). An utterance with no aligned
   word is missed and has no latency (the count is printed).

WER is `support.wer.word_error_rate` over the same texts.
"""

from __future__ import annotations

from dataclasses import dataclass

import jiwer

from peers.calls import Stream
from support.wer import normalize


@dataclass(frozen=True)
class StreamScore:
    """What one tool did on one stream."""

    latencies: list[float]
    missed: int
    reference: str
    hypothesis: str


def score(stream: Stream, finals: list[tuple[float, str]], language: str = "nl") -> StreamScore:
    """Align ``finals`` ((arrival on the audio clock in s, text)) to the stream's utterances."""
    ref_words: list[str] = []
    owner: list[int] = []
    for i, utt in enumerate(stream.utterances):
        words = normalize(utt.text, language).split()
        ref_words += words
        owner += [i] * len(words)
    hyp_words: list[str] = []
    arrival: list[float] = []
    for at, text in sorted(finals, key=lambda f: f[0]):
        words = normalize(text, language).split()
        hyp_words += words
        arrival += [at] * len(words)
    done: dict[int, float] = {}
    if hyp_words and ref_words:
        out = jiwer.process_words(" ".join(ref_words), " ".join(hyp_words))
        for chunk in out.alignments[0]:
            if chunk.type in ("equal", "substitute"):
                for k in range(chunk.ref_end_idx - chunk.ref_start_idx):
                    u = owner[chunk.ref_start_idx + k]
                    done[u] = max(done.get(u, float("-inf")), arrival[chunk.hyp_start_idx + k])
    latencies = [done[u] - stream.utterances[u].end for u in sorted(done)]
    return StreamScore(
        latencies,
        len(stream.utterances) - len(done),
        " ".join(ref_words),
        " ".join(hyp_words),
    )
