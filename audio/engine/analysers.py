"""How analysers plug into the engine.

An analyser turns what the engine sees into more events. Two kinds of input:

- ``on_frames``: every block's audio and VAD windows for both channels, on
  the engine thread, as the audio arrives. Alerts that need no words
  (over-talk, speaking too fast, dead air) live here so they are never held
  back by transcription.
- ``on_event``: every event published on the bus (transcripts from the ASR
  worker, speech regions, other analysers' events). Publishing is serialised
  by the bus, so an analyser never sees two events at once; it must ignore
  the event types it emits itself.

Both return the events to publish (possibly none). ``finish`` is called once
at the end of the call with the final audio time. Analysers hold no threads,
no clocks and no I/O: replaying a file gives the same events as the live call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.engine.vad import VadFrames
from belcoach.audio.events import Channel, Event


class Analyser(Protocol):
    """One analysis of the call; see the module docstring for the threading rules."""

    def on_frames(self, block: AudioBlock, frames: Mapping[Channel, VadFrames]) -> list[Event]:
        """Consume one block and its completed VAD windows per channel."""
        ...

    def on_event(self, event: Event) -> list[Event]:
        """React to an event published on the bus."""
        ...

    def finish(self, t_end: float) -> list[Event]:
        """The call ended at ``t_end`` (audio clock): flush and summarise."""
        ...


class BaseAnalyser:
    """Convenience base: every hook does nothing until overridden."""

    def on_frames(self, block: AudioBlock, frames: Mapping[Channel, VadFrames]) -> list[Event]:
        """Consume one block; by default nothing."""
        return []

    def on_event(self, event: Event) -> list[Event]:
        """React to an event; by default nothing."""
        return []

    def finish(self, t_end: float) -> list[Event]:
        """End of call; by default nothing."""
        return []
