"""Replay playback: pitch-keeping speed change and the player's clock, seeks and speeds."""

from __future__ import annotations

import numpy as np
import pytest

from belcoach.audio.review.player import CallPlayer
from belcoach.audio.review.stretch import TimeStretcher


def _peak_hz(y: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return float(np.argmax(spectrum) * 16000 / len(y))


@pytest.mark.parametrize("speed", [0.5, 0.75, 1.5, 2.0])
def test_stretch_changes_length_but_not_pitch(speed: float) -> None:
    t = np.arange(32000) / 16000
    tone = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    audio = np.stack([tone, tone], axis=1)
    stretcher = TimeStretcher(audio, speed=speed)
    out, pos = stretcher.read(int(16000 / speed))  # one second of source
    assert pos == pytest.approx(16000, abs=300)
    assert _peak_hz(out[2000:-2000, 0]) == pytest.approx(220, abs=4)
    assert np.max(np.abs(out)) < 0.6  # the cross-fades add up, they do not pile up


def test_player_follows_its_clock_through_play_seek_speed_and_pause() -> None:
    now = [100.0]
    player = CallPlayer(np.zeros((16000 * 60, 2), np.int16), output="none", clock=lambda: now[0])
    assert not player.audible and player.duration == 60.0
    player.play()
    now[0] += 2.0
    assert player.position == pytest.approx(2.0)
    player.seek(30.0)
    now[0] += 1.0
    assert player.position == pytest.approx(31.0)
    player.set_speed(2.0)
    now[0] += 1.0
    assert player.position == pytest.approx(33.0)
    player.pause()
    now[0] += 5.0
    assert player.position == pytest.approx(33.0)
    player.seek(59.5)
    player.play()
    now[0] += 10.0
    assert player.position == 60.0 and player.finished
    with pytest.raises(ValueError):
        player.set_speed(8.0)
    player.close()
