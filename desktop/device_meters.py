"""Live level meters under the settings dialog's device choices.

Each device combo box gets a thin bar; while the dialog is visible a
`LevelProbe` listens to the chosen device and the bar shows its level
(-60 dBFS .. 0 dBFS), so the agent can check the headset before a call.
Probes are opened only while the dialog shows and closed whichever way it
closes: a microphone is never held open behind the agent's back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QComboBox, QProgressBar, QWidget

from belcoach.desktop.devices import LevelProbe

ProbeFactory = Callable[[str], LevelProbe]


class DeviceMeters(QObject):
    """The meters of one dialog, keyed by setting (``audio.agent_device`` ...).

    Args:
        owner: the dialog; probes open only while it is visible.
        probe_factory: opens a probe on a device name; None shows no levels.
    """

    def __init__(self, owner: QWidget, probe_factory: ProbeFactory | None) -> None:
        super().__init__(owner)
        self._owner = owner
        self._probe_factory = probe_factory
        self._probes: dict[str, LevelProbe] = {}
        self._meters: dict[str, QProgressBar] = {}
        self._combos: dict[str, QComboBox] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(66)
        self._timer.timeout.connect(self._update)

    def add(self, key: str, combo: QComboBox, meter: QProgressBar) -> None:
        """Show ``combo``'s device level on ``meter``; a new choice reopens the probe."""
        self._meters[key] = meter
        self._combos[key] = combo
        combo.currentIndexChanged.connect(lambda _i, k=key: self._reprobe(k))

    def clear(self) -> None:
        """Forget every meter (there are no devices to measure)."""
        self._meters.clear()
        self._combos.clear()

    def start(self) -> None:
        """Start refreshing the bars (when there is anything to measure)."""
        if self._meters and self._probe_factory is not None:
            self._timer.start()

    def open_all(self) -> None:
        """Open a probe for each meter that has none (the dialog has just shown)."""
        for key in self._meters:
            if key not in self._probes:
                self._reprobe(key)

    def close(self) -> None:
        """Stop refreshing and close every probe (the dialog is going away)."""
        self._timer.stop()
        for probe in self._probes.values():
            probe.close()
        self._probes.clear()

    def _reprobe(self, key: str) -> None:
        old = self._probes.pop(key, None)
        if old is not None:
            old.close()
        combo = self._combos.get(key)
        if self._probe_factory is not None and combo is not None and self._owner.isVisible():
            self._probes[key] = self._probe_factory(str(combo.currentData() or ""))

    def _update(self) -> None:
        for key, probe in self._probes.items():
            level = probe.level_db()
            if level is not None:
                # -60 dBFS .. 0 dBFS onto 0..100
                self._meters[key].setValue(round(max(0.0, min(1.0, (level + 60) / 60)) * 100))
            elif probe.error:
                self._meters[key].setValue(0)
