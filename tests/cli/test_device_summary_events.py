"""The end-of-call device summary branches on the device event types, old journals included."""

from __future__ import annotations

from belcoach.audio.calls.eventlog import parse_lines
from belcoach.audio.events import Channel, DeviceBack, EngineStatus, StatusCode, StatusLevel
from belcoach.cli.device_summary import device_section

# As written before DeviceLost/DeviceBack existed: plain status lines with their codes.
OLD_LINES = [
    '{"type":"status","t":5.0,"channel":"agent","level":"warning","code":"device_lost",'
    '"message":"The microphone stopped","details":{"device":"usb","reason":"unplugged"}}\n',
    '{"type":"status","t":9.5,"channel":"agent","level":"info","code":"device_back",'
    '"message":"The microphone is back.","details":{"device":"usb","gap_seconds":4.5}}\n',
    '{"type":"status","t":11.0,"channel":"customer","level":"warning","code":"device_lost",'
    '"message":"The call audio stopped","details":{"device":"pulse","reason":"gone"}}\n',
]


def test_losses_and_returns_read_from_an_old_journal_are_summarised() -> None:
    events = parse_lines(OLD_LINES).events
    assert device_section(events) == [
        "Audio devices:",
        "  agent microphone: lost 1x, 4.5 s silent",
        "  call audio: lost 1x (not back at the end)",
    ]


def test_only_the_device_types_count_as_losses_and_returns() -> None:
    # a warning about the same side that is not a device event changes nothing
    other = EngineStatus(
        1.0, Channel.CUSTOMER, level=StatusLevel.WARNING, code=StatusCode.CPU_OVERLOAD
    )
    assert device_section([other]) == []
    back = DeviceBack(3.0, Channel.CUSTOMER, details={"gap_seconds": 2.0})
    assert device_section([other, back]) == []  # back without a loss: nothing to report
