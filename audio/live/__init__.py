"""Live capture: the agent's microphone and the call audio as two channels on one clock.

Entry points: `open_live` (an `AudioSource` for `run_call`), `check_devices`,
`list_devices` / `find_input` (device names), `LiveOptions`.
"""

from belcoach.audio.live.devices import DeviceInfo, find_input, list_devices
from belcoach.audio.live.source import (
    ChannelSpec,
    LiveCallSource,
    LiveOptions,
    check_devices,
    open_live,
)

__all__ = [
    "ChannelSpec",
    "DeviceInfo",
    "LiveCallSource",
    "LiveOptions",
    "check_devices",
    "find_input",
    "list_devices",
    "open_live",
]
