"""CPU cost of the overlay: the demo's event stream replayed into the bridge and overlay.

No engine runs: the constructed demo stream (every event kind, plus level
meters at 10 Hz per channel as live capture sends them) is published from a
worker thread at its real pace, and the process's CPU time is compared with
the wall time. The figure is the overlay's own cost (bridge, 30 Hz refresh,
painting), in CPU seconds per wall second: 0.01 = 1 % of one core.

    .venv/bin/python benchmarks/overlay.py                 # 3 runs of 40 s, offscreen
    DISPLAY=:1 .venv/bin/python benchmarks/overlay.py      # on a real (or Xvfb) X server
    .venv/bin/python benchmarks/overlay.py --seconds 84 --runs 1 --speed 1
    .venv/bin/python benchmarks/overlay.py --whole             # all of `belcoach demo` too

Timing on a shared machine is noisy: the median of ``--runs`` is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _timeline(seconds: float) -> list:
    from belcoach.audio.events import Channel, LevelUpdate
    from belcoach.desktop.scripted_demo import scripted_demo_timeline

    timeline = [(due, e) for due, e in scripted_demo_timeline() if due <= seconds]
    steps = int(seconds * 10)
    for i in range(steps):
        t = i / 10
        for channel in Channel:
            timeline.append((t, LevelUpdate(t, channel, rms_db=-30.0 - (i % 7), peak=0.2)))
    timeline.sort(key=lambda pair: pair[0])
    return timeline


def one_run(seconds: float, speed: float, state_dir: Path) -> tuple[float, float, int]:
    """Replay ``seconds`` of the demo; return (cpu seconds, wall seconds, events)."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from belcoach.desktop.bridge import EngineBridge
    from belcoach.desktop.event_player import EventPlayer
    from belcoach.desktop.i18n import Translator
    from belcoach.desktop.overlay import CallOverlay

    app = QApplication.instance() or QApplication([])
    bridge = EngineBridge()
    state = QSettings(str(state_dir / "ui.ini"), QSettings.Format.IniFormat)
    overlay = CallOverlay(bridge, Translator("nl"), state, clock_rate=speed)
    overlay.prepare(opacity=0.92, on_top=True)
    overlay.show()
    app.processEvents()
    timeline = _timeline(seconds)
    player = EventPlayer(timeline, bridge.publish, speed=speed)
    cpu0, wall0 = time.process_time(), time.monotonic()
    done = QTimer()
    done.setInterval(100)
    done.timeout.connect(lambda: app.quit() if player.join(0.0) else None)
    done.start()
    player.start()
    app.exec()  # the real event loop, idle waits included
    done.stop()
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    overlay.deleteLater()
    app.processEvents()
    return cpu, wall, player.published


def whole_demo(speed: float) -> None:
    """Run ``belcoach demo --quit-at-end`` and print its total CPU use (engine + Whisper + UI)."""
    import resource
    import subprocess

    exe = Path(sys.executable).with_name("belcoach")
    cmd = [str(exe), "demo", "--quit-at-end", "--speed", str(speed)]
    if not os.environ.get("DISPLAY"):
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - wall0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"belcoach demo (speed {speed:g}, whole app incl. Whisper): {cpu:.1f} s CPU over "
        f"{wall:.1f} s wall = {cpu / wall:.2f} cores on average"
    )


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="call seconds per run")
    parser.add_argument("--speed", type=float, default=1.0, help="pace (1 = real time)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--whole", action="store_true", help="also measure all of belcoach demo")
    args = parser.parse_args()
    if args.whole:
        whole_demo(args.speed)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            cpu, wall, count = one_run(args.seconds, args.speed, Path(tmp))
            ratios.append(cpu / wall)
            print(
                f"run {run + 1}: {count} events over {wall:.1f} s wall, {cpu:.2f} s CPU "
                f"-> {cpu / wall:.4f} CPU s per wall s"
            )
    platform = os.environ.get("QT_QPA_PLATFORM") or "native display"
    median = statistics.median(ratios)
    print(
        f"overlay rendering ({platform}, speed {args.speed:g}): median {median:.4f} CPU s per "
        f"wall s = {median * 100:.1f} % of one core (target: well under 10 %)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
