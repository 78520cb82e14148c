"""How long a window the Whisper encoder sees for an utterance: the smallest bucket that holds it.

faster-whisper pads every window's log-mel features to 30 s (3,000 frames), so
a 1.5 s "Ja, klopt" pays a whole 30 s encoder pass, and the encoder's cost
grows with its input length. CTranslate2's Whisper encoder accepts a shorter
input (whisper.cpp calls this ``audio_ctx``), but Whisper was trained on 30 s
windows only: squeezed too tight around the speech it hears worse. So an
utterance is padded to the smallest *bucket* that holds its audio plus a
``margin`` of padding, out of a few fixed sizes (few sizes keep batching two
utterances in one bucket likely). ``benchmarks/encoder.py`` measured which
buckets and margin keep the word error rate; ``SHORT_WINDOWS`` is its choice
(not yet the default, see ``belcoach.audio.engine.transcriber``),
``FULL_WINDOW`` is faster-whisper's own behaviour.

Pure arithmetic: no model, no numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAMES_PER_SECOND = 100
"""Whisper's log-mel frames per second of audio (hop of 160 samples at 16 kHz)."""

FULL_FRAMES = 30 * FRAMES_PER_SECOND
"""Whisper's native window: 30 s, 3,000 frames."""


@dataclass(frozen=True, slots=True)
class BucketPolicy:
    """Window sizes (seconds) an utterance's features may be padded to.

    Attributes:
        buckets: allowed window lengths in seconds, each a whole number of
            encoder frames; the largest must be 30 (Whisper's window).
        margin: seconds of padding a window must hold beyond the audio;
            Whisper transcribes worse when the speech fills its window.
    """

    buckets: tuple[float, ...] = (30.0,)
    margin: float = 0.0

    def __post_init__(self) -> None:
        if not self.buckets or sorted(self.buckets) != list(self.buckets):
            raise ValueError(f"buckets must be given in increasing order: {self.buckets}")
        if self.buckets[-1] != FULL_FRAMES / FRAMES_PER_SECOND:
            raise ValueError(f"the largest bucket must be 30 s, got {self.buckets[-1]}")
        frames = [b * FRAMES_PER_SECOND for b in self.buckets]
        if any(abs(f - round(f)) > 1e-6 or round(f) % 2 for f in frames):
            raise ValueError("each bucket must be an even number of frames (the encoder halves it)")
        if self.margin < 0:
            raise ValueError(f"margin must be >= 0, got {self.margin}")

    def frames(self, content_frames: int) -> int:
        """Frames to pad a window of ``content_frames`` feature frames to.

        Content longer than 30 s is not a window (faster-whisper cuts it
        first); it gets the full 3,000 frames.
        """
        need = content_frames + self.margin * FRAMES_PER_SECOND
        for seconds in self.buckets:
            frames = round(seconds * FRAMES_PER_SECOND)
            if need <= frames:
                return frames
        return FULL_FRAMES

    def seconds(self, duration: float) -> float:
        """The bucket (seconds) for ``duration`` seconds of audio."""
        return self.frames(round(duration * FRAMES_PER_SECOND)) / FRAMES_PER_SECOND


FULL_WINDOW = BucketPolicy()
"""faster-whisper's own behaviour: every window padded to 30 s."""

SHORT_WINDOWS = BucketPolicy(buckets=(10.0, 20.0, 30.0), margin=1.0)
"""The measured bucket choice: up to 9 s of audio (nearly every utterance) gets a
10 s window, the segmenter's longest (12 s plus padding) 20 s. With a 5 s bucket
(5/10/20/30 s, 2 s margin) the WER was 8.7 points worse; figures in
``belcoach.audio.engine.transcriber``."""
