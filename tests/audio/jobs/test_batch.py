"""``belcoach analyze DIR... --jobs N``: many calls, a table across them, bad files skipped."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import soundfile as sf

from belcoach.audio.jobs.batch import collect
from belcoach.cli.main import main
from belcoach.core.errors import ConfigError
from belcoach.demo import demo_call_path


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    folder = tmp_path / "calls"
    (folder / "team-b").mkdir(parents=True)
    audio, rate = sf.read(demo_call_path(), dtype="int16")
    sf.write(folder / "monday.flac", audio[: rate * 12], rate)
    sf.write(folder / "team-b" / "tuesday.wav", audio[rate * 17 : rate * 30], rate)
    (folder / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(40))
    (folder / "empty.flac").write_bytes(b"")
    (folder / "notes.txt").write_text("not audio, and not picked up from a folder")
    return folder


def test_collect_expands_folders_and_keeps_stems_unique(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "call.wav").write_bytes(b"")
    tasks = collect([tmp_path])
    assert [t.stem for t in tasks] == ["call", "call-2"]
    with pytest.raises(ConfigError, match="no such file"):
        collect([tmp_path / "missing"])


@pytest.mark.slow
@pytest.mark.whisper
def test_batch_analyses_the_good_calls_and_reports_the_bad(
    calls: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], base_model: object
) -> None:
    out = tmp_path / "out"
    code = main(["analyze", str(calls), "--jobs", "2", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1  # some calls could not be analysed
    assert "broken.wav" in err and "empty.flac" in err
    assert "2 of 4 calls analysed" in err
    rows = {Path(r["file"]).name: r for r in csv.DictReader((out / "calls.csv").open())}
    assert set(rows) == {"monday.flac", "tuesday.wav", "broken.wav", "empty.flac"}
    assert rows["broken.wav"]["status"] == "error" and rows["broken.wav"]["error"]
    assert rows["empty.flac"]["error"].endswith("contains no audio (0 s)")
    for name, stem, seconds in (("monday.flac", "monday", 12.0), ("tuesday.wav", "tuesday", 13.0)):
        assert rows[name]["status"] == "ok"
        assert float(rows[name]["duration_s"]) == pytest.approx(seconds, abs=0.1)
        summary = json.loads((out / f"{stem}.summary.json").read_text())
        assert summary["headline"]["talk_ratio"] is not None
        kinds = {json.loads(x)["type"] for x in (out / f"{stem}.events.jsonl").open()}
        assert {"call_started", "speech", "transcript", "call_ended"} <= kinds
    table = json.loads((out / "calls.json").read_text())
    names = ["broken.wav", "empty.flac", "monday.flac", "tuesday.wav"]
    assert [Path(r["file"]).name for r in table] == names  # input order
    # the agent's over-talk at 24.4 s is in tuesday's window (17-30 s)
    assert int(rows["tuesday.wav"]["overtalk_by_agent"]) == 1
