"""The overlay window's behaviour: geometry per screen, no focus, zoom, errors to the log."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from belcoach.desktop.errors import ExceptionHook, log_to_file
from belcoach.desktop.overlay import CallOverlay


def test_the_overlay_comes_back_where_it_was_on_that_screen(qtbot, bridge, translator, tmp_path):
    state = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    first = CallOverlay(bridge, translator, state)
    qtbot.addWidget(first)
    first.prepare(opacity=0.9, on_top=True)
    first.show()
    first.setGeometry(40, 60, 380, 500)
    first.save_geometry()
    assert str(state.value("overlay/last_screen")).startswith("overlay/geometry/")
    second = CallOverlay(bridge, translator, state)
    qtbot.addWidget(second)
    second.prepare(opacity=0.9, on_top=True)
    assert (second.geometry().width(), second.geometry().height()) == (380, 500)
    assert (second.geometry().x(), second.geometry().y()) == (40, 60)


def test_the_overlay_never_takes_focus_and_closing_only_hides(overlay) -> None:
    assert overlay.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert overlay.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert overlay.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    overlay.close()
    assert not overlay.isVisible()


def test_zoom_scales_text_and_is_remembered(overlay) -> None:
    before = overlay.ctx.theme.scale
    overlay.zoom(1.1)
    assert overlay.ctx.theme.scale > before
    assert float(overlay._ui_state.value("overlay/scale")) == overlay.ctx.theme.scale


def test_uncaught_errors_go_to_the_log_and_point_the_user_at_it(tmp_path: Path) -> None:
    path = log_to_file(tmp_path / "logs")
    shown: list[Path] = []
    hook = ExceptionHook(path, shown.append)
    root = logging.getLogger()
    try:
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError as exc:
            hook._on_exception(RuntimeError, exc, exc.__traceback__)
        for handler in root.handlers:
            handler.flush()
        assert shown == [path]
        assert "boom in a slot" in path.read_text(encoding="utf-8")
    finally:
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "") == str(path)]:
            root.removeHandler(handler)
            handler.close()
