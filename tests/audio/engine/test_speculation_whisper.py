"""The speculative pass with the real Whisper base model: same committed words, sooner.

Which words base makes of espeak-ng speech depends on the CPU's kernels, so
this never asserts words: it compares a paced run with speculation against a
batch run without it, on the same machine and model. A final that reuses a
speculative pass got Whisper's words for sample-for-sample the same audio, so
the two must agree exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.audio.bus import EventBus
from belcoach.audio.engine.engine import CallEngine, EngineConfig
from belcoach.audio.engine.segmenter import SegmenterConfig
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber
from belcoach.audio.engine.vad import SileroSession
from belcoach.audio.events import Event, Transcript
from support.synth import Turn, espeak_binary, synthesize_call

pytestmark = pytest.mark.whisper


def _run(
    transcriber: WhisperTranscriber, path: Path, *, paced: bool, segmenter: SegmenterConfig
) -> tuple[list[Event], dict[str, float]]:
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    config = EngineConfig(
        language="nl", model="base", segmenter=segmenter, paced=paced, max_transcript_lag=None
    )
    engine = CallEngine(
        open_call(path, realtime=paced), transcriber, bus, config, vad_session=SileroSession()
    )
    engine.run()
    return events, engine.stats


def _committed(events: list[Event]) -> list[tuple[str | None, float, str]]:
    finals = [e for e in events if isinstance(e, Transcript) and e.final]
    # publication order may differ between runs (the agent goes first when both wait)
    return sorted((e.channel, e.t, e.text) for e in finals)


def test_paced_run_with_speculation_commits_the_words_of_a_run_without(
    base_model: object, tmp_path: Path
) -> None:
    try:
        espeak_binary()
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"espeak-ng missing: {exc}")
    path = tmp_path / "call.wav"
    synthesize_call(
        [
            # no commas or full stops inside a turn (espeak pauses there), and long gaps:
            # the worker is idle when each turn ends, so its guess runs in the pause
            Turn("customer", "Goedemorgen", start=1.0),
            Turn("agent", "Waarmee kan ik u helpen", gap=1.5),
            Turn("customer", "Ja", gap=1.5),
            # a pause shorter than end_silence: the guess made in it must be thrown away
            Turn("customer", "Mijn rekening is te hoog", gap=0.38),
            Turn("agent", "Dat ga ik voor u nakijken", gap=1.5),
        ],
        language="nl",
        out_audio=path,
    )
    dutch = WhisperTranscriber(base_model, DecodeOptions(language="nl"))
    plain, plain_stats = _run(
        dutch, path, paced=False, segmenter=SegmenterConfig(speculate_after=None)
    )
    sped, stats = _run(dutch, path, paced=True, segmenter=SegmenterConfig())

    assert plain_stats["speculative_passes"] == 0
    # turns alone in the call: their guesses ran in the pause and the finals reused them
    # (only an engine thread late by more than the pause could hand over guess and final
    # together, and then the final runs its own pass: same words, no reuse)
    assert stats["speculative_reused"] >= 1, stats
    assert stats["speculative_reused"] <= stats["asr_finals"]
    assert _committed(plain) and _committed(sped) == _committed(plain)
