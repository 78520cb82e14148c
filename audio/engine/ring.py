"""Preallocated single-producer/single-consumer ring buffers for the audio callback.

The PortAudio callback (the producer) must never block, lock or allocate growing
arrays (STYLE T1-T3); the engine thread (the consumer) reads whatever arrived since
its last read. Neither side takes a lock: each position is an ever-increasing
integer that only one side writes, and assigning a Python int is atomic.

When the consumer falls behind by more than the capacity, the producer overwrites
the oldest audio (STYLE T2: audio drops the oldest) and the consumer notices on its
next read: it skips what was overwritten and reports how many frames were lost. A
read that races with an overwrite is detected after the copy and trimmed, so a
reader never returns frames that were half overwritten.

Reads are contiguous without wrap-around handling thanks to the double-write trick
(friture's ``ringbuffer.py``): every frame is stored twice, at ``i`` and
``i + capacity``, so any run of up to ``capacity`` frames is one slice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class RingRead:
    """What one consumer read returned.

    Attributes:
        start: position (in frames since the ring was created) of ``frames[0]``.
        frames: np.ndarray [shape=(n, channels), float32], a copy owned by the caller.
        lost: frames overwritten before they could be read (an overrun), just
            before ``start``.
    """

    start: int
    frames: np.ndarray
    lost: int


class FrameRing:
    """A bounded ring of audio frames, written by one thread and read by another.

    Args:
        capacity: frames kept; older unread frames are overwritten beyond this.
        channels: samples per frame.
    """

    def __init__(self, capacity: int, channels: int) -> None:
        if capacity < 1 or channels < 1:
            raise ValueError("capacity and channels must be at least 1")
        self.capacity = capacity
        self.channels = channels
        self._buf = np.zeros((2 * capacity, channels), dtype=np.float32)
        self._written = 0  # producer only
        self._read = 0  # consumer only

    @property
    def written(self) -> int:
        """Frames written since creation (the producer's position)."""
        return self._written

    def write(self, frames: np.ndarray) -> None:
        """Copy ``frames`` in; called from the audio callback.

        Only slices and copies into the preallocated buffer: no allocation that
        grows, no lock, no logging. A chunk longer than the capacity keeps its
        newest ``capacity`` frames (the rest counts as lost on the next read).

        Args:
            frames: np.ndarray [shape=(n, channels)], any float or int dtype numpy
                can cast to float32 (PortAudio delivers float32).
        """
        n = len(frames)
        cap = self.capacity
        if n > cap:
            self._written += n - cap
            frames = frames[n - cap :]
            n = cap
        i = self._written % cap
        first = min(n, cap - i)
        buf = self._buf
        buf[i : i + first] = frames[:first]
        buf[i + cap : i + cap + first] = frames[:first]
        rest = n - first
        if rest:
            buf[:rest] = frames[first:]
            buf[cap : cap + rest] = frames[first:]
        self._written += n

    def read(self) -> RingRead:
        """Return everything written since the last read; called by the consumer."""
        cap = self.capacity
        written = self._written
        start = self._read
        lost = 0
        if written - start > cap:
            lost = written - start - cap
            start = written - cap
        n = written - start
        i = start % cap
        out = self._buf[i : i + n].copy()
        # The producer may have lapped us during the copy: whatever it could have
        # overwritten by now is unreliable and is dropped from the front.
        now = self._written
        if now - start > cap:
            gone = min(n, now - start - cap)
            out = out[gone:]
            start += gone
            lost += gone
        self._read = start + len(out)
        return RingRead(start, out, lost)


class StampRing:
    """A bounded ring of per-callback timing records (float64 columns).

    The callback stores a few numbers per call (frame position, arrival time,
    PortAudio's ADC and current times); the consumer reads the new rows. When it
    falls more than ``capacity`` rows behind, the oldest rows are simply gone:
    timing is re-learnt from the rows that remain.

    Args:
        capacity: rows kept.
        columns: numbers per row.
    """

    def __init__(self, capacity: int, columns: int) -> None:
        self.capacity = capacity
        self._rows = np.zeros((capacity, columns), dtype=np.float64)
        self._written = 0
        self._read = 0

    def put(self, *values: float) -> None:
        """Store one row; called from the audio callback."""
        row = self._rows[self._written % self.capacity]
        for k, value in enumerate(values):
            row[k] = value
        self._written += 1

    def take(self) -> np.ndarray:
        """Return the rows stored since the last call, oldest first (a copy)."""
        written = self._written
        start = max(self._read, written - self.capacity)
        idx = np.arange(start, written) % self.capacity
        out = self._rows[idx]
        # Rows the producer overwrote during the copy are dropped from the front.
        now = self._written
        if now - start > self.capacity:
            out = out[now - start - self.capacity :]
        self._read = written
        return out
