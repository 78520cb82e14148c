"""Analysing many recorded calls in parallel worker processes, for team figures.

Each worker process loads Whisper once and analyses whole calls, one at a
time, with the same engine as a live call; ``jobs`` processes share the
cores. A file that cannot be read is reported in the results and skipped; a
file damaged part-way keeps what was analysed before the damage
(``partial``). Per call it writes ``<name>.events.jsonl`` and
``<name>.summary.json``, each through a temporary file and a rename, so a
killed worker leaves no half-written output; `write_table` writes the CSV/JSON
table across calls.

A call is known by its content (`content_key`, the SHA-256 of the file's
bytes), not its name: when a call's outputs are complete the driver records
``done/<key>.json`` (`mark_done`), and a re-run into the same folder skips
every call recorded there (`split_done`), renamed or not. The same audio twice
in one run is analysed once. ``--jobs`` (`run_batch`) and ``--cluster``
(`belcoach.audio.jobs.cluster`) share all of this.

Privacy follows the plan (`BatchConfig`): with ``redact`` every event is
redacted before it is written or summarised; with ``encrypt`` the events go
straight into a sealed ``<name>.events.jsonl.enc`` (`EncryptedJsonlWriter`, no
plain-text copy, not even a temporary one) and the summary keeps the figures
only (`scrub_summary`), as in an encrypted call library. The key: local
worker processes get the driver's key from the driver; a cluster worker finds
the key on its own node (`worker_key`) and refuses, before it writes
anything, when that node does not hold it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from belcoach.audio.jobs.batch_types import (
    EVENTS_SUFFIX,
    BatchConfig,
    BatchResult,
    BatchTask,
    events_name,
    result_json,
)
from belcoach.core.atomic import write_atomic
from belcoach.core.errors import AppError, ConfigError, VaultError
from belcoach.core.private_files import private_dir
from belcoach.core.recording_key import RecordingKey, existing_recording_key

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus"})
"""Files picked up from a folder (files named explicitly are tried whatever their name)."""


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


DONE_DIR = "done"
"""The folder in ``--out`` that records finished calls by content key."""


def content_key(path: Path) -> str:
    """The SHA-256 of the file's bytes: a call's identity whatever its name.

    Raises:
        OSError: the file cannot be read.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class BatchSplit:
    """The calls of a run: those to analyse and those already accounted for.

    Attributes:
        todo: calls to analyse, each with its content key.
        done: results taken from an earlier run into the same folder (path and
            index of this run's file), and ``duplicate`` rows for audio that
            appears twice in this run (analysed once, under its first name).
    """

    todo: list[BatchTask]
    done: list[BatchResult]


def split_done(tasks: Sequence[BatchTask], out_dir: Path, *, encrypt: bool = False) -> BatchSplit:
    """Hash every call and set aside those ``out_dir`` already holds (see `mark_done`).

    A file that cannot be read stays in ``todo``: its worker reports why. With
    ``encrypt`` a call done earlier counts only if its events are sealed: a
    plain-text journal from a run before encryption was switched on is
    analysed again (and its plain file replaced by the sealed one).
    """
    todo: list[BatchTask] = []
    done: list[BatchResult] = []
    first: dict[str, BatchTask] = {}
    for task in tasks:
        try:
            task = replace(task, key=content_key(task.path))
        except OSError:
            todo.append(task)
            continue
        if task.key in first:
            done.append(
                BatchResult(
                    task.index,
                    str(task.path),
                    task.stem,
                    "duplicate",
                    f"{task.path}: same audio as {first[task.key].path}, analysed once",
                )
            )
            continue
        first[task.key] = task
        earlier = _load_done(out_dir, task.key, encrypt=encrypt)
        if earlier is None:
            todo.append(task)
        else:
            done.append(replace(earlier, index=task.index, path=str(task.path)))
    return BatchSplit(_fresh_stems(todo, {r.stem for r in done}), done)


def _fresh_stems(todo: list[BatchTask], kept: set[str]) -> list[BatchTask]:
    """Rename new calls whose output stem a kept call's files already use.

    A done call renamed since (``a.wav`` → ``old-a.wav``) keeps its outputs
    under ``a``; a new ``a.wav`` must not overwrite them.
    """
    used = kept | {t.stem for t in todo}
    renamed = []
    for task in todo:
        if task.stem in kept:
            n = 2
            while f"{task.stem}-{n}" in used:
                n += 1
            task = replace(task, stem=f"{task.stem}-{n}")
            used.add(task.stem)
        renamed.append(task)
    return renamed


def mark_done(result: BatchResult, key: str, out_dir: Path) -> None:
    """Record a finished call under its content key, after its outputs are in place.

    Called by the driver only, once per call, so a result is never recorded
    (or counted) twice; calls that failed are not recorded and are tried again
    on a re-run.
    """
    if result.done and key:
        write_atomic(
            out_dir / DONE_DIR / f"{key}.json",
            json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n",
        )


def _load_done(out_dir: Path, key: str, *, encrypt: bool = False) -> BatchResult | None:
    """The recorded result for ``key``, if it and the call's outputs (sealed if asked) are there."""
    try:
        data = json.loads((out_dir / DONE_DIR / f"{key}.json").read_text(encoding="utf-8"))
        result = BatchResult(**data)
    except (OSError, ValueError, TypeError):
        return None
    outputs = (events_name(result.stem, encrypt=encrypt), f"{result.stem}.summary.json")
    if not all((out_dir / name).is_file() for name in outputs):
        return None
    return result


# One transcriber per worker process, made by the pool's initializer: loading
# Whisper per call would cost more than a short call's analysis.
_WORKER: dict[str, Any] = {}


def share_threads(threads: int) -> None:
    """Give this worker process's OpenMP runtime ``threads`` threads, before Whisper loads.

    Ray sets ``OMP_NUM_THREADS`` to a worker's CPUs, and CTranslate2's int8
    kernels pick a different path (and Whisper a few different words) with it
    set; setting it the same way in every worker, local or on a cluster, keeps
    ``--jobs`` and ``--cluster`` outputs equal and keeps N workers from each
    starting a thread per core. A value the user exported wins.
    """
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))


def _init_worker(config: BatchConfig, progress: Any, key: RecordingKey | None = None) -> None:
    logging.basicConfig(level=logging.WARNING)
    share_threads(config.threads)
    _WORKER["config"] = config
    _WORKER["progress"] = progress
    _WORKER["transcriber"] = None
    _WORKER["key"] = key


def worker_key(config: BatchConfig) -> RecordingKey | None:
    """The key this worker seals with: None when the batch does not encrypt.

    A local worker process was handed the driver's key (`run_batch`); a
    cluster worker looks for the key named ``config.key_id`` on its own node,
    once, and never makes one.

    Raises:
        MissingKeyError: this node has no such key (the message says what to do).
    """
    if not config.encrypt:
        return None
    key = _WORKER.get("key")
    if key is None or key.key_id.hex() != config.key_id:
        key = existing_recording_key(config.key_id)
        _WORKER["key"] = key
    assert isinstance(key, RecordingKey)
    return key


def _transcriber(config: BatchConfig) -> Any:
    if _WORKER.get("transcriber") is None:
        from belcoach.audio.engine.transcriber import DecodeProfile
        from belcoach.audio.jobs.run import ModelChoice, load_transcriber

        choice = ModelChoice(
            name=config.model,
            admin_dir=config.model_dir,
            cpu_threads=config.threads,
            beam_size=config.beam_size,
            profile=DecodeProfile(config.profile),
        )
        _WORKER["transcriber"] = load_transcriber(choice, config.language)
    return _WORKER["transcriber"]


def analyse_task(task: BatchTask) -> BatchResult:
    """Worker entry: analyse one call and write its events and summary."""
    return analyse_one(task, _WORKER["config"], _WORKER["progress"])


def analyse_one(task: BatchTask, config: BatchConfig, progress: Any = None) -> BatchResult:
    """Analyse one call (in this process) and write its outputs; never raises for a bad file."""
    from belcoach.audio.calls.folder import CallMeta
    from belcoach.audio.calls.privacy import scrub_summary
    from belcoach.audio.calls.summary import summarize
    from belcoach.audio.engine.channel_words import ChannelTranscriber
    from belcoach.audio.engine.sources import open_call
    from belcoach.audio.engine.transcriber import DecodeProfile
    from belcoach.audio.events import Event
    from belcoach.audio.jobs.run import CallTranscriber, recorded_call_transcriber, run_call
    from belcoach.audio.jsonl import EncryptedJsonlWriter, JsonlWriter

    started = time.perf_counter()
    try:
        key = worker_key(config)  # before anything is read or written
        source = open_call(task.path, agent_channel=config.agent_channel)
    except AppError as exc:
        return BatchResult(task.index, str(task.path), task.stem, "error", str(exc))
    events: list[Event] = []
    name = events_name(task.stem, encrypt=key is not None)
    events_path = config.out_dir / name
    # written under a temporary name and renamed once complete: a worker that
    # dies mid-call leaves no events file that looks finished
    partial_path = config.out_dir / f".{name}.{os.getpid()}.tmp"
    partial_path.unlink(missing_ok=True)  # left by a dead worker with the same pid
    writer: JsonlWriter | EncryptedJsonlWriter
    try:
        writer = (
            JsonlWriter(partial_path) if key is None else EncryptedJsonlWriter(partial_path, key)
        )
    except VaultError as exc:
        return BatchResult(task.index, str(task.path), task.stem, "error", str(exc))
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
    transcriber: CallTranscriber | None = None
    try:
        transcriber = recorded_call_transcriber(
            _transcriber(config),
            DecodeProfile(config.profile),
            lambda stop: open_call(task.path, agent_channel=config.agent_channel).blocks(stop),
        )
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
        partial_path.unlink(missing_ok=True)
        return BatchResult(
            task.index, str(task.path), task.stem, "error", f"{task.path}: analysis failed: {exc}"
        )
    finally:
        writer.close()
        if isinstance(transcriber, ChannelTranscriber):
            transcriber.close()
    os.replace(partial_path, events_path)
    if key is not None:  # a plain journal from before encryption was switched on
        (config.out_dir / f"{task.stem}{EVENTS_SUFFIX}").unlink(missing_ok=True)
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
    stored = summary.to_json() if key is None else scrub_summary(summary.to_json())
    write_atomic(
        config.out_dir / f"{task.stem}.summary.json",
        json.dumps(stored, ensure_ascii=False, indent=2) + "\n",
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
    key: RecordingKey | None = None,
) -> list[BatchResult]:
    """Analyse ``tasks`` with ``jobs`` worker processes; results in input order.

    Each finished call is recorded with `mark_done` under its task's key.

    Args:
        key: the recording key when ``config.encrypt``: handed to the local
            worker processes (this machine's key, over the pool's pipe).
        on_progress: called in this process with seconds of audio just analysed.
        on_result: called in this process as each call finishes.
    """
    private_dir(config.out_dir)
    ctx = multiprocessing.get_context("spawn")  # threads (ONNX, CTranslate2) and fork don't mix
    results: list[BatchResult] = []
    keys = {task.index: task.key for task in tasks}
    with ctx.Manager() as manager:
        progress = manager.Queue()
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(config, progress, key)) as pool:
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
                mark_done(result, keys[result.index], config.out_dir)
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
