"""The overlay's start-call records the devices chosen in the settings (real PulseAudio).

Two null sinks stand in for the agent's headset and the softphone's output; the
user picks their monitors in the settings, starts a call from the overlay, and
espeak Dutch plays into each sink. The transcript pane shows each side's words,
the meters move, and stopping ends the call cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from belcoach.audio.events import CallEnded, Event, LevelUpdate, SpeechRegion, Transcript
from support.live import CallFiles, make_call
from support.pulse import PulseServer, private_pulse
from support.synth import espeak_binary


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    with private_pulse(Path(tmp_path_factory.mktemp("pa"))) as server:
        yield server


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> CallFiles:
    try:
        espeak_binary()
    except Exception as exc:
        pytest.skip(str(exc))
    return make_call(tmp_path_factory.mktemp("call"))


@pytest.mark.slow
@pytest.mark.whisper
def test_start_call_in_the_overlay_uses_the_devices_from_the_settings(
    qtbot, qapp, pulse: PulseServer, call: CallFiles
) -> None:
    from belcoach.core.settings import load_settings, save_user_settings
    from belcoach.desktop.app import AppOptions, DesktopApp, live_source_factory

    save_user_settings(
        load_settings(),
        {
            "audio.agent_device": "agent.monitor",
            "audio.customer_device": "customer.monitor",
            "model.name": "base",
        },
    )
    events: list[Event] = []
    players = []

    def conductor(event: Event) -> None:
        # engine thread: once audio flows, play the call into the two "devices"
        if isinstance(event, LevelUpdate) and event.t >= 1.0 and not players:
            players.extend([pulse.play("agent", call.agent), pulse.play("customer", call.customer)])

    app = DesktopApp(
        qapp,
        AppOptions(language="nl"),
        live_source_factory(),
        subscribers=[events.append, conductor],
    )
    try:
        app.start()
        app.bridge.start_call()
        view = app.overlay.transcript
        # Both devices heard speech, and the overlay shows committed words. Which
        # side's words come first is the CPU's matter: with slow kernels (MKL on
        # AMD) the engine skips speech it cannot transcribe within 15 s, agent first.
        spoke = lambda: {e.channel for e in events if isinstance(e, SpeechRegion)}  # noqa: E731
        shown = lambda: [line for line in view.model.lines if line.final]  # noqa: E731
        qtbot.waitUntil(lambda: spoke() == {"agent", "customer"} and bool(shown()), timeout=120_000)
        for p in players:
            p.wait(timeout=60)
        app.bridge.stop_call()
        qtbot.waitUntil(lambda: any(isinstance(e, CallEnded) for e in events), timeout=60_000)
    finally:
        app.bridge.shutdown()
        qtbot.waitUntil(lambda: any(isinstance(e, CallEnded) for e in events), timeout=60_000)
        app.close()
    levels = [e for e in events if isinstance(e, LevelUpdate)]
    assert {e.channel for e in levels} == {"agent", "customer"}
    assert max(e.rms_db for e in levels if e.channel == "agent") > -40
    assert {e.channel for e in events if isinstance(e, SpeechRegion)} == {"agent", "customer"}
    assert [e for e in events if isinstance(e, Transcript) and e.final]
    (ended,) = [e for e in events if isinstance(e, CallEnded)]
    assert ended.reason == "stopped"
