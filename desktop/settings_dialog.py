"""The settings dialog: devices with live meters, languages, model, alerts, thresholds, recording.

Every control is bound to one settings key. A key the IT policy locks is
shown with its value, greyed out, with a padlock line saying who locked it
and whom to ask; the dialog never sends a locked key to ``save`` (and the
settings layer would refuse it anyway). Problems reading the settings files
are listed at the top in plain words. Saving writes only the keys the user
changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from belcoach.core.errors import AppError
from belcoach.core.settings import ResolvedSettings
from belcoach.desktop.device_meters import DeviceMeters, ProbeFactory
from belcoach.desktop.devices import InputDevice, LevelProbe, list_input_devices
from belcoach.desktop.i18n import Translator
from belcoach.desktop.settings_fields import (
    THRESHOLDS,
    Binding,
    check_set,
    combo_box,
    combo_get,
    combo_set,
    threshold_get,
    threshold_set,
    valid_threshold,
)
from belcoach.desktop.texts import LANGUAGE_NAMES, LANGUAGES

log = logging.getLogger(__name__)

Save = Callable[[dict[str, Any]], ResolvedSettings]
DeviceLister = Callable[[], Sequence[InputDevice]]

ALERT_KEYS = ("overtalk", "speech_rate", "pauses", "dead_air", "phrases", "emotion")


class SettingsDialog(QDialog):
    """Edits the user's settings; shows locked ones read-only with the reason.

    Args:
        settings: the settings in force.
        translator: UI texts (the dialog retranslates when it changes).
        save: writes changes, returns the reloaded settings; raises AppError on refusal.
        devices: lists input devices (injectable for tests).
        probe: opens a level meter for a device name (None: no meters).
        parent: Qt parent.
    """

    def __init__(
        self,
        settings: ResolvedSettings,
        translator: Translator,
        save: Save,
        *,
        devices: DeviceLister = list_input_devices,
        probe: ProbeFactory | None = LevelProbe,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self._tr = translator
        self._save = save
        self.meters = DeviceMeters(self, probe)
        self.bindings: dict[str, Binding] = {}
        self._labels: list[tuple[QLabel, str]] = []
        self.devices = list(devices())
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet(
            "QLabel { background: #fff4c2; color: #3b3000; border: 1px solid #d8b800;"
            " border-radius: 6px; padding: 8px; }"
        )
        layout.addWidget(self.problems)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self._tab_keys: list[str] = []
        self._add_tab("settings.tab.general", self._general())
        self._add_tab("settings.tab.audio", self._audio())
        self._add_tab("settings.tab.alerts", self._alerts())
        self._add_tab("settings.tab.recording", self._recording())
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d55e00; font-weight: bold;")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.save_button.setDefault(True)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        translator.changed.connect(lambda _l: self.retranslate())
        self.load(settings)
        self.retranslate()
        self.meters.start()

    # ------------------------------------------------------------------ build

    def _add_tab(self, key: str, page: QWidget) -> None:
        self.tabs.addTab(page, "")
        self._tab_keys.append(key)

    def _label(self, key: str, parent: QWidget | None, *, wrap: bool = False) -> QLabel:
        label = QLabel(parent)
        label.setWordWrap(wrap)
        self._labels.append((label, key))
        return label

    def _bind(
        self,
        form: QFormLayout,
        text_key: str,
        key: str,
        widget: QWidget,
        get: Callable[[], Any],
        set_: Callable[[Any], None],
    ) -> None:
        lock = QLabel(widget.parentWidget())
        lock.setWordWrap(True)
        lock.setStyleSheet("color: #6f7884; font-size: small;")
        lock.setVisible(False)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(lock)
        form.addRow(self._label(text_key, widget.parentWidget()), column)
        self.bindings[key] = Binding(key, widget, get, set_, lock)

    def _general(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        call_lang = combo_box(page, [(LANGUAGE_NAMES[c], c) for c in LANGUAGES])
        self._bind(
            form,
            "settings.call_language",
            "call.language",
            call_lang,
            combo_get(call_lang),
            combo_set(call_lang),
        )
        for text_key, key in (
            ("settings.agent_name", "agent.name"),
            ("settings.company_name", "company.name"),
        ):
            edit = QLineEdit(page)
            self._bind(form, text_key, key, edit, edit.text, edit.setText)
        self.ui_language = combo_box(page, [("", ""), *((LANGUAGE_NAMES[c], c) for c in LANGUAGES)])
        self._bind(
            form,
            "settings.ui_language",
            "ui.language",
            self.ui_language,
            combo_get(self.ui_language),
            combo_set(self.ui_language),
        )
        from belcoach.models.registry import MODELS

        model = combo_box(page, [(name, name) for name in MODELS])
        self._bind(
            form,
            "settings.model",
            "model.name",
            model,
            combo_get(model),
            combo_set(model),
        )
        opacity = QSlider(Qt.Orientation.Horizontal, page)
        opacity.setRange(30, 100)
        self._bind(
            form,
            "settings.opacity",
            "ui.opacity",
            opacity,
            lambda: opacity.value() / 100,
            lambda v: opacity.setValue(round(float(v) * 100)),
        )
        on_top = QCheckBox(page)
        self._bind(
            form,
            "settings.on_top",
            "ui.always_on_top",
            on_top,
            on_top.isChecked,
            lambda v: on_top.setChecked(bool(v)),
        )
        return page

    def _audio(self) -> QWidget:
        page = QWidget(self)
        outer = QVBoxLayout(page)
        self.no_devices = self._label("settings.device.none", page, wrap=True)
        self.no_devices.setVisible(not self.devices)
        outer.addWidget(self.no_devices)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        for text_key, key in (
            ("settings.agent_device", "audio.agent_device"),
            ("settings.customer_device", "audio.customer_device"),
        ):
            box = QWidget(page)
            row = QVBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            combo = combo_box(box, [("", ""), *((d.name, d.name) for d in self.devices)])
            combo.setEnabled(bool(self.devices))
            meter = QProgressBar(box)
            meter.setRange(0, 100)
            meter.setTextVisible(False)
            meter.setFixedHeight(8)
            meter.setVisible(bool(self.devices))
            row.addWidget(combo)
            row.addWidget(meter)
            self.meters.add(key, combo, meter)
            self._bind(form, text_key, key, box, combo_get(combo), combo_set(combo))
            setattr(self, key.split(".")[1], combo)
        if not self.devices:
            self.meters.clear()
        return page

    def _alerts(self) -> QWidget:
        page = QWidget(self)
        outer = QVBoxLayout(page)
        outer.addWidget(self._label("settings.alerts.intro", page, wrap=True))
        form = QFormLayout()
        outer.addLayout(form)
        for name in ALERT_KEYS:
            box = QCheckBox(page)
            self._bind(
                form,
                f"settings.alerts.{name}",
                f"alerts.{name}",
                box,
                box.isChecked,
                check_set(box),
            )
        language = str(self.settings.get("call.language"))
        shown = [spec for spec in THRESHOLDS if valid_threshold(spec, language)]
        if shown:
            title = self._label("settings.thresholds", page)
            title.setStyleSheet("font-weight: bold; margin-top: 8px;")
            outer.addWidget(title)
            thresholds = QFormLayout()
            outer.addLayout(thresholds)
            for spec in shown:
                spin = QDoubleSpinBox(page)
                spin.setRange(spec.minimum - spec.step, spec.maximum)
                spin.setSingleStep(spec.step)
                spin.setSpecialValueText("–")  # below the minimum: the seed's default
                form_label = QLabel(spec.label, page)
                lock = QLabel(page)
                lock.setVisible(False)
                thresholds.addRow(form_label, spin)
                self.bindings[spec.key] = Binding(
                    spec.key,
                    spin,
                    threshold_get(spin, spec),
                    threshold_set(spin, spec),
                    lock,
                )
        outer.addStretch(1)
        return page

    def _recording(self) -> QWidget:
        page = QWidget(self)
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        enabled = QCheckBox(page)
        self._bind(
            form,
            "settings.recording.enabled",
            "recording.enabled",
            enabled,
            enabled.isChecked,
            lambda v: enabled.setChecked(bool(v)),
        )
        days = QSpinBox(page)
        days.setRange(0, 3650)
        self._bind(
            form,
            "settings.recording.retention",
            "recording.retention_days",
            days,
            days.value,
            lambda v: days.setValue(int(v)),
        )
        outer.addWidget(self._label("settings.recording.note", page, wrap=True))
        outer.addStretch(1)
        return page

    # ------------------------------------------------------------------ values

    def value_of(self, key: str) -> Any:
        """The value the settings hold for ``key`` (None for an unset analysis key)."""
        try:
            return self.settings.get(key)
        except AppError:
            return None

    def load(self, settings: ResolvedSettings) -> None:
        """Show ``settings``: values, locks and problems."""
        self.settings = settings
        for binding in self.bindings.values():
            value = self.value_of(binding.key)
            binding.set(value if value is not None or binding.key.startswith("analysis.") else "")
            locked = settings.locked(binding.key)
            binding.widget.setEnabled(not locked and self._usable(binding.key))
            binding.lock_label.setVisible(locked)
            binding.lock_label.setText(self.lock_text(binding.key))
            binding.widget.setToolTip(self.lock_text(binding.key))
        self._show_problems()

    def lock_text(self, key: str) -> str:
        """Who locked ``key`` and whom to ask, in the UI language ("" when not locked)."""
        if not self.settings.locked(key):
            return ""
        text = self._tr.text("settings.locked", path=self.settings.policy_path)
        if self.settings.contact:
            text += " " + self._tr.text("settings.locked.ask", contact=self.settings.contact)
        return text

    def _usable(self, key: str) -> bool:
        return bool(self.devices) if key.startswith("audio.") else True

    def changes(self) -> dict[str, Any]:
        """Keys the user changed (locked keys never appear)."""
        out: dict[str, Any] = {}
        for binding in self.bindings.values():
            if self.settings.locked(binding.key):
                continue
            value = binding.get()
            if value != self.value_of(binding.key):
                out[binding.key] = value
        return out

    def save(self) -> None:
        """Write the changes; stay open and say why when they are refused."""
        changes = self.changes()
        try:
            if changes:
                self.load(self._save(changes))
        except AppError as exc:
            self.error.setText(self._tr.text("settings.save_failed", error=exc))
            self.error.setVisible(True)
            return
        self.error.setVisible(False)
        self.accept()

    # ------------------------------------------------------------------ meters

    def showEvent(self, event: Any) -> None:
        """Open the meters while the dialog is visible."""
        super().showEvent(event)
        self.meters.open_all()

    def close_meters(self) -> None:
        """Close every level probe (the dialog is going away)."""
        self.meters.close()

    def done(self, result: int) -> None:
        """Close the meters whichever way the dialog closes."""
        self.close_meters()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close the meters."""
        self.close_meters()
        super().closeEvent(event)

    # ------------------------------------------------------------------ texts

    def _show_problems(self) -> None:
        problems = self.settings.problems
        if problems:
            lines = "\n".join(f"• {p}" for p in problems)
            self.problems.setText(f"{self._tr.text('settings.problems')}\n{lines}")
        self.problems.setVisible(bool(problems))

    def retranslate(self) -> None:
        """Re-set every text in the current language."""
        tr = self._tr
        self.setWindowTitle(tr.text("settings.title"))
        for i, key in enumerate(self._tab_keys):
            self.tabs.setTabText(i, tr.text(key))
        for label, key in self._labels:
            label.setText(tr.text(key))
        self.ui_language.setItemText(0, tr.text("settings.ui_language.system"))
        for name in ("agent_device", "customer_device"):
            combo = getattr(self, name, None)
            if isinstance(combo, QComboBox):
                combo.setItemText(0, tr.text("settings.device.default"))
        for binding in self.bindings.values():
            reason = self.lock_text(binding.key)
            binding.lock_label.setText(reason)
            binding.widget.setToolTip(reason)
        self.save_button.setText(tr.text("settings.save"))
        self.cancel_button.setText(tr.text("settings.cancel"))
        self._show_problems()
