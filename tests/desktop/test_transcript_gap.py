"""A stretch the live transcript skipped to keep up shows in its place and in the status line."""

from __future__ import annotations

from belcoach.audio.engine.asr_worker import Gap
from belcoach.audio.events import CallStarted, Channel, Transcript, Word


def _final(t: float, channel: Channel, text: str, utterance: int) -> Transcript:
    words = tuple(Word(w, t + i * 0.3, t + i * 0.3 + 0.25, 0.9) for i, w in enumerate(text.split()))
    return Transcript(t, channel, words=words, final=True, utterance=utterance)


def test_a_transcript_gap_is_marked_in_time_order_and_said_in_plain_words(
    feed, overlay, qtbot
) -> None:
    feed([CallStarted(0.0, None)])
    feed([_final(1.0, Channel.AGENT, "Goedemiddag", 1), _final(95.0, Channel.AGENT, "Zo", 9)])
    gap = Gap(Channel.CUSTOMER, 70.2, 92.8, utterances=4, speech_seconds=16.0, lag=15.5)
    feed([gap.status()])

    lines = overlay.transcript.model.lines
    assert [(x.channel, x.gap_end) for x in lines] == [
        ("agent", None),
        ("customer", 92.8),
        ("agent", None),
    ]
    status = overlay.status.current()
    assert status is not None and status.code == "transcript_gap"
    assert status.text == "Text skipped to keep up; alerts still work."
    assert status.until is not None  # a one-off notice: it fades
    layout, _height = overlay.transcript._layout_for(lines[1])
    # 92.8 s reads 01:33, as the replay window and the report round it (core.clock)
    assert layout.text() == "⋯ 01:10–01:33 skipped (PC too busy)"
    overlay.transcript.viewport().repaint()  # paints without error
    overlay.ctx.tr.set_language("nl")
    overlay.transcript.retranslate()
    layout, _height = overlay.transcript._layout_for(lines[1])
    assert layout.text() == "⋯ 01:10–01:33 overgeslagen (pc te druk)"
