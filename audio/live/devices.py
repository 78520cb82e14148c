"""Audio devices by name: list them, find one, pick sensible defaults per platform.

A person remembers devices by name ("Jabra Evolve 40", "Monitor of Built-in Audio");
PortAudio's indexes change whenever something is plugged in. So belcoach stores names
and resolves them here, at the start of each call and at every reconnect.

Per platform, what "the call audio" (the customer's channel) is:

- Linux: the ``.monitor`` source of the sink the softphone plays into, recorded
  through PulseAudio or PipeWire (see `belcoach.audio.live.pulse`).
- Windows: the WASAPI loopback of the headset/speaker output. PortAudio lists each
  output's loopback as an extra input named ``"<output> [Loopback]"``; it delivers
  nothing while nothing plays, which the aligner fills with silence.
- macOS: Core Audio cannot record an output. The user installs a loopback driver
  (BlackHole, Loopback) and selects it, or builds an aggregate device.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from belcoach.audio.live import pulse
from belcoach.core.errors import AudioDeviceError

log = logging.getLogger(__name__)

PULSE_API = "PulseAudio"
"""Host API name shown for PulseAudio/PipeWire sources."""

HOST_API_PREFERENCE = (
    PULSE_API,
    "Windows WASAPI",
    "Core Audio",
    "ALSA",
    "JACK Audio Connection Kit",
)
"""When one name matches a device under several host APIs, the first in this list wins:
WASAPI has loopback and sane latency on Windows; MME and DirectSound duplicate it."""

LOOPBACK_HINTS = ("[loopback]", "blackhole", "loopback", "soundflower", "monitor of")
"""Name fragments of inputs that record an output (call audio)."""

INSTALL_HINT = (
    "PortAudio is not installed: on Debian/Ubuntu apt-get install libportaudio2 "
    "libasound2-plugins pulseaudio-utils"
)

_pa_lock = threading.Lock()
_alsa_pulse = pulse.AlsaPulseConfig()


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """One audio device as a person sees it.

    Attributes:
        name: the name to remember and pass back (a PulseAudio source's name, or
            PortAudio's device name).
        description: a friendlier label where the system has one.
        kind: ``input`` or ``output``.
        host_api: ``PulseAudio``, ``ALSA``, ``Windows WASAPI``, ``Core Audio``, ...
        default_rate: the device's default sample rate in Hz.
        channels: channels it offers in this direction.
        loopback: True when it records what an output plays (call audio).
        is_default: the system's default device of its kind.
        index: PortAudio device index (None for PulseAudio sources).
        pulse_source: the PulseAudio source name for PulseAudio inputs.
    """

    name: str
    description: str
    kind: str
    host_api: str
    default_rate: float
    channels: int
    loopback: bool = False
    is_default: bool = False
    index: int | None = None
    pulse_source: str | None = None

    def label(self) -> str:
        """``name`` plus the description when that says more."""
        if self.description and self.description != self.name:
            return f"{self.name} ({self.description})"
        return self.name


def portaudio() -> ModuleType:
    """Import sounddevice with belcoach's ALSA PCMs visible; start PortAudio once.

    On Linux the private ALSA configuration must be in place before PortAudio lists
    its devices. If sounddevice was imported before that (by someone else), PortAudio
    is restarted once, here, before any stream of ours is open (sounddevice's
    documented way to refresh the device list).

    Raises:
        AudioDeviceError: the PortAudio library is missing.
    """
    with _pa_lock:
        linux = sys.platform.startswith("linux")
        late = "sounddevice" in sys.modules and not _alsa_pulse.installed
        if linux:
            _alsa_pulse.install()
        try:
            import sounddevice as sd
        except OSError as exc:
            raise AudioDeviceError(INSTALL_HINT) from exc
        if linux and late and not _has_belcoach_pcms(sd):
            refresh_portaudio(sd)
        module: ModuleType = sd
        return module


def pcms_listed() -> bool:
    """Whether PortAudio lists belcoach's PulseAudio PCMs (Linux).

    They are missing when no PulseAudio/PipeWire server ran when PortAudio started,
    or the ALSA pulse plugin is not installed.
    """
    return _has_belcoach_pcms(portaudio())


def refresh_portaudio(sd: ModuleType) -> None:
    """Restart PortAudio so it lists devices plugged in since it started.

    Closes every open PortAudio stream of this process: call only with none open.
    """
    sd._terminate()
    sd._initialize()


def _has_belcoach_pcms(sd: ModuleType) -> bool:
    names = {str(d["name"]) for d in sd.query_devices()}
    return all(p in names for p in pulse.PCM_NAMES)


def alsa_pulse() -> pulse.AlsaPulseConfig:
    """The process's private ALSA configuration (Linux)."""
    return _alsa_pulse


def _is_wasapi_loopback(sd: ModuleType, index: int, name: str) -> bool:
    """PortAudio's own flag when the library has it, else the ``[Loopback]`` suffix."""
    try:
        return bool(sd._lib.PaWasapi_IsLoopback(index) == 1)
    except (AttributeError, NotImplementedError, TypeError):
        return name.lower().endswith("[loopback]")


def list_devices() -> list[DeviceInfo]:
    """Every input and output, PulseAudio sources included; inputs first.

    Raises:
        AudioDeviceError: PortAudio is missing.
    """
    sd = portaudio()
    apis = sd.query_hostapis()
    try:
        default_in, default_out = (int(x) for x in sd.default.device)
    except (TypeError, ValueError):
        default_in = default_out = -1
    inputs: list[DeviceInfo] = []
    outputs: list[DeviceInfo] = []
    sources = pulse.list_sources() if sys.platform.startswith("linux") else None
    if sources is not None:
        default_src = pulse.default_source()
        for s in sources:
            inputs.append(
                DeviceInfo(
                    s.name,
                    s.description,
                    "input",
                    PULSE_API,
                    float(s.rate),
                    s.channels,
                    loopback=s.monitor,
                    is_default=s.name == default_src,
                    pulse_source=s.name,
                )
            )
    for dev in sd.query_devices():
        name = str(dev["name"])
        if name in pulse.PCM_NAMES:
            continue
        api = str(apis[dev["hostapi"]]["name"])
        index = int(dev["index"])
        api_defaults: Any = apis[dev["hostapi"]]
        if dev["max_input_channels"] > 0:
            loop = "WASAPI" in api and _is_wasapi_loopback(sd, index, name)
            inputs.append(
                DeviceInfo(
                    name,
                    name,
                    "input",
                    api,
                    float(dev["default_samplerate"]),
                    int(dev["max_input_channels"]),
                    loopback=loop,
                    is_default=index == default_in
                    or (
                        sources is None
                        and index == api_defaults["default_input_device"]
                        and "WASAPI" in api
                    ),
                    index=index,
                )
            )
        if dev["max_output_channels"] > 0:
            outputs.append(
                DeviceInfo(
                    name,
                    name,
                    "output",
                    api,
                    float(dev["default_samplerate"]),
                    int(dev["max_output_channels"]),
                    is_default=index == default_out,
                    index=index,
                )
            )
    return inputs + outputs


def _rank(dev: DeviceInfo) -> int:
    try:
        return HOST_API_PREFERENCE.index(dev.host_api)
    except ValueError:
        return len(HOST_API_PREFERENCE)


def find_input(query: str, devices: list[DeviceInfo] | None = None) -> DeviceInfo:
    """The input device a remembered name stands for.

    Tries, in order: the exact name, the exact description, then a case-insensitive
    part of either. Among several matches the preferred host API wins
    (`HOST_API_PREFERENCE`); a tie is an error naming the candidates.

    Raises:
        AudioDeviceError: nothing matches, or the name is ambiguous.
    """
    inputs = [d for d in (devices if devices is not None else list_devices()) if d.kind == "input"]
    q = query.strip()
    for test in (
        lambda d: d.name == q,
        lambda d: d.description == q,
        lambda d: q.lower() in d.name.lower() or q.lower() in d.description.lower(),
    ):
        hits = [d for d in inputs if test(d)]
        if not hits:
            continue
        best = min(_rank(d) for d in hits)
        hits = [d for d in hits if _rank(d) == best]
        if len(hits) == 1:
            return hits[0]
        names = "; ".join(d.label() for d in hits[:6])
        raise AudioDeviceError(f"audio device {query!r} is ambiguous: it matches {names}")
    available = "; ".join(d.label() for d in inputs[:12]) or "none"
    raise AudioDeviceError(
        f"no audio input device matches {query!r}; inputs: {available} (see belcoach devices)"
    )


def default_agent_input(devices: list[DeviceInfo]) -> DeviceInfo | None:
    """The system's default microphone, preferring a real microphone over a monitor."""
    inputs = [d for d in devices if d.kind == "input"]
    preds: tuple[Callable[[DeviceInfo], bool], ...] = (
        lambda d: d.is_default and d.host_api == PULSE_API,
        lambda d: d.is_default and "WASAPI" in d.host_api and not d.loopback,
        lambda d: d.is_default and not d.loopback,
        lambda d: d.is_default,
    )
    for pred in preds:
        hits = [d for d in inputs if pred(d)]
        if hits:
            return hits[0]
    return None


def default_call_input(devices: list[DeviceInfo]) -> DeviceInfo | None:
    """What records the call audio by default: the default output's monitor/loopback.

    Linux: the default sink's ``.monitor``. Windows: the WASAPI loopback of the
    default WASAPI output. macOS: an installed loopback driver (BlackHole, ...), if any.
    """
    inputs = [d for d in devices if d.kind == "input"]
    if sys.platform.startswith("linux"):
        monitor = pulse.default_sink_monitor()
        hits = [d for d in inputs if d.pulse_source is not None and d.pulse_source == monitor]
        if hits:
            return hits[0]
    outputs = [d for d in devices if d.kind == "output" and d.is_default]
    for out in outputs:
        hits = [d for d in inputs if d.loopback and d.name.startswith(out.name)]
        if hits:
            return hits[0]
    hits = [d for d in inputs if any(h in d.name.lower() for h in LOOPBACK_HINTS)]
    return hits[0] if hits else None


def missing_hint(role: str) -> str:
    """What to tell a person who has no usable device for ``role``, per platform."""
    if role == "customer":
        if sys.platform == "darwin":
            return (
                "macOS cannot record the call audio by itself: install a loopback driver "
                "(BlackHole 2ch) and choose it as the call audio device"
            )
        if sys.platform.startswith("win"):
            return "choose the headset's '[Loopback]' device as the call audio device"
        return "choose the monitor of the headset/speaker output as the call audio device"
    return "plug in a headset or choose the microphone in the settings"


def platform_summary() -> str:
    """One line naming the platform's capture route, for ``belcoach devices``."""
    if sys.platform.startswith("linux"):
        if pulse.pactl_path() is None:
            return "Linux without pactl: only ALSA devices (install pulseaudio-utils)"
        if not pulse.server_running():
            return "Linux: no PulseAudio/PipeWire server answers; only ALSA devices"
        return "Linux: PulseAudio/PipeWire sources via the ALSA pulse plugin"
    if sys.platform.startswith("win"):
        return "Windows: WASAPI (the call audio is an output's [Loopback] device)"
    if sys.platform == "darwin":
        return "macOS: Core Audio (the call audio needs a loopback driver such as BlackHole)"
    return f"{sys.platform}: PortAudio devices"
