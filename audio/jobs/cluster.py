"""Analysing a batch of calls on a Ray cluster: ``belcoach analyze DIR --cluster ADDRESS``.

The same per-call work as ``--jobs`` (`belcoach.audio.jobs.batch.analyse_one`),
run by Ray actors instead of local processes: each actor is one worker that
loads Whisper once and then analyses whole calls, one at a time. ``local``
starts an embedded Ray on this machine; ``auto``, ``HOST:PORT`` or
``ray://HOST:10001`` join a cluster that already runs.

Workers read the audio from a folder every node can read (the same path on
every node) and never write into ``--out``: a worker analyses into its own
temporary folder and returns the call's files, and the driver writes them
atomically and then records the call as done (`batch.mark_done`). So ``--out``
needs to exist on the driver only, a worker that dies leaves nothing
half-written, and each call is counted once.

A worker that dies (its process killed, its node lost) is replaced, and its
call is tried once more on another worker; if that dies too, the call is listed
as failed with Ray's reason. Ray's `ray.util.ActorPool` would hand the dead
actor the next call, so this module keeps its own small pool. Ray Data (``map_batches`` on an
actor pool) was measured against it on the same calls (`benchmarks/cluster.py`,
whose docstring has the figures): on a loaded two-core machine it came out
10-28 % ahead at two workers, within the 2x that the machine's other load
moved the same run; the pool is kept for its per-call retry-then-report, the
key check on every worker before any call, and no pandas in the cluster extra,
until a quiet-machine run says otherwise.

Workers get plain values only (`BatchConfig`: language, model, the analysis
table, redaction, encryption and the id of the key); no node reads its own
settings or policy.

Encryption (``recording.encrypt``): the key never travels. Recording keys are
kept per machine and user (`belcoach.core.vault`), so the centre puts the key
of the machine that runs the batch on every node (docs/cluster.md); each
worker seals a call's events on its node, so only ciphertext crosses the
network and reaches ``--out``. Before any call is handed out every worker
checks that its node holds that key (`Analyst.check_key`): a node without it
stops the run with a message naming the node, and nothing is written.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import tempfile
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from belcoach.audio.jobs.batch import analyse_one, mark_done, share_threads, worker_key
from belcoach.audio.jobs.batch_table import table_rows
from belcoach.audio.jobs.batch_types import (
    EVENTS_SUFFIX,
    SEALED_SUFFIX,
    BatchConfig,
    BatchResult,
    BatchTask,
)
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError, ConfigError
from belcoach.core.recording_key import RecordingKey

log = logging.getLogger(__name__)

LOCAL = "local"
"""The address that starts an embedded Ray on this machine."""

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a cluster's head to answer before giving up with a clear error."""

RAY_CLIENT_TIMEOUTS = {
    "RAY_CLIENT_INITIAL_CONNECTION_TIMEOUT_S": "5",
    "RAY_CLIENT_MAX_CONNECTION_TIMEOUT_S": "8",
}
"""Ray Client's gRPC handshake waits for a ``ray://`` address: its three tries
take 5 + 8 + 8 = 21 s here instead of Ray's 5 + 10 + 15 = 30 s, so a port that
accepts but is no Ray Client server still fails well within 30 s. Ray reads them
when its client module is first imported, which ``ray.init("ray://...")`` does."""

ATTEMPTS = 2
"""Tries per call when workers die: the first, and one retry."""

INSTALL_HINT = "--cluster needs Ray, which is not installed: pip install 'belcoach[cluster]'"

Analyse = Callable[[BatchTask, BatchConfig], BatchResult]
"""The per-call work a worker does (`analyse_one`; tests hand in their own)."""


class ClusterError(AppError):
    """The cluster cannot be reached or used."""


def ray_available() -> bool:
    """True when Ray (the ``belcoach[cluster]`` extra) is installed."""
    return importlib.util.find_spec("ray") is not None


def check_address(address: str) -> str:
    """``address`` if it names a cluster: ``local``, ``auto``, ``HOST:PORT`` or ``ray://…``.

    Raises:
        ConfigError: anything else.
    """
    if address in (LOCAL, "auto") or address.startswith("ray://"):
        return address
    host, _, port = address.rpartition(":")
    if host and port.isdigit():
        return address
    raise ConfigError(f"--cluster {address!r}: give 'local', 'auto', HOST:PORT or ray://HOST:10001")


@dataclass(frozen=True, slots=True)
class Shipped:
    """What a worker sends back for one call: its result and its output files."""

    result: BatchResult
    files: dict[str, bytes]


class Analyst:
    """One Ray worker: holds the plan's values and, after the first call, Whisper.

    Whisper is cached per process by `batch._transcriber`, so an actor loads it
    once for all the calls it is given.
    """

    def __init__(self, config: BatchConfig, analyse: Analyse) -> None:
        logging.basicConfig(level=logging.WARNING)
        share_threads(config.threads)
        self._config = config
        self._analyse = analyse

    def check_key(self) -> str:
        """Empty when this node can seal the batch's outputs, else why not (one line)."""
        try:
            worker_key(self._config)
        except AppError as exc:
            return str(exc)
        return ""

    def analyse(self, task: BatchTask) -> Shipped:
        """Analyse one call into a private folder and return its files."""
        with tempfile.TemporaryDirectory(prefix="belcoach-call-") as tmp:
            folder = Path(tmp)
            result = self._analyse(task, replace(self._config, out_dir=folder))
            files = {
                p.name: p.read_bytes()
                for p in folder.iterdir()
                if p.is_file() and p.name.startswith(f"{task.stem}.")
            }
        return Shipped(result, files)


def run_cluster(
    tasks: Sequence[BatchTask],
    config: BatchConfig,
    *,
    address: str,
    workers: int | None = None,
    analyse: Analyse = analyse_one,
    on_result: Callable[[BatchResult], None] | None = None,
) -> list[BatchResult]:
    """Analyse ``tasks`` on the Ray cluster at ``address``; results in input order.

    Args:
        workers: Ray workers (actors); None: one per ``config.threads`` CPUs
            the cluster has.
        analyse: the per-call work, run in the workers.
        on_result: called in this process as each call finishes.

    Raises:
        ConfigError: Ray is not installed.
        ClusterError: the cluster cannot be reached, or (``config.encrypt``) a
            worker's node does not hold the recording key; then no call is analysed.
    """
    if not ray_available():
        raise ConfigError(INSTALL_HINT)
    import ray

    config.out_dir.mkdir(parents=True, exist_ok=True)
    _connect(ray, address)
    try:
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // config.threads)
        pool = _Pool(ray, config, analyse, min(count, len(tasks)) or 1)
        if config.encrypt:
            pool.check_keys()
        return pool.run(tasks, on_result)
    finally:
        ray.shutdown()


def _connect(ray: Any, address: str) -> None:
    """Start an embedded Ray (``local``) or join the cluster at ``address``."""
    # Ray reports usage statistics over the internet unless told not to;
    # nothing leaves the PC.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    for name, seconds in RAY_CLIENT_TIMEOUTS.items():
        os.environ.setdefault(name, seconds)
    _check_reachable(address)
    try:
        if address == LOCAL:
            ray.init(
                num_cpus=os.cpu_count() or 1,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                logging_level=logging.WARNING,
                log_to_driver=True,
            )
        else:
            with warnings.catch_warnings():
                # Ray Client warns of a timeout before it raises; the error says it once
                warnings.simplefilter("ignore", UserWarning)
                ray.init(address=address, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"--cluster {address}: cannot reach the Ray cluster: {exc}") from exc


def _check_reachable(address: str) -> None:
    """Fail within `CONNECT_TIMEOUT` when nothing answers at a ``HOST:PORT`` address.

    Ray itself keeps retrying an address that does not answer, for minutes.

    Raises:
        ClusterError: the head's port cannot be reached.
    """
    if address in (LOCAL, "auto"):
        return  # local: started here; auto: Ray finds the cluster on this node or says none
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not (host and port.isdigit()):
        return
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise ClusterError(
            f"--cluster {address}: no Ray cluster answers at {host}:{port} ({exc}); "
            "start one with 'ray start --head' (see docs/cluster.md)"
        ) from None


class _Pool:
    """Ray actors that take calls one at a time; a dead one is replaced and its call retried."""

    def __init__(self, ray: Any, config: BatchConfig, analyse: Analyse, count: int) -> None:
        self._ray = ray
        self._config = config
        self._analyse = analyse
        self._actor = ray.remote(num_cpus=config.threads, max_restarts=0, max_task_retries=0)(
            Analyst
        )
        self._idle = [self._start() for _ in range(count)]

    def _start(self) -> Any:
        return self._actor.remote(self._config, self._analyse)

    def close(self) -> None:
        """Stop the idle workers (the benchmark runs several pools on one Ray)."""
        for actor in self._idle:
            self._ray.kill(actor)
        self._idle.clear()

    def check_keys(self) -> None:
        """Refuse the run unless every worker's node holds the batch's recording key.

        Raises:
            ClusterError: one line per node without it.
        """
        problems = sorted(set(self._ray.get([a.check_key.remote() for a in self._idle])) - {""})
        if problems:
            raise ClusterError(
                "--cluster: the outputs must be encrypted (recording.encrypt) and "
                + ("; ".join(problems))
                + "; nothing was analysed"
            )

    def run(
        self, tasks: Sequence[BatchTask], on_result: Callable[[BatchResult], None] | None
    ) -> list[BatchResult]:
        from ray.exceptions import RayError, RayTaskError

        queue = deque(tasks)
        tries: Counter[int] = Counter()
        running: dict[Any, tuple[BatchTask, Any, float]] = {}
        results: list[BatchResult] = []
        while queue or running:
            while queue and self._idle:
                task, actor = queue.popleft(), self._idle.pop()
                tries[task.index] += 1
                # workers open the file by its absolute path (the shared folder)
                ref = actor.analyse.remote(replace(task, path=task.path.resolve()))
                running[ref] = (task, actor, time.perf_counter())
            ready, _ = self._ray.wait(list(running), num_returns=1)
            task, actor, started = running.pop(ready[0])
            try:
                shipped: Shipped = self._ray.get(ready[0])
            except RayTaskError as exc:  # the work raised: a bug, not a lost worker
                self._idle.append(actor)
                result = _failed(task, f"analysis failed: {_reason(exc)}", started)
            except RayError as exc:  # the worker process or its node died
                self._ray.kill(actor)
                self._idle.append(self._start())
                if tries[task.index] < ATTEMPTS:
                    log.warning("%s: worker lost (%s); trying again", task.path, _reason(exc))
                    queue.appendleft(task)
                    continue
                result = _failed(task, f"worker died {ATTEMPTS} times ({_reason(exc)})", started)
            else:
                self._idle.append(actor)
                result = _keep(task, shipped, self._config.out_dir)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return sorted(results, key=lambda r: r.index)


def _keep(task: BatchTask, shipped: Shipped, out_dir: Path) -> BatchResult:
    """Write a call's files atomically, then record it as done; the result as this run sees it."""
    for name, data in shipped.files.items():
        write_atomic(out_dir / name, data)
    if f"{task.stem}{SEALED_SUFFIX}" in shipped.files:  # a plain journal from before encryption
        (out_dir / f"{task.stem}{EVENTS_SUFFIX}").unlink(missing_ok=True)
    result = replace(shipped.result, path=str(task.path))
    mark_done(result, task.key, out_dir)
    return result


def _failed(task: BatchTask, why: str, started: float) -> BatchResult:
    return BatchResult(
        task.index,
        str(task.path),
        task.stem,
        "error",
        f"{task.path}: {why}",
        wall_seconds=time.perf_counter() - started,
    )


def _reason(exc: BaseException) -> str:
    """Ray's reason in one line (its messages run to many)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def write_parquet(
    results: Sequence[BatchResult],
    out_dir: Path,
    *,
    qa_card: str | None = None,
    key: RecordingKey | None = None,
) -> Path:
    """Write ``calls.parquet``: the same rows and columns as ``calls.csv``, typed.

    ``key`` reads sealed events for the QA columns (`table_rows`).

    Raises:
        ConfigError: pyarrow (part of ``belcoach[cluster]``) is not installed.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError(
            "the Parquet table needs pyarrow: pip install 'belcoach[cluster]'"
        ) from exc
    keys, rows = table_rows(results, out_dir, qa_card=qa_card, key=key)
    table = pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in rows])
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    path = out_dir / "calls.parquet"
    write_atomic(path, sink.getvalue().to_pybytes())
    return path
