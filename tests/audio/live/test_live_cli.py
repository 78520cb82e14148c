"""``belcoach devices`` and ``belcoach live`` against the private PulseAudio server."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest

from belcoach.cli.devices_cmd import meter_bar
from belcoach.cli.main import main
from support.live import tone
from support.pulse import PulseServer


def test_devices_lists_sources_with_host_api_and_rate(
    pulse: PulseServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "agent.monitor (Monitor of Agent)" in out and "customer.monitor" in out
    assert "[call audio]" in out
    # PulseAudio moves an idle null sink between its default and alternate rate
    # (44100/48000) to suit the streams it plays, so the rate shown is either.
    assert re.search(r"PulseAudio, (44100|48000) Hz, 2 channels", out), out
    assert "Outputs:" in out
    assert "belcoach_agent" not in out  # the private PCMs are an implementation detail


def test_device_test_shows_a_level_meter(
    pulse: PulseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    player = pulse.play("customer", tone(tmp_path / "t.wav", 440, 3.0, amp=0.5))
    try:
        assert main(["devices", "--test", "customer.mon", "--seconds", "1.5"]) == 0
    finally:
        player.wait(timeout=10)
    out = capsys.readouterr().out
    assert "Testing customer.monitor" in out
    bars = [line for line in out.splitlines() if "dBFS" in line]
    assert len(bars) >= 4
    assert "loudest -" in out


def test_device_test_with_a_wrong_name_names_the_candidates(
    pulse: PulseServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["devices", "--test", "jabra"]) == 2
    err = capsys.readouterr().err
    assert "no audio input device matches 'jabra'" in err and "agent.monitor" in err
    assert "Traceback" not in err


def test_ambiguous_name_is_an_error(pulse: PulseServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["live", "--agent-device", "monitor", "--duration", "1"]) == 2
    assert "is ambiguous" in capsys.readouterr().err


def test_meter_bar_scales_from_silence_to_full_scale() -> None:
    assert meter_bar(-120.0, 0.0).startswith("[" + "." * 40 + "]")
    assert meter_bar(0.0, 1.0).startswith("[" + "#" * 40 + "]") and "CLIP" in meter_bar(0, 1.0)
    assert meter_bar(-30.0, 0.1).count("#") == 20


@pytest.mark.slow
@pytest.mark.whisper
def test_live_command_runs_a_short_call_to_jsonl(
    pulse: PulseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "events.jsonl"
    code = main(
        [
            "live", "--agent-device", "agent.monitor", "--customer-device", "customer.monitor",
            "--duration", "3", "--events", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert events[0]["type"] == "call_started"
    assert "agent.monitor" in events[0]["source"]
    assert events[-1] == {**events[-1], "type": "call_ended", "reason": "stopped"}
    levels = [e for e in events if e["type"] == "level"]
    assert {e["channel"] for e in levels} == {"agent", "customer"}
    assert len(levels) >= 10
    err = capsys.readouterr().err
    assert "agent: agent.monitor" in err and "0 dropped" in err
    assert threading.active_count() < 20  # the source's threads ended with the call


def test_summary_names_device_trouble() -> None:
    from belcoach.audio.events import DeviceBack, DeviceLost, EngineStatus
    from belcoach.cli.device_summary import device_section

    events = [
        EngineStatus(0.0, "customer", level="error", code="device_missing"),
        DeviceBack(2.0, "customer", details={"gap_seconds": None}),
        DeviceLost(5.0, "agent"),
        DeviceBack(9.5, "agent", details={"gap_seconds": 4.5}),
        EngineStatus(12.0, "agent", level="warning", code="overrun",
                     details={"dropped": 3, "lost_seconds": 0.06}),
    ]  # fmt: skip
    assert device_section(events) == [
        "Audio devices:",
        "  agent microphone: lost 1x, 4.5 s silent",
        "  agent microphone: 3 audio blocks dropped (0.1 s)",
        "  call audio: connected 2.0 s into the call",
    ]
    assert device_section([]) == []
