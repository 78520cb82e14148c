"""Soak: a long two-channel call replayed like a live one; memory, latency and CPU over time.

Prints figures; asserts nothing. Usage:

    .venv/bin/python benchmarks/soak.py                      # 120 min, real time
    .venv/bin/python benchmarks/soak.py --minutes 30         # shorter, still real time
    .venv/bin/python benchmarks/soak.py --minutes 20 --speed 4
    .venv/bin/python benchmarks/soak.py --minutes 8 --starve 2 --starve-at 2 --starve-for 4

The call is made once (and kept in ``--workdir``) from real Dutch speech:
the voice-acted clips of Debian's fillets-ng-data-nl (GPL-2, installed by
``scripts/setup.sh --test``, never committed), taking turns on the agent's
and the customer's side with natural gaps, some interruptions, stretches of
dead air, a customer who goes silent for three minutes every half hour, a few
clipped (over-driven) turns and a telephone-like noise floor on the
customer's line. It then runs through the same engine, analysers and JSON
Lines journal writer as a live call, paced by the wall clock.

Every ``--sample`` audio minutes it prints: resident memory (RSS, sampled
twice a second: the lowest and highest of the interval, because each
Whisper pass allocates and frees ~100-200 MB) and the growth of the lowest
since the warm-up sample, CPU in cores (the whole process: engine,
VAD, Whisper), committed-word latency (p50/p95/max: from the end of an
utterance's speech, as the VAD placed it, on the paced source's clock to the
moment its words are published, wall clock, engine lateness included), the
delay of the VAD "speech started" alert after the speech began as the VAD
placed it (p50/p95/max, wall clock; it includes the 0.25 s the VAD needs to
call it speech), transcript gaps (speech skipped to keep up) and the
transcription backlog. At the end: committed-word latency over the whole call
(p50/p95/max) and per fixed 10-minute window of the call (by where the words
were said; the WORST window's p95 is the figure to quote, with the median of
the windows' p95s beside it), the alert delay over the whole call, the RSS
slope after warm-up in MB per hour and the figures as one JSON line.

``--starve N`` starts N busy processes (plain Python loops at normal
priority, like a softphone and a CRM eating the CPU) at ``--starve-at``
audio minutes for ``--starve-for`` minutes, to see alerts keep working and
the transcript skip with a gap, then catch up.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from spread import Spread  # noqa: E402

from belcoach.audio.analysis.defaults import default_analysers  # noqa: E402
from belcoach.audio.bus import EventBus  # noqa: E402
from belcoach.audio.engine.blocks import AudioClock, audio_clock_of  # noqa: E402
from belcoach.audio.engine.engine import CallEngine, EngineConfig  # noqa: E402
from belcoach.audio.engine.paced import PacedSource  # noqa: E402
from belcoach.audio.engine.sources import open_call  # noqa: E402
from belcoach.audio.engine.vad import SileroSession  # noqa: E402
from belcoach.audio.events import Event, SpeechStarted, Transcript  # noqa: E402
from belcoach.audio.jobs.run import ModelChoice, load_transcriber  # noqa: E402
from belcoach.audio.jsonl import JsonlWriter  # noqa: E402
from belcoach.audio.status import EngineStatus  # noqa: E402
from support.fillets import fillets_clips  # noqa: E402

RATE = 16_000
WINDOW_MIN = 10.0
"""Latency is also summarised per fixed window of this many audio minutes."""


# --------------------------------------------------------------------------- the call


class _StreamWriter:
    """Writes a stereo file front to back while turns may overlap a little."""

    def __init__(self, handle: sf.SoundFile, noise: np.random.Generator) -> None:
        self._handle = handle
        self._noise = noise
        self._buf = np.zeros((0, 2), np.float32)
        self._t0 = 0  # sample index of _buf[0]

    def place(self, channel: int, start: int, samples: np.ndarray) -> None:
        end = start + len(samples)
        need = end - self._t0
        if need > len(self._buf):
            self._buf = np.concatenate(
                [self._buf, np.zeros((need - len(self._buf), 2), np.float32)]
            )
        self._buf[start - self._t0 : end - self._t0, channel] += samples

    def flush_until(self, sample: int) -> None:
        n = max(0, min(sample - self._t0, len(self._buf)))
        if n == 0 and sample > self._t0:
            n = sample - self._t0
            self._buf = np.concatenate([self._buf, np.zeros((n - len(self._buf), 2), np.float32)])
        if n:
            out = self._buf[:n].copy()
            # a telephone-like noise floor (about -55 dBFS) on the customer's line
            out[:, 1] += self._noise.normal(0, 0.0018, n).astype(np.float32)
            np.clip(out, -1.0, 1.0, out=out)
            self._handle.write(out)
            self._buf = self._buf[n:]
            self._t0 += n


def make_call(path: Path, minutes: float, *, seed: int = 7) -> dict[str, float]:
    """Write a ``minutes`` long stereo call (left agent, right customer) from real clips."""
    clips = fillets_clips()
    if not clips:
        raise SystemExit(
            "no Dutch speech: install Debian fillets-ng-data-nl and fillets-ng-data "
            "(scripts/setup.sh --test does)"
        )
    rnd = random.Random(seed)
    order = list(range(len(clips)))
    rnd.shuffle(order)
    total = int(minutes * 60 * RATE)
    stats = {"turns": 0.0, "speech_s": 0.0, "interruptions": 0.0, "dead_air": 0.0, "clipped": 0.0}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.flac")
    with sf.SoundFile(tmp, "w", RATE, 2, subtype="PCM_16", format="FLAC") as handle:
        writer = _StreamWriter(handle, np.random.default_rng(seed))
        t = int(0.5 * RATE)
        speaker = 0
        k = 0
        while t < total:
            clip = clips[order[k % len(order)]]
            k += 1
            y, sr = sf.read(clip.path, dtype="float32", always_2d=True)
            mono = soxr.resample(y.mean(axis=1), sr, RATE).astype(np.float32)
            mono *= 0.6 / max(1e-6, float(np.abs(mono).max()))
            minute = t / RATE / 60
            customer_away = speaker == 1 and (minute % 30) >= 27  # 3 silent minutes each 30
            if customer_away:
                speaker = 0
            if rnd.random() < 0.03:
                mono = np.clip(mono * 8.0, -1.0, 1.0)  # an over-driven headset
                stats["clipped"] += 1
            writer.place(speaker, t, mono[: max(0, total - t)])
            stats["turns"] += 1
            stats["speech_s"] += len(mono) / RATE
            end = t + len(mono)
            roll = rnd.random()
            if roll < 0.06:
                gap = -rnd.uniform(0.4, 1.2)  # the other side starts before this one ends
                stats["interruptions"] += 1
            elif roll < 0.08:
                gap = rnd.uniform(6.0, 15.0)  # dead air: looking something up
                stats["dead_air"] += 1
            else:
                gap = rnd.uniform(0.2, 1.8)
            t = max(t + int(0.3 * RATE), end + int(gap * RATE))
            if rnd.random() < 0.75:
                speaker = 1 - speaker
            writer.flush_until(min(t, total) - int(1.5 * RATE))
        writer.flush_until(total)
    tmp.replace(path)
    return stats


# --------------------------------------------------------------------------- measuring


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; else the peak so far)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Monitor:
    """A bus subscriber that keeps this interval's figures, and one float per utterance.

    ``clock`` returns the paced source's real-time clock (None before it starts).
    Per utterance it keeps its latency in its 10-minute window (a two-hour call
    holds ~1,600 floats), so the summary can give the worst window.
    """

    clock: Callable[[], AudioClock | None]
    latencies: list[float] = field(default_factory=list)
    alert_delays: list[float] = field(default_factory=list)
    windows: dict[int, list[float]] = field(default_factory=dict)
    all_alerts: list[float] = field(default_factory=list)
    finals: int = 0
    gaps: int = 0
    skipped_s: float = 0.0
    behind: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: Event) -> None:
        now = time.monotonic()
        with self.lock:
            if isinstance(event, Transcript) and event.final:
                self.finals += 1
                if event.latency is not None:
                    self.latencies.append(event.latency)
                    window = int(event.t / 60 // WINDOW_MIN)
                    self.windows.setdefault(window, []).append(event.latency)
            elif isinstance(event, SpeechStarted):
                clock = self.clock()
                if clock is not None:
                    delay = now - clock.wall_time(event.t)
                    self.alert_delays.append(delay)
                    self.all_alerts.append(delay)
            elif isinstance(event, EngineStatus) and event.code == "transcript_gap":
                self.gaps += 1
                self.skipped_s += float(event.details.get("speech_seconds", 0.0))
            elif isinstance(event, EngineStatus) and event.code == "asr_behind":
                self.behind += 1

    def take(self) -> dict[str, float]:
        with self.lock:
            lat, alert = Spread.of(self.latencies), Spread.of(self.alert_delays)
            out = {
                "finals": float(self.finals),
                "lat_p50": lat.p50,
                "lat_p95": lat.p95,
                "lat_max": lat.max,
                "alert_p50": alert.p50,
                "alert_p95": alert.p95,
                "alert_max": alert.max,
                "gaps": float(self.gaps),
                "skipped_s": self.skipped_s,
            }
            self.latencies, self.alert_delays = [], []
            self.finals = self.gaps = 0
            self.skipped_s = 0.0
            return out


def _spin() -> None:  # pragma: no cover - runs in a child process
    x = 0
    while True:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF


@dataclass
class Starver:
    """Busy processes at normal priority between two audio times."""

    count: int
    at_min: float
    for_min: float
    procs: list[multiprocessing.Process] = field(default_factory=list)

    def update(self, audio_min: float) -> str:
        if self.count <= 0:
            return ""
        active = self.at_min <= audio_min < self.at_min + self.for_min
        if active and not self.procs:
            self.procs = [
                multiprocessing.Process(target=_spin, daemon=True) for _ in range(self.count)
            ]
            for p in self.procs:
                p.start()
        elif not active and self.procs:
            self.stop()
        return "STARVED" if self.procs else ""

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.join(5)
        self.procs = []


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=120.0, help="length of the call")
    ap.add_argument("--speed", type=float, default=1.0, help="audio seconds per second (1 = live)")
    ap.add_argument("--sample", type=float, default=0.0, help="audio minutes between samples")
    ap.add_argument("--warmup", type=float, default=0.0, help="audio minutes before the baseline")
    ap.add_argument("--model", default="base")
    ap.add_argument("--workdir", type=Path, default=ROOT / "out" / "soak")
    ap.add_argument("--starve", type=int, default=0, help="busy processes to start")
    ap.add_argument("--starve-at", type=float, default=2.0, help="audio minute they start")
    ap.add_argument("--starve-for", type=float, default=3.0, help="minutes they run")
    args = ap.parse_args()
    # Gaps are counted in the table; the worker's own warning per gap would drown it.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("belcoach.audio.engine.asr_worker").setLevel(logging.ERROR)
    sample = args.sample or max(0.5, min(5.0, args.minutes / 24))
    warmup = args.warmup or min(10.0, max(sample, args.minutes / 6))

    call = args.workdir / f"soak_{args.minutes:g}min.flac"
    if not call.exists():
        made = time.perf_counter()
        stats = make_call(call, args.minutes)
        print(
            f"made {call.name}: {stats['turns']:.0f} turns, {stats['speech_s'] / 60:.0f} min of "
            f"speech, {stats['interruptions']:.0f} interruptions, {stats['dead_air']:.0f} dead-air "
            f"stretches, {stats['clipped']:.0f} clipped turns "
            f"({time.perf_counter() - made:.0f} s)",
            flush=True,
        )
    transcriber = load_transcriber(ModelChoice(name=args.model), "nl")
    journal = JsonlWriter(args.workdir / "soak_events.jsonl")
    source = PacedSource(open_call(call), speed=args.speed)
    monitor = Monitor(clock=lambda: audio_clock_of(source))
    starver = Starver(args.starve, args.starve_at, args.starve_for)
    holder: dict[str, float] = {"audio": 0.0}
    done = threading.Event()
    bus = EventBus()
    bus.subscribe(journal)
    bus.subscribe(monitor)
    engine = CallEngine(
        source,
        transcriber,
        bus,
        EngineConfig(language="nl", model=args.model, paced=True),
        vad_session=SileroSession(),
        analysers=default_analysers("nl"),
    )

    def run() -> None:
        try:
            engine.run(on_progress=lambda t: holder.__setitem__("audio", t))
        finally:
            done.set()

    print(
        f"soak: {args.minutes:g} min call at {args.speed:g}x, sample every {sample:g} audio min, "
        f"baseline at {warmup:g} min; pid {os.getpid()}",
        flush=True,
    )
    header = (
        f"{'min':>6} {'rss lo':>7} {'hi':>6} {'Δlo':>6} {'cores':>5} {'finals':>6} "
        f"{'lat p50':>7} {'p95':>6} {'max':>6} {'alert p50':>9} {'p95':>5} {'max':>5} {'gaps':>4} "
        f"{'skip s':>6} {'backlog':>7}"
    )
    print(header, flush=True)
    thread = threading.Thread(target=run, name="soak-call")
    thread.start()
    samples: list[tuple[float, float]] = []
    rows: list[dict[str, float]] = []
    baseline: float | None = None
    cpu0, wall0 = os.times(), time.monotonic()
    next_at = sample
    lo, hi = float("inf"), 0.0
    while not done.is_set():
        done.wait(0.5)
        now_rss = rss_mb()  # sampled twice a second: Whisper's passes come and go
        lo, hi = min(lo, now_rss), max(hi, now_rss)
        audio_min = holder["audio"] / 60
        tag = starver.update(audio_min)
        if audio_min < next_at and not done.is_set():
            continue
        next_at += sample
        cpu1, wall1 = os.times(), time.monotonic()
        cores = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / max(1e-6, wall1 - wall0)
        cpu0, wall0 = cpu1, wall1
        rss, rss_hi, lo, hi = lo, hi, float("inf"), 0.0
        if baseline is None and audio_min >= warmup:
            baseline = rss
        figures = monitor.take()
        backlog = engine._asr.backlog_seconds()
        row = {
            "min": audio_min,
            "rss": rss,
            "rss_hi": rss_hi,
            "cores": cores,
            "backlog": backlog,
            **figures,
        }
        rows.append(row)
        if audio_min >= warmup:
            samples.append((audio_min, rss))
        grow = f"{rss - baseline:+6.1f}" if baseline is not None else "     -"
        print(
            f"{audio_min:6.1f} {rss:7.1f} {rss_hi:6.1f} {grow} {cores:5.2f} "
            f"{figures['finals']:6.0f} "
            f"{figures['lat_p50']:7.2f} {figures['lat_p95']:6.2f} {figures['lat_max']:6.2f} "
            f"{figures['alert_p50']:9.2f} {figures['alert_p95']:5.2f} {figures['alert_max']:5.2f} "
            f"{figures['gaps']:4.0f} "
            f"{figures['skipped_s']:6.1f} {backlog:7.1f} {tag}",
            flush=True,
        )
    thread.join()
    starver.stop()
    journal.close()
    _summary(rows, samples, baseline, engine, args, _latency_summary(monitor, rows, engine))


def _latency_summary(
    monitor: Monitor, rows: list[dict[str, float]], engine: CallEngine
) -> dict[str, object]:
    """Print committed-word and alert latency over the call and its worst 10-minute window."""
    every = [x for lats in monitor.windows.values() for x in lats]
    print()
    print(
        f"latency clock: {engine.clock_basis} (paced source; wall clock, engine lateness included)"
    )
    print(f"committed words, whole call ({len(every)} utterances): {Spread.of(every).text()}")
    spreads = {w: Spread.of(lats) for w, lats in sorted(monitor.windows.items())}
    figures: dict[str, object] = {
        "words_latency": asdict(Spread.of(every)),
        "alert_delay": asdict(Spread.of(monitor.all_alerts)),
        "words_latency_windows": {f"{w * WINDOW_MIN:g}": asdict(x) for w, x in spreads.items()},
    }
    if spreads:
        worst = max(spreads, key=lambda w: spreads[w].p95)
        ws = spreads[worst]
        print(
            f"committed words per {WINDOW_MIN:g}-minute window: WORST p95 {ws.p95:.2f} s "
            f"(minutes {worst * WINDOW_MIN:g}-{(worst + 1) * WINDOW_MIN:g}, {ws.n} utterances, "
            f"p50 {ws.p50:.2f} s, max {ws.max:.2f} s); median of the {len(spreads)} windows' "
            f"p95 {statistics.median(s.p95 for s in spreads.values()):.2f} s"
        )
    print(
        f"speech-started alert after the speech began, whole call: "
        f"{Spread.of(monitor.all_alerts).text()}; "
        f"gaps {sum(r['gaps'] for r in rows):.0f} ({sum(r['skipped_s'] for r in rows):.0f} s)"
    )
    return figures


def _summary(rows, samples, baseline, engine, args, latency: dict[str, object]) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    slope = float("nan")
    if len(samples) >= 3:
        xs = np.array([m for m, _r in samples]) / 60
        ys = np.array([r for _m, r in samples])
        slope = float(np.polyfit(xs, ys, 1)[0])
    after = [r for _m, r in samples]
    growth = (max(after) - baseline) if after and baseline is not None else float("nan")
    stats = dict(getattr(engine, "stats", {}) or {})
    print(
        f"memory (RSS floor per sample, i.e. between Whisper passes): baseline "
        f"{baseline if baseline is not None else float('nan'):.1f} MB at "
        f"{min((m for m, _ in samples), default=float('nan')):.1f} min, most growth after it "
        f"{growth:+.1f} MB, slope {slope:+.1f} MB/hour; highest RSS seen "
        f"{max((r['rss_hi'] for r in rows), default=float('nan')):.1f} MB, peak {peak:.1f} MB"
    )
    cores = [r["cores"] for r in rows]
    if cores:
        print(f"cpu: median {statistics.median(cores):.2f} cores, max {max(cores):.2f}")
    print(
        json.dumps(
            {
                "minutes": args.minutes,
                "speed": args.speed,
                "starve": args.starve,
                "rss_baseline_mb": baseline,
                "rss_growth_mb": growth,
                "rss_slope_mb_per_h": slope,
                "rss_peak_mb": peak,
                "latency": latency,
                "engine": stats,
            }
        )
    )


if __name__ == "__main__":
    main()
