"""The segmenter turns speech probabilities into regions and utterance jobs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from belcoach.audio.engine.segmenter import SegmenterConfig, SpeechSegmenter
from belcoach.audio.engine.vad import WINDOW, WINDOW_SECONDS, VadFrames
from belcoach.audio.events import Channel, SpeechRegion, SpeechStarted


def _frames(pattern: list[tuple[float, float]], t0: float = 0.0) -> VadFrames:
    """Build VAD output from (seconds, probability) runs; audio is a ramp for tracing."""
    probs: list[float] = []
    for seconds, p in pattern:
        probs += [p] * round(seconds / WINDOW_SECONDS)
    n = len(probs)
    audio = np.arange(n * WINDOW, dtype=np.float32) / 16000 + t0
    return VadFrames(t0, np.array(probs, np.float32), audio)


def test_one_utterance_gives_start_region_and_final_job() -> None:
    seg = SpeechSegmenter(Channel.AGENT)
    events, jobs = seg.feed(_frames([(1.0, 0.05), (2.0, 0.9), (1.0, 0.05)]))
    assert [type(e) for e in events] == [SpeechStarted, SpeechRegion]
    region = events[1]
    assert isinstance(region, SpeechRegion)
    assert region.t == pytest.approx(1.0, abs=0.04)
    assert region.end == pytest.approx(3.0, abs=0.04)
    # the final, after the speculative job that went out early in the pause
    assert [(j.speculative, j.final) for j in jobs] == [(True, False), (False, True)]
    job = jobs[1]
    # padding of 0.2 s on both sides; the ramp audio says which samples it holds
    assert job.t0 == pytest.approx(0.8, abs=0.04)
    assert job.audio[0] == pytest.approx(job.t0, abs=1e-3)
    assert len(job.audio) / 16000 == pytest.approx(2.4, abs=0.07)


def test_short_gaps_stay_inside_and_hysteresis_holds() -> None:
    seg = SpeechSegmenter(Channel.AGENT)
    events, jobs = seg.feed(
        _frames([(0.5, 0.0), (1.0, 0.9), (0.3, 0.1), (0.5, 0.4), (1.0, 0.9), (1.0, 0.0)])
    )
    assert sum(isinstance(e, SpeechRegion) for e in events) == 1
    assert len([j for j in jobs if j.final]) == 1


def test_clicks_shorter_than_min_speech_are_dropped() -> None:
    seg = SpeechSegmenter(Channel.CUSTOMER)
    events, jobs = seg.feed(_frames([(1.0, 0.0), (0.1, 0.95), (1.0, 0.0)]))
    assert events == [] and jobs == []


def test_long_speech_gets_interims_and_is_split() -> None:
    cfg = SegmenterConfig(max_utterance=8.0, interim_every=3.0)
    seg = SpeechSegmenter(Channel.AGENT, cfg)
    events, jobs = seg.feed(_frames([(0.5, 0.0), (20.0, 0.9), (1.0, 0.0)]))
    finals = [j for j in jobs if j.final]
    interims = [j for j in jobs if not j.final]
    # 20 s split into pieces of at most 8 s, cut in the quietest of the last 2 s
    assert 3 <= len(finals) <= 4
    assert finals[-1].speech_end == pytest.approx(20.5, abs=0.04)
    assert all(len(j.audio) / 16000 <= 8.5 for j in jobs)
    assert len(interims) >= 3
    ids = [j.utterance for j in finals]
    assert ids == sorted(ids) and len(set(ids)) == len(finals)
    # pieces of one region follow each other without overlap
    for a, b in itertools.pairwise(finals):
        assert b.t0 + 0.2 >= a.speech_end - 1e-6
    assert sum(isinstance(e, SpeechRegion) for e in events) == 1


def test_finish_closes_open_speech() -> None:
    seg = SpeechSegmenter(Channel.AGENT)
    events, jobs = seg.feed(_frames([(0.5, 0.0), (1.5, 0.9)]))
    assert jobs == []
    events, jobs = seg.finish()
    assert len(jobs) == 1 and jobs[0].final
    assert isinstance(events[0], SpeechRegion)
