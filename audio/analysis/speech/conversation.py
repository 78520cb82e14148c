"""Running figures for the whole call: talk/listen ratio, longest monologue and turn.

Talk time is the confirmed speech of each side (``channel_track`` runs). A
*stretch* is one side's talk from when it takes the floor until the other
side takes it back (speaks for at least ``min_turn``, so a "ja" does not end
it) or a dead-air silence falls: the agent's longest stretch is their longest
monologue; the customer's is their longest uninterrupted turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from belcoach.audio.analysis.speech.channel_track import Run
from belcoach.audio.events import Channel


@dataclass(slots=True)
class _Stretch:
    start: float
    end: float


class ConversationTally:
    """Keeps the longest stretch per side; the analyser adds talk time and counts.

    Args:
        min_turn: seconds of speech with which a side takes the floor.
        max_silence: a silence this long ends a stretch (the dead-air threshold).
    """

    def __init__(self, *, min_turn: float, max_silence: float) -> None:
        self.min_turn = min_turn
        self.max_silence = max_silence
        self._stretch: dict[Channel, _Stretch | None] = {ch: None for ch in Channel}
        self._floor_taken: dict[Channel, float] = {ch: -1.0 for ch in Channel}
        self.longest: dict[Channel, float] = {ch: 0.0 for ch in Channel}

    def update(self, channel: Channel, run: Run) -> None:
        """``channel``'s run (open or just closed) now reaches ``run.end``."""
        other = Channel.CUSTOMER if channel is Channel.AGENT else Channel.AGENT
        if run.duration >= self.min_turn and self._floor_taken[other] < run.start:
            # This side took the floor: the other side's stretch ends here.
            self._floor_taken[other] = run.start
            self._stretch[other] = None
        stretch = self._stretch[channel]
        if stretch is None or run.start - stretch.end >= self.max_silence:
            start = max(run.start, self._floor_taken[channel])
            stretch = self._stretch[channel] = _Stretch(start, run.end)
        stretch.end = max(stretch.end, run.end)
        self.longest[channel] = max(self.longest[channel], stretch.end - stretch.start)
