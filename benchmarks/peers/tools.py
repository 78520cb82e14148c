"""The tools compared, and one run of a tool's runner on one stream (a subprocess, metered).

Each tool is a runner script here plus the Python that runs it: belcoach's
own venv for belcoach, .peers-venv (benchmarks/peers_env.sh) for the peers.
A run that cannot start, prints ``skip``, crashes or overruns comes back with
``why`` set; peers.py prints it and goes on with the other tools.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.core.offline import OPT_OUTS
from peers.calls import Stream
from peers.meter import TreeMeter

HERE = Path(__file__).resolve().parent
PREFIX = "@@peers "
OFFLINE_ENV = {
    **OPT_OUTS,
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "PYTHONUNBUFFERED": "1",
}
"""belcoach's own opt-outs for every tool, and the hub offline: every model comes from disk."""


@dataclass(frozen=True)
class Tool:
    """A tool to compare: its name, the Python that runs its runner, and extra runner flags."""

    name: str
    python: Path
    runner: str
    args: tuple[str, ...] = ()
    unavailable: str | None = None
    """Why it cannot run here at all (checked before any audio is played)."""


@dataclass
class Run:
    """One runner on one stream: finals on the audio clock, CPU, memory, or why it failed."""

    finals: list[tuple[float, str]] = field(default_factory=list)
    cores: float = float("nan")
    window: float = 0.0
    peak_rss: int = 0
    why: str | None = None


NO_NETWORK = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
"""Runs a command in its own network namespace with only loopback (WhisperLive needs it)."""


@functools.cache
def network_cut() -> bool:
    """Whether runners can be cut off the network (root, or unprivileged namespaces allowed)."""
    try:
        return subprocess.run([*NO_NETWORK, "true"], capture_output=True).returncode == 0
    except OSError:
        return False


def run_tool(tool: Tool, stream: Stream, model: Path, language: str, log: Path) -> Run:
    """Play ``stream`` into ``tool``; time limit: the audio + 10 min (loading, stragglers)."""
    cmd = [str(tool.python), str(HERE / tool.runner), str(stream.path), "--model", str(model)]
    cmd += ["--language", language, *tool.args]
    if network_cut():
        cmd = [*NO_NETWORK, *cmd]  # exec keeps the pid: the meter's root is the runner
    with log.open("a") as err:
        err.write(f"\n=== {tool.name} {stream.call}/{stream.channel}: {' '.join(cmd)}\n")
        err.flush()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            cwd=HERE,
            env={**os.environ, **OFFLINE_ENV},
            start_new_session=True,
        )
        meter = TreeMeter(proc.pid).start()
        lines: list[dict] = []
        assert proc.stdout is not None
        reader = threading.Thread(target=_read, args=(proc.stdout, lines, err), daemon=True)
        reader.start()
        try:
            proc.wait(timeout=stream.seconds + 600)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.join(timeout=5)
        meter.stop()
    return _collect(lines, meter, proc.returncode, stream.seconds, log)


def _read(stdout, lines: list[dict], err) -> None:
    for line in stdout:
        if line.startswith(PREFIX):
            msg = json.loads(line[len(PREFIX) :])
            msg["at"] = time.monotonic()
            lines.append(msg)
        else:
            err.write(line)


def _collect(lines: list[dict], meter: TreeMeter, code: int, seconds: float, log: Path) -> Run:
    run = Run(peak_rss=meter.peak_rss())
    kinds = {m["kind"]: m for m in lines}
    if "skip" in kinds:
        run.why = kinds["skip"]["why"]
        return run
    if "start" not in kinds or "done" not in kinds:
        run.why = f"runner ended without finishing (exit {code}); see {log}"
        return run
    t0 = kinds["start"]["t0"]
    run.finals = [(m["t"] - t0, m["text"]) for m in lines if m["kind"] == "final"]
    # CPU while the call plays (the same span for every tool; work left after it is not counted)
    run.cores = meter.cores(t0, t0 + seconds)
    run.window = seconds
    return run
