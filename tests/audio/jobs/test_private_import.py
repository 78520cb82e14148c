"""``calls import`` and batch ``analyze`` store redacted text when redaction is on.

The engine, the VAD, the analysers, the recorder and the files are real; the
transcriber is scripted to "hear" an IBAN and a BSN in every utterance,
because no real recording here says personal numbers (the test is about what
is stored, not about recognising them).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.folder import CallFolder
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.loaded import load_call
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.audio.jobs import batch
from belcoach.audio.jobs.batch import analyse_one
from belcoach.audio.jobs.batch_types import BatchConfig, BatchTask
from belcoach.audio.jobs.importer import RecordOptions, record_call
from belcoach.audio.jsonl import event_line
from belcoach.demo import demo_call_path
from support.private_calls import (
    LEAKS,
    SECRET,
    folder_bytes,
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


def test_an_import_with_redaction_and_encryption_stores_neither_numbers_nor_text(
    tmp_path: Path, short_call: Path
) -> None:
    library = CallLibrary.open(
        tmp_path / "lib", privacy=RecordingPrivacy(redact=True, encrypt=True)
    )
    summary = record_call(
        library, open_call(short_call), SecretTranscriber(), RecordOptions(origin="import")
    )  # type: ignore[arg-type]
    folder = library.root / summary.meta.id
    call = load_call(folder)
    text = " ".join(line.text for line in call.timeline.lines)
    assert "[IBAN]" in text and "[BSN]" in text
    journal = "".join(event_line(e) for e in CallFolder(folder).read_events().events)
    assert "emotion" in journal  # the estimates quote the utterance: redacted too
    for leak in LEAKS:
        assert leak not in text and leak not in journal
    assert b"burgerservicenummer" not in folder_bytes(folder)


def test_batch_analysis_redacts_its_events_and_summaries(tmp_path: Path, short_call: Path) -> None:
    config = BatchConfig(out_dir=tmp_path / "out", redact=True)
    config.out_dir.mkdir()
    batch._WORKER["transcriber"] = SecretTranscriber()
    try:
        result = analyse_one(BatchTask(0, short_call, "short"), config)
    finally:
        batch._WORKER.clear()
    assert result.status == "ok"
    journal = (config.out_dir / "short.events.jsonl").read_text(encoding="utf-8")
    summary = json.loads((config.out_dir / "short.summary.json").read_text(encoding="utf-8"))
    assert "[IBAN]" in journal and "[BSN]" in journal
    for leak in LEAKS:
        assert leak not in journal and leak not in json.dumps(summary)
