"""Layered settings: defaults < policy defaults < user file < policy locks, with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.core.errors import ConfigError
from belcoach.core.settings import leaf_keys, load_settings, save_user_settings


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "etc" / "policy.toml", tmp_path / "user" / "settings.toml"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_files_gives_the_packaged_defaults(files: tuple[Path, Path]) -> None:
    policy, user = files
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == () and not s.policy_loaded
    assert s.values.call.language == "nl" and s.values.recording.enabled is False
    assert all(s.info[k].origin == "default" and not s.info[k].locked for k in leaf_keys())


def test_each_layer_and_the_lock(files: tuple[Path, Path]) -> None:
    policy, user = files
    _write(
        policy,
        'contact = "the IT desk"\n'
        '[defaults.call]\nlanguage = "sv"\n'
        "[locked.recording]\nenabled = true\nretention_days = 14\n"
        '[locked.analysis.rules]\ndisabled = ["nl.welkom-bij"]\n',
    )
    _write(
        user,
        '[call]\nlanguage = "en"\n[recording]\nenabled = false\n'
        "[model]\ncpu_threads = 1\n[analysis.speech.overtalk]\nmin_overlap = 0.9\n",
    )
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == ()
    # the user's value beats a policy default
    assert s.values.call.language == "en" and s.info["call.language"].origin == "user"
    # a conflicting user value loses to a policy lock
    assert s.values.recording.enabled is True and s.locked("recording.enabled")
    assert "the IT desk" in s.lock_reason("recording.enabled")
    assert str(policy) in s.lock_reason("recording.retention_days")
    assert s.values.recording.retention_days == 14
    assert s.values.model.cpu_threads == 1 and not s.locked("model.cpu_threads")
    # free-form analysis tables pass through, locks included
    assert s.values.analysis == {
        "rules": {"disabled": ["nl.welkom-bij"]},
        "speech": {"overtalk": {"min_overlap": 0.9}},
    }
    assert s.locked("analysis.rules") and s.locked("analysis.rules.disabled")
    assert not s.locked("analysis.speech.overtalk.min_overlap")


def test_saving_a_locked_setting_is_refused_and_writes_nothing(files: tuple[Path, Path]) -> None:
    policy, user = files
    _write(policy, "[locked.ui]\nopacity = 1.0\n")
    s = load_settings(policy_path=policy, user_path=user)
    with pytest.raises(ConfigError, match=r"'ui\.opacity' is locked by IT policy"):
        save_user_settings(s, {"ui.opacity": 0.5, "call.language": "sv"})
    assert not user.exists()


def test_saving_round_trips_and_checks_types(files: tuple[Path, Path]) -> None:
    policy, user = files
    s = load_settings(policy_path=policy, user_path=user)
    s = save_user_settings(s, {"call.language": "sv", "alerts.overtalk": False})
    assert s.values.call.language == "sv" and s.values.alerts.overtalk is False
    assert s.info["alerts.overtalk"].source == str(user)
    with pytest.raises(ConfigError, match=r"'ui\.opacity' must be float"):
        save_user_settings(s, {"ui.opacity": "high"})
    with pytest.raises(ConfigError, match=r"unknown setting 'ui\.colour'"):
        save_user_settings(s, {"ui.colour": "red"})
    s = save_user_settings(s, {"call.language": None})  # back to the default
    assert s.values.call.language == "nl" and s.info["call.language"].origin == "default"


def test_bad_values_name_file_line_and_key_and_the_rest_applies(
    files: tuple[Path, Path],
) -> None:
    policy, user = files
    _write(
        user,
        '[call]\nlanguage = "sv"\n\n[recording]\nretention_days = "forever"\n'
        '[ui]\ncolour = "red"\n',
    )
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.call.language == "sv"
    assert s.values.recording.retention_days == 30
    assert any(f"{user}:5:" in p and "retention_days" in p for p in s.problems), s.problems
    assert any(f"{user}:7:" in p and "unknown setting 'ui.colour'" in p for p in s.problems)


def test_malformed_policy_locks_recording_off_and_keeps_running(files: tuple[Path, Path]) -> None:
    policy, user = files
    _write(policy, "[locked.recording\nenabled = true\n")
    _write(user, '[recording]\nenabled = true\n[call]\nlanguage = "sv"\n')
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.recording.enabled is False and s.locked("recording.enabled")
    assert s.values.call.language == "sv"
    assert len(s.problems) == 1 and str(policy) in s.problems[0]
    assert "not valid TOML" in s.problems[0] and "line 1" in s.problems[0]


def test_a_bad_locked_value_still_locks_at_the_default(files: tuple[Path, Path]) -> None:
    policy, user = files
    _write(policy, '[locked.recording]\nenabled = "no"\n')
    _write(user, "[recording]\nenabled = true\n")
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.recording.enabled is False and s.locked("recording.enabled")
    assert any(f"{policy}:2:" in p for p in s.problems), s.problems


def test_corrupt_user_file_falls_back_to_the_last_good_copy(files: tuple[Path, Path]) -> None:
    policy, user = files
    s = load_settings(policy_path=policy, user_path=user)
    save_user_settings(s, {"call.language": "sv"})
    load_settings(policy_path=policy, user_path=user)  # records the last good copy
    user.write_bytes(b"\xff\xfe garbage [[[")
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.call.language == "sv"
    assert any("not UTF-8" in p for p in s.problems) and any("last good" in p for p in s.problems)
    # saving again repairs the file from the last good copy
    s = save_user_settings(s, {"alerts.emotion": False})
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == () and s.values.call.language == "sv"


def test_unknown_policy_table_is_reported(files: tuple[Path, Path]) -> None:
    policy, user = files
    _write(policy, "[lockd.recording]\nenabled = false\n")
    s = load_settings(policy_path=policy, user_path=user)
    assert any("unknown table or key 'lockd'" in p for p in s.problems)


# One key of every type the schema has: (key, a non-default policy value, a user value).
TYPED_KEYS = [
    pytest.param("call.language", "sv", "en", id="str"),
    pytest.param("model.cpu_threads", 1, 3, id="int"),
    pytest.param("ui.opacity", 0.5, 0.8, id="float"),
    pytest.param("recording.enabled", True, False, id="bool"),
    pytest.param("privacy.telemetry", "none", "none", id="literal"),
]


def _toml(key: str, value: object, table: str) -> str:
    section, name = key.rsplit(".", 1)
    rendered = (
        f'"{value}"'
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else repr(value)
    )
    return f"[{table}.{section}]\n{name} = {rendered}\n"


def _user_toml(key: str, value: object) -> str:
    return _toml(key, value, "x").replace("[x.", "[")


@pytest.mark.parametrize(("key", "policy_value", "user_value"), TYPED_KEYS)
def test_each_type_preset_by_policy_is_overridden_by_the_user(
    files: tuple[Path, Path], key: str, policy_value: object, user_value: object
) -> None:
    policy, user = files
    _write(policy, _toml(key, policy_value, "defaults"))
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == ()
    assert s.get(key) == policy_value and s.info[key].origin == "policy"
    assert not s.locked(key) and s.info[key].source == str(policy)
    _write(user, _user_toml(key, user_value))
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == ()
    assert s.get(key) == user_value and s.info[key].origin == "user"
    assert s.info[key].source == str(user)


@pytest.mark.parametrize(("key", "policy_value", "user_value"), TYPED_KEYS)
def test_each_type_locked_by_policy_beats_the_user_and_cannot_be_saved(
    files: tuple[Path, Path], key: str, policy_value: object, user_value: object
) -> None:
    policy, user = files
    _write(policy, 'contact = "desk 4444"\n' + _toml(key, policy_value, "locked"))
    _write(user, _user_toml(key, user_value))
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == ()
    assert s.get(key) == policy_value and s.locked(key)
    assert s.info[key].origin == "policy" and s.info[key].source == str(policy)
    assert type(s.get(key)) is type(policy_value)
    with pytest.raises(ConfigError, match=r"locked by IT policy.*desk 4444"):
        save_user_settings(s, {key: user_value})
    with pytest.raises(ConfigError, match="locked"):
        save_user_settings(s, {key: None})  # not even back to the default


BAD_VALUES = [
    pytest.param("call.language", 3, id="str"),
    pytest.param("model.cpu_threads", 1.5, id="int"),
    pytest.param("ui.opacity", "high", id="float"),
    pytest.param("recording.enabled", "yes", id="bool"),
    pytest.param("privacy.telemetry", "full", id="literal"),
]


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES)
def test_each_type_with_a_wrong_value_in_the_policy_is_a_problem_and_keeps_the_lock(
    files: tuple[Path, Path], key: str, bad: object
) -> None:
    policy, user = files
    text = _toml(key, bad, "locked")
    _write(policy, text)
    s = load_settings(policy_path=policy, user_path=user)
    (problem,) = s.problems
    assert problem.startswith(f"{policy}:2: ") and repr(key) in problem
    default = s.info[key].default
    assert s.get(key) == default and s.locked(key)


def test_missing_policy_is_no_problem_and_locks_nothing(files: tuple[Path, Path]) -> None:
    policy, user = files
    assert not policy.exists()
    _write(user, "[recording]\nenabled = true\n")
    s = load_settings(policy_path=policy, user_path=user)
    assert s.problems == () and not s.policy_loaded
    assert s.values.recording.enabled is True and not s.locked("recording.enabled")
    assert s.lock_reason("recording.enabled") == ""


def test_unreadable_policy_locks_recording_off(files: tuple[Path, Path]) -> None:
    policy, user = files
    policy.mkdir(parents=True)  # a directory where the file should be: cannot be read
    _write(user, "[recording]\nenabled = true\n")
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.recording.enabled is False and s.locked("recording.enabled")
    assert len(s.problems) == 1 and "cannot read" in s.problems[0]


def test_policy_that_is_not_utf8_locks_recording_off(files: tuple[Path, Path]) -> None:
    policy, user = files
    policy.parent.mkdir(parents=True)
    policy.write_bytes(b"[locked.recording]\nenabled = \xff\n")
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.recording.enabled is False and s.locked("recording.enabled")
    assert "not UTF-8" in s.problems[0]


def test_policy_from_a_newer_belcoach_still_applies_what_it_knows(
    files: tuple[Path, Path],
) -> None:
    policy, user = files
    _write(policy, "schema_version = 9\n[locked.alerts]\novertalk = false\nblink = true\n")
    s = load_settings(policy_path=policy, user_path=user)
    assert s.values.alerts.overtalk is False and s.locked("alerts.overtalk")
    assert any("version 9" in p for p in s.problems)
    assert any("alerts.blink" in p for p in s.problems)


def test_locked_table_in_analysis_refuses_saving_keys_under_it(files: tuple[Path, Path]) -> None:
    policy, user = files
    _write(policy, '[locked.analysis.rules]\ndisabled = ["nl.x"]\n')
    s = load_settings(policy_path=policy, user_path=user)
    with pytest.raises(ConfigError, match="locked"):
        save_user_settings(s, {"analysis.rules.disabled": []})
    s = save_user_settings(s, {"analysis.speech.overtalk.min_overlap": 0.7})
    assert s.values.analysis["speech"] == {"overtalk": {"min_overlap": 0.7}}
