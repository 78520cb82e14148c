"""The bucketed decode on real Dutch speech, against faster-whisper's own 30 s path.

Never asserts which words Whisper hears (that moves with the CPU's kernels,
see test_transcribe.py); it compares two paths on this machine: with 30 s
windows the loop gives exactly what ``model.transcribe`` gives, batching gives
the words one-at-a-time decoding gives, and bucketed word times sit inside the
audio, in order, near the 30 s path's times for the same words.
"""

from __future__ import annotations

import difflib
import statistics

import numpy as np
import pytest
from faster_whisper import decode_audio

from belcoach.audio.engine.buckets import FULL_WINDOW, SHORT_WINDOWS
from belcoach.audio.engine.hallucinations import HeardSegment
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber
from belcoach.audio.events import Word
from support.fillets import fillets_clips, require_fillets

pytestmark = pytest.mark.whisper

RATE = 16_000


@pytest.fixture(scope="module")
def clips() -> list[np.ndarray]:
    """Eight real Dutch clips of 2-10 s (a fixed sample)."""
    require_fillets()
    picked = [c for c in fillets_clips(limit=40, seed=3) if 2.0 <= c.duration <= 10.0][:8]
    return [decode_audio(str(c.path), sampling_rate=RATE) for c in picked]


def _words(heard: list[HeardSegment]) -> list[Word]:
    return [w for seg in heard for w in seg.words]


def test_with_30_s_windows_the_loop_is_faster_whispers_transcribe(base_model, clips) -> None:
    own = WhisperTranscriber(base_model, DecodeOptions("nl"), policy=None)
    loop = WhisperTranscriber(base_model, DecodeOptions("nl"), policy=FULL_WINDOW)
    for audio in clips[:3]:
        assert loop.decode(audio) == own.decode(audio)


def test_bucketed_word_times_are_inside_the_audio_in_order_and_near_the_30_s_times(
    base_model, clips
) -> None:
    full = WhisperTranscriber(base_model, DecodeOptions("nl"), policy=None)
    bucketed = WhisperTranscriber(base_model, DecodeOptions("nl"), policy=SHORT_WINDOWS)
    shifts: list[float] = []
    for audio in clips:
        words = _words(bucketed.decode(audio))
        assert words, "real speech gave no words"
        seconds = len(audio) / RATE
        for w in words:
            assert 0.0 <= w.start <= w.end <= seconds + 0.02
            assert 0.0 <= w.probability <= 1.0
        assert [w.start for w in words] == sorted(w.start for w in words)
        reference = _words(full.decode(audio))
        same = difflib.SequenceMatcher(
            a=[w.text for w in reference], b=[w.text for w in words], autojunk=False
        )
        for block in same.get_matching_blocks():
            for i in range(block.size):
                shifts.append(abs(reference[block.a + i].start - words[block.b + i].start))
    assert len(shifts) >= 20, "the two paths share too few words to compare times"
    assert statistics.median(shifts) <= 0.1
    assert sorted(shifts)[int(0.9 * len(shifts))] <= 0.5


def test_batched_gives_the_words_decoding_one_at_a_time_gives(base_model, clips) -> None:
    transcriber = WhisperTranscriber(base_model, DecodeOptions("nl"), policy=SHORT_WINDOWS)
    pairs = [
        (a, b)
        for a, b in zip(clips[0::2], clips[1::2], strict=True)
        if SHORT_WINDOWS.seconds(len(a) / RATE) == SHORT_WINDOWS.seconds(len(b) / RATE)
    ]
    assert len(pairs) >= 2, "pick clips that share a bucket"
    same = 0
    for a, b in pairs:
        batched = transcriber.decode_batch([a, b])
        single = [transcriber.decode(a), transcriber.decode(b)]
        texts = [[w.text for w in _words(h)] for h in batched]
        assert all(texts), "a batched utterance lost all its words"
        same += texts == [[w.text for w in _words(h)] for h in single]
    # batched GEMMs may round differently from single ones; allow one pair to differ
    assert same >= len(pairs) - 1


def test_the_loaded_live_model_reads_interims_in_short_windows_and_finals_in_30_s(clips) -> None:
    from belcoach.audio.jobs.run import ModelChoice, load_transcriber

    loaded = load_transcriber(ModelChoice("base"), "nl")
    assert loaded.policy == FULL_WINDOW and loaded.interim_policy == SHORT_WINDOWS
    short = loaded.with_policy(SHORT_WINDOWS)
    for audio in clips[:3]:
        interim = loaded.transcribe_interim(audio)
        assert interim == short.transcribe(audio)  # the interim pass is the short-window one
        assert loaded.transcribe(audio) == list(
            loaded.hallucinations.clean(loaded.decode(audio), len(audio) / RATE).words
        )


def test_a_repetition_loop_is_cut_at_the_token_budget() -> None:
    from belcoach.audio.engine.whisper_decode import TOKENS_PER_SECOND, token_budget

    assert token_budget(0.0) == 8
    assert token_budget(2.5) == TOKENS_PER_SECOND * 2.5 + 8
    # a normal reading needs at most 7 tokens a second (measured); the loop's cap
    # still leaves twice that after CTranslate2 halves it
    assert token_budget(10.0) / 2 >= 2 * 7 * 10.0
