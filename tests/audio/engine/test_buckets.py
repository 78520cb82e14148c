"""The bucket choice: the smallest window that holds an utterance plus its margin."""

from __future__ import annotations

import pytest

from belcoach.audio.engine.buckets import FULL_FRAMES, FULL_WINDOW, SHORT_WINDOWS, BucketPolicy


def test_the_smallest_bucket_that_holds_the_audio_and_its_margin() -> None:
    policy = BucketPolicy((5.0, 10.0, 20.0, 30.0), margin=1.0)
    assert policy.seconds(1.5) == 5.0
    assert policy.seconds(4.0) == 5.0
    assert policy.seconds(4.01) == 10.0  # 4.01 s + 1 s margin no longer fits in 5 s
    assert policy.seconds(9.5) == 20.0
    assert policy.seconds(12.0) == 20.0
    assert policy.seconds(19.5) == 30.0
    assert policy.frames(450) == 1000
    assert policy.frames(400) == 500


def test_without_margin_the_audio_may_fill_its_bucket() -> None:
    policy = BucketPolicy((5.0, 10.0, 30.0))
    assert policy.frames(500) == 500
    assert policy.frames(501) == 1000


def test_full_window_is_always_30_s_and_longer_content_gets_30_s() -> None:
    assert FULL_WINDOW.frames(1) == FULL_FRAMES
    assert FULL_WINDOW.frames(2999) == FULL_FRAMES
    assert SHORT_WINDOWS.frames(2990) == FULL_FRAMES
    assert SHORT_WINDOWS.frames(4000) == FULL_FRAMES


def test_short_windows_shorten_every_utterance_the_segmenter_cuts() -> None:
    # the segmenter splits at 12 s; with its padding an utterance stays under 14 s
    assert all(SHORT_WINDOWS.seconds(s / 10) < 30 for s in range(1, 140))


@pytest.mark.parametrize(
    ("buckets", "margin"),
    [
        ((), 0.0),
        ((10.0, 5.0, 30.0), 0.0),
        ((5.0, 10.0), 0.0),
        ((5.005, 30.0), 0.0),
        ((5.01, 30.0), 0.0),
        ((30.0,), -1),
    ],
)
def test_bad_policies_are_refused(buckets: tuple[float, ...], margin: float) -> None:
    with pytest.raises(ValueError):
        BucketPolicy(buckets, margin)
