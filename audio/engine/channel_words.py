"""Words for a recorded call from each side decoded whole, handed out per utterance.

Live, every utterance the segmenter cuts is its own Whisper pass padded to a
30 s window: a 2 s "Ja, klopt" pays a full encoder pass and is decoded without
the sentences around it. A recorded call need not wait for the cut: each side
can be decoded whole, in Whisper's own 30 s windows filled with speech
(faster-whisper's VAD filter skips the other side's turns and the silences).
That is fewer encoder passes and more context per window, so it is both faster
and closer to what the model can do (``benchmarks/best_decoding.py``, modes
``utt-b1`` against ``channel-b1``/``channel-b5``).

The engine still cuts the call as it always does (VAD, segmenter, over-talk,
pace and pauses are untouched); only where an utterance's words come from
changes. `ChannelTranscriber.transcribe_span` gives an utterance the decoded
words whose middle falls inside it (or in the second before it that no earlier
utterance took), so every word is committed once, in order. Words Whisper
placed far from any speech the engine heard are left out, as a live pass on
that audio would never have run.

The sides are decoded in chunks of ``chunk_seconds`` (cut at the quietest
tenth of a second near the end of a chunk), read from a second pass over the
same file when the engine first needs them, so memory stays bounded on a long
call and progress moves while the call is analysed. When the model serves two
transcriptions at once (``WhisperTranscriber.parallel``, see
``belcoach.audio.jobs.run.side_workers``), the other side's waiting chunk is
decoded on a second thread while the engine's side is decoded on its own.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber, heard_segment
from belcoach.audio.events import Channel, Word

log = logging.getLogger(__name__)

CHUNK_SECONDS = 120.0
"""Audio decoded per side at a time: long enough for many full 30 s windows."""

CUT_SEARCH_SECONDS = 5.0
"""A chunk ends at the quietest 0.1 s frame in its last this-many seconds."""

LOOKBACK_SECONDS = 1.0
"""Untaken words up to this long before an utterance still belong to it."""

LOOKAHEAD_SECONDS = 0.3
"""A word whose middle is this close past an utterance's end still belongs to it."""

BlockReader = Callable[[threading.Event], Iterator[AudioBlock]]
"""Streams the call's blocks again (``FileCallSource.blocks`` of a second open)."""


@dataclass
class _Side:
    """One channel's audio waiting to be decoded and its decoded words waiting to be taken."""

    chunks: list[np.ndarray] = field(default_factory=list)
    start: float = 0.0  # audio-clock time of the first waiting sample
    samples: int = 0
    words: deque[Word] = field(default_factory=deque)  # absolute times, in order
    decoded_until: float = 0.0
    dropped: int = 0

    def audio(self) -> np.ndarray:
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.float32)

    @property
    def end(self) -> float:
        return self.start + self.samples / SAMPLE_RATE


class ChannelTranscriber:
    """A `Transcriber` for recorded calls that decodes each side whole (see the module doc).

    Only the ASR worker thread calls it, like any transcriber.

    Args:
        whisper: the loaded model, its decode options and hallucination filter.
        read_blocks: opens the same call again and streams its blocks.
        chunk_seconds: audio per side per decode.
    """

    def __init__(
        self,
        whisper: WhisperTranscriber,
        read_blocks: BlockReader,
        *,
        chunk_seconds: float = CHUNK_SECONDS,
    ) -> None:
        self._whisper = whisper
        self._read_blocks = read_blocks
        self._chunk_seconds = chunk_seconds
        self._blocks: Iterator[AudioBlock] | None = None
        self._stop = threading.Event()
        self._exhausted = False
        self._sides = {ch: _Side() for ch in Channel}
        self._other_side = (
            ThreadPoolExecutor(1, thread_name_prefix="belcoach-other-side")
            if whisper.parallel >= 2
            else None
        )

    @property
    def options(self) -> DecodeOptions:
        """The decode options (language, beam) of the model underneath."""
        return self._whisper.options

    @property
    def words_left_out(self) -> int:
        """Decoded words no utterance took (far from any speech the engine heard)."""
        return sum(side.dropped for side in self._sides.values())

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """One utterance on its own, as live (for callers that know no channel or time)."""
        return self._whisper.transcribe(audio)

    def transcribe_span(
        self, channel: Channel, t0: float, audio: np.ndarray, *, final: bool
    ) -> list[Word]:
        """The decoded words of ``channel`` inside the utterance at ``t0``, times from ``t0``.

        A final utterance takes its words (no later utterance gets them again);
        an interim or speculative pass only looks.
        """
        t1 = t0 + len(audio) / SAMPLE_RATE
        side = self._sides[channel]
        self._decode_until(channel, t1 + LOOKAHEAD_SECONDS + 1.0)
        while side.words and _middle(side.words[0]) < t0 - LOOKBACK_SECONDS:
            side.words.popleft()
            side.dropped += 1
        taken = []
        for word in side.words:
            if _middle(word) >= t1 + LOOKAHEAD_SECONDS:
                break
            taken.append(word)
        if final:
            for _ in taken:
                side.words.popleft()
        return [Word(w.text, w.start - t0, w.end - t0, w.probability) for w in taken]

    def close(self) -> None:
        """Stop reading the call's second stream and close its files."""
        self._stop.set()
        if self._other_side is not None:
            self._other_side.shutdown(wait=True)
        close = getattr(self._blocks, "close", None)
        if close is not None:
            close()

    def _decode_until(self, channel: Channel, t: float) -> None:
        side = self._sides[channel]
        while side.decoded_until < t and not (self._exhausted and side.samples == 0):
            self._read(min_end=side.decoded_until + self._chunk_seconds)
            others = [o for ch, o in self._sides.items() if ch != channel and self._due(o)]
            if others and self._other_side is not None:
                pending = self._other_side.submit(self._decode_chunk, others[0])
                self._decode_chunk(side)
                pending.result()
            else:
                for due in (side, *others):
                    self._decode_chunk(due)

    def _due(self, other: _Side) -> bool:
        """Whether the side the engine did not ask for is decoded in this round too.

        Decoded one after the other, the other side waits until it holds two
        chunks (fewer, longer decodes; memory stays bounded). Decoded side by
        side, it goes with every chunk of the asked side, so both threads work.
        """
        waiting = other.samples / SAMPLE_RATE
        if self._other_side is None:
            return waiting >= 2 * self._chunk_seconds
        return waiting >= self._chunk_seconds or (self._exhausted and other.samples > 0)

    def _read(self, *, min_end: float) -> None:
        """Read blocks until both sides hold audio up to ``min_end`` or the call ends."""
        if self._blocks is None:
            self._blocks = self._read_blocks(self._stop)
        while not self._exhausted and min(s.end for s in self._sides.values()) < min_end:
            try:
                block = next(self._blocks)
            except StopIteration:
                self._exhausted = True
                break
            except Exception as exc:  # the engine's own reading reports the damage
                log.warning("second read of the call stopped: %s", exc)
                self._exhausted = True
                break
            for ch, samples in ((Channel.AGENT, block.agent), (Channel.CUSTOMER, block.customer)):
                side = self._sides[ch]
                side.chunks.append(samples)
                side.samples += len(samples)

    def _decode_chunk(self, side: _Side) -> None:
        audio = side.audio()
        cut = len(audio) if self._exhausted else _quiet_cut(audio)
        head, rest = audio[:cut], audio[cut:]
        if len(head):
            for word in self._decode(head):
                side.words.append(
                    Word(
                        word.text, side.start + word.start, side.start + word.end, word.probability
                    )
                )
        side.start += cut / SAMPLE_RATE
        side.chunks = [rest] if len(rest) else []
        side.samples = len(rest)
        side.decoded_until = side.start if len(rest) or not self._exhausted else float("inf")

    def _decode(self, audio: np.ndarray) -> list[Word]:
        """A stretch of one side through Whisper, its hallucinations removed segment by segment."""
        opts = self._whisper.options
        segments, _info = self._whisper.model.transcribe(
            audio,
            language=opts.language,
            task="transcribe",
            beam_size=opts.beam_size,
            temperature=0.0,
            condition_on_previous_text=False,
            initial_prompt=None,
            word_timestamps=True,
            vad_filter=True,
            no_speech_threshold=opts.no_speech_threshold,
            log_prob_threshold=opts.log_prob_threshold,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            suppress_blank=True,
        )
        words: list[Word] = []
        for seg in segments:  # decoding happens while iterating
            heard = heard_segment(seg)
            if not heard.words:
                continue
            span = max(heard.words[-1].end - heard.words[0].start, 0.1)
            words.extend(self._whisper.hallucinations.clean([heard], span).words)
        return words


def _middle(word: Word) -> float:
    return (word.start + word.end) / 2


def _quiet_cut(audio: np.ndarray) -> int:
    """The sample to cut at: the start of the quietest 0.1 s frame near the end."""
    frame = SAMPLE_RATE // 10
    search = int(CUT_SEARCH_SECONDS * SAMPLE_RATE)
    first = max(0, len(audio) - search)
    tail = audio[first : first + (len(audio) - first) // frame * frame]
    if len(tail) < frame:
        return len(audio)
    energy = np.square(tail.reshape(-1, frame)).mean(axis=1)
    return first + int(np.argmin(energy)) * frame
