"""Generated calls with known timing, and ways to run the speech analytics on them.

Most analytics tests need no Whisper: ``analyse`` runs the real Silero VAD
and the speech analyser over a file block by block, exactly as the engine
does; ``run_engine`` runs the whole engine with a transcriber that hears no
words (for mono handling and replay/realtime checks, which are not about
transcription).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.analysis.speech.analyser import SpeechAnalytics
from belcoach.audio.analysis.speech.config import speech_config
from belcoach.audio.bus import EventBus
from belcoach.audio.engine.engine import CallEngine, EngineConfig
from belcoach.audio.engine.sources import MONO_MESSAGE, open_call
from belcoach.audio.engine.vad import SileroSession, StreamingVad
from belcoach.audio.events import Channel, Event, Transcript, Word
from belcoach.audio.status import EngineStatus
from support.synth import CallTruth, Turn, synthesize_call

_SESSION: list[SileroSession] = []


def silero() -> SileroSession:
    """One Silero session for the whole test run (creating one takes ~0.1 s)."""
    if not _SESSION:
        _SESSION.append(SileroSession())
    return _SESSION[0]


def require_espeak() -> None:
    """Skip the test when espeak-ng is missing."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed: apt-get install espeak-ng")


def make_call(
    folder: Path, turns: Sequence[Turn], *, language: str = "nl", name: str = "call.wav"
) -> tuple[Path, CallTruth]:
    """Render a call script with espeak-ng; return the file and its exact truth."""
    require_espeak()
    path = folder / name
    truth = synthesize_call(turns, language=language, out_audio=path)
    return path, truth


def analyse(
    path: Path,
    *,
    language: str = "nl",
    settings: Mapping[str, Any] | None = None,
    words: Sequence[Word] = (),
) -> list[Event]:
    """Run VAD + the speech analyser over a file (no Whisper); return its events.

    ``words`` are handed over as one committed agent transcript after the
    audio, as the ASR worker would before the call's end.
    """
    source = open_call(path)
    analyser = SpeechAnalytics(speech_config(language, settings or {}))
    events: list[Event] = []
    if source.mono:
        events += analyser.on_event(
            EngineStatus(0.0, None, level="warning", code="mono_call", message=MONO_MESSAGE)
        )
    vads = {ch: StreamingVad(silero()) for ch in Channel}
    end = 0.0
    for block in source.blocks(threading.Event()):
        frames = {
            Channel.AGENT: vads[Channel.AGENT].feed(block.t, block.agent),
            Channel.CUSTOMER: vads[Channel.CUSTOMER].feed(block.t, block.customer),
        }
        events += analyser.on_frames(block, frames)
        end = block.t + block.duration
    if words:
        events += analyser.on_event(
            Transcript(words[0].start, Channel.AGENT, words=tuple(words), final=True, utterance=1)
        )
    events += analyser.finish(end)
    return events


def words_of(truth: CallTruth, channel: str = "agent") -> list[Word]:
    """Scripted committed words: each turn's words spread evenly over the turn."""
    out: list[Word] = []
    for turn in sorted(truth.turns, key=lambda t: t.start):
        if turn.channel != channel:
            continue
        parts = turn.text.split()
        step = (turn.end - turn.start) / len(parts)
        for i, text in enumerate(parts):
            out.append(Word(text, turn.start + i * step, turn.start + (i + 1) * step, 0.9))
    return out


class SilentTranscriber:
    """Hears no words: for engine tests that are about timing and channels, not text."""

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """Return no words."""
        return []


def run_engine(path: Path, *, realtime: bool = False, language: str = "nl") -> list[Event]:
    """Run the whole engine over a file with ``SilentTranscriber``; return every event."""
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    engine = CallEngine(
        open_call(path, realtime=realtime),
        SilentTranscriber(),
        bus,
        EngineConfig(language=language, paced=realtime),
        vad_session=silero(),
        analysers=default_analysers(language),
    )
    engine.run()
    return events


def of_type(events: Sequence[Event], kind: type[Any]) -> list[Any]:
    """The events of one class, in publication order."""
    return [e for e in events if isinstance(e, kind)]
