"""Replay recorded engine events (speech regions, transcripts) and audio through an analyser.

Whisper is the slow part of a call; an analyser's own logic can be checked, and tuned in
the benchmark, on events recorded once from a real run (``belcoach analyze --events``),
fed in the same order with the same audio the engine would give it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from belcoach.audio.engine.analysers import Analyser
from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.engine.vad import WINDOW, VadFrames
from belcoach.audio.events import Channel, Event, SpeechRegion, Transcript, Word


def load_events(path: Path) -> list[Event]:
    """Speech regions and transcripts from an events JSON Lines file, in file order."""
    out: list[Event] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        channel = Channel(raw["channel"]) if raw.get("channel") else None
        if raw["type"] == "speech":
            out.append(SpeechRegion(raw["t"], channel, end=raw["end"]))
        elif raw["type"] == "transcript":
            words = tuple(
                Word(w["text"], w["start"], w["end"], w["probability"]) for w in raw["words"]
            )
            out.append(
                Transcript(
                    raw["t"], channel, words=words, final=raw["final"], utterance=raw["utterance"]
                )
            )
    return out


def replay(analyser: Analyser, audio_path: Path, events: list[Event]) -> list[Event]:
    """Feed the stereo call's audio (left agent, right customer) and the events; return output.

    Audio is fed up to each event's audio time before the event, as the engine does (a
    region is published once its audio has been read).
    """
    audio, rate = sf.read(audio_path, dtype="float32", always_2d=True)
    assert rate == 16000, "replay expects a 16 kHz call"
    out: list[Event] = []
    fed = 0

    def feed_until(t: float) -> None:
        nonlocal fed
        stop = min(len(audio), int(np.ceil(t * rate / WINDOW)) * WINDOW)
        while fed + WINDOW <= stop:
            a = audio[fed : fed + WINDOW]
            t0 = fed / rate
            frames = {
                Channel.AGENT: VadFrames(t0, np.ones(1, np.float32), a[:, 0].copy()),
                Channel.CUSTOMER: VadFrames(t0, np.ones(1, np.float32), a[:, 1].copy()),
            }
            out.extend(analyser.on_frames(AudioBlock(t0, a[:, 0], a[:, 1]), frames))
            fed += WINDOW

    for event in events:
        if isinstance(event, SpeechRegion):
            feed_until(event.end + 0.6)
        out.extend(analyser.on_event(event))
    feed_until(len(audio) / rate)
    out.extend(analyser.finish(len(audio) / rate))
    return out
