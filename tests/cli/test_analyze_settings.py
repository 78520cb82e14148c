"""``belcoach analyze`` takes its defaults from the settings; flags win, IT locks hold."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.jobs.run import ModelChoice
from belcoach.cli.common import call_flags
from belcoach.cli.main import build_parser, main
from belcoach.core.errors import ConfigError
from belcoach.core.settings import ResolvedSettings, load_settings
from belcoach.wiring.call import plan_call


def _choices(args: Any, settings: ResolvedSettings) -> tuple[ModelChoice, str]:
    """What ``analyze`` resolves: the plan `belcoach.wiring` makes from settings and flags."""
    plan = plan_call(settings, call_flags(args))
    return plan.model, plan.language


@pytest.fixture
def policy() -> Path:
    path = Path(os.environ["BELCOACH_POLICY"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def user() -> Path:
    path = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _args(*argv: str) -> Any:
    return build_parser().parse_args(["analyze", "--demo", *argv])


def test_defaults_come_from_the_settings(user: Path, policy: Path, tmp_path: Path) -> None:
    policy.write_text(f'[defaults.model]\ndirectory = "{tmp_path}"\nbeam_size = 3\n')
    user.write_text('[call]\nlanguage = "sv"\n[model]\ncpu_threads = 1\nname = "tiny.en"\n')
    choice, language = _choices(_args(), load_settings())
    assert language == "sv"
    assert (choice.name, choice.admin_dir, choice.cpu_threads, choice.beam_size) == (
        "tiny.en",
        tmp_path,
        1,
        3,
    )


def test_flags_win_for_the_run(user: Path, tmp_path: Path) -> None:
    user.write_text('[call]\nlanguage = "sv"\n[model]\ncpu_threads = 1\nbeam_size = 4\n')
    args = _args(
        "--language", "en", "--threads", "2", "--beam-size", "1", "--model-dir", str(tmp_path)
    )
    choice, language = _choices(args, load_settings())
    assert language == "en"
    assert (choice.admin_dir, choice.cpu_threads, choice.beam_size) == (tmp_path, 2, 1)


def test_packaged_defaults_without_any_file() -> None:
    choice, language = _choices(_args(), load_settings())
    assert language == "nl"
    assert (choice.name, choice.admin_dir, choice.cpu_threads, choice.beam_size) == (
        "base",
        None,
        2,
        1,
    )


@pytest.mark.parametrize(
    ("locked", "flag"),
    [
        ("[locked.model]\ncpu_threads = 1\n", ("--threads", "2")),
        ('[locked.model]\nname = "base"\n', ("--model", "tiny.en")),
        ('[locked.call]\nlanguage = "nl"\n', ("--language", "sv")),
        ("[locked.model]\nbeam_size = 1\n", ("--beam-size", "5")),
    ],
)
def test_a_flag_against_an_it_lock_is_refused(
    policy: Path, locked: str, flag: tuple[str, str]
) -> None:
    policy.write_text('contact = "desk 4444"\n' + locked)
    with pytest.raises(ConfigError, match=rf"^{flag[0]} .* locked by IT policy .*desk 4444"):
        _choices(_args(*flag), load_settings())


def test_a_flag_equal_to_the_lock_is_fine(policy: Path) -> None:
    policy.write_text("[locked.model]\ncpu_threads = 1\n")
    choice, _language = _choices(_args("--threads", "1"), load_settings())
    assert choice.cpu_threads == 1


def test_out_of_range_threads_name_flag_and_setting(user: Path) -> None:
    user.write_text("[model]\ncpu_threads = 0\n")
    with pytest.raises(ConfigError, match=r"threads \(0\) must be at least 1.*model.cpu_threads"):
        _choices(_args(), load_settings())


def test_language_from_settings_is_checked(capsys: pytest.CaptureFixture[str], user: Path) -> None:
    user.write_text('[call]\nlanguage = "xx"\n')
    code = main(["analyze", "--demo", "--quiet"])
    _out, err = capsys.readouterr()
    assert code == 2 and "unknown language code 'xx'" in err


def test_settings_problems_are_one_warning_each_on_stderr(
    capsys: pytest.CaptureFixture[str], user: Path, tmp_path: Path
) -> None:
    user.write_text("[alerts]\novertalk = 3\n")
    code = main(["analyze", str(tmp_path / "missing.wav"), "--quiet"])
    _out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2
    assert lines[0].startswith(f"belcoach: warning: {user}:2: ") and "alerts.overtalk" in lines[0]
    assert lines[1].startswith("belcoach: error: ") and len(lines) == 2


@pytest.mark.whisper
def test_the_analysis_table_reaches_the_analysers(
    capsys: pytest.CaptureFixture[str],
    user: Path,
    policy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    session_cache: Path,
) -> None:
    """End to end through the real model: the merged [analysis] table arrives as plain values."""
    policy.write_text('[locked.analysis.rules]\ndisabled = ["nl.welkom-bij"]\n')
    user.write_text("[analysis.speech.overtalk]\nmin_overlap = 0.9\n")
    seen: list[tuple[str, Mapping[str, Any] | None]] = []

    def recording(language: str, settings: Mapping[str, Any] | None = None) -> list[Any]:
        seen.append((language, settings))
        return []

    monkeypatch.setattr("belcoach.audio.jobs.run.default_analysers", recording)
    call = tmp_path / "silence.wav"
    sf.write(call, np.zeros((16000, 2), np.float32), 16000)
    code = main(["analyze", str(call), "--quiet", "--language", "nl"])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert seen == [
        (
            "nl",
            {
                "rules": {"disabled": ["nl.welkom-bij"]},
                "speech": {"overtalk": {"min_overlap": 0.9}},
            },
        )
    ]
