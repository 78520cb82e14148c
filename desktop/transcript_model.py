"""The transcript as the overlay shows it: one line per utterance, in time order (no Qt).

Transcripts arrive from the ASR worker out of time order (the agent's channel
goes first) and partials are replaced by newer partials and then by the
final words. This model keeps one line per (channel, utterance), sorted by
the first word's time, and remembers which words a phrase rule flagged so
the view can underline them. It holds at most ``max_lines`` lines: an
overlay is for the last minutes of a call, the replay window for the rest.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from belcoach.audio.events import Channel, PhraseHit, Transcript, Word


@dataclass(slots=True)
class Line:
    """One utterance on one side.

    Attributes:
        channel: who spoke.
        utterance: the engine's utterance id on that channel.
        t: the first word's start (audio clock).
        words: the words so far.
        final: False while the words are a partial guess (shown greyed).
        flagged: indices of words a phrase rule matched.
        revision: bumped on every change, so views can cache layouts.
        gap_end: for a gap marker (speech the live transcript skipped to keep
            up, from ``t`` to here), else None.
    """

    channel: Channel
    utterance: int
    t: float
    words: tuple[Word, ...]
    final: bool
    flagged: set[int] = field(default_factory=set)
    revision: int = 0
    gap_end: float | None = None

    @property
    def text(self) -> str:
        """The words joined with spaces."""
        return " ".join(w.text for w in self.words)


class TranscriptModel:
    """Utterance lines in time order, partials replaced in place.

    Args:
        max_lines: the oldest lines are forgotten beyond this.
    """

    def __init__(self, *, max_lines: int = 400) -> None:
        self.max_lines = max_lines
        self.lines: list[Line] = []
        self._index: dict[tuple[Channel, int], Line] = {}
        self._gaps = 0
        self.revision = 0
        self.last_change: tuple[float, bool] | None = None
        """(time of the changed line, whether it is the newest line) after each change."""

    def clear(self) -> None:
        """Forget everything (a new call)."""
        self.lines.clear()
        self._index.clear()
        self.revision += 1

    def apply(self, event: Transcript) -> bool:
        """Take a partial or final transcript; return True when the lines changed."""
        if event.channel is None:
            return False
        channel = Channel(event.channel)
        key = (channel, event.utterance)
        old = self._index.get(key)
        if old is not None:
            if old.final and not event.final:
                return False  # a late partial never overwrites committed words
            self.lines.remove(old)
            del self._index[key]
        if not event.words:
            self.revision += 1
            return old is not None
        line = Line(
            channel=channel,
            utterance=event.utterance,
            t=event.words[0].start,
            words=tuple(event.words),
            final=event.final,
            revision=(old.revision + 1) if old else 0,
        )
        self._insert(line)
        return True

    def _insert(self, line: Line) -> None:
        """Put a line in time order and forget the oldest beyond ``max_lines``."""
        position = bisect.bisect_right([x.t for x in self.lines], line.t)
        self.lines.insert(position, line)
        self._index[(line.channel, line.utterance)] = line
        if len(self.lines) > self.max_lines:
            for gone in self.lines[: len(self.lines) - self.max_lines]:
                self._index.pop((gone.channel, gone.utterance), None)
            del self.lines[: len(self.lines) - self.max_lines]
        self.revision += 1

    def gap(self, channel: Channel, start: float, end: float) -> bool:
        """Mark speech the live transcript skipped (status ``transcript_gap``) in its place."""
        self._gaps += 1
        line = Line(channel, -self._gaps, start, (), True, gap_end=max(start, end))
        self._insert(line)
        return True

    def flag(self, hit: PhraseHit) -> bool:
        """Mark the words a phrase rule matched; True when a shown line changed."""
        if hit.channel is None:
            return False
        line = self._index.get((Channel(hit.channel), hit.utterance))
        if line is None or not hit.words:
            return False
        starts = {round(w.start, 2) for w in hit.words}
        texts = {w.text.lower().strip(".,!?;:") for w in hit.words}
        changed = False
        for i, word in enumerate(line.words):
            same_time = round(word.start, 2) in starts
            in_span = hit.t - 0.05 <= word.start <= hit.end + 0.05
            matches = word.text.lower().strip(".,!?;:") in texts
            if (same_time or in_span) and matches and i not in line.flagged:
                line.flagged.add(i)
                changed = True
        if changed:
            line.revision += 1
            self.revision += 1
        return changed
