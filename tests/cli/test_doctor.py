"""``belcoach doctor`` on real installations: the session's assembled model, real policy files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from belcoach.cli.main import main
from belcoach.models.files import STAMP_NAME
from belcoach.models.store import ModelStore


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def assembled_base(session_cache: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("BELCOACH_MODEL_DIR", raising=False)
        return ModelStore(cache_dir=session_cache / "models").resolve("base")


@pytest.fixture
def policy() -> Path:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_healthy_installation_exits_zero_and_says_where_the_model_is(
    capsys: pytest.CaptureFixture[str], assembled_base: Path
) -> None:
    code, out, _err = _run(capsys, "doctor")
    assert code == 0, out
    assert f"{assembled_base} [cache]" in out and "sha256 verified, 4 files" in out
    assert "silero_vad_v6.onnx (loads in onnxruntime)" in out
    for name in ("faster-whisper", "ctranslate2", "onnxruntime", "numpy", "PySide6", "Python"):
        assert name in out
    assert "none: no machine policy" in out
    assert out.rstrip().endswith("belcoach doctor: healthy")


def test_policy_in_force_and_where_each_setting_comes_from(
    capsys: pytest.CaptureFixture[str], assembled_base: Path, policy: Path
) -> None:
    policy.write_text(
        'contact = "desk"\n[locked.recording]\nenabled = false\nretention_days = 14\n'
        '[defaults.call]\nlanguage = "sv"\n'
    )
    user = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[ui]\nopacity = 0.7\n")
    code, out, _err = _run(capsys, "doctor", "--quick")
    assert code == 0, out
    assert f"{policy} (in force; contact: desk)" in out
    assert "locked  recording.enabled, recording.retention_days" in out
    assert "preset  call.language" in out
    assert f'call.language             "sv"  (policy: {policy})' in out
    assert f"recording.retention_days  14  (IT policy, locked: {policy})" in out
    assert f"ui.opacity                0.7  (user: {user})" in out
    assert "(--quick: no sha256)" in out


def test_malformed_policy_is_a_problem_and_exits_one(
    capsys: pytest.CaptureFixture[str], assembled_base: Path, policy: Path
) -> None:
    policy.write_text("[locked.recording\n")
    code, out, err = _run(capsys, "doctor", "--quick")
    assert code == 1
    assert f"PROBLEM: {policy}: not valid TOML" in out and "recording is locked off" in out
    assert "CANNOT BE READ" in out
    assert "belcoach doctor: 1 problem(s) found" in out
    assert err == ""  # listed once, in the report


def test_missing_model_is_a_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, policy: Path
) -> None:
    policy.write_text(f'[locked.model]\nname = "{tmp_path / "nothere"}"\n')
    code, out, _err = _run(capsys, "doctor")
    assert code == 1
    assert "found     NO" in out
    assert f"Model directory {tmp_path / 'nothere'} does not exist" in out


def test_damaged_model_is_named_file_by_file(
    capsys: pytest.CaptureFixture[str], assembled_base: Path, tmp_path: Path, policy: Path
) -> None:
    admin = tmp_path / "admin"
    shutil.copytree(assembled_base, admin / "base")
    with (admin / "base" / "config.json").open("a") as fh:
        fh.write(" ")
    policy.write_text(f'[locked.model]\ndirectory = "{admin}"\n')
    code, out, _err = _run(capsys, "doctor")
    assert code == 1
    assert f"{admin / 'base' / 'config.json'}" in out and "size" in out


def test_english_only_model_with_a_dutch_call_is_a_problem(
    capsys: pytest.CaptureFixture[str], policy: Path, session_cache: Path
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("BELCOACH_MODEL_DIR", raising=False)
        ModelStore(cache_dir=session_cache / "models").resolve("tiny.en")
    policy.write_text('[defaults.model]\nname = "tiny.en"\n')
    code, out, _err = _run(capsys, "doctor", "--quick")
    assert code == 1
    assert "model 'tiny.en' only transcribes en, but call.language is 'nl'" in out


def test_bundled_model_is_found_before_the_cache(
    capsys: pytest.CaptureFixture[str],
    assembled_base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundled = tmp_path / "bundle" / "models"
    shutil.copytree(assembled_base, bundled / "base", ignore=shutil.ignore_patterns(STAMP_NAME))
    monkeypatch.setenv("BELCOACH_BUNDLED_MODELS", str(bundled))
    code, out, _err = _run(capsys, "doctor")
    assert code == 0, out
    assert f"{bundled / 'base'} [bundled]" in out
    assert not (bundled / "base" / STAMP_NAME).exists()  # never writes into the bundle


def test_json_report(
    capsys: pytest.CaptureFixture[str], assembled_base: Path, policy: Path
) -> None:
    policy.write_text("[locked.alerts]\nemotion = false\n")
    code, out, _err = _run(capsys, "doctor", "--json", "--quick")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["problems"] == []
    assert data["model"]["ok"] and data["model"]["origin"] == "cache"
    assert data["versions"]["faster-whisper"] == "1.2.1"
    assert data["policy"]["loaded"] is True
    assert [row["key"] for row in data["settings"]] == ["alerts.emotion"]
    assert set(data["paths"]) >= {"user settings", "call library", "model cache", "logs"}


def test_bad_analysis_setting_is_a_problem(
    capsys: pytest.CaptureFixture[str],
    assembled_base: Path,
    policy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from belcoach.core.errors import ConfigError

    def refuse(language: str, settings: object) -> list[object]:
        raise ConfigError("unknown setting 'speech.bogus' (known here: overtalk)")

    monkeypatch.setattr("belcoach.audio.analysis.defaults.default_analysers", refuse)
    policy.write_text("[locked.analysis.speech]\nbogus = 1\n")
    code, out, _err = _run(capsys, "doctor", "--quick")
    assert code == 1
    assert "PROBLEM: settings: unknown setting 'speech.bogus'" in out


def test_recording_into_a_folder_that_cannot_be_written_is_a_problem(
    capsys: pytest.CaptureFixture[str], assembled_base: Path, tmp_path: Path, policy: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    policy.write_text(f'[locked.recording]\nenabled = true\nstorage_dir = "{blocker / "calls"}"\n')
    code, out, _err = _run(capsys, "doctor", "--quick")
    assert code == 1
    assert f"recording is on but {blocker / 'calls'} cannot be written" in out


def test_qt_failure_reason_is_the_most_specific_line() -> None:
    from belcoach.cli.qt_check_cmd import _reason

    lines = [
        "qt.qpa.xcb: could not connect to display :95",
        "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed",
        'qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though found.',
    ]
    assert _reason(lines) == lines[0]
    assert _reason(lines[1:]) == lines[2]
    assert _reason(["Aborted"]) == "Aborted"


def test_display_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from belcoach.cli.qt_check_cmd import display_available

    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert not display_available()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_available()
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setattr(sys, "platform", "win32")
    assert display_available()


def test_doctor_opens_a_real_qt_window_offscreen(
    capsys: pytest.CaptureFixture[str], assembled_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("PySide6.QtWidgets")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    code, out, _err = _run(capsys, "doctor", "--quick")
    assert code == 0, out
    assert "platform offscreen, window rendered" in out


def test_a_policy_the_agent_can_edit_is_a_problem(
    capsys: pytest.CaptureFixture[str],
    assembled_base: Path,
    policy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy.write_text("[locked.recording]\nenabled = false\n")
    monkeypatch.setattr("belcoach.core.paths.is_administrator", lambda: False)
    code, out, _err = _run(capsys, "doctor", "--quick")
    assert code == 1
    assert f"PROBLEM: {policy} can be changed by this user" in out
    assert f"PROBLEM: {policy.parent} can be changed by this user" in out
