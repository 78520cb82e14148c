"""Build test calls from real clips and run the engine on them (shared by tests and benchmarks)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from belcoach.audio.engine.engine import MAX_TRANSCRIPT_LAG
from belcoach.audio.engine.sources import open_call
from belcoach.audio.events import Event, Transcript
from belcoach.audio.jobs.run import CallTranscriber, run_call
from support.fillets import Clip


@dataclass
class CallRun:
    """What one engine run produced."""

    events: list[Event]
    stats: dict[str, float]

    @property
    def finals(self) -> list[Transcript]:
        """Committed transcripts in publication order."""
        return [e for e in self.events if isinstance(e, Transcript) and e.final]

    def text(self, channel: str) -> str:
        """All committed words of one channel, in time order."""
        ordered = sorted(self.finals, key=lambda e: e.t)
        return " ".join(e.text for e in ordered if e.channel == channel)


def run_file(
    transcriber: CallTranscriber,
    path: Path,
    *,
    realtime: bool = False,
    max_transcript_lag: float | None = MAX_TRANSCRIPT_LAG,
) -> CallRun:
    """Run the engine over a call file and collect every event.

    ``max_transcript_lag=None`` keeps every utterance however late its words come
    (a test about what is transcribed, on a CPU whose kernels may be slow).
    """
    events: list[Event] = []
    cpu0 = time.process_time()
    engine = run_call(
        open_call(path, realtime=realtime),
        transcriber,
        model_name="base",
        paced=realtime,
        subscribers=[events.append],
        max_transcript_lag=max_transcript_lag,
    )
    stats = dict(engine.stats)
    stats["cpu_seconds"] = time.process_time() - cpu0
    return CallRun(events, stats)


def clips_call(clips: list[Clip], path: Path, *, gap: float = 1.0) -> dict[str, str]:
    """Write a stereo call whose turns alternate agent/customer, one real clip each.

    Returns:
        The reference text per channel, in order.
    """
    sides: dict[str, list[np.ndarray]] = {"agent": [], "customer": []}
    refs: dict[str, list[str]] = {"agent": [], "customer": []}
    pause = np.zeros(int(gap * 16000), np.float32)
    for i, clip in enumerate(clips):
        y, sr = sf.read(clip.path, dtype="float32", always_2d=True)
        # fillets clips are stereo with peaks a little over 1.0: average and scale
        mono = soxr.resample(y.mean(axis=1), sr, 16000).astype(np.float32)
        mono *= 0.9 / max(1e-6, float(np.abs(mono).max()))
        me, other = ("agent", "customer") if i % 2 == 0 else ("customer", "agent")
        sides[me] += [mono, pause]
        sides[other] += [np.zeros(len(mono), np.float32), pause]
        refs[me].append(clip.text)
    stereo = np.stack([np.concatenate(sides["agent"]), np.concatenate(sides["customer"])], axis=1)
    sf.write(path, stereo, 16000)
    return {ch: " ".join(texts) for ch, texts in refs.items()}
