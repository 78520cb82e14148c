"""IT's locks hold at every entry point: a flag against a lock is refused, before anything opens.

The policy (``BELCOACH_POLICY``, a fresh one per test) locks ``call.language =
"sv"``; each command is asked for Dutch. The refusal must name the lock and
come before a device, a file, a library or a model is touched: the devices,
files and folders given here do not exist, so reaching them would fail with a
different message.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.cli.main import main
from belcoach.core.settings import load_settings
from belcoach.wiring.call import plan_call
from belcoach.wiring.flags import CallFlags

LOCK = 'contact = "servicedesk 4444"\n[locked.call]\nlanguage = "sv"\n'
REFUSED = r'--language "nl" conflicts with setting \'call.language\' = "sv", locked by IT policy'


@pytest.fixture
def policy() -> Path:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LOCK, encoding="utf-8")
    return path


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "conflicts with setting 'call.language'" in err and "servicedesk 4444" in err, err
    return err


def test_live_refuses_before_opening_a_device(
    policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["live", "--language", "nl", "--agent-device", "no-such-headset"], capsys)
    assert "no-such-headset" not in err  # the device was never looked up


def test_analyze_refuses_before_reading_the_file(
    policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["analyze", str(tmp_path / "missing.wav"), "--language", "nl"], capsys)
    assert "missing.wav" not in err


def test_batch_analyze_refuses_too(
    policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(["analyze", str(tmp_path), str(tmp_path), "--language", "nl"], capsys)


def test_cluster_analyze_refuses_before_ray(
    policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lock is refused before the cluster address is looked at or Ray is started."""
    argv = ["analyze", str(tmp_path), "--cluster", "no such cluster", "--language", "nl"]
    err = _refused(argv, capsys)
    assert "--cluster" not in err


def test_calls_import_refuses_before_the_file_or_the_library(
    policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    argv = ["calls", "import", str(tmp_path / "missing.wav"), "--library", str(library)]
    err = _refused([*argv, "--language", "nl"], capsys)
    assert "missing.wav" not in err and not library.exists()


def test_the_dutch_demo_says_the_language_is_locked(
    policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--terminal"]) == 2
    err = capsys.readouterr().err
    assert "the demo call's language \"nl\" conflicts with setting 'call.language'" in err


def test_the_demo_reads_the_settings_once(
    policy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One read: a problem in the user's file is reported once, and the refusal uses that read."""
    user = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("[call]\nno_such_key = 1\n", encoding="utf-8")
    import belcoach.cli.common as common

    reads: list[object] = []

    def counting_load() -> object:
        reads.append(None)
        return load_settings()

    monkeypatch.setattr(common, "load_settings", counting_load)
    assert main(["demo", "--terminal"]) == 2
    err = capsys.readouterr().err
    assert len(reads) == 1
    assert err.count("no_such_key") == 1, err
    assert "the demo call's language" in err


def test_a_locked_value_wins_over_the_users_setting_without_any_flag(policy: Path) -> None:
    user = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('[call]\nlanguage = "en"\n[model]\ncpu_threads = 1\n', encoding="utf-8")
    plan = plan_call(load_settings(), CallFlags())
    assert plan.language == "sv"  # IT's lock over the user's "en"
    assert plan.model.cpu_threads == 1  # not locked: the user's value


def test_a_locked_storage_folder_refuses_an_import_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[locked.recording]\nstorage_dir = "{tmp_path / "calls"}"\n', "utf-8")
    elsewhere = tmp_path / "mine"
    assert main(["calls", "import", str(tmp_path / "x.wav"), "--library", str(elsewhere)]) == 2
    assert "--library" in capsys.readouterr().err and not elsewhere.exists()


def test_report_on_an_audio_file_says_to_import_or_analyse_it_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tmp_path / "call.wav"
    sf.write(wav, np.zeros((16000, 2), dtype=np.float32), 16000)
    html = tmp_path / "report.html"
    assert main(["report", str(wav), "--html", str(html)]) != 0
    err = capsys.readouterr().err
    assert "is an audio file" in err and "belcoach calls import" in err
    assert "unusable line" not in err and "holds no events" not in err
    assert not html.exists()


def test_report_on_a_renamed_audio_file_is_recognised_by_its_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tmp_path / "call.wav"
    sf.write(wav, np.zeros((16000, 2), dtype=np.float32), 16000)
    renamed = wav.rename(tmp_path / "call.jsonl")
    assert main(["report", str(renamed), "--html", str(tmp_path / "r.html")]) != 0
    assert "is an audio file" in capsys.readouterr().err
