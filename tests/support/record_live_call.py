"""Run one recorded live call the way the desktop app does, without Qt (a test subprocess).

Usage: ``python record_live_call.py [--stop-after S] [--guard]``

The settings (``BELCOACH_CONFIG_DIR``) name the devices, the model and the
recording folder; ``PULSE_SERVER`` points at the test's private PulseAudio.
The call is built from the same pieces as the app's: `desktop.recording`
opens the library and makes the recorder from the settings, the session
records through its guard, the devices are opened with `open_live`.

It prints, flushed, one line per fact the test needs:

- ``REC <folder>``: the recording started;
- ``AT <audio seconds> <monotonic>``: audio up to here is being written now
  (printed every quarter second of audio, just before the block is recorded);
- ``EVENT <json>``: with ``--events``, every event;
- ``NET <n>``: with ``--guard``, how many network attempts the socket guard refused;
- ``DONE <error or ok>``: the call is over (never seen when the test kills it).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from belcoach.audio.engine.blocks import AudioBlock, AudioSource
from belcoach.audio.events import Event
from belcoach.audio.jobs.run import ModelChoice
from belcoach.audio.jobs.session import CallSession, SessionConfig, TranscriberCache
from belcoach.audio.jsonl import event_line
from belcoach.audio.live import open_live
from belcoach.audio.status import RecordingChanged
from belcoach.core.settings import load_settings
from belcoach.wiring.library import open_library, plan_library, recorder_factory

_SAY_LOCK = threading.Lock()


def say(line: str) -> None:
    """Print one whole line at once: the audio thread and the event thread both
    print, and `print` writes the text and its newline separately, so two lines
    could interleave into one the test cannot parse (seen in CI)."""
    with _SAY_LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Progress:
    """Passes the live source through and says how far the recorded audio is."""

    def __init__(self, inner: AudioSource, stop_after: float | None, stop: threading.Event):
        self._inner = inner
        self._stop_after = stop_after
        self._stop = stop
        self.description = inner.description
        self.duration = inner.duration

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        said = -1.0
        for block in self._inner.blocks(stop):
            end = block.t + block.duration
            if end - said >= 0.25:
                said = end
                say(f"AT {end:.3f} {time.monotonic():.3f}")
            if self._stop_after is not None and end >= self._stop_after:
                self._stop.set()
            yield block


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stop-after", type=float, default=None)
    parser.add_argument("--events", action="store_true")
    parser.add_argument("--guard", action="store_true")
    args = parser.parse_args()
    guard = None
    if args.guard:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from support.netguard import SocketGuard

        guard = SocketGuard().__enter__()
    settings = load_settings()
    plan = plan_library(settings)
    recording = recorder_factory(open_library(plan), plan, origin="live")
    audio = settings.values.audio
    stop_now = threading.Event()

    def open_devices(publish) -> AudioSource:  # type: ignore[no-untyped-def]
        live = open_live(
            agent_device=audio.agent_device or None,
            customer_device=audio.customer_device or None,
            publish=publish,
        )
        return Progress(live, args.stop_after, stop_now)

    def report(event: Event) -> None:
        if isinstance(event, RecordingChanged) and event.started:
            say(f"REC {event.folder}")
        if args.events:
            say(f"EVENT {event_line(event)}")

    session = CallSession(
        open_devices,
        SessionConfig(
            language=str(settings.get("call.language")),
            model=ModelChoice(name=str(settings.get("model.name")), cpu_threads=2),
            paced=True,
            recording=recording,
        ),
        transcribers=TranscriberCache(),
        subscribers=[report],
    )
    session.start()
    while not session.join(0.1):
        if stop_now.is_set():
            session.stop()
    if guard is not None:
        guard.__exit__(None, None, None)
        say(f"NET {len(guard.attempts)}")
        for attempt in guard.attempts:
            say(f"NETTRY {json.dumps(attempt)}")
    say(f"DONE {session.error or 'ok'}")
    return 0 if session.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
