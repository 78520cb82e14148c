"""The replay window's headline says what the customer's feeling rests on."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from belcoach.audio.calls.loaded import load_call
from belcoach.audio.events import EmotionEstimate
from belcoach.audio.jsonl import event_line
from belcoach.desktop.replay.headline import headline_html
from support.demo_events import demo_events, make_demo_call_folder


def test_replay_headline_says_from_words_when_the_voice_was_off(tmp_path: Path) -> None:
    folder = make_demo_call_folder(tmp_path)
    assert "(estimate from voice and words)" in headline_html(load_call(folder))
    events = [
        dataclasses.replace(e, evidence={**e.evidence, "basis": "words"})
        if isinstance(e, EmotionEstimate)
        else e
        for e in demo_events()
    ]
    (folder / "events.jsonl").write_text(
        "".join(event_line(e) + "\n" for e in events), encoding="utf-8"
    )
    assert "(estimate from words)" in headline_html(load_call(folder))
