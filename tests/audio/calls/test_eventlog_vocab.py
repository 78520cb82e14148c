"""The typed vocabulary on disk: enum fields keep their strings, old status lines still load."""

from __future__ import annotations

import json

import pytest

from belcoach.audio.calls.eventlog import event_from_json, parse_lines
from belcoach.audio.events import (
    Channel,
    DeviceBack,
    DeviceLost,
    EmotionEstimate,
    EngineStatus,
    RateVerdict,
    RecordingChanged,
    SpeechRate,
    StatusCode,
    StatusLevel,
    TranscriptGap,
    status_event,
)
from belcoach.audio.jsonl import event_line
from belcoach.seeds.emotion_data import EmotionLabel, EmotionStep

# Lines as belcoach wrote them before the vocabulary was typed (copied from a
# recorded call's events.jsonl), one per status that now has its own class.
OLD_LINES = [
    '{"type":"status","t":0.0,"channel":null,"level":"info","code":"recording_started",'
    '"message":"Recording into /calls/c1","details":{"folder":"/calls/c1","call_id":"c1"}}\n',
    '{"type":"status","t":0.0,"channel":null,"level":"info","code":"ready","message":"Ready",'
    '"details":{}}\n',
    '{"type":"status","t":5.0,"channel":"agent","level":"warning","code":"device_lost",'
    '"message":"The microphone stopped","details":{"device":"usb","reason":"unplugged"}}\n',
    '{"type":"status","t":9.5,"channel":"agent","level":"info","code":"device_back",'
    '"message":"The microphone is back.","details":{"device":"usb","gap_seconds":4.5}}\n',
    '{"type":"status","t":12.0,"channel":"customer","level":"warning","code":"transcript_gap",'
    '"message":"Transcript skipped","details":{"channel":"customer","start":12.0,"end":15.5,'
    '"utterances":2,"speech_seconds":3.1,"lag":9.0}}\n',
    '{"type":"status","t":20.0,"channel":null,"level":"warning","code":"recording_stopped",'
    '"message":"/calls/c1: disk full","details":{"folder":"/calls/c1","reason":"disk full"}}\n',
]


def test_enum_fields_round_trip_through_json_lines_as_the_same_strings() -> None:
    rate = SpeechRate(2.0, Channel.AGENT, articulation_rate=6.1, verdict=RateVerdict.FAST)
    emotion = EmotionEstimate(
        3.0, Channel.CUSTOMER, label=EmotionLabel.BOOS, step=EmotionStep.ERKENNEN
    )
    status = EngineStatus(
        4.0, None, level=StatusLevel.WARNING, code=StatusCode.ASR_BEHIND, message="behind"
    )
    for event in (rate, emotion, status):
        line = event_line(event)
        back = event_from_json(json.loads(line))
        assert back == event and event_line(back) == line
    assert json.loads(event_line(rate))["verdict"] == "fast"
    on_disk = json.loads(event_line(emotion))
    assert (on_disk["label"], on_disk["step"], on_disk["valence_class"]) == (
        "boos",
        "erkennen",
        "negative",
    )
    assert json.loads(event_line(status))["level"] == "warning"
    back_rate = event_from_json(json.loads(event_line(rate)))
    back_emotion = event_from_json(json.loads(event_line(emotion)))
    assert isinstance(back_rate, SpeechRate) and type(back_rate.verdict) is RateVerdict
    assert isinstance(back_emotion, EmotionEstimate)
    assert type(back_emotion.label) is EmotionLabel and type(back_emotion.step) is EmotionStep


def test_old_status_lines_load_into_the_new_event_types() -> None:
    log = parse_lines(OLD_LINES)
    assert log.skipped == 0
    assert [type(e) for e in log.events] == [
        RecordingChanged,
        EngineStatus,
        DeviceLost,
        DeviceBack,
        TranscriptGap,
        RecordingChanged,
    ]
    started, ready, lost, back, gap, stopped = log.events
    assert isinstance(started, RecordingChanged) and started.started
    assert started.folder == "/calls/c1" and started.level is StatusLevel.INFO
    assert ready.code is StatusCode.READY
    assert lost.channel is Channel.AGENT and lost.level is StatusLevel.WARNING
    assert isinstance(back, DeviceBack) and back.gap_seconds == 4.5
    assert isinstance(gap, TranscriptGap) and (gap.start, gap.end) == (12.0, 15.5)
    assert isinstance(stopped, RecordingChanged) and not stopped.started
    assert stopped.reason == "disk full"
    # written again, each line is byte for byte what the old version wrote
    assert [event_line(e) + "\n" for e in log.events] == OLD_LINES


def test_a_status_code_from_a_newer_version_is_skipped_as_unknown() -> None:
    line = '{"type":"status","t":1.0,"channel":null,"level":"info","code":"brand_new"}\n'
    log = parse_lines([OLD_LINES[1], line])
    assert [type(e) for e in log.events] == [EngineStatus]
    assert log.skipped == 1 and "status" in log.unknown_types


def test_a_status_with_its_own_class_cannot_be_built_as_a_plain_status() -> None:
    with pytest.raises(TypeError, match="DeviceLost"):
        EngineStatus(1.0, Channel.AGENT, code=StatusCode.DEVICE_LOST)
    with pytest.raises(TypeError):
        DeviceLost(1.0, Channel.AGENT, code=StatusCode.DEVICE_BACK)
    stopped = status_event(0.0, None, StatusLevel.WARNING, StatusCode.RECORDING_STOPPED, "full")
    assert isinstance(stopped, RecordingChanged) and not stopped.started
    assert type(status_event(0.0, None, StatusLevel.INFO, StatusCode.READY)) is EngineStatus
