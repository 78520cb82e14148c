"""The transcript follows the newest line until the user scrolls back, then stays put."""

from __future__ import annotations

from belcoach.audio.events import Channel, Transcript, Word


def _line(i: int) -> Transcript:
    channel = Channel.AGENT if i % 2 else Channel.CUSTOMER
    words = tuple(
        Word(f"woord{i}-{k}", i * 3.0 + k * 0.2, i * 3.0 + k * 0.2 + 0.15, 0.9) for k in range(12)
    )
    return Transcript(i * 3.0, channel, words=words, final=True, utterance=i)


def test_follows_until_scrolled_back_then_offers_the_latest(feed, overlay) -> None:
    view = overlay.transcript
    bar = view.verticalScrollBar()
    feed([_line(i) for i in range(40)])
    assert bar.maximum() > 0 and bar.value() == bar.maximum() and view.follow
    assert view.latest.isHidden()

    bar.setValue(bar.maximum() // 3)  # the user scrolls back to read
    assert not view.follow and view.latest.isVisible()
    kept = bar.value()
    feed([_line(i) for i in range(40, 45)])
    assert bar.value() == kept  # new lines do not pull the view away
    assert bar.maximum() > kept

    view.latest.click()
    assert view.follow and bar.value() == bar.maximum() and view.latest.isHidden()
    feed([_line(45)])
    assert bar.value() == bar.maximum()

    bar.setValue(0)
    bar.setValue(bar.maximum())  # scrolling back down by hand resumes following too
    assert view.follow
