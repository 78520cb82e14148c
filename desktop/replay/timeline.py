"""The replay timeline: both waveforms, the event lanes and the rate and emotion curves.

Drawn with pyqtgraph; every plot shares one time axis (zoom with the wheel,
drag to pan). A click anywhere asks to seek there; a click on a mark seeks to
the start of what it marks. The widget only renders and forwards intents: the
lanes come from ``belcoach.audio.calls.timeline`` (STYLE L6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor

from belcoach.audio.calls.folder import Note
from belcoach.audio.calls.marks import EMOTION_LABEL_GAP, Mark, rate_curve, rate_is_sliding
from belcoach.audio.calls.timeline import Timeline
from belcoach.audio.events import RateVerdict
from belcoach.audio.review.palette import EMOTION_TONES, TONES, tone_colour
from belcoach.audio.review.waveform import Envelope
from belcoach.core.clock import format_clock

ROWS = ("speech_agent", "speech_customer", "overtalk", "pause", "phrase", "emotion")
"""Lane rows from top to bottom (speech has one row per side)."""

ROW_TITLES = {
    "speech_agent": "Agent speech",
    "speech_customer": "Customer speech",
    "overtalk": "Over-talk",
    "pause": "Pauses · dead air",
    "phrase": "Phrases",
    "emotion": "Customer feeling",
}
ROW_HEIGHT = 0.64


def row_of(mark: Mark) -> str:
    """The lane row a mark is drawn on."""
    if mark.lane == "speech":
        return "speech_agent" if str(mark.channel) == "agent" else "speech_customer"
    return mark.lane


def row_y(row: str) -> float:
    """The y centre of a row (top row highest)."""
    return float(len(ROWS) - 1 - ROWS.index(row))


@dataclass(frozen=True, slots=True)
class DrawnMark:
    """A mark as drawn: its row and its box in data coordinates (for hit tests)."""

    mark: Mark
    row: str
    x0: float
    x1: float


class TimelineWidget(pg.GraphicsLayoutWidget):  # type: ignore[misc]  # pyqtgraph ships no types
    """The stacked plots of one call.

    Signals:
        seek_requested(float): the coach clicked a time (or a mark's start).
        mark_clicked(object): the coach clicked a mark (`Mark`).
    """

    seek_requested = Signal(float)
    mark_clicked = Signal(object)

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.ci.layout.setSpacing(2)
        self.ci.setContentsMargins(4, 4, 12, 4)
        self.drawn: list[DrawnMark] = []
        self._duration = 1.0
        self._plots: dict[str, pg.PlotItem] = {}
        self._heads: list[pg.InfiniteLine] = []
        self._note_items: list[pg.InfiniteLine] = []
        self._build()
        self.scene().sigMouseClicked.connect(self._clicked)

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        specs = [
            ("agent", "Agent", 1.0),
            ("customer", "Customer", 1.0),
            ("lanes", "", 2.4),
            ("rate", "Rate", 1.2),
            ("emotion", "Feeling", 1.0),
        ]
        first: pg.PlotItem | None = None
        for i, (key, title, stretch) in enumerate(specs):
            plot = self.addPlot(row=i, col=0)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=True, y=False)
            plot.showGrid(x=True, y=False, alpha=0.15)
            axis = plot.getAxis("left")
            axis.setWidth(118)
            axis.setTextPen(pg.mkPen("#4a5568"))
            axis.setPen(pg.mkPen("#cbd5e0"))
            if title:
                plot.setLabel("left", title, color="#4a5568")
            bottom = plot.getAxis("bottom")
            bottom.setPen(pg.mkPen("#cbd5e0"))
            bottom.setTextPen(pg.mkPen("#4a5568"))
            if i < len(specs) - 1:
                bottom.setStyle(showValues=False)
                bottom.setHeight(4)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            self.ci.layout.setRowStretchFactor(i, int(stretch * 10))
            head = pg.InfiniteLine(
                pos=0, angle=90, movable=False, pen=pg.mkPen(TONES["playhead"], width=1.5)
            )
            head.setZValue(50)
            plot.addItem(head, ignoreBounds=True)
            self._heads.append(head)
            self._plots[key] = plot
        self._plots["emotion"].getAxis("bottom").setTickSpacing()
        self._plots["emotion"].getAxis("bottom").tickStrings = _clock_strings
        lanes = self._plots["lanes"].getAxis("left")
        lanes.setTicks([[(row_y(r), ROW_TITLES[r]) for r in ROWS]])
        lanes.setStyle(tickLength=0)
        self._plots["lanes"].setYRange(-0.6, len(ROWS) - 0.4, padding=0)
        for key in ("agent", "customer"):
            self._plots[key].setYRange(-1.0, 1.0, padding=0.02)
            self._plots[key].getAxis("left").setTicks([[(0.0, "")]])
        emo = self._plots["emotion"]
        emo.setYRange(-1.1, 1.1, padding=0)
        emo.getAxis("left").setTicks([[(-1.0, "negative"), (0.0, "neutral"), (1.0, "positive")]])

    # -- content -------------------------------------------------------------------------------

    def set_call(self, timeline: Timeline, waves: Sequence[Envelope] | None) -> None:
        """Draw a call: waveforms (if there is audio), lanes and curves."""
        for plot in self._plots.values():
            for item in list(plot.items):
                if item not in self._heads:
                    plot.removeItem(item)
        self._duration = max(timeline.duration, 1.0)
        if waves:
            for key, env, tone in (
                ("agent", waves[0], "agent"),
                ("customer", waves[1], "customer"),
            ):
                self._wave(self._plots[key], env, tone)
        self._lanes(timeline)
        self._rate(timeline)
        self._emotion(timeline)
        for plot in self._plots.values():
            plot.setLimits(xMin=-0.02 * self._duration, xMax=self._duration * 1.02, minXRange=2.0)
        self._plots["agent"].setXRange(0, self._duration, padding=0.01)

    def _wave(self, plot: pg.PlotItem, env: Envelope, tone: str) -> None:
        colour = QColor(TONES[tone])
        low = pg.PlotDataItem(env.t, env.low, pen=pg.mkPen(colour, width=0.6))
        high = pg.PlotDataItem(env.t, env.high, pen=pg.mkPen(colour, width=0.6))
        fill = pg.FillBetweenItem(low, high, brush=pg.mkBrush(colour))
        for item in (low, high, fill):
            plot.addItem(item)

    def _lanes(self, timeline: Timeline) -> None:
        plot = self._plots["lanes"]
        self.drawn = []
        groups: dict[tuple[str, str], list[DrawnMark]] = {}
        min_width = self._duration / 600
        for mark in timeline.marks:
            row = row_of(mark)
            x1 = max(mark.end, mark.start + min_width)
            drawn = DrawnMark(mark, row, mark.start, x1)
            self.drawn.append(drawn)
            groups.setdefault((row, tone_colour(mark.tone, kind=mark.kind)), []).append(drawn)
        for (row, colour), items in groups.items():
            height = ROW_HEIGHT if row != "phrase" else ROW_HEIGHT + 0.15
            bars = pg.BarGraphItem(
                x0=np.array([d.x0 for d in items]),
                x1=np.array([d.x1 for d in items]),
                y=np.full(len(items), row_y(row)),
                height=height,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(None),
            )
            plot.addItem(bars)
        phrases = [d for d in self.drawn if d.row == "phrase"]
        if phrases:
            plot.addItem(
                pg.ScatterPlotItem(
                    x=[d.x0 for d in phrases],
                    y=[row_y("phrase") + 0.5] * len(phrases),
                    symbol="t",
                    size=9,
                    pen=pg.mkPen(None),
                    brush=[pg.mkBrush(tone_colour(d.mark.tone)) for d in phrases],
                )
            )

    def _rate(self, timeline: Timeline) -> None:
        plot = self._plots["rate"]
        pts = timeline.rate
        if not pts:
            plot.setLabel("left", "Rate (none)", color="#a0aec0")
            return
        plot.setLabel("left", f"Agent rate ({pts[-1].unit})", color="#4a5568")
        xs = np.array([0.0, *[p.t for p in pts], self._duration])
        lows = np.array([pts[0].low, *[p.low for p in pts], pts[-1].low])
        highs = np.array([pts[0].high, *[p.high for p in pts], pts[-1].high])
        lo = pg.PlotDataItem(xs, lows, stepMode=None, pen=pg.mkPen(None))
        hi = pg.PlotDataItem(xs, highs, pen=pg.mkPen(None))
        plot.addItem(pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(TONES["norm"])))
        if rate_is_sliding(pts):  # overlapping windows: one curve, red where too fast
            xs_curve, ys_curve = rate_curve(pts)
            plot.addItem(
                pg.PlotDataItem(
                    xs_curve, ys_curve, pen=pg.mkPen(TONES["rate"], width=2), connect="finite"
                )
            )
            xs_fast, ys_fast = rate_curve(pts, verdict=RateVerdict.FAST)
            plot.addItem(
                pg.PlotDataItem(
                    xs_fast, ys_fast, pen=pg.mkPen(TONES["fast"], width=3), connect="finite"
                )
            )
        else:
            for p in pts:  # each figure drawn over the stretch of speech it measures
                start = p.start if p.start is not None else p.t
                colour = TONES["fast"] if p.verdict == RateVerdict.FAST else TONES["rate"]
                plot.addItem(
                    pg.PlotDataItem([start, p.t], [p.value, p.value], pen=pg.mkPen(colour, width=3))
                )
            plot.addItem(
                pg.ScatterPlotItem(
                    x=[p.t for p in pts],
                    y=[p.value for p in pts],
                    size=6,
                    pen=pg.mkPen(None),
                    brush=[
                        pg.mkBrush(
                            TONES["fast"] if p.verdict == RateVerdict.FAST else TONES["rate"]
                        )
                        for p in pts
                    ],
                )
            )
        top = max(max(p.value for p in pts), max(p.high for p in pts)) * 1.15
        plot.setYRange(0, top, padding=0)

    def _emotion(self, timeline: Timeline) -> None:
        plot = self._plots["emotion"]
        pts = timeline.emotion
        if not pts:
            return
        xs = [p.t for p in pts] + [self._duration]
        ys = [p.valence for p in pts]
        plot.addItem(pg.PlotDataItem(xs, ys, stepMode="center", pen=pg.mkPen("#4a5568", width=1.2)))
        plot.addItem(
            pg.ScatterPlotItem(
                x=[p.t for p in pts],
                y=ys,
                size=8,
                pen=pg.mkPen("w", width=0.5),
                brush=[pg.mkBrush(EMOTION_TONES.get(p.label, "#718096")) for p in pts],
            )
        )
        seen: set[str] = set()
        last_label_t = -float("inf")
        for p in pts:
            if p.label in seen:
                continue
            seen.add(p.label)
            near_end = p.t > 0.85 * self._duration
            # a label close after the previous one goes under its point, not over its text
            below = p.t - last_label_t < EMOTION_LABEL_GAP * self._duration
            last_label_t = p.t
            text = pg.TextItem(
                p.label,
                color=EMOTION_TONES.get(p.label, "#718096"),
                anchor=(1 if near_end else 0, -0.1 if below else 1.1),
            )
            text.setPos(p.t, p.valence)
            plot.addItem(text)

    def set_notes(self, notes: Sequence[Note]) -> None:
        """Show the coach's notes as dashed purple lines on the lanes."""
        plot = self._plots["lanes"]
        for item in self._note_items:
            plot.removeItem(item)
        self._note_items = []
        for note in notes:
            line = pg.InfiniteLine(
                pos=note.t,
                angle=90,
                movable=False,
                pen=pg.mkPen(TONES["note"], width=1.5, style=Qt.PenStyle.DashLine),
                label="✎",
                labelOpts={"position": 0.97, "color": TONES["note"]},
            )
            line.setToolTip(note.text)
            plot.addItem(line, ignoreBounds=True)
            self._note_items.append(line)

    def set_position(self, t: float) -> None:
        """Move the playhead."""
        for head in self._heads:
            head.setValue(t)

    @property
    def playhead(self) -> float:
        """Where the playhead is drawn."""
        return float(self._heads[0].value())

    # -- clicks --------------------------------------------------------------------------------

    def scene_point(self, plot_key: str, x: float, y: float) -> QPointF:
        """Where data point (x, y) of a plot is in scene coordinates (tests click there)."""
        point: QPointF = self._plots[plot_key].vb.mapViewToScene(QPointF(x, y))
        return point

    def mark_at(self, x: float, y: float) -> Mark | None:
        """The mark drawn at data point (x, y) of the lanes plot, if any."""
        slack = self._visible_span() / 300
        for drawn in self.drawn:
            height = ROW_HEIGHT if drawn.row != "phrase" else ROW_HEIGHT + 0.15
            if abs(y - row_y(drawn.row)) <= height / 2 + 0.05 and (
                drawn.x0 - slack <= x <= drawn.x1 + slack
            ):
                return drawn.mark
        return None

    def _visible_span(self) -> float:
        lo, hi = self._plots["lanes"].vb.viewRange()[0]
        return float(hi - lo)

    def _clicked(self, event: object) -> None:
        scene_pos = event.scenePos()  # type: ignore[attr-defined]
        for key, plot in self._plots.items():
            if not plot.vb.sceneBoundingRect().contains(scene_pos):
                continue
            point = plot.vb.mapSceneToView(scene_pos)
            if key == "lanes":
                mark = self.mark_at(point.x(), point.y())
                if mark is not None:
                    self.mark_clicked.emit(mark)
                    self.seek_requested.emit(float(mark.start))
                    return
            self.seek_requested.emit(float(min(max(point.x(), 0.0), self._duration)))
            return


def _clock_strings(values: Sequence[float], scale: float, spacing: float) -> list[str]:
    """Axis labels as m:ss."""
    return [format_clock(v) for v in values]
