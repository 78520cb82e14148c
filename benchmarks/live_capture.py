"""Realtime live-capture benchmark: clock drift between channels, overruns and CPU use.

Not a test (nothing is asserted); it prints figures. By default it starts a private
PulseAudio server with two null sinks (``agent``, ``customer``), captures their
monitors through the live source for ``--minutes`` (default 30) and, every
``--beep-every`` seconds, plays a short beep into both sinks at the same moment.
Usage:

    .venv/bin/python benchmarks/live_capture.py [--minutes 30] [--beep-every 10]
    .venv/bin/python benchmarks/live_capture.py --agent-device MIC --customer-device MON

Printed once a minute and at the end:

- drift: each channel's clock drift against the wall clock as the source estimates
  it (ppm), and how far each channel's mapping moved since the start (ms);
- beeps: the arrival of each beep on the agent channel minus on the customer channel
  (ms): the residual drift between the channels *after* alignment, which is what
  over-talk detection sees (null sinks share the system clock, so this measures the
  alignment machinery, not crystal drift; real devices need the second form);
- block delay: when each block reached the engine minus when its last sample reached
  the computer on the call clock (``LiveCallSource.audio_clock``), p50/p95/max in ms:
  the floor every live latency starts from (the source's 0.3 s ``hold_back`` plus
  scheduling); the device's own input latency before arrival is not in it;
- overruns: blocks dropped per channel, status events;
- CPU: this process (capture + alignment) and the PulseAudio server, in % of one core.

Beep differences are signed (p5/p50/p95 and the largest either way); they are not
latencies.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from spread import Spread  # noqa: E402

from belcoach.audio.engine.blocks import SAMPLE_RATE  # noqa: E402
from belcoach.audio.events import Event  # noqa: E402
from belcoach.audio.live import open_live  # noqa: E402
from belcoach.audio.status import EngineStatus  # noqa: E402
from support.live import tone  # noqa: E402
from support.pulse import PulseServer  # noqa: E402

BEEP_HZ = 1000.0
BEEP_SECONDS = 0.15
ONSET_LEVEL = 0.05


def onset(x: np.ndarray) -> float | None:
    """Seconds into ``x`` where it first exceeds `ONSET_LEVEL`, or None."""
    loud = np.flatnonzero(np.abs(x) > ONSET_LEVEL)
    return None if len(loud) == 0 else loud[0] / SAMPLE_RATE


def main() -> int:
    """Run the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--beep-every", type=float, default=10.0)
    ap.add_argument("--agent-device", help="real device (skips the private server)")
    ap.add_argument("--customer-device", help="real device (skips the private server)")
    args = ap.parse_args()
    real = bool(args.agent_device or args.customer_device)

    server: PulseServer | None = None
    folder = Path(tempfile.mkdtemp(prefix="belcoach-bench-"))
    if not real:
        server = PulseServer(folder / "pa")
        server.start()
        import os

        os.environ["PULSE_SERVER"] = f"unix:{server.socket}"
        server.add_sink("agent")
        server.add_sink("customer")
    beep = tone(folder / "beep.wav", BEEP_HZ, BEEP_SECONDS, amp=0.5)

    events: list[Event] = []
    source = open_live(
        agent_device=args.agent_device or "agent.monitor",
        customer_device=args.customer_device or "customer.monitor",
        publish=events.append,
    )
    stop = threading.Event()
    duration = args.minutes * 60
    cpu0, wall0 = time.process_time(), time.monotonic()
    server_cpu0 = server.cpu_seconds() if server else 0.0
    beeps: list[float] = []  # audio-clock spawn times
    window: dict[str, list[np.ndarray]] = {"agent": [], "customer": []}
    deltas: list[tuple[float, float]] = []  # (time, agent onset - customer onset) in s
    delays: list[float] = []  # block handed over minus its end's arrival, s
    epochs0: dict[str, float] = {}
    next_report = 60.0
    next_beep = 5.0
    pending: float | None = None

    def report(t: float, final: bool = False) -> None:
        wall = time.monotonic() - wall0
        cpu = 100 * (time.process_time() - cpu0) / wall
        srv = 100 * (server.cpu_seconds() - server_cpu0) / wall if server else float("nan")
        stats = source.stats()
        moved = {}
        for side in ("agent", "customer"):
            now = stats[side]["offset_ms"]
            if now == now:  # not NaN: the channel has audio
                epochs0.setdefault(side, now)
                moved[side] = now - epochs0[side]
        recent = [d for tt, d in deltas if tt > t - 300] or [float("nan")]
        statuses = [e.code for e in events if isinstance(e, EngineStatus)]
        print(
            f"{'END ' if final else ''}t={t / 60:5.1f} min | drift ppm agent "
            f"{stats['agent']['drift_ppm']:+7.1f} customer {stats['customer']['drift_ppm']:+7.1f}"
            f" | mapping moved ms agent {moved.get('agent', float('nan')):+7.1f} customer "
            f"{moved.get('customer', float('nan')):+7.1f} | beep agent-customer ms median(5 min) "
            f"{1000 * statistics.median(recent):+6.1f} | dropped "
            f"{stats['agent']['dropped_blocks']:.0f}/{stats['customer']['dropped_blocks']:.0f} "
            f"| block delay ms {Spread.of(delays[-600:]).text('', scale=1000, digits=0)} "
            f"(last min) | status {statuses or 'none'} | CPU {cpu:4.1f} % + server {srv:4.1f} %",
            flush=True,
        )

    try:
        for block in source.blocks(stop):
            t = block.t
            clock = source.audio_clock()
            if clock is not None:
                delays.append(time.monotonic() - clock.wall_time(t + block.duration))
            if server is not None and t >= next_beep and pending is None:
                # Both players spawn back to back: their starts differ by a few ms.
                players = [server.play("agent", beep), server.play("customer", beep)]
                spawned = time.monotonic() - source.clock_origin
                threading.Thread(target=lambda ps=players: [p.wait() for p in ps]).start()
                beeps.append(spawned)
                pending = spawned
                window = {"agent": [], "customer": []}
                next_beep += args.beep_every
            if pending is not None:
                window["agent"].append(block.agent)
                window["customer"].append(block.customer)
                if t >= pending + 1.5:
                    a = onset(np.concatenate(window["agent"]))
                    c = onset(np.concatenate(window["customer"]))
                    if a is not None and c is not None:
                        deltas.append((t, a - c))
                    pending = None
            if t >= next_report:
                report(t)
                next_report += 60.0
            if t >= duration:
                stop.set()
        report(duration, final=True)
        if deltas:
            d = np.array([x for _, x in deltas]) * 1000
            first = d[: max(1, len(d) // 10)]
            last = d[-max(1, len(d) // 10) :]
            print(
                f"beeps: {len(d)} measured; agent-customer onset ms: median {np.median(d):+.1f}, "
                f"p5 {np.percentile(d, 5):+.1f}, p95 {np.percentile(d, 95):+.1f}, "
                f"largest {d.min():+.1f} / {d.max():+.1f}; "
                f"first 10 % median {np.median(first):+.1f}, last 10 % {np.median(last):+.1f} "
                f"(change over the run: {np.median(last) - np.median(first):+.1f} ms)"
            )
        print(
            f"block delay (block handed to the engine minus its end's arrival), whole run, "
            f"{len(delays)} blocks: {Spread.of(delays).text('ms', scale=1000, digits=0)}"
        )
        for side, s in source.stats().items():
            print(f"{side}: " + ", ".join(f"{k} {v:.3f}" for k, v in s.items()))
    finally:
        stop.set()
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
