"""The audio every tool hears, and where each utterance's speech ends in it.

Two calls, the same ones benchmarks/transcribe.py scores: the demo call
(espeak-ng Dutch, with its script) and a call built from real Dutch clips
(tests/support `clips_call` over `fillets_clips`). The peers take one stream,
so each call is split into mono 16 kHz files, one per channel (agent only by
default); belcoach gets the same mono files (it takes a mono file as the
agent's side alone). Every file ends with `TAIL` seconds of silence, so a
tool that waits for silence after the last words can finish.

Speech end of an utterance (the latency anchor for every tool): the end of
its last 10 ms frame louder than `SPEECH_LEVEL` inside the span the reference
gives it (the script's turn for the demo, the clip's place for fillets). Both
references include some trailing silence (espeak's, the clip's padding), so
measuring from the audio itself keeps that silence out of every tool's figure.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from belcoach.demo import demo_call_path, demo_truth_path
from support.calls import clips_call
from support.fillets import fillets_clips

RATE = 16000
TAIL = 2.0
SPEECH_LEVEL = 0.02
"""Peak level (full scale 1.0, about -34 dBFS) a 10 ms frame needs to count as speech."""


@dataclass(frozen=True)
class Utterance:
    """One reference utterance: its words and where its speech ends (audio seconds)."""

    text: str
    end: float


@dataclass(frozen=True)
class Stream:
    """One mono file played into every tool, with its reference utterances in order."""

    call: str
    channel: str
    path: Path
    seconds: float
    utterances: tuple[Utterance, ...]


def speech_end(mono: np.ndarray, start: float, stop: float) -> float:
    """End of the last loud 10 ms frame in [start, stop) seconds; ``stop`` if none is loud."""
    frame = RATE // 100
    a, b = int(start * RATE), min(len(mono), int(stop * RATE))
    span = np.abs(mono[a:b])
    n = len(span) // frame
    loud = np.flatnonzero(span[: n * frame].reshape(n, frame).max(axis=1) > SPEECH_LEVEL)
    return (a + (int(loud[-1]) + 1) * frame) / RATE if len(loud) else stop


def _write(path: Path, mono: np.ndarray) -> float:
    padded = np.concatenate([mono, np.zeros(int(TAIL * RATE), np.float32)])
    sf.write(path, padded, RATE)
    return len(padded) / RATE


def _read_16k(path: Path) -> np.ndarray:
    stereo, rate = sf.read(path, dtype="float32", always_2d=True)
    return soxr.resample(stereo, rate, RATE).astype(np.float32) if rate != RATE else stereo


def demo_streams(out: Path, channels: tuple[str, ...]) -> list[Stream]:
    """The demo call's channels; utterances are the script's turns."""
    truth = json.loads(demo_truth_path().read_text())
    stereo = _read_16k(demo_call_path())
    streams = []
    for ch in channels:
        mono = np.ascontiguousarray(stereo[:, truth["channels"].index(ch)])
        turns = [t for t in truth["turns"] if t["channel"] == ch]
        utts = []
        for i, turn in enumerate(turns):
            stop = turns[i + 1]["start"] if i + 1 < len(turns) else len(mono) / RATE
            utts.append(Utterance(turn["text"], speech_end(mono, turn["start"], stop)))
        path = out / f"demo_{ch}.wav"
        streams.append(Stream("demo", ch, path, _write(path, mono), tuple(utts)))
    return streams


def fillets_streams(out: Path, n: int, channels: tuple[str, ...]) -> list[Stream]:
    """A `clips_call` of ``n`` real Dutch clips; utterances are the clips (alternating sides)."""
    clips = fillets_clips(limit=n, seed=1)
    if not clips:
        return []
    call = out / "fillets_call.wav"
    clips_call(clips, call)
    stereo = _read_16k(call)
    # clips_call lays clip i on side i % 2 (agent first), both sides advancing by its length + 1 s
    spans: dict[str, list[tuple[str, float, float]]] = {"agent": [], "customer": []}
    t = 0.0
    for i, clip in enumerate(clips):
        y, sr = sf.read(clip.path, dtype="float32", always_2d=True)
        seconds = len(soxr.resample(y.mean(axis=1), sr, RATE)) / RATE
        spans[("agent", "customer")[i % 2]].append((clip.text, t, t + seconds))
        t += seconds + 1.0
    streams = []
    for ch in channels:
        mono = np.ascontiguousarray(stereo[:, ("agent", "customer").index(ch)])
        utts = tuple(Utterance(text, speech_end(mono, a, b)) for text, a, b in spans[ch])
        path = out / f"fillets_{ch}.wav"
        streams.append(Stream("fillets", ch, path, _write(path, mono), utts))
    return streams


def build_streams(n_fillets: int, channels: tuple[str, ...]) -> tuple[list[Stream], Path]:
    """All streams, written into a fresh temporary directory (returned for clean-up)."""
    out = Path(tempfile.mkdtemp(prefix="belcoach-peers-"))
    streams = demo_streams(out, channels)
    if n_fillets:
        streams += fillets_streams(out, n_fillets, channels)
    return streams, out
