"""Pieces of the settings dialog: threshold candidates, bindings, combo helpers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QWidget

from belcoach.core.errors import AppError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ThresholdSpec:
    """A numeric analyser setting shown under "thresholds".

    Attributes:
        key: dotted key under ``analysis`` (e.g. ``analysis.speech.dead_air_s``).
        label: the text shown (one language: these are expert settings).
        minimum: lowest allowed value.
        maximum: highest allowed value.
        step: spin box step.
    """

    key: str
    label: str
    minimum: float
    maximum: float
    step: float = 0.1


THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec("analysis.speech.dead_air.min_silence", "dead air (s)", 1.0, 30.0, 0.5),
    ThresholdSpec("analysis.speech.overtalk.min_overlap", "over-talk minimum (s)", 0.1, 3.0, 0.1),
    ThresholdSpec(
        "analysis.speech.pauses.sentence_pause", "pause after a sentence (s)", 0.1, 2.0, 0.05
    ),
    ThresholdSpec("analysis.speech.rate.tolerance", "tempo tolerance (share)", 0.05, 0.5, 0.01),
)
"""Candidates; only those the installed analysers accept are shown (see ``valid_threshold``)."""


def valid_threshold(spec: ThresholdSpec, language: str) -> bool:
    """True when an installed analyser owns ``spec.key``.

    Analysers reject unknown keys in their own table with ConfigError, so a key
    is shown when a made-up key in the same table is refused and it is not.
    A table nobody validates (its analyser is not installed) shows nothing.
    """
    from belcoach.audio.analysis.defaults import default_analysers

    parts = spec.key.split(".")[1:]  # drop "analysis"

    def nested(leaf: str, value: Any) -> dict[str, Any]:
        table: dict[str, Any] = {leaf: value}
        for part in reversed(parts[:-1]):
            table = {part: table}
        return table

    try:
        default_analysers(language, nested("belcoach_no_such_key", 1))
    except AppError:
        pass
    else:
        return False
    try:
        default_analysers(language, nested(parts[-1], spec.minimum))
    except AppError:
        return False
    except Exception:  # an analyser that cannot even be built is not ours to judge here
        log.info("could not check threshold %s", spec.key, exc_info=True)
        return False
    return True


@dataclass(slots=True)
class Binding:
    """One control bound to one settings key."""

    key: str
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    lock_label: QLabel


def combo_box(page: QWidget, items: Sequence[tuple[str, str]]) -> QComboBox:
    """A combo box of (text, value) items."""
    combo = QComboBox(page)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def combo_get(combo: QComboBox) -> Callable[[], Any]:
    """Reads the current item's value."""
    return lambda: combo.currentData()


def combo_set(combo: QComboBox) -> Callable[[Any], None]:
    """Selects the item with a value (adding it when the settings hold an unlisted one)."""

    def set_(value: Any) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    return set_


def check_set(box: QCheckBox) -> Callable[[Any], None]:
    """Ticks a check box when the setting's value is truthy."""
    return lambda value: box.setChecked(bool(value))


def threshold_get(spin: QDoubleSpinBox, spec: ThresholdSpec) -> Callable[[], float | None]:
    """Reads a threshold spin box: ``None`` below the minimum (the seed's default)."""
    return lambda: None if spin.value() < spec.minimum else spin.value()


def threshold_set(spin: QDoubleSpinBox, spec: ThresholdSpec) -> Callable[[Any], None]:
    """Shows a threshold; ``None`` (the seed's default) sits one step below the minimum."""
    return lambda value: spin.setValue(spec.minimum - spec.step if value is None else float(value))
