"""Putting a drifting, jittery, pausing device on the call clock (synthetic timestamps)."""

from __future__ import annotations

import numpy as np
import pytest

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.live.clock import ChannelAligner, DeviceClock

CALLBACK = 320  # 20 ms at 16 kHz


def deliveries(
    rng: np.random.Generator, seconds: float, *, ppm: float, start: float = 100.0
) -> list[tuple[int, float]]:
    """(samples delivered so far, arrival time) per callback of a device ``ppm`` fast.

    Arrivals come after capture by a random delivery delay (1-30 ms, sometimes
    150 ms: a busy machine), in bursts of two callbacks like PulseAudio's.
    """
    rate = SAMPLE_RATE * (1 + ppm * 1e-6)
    out = []
    n = 0
    while n / rate < seconds:
        n += CALLBACK
        delay = rng.uniform(0.001, 0.03) + (0.15 if rng.random() < 0.02 else 0.0)
        out.append((n, start + n / rate + delay))
    return out


@pytest.mark.parametrize("ppm", [-200.0, 0.0, 120.0])
def test_drift_is_measured_from_noisy_arrivals(rng: np.random.Generator, ppm: float) -> None:
    clock = DeviceClock()
    for pos, arrived in deliveries(rng, 600, ppm=ppm):
        clock.observe(pos, arrived)
    assert clock.drift_ppm == pytest.approx(ppm, abs=10)
    # Sample 0 was captured at 100.0 s; by 700 s the nominal-rate epoch has moved by
    # the drift. The estimate is at most a few ms late (the smallest delivery delay).
    expected = 100.0 - 600.0 * ppm * 1e-6
    assert 0.0 <= clock.epoch(700.0) - expected < 0.01


def test_aligner_keeps_a_drifting_device_on_time(rng: np.random.Generator) -> None:
    """A device 150 ppm fast for 10 minutes (90 ms of drift) stays within 5 ms."""
    ppm, start = 150.0, 100.0
    rate = SAMPLE_RATE * (1 + ppm * 1e-6)
    aligner = ChannelAligner(call_start=start)
    delivered = 0
    clicks = set(range(5 * SAMPLE_RATE, 600 * SAMPLE_RATE, 20 * SAMPLE_RATE))
    block = 1600
    errors = []
    pending = deliveries(rng, 600, ppm=ppm, start=start)
    k = 0
    for t_block in np.arange(0, 595, 0.1):
        now = start + t_block + 0.1 + 0.3  # the source's hold-back
        while k < len(pending) and pending[k][1] <= now:
            pos, arrived = pending[k]
            chunk = np.zeros(pos - delivered, dtype=np.float32)
            for c in clicks:
                if delivered <= c < pos:
                    chunk[c - delivered] = 1.0
            aligner.push(chunk)
            aligner.observe(pos, arrived)
            delivered = pos
            k += 1
        out = aligner.read(float(t_block), block)
        for i in np.flatnonzero(out > 0.5):
            heard = t_block + i / SAMPLE_RATE
            # Click c was captured at start + c / rate: that is its call time.
            true = min((c / rate for c in clicks), key=lambda x: abs(x - heard))
            errors.append(heard - true)
    assert len(errors) == len(clicks)
    assert max(abs(e) for e in errors) < 0.005, errors
    assert aligner.stats.drift_ppm == pytest.approx(ppm, abs=15)
    assert aligner.stats.jumps == 0


def test_silent_loopback_gap_is_silence_then_realigned() -> None:
    """A WASAPI loopback stops delivering for 5 s and resumes: the clock never waits."""
    aligner = ChannelAligner(call_start=0.0)
    ones = np.ones(CALLBACK, dtype=np.float32)
    pos = 0
    outputs = {}

    def deliver_until(t_end: float, t_first: float) -> None:
        nonlocal pos
        t = t_first
        while t <= t_end:
            pos += CALLBACK
            aligner.push(ones)
            aligner.observe(pos, t + 0.005)
            t += CALLBACK / SAMPLE_RATE

    deliver_until(2.0, 0.02)  # audio for 0-2 s
    for i in range(25):
        outputs[i] = aligner.read(i * 0.1, 1600)
    # Nothing plays from 2 to 7 s: no callbacks at all.
    for i in range(25, 70):
        outputs[i] = aligner.read(i * 0.1, 1600)
    deliver_until(9.0, 7.02)  # it resumes; the sample count did not move meanwhile
    for i in range(70, 88):
        outputs[i] = aligner.read(i * 0.1, 1600)
    assert outputs[10].min() == 1.0
    assert all(outputs[i].max() == 0.0 for i in range(21, 70))
    assert all(outputs[i].min() == 1.0 for i in range(71, 88))
    assert aligner.stats.jumps == 1
