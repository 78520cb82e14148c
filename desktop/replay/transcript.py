"""The transcript beside the timeline: one line per utterance, marks inline, synced to playback.

Phrase hits are highlighted in the words (orange: to avoid, green: good),
over-talk and fast stretches get a small flag, and the line being heard is
highlighted and kept in view. Clicking a line asks to seek to it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat, QTextTable
from PySide6.QtWidgets import QTextBrowser, QTextEdit

from belcoach.audio.calls.marks import Line
from belcoach.audio.calls.timeline import Timeline
from belcoach.audio.events import RateVerdict
from belcoach.audio.review.palette import TONES
from belcoach.core.clock import format_clock
from belcoach.seeds.emotion_data import NEGATIVE_LABELS

_MARK_BG = {"avoid": "#feebc8", "good": "#c6f6d5"}


class TranscriptView(QTextBrowser):
    """The call's transcript, synced to the player.

    Signals:
        seek_requested(float): a line was clicked (its start time).
    """

    seek_requested = Signal(float)

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._anchor)
        self.document().setDocumentMargin(8)
        self.setStyleSheet("QTextBrowser { background: white; border: none; }")
        self.lines: tuple[Line, ...] = ()
        self.current: int | None = None
        self._timeline: Timeline | None = None

    def set_call(self, timeline: Timeline) -> None:
        """Show a call's transcript."""
        self._timeline = timeline
        self.lines = timeline.lines
        self.current = None
        phrase = [(m.start, m.end, m.tone, str(m.channel)) for m in timeline.lane("phrase")]
        over = timeline.of_kind("overtalk")
        fast = [p for p in timeline.rate if p.verdict == RateVerdict.FAST]
        parts = ["<table width='100%' cellspacing='0' cellpadding='3'>"]
        for i, line in enumerate(timeline.lines):
            side = str(line.channel)
            who = "Agent" if side == "agent" else "Customer"
            words = []
            for w in line.words:
                text = html.escape(w.text)
                tone = next(
                    (
                        tone
                        for a, b, tone, ch in phrase
                        if ch == side and w.start >= a - 0.02 and w.end <= b + 0.02
                    ),
                    "",
                )
                if tone:
                    text = f"<span style='background:{_MARK_BG.get(tone, '#feebc8')}'>{text}</span>"
                words.append(text)
            flags = []
            if any(str(m.channel) == side and line.t - 0.6 <= m.start <= line.end for m in over):
                flags.append(("over-talk", TONES["overtalk"]))
            if side == "agent" and any(line.t < p.t <= line.end + 0.6 for p in fast):
                flags.append(("fast", TONES["fast"]))
            if side == "customer":
                label = next(
                    (
                        p.label
                        for p in timeline.emotion
                        if line.t < p.t <= line.end + 0.3 and p.label in NEGATIVE_LABELS
                    ),
                    None,
                )
                if label:
                    flags.append((label, "#718096"))
            flag_html = "".join(
                f" <span style='color:white;background:{c};font-size:small'>&nbsp;{f}&nbsp;</span>"
                for f, c in flags
            )
            unfinished = "" if line.final else " <i style='color:#a0aec0'>(unfinished)</i>"
            colour = TONES.get(side, "#1a202c")
            parts.append(
                f"<tr><td width='40' valign='top'><a href='t:{line.t:.3f}' "
                f"style='color:#718096;text-decoration:none'>{format_clock(line.t)}</a></td>"
                f"<td width='78' valign='top' style='white-space:nowrap'>"
                f"<a href='t:{line.t:.3f}' "
                f"style='color:{colour};font-weight:bold;text-decoration:none'>{who}</a></td>"
                f"<td valign='top'><a name='line{i}'></a>{' '.join(words)}{unfinished}"
                f"{flag_html}</td></tr>"
            )
        parts.append("</table>")
        if not timeline.lines:
            parts = ["<p style='color:#718096'>No transcript in this call.</p>"]
        self.setHtml("".join(parts))
        self.setExtraSelections([])

    def set_position(self, t: float) -> None:
        """Highlight the line being heard at ``t`` and keep it in view."""
        if self._timeline is None:
            return
        index = self._timeline.line_at(t)
        if index == self.current:
            return
        self.current = index
        if index is None:
            self.setExtraSelections([])
            return
        cursor = self._row_cursor(index)
        selection = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#bee3f8"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.format = fmt
        selection.cursor = cursor
        self.setExtraSelections([selection])
        caret = QTextCursor(cursor)
        caret.clearSelection()
        self.setTextCursor(caret)
        self.ensureCursorVisible()

    def _row_cursor(self, index: int) -> QTextCursor:
        """A cursor selecting transcript row ``index`` (time, speaker and text cells)."""
        cursor = QTextCursor(self.document())
        table = None
        for frame in self.document().rootFrame().childFrames():
            if isinstance(frame, QTextTable):
                table = frame
                break
        if table is None or index >= table.rows():
            return cursor
        # time and speaker cells only: the text cell keeps its own marks and flags legible
        cursor = table.cellAt(index, 0).firstCursorPosition()
        end = table.cellAt(index, 1).lastCursorPosition()
        cursor.setPosition(end.position(), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _anchor(self, url: object) -> None:
        text = url.toString()  # type: ignore[attr-defined]
        if text.startswith("t:"):
            self.seek_requested.emit(float(text[2:]))
