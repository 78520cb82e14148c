"""A private PulseAudio server with two null sinks, ``agent`` and ``customer``, per module.

Their ``.monitor`` sources are the two "devices" the live source records; paplay into
a sink is sound on that device. The server is ours and is ended after the module.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.pulse import PulseServer, PulseUnavailableError


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A running private server with sinks ``agent`` and ``customer``; PULSE_SERVER points at it."""
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio/paplay are not installed (scripts/setup.sh --test installs them)")
    # A short path: the socket path must fit in sun_path (108 bytes).
    root = Path(tmp_path_factory.mktemp("pa"))
    server = PulseServer(root)
    try:
        server.start()
    except PulseUnavailableError as exc:
        pytest.fail(str(exc))
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = f"unix:{server.socket}"
    try:
        server.add_sink("agent")
        server.add_sink("customer")
        yield server
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved
