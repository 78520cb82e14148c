"""Pairing the two channels' waiting finals into one Whisper pass.

When agent and customer both have a final utterance waiting (they talk over
each other, or the worker fell behind), one batched pass through the encoder
and decoder costs less than two passes one after the other
(``benchmarks/encoder.py``). The ASR worker asks `take_partner` for the other
channel's most urgent final after it picked its next job; the queue's order
and its shedding stay as they are, a partner is only ever a job that would
have run next anyway for its channel.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.events import Word

Entry = tuple[int, int, int, Utterance]
"""A queue entry of the ASR worker: (interim?, customer?, sequence, job)."""


@runtime_checkable
class BatchTranscriber(Protocol):
    """A transcriber that can also run several utterances in one pass."""

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """One utterance's words, times from its start."""
        ...

    def transcribe_batch(self, audios: Sequence[np.ndarray]) -> list[list[Word]]:
        """Each utterance's words, as ``transcribe`` would give them, in one pass."""
        ...


def take_partner(heap: list[Entry], job: Utterance) -> Utterance | None:
    """Remove and return the most urgent queued final of another channel than ``job``'s.

    The caller holds the queue's lock; ``heap`` stays a heap. None when ``job``
    is an interim or a guess, or no other channel has a final waiting (a queued
    speculative guess is never a partner: it has its own bookkeeping).
    """
    if not job.final:
        return None
    finals = [e for e in heap if e[0] == 0 and e[3].final and e[3].channel is not job.channel]
    if not finals:
        return None
    entry = min(finals)
    heap.remove(entry)
    heapq.heapify(heap)
    return entry[3]
