"""Batch calls are known by their audio's content: done calls are skipped, renamed or not."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from belcoach.audio.jobs.batch import collect, content_key, mark_done, split_done
from belcoach.audio.jobs.batch_types import BatchResult


def _finish(out: Path, result: BatchResult, key: str) -> None:
    """What a worker and the driver leave for a finished call."""
    out.mkdir(exist_ok=True)
    (out / f"{result.stem}.events.jsonl").write_text("{}\n")
    (out / f"{result.stem}.summary.json").write_text("{}\n")
    mark_done(result, key, out)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "a.wav").write_bytes(b"audio of call a")
    (calls / "b.wav").write_bytes(b"audio of call b")
    return calls


def test_content_key_is_the_sha256_of_the_bytes(folder: Path) -> None:
    import hashlib

    assert content_key(folder / "a.wav") == hashlib.sha256(b"audio of call a").hexdigest()


def test_a_done_call_is_skipped_even_when_renamed(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = split_done(collect([folder]), out)
    assert [t.path.name for t in first.todo] == ["a.wav", "b.wav"] and first.done == []
    a = first.todo[0]
    result = BatchResult(a.index, str(a.path), a.stem, "ok", audio_seconds=12.0, headline={"x": 1})
    _finish(out, result, a.key)

    (folder / "a.wav").rename(folder / "zz-renamed.wav")
    second = split_done(collect([folder]), out)
    assert [t.path.name for t in second.todo] == ["b.wav"]
    [skipped] = second.done
    assert skipped.path == str(folder / "zz-renamed.wav")  # this run's name and place
    assert skipped.index == 1  # zz-renamed sorts after b
    assert replace(skipped, path=result.path, index=result.index) == result


def test_a_new_call_never_overwrites_a_kept_call_s_outputs(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = split_done(collect([folder]), out).todo[0]
    _finish(out, BatchResult(a.index, str(a.path), a.stem, "ok"), a.key)
    (folder / "a.wav").rename(folder / "old-a.wav")
    (folder / "a.wav").write_bytes(b"a new call named a")
    split = split_done(collect([folder]), out)
    assert [(t.path.name, t.stem) for t in split.todo] == [("a.wav", "a-2"), ("b.wav", "b")]
    assert [(Path(r.path).name, r.stem) for r in split.done] == [("old-a.wav", "a")]


def test_a_failed_call_is_tried_again(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = split_done(collect([folder]), out).todo[0]
    _finish(out, BatchResult(a.index, str(a.path), a.stem, "error", "unreadable"), a.key)
    assert [t.path.name for t in split_done(collect([folder]), out).todo] == ["a.wav", "b.wav"]


def test_a_done_call_whose_outputs_are_gone_is_analysed_again(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = split_done(collect([folder]), out).todo[0]
    _finish(out, BatchResult(a.index, str(a.path), a.stem, "ok"), a.key)
    (out / "a.events.jsonl").unlink()
    assert [t.path.name for t in split_done(collect([folder]), out).todo] == ["a.wav", "b.wav"]


def test_the_same_audio_twice_is_analysed_once(folder: Path, tmp_path: Path) -> None:
    (folder / "copy.wav").write_bytes((folder / "a.wav").read_bytes())
    split = split_done(collect([folder]), tmp_path / "out")
    assert [t.path.name for t in split.todo] == ["a.wav", "b.wav"]
    [dup] = split.done
    assert dup.status == "duplicate"
    assert dup.error == f"{folder / 'copy.wav'}: same audio as {folder / 'a.wav'}, analysed once"
    assert not dup.done


def test_an_unreadable_file_is_left_for_its_worker_to_report(folder: Path, tmp_path: Path) -> None:
    tasks = collect([folder])
    (folder / "b.wav").unlink()
    split = split_done(tasks, tmp_path / "out")
    assert [(t.path.name, t.key) for t in split.todo][1] == ("b.wav", "")


def test_the_done_record_is_the_result(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = split_done(collect([folder]), out).todo[0]
    _finish(out, BatchResult(a.index, str(a.path), a.stem, "partial", "cut off", 3.0), a.key)
    record = json.loads((out / "done" / f"{a.key}.json").read_text())
    assert record["status"] == "partial" and record["audio_seconds"] == 3.0
