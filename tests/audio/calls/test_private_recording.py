"""Privacy of recorded calls: redaction of what is stored, encryption at rest, wrong keys.

Real files, real SQLite, the real recorder and readers; the demo call's audio
is recorded from its file and its event stream (plus a customer saying an
IBAN in digits and a BSN in words) is fed to the recorder as the engine would.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.folder import CallFolder, Note
from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.loaded import load_call
from belcoach.audio.calls.privacy import CallKeyError, RecordingPrivacy
from belcoach.audio.review.report.build import render_html
from belcoach.cli.main import main
from belcoach.core.recording_key import RecordingKey, recording_key
from belcoach.demo import demo_call_path
from support.private_calls import (
    LEAKS,
    folder_bytes,
    no_os_keyring,  # noqa: F401 (autouse fixture)
    record_demo,
)

KEY = RecordingKey(bytes(range(32)))
OTHER = RecordingKey(bytes(range(1, 33)))


def _demo_audio() -> np.ndarray:
    audio, _ = sf.read(demo_call_path(), dtype="int16", always_2d=True)
    return audio


def test_a_redacted_call_stores_no_personal_numbers_and_its_report_shows_labels(
    tmp_path: Path,
) -> None:
    root = tmp_path / "lib"
    library = CallLibrary.open(root, privacy=RecordingPrivacy(redact=True))
    folder = record_demo(library).folder
    folder.write_notes([Note(70.0, "klant gaf NL91 ABNA 0417 1643 00 door")])
    journal = folder.events.read_text(encoding="utf-8")
    summary = folder.summary_path.read_text(encoding="utf-8")
    for leak in LEAKS:
        assert leak not in journal and leak not in summary
    assert "[IBAN]" in journal and "[BSN]" in journal and "[IBAN]" in summary
    assert "0417" not in folder.notes_path.read_text(encoding="utf-8")
    assert json.loads((folder.path / "call.json").read_text())["redacted"] is True

    html = tmp_path / "report.html"
    assert main(["report", folder.id[:15], "--library", str(root), "--html", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert "[IBAN]" in text and "[BSN]" in text
    for leak in LEAKS:
        assert leak not in text
    transcript = " ".join(line.text for line in load_call(folder.path).timeline.lines)
    assert "mijn IBAN is [IBAN] en mijn burgerservicenummer is [BSN]" in transcript


def test_an_encrypted_call_holds_no_plain_text_and_every_reader_decrypts_it(
    tmp_path: Path,
) -> None:
    root = tmp_path / "lib"
    library = CallLibrary.open(root, privacy=RecordingPrivacy(encrypt=True))
    folder = record_demo(library).folder
    folder.write_notes([Note(70.0, "klant gaf zijn rekeningnummer door")])
    names = sorted(p.name for p in folder.path.iterdir())
    sealed = ["audio.pcm.enc", "call.json", "events.jsonl.enc", "notes.json.enc"]
    assert names == [*sealed, "summary.json"]
    # The sealed files are vaults from their first byte; the readable ones hold no
    # words and no sound. Short byte strings are not searched for in the ciphertext
    # itself: 4 given bytes turn up there by chance in ~1 of 800 runs (5 MB).
    raw = folder_bytes(folder.path)
    readable = b"".join((folder.path / n).read_bytes() for n in ("call.json", "summary.json"))
    for name in sealed:
        if name.endswith(".enc"):
            assert (folder.path / name).read_bytes().startswith(b"BCVAULT1"), name
    for word in (b"bijbetalen", b"jaarafrekening", b"rekeningnummer", b"NL91", b"Wacht"):
        assert word not in readable, word
        assert len(word) < 8 or word not in raw, word
    for magic in (b"RIFF", b"fLaC", b"OggS"):
        assert magic not in readable
    stored = json.loads(folder.summary_path.read_text())
    assert stored["phrases"] and all(p["said"] == "" for p in stored["phrases"])
    assert stored["headline"]["talk_ratio"] is not None  # figures stay for the call list

    # audio and journal read back exactly; the loader, the report and the notes decrypt
    again = CallFolder(folder.path)  # this user's key, from the key file
    np.testing.assert_array_equal(again.read_audio(), _demo_audio())
    call = load_call(folder.path)
    assert call.audio == folder.audio_sealed and not call.torn_tail
    assert any("NL91" in line.text for line in call.timeline.lines)
    assert call.notes[0].text == "klant gaf zijn rekeningnummer door"
    assert "Ik weet het niet" in render_html(call, language="nl")
    html = tmp_path / "r.html"
    assert main(["report", str(folder.path), "--html", str(html)]) == 0
    assert "bijbetalen" in html.read_text(encoding="utf-8")

    # the library lists it with its figures, from a fresh start too
    library.close()
    (entry,) = CallLibrary.open(root, retention_days=30).calls()
    assert entry.status == "complete" and entry.headline["talk_ratio"] is not None


def test_a_call_encrypted_with_another_key_gives_a_clear_error_naming_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "lib"
    library = CallLibrary.open(root, privacy=RecordingPrivacy(encrypt=True, key=KEY))
    folder = record_demo(library, seconds=20.0).folder
    with pytest.raises(CallKeyError, match="another recording key") as err:
        load_call(folder.path, key=OTHER)
    assert str(folder.path) in str(err.value)
    with pytest.raises(CallKeyError):
        CallFolder(folder.path, key=OTHER).read_audio()
    # the CLI uses this user's key, which is not KEY: one line, exit 2, no traceback
    assert main(["report", str(folder.path), "--html", str(tmp_path / "x.html")]) == 2
    err_text = capsys.readouterr().err
    assert str(folder.path) in err_text and "Traceback" not in err_text
    assert not (tmp_path / "x.html").exists()
    # listing and retention need no key
    (entry,) = CallLibrary.open(root).calls()
    assert entry.status == "complete"
    assert CallLibrary.open(root).enforce_retention(0) == [folder.id]
    assert not folder.path.exists()


def test_an_encrypted_call_cut_off_mid_recording_is_recovered_as_interrupted(
    tmp_path: Path,
) -> None:
    root = tmp_path / "lib"
    privacy = RecordingPrivacy(encrypt=True, redact=True)
    recorder = record_demo(CallLibrary.open(root, privacy=privacy), finish=False, seconds=30.3)
    recorder._lock.release()  # what the kernel does when the recording process dies
    folder = recorder.folder
    recorded = recorder.seconds
    assert not folder.summary_path.exists()

    library = CallLibrary.open(root)  # this user's key (the recorder's too)
    (entry,) = library.calls()
    assert entry.status == "interrupted" and entry.duration is not None
    audio = CallFolder(folder.path).read_audio()
    kept = len(audio) / 16000
    assert recorded - 1.0 <= kept <= recorded
    np.testing.assert_array_equal(audio, _demo_audio()[: len(audio)])
    call = load_call(folder.path)
    assert call.summary.status == "interrupted" and call.events[0].type == "call_started"
    names = sorted(p.name for p in folder.path.iterdir())
    assert names == ["audio.pcm.enc", "call.json", "events.jsonl.enc", "summary.json"]
    assert b"jaarafrekening" not in folder_bytes(folder.path)


def test_forget_deletes_a_call_completely(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root = tmp_path / "lib"
    library = CallLibrary.open(root)
    keep = record_demo(library, seconds=10.0).folder
    gone = record_demo(library, seconds=10.0).folder
    gone.write_notes([Note(3.0, "goed begin")])
    report = root / f"{gone.id}-report.html"
    report.write_text("<html>report</html>")
    library.close()

    assert main(["forget", gone.id, "--library", str(root), "--yes"]) == 0
    out = capsys.readouterr().out
    assert str(gone.path) in out and "notes.json" in out and report.name in out
    assert "index row" in out
    assert not gone.path.exists() and not report.exists()
    assert [e.id for e in CallLibrary.open(root).calls()] == [keep.id]
    with sqlite3.connect(root / "index.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM calls WHERE id = ?", (gone.id,)).fetchone()[0] == 0
    for name in ("index.sqlite3", "index.sqlite3-wal"):
        path = root / name
        if path.exists():
            assert gone.id.encode() not in path.read_bytes()  # not even in freed pages
    assert main(["forget", gone.id, "--library", str(root), "--yes"]) == 2


def test_forget_asks_first_and_keeps_the_call_unless_told_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    root = tmp_path / "lib"
    folder = record_demo(CallLibrary.open(root), seconds=5.0).folder
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    assert main(["forget", str(folder.path), "--library", str(root)]) == 1
    assert folder.path.exists()
    assert "nothing deleted" in capsys.readouterr().err
    monkeypatch.setattr("builtins.input", lambda _prompt: "yes")
    assert main(["forget", str(folder.path), "--library", str(root)]) == 0
    assert not folder.path.exists() and CallLibrary.open(root).calls() == []


def test_forget_refuses_a_call_being_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    root = tmp_path / "lib"
    library = CallLibrary.open(root)
    recorder = library.start_call(agent="Sanne")
    assert main(["forget", recorder.folder.id, "--library", str(root), "--yes"]) == 2
    assert "being recorded" in capsys.readouterr().err
    assert recorder.folder.path.exists()
    assert [e.status for e in library.calls()] == ["recording"]
    recorder.finish()


def test_export_writes_a_plain_copy_that_opens_without_the_key(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    library = CallLibrary.open(root, privacy=RecordingPrivacy(encrypt=True))
    folder = record_demo(library, seconds=20.0).folder
    out = tmp_path / "handover"
    assert main(["calls", "export", folder.id, str(out), "--library", str(root)]) == 0
    copy = load_call(out)
    assert copy.folder is not None and copy.folder.audio.is_file()
    assert copy.summary.meta.encrypted is False
    assert len(sf.read(out / "audio.flac")[0]) == len(CallFolder(folder.path).read_audio())
    assert main(["calls", "export", folder.id, str(out), "--library", str(root)]) == 2


def test_settings_and_policy_choose_the_privacy_of_imports(tmp_path: Path) -> None:
    import os

    from belcoach.core.settings import load_settings
    from belcoach.wiring.library import plan_library

    def recording_privacy(*, redact: bool = False) -> RecordingPrivacy:
        return plan_library(load_settings(), redact=redact).privacy

    assert recording_privacy() == RecordingPrivacy()
    assert recording_privacy(redact=True) == RecordingPrivacy(redact=True)
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(
        "schema_version = 1\n[locked.recording]\nencrypt = true\n[locked.privacy]\nredact = true\n"
    )
    assert recording_privacy() == RecordingPrivacy(redact=True, encrypt=True)
    assert recording_key().key  # the key file exists for the next reader
