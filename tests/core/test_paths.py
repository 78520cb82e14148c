"""The machine policy's fixed place per OS, and the override IT uses to try a policy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from belcoach.core import paths


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {}, Path("/etc/belcoach/policy.toml")),
        ("win32", {"PROGRAMDATA": r"D:\PD"}, Path(r"D:\PD") / "belcoach" / "policy.toml"),
        ("win32", {}, Path(r"C:\ProgramData") / "belcoach" / "policy.toml"),
        ("darwin", {}, Path("/Library/Application Support/belcoach/policy.toml")),
    ],
)
def test_policy_path_per_os(
    monkeypatch: pytest.MonkeyPatch, platform: str, env: dict[str, str], expected: Path
) -> None:
    monkeypatch.delenv("BELCOACH_POLICY", raising=False)
    monkeypatch.delenv("PROGRAMDATA", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert paths.policy_path() == expected


def test_policy_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BELCOACH_POLICY", str(tmp_path / "p.toml"))
    assert paths.policy_path() == tmp_path / "p.toml"


@pytest.fixture
def managed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A machine with a policy file in its fixed place."""
    machine = tmp_path / "etc" / "belcoach" / "policy.toml"
    machine.parent.mkdir(parents=True)
    machine.write_text("[locked.recording]\nenabled = false\n")
    monkeypatch.setattr(paths, "machine_policy_path", lambda: machine)
    monkeypatch.setenv("BELCOACH_POLICY", str(tmp_path / "mine.toml"))
    return machine


def test_an_agent_cannot_swap_the_machine_policy_for_their_own(
    managed: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(paths, "is_administrator", lambda: False)
    with caplog.at_level("WARNING"):
        assert paths.policy_path() == managed
    assert "BELCOACH_POLICY" in caplog.text and "ignored" in caplog.text


def test_an_administrator_may_test_another_policy(
    managed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "is_administrator", lambda: True)
    assert paths.policy_path() == tmp_path / "mine.toml"


def test_without_a_machine_policy_the_override_applies(
    managed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "is_administrator", lambda: False)
    managed.unlink()
    assert paths.policy_path() == tmp_path / "mine.toml"
