"""Colours and type for the overlay: calm, high contrast, safe for colour-blind eyes.

The palette is Okabe & Ito's (2008) colour-blind-safe set: the agent is sky
blue and the customer orange (they differ in lightness as well as hue), and
every alert also has a word and a symbol, so nothing depends on telling red
from green. The base is a dark grey, not black, which is easier to look at
next to bright office software all day. When the system asks for high
contrast the overlay switches to black and white with the brightest accents
and ignores translucency.

Sizes are multiples of the application font's point size, so the system's
font scaling (and the user's Ctrl +/- zoom) scales everything together.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication


@dataclass(frozen=True, slots=True)
class Theme:
    """One look for the overlay; colours as ``#rrggbb``.

    Attributes:
        background: window background.
        panel: background of the cards.
        border: hairlines between sections.
        text: main text.
        dim: secondary text (labels, units).
        faint: tertiary text and empty states.
        partial: words not yet committed by the transcriber.
        agent: the agent's colour (Okabe-Ito sky blue).
        customer: the customer's colour (Okabe-Ito orange).
        alert: urgent alert background (Okabe-Ito vermilion).
        on_alert: text on ``alert``.
        warn: warning background (Okabe-Ito yellow).
        on_warn: text on ``warn``.
        good: positive marks (Okabe-Ito bluish green).
        band: the "ok" band of a gauge.
        high_contrast: True for the system's high-contrast mode.
        scale: text size relative to the application font.
    """

    background: str = "#15181c"
    panel: str = "#1e2228"
    border: str = "#2e343c"
    text: str = "#eef1f4"
    dim: str = "#a7b0ba"
    faint: str = "#6f7884"
    partial: str = "#8a939d"
    agent: str = "#56b4e9"
    customer: str = "#e69f00"
    alert: str = "#d55e00"
    on_alert: str = "#ffffff"
    warn: str = "#f0e442"
    on_warn: str = "#15181c"
    good: str = "#2bb58f"
    band: str = "#34404c"
    high_contrast: bool = False
    scale: float = 1.0

    def color(self, name: str, alpha: float = 1.0) -> QColor:
        """The named colour as a QColor, optionally with an alpha 0..1."""
        color = QColor(getattr(self, name))
        color.setAlphaF(max(0.0, min(1.0, alpha)))
        return color

    def font(self, size: float = 1.0, *, bold: bool = False, italic: bool = False) -> QFont:
        """The application font at ``size`` times the base size (times ``scale``)."""
        font = QFont(QGuiApplication.font())
        base = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(max(6.0, base * size * self.scale))
        font.setBold(bold)
        font.setItalic(italic)
        return font


HIGH_CONTRAST = Theme(
    background="#000000",
    panel="#000000",
    border="#ffffff",
    text="#ffffff",
    dim="#ffffff",
    faint="#d0d0d0",
    partial="#c8c8c8",
    agent="#7fd4ff",
    customer="#ffc400",
    alert="#ff6a00",
    on_alert="#000000",
    warn="#ffff00",
    on_warn="#000000",
    good="#3df5c0",
    band="#3a3a3a",
    high_contrast=True,
)


def system_wants_high_contrast() -> bool:
    """True when the platform reports a high-contrast preference (Qt 6.10+)."""
    hints = QGuiApplication.styleHints()
    accessibility = getattr(hints, "accessibility", None)
    if accessibility is None:
        return False
    return bool(accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast)


def system_wants_reduced_motion() -> bool:
    """True when the platform asks for less animation (fades become instant)."""
    hints = QGuiApplication.styleHints()
    accessibility = getattr(hints, "accessibility", None)
    # Qt.MotionPreference comes with the accessor in a later Qt than this PySide6 knows
    motion = getattr(Qt, "MotionPreference", None)
    if accessibility is None or motion is None or not hasattr(accessibility(), "motionPreference"):
        return False
    return bool(accessibility().motionPreference() == motion.ReducedMotion)


def pick_theme(*, scale: float = 1.0) -> Theme:
    """The theme for this system: high contrast if asked for, else the calm dark one."""
    from dataclasses import replace

    base = HIGH_CONTRAST if system_wants_high_contrast() else Theme()
    return replace(base, scale=scale)
