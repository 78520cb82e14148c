"""From the settings to the QA card a call is scored with (no Qt here).

The card is chosen the way rule files are: the packaged card for the call's
language, unless the setting ``qa.card`` names the coach's or the centre's own
file; IT can set it under ``[locked.qa]`` in the policy so every coach scores
with the same card, and a ``--card`` flag against that lock is refused.
"""

from __future__ import annotations

from pathlib import Path

from belcoach.core.settings import ResolvedSettings
from belcoach.wiring.flags import refuse_if_locked


def plan_qa_card(settings: ResolvedSettings, *, card: Path | None = None) -> str:
    """The card file in force ("" = the packaged card for the call's language).

    Args:
        settings: the settings (IT policy included).
        card: a ``--card`` file given on the command line.

    Raises:
        ConfigError: ``--card`` contradicts a locked ``qa.card``.
    """
    if card is not None:
        refuse_if_locked(settings, "qa.card", "--card", str(card))
        return str(card)
    return str(Path(settings.values.qa.card).expanduser()) if settings.values.qa.card else ""
