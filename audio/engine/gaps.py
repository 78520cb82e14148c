"""A stretch of speech the live transcript skipped to keep up (see ``asr_worker``)."""

from __future__ import annotations

from dataclasses import dataclass

from belcoach.audio.events import Channel
from belcoach.audio.status import TranscriptGap
from belcoach.core.clock import format_clock


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch of one channel's speech the live transcript skipped to keep up.

    Attributes:
        channel: whose speech was skipped.
        start: audio-clock start of the first skipped utterance (with its padding).
        end: audio-clock end of the last skipped utterance's speech.
        utterances: how many final utterances were skipped.
        speech_seconds: seconds of utterance audio skipped.
        lag: how late (s) the oldest skipped utterance already was.
    """

    channel: Channel
    start: float
    end: float
    utterances: int
    speech_seconds: float
    lag: float

    def status(self) -> TranscriptGap:
        """The `TranscriptGap` status that tells people and programs about it."""
        return TranscriptGap(
            self.start,
            self.channel,
            message=(
                f"Transcript skipped {self.speech_seconds:.0f} s of {self.channel} speech "
                f"({format_clock(self.start, pad=True)}-{format_clock(self.end, pad=True)})"
                " to keep up; alerts keep working."
            ),
            details={
                "channel": str(self.channel),
                "start": round(self.start, 3),
                "end": round(self.end, 3),
                "utterances": self.utterances,
                "speech_seconds": round(self.speech_seconds, 1),
                "lag": round(self.lag, 1),
            },
        )
