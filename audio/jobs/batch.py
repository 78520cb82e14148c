"""Analysing many recorded calls in parallel worker processes, for team figures.

Each worker process loads Whisper once and analyses whole calls, one at a
time, with the same engine as a live call; ``jobs`` processes share the
cores. A file that cannot be read is reported in the results and skipped; a
file damaged part-way keeps what was analysed before the damage
(``partial``). Per call it writes ``<name>.events.jsonl`` and
``<name>.summary.json``; `write_table` writes the CSV/JSON table across calls.
"""

from __future__ import annotations

import csv
import json
import logging
import multiprocessing
import queue
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError, ConfigError
from belcoach.core.private_files import private_dir

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus"})
"""Files picked up from a folder (files named explicitly are tried whatever their name)."""


@dataclass(frozen=True, slots=True)
class BatchTask:
    """One call to analyse: the file, the output name stem, and the agent (folder layout)."""

    index: int
    path: Path
    stem: str
    agent: str = ""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What happened to one call.

    Attributes:
        status: ``ok``, ``partial`` (damaged part-way; analysed up to the damage)
            or ``error`` (not analysed; ``error`` says why).
        audio_seconds: audio analysed.
        wall_seconds: time the worker spent on it.
        headline: the summary's flat figures (empty on error).
    """

    index: int
    path: str
    stem: str
    status: str
    error: str = ""
    audio_seconds: float = 0.0
    wall_seconds: float = 0.0
    headline: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """Settings every worker shares.

    Attributes:
        out_dir: where events, summaries and the table go.
        language: the calls' language.
        model: model name or directory; ``model_dir``: the IT model directory.
        threads: Whisper CPU threads per worker.
        beam_size: Whisper beam size.
        agent_channel: 0 (left) or 1 (right).
        redact: redact personal numbers from the events, summaries and table
            (``privacy.redact`` or ``--redact``).
        analysis: the merged ``[analysis]`` settings table for the analysers.
    """

    out_dir: Path
    language: str = "nl"
    model: str = "base"
    model_dir: Path | None = None
    threads: int = 1
    beam_size: int = 1
    agent_channel: int = 0
    redact: bool = False
    analysis: dict[str, Any] = field(default_factory=dict)


def collect(inputs: Sequence[Path]) -> list[BatchTask]:
    """Expand folders (recursively, audio suffixes only) and give each call a unique stem.

    Folder per agent: a file in a subfolder of a folder given (``calls/<agent>/x.wav``)
    gets the subfolder's name as its agent; files named directly, or lying in
    the given folder itself, get none.

    Raises:
        ConfigError: nothing to analyse, or a path that does not exist.
    """
    paths: list[Path] = []
    agents: dict[Path, str] = {}
    for item in inputs:
        if item.is_dir():
            found = sorted(
                p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
            )
            for p in found:
                parts = p.relative_to(item).parts
                agents[p] = parts[0] if len(parts) > 1 else ""
            paths += found
        elif item.exists():
            paths.append(item)
        else:
            raise ConfigError(f"{item}: no such file or folder")
    if not paths:
        raise ConfigError("no audio files found in " + ", ".join(str(p) for p in inputs))
    tasks, used = [], set()
    for i, path in enumerate(paths):
        stem, n = path.stem, 1
        while stem in used:
            n += 1
            stem = f"{path.stem}-{n}"
        used.add(stem)
        tasks.append(BatchTask(i, path, stem, agents.get(path, "")))
    return tasks


# One transcriber per worker process, made by the pool's initializer: loading
# Whisper per call would cost more than a short call's analysis.
_WORKER: dict[str, Any] = {}


def _init_worker(config: BatchConfig, progress: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    _WORKER["config"] = config
    _WORKER["progress"] = progress
    _WORKER["transcriber"] = None


def _transcriber(config: BatchConfig) -> Any:
    if _WORKER.get("transcriber") is None:
        from belcoach.audio.jobs.run import ModelChoice, load_transcriber

        choice = ModelChoice(
            name=config.model,
            admin_dir=config.model_dir,
            cpu_threads=config.threads,
            beam_size=config.beam_size,
        )
        _WORKER["transcriber"] = load_transcriber(choice, config.language)
    return _WORKER["transcriber"]


def analyse_task(task: BatchTask) -> BatchResult:
    """Worker entry: analyse one call and write its events and summary."""
    return analyse_one(task, _WORKER["config"], _WORKER["progress"])


def analyse_one(task: BatchTask, config: BatchConfig, progress: Any = None) -> BatchResult:
    """Analyse one call (in this process) and write its outputs; never raises for a bad file."""
    from belcoach.audio.calls.folder import CallMeta
    from belcoach.audio.calls.summary import summarize
    from belcoach.audio.engine.sources import open_call
    from belcoach.audio.events import Event
    from belcoach.audio.jobs.run import run_call
    from belcoach.audio.jsonl import JsonlWriter

    started = time.perf_counter()
    try:
        source = open_call(task.path, agent_channel=config.agent_channel)
    except AppError as exc:
        return BatchResult(task.index, str(task.path), task.stem, "error", str(exc))
    events: list[Event] = []
    events_path = config.out_dir / f"{task.stem}.events.jsonl"
    writer = JsonlWriter(events_path)
    status, error = "ok", ""
    last = [0.0]

    def on_progress(t: float) -> None:
        if progress is not None and t - last[0] >= 1.0:
            progress.put((task.index, t - last[0]))
            last[0] = t

    def keep(event: Event) -> None:
        writer(event)
        events.append(event)

    sink: Callable[[Event], None] = keep
    if config.redact:
        from belcoach.audio.privacy.redact import redacting

        sink = redacting(keep)  # the journal and the summary alike
    try:
        transcriber = _transcriber(config)
        engine = run_call(
            source,
            transcriber,
            model_name=config.model,
            paced=False,
            analysis_settings=config.analysis,
            subscribers=[sink],
            on_progress=on_progress,
        )
        audio = engine.audio_seconds
    except AppError as exc:
        status, error = "partial", str(exc)
        audio = max((e.t for e in events), default=0.0)
    except Exception as exc:  # a worker must report, not die, for one bad call
        log.exception("%s: analysis failed", task.path)
        writer.close()
        return BatchResult(
            task.index, str(task.path), task.stem, "error", f"{task.path}: analysis failed: {exc}"
        )
    finally:
        writer.close()
    if progress is not None and audio > last[0]:
        progress.put((task.index, audio - last[0]))
    mtime = datetime.fromtimestamp(task.path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    meta = CallMeta(
        task.stem,
        mtime,
        origin="batch",
        agent=task.agent,
        language=config.language,
        source=task.path.name,
        model=config.model,
    )
    summary = summarize(
        events,
        meta=meta,
        status="complete" if status == "ok" else "partial",
        error=error,
        audio_seconds=audio,
    )
    write_atomic(
        config.out_dir / f"{task.stem}.summary.json",
        json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n",
    )
    return BatchResult(
        task.index,
        str(task.path),
        task.stem,
        status,
        error,
        audio,
        time.perf_counter() - started,
        summary.headline(),
    )


def run_batch(
    tasks: Sequence[BatchTask],
    config: BatchConfig,
    *,
    jobs: int,
    on_progress: Callable[[float], None] | None = None,
    on_result: Callable[[BatchResult], None] | None = None,
) -> list[BatchResult]:
    """Analyse ``tasks`` with ``jobs`` worker processes; results in input order.

    Args:
        on_progress: called in this process with seconds of audio just analysed.
        on_result: called in this process as each call finishes.
    """
    private_dir(config.out_dir)
    ctx = multiprocessing.get_context("spawn")  # threads (ONNX, CTranslate2) and fork don't mix
    results: list[BatchResult] = []
    with ctx.Manager() as manager:
        progress = manager.Queue()
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(config, progress)) as pool:
            pending = pool.imap_unordered(analyse_task, tasks)
            done = 0
            while done < len(tasks):
                _drain(progress, on_progress)
                try:
                    result = pending.next(timeout=0.25)
                except multiprocessing.TimeoutError:
                    continue
                done += 1
                _drain(progress, on_progress)
                results.append(result)
                if on_result is not None:
                    on_result(result)
    return sorted(results, key=lambda r: r.index)


def _drain(progress: Any, on_progress: Callable[[float], None] | None) -> None:
    while True:
        try:
            _index, seconds = progress.get_nowait()
        except queue.Empty:
            return
        if on_progress is not None:
            on_progress(float(seconds))


TABLE_FIELDS = ("file", "status", "error", "audio_s", "wall_s")


def write_table(
    results: Iterable[BatchResult], out_dir: Path, *, qa_card: str | None = None
) -> tuple[Path, Path]:
    """Write ``calls.csv`` and ``calls.json``: one row per call with its headline figures.

    Each analysed call also gets its QA scorecard columns (``qa_*``, see
    ``belcoach.audio.review.qa.table``; ``qa_card``: the card file in force), and
    ``qa.csv`` beside them holds each item's pass rate over the calls.
    """
    from belcoach.audio.review.qa.table import qa_columns, write_pass_rates

    rows = []
    for r in results:
        row: dict[str, Any] = {
            "file": r.path,
            "status": r.status,
            "error": r.error,
            "audio_s": round(r.audio_seconds, 1),
            "wall_s": round(r.wall_seconds, 1),
        }
        row.update({k: v for k, v in r.headline.items() if k not in ("status", "source")})
        if r.status != "error":
            row.update(qa_columns(out_dir / f"{r.stem}.events.jsonl", card_path=qa_card))
        rows.append(row)
    keys: list[str] = list(TABLE_FIELDS)
    for row in rows:
        keys += [k for k in row if k not in keys]
    csv_path, json_path = out_dir / "calls.csv", out_dir / "calls.json"
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in keys})
    write_atomic(csv_path, buf.getvalue())
    write_atomic(json_path, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    write_pass_rates(rows, out_dir)
    return csv_path, json_path


def result_json(result: BatchResult) -> dict[str, Any]:
    """A result as a JSON-ready dict."""
    return asdict(result)
