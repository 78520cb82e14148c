"""Batch outputs under ``recording.encrypt`` and ``privacy.redact``: sealed, read back with the key.

The engine, the analysers and the files are real; the transcriber is
scripted to "hear" an IBAN and a BSN in every utterance (`SecretTranscriber`),
so the test can look for the words in every byte written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.loaded import load_call
from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.audio.jobs import batch
from belcoach.audio.jobs.batch import analyse_one, content_key, mark_done, split_done
from belcoach.audio.jobs.batch_table import write_table
from belcoach.audio.jobs.batch_types import BatchConfig, BatchResult, BatchTask
from belcoach.cli.main import main
from belcoach.core.errors import MissingKeyError
from belcoach.core.recording_key import RecordingKey, recording_key
from belcoach.demo import demo_call_path
from support.private_calls import (
    LEAKS,
    SECRET,
    no_os_keyring,  # noqa: F401 (autouse fixture)
)


class SecretTranscriber:
    """Hears `SECRET` in every utterance."""

    options = DecodeOptions(language="nl")

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word(w, 0.1 + i * 0.05, 0.14 + i * 0.05, 0.9) for i, w in enumerate(SECRET.split())]


@pytest.fixture(scope="module")
def short_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo call's first 20 s."""
    audio, rate = sf.read(demo_call_path(), dtype="int16", frames=20 * 16000)
    path = tmp_path_factory.mktemp("calls") / "short.wav"
    sf.write(path, audio, rate)
    return path


def _policy(*, encrypt: bool, redact: bool) -> None:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "schema_version = 1\n"
        f"[locked.privacy]\nredact = {str(redact).lower()}\n"
        f"[locked.recording]\nencrypt = {str(encrypt).lower()}\n"
    )


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _analyse(task: BatchTask, config: BatchConfig, key: RecordingKey | None) -> BatchResult:
    batch._WORKER.update(transcriber=SecretTranscriber(), key=key)
    try:
        return analyse_one(task, config)
    finally:
        batch._WORKER.clear()


def test_an_encrypted_batch_stores_no_words_and_report_and_team_read_it_with_the_key(
    tmp_path: Path, short_call: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _policy(encrypt=True, redact=True)
    key = recording_key()  # the per-test key file: what `belcoach report` finds too
    out = tmp_path / "out"
    out.mkdir()
    config = BatchConfig(out_dir=out, redact=True, encrypt=True, key_id=key.key_id.hex())
    (out / "short.events.jsonl").write_text("from a run before encryption\n")
    result = _analyse(BatchTask(0, short_call, "short"), config, key)
    assert result.status == "ok"
    write_table([result], out, key=key)

    sealed = out / "short.events.jsonl.enc"
    assert sealed.is_file() and not (out / "short.events.jsonl").exists()
    stored = _all_bytes(out)
    for word in ("burgerservicenummer", "IBAN", "ABNA", *LEAKS):
        assert word.encode() not in stored
    summary = json.loads((out / "short.summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "complete"
    assert all(p["said"] == "" for p in summary["phrases"])  # quotes are in the sealed events
    row = json.loads((out / "calls.json").read_text(encoding="utf-8"))[0]
    assert row["qa_applicable"]  # the QA columns were scored from the sealed events
    assert not list(out.glob(".*.tmp"))

    call = load_call(sealed, key=key)
    text = " ".join(line.text for line in call.timeline.lines)
    assert "[IBAN]" in text and "[BSN]" in text
    assert not any(leak in text for leak in LEAKS)

    html = tmp_path / "report.html"
    assert main(["report", str(sealed), "--html", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "[IBAN]" in page and "burgerservicenummer" in page  # decrypted, redacted
    assert not any(leak in page for leak in LEAKS)
    team = tmp_path / "team.html"
    assert main(["team", str(out), "--html", str(team)]) == 0
    assert "short.events.jsonl.enc" in team.read_text(encoding="utf-8")
    capsys.readouterr()

    # a re-run finds the sealed call done
    tasks = [BatchTask(0, short_call, "short")]
    mark_done(result, content_key(short_call), out)
    assert split_done(tasks, out, encrypt=True).todo == []
    # another user's key (another machine) cannot open it
    other = RecordingKey(bytes(32))
    with pytest.raises(Exception, match="another recording key"):
        load_call(sealed, key=other)


def test_a_plain_journal_from_before_encryption_is_analysed_again(
    tmp_path: Path, short_call: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    task = BatchTask(0, short_call, "short")
    result = _analyse(task, BatchConfig(out_dir=out), None)
    mark_done(result, content_key(short_call), out)
    assert split_done([task], out, encrypt=False).todo == []
    assert [t.stem for t in split_done([task], out, encrypt=True).todo] == ["short"]


def test_a_worker_without_the_key_writes_nothing_and_says_how_to_provide_it(
    tmp_path: Path, short_call: Path
) -> None:
    absent = RecordingKey(bytes(range(32)))  # the batch machine's key, not on this "node"
    out = tmp_path / "out"
    out.mkdir()
    config = BatchConfig(out_dir=out, encrypt=True, key_id=absent.key_id.hex())
    result = _analyse(BatchTask(0, short_call, "short"), config, None)
    assert result.status == "error"
    error = result.error
    assert "no recording key" in error and "recording.key" in error and "docs/cluster.md" in error
    assert list(out.iterdir()) == []

    recording_key()  # this node has a key now, but another one
    with pytest.raises(MissingKeyError, match="is not the batch's"):
        batch.worker_key(config)
    batch._WORKER.clear()
