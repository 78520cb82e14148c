"""A locked value wins where no call flag is given: app, replay, report, forget, doctor.

The policy locks ``recording.storage_dir`` (and ``model.cpu_threads``) while the
user's own settings say otherwise; each entry point must use the locked value.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belcoach.audio.calls.library import CallLibrary
from belcoach.cli.main import main
from support.private_calls import record_demo


@pytest.fixture
def locked_library(tmp_path: Path) -> tuple[Path, str]:
    """A library IT locked, holding one call; the user's settings point elsewhere."""
    root = tmp_path / "locked-calls"
    library = CallLibrary.open(root)
    call_id = record_demo(library).folder.path.name
    library.close()
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(
        f'[locked.recording]\nstorage_dir = "{root}"\n[locked.model]\ncpu_threads = 1\n',
        encoding="utf-8",
    )
    user = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(
        f'[recording]\nstorage_dir = "{tmp_path / "mine"}"\n[model]\ncpu_threads = 2\n',
        encoding="utf-8",
    )
    return root, call_id


def test_report_finds_the_call_in_the_locked_library(
    locked_library: tuple[Path, str], tmp_path: Path
) -> None:
    _root, call_id = locked_library
    html = tmp_path / "r.html"
    assert main(["report", call_id, "--html", str(html)]) == 0
    assert html.stat().st_size > 0


def test_forget_deletes_from_the_locked_library(locked_library: tuple[Path, str]) -> None:
    root, call_id = locked_library
    assert main(["forget", call_id, "--yes"]) == 0
    assert not (root / call_id).exists()


def test_doctor_shows_the_locked_library_and_threads(
    locked_library: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _call_id = locked_library
    main(["doctor", "--quick"])
    out = capsys.readouterr().out
    assert str(root) in out
    assert "mine" not in out.split("settings that differ")[0]


def test_the_desktop_apps_calls_use_the_locked_threads(
    locked_library: tuple[Path, str], qapp
) -> None:
    from belcoach.desktop.app import AppOptions, DesktopApp

    app = DesktopApp(qapp, AppOptions(language="nl", replay_output="none"), lambda _p: None)  # type: ignore[arg-type,return-value]
    session = app._new_session(lambda _e: None, lambda _err: None)
    assert session.config.model.cpu_threads == 1
    assert session.config.language == "nl"


def test_replay_opens_the_locked_library(
    locked_library: tuple[Path, str], qapp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``belcoach replay`` builds its window on the locked library (window not shown)."""
    from PySide6.QtWidgets import QApplication

    root, call_id = locked_library
    seen: dict[str, object] = {}

    class Window:
        def __init__(self, path: Path | None, *, library: CallLibrary, **_kw: object) -> None:
            seen["root"], seen["path"] = library.root, path

        def show(self) -> None:
            pass

    monkeypatch.setattr("belcoach.desktop.replay.window.ReplayWindow", Window)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert main(["replay", call_id, "--mute"]) == 0
    assert Path(str(seen["root"])) == root
    assert Path(str(seen["path"])).name == call_id
