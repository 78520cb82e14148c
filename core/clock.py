"""Call times as clock text (``1:05``, ``01:05``, ``01:05.3``, ``1:01:05``).

Every layer prints times into the call: the engine's status messages, the
overlay's timer and transcript, the replay window, the report and the CLI.
They all format through `format_clock` so one moment reads the same
everywhere; it lives in ``core`` because that is the layer all of them import.
"""

from __future__ import annotations

import math


def format_clock(seconds: float, *, tenths: bool = False, pad: bool = False) -> str:
    """Seconds into the call as clock text, rounded to the shown precision.

    Past an hour the hours lead (``1:01:05``); minutes are never more than 59.
    A negative time reads as zero (a stamp a hair before the call's start);
    NaN or infinity read as dashes in the same shape, since no time is known.

    Args:
        seconds: time from the start of the call.
        tenths: show tenths of a second (``01:05.3``); the CLI's logs use this.
        pad: two-digit minutes under an hour (``01:05``), for the live overlay's
            stopwatch-like timer; otherwise ``1:05``. ``tenths`` always pads,
            so log columns line up.

    Returns:
        The clock text, for example ``0:07``, ``00:07``, ``00:07.4`` or ``1:00:07``.
    """
    pad = pad or tenths
    if not math.isfinite(seconds):
        return ("--" if pad else "-") + ":--" + (".-" if tenths else "")
    scale = 10 if tenths else 1
    # round once, in the shown unit, so 59.96 s reads 01:00.0 and never 00:60.0
    units = round(max(0.0, float(seconds)) * scale)
    whole, tenth = divmod(units, scale)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    tail = f"{secs:02d}" + (f".{tenth}" if tenths else "")
    if hours:
        return f"{hours}:{minutes:02d}:{tail}"
    return f"{minutes:02d}:{tail}" if pad else f"{minutes}:{tail}"
