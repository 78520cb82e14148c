"""The lock-free rings between the audio callback and the engine thread."""

from __future__ import annotations

import threading
import tracemalloc

import numpy as np

from belcoach.audio.engine.ring import FrameRing, StampRing


def frames(start: int, n: int, channels: int = 2) -> np.ndarray:
    """Frames whose values are their own positions, so any mix-up shows."""
    return np.repeat(np.arange(start, start + n, dtype=np.float32)[:, None], channels, axis=1)


def test_reads_return_what_was_written_across_the_wrap() -> None:
    ring = FrameRing(100, 2)
    got = []
    for i in range(0, 1000, 37):
        ring.write(frames(i, 37))
        read = ring.read()
        assert read.lost == 0 and read.start == i
        got.append(read.frames)
    np.testing.assert_array_equal(np.concatenate(got), frames(0, 1036))


def test_overrun_keeps_the_newest_and_counts_the_rest() -> None:
    ring = FrameRing(100, 1)
    for i in range(0, 250, 50):
        ring.write(frames(i, 50, 1))
    read = ring.read()
    assert read.lost == 150 and read.start == 150
    np.testing.assert_array_equal(read.frames, frames(150, 100, 1))
    assert ring.read().frames.shape == (0, 1)


def test_a_chunk_longer_than_the_ring_keeps_its_end() -> None:
    ring = FrameRing(10, 1)
    ring.write(frames(0, 25, 1))
    read = ring.read()
    assert (read.start, read.lost) == (15, 15)
    np.testing.assert_array_equal(read.frames, frames(15, 10, 1))


def test_writing_allocates_nothing_that_grows() -> None:
    """The callback's work: thousands of writes must not grow memory (STYLE T3)."""
    ring = FrameRing(4800, 1)
    stamps = StampRing(64, 5)
    block = frames(0, 320, 1)
    for _ in range(100):  # warm up numpy's small-object caches
        ring.write(block)
        stamps.put(1.0, 2.0, 3.0, 4.0, 5.0)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(5000):
        ring.write(block)
        stamps.put(1.0, 2.0, 3.0, 4.0, 5.0)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 10_000, f"{grown} bytes kept after 5000 writes"


def test_concurrent_writer_never_hands_out_torn_frames() -> None:
    """A writer lapping a slow reader: whatever is read is intact and in order."""
    ring = FrameRing(64, 1)
    done = threading.Event()

    def writer() -> None:
        pos = 0
        while not done.is_set() and pos < 2_000_000:
            ring.write(frames(pos, 16, 1))
            pos += 16

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = 0
        while seen < 200_000 and thread.is_alive():
            read = ring.read()
            if len(read.frames):
                expected = np.arange(read.start, read.start + len(read.frames), dtype=np.float32)
                np.testing.assert_array_equal(read.frames[:, 0], expected)
                seen += len(read.frames)
    finally:
        done.set()
        thread.join()
    assert seen > 0


def test_stamp_ring_returns_new_rows_and_drops_the_oldest() -> None:
    stamps = StampRing(4, 2)
    for i in range(3):
        stamps.put(i, 10 * i)
    np.testing.assert_array_equal(stamps.take(), [[0, 0], [1, 10], [2, 20]])
    for i in range(3, 9):
        stamps.put(i, 10 * i)
    np.testing.assert_array_equal(stamps.take()[:, 0], [5, 6, 7, 8])
    assert len(stamps.take()) == 0
