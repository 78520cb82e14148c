"""The ``whole`` profile with real Whisper on real speech: only where the words come from changes.

A call of real Dutch clips (fillets-ng-data-nl, alternating sides) runs through
the engine twice: utterance by utterance as live, and with each side decoded
whole. What the VAD says (speech regions, their starts) must be the same in
both; the words must be placed inside the call, in order, each once, and be
about as many as were said. No test asserts which words Whisper hears (they
change with the CPU's kernels).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from belcoach.audio.engine.channel_words import ChannelTranscriber
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions, DecodeProfile, WhisperTranscriber
from belcoach.audio.events import Channel, SpeechRegion, SpeechStarted, Transcript
from belcoach.audio.jobs.run import ModelChoice, load_transcriber, recorded_call_transcriber
from support.calls import CallRun, clips_call, run_file
from support.fillets import fillets_clips

pytestmark = pytest.mark.whisper


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    clips = fillets_clips(limit=12, seed=5)
    if not clips:
        pytest.skip("fillets-ng-data-nl is not installed (scripts/setup.sh --test installs it)")
    path = tmp_path_factory.mktemp("whole") / "call.flac"
    return path, clips_call(clips, path)


def _vad(run: CallRun) -> list[Any]:
    return [e for e in run.events if isinstance(e, SpeechStarted | SpeechRegion)]


def _finals(run: CallRun, channel: Channel) -> list[Transcript]:
    return [e for e in run.events if isinstance(e, Transcript) and e.final and e.channel == channel]


def test_whole_sides_change_the_words_and_nothing_the_vad_says(
    call: tuple[Path, dict[str, str]], base_model: Any
) -> None:
    path, refs = call
    whisper_nl = WhisperTranscriber(base_model, DecodeOptions(language="nl"))
    live = run_file(whisper_nl, path, max_transcript_lag=None)
    whole_words = ChannelTranscriber(whisper_nl, lambda stop: open_call(path).blocks(stop))
    try:
        whole = run_file(whole_words, path, max_transcript_lag=None)
    finally:
        whole_words.close()
    assert _vad(whole) == _vad(live)
    _assert_sensible_words(whole, refs)
    # each final was handed its words by time: one decode per side for a call this short
    assert whole.stats["asr_finals"] == live.stats["asr_finals"]


def test_the_loader_s_whole_profile_decodes_both_sides_at_once(
    call: tuple[Path, dict[str, str]],
) -> None:
    """What batch and import load: two one-thread decodes sharing the model's weights."""
    path, refs = call
    choice = ModelChoice("base", cpu_threads=2, profile=DecodeProfile.WHOLE)
    whisper = load_transcriber(choice, "nl")
    assert whisper.parallel == 2
    sides = recorded_call_transcriber(
        whisper, DecodeProfile.WHOLE, lambda stop: open_call(path).blocks(stop)
    )
    assert isinstance(sides, ChannelTranscriber)
    try:
        whole = run_file(sides, path, max_transcript_lag=None)
    finally:
        sides.close()
    _assert_sensible_words(whole, refs)


def _assert_sensible_words(whole: CallRun, refs: dict[str, str]) -> None:
    duration = whole.stats["audio_seconds"]
    for channel in Channel:
        words = [w for t in _finals(whole, channel) for w in t.words]
        starts = [w.start for w in words]
        assert starts == sorted(starts), f"{channel}: words out of order"
        assert len({(w.start, w.text) for w in words}) == len(words), f"{channel}: a word twice"
        assert all(0.0 <= w.start <= w.end <= duration + 0.01 for w in words)
        said = len(refs[str(channel)].split())
        # base on real Dutch misses or adds words, but not half of them
        assert 0.5 * said <= len(words) <= 1.5 * said, (channel, len(words), said)
