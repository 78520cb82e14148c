"""Live capture from real (PulseAudio null-sink) devices: channels, clock, unplug, overruns.

Each test iterates the live source on the test's own thread and acts at audio-clock
times (start playback, unplug a device), so nothing waits on a sleep: the source
itself is paced by the wall clock.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.events import Event, LevelUpdate
from belcoach.audio.live import LiveOptions, open_live
from belcoach.audio.status import EngineStatus
from support.live import (
    CallFiles,
    dominant_hz,
    envelope,
    lag_seconds,
    make_call,
    of_type,
    rms,
    tone,
)
from support.pulse import PulseServer
from support.synth import espeak_binary

PLAY_AT = 1.0
"""Audio-clock time at which playback starts: the streams are running by then."""

CLOCK_TOLERANCE = 0.1
"""Audio-clock times must match the playback schedule within 100 ms (the issue's bound)."""


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> CallFiles:
    """The short Dutch test call (espeak-ng), one file per side."""
    try:
        espeak_binary()
    except Exception as exc:
        pytest.skip(str(exc))
    return make_call(tmp_path_factory.mktemp("call"))


def test_two_monitors_record_their_own_side_on_the_call_clock(
    pulse: PulseServer, call: CallFiles
) -> None:
    events: list[Event] = []
    source = open_live(
        agent_device="agent.monitor", customer_device="customer.monitor", publish=events.append
    )
    references = {side: pulse.record(f"{side}.monitor") for side in ("agent", "customer")}
    stop = threading.Event()
    spawned: float | None = None
    blocks = []
    end = PLAY_AT + call.truth.duration + 0.8
    players = []
    for block in source.blocks(stop):
        blocks.append(block)
        if spawned is None and block.t >= PLAY_AT:
            players = [pulse.play("agent", call.agent), pulse.play("customer", call.customer)]
            spawned = time.monotonic() - source.clock_origin
        if block.t >= end:
            stop.set()
    for p in players:
        p.wait(timeout=10)
    recorded = {side: r.stop() for side, r in references.items()}
    assert spawned is not None
    captured = {
        "agent": np.concatenate([b.agent for b in blocks]),
        "customer": np.concatenate([b.customer for b in blocks]),
    }

    # One clock: blocks are contiguous, equal length, 16 kHz float32 in [-1, 1].
    assert [b.t for b in blocks] == pytest.approx([i * 0.1 for i in range(len(blocks))])
    assert all(len(b.agent) == len(b.customer) == 1600 for b in blocks)
    assert captured["agent"].dtype == np.float32 and np.abs(captured["agent"]).max() <= 1.0

    late: list[str] = []
    for i, turn in enumerate(call.truth.turns):
        side = turn.channel
        ref = call.reference[side][round(turn.start * SAMPLE_RATE) : round(turn.end * SAMPLE_RATE)]
        at, match = lag_seconds(captured[side], ref)
        assert match > 0.6, f"turn {i}: the {side} channel does not carry it ({match:.2f})"
        # An independent recording (parec, PulseAudio's own client) puts it at the
        # same audio-clock time, with the same content: the capture's clock mapping
        # is right and it lost nothing (a playback glitch on a busy machine shows in
        # both recordings alike).
        epoch, samples = recorded[side]
        ref_at, _ = lag_seconds(samples, ref)
        offset = epoch - source.clock_origin
        assert abs(at - (ref_at + offset)) < 0.03, (
            f"turn {i}: capture {at:.3f} s, parec {ref_at + offset:.3f} s"
        )
        mine = envelope(captured[side][round(at * SAMPLE_RATE) :][: len(ref)])
        theirs = envelope(samples[round(ref_at * SAMPLE_RATE) :][: len(ref)])
        k = min(len(mine), len(theirs))
        same = float(np.corrcoef(mine[:k], theirs[:k])[0, 1])
        # Not 1.0: the capture may slip a sample or jump while its clock settles in
        # the first seconds; a different or broken recording scores far lower.
        assert same > 0.85, f"turn {i}: capture and parec differ ({same:.2f})"
        ref_at += offset
        # And where the playback schedule says, within the 100 ms, whenever the
        # server played it on time: on a loaded machine paplay itself sometimes starts
        # or underruns late (parec then hears it late too), which is not the capture's
        # doing; the strict check against parec above covers the capture either way.
        scheduled = spawned + turn.start
        if abs(ref_at - scheduled) < CLOCK_TOLERANCE - 0.03:
            assert abs(at - scheduled) < CLOCK_TOLERANCE, (
                f"turn {i} ({side}) at {at:.3f} s, scheduled {scheduled:.3f} s "
                f"(parec heard it at {ref_at:.3f} s)"
            )
        else:
            late.append(f"turn {i}: played {ref_at - scheduled:+.3f} s off schedule")
    if len(late) == len(call.truth.turns):
        pytest.skip(f"playback never ran on schedule (machine overloaded?): {late}")
    # Each side carries only its own speech.
    for side, other in (("agent", "customer"), ("customer", "agent")):
        for turn in call.truth.turns:
            alone = turn.channel == other and not any(
                u.channel == side and u.start < turn.end and turn.start < u.end
                for u in call.truth.turns
            )
            if alone:
                a = round((spawned + turn.start + 0.1) * SAMPLE_RATE)
                b = round((spawned + turn.end - 0.1) * SAMPLE_RATE)
                assert rms(captured[side][a:b]) < 1e-3, f"{other}'s turn leaks into {side}"

    # Meters a few times a second per side; no device trouble, nothing dropped.
    levels = [e for e in events if isinstance(e, LevelUpdate)]
    duration = blocks[-1].t + 0.1
    for side in ("agent", "customer"):
        mine = [e for e in levels if e.channel == side]
        assert len(mine) >= 3 * duration
        assert max(e.rms_db for e in mine) > -40
        assert all(e.dropped == 0 for e in mine)
    assert not [e for e in events if isinstance(e, EngineStatus)]
    stats = source.stats()
    assert stats["agent"]["rate"] == SAMPLE_RATE and stats["agent"]["jumps"] == 0


def test_unplugged_device_goes_silent_and_comes_back(pulse: PulseServer, tmp_path: Path) -> None:
    """Unload the customer's sink mid-call and load it again: lost, back, the agent unharmed."""
    agent_tone = tone(tmp_path / "a.wav", 700, 11.0)
    customer_tone = tone(tmp_path / "c.wav", 1100, 11.0)
    events: list[Event] = []
    source = open_live(
        agent_device="agent.monitor", customer_device="customer.monitor", publish=events.append
    )
    stop = threading.Event()
    blocks = []
    players = []
    unplugged = replugged = None
    for block in source.blocks(stop):
        blocks.append(block)
        if not players and block.t >= 0.5:
            players = [pulse.play("agent", agent_tone), pulse.play("customer", customer_tone)]
        if unplugged is None and block.t >= 2.0:
            pulse.remove_sink("customer")
            unplugged = block.t  # status events carry the time of the block that noticed
        if replugged is None and block.t >= 4.0:
            replugged = block.t
            # Blocks the reader for ~2 s (the new sink starts): the rings hold 4 s.
            pulse.add_sink("customer")
            players.append(pulse.play("customer", customer_tone))
        if block.t >= 9.0:
            stop.set()
    for p in players:
        p.terminate()
        p.wait(timeout=10)
    assert unplugged is not None and replugged is not None

    lost = of_type(events, "status", "customer")
    codes = [e.code for e in lost if isinstance(e, EngineStatus)]
    assert codes == ["device_lost", "device_back"], codes
    lost_at, back_at = lost[0].t, lost[1].t
    assert unplugged < lost_at <= unplugged + 1.0
    assert replugged < back_at <= replugged + 4.0
    assert "customer.monitor" in lost[0].message and "call goes on" in lost[0].message
    assert not of_type(events, "status", "agent")

    def side(name: str, t0: float, t1: float) -> np.ndarray:
        return np.concatenate([getattr(b, name) for b in blocks if t0 <= b.t < t1])

    # The agent's tone never stopped, and the clock never did either.
    for b in blocks:
        if 1.5 <= b.t < 8.5:
            assert rms(b.agent) > 0.05, f"agent silent at {b.t:.1f} s"
    assert [b.t for b in blocks] == pytest.approx([i * 0.1 for i in range(len(blocks))])
    # The customer's side: its tone, silence while unplugged, its tone again.
    assert dominant_hz(side("customer", 1.0, unplugged)) == pytest.approx(1100, abs=5)
    assert rms(side("customer", lost_at + 0.3, replugged)) < 1e-3
    assert dominant_hz(side("customer", 8.0, 9.0)) == pytest.approx(1100, abs=5)
    assert source.stats()["customer"]["reconnects"] == 1


def test_missing_device_is_reported_and_picked_up_when_it_appears(
    pulse: PulseServer, tmp_path: Path
) -> None:
    beep = tone(tmp_path / "h.wav", 900, 3.0)
    events: list[Event] = []
    source = open_live(
        agent_device="agent.monitor", customer_device="headset", publish=events.append
    )
    stop = threading.Event()
    blocks = []
    player = None
    try:
        for block in source.blocks(stop):
            blocks.append(block)
            if block.t >= 1.0 and "headset" not in pulse.sinks:
                pulse.add_sink("headset")
            if player is None and of_type(events, "status", "customer")[1:]:
                player = pulse.play("headset", beep)
                played = time.monotonic() - source.clock_origin  # blocks may lag: catch-up
            if player is not None and block.t >= played + 2.5:
                stop.set()
            if block.t > 10.0:
                break
    finally:
        if player is not None:
            player.wait(timeout=10)
        pulse.remove_sink("headset")

    statuses = [e for e in of_type(events, "status", "customer") if isinstance(e, EngineStatus)]
    assert [e.code for e in statuses] == ["device_missing", "device_back"]
    missing, back = statuses
    assert missing.level == "error" and missing.t == 0.0
    assert "'headset'" in missing.message and "monitor" in missing.message
    assert "headset.monitor" in back.message and back.t >= 1.0
    tail = np.concatenate([b.customer for b in blocks if played + 0.5 <= b.t < played + 2.0])
    assert dominant_hz(tail) == pytest.approx(900, abs=5)
    assert max(rms(b.agent) for b in blocks) < 1e-3  # nothing played to the agent


def test_stalled_reader_counts_and_reports_overruns(pulse: PulseServer) -> None:
    """A reader that stops reading for longer than the ring holds loses audio, and says so."""
    events: list[Event] = []
    source = open_live(
        agent_device="agent.monitor",
        customer_device="customer.monitor",
        options=LiveOptions(ring_seconds=0.3),
        publish=events.append,
    )
    stop = threading.Event()
    stalled = False
    for block in source.blocks(stop):
        if not stalled and block.t >= 1.0:
            # The stimulus, not a synchronisation: an engine thread stuck for 1.2 s
            # while the devices keep delivering into 0.3 s rings.
            threading.Event().wait(1.2)
            stalled = True
        if block.t >= 3.0:
            stop.set()

    stats = source.stats()
    for side in ("agent", "customer"):
        overruns = [e for e in of_type(events, "status", side) if isinstance(e, EngineStatus)]
        # One report (at most one per 5 s per side), more only if the loss came in bursts.
        assert overruns and {e.code for e in overruns} == {"overrun"}
        assert overruns[0].level == "warning" and overruns[0].details["dropped"] > 0
        assert 0.5 < stats[side]["lost_seconds"] < 1.5
        levels = [e for e in of_type(events, "level", side) if isinstance(e, LevelUpdate)]
        before = max(e.dropped for e in levels if e.t <= 1.0)  # a 0.3 s ring may lose at start
        assert levels[-1].dropped > before
        assert levels[-1].dropped == stats[side]["dropped_blocks"]


def test_one_stereo_device_carries_both_sides(pulse: PulseServer, tmp_path: Path) -> None:
    """Both sides on the same device: one stream, left = agent, right = customer."""
    import soundfile as sf

    t = np.arange(6 * SAMPLE_RATE) / SAMPLE_RATE
    stereo = np.stack([0.3 * np.sin(2 * np.pi * 600 * t), 0.3 * np.sin(2 * np.pi * 1300 * t)], 1)
    sf.write(tmp_path / "lr.wav", stereo.astype(np.float32), SAMPLE_RATE)
    events: list[Event] = []
    source = open_live(
        agent_device="agent.monitor", customer_device="agent.monitor", publish=events.append
    )
    stop = threading.Event()
    blocks = []
    player = None
    for block in source.blocks(stop):
        blocks.append(block)
        if player is None and block.t >= 0.5:
            player = pulse.play("agent", tmp_path / "lr.wav")
        if block.t >= 4.0:
            stop.set()
    assert player is not None
    player.terminate()
    player.wait(timeout=10)

    late = [b for b in blocks if b.t >= 2.5]
    agent = np.concatenate([b.agent for b in late])
    customer = np.concatenate([b.customer for b in late])
    assert dominant_hz(agent) == pytest.approx(600, abs=5)
    assert dominant_hz(customer) == pytest.approx(1300, abs=5)
    assert not [e for e in events if isinstance(e, EngineStatus)]
