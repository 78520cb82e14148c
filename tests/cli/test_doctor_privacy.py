"""``belcoach doctor`` says where the recording key lives and warns without an OS keyring."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
from keyring.backends import fail

from belcoach.cli import doctor_checks
from belcoach.core.settings import load_settings
from belcoach.wiring.call import plan_call


def test_doctor_names_the_key_file_and_warns_when_encryption_has_no_keyring() -> None:
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text("schema_version = 1\n[locked.recording]\nencrypt = true\n")
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        report = doctor_checks.Report()
        doctor_checks.privacy(report, plan_call(load_settings()))
    finally:
        keyring.set_keyring(before)
    lines = dict(report.sections["privacy"])
    assert lines["encrypt recordings"] == "on" and lines["redact"] == "off"
    assert lines["recording key"].startswith("key file ")
    assert any("no OS keyring" in w for w in report.warnings)
    assert not Path(os.environ["BELCOACH_CONFIG_DIR"], "recording.key").exists()  # not created
