"""``belcoach report`` obeys a forced ``privacy.redact``, even for a call stored before it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belcoach.audio.jsonl import JsonlWriter
from belcoach.cli.main import main
from support.private_calls import LEAKS, private_events


def _events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    writer = JsonlWriter(path)
    for event in private_events():
        writer(event)
    writer.close()
    return path


@pytest.mark.parametrize("forced", [False, True])
def test_the_report_redacts_when_the_policy_forces_it(tmp_path: Path, forced: bool) -> None:
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(f"[locked.privacy]\nredact = {str(forced).lower()}\n", encoding="utf-8")
    html = tmp_path / "report.html"
    assert main(["report", str(_events_file(tmp_path)), "--html", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    leaked = [leak for leak in LEAKS if leak in text]
    if forced:
        assert leaked == []
    else:
        assert "0417" in leaked  # without the policy the number is in the report
