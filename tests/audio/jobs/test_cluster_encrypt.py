"""``--cluster`` and ``--jobs`` under ``recording.encrypt`` and ``privacy.redact``.

Slow: each run starts an embedded Ray (two workers). The workers find the
recording key on their "node" the way a cluster node does: in the key file
of the config folder (the embedded Ray's workers inherit this process's
environment, so ``BELCOACH_CONFIG_DIR`` is theirs too); no OS keyring.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
import soundfile as sf

from belcoach.audio.calls.loaded import load_call
from belcoach.audio.jobs import cluster
from belcoach.audio.jobs.batch import collect, split_done
from belcoach.audio.jobs.batch_types import BatchConfig, BatchResult, BatchTask
from belcoach.audio.jobs.cluster import Analyse
from belcoach.cli.main import main
from belcoach.core.recording_key import recording_key
from belcoach.demo import demo_call_path
from support.private_calls import (
    LEAKS,
    no_os_keyring,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.slow


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three short calls cut from the demo call; no keyring for this process or Ray's."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    folder = tmp_path / "calls"
    folder.mkdir()
    audio, rate = sf.read(demo_call_path(), dtype="int16")
    for i, name in enumerate(("monday", "tuesday", "wednesday")):
        sf.write(folder / f"{name}.wav", audio[rate * 8 * i : rate * (8 * i + 7)], rate)
    return folder


def _scripted() -> Analyse:
    """`analyse_one` with a transcriber that hears an IBAN and a BSN, for the Ray workers.

    Made here as a nested function: Ray pickles it by value, so the workers
    need not import this test module.
    """

    def analyse(task: BatchTask, config: BatchConfig) -> BatchResult:
        from belcoach.audio.engine.transcriber import DecodeOptions
        from belcoach.audio.events import Word
        from belcoach.audio.jobs import batch

        said = "mijn IBAN is NL91 ABNA 0417 1643 00 en mijn bsn is 111222333"

        class Secret:
            options = DecodeOptions(language="nl")

            def transcribe(self, audio: object) -> list[Word]:
                words = said.split()
                return [Word(w, 0.1 + i * 0.05, 0.14 + i * 0.05, 0.9) for i, w in enumerate(words)]

        batch._WORKER["transcriber"] = Secret()
        return batch.analyse_one(task, config)

    return analyse


def test_two_ray_workers_seal_every_call_and_a_node_without_the_key_stops_the_run(
    calls: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = recording_key()  # the batch machine's key, in the config folder's key file
    out = tmp_path / "out"
    config = BatchConfig(out_dir=out, redact=True, encrypt=True, key_id=key.key_id.hex())
    tasks = split_done(collect([calls]), out, encrypt=True).todo
    results = cluster.run_cluster(tasks, config, address="local", workers=2, analyse=_scripted())
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    written = sorted(p.name for p in out.iterdir() if p.is_file())
    assert written == sorted(
        f"{s}.{kind}"
        for s in ("monday", "tuesday", "wednesday")
        for kind in ("events.jsonl.enc", "summary.json")
    )
    stored = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert not any(leak.encode() in stored for leak in (*LEAKS, "IBAN", "mijn"))
    for stem in ("monday", "tuesday", "wednesday"):
        text = " ".join(x.text for x in load_call(out / f"{stem}.events.jsonl.enc").timeline.lines)
        assert "[IBAN]" in text and "[BSN]" in text and "0417" not in text
    parquet = cluster.write_parquet(results, out, key=key)
    import pyarrow.parquet as pq

    assert all(row["qa_applicable"] for row in pq.read_table(parquet).to_pylist())

    # the same run where the nodes hold no key: refused before any call, nothing written
    monkeypatch.setenv("BELCOACH_CONFIG_DIR", str(tmp_path / "node-without-key"))
    bare = tmp_path / "bare"
    with pytest.raises(cluster.ClusterError, match="no recording key") as caught:
        cluster.run_cluster(
            tasks,
            replace(config, out_dir=bare),
            address="local",
            workers=2,
            analyse=_scripted(),
        )
    assert "recording.key" in str(caught.value) and "nothing was analysed" in str(caught.value)
    assert list(bare.iterdir()) == []


def _policy() -> None:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "schema_version = 1\n[locked.privacy]\nredact = true\n[locked.recording]\nencrypt = true\n"
    )


@pytest.mark.whisper
def test_analyze_with_jobs_and_cluster_seals_per_policy_and_report_and_team_read_it(
    calls: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], base_model: object
) -> None:
    _policy()
    common = ["--threads", "1", "--quiet", "--language", "nl"]
    by_jobs, by_ray = tmp_path / "jobs", tmp_path / "ray"
    assert main(["analyze", str(calls), "--jobs", "1", "--out", str(by_jobs), *common]) == 0
    ray = ["--cluster", "local", "--jobs", "2"]
    assert main(["analyze", str(calls), *ray, "--out", str(by_ray), *common]) == 0
    capsys.readouterr()
    for out in (by_jobs, by_ray):
        assert not list(out.glob("*.events.jsonl"))
        assert len(list(out.glob("*.events.jsonl.enc"))) == 3
        assert not list(out.glob(".*.tmp"))
        html = tmp_path / f"{out.name}-report.html"
        assert main(["report", str(out / "monday.events.jsonl.enc"), "--html", str(html)]) == 0
        team = tmp_path / f"{out.name}-team.html"
        assert main(["team", str(out), "--html", str(team)]) == 0
        rows = json.loads((out / "calls.json").read_text(encoding="utf-8"))
        assert [r["status"] for r in rows] == ["ok", "ok", "ok"]
    by_ray_text = [x.text for x in load_call(by_ray / "tuesday.events.jsonl.enc").timeline.lines]
    by_jobs_text = [x.text for x in load_call(by_jobs / "tuesday.events.jsonl.enc").timeline.lines]
    assert by_ray_text and by_ray_text == by_jobs_text
