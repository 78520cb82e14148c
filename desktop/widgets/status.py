"""The engine's state in plain words: model loading, device lost, PC overloaded.

``EngineStatus`` codes open or close a notice (``device_lost`` until
``device_back`` on the same side, ``asr_behind`` until ``asr_caught_up``,
``model_loading`` until ``ready``); one-off warnings such as ``overrun`` fade
after ``TRANSIENT_S``. The line shows the most serious open notice, with a
symbol for its level, and is hidden when all is well.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from belcoach.audio.events import CallStarted
from belcoach.audio.status import EngineStatus, RecordingChanged, StatusCode, StatusLevel
from belcoach.desktop.widgets.base import OverlayPart, PartContext

TRANSIENT_S = 12.0
_LEVELS = {StatusLevel.ERROR: 2, StatusLevel.WARNING: 1, StatusLevel.INFO: 0}
_SYMBOLS = {StatusLevel.ERROR: "✖", StatusLevel.WARNING: "⚠", StatusLevel.INFO: "ℹ"}
_CLOSES = {
    StatusCode.READY: (StatusCode.MODEL_LOADING,),
    StatusCode.ASR_CAUGHT_UP: (StatusCode.ASR_BEHIND,),
    StatusCode.DEVICE_BACK: (StatusCode.DEVICE_LOST,),
}
_TRANSIENT = {
    StatusCode.OVERRUN,
    StatusCode.CPU_OVERLOAD,
    StatusCode.ASR_CAUGHT_UP,
    StatusCode.DEVICE_BACK,
    StatusCode.TRANSCRIPT_GAP,
    StatusCode.CALLS_RECOVERED,
}
_LASTING = {StatusCode.ACCESS_LOG_BROKEN, StatusCode.ACCESS_LOG_READONLY}
"""Library problems that outlast a call: stored calls will not open until IT acts."""
_PER_SESSION = {StatusCode.RECORDING_STOPPED}
"""Notices that may come before the call starts and last for the whole session."""
SETTINGS = "settings"
"""The code of the widget's own "problem in the settings" notice (not an engine status)."""


@dataclass(slots=True)
class Notice:
    """One open notice: its level, code, words and when it lapses (wall time)."""

    level: StatusLevel
    code: str
    text: str
    until: float | None = None


class StatusLineWidget(OverlayPart):
    """The most serious open engine notice, or nothing.

    Built like every overlay part (see `OverlayPart`).
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.notices: dict[str, Notice] = {}
        self._events: dict[str, EngineStatus] = {}
        self.settings_problem = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label)
        self.setVisible(False)
        ctx.bridge.status.connect(self._on_status)
        ctx.bridge.call_started.connect(self._on_call_started)
        ctx.bridge.session_state.connect(self._on_session_state)
        self.apply_theme()

    def _key(self, event: EngineStatus) -> str:
        return f"{event.code}:{event.channel or ''}"

    def _on_status(self, event: EngineStatus) -> None:
        for closed in _CLOSES.get(event.code, ()):
            self.notices.pop(f"{closed}:{event.channel or ''}", None)
            self.notices.pop(f"{closed}:", None)
        if event.code == StatusCode.READY or (
            isinstance(event, RecordingChanged) and event.started
        ):
            self.mark()  # recording shows as the header's REC mark, not here
            return
        key = self._key(event)
        self._events[key] = event
        until = time.monotonic() + TRANSIENT_S if event.code in _TRANSIENT else None
        self.notices[key] = Notice(event.level, event.code, self._words(event), until)
        self.mark()

    def _on_call_started(self, _event: CallStarted) -> None:
        # Problems of the last call (a failed device) are not this call's.
        keep = {StatusCode.MODEL_LOADING, *_PER_SESSION, *_LASTING}
        self.notices = {k: n for k, n in self.notices.items() if n.code in keep}
        self.mark()

    def _on_session_state(self, state: str) -> None:
        # A new session: the last one's recording problem is not this one's.
        if state == "running":
            self.notices = {k: n for k, n in self.notices.items() if n.code not in _PER_SESSION}
            self.mark()

    def set_settings_problem(self, present: bool) -> None:
        """Show (or clear) the "problem in the settings" notice."""
        self.settings_problem = present
        self.mark()

    def _words(self, event: EngineStatus) -> str:
        tr = self.ctx.tr
        key = f"status.{event.code}"
        if not tr.has(key):
            return event.message or event.code
        side = tr.text(f"side.{event.channel}") if event.channel else ""
        return tr.text(key, message=event.message, side=side)

    def current(self, wall: float | None = None) -> Notice | None:
        """The notice shown now (most serious, newest), or None."""
        wall = time.monotonic() if wall is None else wall
        self.notices = {k: n for k, n in self.notices.items() if n.until is None or n.until > wall}
        shown = list(self.notices.values())
        if self.settings_problem:
            shown.append(
                Notice(StatusLevel.WARNING, SETTINGS, self.ctx.tr.text("status.settings_problem"))
            )
        if not shown:
            return None
        return max(reversed(shown), key=lambda n: _LEVELS.get(n.level, 0))

    def animating(self) -> bool:
        """Transient notices expire with time."""
        return any(n.until is not None for n in self.notices.values())

    def retranslate(self) -> None:
        """Re-word the open notices in the new language."""
        for key, notice in self.notices.items():
            if key in self._events:
                notice.text = self._words(self._events[key])
        super().retranslate()

    def apply_theme(self) -> None:
        """Font."""
        self.label.setFont(self.ctx.theme.font(0.9, bold=True))
        super().apply_theme()

    def redraw(self, wall: float) -> None:
        """Show the current notice with its symbol and colour."""
        notice = self.current(wall)
        if notice is None:
            self.setVisible(False)
            return
        theme = self.ctx.theme
        colour = {StatusLevel.ERROR: theme.alert, StatusLevel.WARNING: theme.warn}.get(
            notice.level, theme.dim
        )
        self.label.setText(f"{_SYMBOLS.get(notice.level, '')} {notice.text}")
        self.label.setStyleSheet(f"color: {colour};")
        self.setVisible(True)
