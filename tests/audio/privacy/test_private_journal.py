"""What the recorder will store: events redacted, then encrypted, line by line, read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.audio.events import CallEnded, Channel, Transcript, Word
from belcoach.audio.jsonl import EncryptedJsonlWriter, JsonlWriter, read_event_lines
from belcoach.audio.privacy.redact import redacting
from belcoach.core.errors import AudioFileError, VaultError
from belcoach.core.recording_key import RecordingKey

KEY = RecordingKey(bytes(range(32)))


def _said(text: str, t0: float) -> Transcript:
    words = tuple(
        Word(w, t0 + i * 0.3, t0 + i * 0.3 + 0.2, 0.9) for i, w in enumerate(text.split())
    )
    return Transcript(t0, Channel.CUSTOMER, words=words, final=True, utterance=int(t0))


def test_redacted_events_go_into_an_encrypted_journal_and_come_back(tmp_path: Path) -> None:
    path = tmp_path / "call" / "events.jsonl.enc"
    journal = EncryptedJsonlWriter(path, KEY)
    sink = redacting(journal)
    sink(_said("mijn nummer is 06 12345678", 1.0))
    sink(_said("en het kost 450 euro", 5.0))
    sink(CallEnded(9.0, None))
    journal.close()
    assert b"0612" not in path.read_bytes() and b"euro" not in path.read_bytes()
    events = list(read_event_lines(path, KEY))
    texts = [" ".join(w["text"] for w in e["words"]) for e in events if e["type"] == "transcript"]
    assert texts == ["mijn nummer is [PHONE]", "en het kost 450 euro"]
    assert events[-1]["type"] == "call_ended"
    with pytest.raises(VaultError, match="another recording key"):
        list(read_event_lines(path, RecordingKey(bytes(32))))


def test_a_plain_journal_cut_mid_line_reads_up_to_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    writer = JsonlWriter(path)
    for t in range(5):
        writer(_said("hallo", float(t)))
    writer.close()
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 7])  # killed while writing the last line
    assert len(list(read_event_lines(path))) == 4
    path.write_bytes(b"{broken\n" + raw)
    with pytest.raises(AudioFileError, match=r"events\.jsonl:1: not an event"):
        list(read_event_lines(path))
