"""Whisper's raw output per utterance, cached to a file, replayed through the real engine.

Tuning what happens after Whisper (the hallucination filter, the phrase
cards' word-probability gate) must not re-run Whisper: on two shared cores
base needs ~2 s per utterance. ``RecordingTranscriber`` runs the real model
and keeps every utterance's ``HeardSegment`` list (nothing dropped yet), keyed
by a hash of the utterance's audio; ``CachedTranscriber`` gives the same
segments back when the engine cuts the same audio again (the VAD and the
segmenter are deterministic for the same file), and runs the real
``HallucinationFilter`` over them, as ``WhisperTranscriber.transcribe`` does.

The cache is JSON Lines, one object per clip (``save_clip`` / ``load_cache``),
so a long run can stop and go on where it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.bus import EventBus, Subscriber
from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.engine.engine import CallEngine, EngineConfig
from belcoach.audio.engine.hallucinations import Cleaned, HallucinationFilter, HeardSegment
from belcoach.audio.engine.segmenter import SegmenterConfig
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions, Transcriber, WhisperTranscriber
from belcoach.audio.engine.vad import SileroSession
from belcoach.audio.events import Event, Word

Segments = list[HeardSegment]


def audio_key(audio: np.ndarray) -> str:
    """A stable key for one utterance's audio."""
    return hashlib.sha1(np.ascontiguousarray(audio, dtype=np.float32).tobytes()).hexdigest()


def agent_call(source: Path, path: Path, *, lead: float = 0.3, tail: float = 0.5) -> float:
    """Write ``source`` (any rate, mono or stereo) as the agent side of a 16 kHz stereo call.

    The customer side is silent. Returns the call's length in seconds.
    """
    y, sr = sf.read(source, dtype="float32", always_2d=True)
    mono = soxr.resample(y.mean(axis=1), sr, SAMPLE_RATE).astype(np.float32)
    mono *= 0.9 / max(1e-6, float(np.abs(mono).max()))
    agent = np.concatenate(
        [np.zeros(int(lead * SAMPLE_RATE), np.float32), mono, np.zeros(int(tail * SAMPLE_RATE))]
    ).astype(np.float32)
    sf.write(path, np.stack([agent, np.zeros_like(agent)], axis=1), SAMPLE_RATE)
    return len(agent) / SAMPLE_RATE


def run_agent_call(
    path: Path,
    transcriber: Transcriber,
    *,
    language: str = "nl",
    analysis_settings: dict[str, Any] | None = None,
    subscribers: Sequence[Subscriber] = (),
    vad_session: SileroSession | None = None,
) -> list[Event]:
    """``belcoach analyze``'s path over one call file, without interim passes.

    The same engine, segmenter cuts and default analysers as
    ``pipeline.run_call``; only the interim passes inside long utterances are
    off: they never reach the phrase cards (committed words only) and each
    costs a Whisper pass. The final utterances do not depend on them.
    """
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    for subscriber in subscribers:
        bus.subscribe(subscriber)
    config = EngineConfig(
        language=language, model="base", segmenter=SegmenterConfig(interim_every=1e9)
    )
    engine = CallEngine(
        open_call(path),
        transcriber,
        bus,
        config,
        vad_session=vad_session or SileroSession(),
        analysers=default_analysers(language, analysis_settings),
    )
    engine.run()
    return events


def segment_json(seg: HeardSegment) -> dict[str, Any]:
    """A segment as JSON."""
    return {
        "text": seg.text,
        "no_speech_prob": seg.no_speech_prob,
        "avg_logprob": seg.avg_logprob,
        "compression_ratio": seg.compression_ratio,
        "words": [[w.text, w.start, w.end, w.probability] for w in seg.words],
    }


def segment_from_json(data: dict[str, Any]) -> HeardSegment:
    """The inverse of ``segment_json``."""
    return HeardSegment(
        text=data["text"],
        words=tuple(Word(t, s, e, p) for t, s, e, p in data["words"]),
        no_speech_prob=data["no_speech_prob"],
        avg_logprob=data["avg_logprob"],
        compression_ratio=data["compression_ratio"],
    )


@dataclass
class Pass:
    """One transcriber call: its audio length and what the filter did."""

    seconds: float
    heard: Segments
    cleaned: Cleaned


@dataclass
class RecordingTranscriber:
    """The real model; remembers each utterance's raw segments under its audio key."""

    inner: WhisperTranscriber
    store: dict[str, Segments] = field(default_factory=dict)

    @property
    def options(self) -> DecodeOptions:
        """The decode options (``run_call`` reads the language from them)."""
        return self.inner.options

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """Decode with Whisper, remember, then filter as the live path does."""
        heard = self.inner.decode(audio)
        self.store[audio_key(audio)] = heard
        return list(self.inner.hallucinations.clean(heard, len(audio) / SAMPLE_RATE).words)


@dataclass
class CachedTranscriber:
    """Gives back recorded segments and runs the real hallucination filter over them."""

    store: dict[str, Segments]
    hallucinations: HallucinationFilter
    options: DecodeOptions
    passes: list[Pass] = field(default_factory=list)
    misses: int = 0

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """The cached words of this audio, filtered; none (and a miss counted) if unseen."""
        heard = self.store.get(audio_key(audio))
        if heard is None:
            self.misses += 1
            return []
        cleaned = self.hallucinations.clean(heard, len(audio) / SAMPLE_RATE)
        self.passes.append(Pass(len(audio) / SAMPLE_RATE, heard, cleaned))
        return list(cleaned.words)


def load_cache(path: Path) -> dict[str, dict[str, Segments]]:
    """Clip name → audio key → segments, from a cache file (empty if it does not exist)."""
    out: dict[str, dict[str, Segments]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out[item["clip"]] = {
                key: [segment_from_json(s) for s in segs] for key, segs in item["jobs"].items()
            }
    return out


def save_clip(path: Path, clip: str, store: dict[str, Segments], **extra: Any) -> None:
    """Append one clip's recorded segments to the cache file."""
    item = {
        "clip": clip,
        **extra,
        "jobs": {k: [segment_json(s) for s in v] for k, v in store.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(item, ensure_ascii=False) + "\n")
