"""Input devices and their levels for the settings dialog (sounddevice, no Qt).

Robust by design: no PortAudio library, no sound server, or no devices all
give an empty list (the dialog then says so), never an exception. A level
probe opens one input stream; its callback only copies the block into a
one-slot "latest wins" queue (STYLE T1/T2) and the dialog's timer reads the
level from there.
"""

from __future__ import annotations

import contextlib
import logging
import math
import queue
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

SILENCE_DB = -90.0


@dataclass(frozen=True, slots=True)
class InputDevice:
    """One input device as PortAudio lists it.

    Attributes:
        name: the device name (what the settings store).
        index: PortAudio's index (changes between runs; never stored).
        channels: input channels.
        default: True for the system's default input.
    """

    name: str
    index: int
    channels: int
    default: bool = False


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError) as exc:  # OSError: libportaudio missing
        log.info("no audio devices: %s", exc)
        return None
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """Every device with input channels; empty when there are none or no PortAudio."""
    sd = _sounddevice()
    if sd is None:
        return []
    try:
        devices = sd.query_devices()
        default_in = sd.default.device[0] if sd.default.device else -1
    except Exception as exc:  # PortAudioError and friends: no usable audio system
        log.info("could not list audio devices: %s", exc)
        return []
    out: list[InputDevice] = []
    for index, info in enumerate(devices):
        channels = int(info.get("max_input_channels", 0))
        if channels > 0:
            out.append(InputDevice(str(info["name"]), index, channels, index == default_in))
    return out


class LevelProbe:
    """Meters one input device while the settings dialog is open.

    Args:
        device: the device name (empty = the system default).
    """

    def __init__(self, device: str = "") -> None:
        self.device = device
        self.error = ""
        self._blocks: queue.Queue[np.ndarray] = queue.Queue(maxsize=1)
        self._stream: Any = None
        sd = _sounddevice()
        if sd is None:
            self.error = "no audio system"
            return
        try:
            self._stream = sd.InputStream(
                device=device or None,
                channels=1,
                samplerate=16_000,
                blocksize=800,
                dtype="float32",
                callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:  # busy, vanished or unsupported device
            self.error = str(exc)
            self._stream = None
            log.info("cannot meter %r: %s", device, exc)

    def _callback(self, indata: np.ndarray, _frames: int, _time: Any, _status: Any) -> None:
        # Copy and hand over only (STYLE T1): latest wins, never block.
        block = indata.copy()
        try:
            self._blocks.put_nowait(block)
        except queue.Full:
            with contextlib.suppress(queue.Empty):
                self._blocks.get_nowait()
            with contextlib.suppress(queue.Full):
                self._blocks.put_nowait(block)

    def level_db(self) -> float | None:
        """RMS level of the newest block in dBFS, or None when nothing new came in."""
        try:
            block = self._blocks.get_nowait()
        except queue.Empty:
            return None
        rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64)))) if block.size else 0.0
        return 20.0 * math.log10(rms) if rms > 1e-9 else SILENCE_DB

    def close(self) -> None:
        """Stop and close the stream."""
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception as exc:
                log.info("closing the meter of %r: %s", self.device, exc)
            self._stream = None
