"""``belcoach settings show | set | unset`` against real files (the policy and the user's)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from belcoach.cli.main import main
from belcoach.core.errors import ConfigError
from belcoach.core.settings import leaf_keys


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def policy() -> Path:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def user() -> Path:
    return Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"


def test_show_lists_every_key_with_origin_and_source(
    capsys: pytest.CaptureFixture[str], policy: Path, user: Path
) -> None:
    policy.write_text('contact = "desk"\n[locked.recording]\nenabled = false\n')
    user.parent.mkdir(parents=True)
    user.write_text('[call]\nlanguage = "sv"\n')
    code, out, _err = _run(capsys, "settings", "show")
    assert code == 0
    assert f"{policy} (in force; contact: desk)" in out
    lines = {line.split()[0]: line for line in out.splitlines()[3:] if line.strip()}
    for key in leaf_keys():
        assert key in lines, key
    assert lines["call.language"].split()[1:] == ['"sv"', "user", str(user)]
    assert lines["recording.enabled"].split()[1:] == ["false", "policy", "(locked)", str(policy)]
    assert lines["ui.opacity"].split()[1:] == ["0.92", "default", "-"]


def test_show_json_is_complete_and_machine_readable(
    capsys: pytest.CaptureFixture[str], policy: Path
) -> None:
    policy.write_text("[locked.ui]\nopacity = 1.0\n[defaults.model]\nbeam_size = 5\n")
    code, out, _err = _run(capsys, "settings", "show", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["policy"] == {"path": str(policy), "loaded": True, "contact": ""}
    rows = {row["key"]: row for row in data["settings"]}
    assert set(rows) == set(leaf_keys())
    assert rows["ui.opacity"]["locked"] and rows["ui.opacity"]["value"] == 1.0
    assert "locked by IT policy" in rows["ui.opacity"]["lock_reason"]
    assert rows["model.beam_size"] == {
        "key": "model.beam_size",
        "value": 5,
        "default": 1,
        "origin": "policy",
        "locked": False,
        "lock_reason": "",
        "source": str(policy),
    }


def test_show_one_key_or_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "settings", "show", "alerts")
    assert code == 0
    keys = [line.split()[0] for line in out.splitlines()[3:]]
    assert keys == [k for k in leaf_keys() if k.startswith("alerts.")]
    code, _out, err = _run(capsys, "settings", "show", "alerts.blink")
    assert code == 2 and "unknown setting 'alerts.blink'" in err


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("call.language", "sv", "sv"),
        ("recording.storage_dir", r"C:\calls\team 1", r"C:\calls\team 1"),
        ("model.cpu_threads", "1", 1),
        ("ui.opacity", "0.5", 0.5),
        ("ui.opacity", "1", 1.0),
        ("alerts.overtalk", "false", False),
    ],
)
def test_set_writes_the_users_file_with_the_right_type(
    capsys: pytest.CaptureFixture[str], user: Path, key: str, text: str, value: object
) -> None:
    code, out, _err = _run(capsys, "settings", "set", key, text)
    assert code == 0, out
    assert out.startswith(f"{key} = ") and f"(user, {user})" in out
    code, out, _err = _run(capsys, "settings", "show", key, "--json")
    (row,) = json.loads(out)["settings"]
    assert row["value"] == value and type(row["value"]) is type(value) and row["origin"] == "user"


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("alerts.overtalk", "ture", "is not a value"),
        ("model.cpu_threads", "two", "is not a value"),
        ("model.cpu_threads", "1.5", "must be int"),
        ("privacy.telemetry", "full", "must be one of 'none'"),
        ("ui.colour", "red", "unknown setting 'ui.colour'"),
    ],
)
def test_set_refuses_bad_values_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], user: Path, key: str, text: str, message: str
) -> None:
    code, _out, err = _run(capsys, "settings", "set", key, text)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not user.exists()


def test_set_and_unset_refuse_a_locked_key_with_the_reason(
    capsys: pytest.CaptureFixture[str], policy: Path, user: Path
) -> None:
    policy.write_text('contact = "the IT desk, ext. 4444"\n[locked.recording]\nenabled = false\n')
    for argv in (("set", "recording.enabled", "true"), ("unset", "recording.enabled")):
        code, _out, err = _run(capsys, "settings", *argv)
        assert code == 2
        assert "'recording.enabled' is locked by IT policy" in err
        assert str(policy) in err and "the IT desk, ext. 4444" in err
    assert not user.exists()


def test_unset_goes_back_to_the_policy_preset(
    capsys: pytest.CaptureFixture[str], policy: Path
) -> None:
    policy.write_text('[defaults.call]\nlanguage = "sv"\n')
    _run(capsys, "settings", "set", "call.language", "en")
    code, out, _err = _run(capsys, "settings", "unset", "call.language")
    assert code == 0
    assert out.strip() == f'call.language = "sv" (policy, {policy})'


def test_analysis_keys_are_checked_by_the_analysers_before_writing(
    capsys: pytest.CaptureFixture[str], user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, object]] = []

    def fake_default_analysers(language: str, settings: dict[str, object]) -> list[object]:
        seen.append(settings)
        if settings.get("speech", {}).get("bogus"):  # type: ignore[attr-defined]
            raise ConfigError("unknown setting 'speech.bogus'")
        return []

    monkeypatch.setattr(
        "belcoach.audio.analysis.defaults.default_analysers", fake_default_analysers
    )
    code, out, _err = _run(capsys, "settings", "set", "analysis.speech.overtalk.min_overlap", "0.7")
    assert code == 0, out
    assert seen[-1] == {"speech": {"overtalk": {"min_overlap": 0.7}}}
    code, _out, err = _run(capsys, "settings", "set", "analysis.speech.bogus", "1")
    assert code == 2 and "speech.bogus" in err
    assert "bogus" not in user.read_text()
    code, out, _err = _run(capsys, "settings", "unset", "analysis.speech")
    assert code == 0 and "removed" in out
    assert "speech" not in user.read_text()


def test_problems_are_shown_by_show_and_warned_once_by_set(
    capsys: pytest.CaptureFixture[str], user: Path
) -> None:
    user.parent.mkdir(parents=True)
    user.write_text('[call]\nlanguage = "sv"\n[ui]\nopacity = "dim"\n')
    code, out, err = _run(capsys, "settings", "show")
    assert code == 0 and err == ""
    assert f"problem: {user}:4:" in out
    code, _out, err = _run(capsys, "settings", "set", "alerts.pauses", "false")
    assert code == 0
    assert err.count("belcoach: warning:") == 1 and f"{user}:4:" in err


def test_output_cut_short_by_the_reader_is_not_an_error(tmp_path: Path) -> None:
    """``belcoach settings show | head -1`` exits quietly, no traceback."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("belcoach")
    proc = subprocess.run(
        f"'{exe}' settings show | head -1", shell=True, capture_output=True, text=True
    )
    assert proc.stdout.startswith("policy:")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
