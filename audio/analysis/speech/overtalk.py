"""Over-talk (both sides at once) and dead air (both silent), from the channels' runs.

Both run on the engine thread from the VAD-confirmed sounding runs of
``channel_track``, hop by hop, so an alert never waits for words: over-talk is
published in the hop where the overlap passes ``min_overlap``, dead air in the
hop where the silence passes ``min_silence``.

Over-talk: the *interrupter* is the side whose current run started later (it
started, or resumed, while the other was speaking). Overlaps shorter than
``min_overlap`` are backchannels ("ja", "hm") and are not reported; overlaps
with the same interrupter less than ``merge_gap`` apart are one episode. Both
directions are published (the coach needs them); only ``channel == agent``
(the agent talking over the customer) is meant to alert the agent.
"""

from __future__ import annotations

from dataclasses import dataclass

from belcoach.audio.analysis.speech.channel_track import Run
from belcoach.audio.analysis.speech.config import DeadAirConfig, OverTalkConfig
from belcoach.audio.events import Channel, DeadAir, Event, OverTalk


@dataclass(slots=True)
class _Episode:
    start: float
    interrupter: Channel
    done_s: float = 0.0  # overlap of finished segments
    seg_start: float = 0.0
    seg_end: float = 0.0
    pair: tuple[int, int] = (0, 0)
    open: bool = True  # a segment is in progress
    emitted: bool = False

    @property
    def overlap_s(self) -> float:
        return self.done_s + (max(0.0, self.seg_end - self.seg_start) if self.open else 0.0)

    @property
    def last_end(self) -> float:
        return self.seg_end


class OverTalkDetector:
    """Finds over-talk episodes; feed it both channels' open runs every hop."""

    def __init__(self, config: OverTalkConfig) -> None:
        self.config = config
        self._ep: _Episode | None = None
        self._spent: tuple[int, int] = (0, 0)  # the run pair whose overlap is over
        self.episodes: dict[Channel, int] = {Channel.AGENT: 0, Channel.CUSTOMER: 0}
        self.seconds: dict[Channel, float] = {Channel.AGENT: 0.0, Channel.CUSTOMER: 0.0}

    def step(self, now: float, agent: Run | None, customer: Run | None) -> list[Event]:
        """Advance to ``now`` with each side's current run (confirmed, possibly closed)."""
        events: list[Event] = []
        ep = self._ep
        overlapping = False
        start = end = 0.0
        if agent is not None and customer is not None and agent.confirmed and customer.confirmed:
            start = max(agent.start, customer.start)
            end = min(agent.end, customer.end)
            overlapping = end > start or not (agent.closed or customer.closed)
            overlapping = overlapping and (agent.serial, customer.serial) != self._spent
        if overlapping and agent is not None and customer is not None:
            pair = (agent.serial, customer.serial)
            who = Channel.AGENT if agent.start >= customer.start else Channel.CUSTOMER
            if ep is not None and ep.pair != pair:
                self._close_segment(ep)
                if start - ep.last_end <= self.config.merge_gap and who == ep.interrupter:
                    ep.open, ep.pair, ep.seg_start = True, pair, start
                else:
                    events += self._finish(ep)
                    ep = None
            if ep is None:
                ep = self._ep = _Episode(start=start, interrupter=who, seg_start=start, pair=pair)
            if ep.open:
                ep.seg_end = max(ep.seg_start, end)
            if agent.closed or customer.closed:
                self._close_segment(ep)
        elif ep is not None and ep.open:
            self._close_segment(ep)
        if ep is not None:
            if not ep.emitted and ep.overlap_s >= self.config.min_overlap:
                ep.emitted = True
                self.episodes[ep.interrupter] += 1
                events.append(self._event(ep, ongoing=True))
            if not ep.open and now - ep.last_end > self.config.merge_gap:
                events += self._finish(ep)
        return events

    def finish(self) -> list[Event]:
        """End of the call: close the episode in progress."""
        if self._ep is None:
            return []
        self._close_segment(self._ep)
        if not self._ep.emitted and self._ep.overlap_s >= self.config.min_overlap:
            self._ep.emitted = True
            self.episodes[self._ep.interrupter] += 1
        return self._finish(self._ep)

    def _close_segment(self, ep: _Episode) -> None:
        self._spent = ep.pair
        if ep.open:
            ep.done_s += max(0.0, ep.seg_end - ep.seg_start)
            ep.open = False

    def _finish(self, ep: _Episode) -> list[Event]:
        self._ep = None
        if not ep.emitted:
            return []  # a backchannel: under the minimum overlap
        self.seconds[ep.interrupter] += ep.overlap_s
        return [self._event(ep, ongoing=False)]

    @staticmethod
    def _event(ep: _Episode, *, ongoing: bool) -> OverTalk:
        other = Channel.CUSTOMER if ep.interrupter is Channel.AGENT else Channel.AGENT
        return OverTalk(
            ep.start,
            ep.interrupter,
            start=ep.start,
            end=None if ongoing else ep.last_end,
            interrupter=str(ep.interrupter),
            interrupted=str(other),
            overlap_s=ep.overlap_s,
            ongoing=ongoing,
        )


class DeadAirDetector:
    """Both sides silent for at least ``min_silence``, after the call's first speech."""

    def __init__(self, config: DeadAirConfig) -> None:
        self.config = config
        self._last_end: float | None = None  # end of the latest speech of either side
        self._speaking = 0
        self._emitted = False
        self.total = 0.0
        self.count = 0

    def speech_started(self, start: float) -> list[Event]:
        """A side began a confirmed run at ``start``: close dead air in progress."""
        self._speaking += 1
        if not self._emitted or self._last_end is None:
            return []
        return [self._close(start)]

    def speech_ended(self, end: float) -> None:
        """A side's confirmed run closed at ``end``."""
        self._speaking = max(0, self._speaking - 1)
        self._last_end = end if self._last_end is None else max(self._last_end, end)

    def step(self, now: float) -> list[Event]:
        """Advance to ``now``; publish the alert when the silence passes the threshold."""
        if self._speaking or self._emitted or self._last_end is None:
            return []
        if now - self._last_end >= self.config.min_silence:
            self._emitted = True
            return [DeadAir(self._last_end, None, duration=self.config.min_silence, ongoing=True)]
        return []

    def finish(self, t_end: float) -> list[Event]:
        """End of the call: close dead air still in progress at ``t_end``."""
        if self._emitted and self._last_end is not None:
            return [self._close(t_end)]
        return []

    def _close(self, at: float) -> DeadAir:
        assert self._last_end is not None
        duration = max(0.0, at - self._last_end)
        self._emitted = False
        self.total += duration
        self.count += 1
        return DeadAir(self._last_end, None, duration=duration, ongoing=False)
