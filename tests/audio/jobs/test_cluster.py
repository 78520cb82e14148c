"""``belcoach analyze DIR --cluster local``: the same outputs as ``--jobs``, on an embedded Ray.

Slow: an embedded Ray takes tens of seconds to start on a loaded two-core
machine. The calls are cut from the demo call (espeak speech), a few seconds each.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from belcoach.audio.jobs import cluster
from belcoach.audio.jobs.batch import collect, split_done
from belcoach.audio.jobs.batch_types import BatchConfig, BatchResult, BatchTask
from belcoach.cli.main import main
from belcoach.demo import demo_call_path

pytestmark = pytest.mark.slow


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    folder = tmp_path / "calls"
    folder.mkdir()
    audio, rate = sf.read(demo_call_path(), dtype="int16")
    sf.write(folder / "monday.flac", audio[: rate * 7], rate)
    sf.write(folder / "tuesday.wav", audio[rate * 17 : rate * 25], rate)
    return folder


def _events(path: Path) -> list[dict[str, Any]]:
    """The events of a call, without the wall-clock latency."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [{k: v for k, v in row.items() if k != "latency"} for row in rows]


def _table(out: Path) -> list[dict[str, Any]]:
    rows = json.loads((out / "calls.json").read_text(encoding="utf-8"))
    return [{k: v for k, v in row.items() if k != "wall_s"} for row in rows]


@pytest.mark.whisper
def test_local_cluster_writes_what_jobs_writes_and_a_rerun_skips_by_content(
    calls: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    base_model: object,
) -> None:
    common = ["--threads", "1", "--quiet", "--language", "nl"]
    by_jobs, by_ray = tmp_path / "jobs", tmp_path / "ray"
    assert main(["analyze", str(calls), "--jobs", "1", "--out", str(by_jobs), *common]) == 0
    assert main(["analyze", str(calls), "--cluster", "local", "--out", str(by_ray), *common]) == 0
    err = capsys.readouterr().err
    assert "2 of 2 calls analysed" in err and "Ray at local" in err

    assert _table(by_ray) == _table(by_jobs)
    assert [row["status"] for row in _table(by_ray)] == ["ok", "ok"]
    for stem in ("monday", "tuesday"):
        events = _events(by_ray / f"{stem}.events.jsonl")
        assert {"call_started", "transcript", "call_ended"} <= {e["type"] for e in events}
        assert events == _events(by_jobs / f"{stem}.events.jsonl")
        summary = json.loads((by_ray / f"{stem}.summary.json").read_text())
        assert summary == json.loads((by_jobs / f"{stem}.summary.json").read_text())
    import pyarrow.parquet as pq

    parquet = pq.read_table(by_ray / "calls.parquet").to_pylist()
    assert [{k: v for k, v in row.items() if k != "wall_s"} for row in parquet] == _table(by_ray)
    assert not list(by_ray.glob(".*.tmp")) and not list(by_jobs.glob(".*.tmp"))

    # a re-run analyses nothing, with Ray or local processes, renamed file or not
    (calls / "monday.flac").rename(calls / "renamed.flac")

    def no_analysis(*args: object, **kwargs: object) -> list[BatchResult]:
        raise AssertionError("a done call was analysed again")

    monkeypatch.setattr(cluster, "run_cluster", no_analysis)
    monkeypatch.setattr("belcoach.audio.jobs.batch.run_batch", no_analysis)
    for flag, out in ((["--cluster", "local"], by_ray), (["--jobs", "2"], by_jobs)):
        before = _table(out)
        assert main(["analyze", str(calls), *flag, "--out", str(out), *common]) == 0
        assert "2 of 2 calls analysed (2 done in an earlier run)" in capsys.readouterr().err
        after = _table(out)
        assert [Path(r["file"]).name for r in after] == ["renamed.flac", "tuesday.wav"]
        renamed = {**after[0], "file": before[0]["file"]}
        assert [renamed, after[1]] == before


def test_a_dead_worker_s_call_is_retried_once_then_reported(tmp_path: Path) -> None:
    """Workers that die (os._exit) are replaced; each call is counted exactly once."""
    folder, marks, out = tmp_path / "calls", tmp_path / "marks", tmp_path / "out"
    folder.mkdir()
    marks.mkdir()
    for name in ("always", "fine", "once"):
        (folder / f"{name}.wav").write_bytes(name.encode())  # the fake work never reads them

    def analyse(task: BatchTask, config: BatchConfig) -> BatchResult:
        """Dies on every try for 'always', on the first for 'once' (runs in a Ray worker)."""
        import os

        tries = marks / f"{task.stem}.tries"
        before = len(tries.read_text()) if tries.exists() else 0
        tries.write_text("x" * (before + 1))
        if task.stem == "always" or (task.stem == "once" and before == 0):
            os._exit(1)
        for suffix in ("events.jsonl", "summary.json"):
            (config.out_dir / f"{task.stem}.{suffix}").write_text(f"{task.stem}\n")
        return BatchResult(task.index, str(task.path), task.stem, "ok", audio_seconds=1.0)

    tasks = split_done(collect([folder]), out).todo
    reported: list[str] = []
    results = cluster.run_cluster(
        tasks,
        BatchConfig(out_dir=out),
        address="local",
        workers=2,
        analyse=analyse,
        on_result=lambda r: reported.append(Path(r.path).stem),
    )
    assert sorted(reported) == ["always", "fine", "once"]  # each call once
    assert [(Path(r.path).stem, r.status) for r in results] == [
        ("always", "error"),
        ("fine", "ok"),
        ("once", "ok"),
    ]
    assert "worker died 2 times" in results[0].error
    assert {p.name: len(p.read_text()) for p in marks.iterdir()} == {
        "always.tries": 2,
        "fine.tries": 1,
        "once.tries": 2,
    }
    written = sorted(p.name for p in out.iterdir() if p.is_file())
    assert written == [
        "fine.events.jsonl",
        "fine.summary.json",
        "once.events.jsonl",
        "once.summary.json",
    ]
    done = {p.stem for p in (out / "done").iterdir()}
    assert done == {t.key for t in tasks if t.stem in ("fine", "once")}
