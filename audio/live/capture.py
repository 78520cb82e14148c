"""One open input device: a PortAudio stream whose callback only copies.

The callback (on PortAudio's thread) copies each buffer into a preallocated
`FrameRing`, stores one timing row in a `StampRing` and counts PortAudio's
input-overflow flag: no lock, no logging, no allocation that grows, no Qt (STYLE
T1-T3). The engine thread `drain` s both rings once per block.

Opening, closing and health checks happen on the engine thread. Closing runs in a
short-lived helper thread because closing a stream whose device has vanished can
hang inside some host APIs; the engine must not hang with it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from belcoach.audio.engine.ring import FrameRing, StampRing
from belcoach.audio.live import devices as devs
from belcoach.audio.live.devices import DeviceInfo
from belcoach.audio.live.pulse import PCM_NAMES
from belcoach.core.errors import AudioDeviceError

log = logging.getLogger(__name__)

PULSE_RATE = 16_000
"""PulseAudio sources are opened at the engine's rate: the server resamples (its
default resampler is fine for speech) and the engine skips a second resampling."""

CALLBACK_SECONDS = 0.02
"""Audio per callback. Small enough for prompt meters, large enough that the Python
callback costs nothing measurable (50 calls a second per device)."""

START_GRACE = 0.5
"""Input-overflow flags in the first half second of a stream are not counted: PortAudio's
ALSA code flags the backlog that builds between opening and starting a stream (seen
here on 1 of 3 starts), which is no lost call audio."""

STAMP_ROWS = 4096
"""Timing rows kept: 80 s of callbacks at 20 ms, far more than one block needs."""

# Columns of a timing row.
POS, ARRIVAL, ADC, CURRENT, FRAMES = range(5)


@dataclass(frozen=True, slots=True)
class CaptureChunk:
    """What arrived from one device since the last drain.

    Attributes:
        start: stream position (device frames since the stream opened) of ``frames[0]``.
        frames: np.ndarray [shape=(n, channels), float32, device rate].
        lost: frames overwritten in the ring before they were read (an overrun).
        stamps: np.ndarray [shape=(k, 5), float64]: per callback, the position of its
            first frame, the monotonic arrival time, PortAudio's ADC time and current
            time (same clock as each other), and its frame count.
        overflows: callbacks PortAudio flagged with an input overflow since the last drain.
    """

    start: int
    frames: np.ndarray
    lost: int
    stamps: np.ndarray
    overflows: int


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence C-level stderr around PortAudio calls that print on failure.

    PortAudio's ALSA code prints "Expression ... failed" lines for every failed open;
    reconnect attempts would flood the terminal. Same trick sounddevice uses at start.
    """
    saved = None
    try:
        saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        saved = None
    try:
        yield
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)


class DeviceCapture:
    """Records one input device through PortAudio into ring buffers.

    Args:
        device: what to open.
        channels: channels to record (1 lets PulseAudio/WASAPI downmix for us).
        pcm: for a PulseAudio source, which belcoach ALSA PCM records it.
        ring_seconds: audio the ring holds before the oldest is overwritten.
    """

    def __init__(
        self,
        device: DeviceInfo,
        *,
        channels: int = 1,
        pcm: str = PCM_NAMES[0],
        ring_seconds: float = 4.0,
    ) -> None:
        self.device = device
        self.channels = channels
        self._pcm = pcm
        self._ring_seconds = ring_seconds
        self.rate = float(PULSE_RATE if device.pulse_source else device.default_rate)
        self._stream: Any = None
        self._ring = FrameRing(1, 1)
        self._stamps = StampRing(STAMP_ROWS, 5)
        self._overflows = 0  # written by the callback only
        self._overflows_seen = 0
        self._finished = False  # set by PortAudio's finished callback
        self.opened_at = 0.0
        self.first_callback = 0.0  # monotonic time of the stream's first callback
        self.last_callback = 0.0  # monotonic time of the latest callback

    @property
    def is_open(self) -> bool:
        """True while a stream is open."""
        return self._stream is not None

    @property
    def may_go_quiet(self) -> bool:
        """Whether silence from this device can mean "nothing plays" rather than a fault.

        A WASAPI loopback delivers no callbacks while nothing plays, and a PulseAudio
        monitor of an idle sink was seen here to deliver none until something played.
        Microphones deliver continuously, so their silence is a fault.
        """
        return self.device.loopback

    def open(self) -> None:
        """Open and start the stream.

        Raises:
            AudioDeviceError: the device cannot be opened (gone, busy, bad format).
        """
        sd = devs.portaudio()
        index = self._portaudio_index(sd)
        rates = [self.rate] + [r for r in (48_000.0, 44_100.0, 16_000.0) if r != self.rate]
        error: Exception | None = None
        for rate in rates:
            self._ring = FrameRing(max(1, round(self._ring_seconds * rate)), self.channels)
            self._stamps = StampRing(STAMP_ROWS, 5)
            self._overflows = self._overflows_seen = 0
            self._finished = False
            self.first_callback = 0.0
            try:
                with quiet_stderr():
                    stream = sd.InputStream(
                        device=index,
                        channels=self.channels,
                        samplerate=rate,
                        dtype="float32",
                        blocksize=max(1, round(rate * CALLBACK_SECONDS)),
                        latency=0.1 if self.device.pulse_source else "high",
                        extra_settings=self._extra_settings(sd),
                        callback=self._callback,
                        finished_callback=self._on_finished,
                    )
                    stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                error = exc
                if self.device.pulse_source:
                    break  # the server resamples: another rate will not help
                continue
            self.rate = rate
            self._stream = stream
            self.opened_at = self.last_callback = time.monotonic()
            return
        raise AudioDeviceError(f"audio device {self.device.label()!r} cannot be opened: {error}")

    def _portaudio_index(self, sd: Any) -> int:
        if self.device.pulse_source is None:
            if self.device.index is None:
                raise AudioDeviceError(f"audio device {self.device.name!r} has no PortAudio index")
            info = sd.query_devices(self.device.index)
            if str(info["name"]) != self.device.name:
                raise AudioDeviceError(f"audio device {self.device.name!r} is no longer listed")
            return self.device.index
        devs.alsa_pulse().route(self._pcm, self.device.pulse_source)
        for dev in sd.query_devices():
            if dev["name"] == self._pcm:
                return int(dev["index"])
        raise AudioDeviceError(
            f"PortAudio does not list the ALSA PCM {self._pcm!r} for PulseAudio source "
            f"{self.device.name!r}; install libasound2-plugins (the ALSA pulse plugin)"
        )

    def _extra_settings(self, sd: Any) -> Any:
        if "WASAPI" in self.device.host_api:
            # Shared mode would otherwise insist on the mix format's rate and channels.
            return sd.WasapiSettings(auto_convert=True)
        return None

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy, stamp, count. Nothing else (STYLE T1)."""
        now = time.monotonic()
        position = self._ring.written
        self._ring.write(indata)
        self._stamps.put(position, now, time_info.inputBufferAdcTime, time_info.currentTime, frames)
        if self.first_callback == 0.0:
            self.first_callback = now
        if status.input_overflow and now - self.first_callback > START_GRACE:
            self._overflows += 1
        self.last_callback = now

    def _on_finished(self) -> None:
        self._finished = True

    def drain(self) -> CaptureChunk:
        """Everything that arrived since the last drain (engine thread)."""
        read = self._ring.read()
        overflows = self._overflows
        new = overflows - self._overflows_seen
        self._overflows_seen = overflows
        return CaptureChunk(read.start, read.frames, read.lost, self._stamps.take(), new)

    def fault(self, now: float, *, stall_seconds: float) -> str | None:
        """Why the stream is no longer usable, or None while it is fine."""
        if self._stream is None:
            return "closed"
        if self._finished or not self._stream.active:
            return "the stream stopped"
        if not self.may_go_quiet and now - self.last_callback > stall_seconds:
            return f"no audio for {now - self.last_callback:.1f} s"
        return None

    def close(self) -> None:
        """Stop and close the stream without letting a dead device hang the caller."""
        stream, self._stream = self._stream, None
        if stream is None:
            return

        def shut() -> None:
            try:
                with contextlib.suppress(Exception):
                    stream.abort()
                stream.close()
            except Exception as exc:  # a vanished device may fail to close; nothing to do
                log.info("closing %s: %s", self.device.name, exc)

        closer = threading.Thread(target=shut, name="close-stream", daemon=True)
        closer.start()
        closer.join(timeout=1.0)
