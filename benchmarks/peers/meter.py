"""CPU and memory of a runner's whole process tree, read from /proc (stdlib only, Linux).

A tool may do its work in child processes (RealtimeSTT transcribes in one),
so the runner's own rusage would miss it. `TreeMeter` samples the tree every
`INTERVAL` seconds: the CPU seconds used so far (live processes plus the
children they have reaped) and the summed resident memory. Summing RSS counts
pages that forked processes share twice: an upper bound, said in the output.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.25
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds incl. reaped children) of one process, None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    # after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based from state
    cpu = sum(int(x) for x in fields[11:15]) / _TICK
    return int(fields[1]), cpu


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_sample(root: int) -> tuple[float, int]:
    """(CPU seconds, RSS bytes) summed over ``root`` and all its descendants now."""
    parents: dict[int, int] = {}
    cpu_of: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            got = _stat(int(entry.name))
            if got is not None:
                parents[int(entry.name)], cpu_of[int(entry.name)] = got
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    pids = [p for p in tree if p in cpu_of]
    return sum(cpu_of[p] for p in pids), sum(_rss(p) for p in pids)


@dataclass
class TreeMeter:
    """Samples a process tree in a thread until `stop`; `samples` are (monotonic, cpu s, rss B)."""

    root: int
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeMeter:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            cpu, rss = tree_sample(self.root)
            if rss:
                self.samples.append((time.monotonic(), cpu, rss))
            self._stop.wait(INTERVAL)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def peak_rss(self) -> int:
        """Largest summed RSS seen over the whole run (model load included)."""
        return max((s[2] for s in self.samples), default=0)

    def cores(self, start: float, end: float) -> float:
        """Average CPU cores used between two monotonic times (the audio's play-out)."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return float("nan")
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])
