"""Fuzz the audio file loader: ``open_call`` and streaming ``blocks`` on arbitrary bytes.

Run by hand (not part of the test suite; the suite has the hypothesis version)::

    .venv/bin/pip install -e ".[fuzz]"   # or: .venv/bin/pip install atheris
    .venv/bin/python fuzz/fuzz_audio.py -max_total_time=300 -max_len=65536 fuzz/corpus_audio

Seed the corpus folder with a few real calls (``demo/demo_call_nl.flac`` cut
short, any WAV/OGG/MP3) so the fuzzer starts from valid headers. The first
byte picks the file name's extension (libsndfile guesses the format from the
content, but MP3 and RAW paths differ).
"""

from __future__ import annotations

import sys
import threading

import atheris

with atheris.instrument_imports():
    import numpy as np

    from belcoach.audio.engine.sources import open_call
    from belcoach.core.errors import AppError

from common import check_error, scratch

SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".bin")
MAX_BLOCKS = 100_000


def test_one(data: bytes) -> None:
    if not data:
        return
    path = scratch("call" + SUFFIXES[data[0] % len(SUFFIXES)], data[1:])
    try:
        source = open_call(path)
        for n, block in enumerate(source.blocks(threading.Event())):
            if not (np.isfinite(block.agent).all() and np.isfinite(block.customer).all()):
                raise AssertionError("non-finite audio came out")
            if n > MAX_BLOCKS:
                raise AssertionError("the stream does not end")
    except AppError as exc:
        check_error(exc, path)


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
