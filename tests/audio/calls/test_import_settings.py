"""``calls import`` analyses a call with the user's settings, as a live call would be.

Real engine, real Whisper base, real files: the demo call has one 2.5 s
silence on both sides (0:59), which the default dead-air threshold (5 s)
ignores; a user setting of 1 s must make it a ``dead_air`` event, and the call
language and model come from the settings when no flag is given.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.events import CallStarted, DeadAir
from belcoach.cli.main import main
from belcoach.demo import demo_call_path


@pytest.mark.slow
@pytest.mark.whisper
def test_import_takes_language_model_and_analysis_from_the_settings(
    base_model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        '[call]\nlanguage = "nl"\n[analysis.speech.dead_air]\nmin_silence = 1.0\n',
        encoding="utf-8",
    )
    library_dir = tmp_path / "library"
    code = main(
        ["calls", "import", str(demo_call_path()), "--library", str(library_dir), "--quiet"]
    )
    assert code == 0, capsys.readouterr().err
    library = CallLibrary.open(library_dir)
    (folder,) = library.folders()
    events = folder.read_events().events
    started = [e for e in events if isinstance(e, CallStarted)]
    assert started and started[0].language == "nl" and started[0].model == "base"
    dead_air = [e for e in events if isinstance(e, DeadAir) and not e.ongoing]
    assert dead_air, "the 1 s dead-air setting did not reach the analysers"
    assert any(57.0 < e.t < 62.0 and e.duration >= 1.0 for e in dead_air)
    library.close()
