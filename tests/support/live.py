"""Shared pieces of the live-capture tests: test calls, a recording tee, lag measurement."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.events import Event
from belcoach.audio.live.source import LiveCallSource
from support.synth import CallTruth, Turn, synthesize_call

OVERLAP_GAP = -1.2
"""The agent's second turn starts this long before the customer's turn ends: over-talk."""

SCRIPT = (
    Turn("agent", "Goedemiddag, u spreekt met Anna van de klantenservice.", start=0.3),
    Turn("customer", "Hallo, ik bel over mijn factuur van vorige maand.", gap=0.5),
    Turn("agent", "Ja, dat begrijp ik, ik kijk het even na.", gap=OVERLAP_GAP),
)


@dataclass(frozen=True)
class CallFiles:
    """A synthetic call split into one mono file per side, plus its truth."""

    agent: Path
    customer: Path
    truth: CallTruth
    reference: dict[str, np.ndarray]


def make_call(folder: Path) -> CallFiles:
    """Render `SCRIPT` with espeak-ng and write agent.wav and customer.wav (16 kHz)."""
    stereo = folder / "call.wav"
    truth = synthesize_call(SCRIPT, out_audio=stereo)
    audio, _ = sf.read(stereo, dtype="float32")
    sf.write(folder / "agent.wav", audio[:, 0], SAMPLE_RATE)
    sf.write(folder / "customer.wav", audio[:, 1], SAMPLE_RATE)
    return CallFiles(
        folder / "agent.wav",
        folder / "customer.wav",
        truth,
        {"agent": audio[:, 0].copy(), "customer": audio[:, 1].copy()},
    )


class Tee:
    """An AudioSource that passes a live source through and keeps every block."""

    def __init__(self, source: LiveCallSource) -> None:
        self.source = source
        self.description = source.description
        self.duration = None
        self.seen: list[AudioBlock] = []

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """The live source's blocks, recorded."""
        for block in self.source.blocks(stop):
            self.seen.append(block)
            yield block

    def channel(self, name: str) -> np.ndarray:
        """One side of everything recorded so far."""
        return np.concatenate([getattr(b, name) for b in self.seen])


ENVELOPE_HOP = 160
"""10 ms frames: the lag is found to 10 ms, ten times finer than the 100 ms bound."""


def envelope(x: np.ndarray) -> np.ndarray:
    """RMS per 10 ms frame: compares speech by its shape, not its waveform.

    The capture path (PulseAudio resampling, whole-sample drift slips) keeps the
    words but not the exact phase of every treble component.
    """
    n = len(x) // ENVELOPE_HOP
    frames = x[: n * ENVELOPE_HOP].reshape(n, ENVELOPE_HOP).astype(np.float64)
    return np.sqrt(np.mean(frames**2, axis=1))


def lag_seconds(captured: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """Where ``reference`` sits in ``captured`` (seconds, to 10 ms) and how well it matches.

    Cross-correlates the two RMS envelopes; the match is the normalised correlation
    (0..1) of the envelopes at that lag.
    """
    cap, ref = envelope(captured), envelope(reference)
    scores = np.correlate(cap, ref, mode="valid") if len(cap) >= len(ref) else np.zeros(1)
    lag = int(np.argmax(scores))
    segment = cap[lag : lag + len(ref)]
    denom = float(np.linalg.norm(segment) * np.linalg.norm(ref)) or 1.0
    return lag * ENVELOPE_HOP / SAMPLE_RATE, float(np.dot(segment, ref)) / denom


def rms(x: np.ndarray) -> float:
    """Root mean square of a block."""
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def of_type(events: list[Event], kind: str, channel: str | None = None) -> list[Event]:
    """Events of one ``type`` (and channel, if given)."""
    return [e for e in events if e.type == kind and (channel is None or e.channel == channel)]


def tone(path: Path, hz: float, seconds: float, amp: float = 0.3) -> Path:
    """Write a sine at 16 kHz."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    sf.write(path, (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32), SAMPLE_RATE)
    return path


def dominant_hz(x: np.ndarray) -> float:
    """Frequency of the strongest FFT bin of a 16 kHz signal."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[np.argmax(spectrum)])
