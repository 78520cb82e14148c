"""Playing a recorded call for the replay window: play, pause, seek, 0.5-2x speed.

Qt's multimedia module is not in PySide6-Essentials, so playback goes
through sounddevice (PortAudio), like live capture. The audio callback only
copies ready-made blocks from a bounded queue (STYLE T1); a feeder thread
renders them with `TimeStretcher` so speech keeps its pitch at any speed.
``position`` follows what is heard (the device's output latency is taken
off), and the replay window syncs its playhead and transcript to it.

Without an output device (a server, a test machine, no sound card) the
player runs on the clock alone: everything works, nothing is heard, and
``warning`` says why.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from belcoach.audio.review.stretch import TimeStretcher

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
BLOCK = 1024
"""Samples per device block (64 ms)."""

QUEUE_BLOCKS = 4
"""Blocks rendered ahead (256 ms): enough against hiccups, short enough for quick seeks."""

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
"""The speeds the replay window offers."""

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class _Block:
    generation: int
    samples: np.ndarray
    source_end: float  # source position (samples) after this block


class CallPlayer:
    """Plays a call's two channels (agent left, customer right).

    Args:
        audio: np.ndarray [shape=(n, 2), int16 or float32, 16 kHz].
        output: ``auto`` (the default device, else silent) or ``none`` (silent).
        clock: monotonic seconds; injectable so tests need no sleeping.
    """

    def __init__(
        self, audio: np.ndarray, *, output: str = "auto", clock: Clock = time.monotonic
    ) -> None:
        if audio.dtype == np.int16:
            audio = audio.astype(np.float32) / 32768.0
        self._audio = np.ascontiguousarray(audio, dtype=np.float32)
        self.duration = len(self._audio) / SAMPLE_RATE
        self._clock = clock
        self._lock = threading.Lock()
        self._speed = 1.0
        self._playing = False
        self._anchor_pos = 0.0  # seconds of source at _anchor_time
        self._anchor_time = clock()
        self._generation = 0
        self.warning = ""
        self.underruns = 0
        self._stream: Any = None
        self._queue: queue.Queue[_Block] = queue.Queue(maxsize=QUEUE_BLOCKS)
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._feeder: threading.Thread | None = None
        self._heard: tuple[float, float] | None = None  # (source seconds, clock) at the device
        self._latency = 0.0
        if output == "auto":
            self._open_device()
        elif output != "none":
            raise ValueError(f"output must be 'auto' or 'none', not {output!r}")

    # -- public API ----------------------------------------------------------------------------

    @property
    def audible(self) -> bool:
        """True when sound goes to a device (False: the clock-only fallback)."""
        return self._stream is not None

    @property
    def playing(self) -> bool:
        """True while playing."""
        return self._playing

    @property
    def speed(self) -> float:
        """Playback speed (1.0 = as recorded)."""
        return self._speed

    @property
    def position(self) -> float:
        """Seconds into the call of what is being heard now."""
        with self._lock:
            if not self._playing:
                return self._anchor_pos
            now = self._clock()
            if self._stream is not None and self._heard is not None:
                src, at = self._heard
                t = src - self._latency * self._speed + (now - at) * self._speed
                t = max(self._anchor_pos, t)
            else:
                t = self._anchor_pos + (now - self._anchor_time) * self._speed
            if t >= self.duration:
                t = self.duration
            return t

    @property
    def finished(self) -> bool:
        """True once playback has reached the end."""
        return self.position >= self.duration

    def play(self) -> None:
        """Start or resume playing (from the start again if at the end)."""
        if self.finished:
            self.seek(0.0)
        with self._lock:
            if self._playing:
                return
            self._playing = True
            self._anchor_time = self._clock()
            self._restart_locked()

    def pause(self) -> None:
        """Pause; ``position`` stays where it was."""
        pos = self.position
        with self._lock:
            self._playing = False
            self._anchor_pos = pos
            self._restart_locked()

    def toggle(self) -> None:
        """Play when paused, pause when playing."""
        if self._playing:
            self.pause()
        else:
            self.play()

    def seek(self, t: float) -> None:
        """Jump to ``t`` seconds (clamped to the call); keeps playing if it was."""
        t = float(min(max(0.0, t), self.duration))
        with self._lock:
            self._anchor_pos = t
            self._anchor_time = self._clock()
            self._restart_locked()

    def set_speed(self, speed: float) -> None:
        """Change the speed (0.5-2x in the window); pitch is kept."""
        if not 0.25 <= speed <= 4.0:
            raise ValueError(f"speed must be between 0.25 and 4, not {speed}")
        pos = self.position
        with self._lock:
            self._speed = float(speed)
            self._anchor_pos = pos
            self._anchor_time = self._clock()
            self._restart_locked()

    def close(self) -> None:
        """Stop the device and the feeder thread."""
        self._closing.set()
        self._wake.set()
        if self._stream is not None:
            with contextlib.suppress(Exception):
                self._stream.stop()
                self._stream.close()
            self._stream = None
        if self._feeder is not None:
            self._feeder.join(timeout=2.0)

    # -- device output ------------------------------------------------------------------------

    def _open_device(self) -> None:
        try:
            import sounddevice as sd

            self._stream = sd.OutputStream(
                samplerate=SAMPLE_RATE,
                channels=2,
                dtype="float32",
                blocksize=BLOCK,
                callback=self._callback,
            )
            self._stream.start()
            self._latency = float(self._stream.latency)
        except Exception as exc:  # no PortAudio, no device, device busy: play silently
            self._stream = None
            self.warning = f"no audio output ({exc}); playing without sound"
            log.info("replay: %s", self.warning)
            return
        self._feeder = threading.Thread(target=self._feed, name="replay-feeder", daemon=True)
        self._feeder.start()

    def _restart_locked(self) -> None:
        """Drop queued audio after a seek, pause or speed change (holding ``_lock``)."""
        self._generation += 1
        self._heard = None
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._wake.set()

    def _feed(self) -> None:
        """Feeder thread: render blocks ahead of the device while playing."""
        stretcher: TimeStretcher | None = None
        generation = -1
        while not self._closing.is_set():
            with self._lock:
                playing, gen = self._playing, self._generation
                if gen != generation:
                    stretcher = TimeStretcher(
                        self._audio,
                        position=round(self._anchor_pos * SAMPLE_RATE),
                        speed=self._speed,
                    )
                    generation = gen
            if not playing or stretcher is None or stretcher.finished:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            samples, end = stretcher.read(BLOCK)
            block = _Block(gen, samples, end / SAMPLE_RATE)
            while not self._closing.is_set():
                try:
                    self._queue.put(block, timeout=0.1)
                    break
                except queue.Full:
                    if self._generation != gen:
                        break

    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        """PortAudio callback: copy one ready block, or silence (never blocks)."""
        try:
            block = self._queue.get_nowait()
        except queue.Empty:
            outdata.fill(0.0)
            if self._playing:
                self.underruns += 1
            return
        if block.generation != self._generation or len(block.samples) != frames:
            outdata.fill(0.0)
            return
        outdata[:] = block.samples
        self._heard = (block.source_end, self._clock())
