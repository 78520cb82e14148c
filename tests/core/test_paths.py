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
