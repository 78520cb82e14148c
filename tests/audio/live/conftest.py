"""A private PulseAudio server with two null sinks, ``agent`` and ``customer``, per module.

Their ``.monitor`` sources are the two "devices" the live source records; paplay into
a sink is sound on that device. The server is ours and is ended after the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.pulse import PulseServer, private_pulse


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A running private server with sinks ``agent`` and ``customer``; PULSE_SERVER points at it."""
    # A short path: the socket path must fit in sun_path (108 bytes).
    with private_pulse(Path(tmp_path_factory.mktemp("pa"))) as server:
        yield server
