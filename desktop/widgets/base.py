"""What every overlay part shares: the bridge, texts, theme, clock and a repaint rule.

Parts change their state when a bridge signal arrives and only mark
themselves dirty; the overlay's ~30 Hz timer calls ``refresh``, which
re-renders dirty (or animating) parts. A burst of events therefore costs
one repaint per frame at most (STYLE T8).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QFrame, QWidget

from belcoach.core.settings_schema import AlertSettings
from belcoach.desktop.bridge import EngineBridge
from belcoach.desktop.clock import CallClock
from belcoach.desktop.i18n import Translator
from belcoach.desktop.theme import Theme

AlertSwitches = AlertSettings
"""Which alert kinds the agent sees: the ``alerts.*`` settings themselves.

One type, so a new alert kind is added in one place.
"""


@dataclass(slots=True)
class PartContext:
    """Everything a part needs, built once by the overlay.

    Attributes:
        bridge: the only source of events and the only sink of intents.
        tr: the UI texts.
        theme: colours and fonts (replaced on zoom or contrast change).
        clock: the call's audio clock estimate.
        switches: which alerts are on.
        reduced_motion: fades become instant.
    """

    bridge: EngineBridge
    tr: Translator
    theme: Theme
    clock: CallClock
    switches: AlertSwitches = field(default_factory=AlertSwitches)
    reduced_motion: bool = False


class OverlayPart(QFrame):
    """Base of the overlay's parts.

    Args:
        ctx: the shared context.
        parent: Qt parent.
    """

    def __init__(self, ctx: PartContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._dirty = True

    def mark(self) -> None:
        """Ask for a re-render on the next frame."""
        self._dirty = True

    def animating(self) -> bool:
        """True while the part changes with time alone (a fade, a running counter)."""
        return False

    def refresh(self, wall: float) -> None:
        """Re-render if dirty or animating; ``wall`` is ``time.monotonic()`` now."""
        if self._dirty or self.animating():
            self._dirty = False
            self.redraw(wall)

    def redraw(self, wall: float) -> None:
        """Push the part's state into its labels or repaint; override.

        Not named ``render``: that is QWidget's own (paint into a device).
        """
        self.update()

    def reset(self) -> None:
        """A new call starts: forget the last one; override and call super."""
        self.mark()

    def retranslate(self) -> None:
        """The UI language changed; override to re-set static texts."""
        self.mark()

    def apply_theme(self) -> None:
        """The theme changed (zoom, contrast); override to re-set fonts and colours."""
        self.mark()
