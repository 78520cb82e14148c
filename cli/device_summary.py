"""End-of-call summary lines about the audio devices of a live call (empty for files)."""

from __future__ import annotations

from collections.abc import Sequence

from belcoach.audio.events import DeviceBack, DeviceLost, EngineStatus, Event, StatusCode

ROLE = {"agent": "agent microphone", "customer": "call audio"}


def device_section(events: Sequence[Event]) -> list[str]:
    """Device trouble during the call: drops, losses and how long a side was silent."""
    lines: list[str] = []
    statuses = [e for e in events if isinstance(e, EngineStatus)]
    for channel, role in ROLE.items():
        mine = [e for e in statuses if e.channel == channel]
        missing = [e for e in mine if e.code == StatusCode.DEVICE_MISSING]
        lost = [e for e in mine if isinstance(e, DeviceLost)]
        back = [e for e in mine if isinstance(e, DeviceBack)]
        drops = [e for e in mine if e.code == StatusCode.OVERRUN]
        if missing and not back:
            lines.append(f"  {role}: no device during the whole call")
        elif missing:
            lines.append(f"  {role}: connected {back[0].t:.1f} s into the call")
        if lost:
            gaps = [e.gap_seconds for e in back if e.gap_seconds]
            silent = f", {sum(gaps):.1f} s silent" if gaps else ""
            still = " (not back at the end)" if len(back) < len(lost) + len(missing) else ""
            lines.append(f"  {role}: lost {len(lost)}x{silent}{still}")
        if drops:
            total = max(int(e.details.get("dropped", 0)) for e in drops)
            seconds = max(float(e.details.get("lost_seconds", 0.0)) for e in drops)
            lines.append(f"  {role}: {total} audio blocks dropped ({seconds:.1f} s)")
    return ["Audio devices:", *lines] if lines else []
