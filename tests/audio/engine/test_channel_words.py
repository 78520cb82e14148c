"""The whole-side decoder hands every decoded word to exactly one utterance, by time.

Whisper is scripted here (the test is about the bookkeeping: chunk offsets,
which utterance gets a word, interims that only look); that the product path
gives sensible words with the real model is in test_channel_words_whisper.py.
The scripted model "hears" one word per tone burst, at the burst's place in
the audio it is given, so a chunk decoded at the wrong offset or a word handed
out twice shows up as a wrong time or a duplicate.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.engine.channel_words import ChannelTranscriber
from belcoach.audio.engine.transcriber import DecodeOptions, SpanTranscriber, WhisperTranscriber
from belcoach.audio.events import Channel

BURST = 0.4  # seconds of tone per word


class BurstModel:
    """A stand-in for faster-whisper's model: one word per tone burst it is given."""

    def __init__(self) -> None:
        self.calls: list[float] = []  # seconds of audio per decode
        self.threads: set[str] = set()  # the threads that decoded

    def transcribe(self, audio: np.ndarray, **_: Any) -> tuple[Iterator[Any], None]:
        self.calls.append(len(audio) / SAMPLE_RATE)
        self.threads.add(threading.current_thread().name)
        frame = SAMPLE_RATE // 100
        loud = np.abs(audio[: len(audio) // frame * frame]).reshape(-1, frame).max(axis=1) > 0.1
        words = []
        k = 0
        while k < len(loud):
            if loud[k]:
                j = k
                while j < len(loud) and loud[j]:
                    j += 1
                words.append(
                    SimpleNamespace(
                        word=f" w{len(words)}", start=k / 100, end=j / 100, probability=0.9
                    )
                )
                k = j
            k += 1
        segment = SimpleNamespace(
            text=" ".join(w.word for w in words),
            words=words,
            no_speech_prob=0.01,
            avg_logprob=-0.2,
            compression_ratio=1.2,
        )
        return iter([segment] if words else []), None


def _side(seconds: float, bursts: list[float]) -> np.ndarray:
    audio = np.zeros(int(seconds * SAMPLE_RATE), np.float32)
    t = np.arange(int(BURST * SAMPLE_RATE)) / SAMPLE_RATE
    for start in bursts:
        k = int(start * SAMPLE_RATE)
        audio[k : k + len(t)] = 0.5 * np.sin(2 * np.pi * 220 * t)
    return audio


def _reader(agent: np.ndarray, customer: np.ndarray):
    def read(stop: threading.Event) -> Iterator[AudioBlock]:
        step = SAMPLE_RATE // 10
        for k in range(0, len(agent), step):
            if stop.is_set():
                return
            yield AudioBlock(k / SAMPLE_RATE, agent[k : k + step], customer[k : k + step])

    return read


def _transcriber(
    agent_bursts: list[float],
    customer_bursts: list[float],
    *,
    seconds: float = 60.0,
    chunk: float = 20.0,
    parallel: int = 1,
) -> tuple[ChannelTranscriber, BurstModel]:
    model = BurstModel()
    whisper = WhisperTranscriber(
        model, DecodeOptions(language="nl"), policy=None, parallel=parallel
    )
    reader = _reader(_side(seconds, agent_bursts), _side(seconds, customer_bursts))
    return ChannelTranscriber(whisper, reader, chunk_seconds=chunk), model


def _span(tr: ChannelTranscriber, channel: Channel, t0: float, t1: float, *, final: bool = True):
    audio = np.zeros(int((t1 - t0) * SAMPLE_RATE), np.float32)
    return tr.transcribe_span(channel, t0, audio, final=final)


def test_it_is_what_the_asr_worker_asks_by_time() -> None:
    tr, _ = _transcriber([1.0], [])
    assert isinstance(tr, SpanTranscriber)
    assert not isinstance(tr._whisper, SpanTranscriber)


@pytest.mark.parametrize("parallel", [1, 2], ids=["sides-in-turn", "sides-together"])
def test_each_word_goes_once_to_the_utterance_it_was_said_in_at_its_own_time(
    parallel: int,
) -> None:
    agent = [1.0, 2.0, 9.0, 31.0, 47.5]  # 31 s lies past the first 20 s chunk
    customer = [5.0, 40.0]
    tr, model = _transcriber(agent, customer, parallel=parallel)
    first = _span(tr, Channel.AGENT, 0.7, 2.8)
    assert [round(w.start + 0.7, 2) for w in first] == [1.0, 2.0]
    assert [round(w.start + 4.8, 2) for w in _span(tr, Channel.CUSTOMER, 4.8, 5.6)] == [5.0]
    assert [round(w.start + 8.5, 2) for w in _span(tr, Channel.AGENT, 8.5, 9.8)] == [9.0]
    assert [round(w.start + 30.6, 2) for w in _span(tr, Channel.AGENT, 30.6, 31.7)] == [31.0]
    # the same stretch again (a later, overlapping utterance) gets nothing twice
    assert _span(tr, Channel.AGENT, 30.6, 31.7) == []
    assert [round(w.start + 47.2, 2) for w in _span(tr, Channel.AGENT, 47.2, 48.2)] == [47.5]
    assert len(model.calls) >= 4  # both sides, in chunks
    assert max(model.calls) <= 2 * 20.0 + 5.0


def test_a_model_that_serves_two_decodes_the_other_side_on_a_second_thread() -> None:
    """Same words per side as decoded in turn; the side not asked for runs alongside."""
    agent, customer = [1.0, 14.0, 33.0, 52.0], [6.0, 21.0, 44.0, 57.0]
    heard = {}
    for parallel in (1, 2):
        tr, model = _transcriber(agent, customer, parallel=parallel)
        spans = [(Channel.AGENT, b) for b in agent] + [(Channel.CUSTOMER, b) for b in customer]
        heard[parallel] = sorted(
            (ch, round(w.start + b - 0.3, 2))
            for ch, b in sorted(spans, key=lambda s: s[1])
            for w in _span(tr, ch, b - 0.3, b + 0.7)
        )
        tr.close()
        threads = {name.startswith("belcoach-other-side") for name in model.threads}
        assert threads == ({False, True} if parallel == 2 else {False})
    assert (
        heard[1]
        == heard[2]
        == sorted([(Channel.AGENT, b) for b in agent] + [(Channel.CUSTOMER, b) for b in customer])
    )


def test_an_interim_pass_only_looks_and_the_final_takes() -> None:
    tr, _ = _transcriber([3.0, 4.0], [])
    interim = _span(tr, Channel.AGENT, 2.8, 3.6, final=False)
    assert len(interim) == 1
    final = _span(tr, Channel.AGENT, 2.8, 4.6)
    assert len(final) == 2


def test_words_far_before_any_utterance_are_left_out_and_counted() -> None:
    tr, _ = _transcriber([2.0, 10.0], [])
    # the engine heard no speech at 2 s (say, a cough Whisper made a word of)
    assert [round(w.start + 9.8, 2) for w in _span(tr, Channel.AGENT, 9.8, 10.6)] == [10.0]
    assert tr.words_left_out == 1


def test_the_words_are_placed_relative_to_the_utterance_start() -> None:
    tr, _ = _transcriber([12.0], [])
    (word,) = _span(tr, Channel.AGENT, 11.5, 12.8)
    assert word.start == pytest.approx(0.5, abs=0.02)
    assert word.end == pytest.approx(0.5 + BURST, abs=0.02)


def test_a_side_is_cut_between_words_not_inside_one() -> None:
    # a burst right at the 20 s chunk edge must come out whole, once
    tr, _ = _transcriber([19.9, 25.0], [], chunk=20.0)
    words = _span(tr, Channel.AGENT, 19.5, 26.0)
    assert [round(w.start + 19.5, 1) for w in words] == [19.9, 25.0]
    assert words[0].end - words[0].start == pytest.approx(BURST, abs=0.02)


def test_a_read_that_fails_part_way_ends_the_words_there() -> None:
    agent, customer = _side(30.0, [1.0, 25.0]), _side(30.0, [])

    def broken(stop: threading.Event) -> Iterator[AudioBlock]:
        yield from _reader(agent[: 10 * SAMPLE_RATE], customer[: 10 * SAMPLE_RATE])(stop)
        raise OSError("disk gone")

    tr = ChannelTranscriber(
        WhisperTranscriber(BurstModel(), DecodeOptions(language="nl"), policy=None), broken
    )
    assert len(_span(tr, Channel.AGENT, 0.5, 1.8)) == 1
    assert _span(tr, Channel.AGENT, 24.5, 25.8) == []
    tr.close()
