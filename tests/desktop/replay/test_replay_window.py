"""The replay window on the demo call: lanes, seeking by click, jumps, notes, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor, QTextDocument

from belcoach.audio.calls.folder import CallFolder
from belcoach.audio.calls.library import CallLibrary
from belcoach.demo import demo_call_path
from belcoach.desktop.replay.timeline import row_y
from belcoach.desktop.replay.window import ReplayWindow
from support.demo_events import make_demo_call_folder

TRUTH = json.loads(demo_call_path().with_suffix(".json").read_text(encoding="utf-8"))
TURNS = TRUTH["turns"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_demo_call_folder(tmp_path / "library")


def _open(qtbot, folder: Path) -> ReplayWindow:  # type: ignore[no-untyped-def]
    window = ReplayWindow(folder, library=CallLibrary.open(folder.parent), player_output="none")
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    return window


def _rows(window: ReplayWindow, row: str) -> list[tuple[float, float, str]]:
    return [(d.x0, d.mark.end, d.mark.tone) for d in window.timeline.drawn if d.row == row]


def test_the_demo_calls_events_sit_on_the_right_lanes_at_the_right_times(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    for side in ("agent", "customer"):
        turns = [(t["start"], t["end"]) for t in TURNS if t["channel"] == side]
        drawn = [(a, b) for a, b, _ in _rows(window, f"speech_{side}")]
        assert drawn == [pytest.approx(t, abs=0.01) for t in turns]
    (over,) = _rows(window, "overtalk")
    agent_cut_in = next(t for t in TURNS if "overtalk" in t.get("tags", []))
    assert over[0] == pytest.approx(agent_cut_in["start"], abs=0.01)
    assert over[1] == pytest.approx(TURNS[TURNS.index(agent_cut_in) - 1]["end"], abs=0.01)
    phrases = _rows(window, "phrase")
    for turn in TURNS:
        if any(tag.startswith("phrase:") or tag == "promise" for tag in turn.get("tags", [])):
            assert any(turn["start"] - 0.01 <= a and b <= turn["end"] + 0.01 for a, b, _ in phrases)
    assert sorted(tone for *_, tone in phrases).count("avoid") == 5
    pauses = _rows(window, "pause")
    hold = next(t for t in TURNS if "after-hold" in t.get("tags", []))
    assert any(
        tone == "dead_air" and b == pytest.approx(hold["start"], abs=0.01) for _, b, tone in pauses
    )
    assert any(tone == "after_sentence" for *_, tone in pauses)
    emotions = _rows(window, "emotion")
    tagged = [
        (t["end"], tag.split(":")[1])
        for t in TURNS
        for tag in t.get("tags", [])
        if tag.startswith("emotion:")
    ]
    assert emotions[0][0] == pytest.approx(tagged[0][0], abs=0.01)
    assert [tone for *_, tone in emotions][-1] == "tevreden"
    assert {tone for *_, tone in emotions} == {label for _, label in tagged}
    # and the hit test agrees with what is drawn
    mark = window.timeline.mark_at(over[0] + 0.3, row_y("overtalk"))
    assert mark is not None and mark.kind == "overtalk"


def _click_scene(qtbot, window: ReplayWindow, plot: str, x: float, y: float) -> None:  # type: ignore[no-untyped-def]
    timeline = window.timeline
    scene = timeline.scene_point(plot, x, y)
    pos = timeline.mapFromScene(scene)
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_clicking_an_event_seeks_the_player_to_it(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    cut_in = next(t for t in TURNS if "overtalk" in t.get("tags", []))
    _click_scene(qtbot, window, "lanes", cut_in["start"] + 0.6, row_y("overtalk"))
    assert window.player is not None
    assert window.player.position == pytest.approx(cut_in["start"], abs=0.01)
    assert window.timeline.playhead == pytest.approx(cut_in["start"], abs=0.01)
    # a click on the waveform seeks to the time clicked
    _click_scene(qtbot, window, "agent", 40.0, 0.0)
    assert window.player.position == pytest.approx(40.0, abs=0.3)
    # a click on a transcript line seeks to the line
    fast = next(t for t in TURNS if "fast" in t.get("tags", []))
    view = window.transcript
    found = view.document().find("0:39", 0, QTextDocument.FindFlag.FindCaseSensitively)
    inside = QTextCursor(view.document())
    inside.setPosition(found.selectionStart() + 2)  # in the middle of the time link
    view.ensureCursorVisible()
    rect = view.cursorRect(inside)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.player.position == pytest.approx(fast["start"], abs=0.01)
    assert view.lines[view.current or 0].t == pytest.approx(fast["start"], abs=0.01)


def test_jump_to_the_next_and_previous_event_of_a_kind(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    window.seek(0.0)
    assert window.jump(+1, "overtalk").start == pytest.approx(24.36, abs=0.01)  # type: ignore[union-attr]
    said = next(t for t in TURNS if "phrase:ik-weet-het-niet" in t.get("tags", []))
    assert window.jump(+1, "phrase").start == pytest.approx(said["start"], abs=0.01)  # type: ignore[union-attr]
    assert window.jump(-1, "phrase").start == pytest.approx(24.36, abs=0.01)  # type: ignore[union-attr]
    assert window.jump(+1, "dead_air").start == pytest.approx(58.57, abs=0.01)  # type: ignore[union-attr]
    assert window.jump(+1, "dead_air") is None
    assert window.player.position == pytest.approx(58.57, abs=0.01)  # type: ignore[union-attr]


def test_play_pause_and_speed(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    window.speed.setCurrentIndex(window.speed.findData(1.5))
    assert window.player.speed == 1.5  # type: ignore[union-attr]
    window.play_action.trigger()
    assert window.player.playing  # type: ignore[union-attr]
    assert "Pause" in window.play_action.text()
    window.play_action.trigger()
    assert not window.player.playing  # type: ignore[union-attr]


def test_notes_persist_across_reopen(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    window.seek(68.2)
    with qtbot.waitSignal(window.notes.notes_changed):
        window.notes.add_note(window.position(), "Mooie samenvatting: wat, wanneer, wie.")
    window.close()
    stored = json.loads((folder / "notes.json").read_text())
    assert [n["t"] for n in stored["notes"]] == [24.4, 50.0, 68.2]
    again = _open(qtbot, folder)
    assert [(n.t, n.text) for n in again.notes.notes][-1] == (
        68.2,
        "Mooie samenvatting: wat, wanneer, wie.",
    )
    assert again.notes.list.count() == 3
    assert again.jump(+1, "note") == 24.4
    again.notes.delete_note(again.notes.notes[0])
    assert [n.t for n in CallFolder(folder).read_notes()] == [50.0, 68.2]


def test_the_report_button_writes_html_and_pdf(qtbot, folder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    with qtbot.waitSignal(window._report_relay.done, timeout=60_000):
        window.write_report(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text().count("Gespreksrapport") >= 1
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_interrupted_calls_are_listed_and_open(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    (folder / "summary.json").unlink()  # as if the app had died during the call
    window = _open(qtbot, folder)
    panel = window.library_panel
    assert [e.status for e in panel.entries] == ["interrupted"]
    assert panel.table.item(0, 3).text() == "interrupted"
    with qtbot.waitSignal(panel.open_requested):
        panel.table.cellDoubleClicked.emit(0, 0)
    assert "interrupted" in window.headline.text()


def test_a_bare_events_file_opens_without_audio_or_notes(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = ReplayWindow(folder / "events.jsonl", player_output="none")
    qtbot.addWidget(window)
    assert window.call is not None and window.call.folder is not None  # it sits in a call folder
    bare = folder.parent / "elsewhere.jsonl"
    bare.write_text((folder / "events.jsonl").read_text())
    window.open_call(bare)
    assert window.call.folder is None
    assert not window.notes.add_button.isEnabled()
    assert window.call.timeline.of_kind("overtalk")


def test_retention_runs_at_start_and_on_its_timer(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from belcoach.desktop.replay.retention import RetentionTimer

    root = tmp_path / "library"
    old = make_demo_call_folder(root)
    library = CallLibrary.open(root)
    timer = RetentionTimer(library, 0, interval_ms=50)  # 0 days: keep nothing after the call
    assert not old.exists()
    fresh = make_demo_call_folder(root)
    library.sync()
    with qtbot.waitSignal(timer.pruned, timeout=5000) as blocker:
        pass
    assert blocker.args == [[fresh.name]]
    timer.timer.stop()


def test_the_window_opens_no_larger_than_the_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    window = ReplayWindow(None, player_output="none")
    qtbot.addWidget(window)
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert 0 < window.width() <= room.width() and 0 < window.height() <= room.height()
    assert window.width() == min(1440, int(room.width() * 0.96))


def test_the_qa_panel_shows_the_scorecard_and_seeks_to_its_evidence(qtbot, folder) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, folder)
    card = window.qa.card
    assert card is not None and card.language == "nl"
    assert window.qa.title.text().startswith(f"<b>{card.title}: {card.score_text()}</b>")
    rows = window.qa.rows()
    assert len(rows) == len(card.items) <= 12
    assert ("Niet goed", "Persoonlijke afsluiting in plaats van 'fijne dag verder'") in rows
    assert {label for label, _ in rows} == {"Goed", "Niet goed", "N.v.t."}
    close = window.qa.tree.topLevelItem(rows.index(next(r for r in rows if "afsluiting" in r[1])))
    assert close.isExpanded()  # a Niet goed opens on its evidence
    evidence = close.child(0)
    assert "Fijne dag verder!" in evidence.text(1)
    window.qa.tree.itemDoubleClicked.emit(evidence, 0)
    assert window.position() == pytest.approx(82.65, abs=0.1)


def test_a_call_in_another_accounts_library_is_refused_and_the_windows_own_opens(
    qtbot, folder, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import os

    from belcoach.core import private_files
    from belcoach.desktop.replay import window as window_module

    if not hasattr(os, "geteuid"):
        pytest.skip("no POSIX owners on this platform (the ACL decides there)")
    other = make_demo_call_folder(tmp_path / "other")
    CallLibrary.open(other.parent).close()  # a library: it has an index
    window = _open(qtbot, folder)
    first = window.call
    warnings: list[str] = []
    monkeypatch.setattr(
        window_module.QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text)
    )
    me = os.geteuid()
    monkeypatch.setattr(private_files, "_my_uid", lambda: me + 1)  # every folder is foreign now
    window.open_call(other)  # as the Open… dialog does
    assert len(warnings) == 1 and "belongs to" in warnings[0]
    assert window.call is first
    window.open_call(folder)  # the library this window was opened on still opens
    assert len(warnings) == 1 and window.call is not first


def test_only_my_calls_keeps_the_calls_recorded_under_this_login(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from belcoach.audio.calls.access import current_user
    from belcoach.desktop.replay.library_panel import LibraryPanel

    library = CallLibrary.open(tmp_path / "lib")
    library.start_call(agent=current_user(), source="mine").finish()
    library.start_call(agent="colleague", source="theirs").finish()
    panel = LibraryPanel(library)
    qtbot.addWidget(panel)
    assert sorted(e.agent for e in panel.entries) == sorted([current_user(), "colleague"])
    panel.only_mine.setChecked(True)
    assert [e.source for e in panel.entries] == ["mine"] and panel.table.rowCount() == 1
    panel.only_mine.setChecked(False)
    assert panel.table.rowCount() == 2
    library.close()
