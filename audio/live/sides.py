"""The device side of a live call: which device records each side, and its health.

`SideSet` owns both sides' connections on the engine thread: it resolves remembered
names to devices, opens one stream per device (one shared stream when both sides
name the same stereo device), drains the streams into the `LiveChannel` s, and turns
device trouble into status events: ``device_missing`` at the start, ``device_lost``
and ``device_back`` mid-call, ``overrun`` when audio was dropped. A missing or lost
device is retried every ``retry_seconds``; a PulseAudio source is only retried once
`PulseWatcher` has seen it come back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.audio.events import (
    Channel,
    DeviceBack,
    DeviceLost,
    EngineStatus,
    Event,
    StatusCode,
    StatusLevel,
)
from belcoach.audio.live import devices as devs
from belcoach.audio.live.capture import CALLBACK_SECONDS, DeviceCapture
from belcoach.audio.live.channel import LiveChannel
from belcoach.audio.live.clock import ChannelAligner
from belcoach.audio.live.devices import DeviceInfo
from belcoach.audio.live.pulse import PCM_NAMES, PulseWatcher
from belcoach.core.errors import AudioDeviceError

log = logging.getLogger(__name__)

Publish = Callable[[Event], None]

ROLE_WORDS = {Channel.AGENT: "agent microphone", Channel.CUSTOMER: "call audio"}


@dataclass(frozen=True, slots=True)
class LiveOptions:
    """How the live source behaves (all times in seconds).

    Attributes:
        block_seconds: audio per yielded block.
        hold_back: how long after real time a block is assembled, so audio that
            arrives late (device buffering, timestamp jitter) still lands in it;
            every alert is this much later than the sound.
        level_seconds: interval of `LevelUpdate` events per channel.
        retry_seconds: interval of reconnect attempts for a missing or lost device.
        stall_seconds: no audio for this long from a device that should deliver
            continuously means it is lost.
        overrun_report_seconds: at most one ``overrun`` status per channel this often.
        ring_seconds: audio each device's ring buffer holds.
    """

    block_seconds: float = 0.1
    hold_back: float = 0.3
    level_seconds: float = 0.2
    retry_seconds: float = 1.0
    stall_seconds: float = 2.5
    overrun_report_seconds: float = 5.0
    ring_seconds: float = 4.0


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """Which device records one side.

    Attributes:
        device: a remembered device name (or part of it); None = the system default
            (microphone for the agent, the default output's monitor/loopback for the
            call audio).
        column: the device channel to take, 0-based; None mixes all channels. When
            both sides name the same device, the defaults are 0 (agent) and 1
            (customer): one stereo device, left = agent, right = customer.
        enabled: False leaves this side silent without looking for a device (a
            single-device level meter).
    """

    device: str | None = None
    column: int | None = None
    enabled: bool = True


@dataclass(slots=True)
class _Side:
    """A channel plus the state of its device connection."""

    channel: LiveChannel
    spec: ChannelSpec
    device: DeviceInfo | None = None
    capture: DeviceCapture | None = None
    down_since: float | None = None  # audio time the device was lost; None while up
    missing: bool = False
    next_retry: float = 0.0
    reconnects: int = 0
    overrun_t: float = -1e9  # audio time of the last overrun status


def _same(a: DeviceInfo | None, b: DeviceInfo | None) -> bool:
    """One physical device (listings taken at different times differ in other fields)."""
    return a is not None and b is not None and (a.name, a.host_api) == (b.name, b.host_api)


class SideSet:
    """Both sides' device connections; used only on the engine thread.

    Args:
        specs: which device records each side.
        options: timing options.
        call_start: monotonic time of audio-clock zero.
        emit: where status events go.
    """

    def __init__(
        self,
        specs: dict[Channel, ChannelSpec],
        options: LiveOptions,
        call_start: float,
        emit: Publish,
    ) -> None:
        self.options = options
        self._specs = specs
        self._call_start = call_start
        self._emit = emit
        self._t = 0.0
        self._watcher: PulseWatcher | None = None
        self._sides: dict[Channel, _Side] = {}

    def channel(self, role: Channel) -> LiveChannel:
        """The channel of one side."""
        return self._sides[role].channel

    def setup(self) -> None:
        """Find and open both sides' devices; report the ones that are missing."""
        self._sides = {
            role: _Side(LiveChannel(role, spec.column, ChannelAligner(self._call_start)), spec)
            for role, spec in self._specs.items()
        }
        known = self._list_devices()
        for role, side in self._sides.items():
            if not side.spec.enabled:
                continue
            side.device, problem = self._resolve(role, side.spec, known)
            if side.device is None:
                self._report_missing(side, problem)
        self._share_stereo_device()
        if any(s.device and s.device.pulse_source for s in self._sides.values()):
            self._watcher = PulseWatcher()
            self._watcher.start()
        for side in self._sides.values():
            if side.device is not None and not self._open(side):
                self._report_missing(side, f"{side.device.label()!r} cannot be opened")

    def teardown(self) -> None:
        """Close every device and the PulseAudio watcher."""
        for side in self._sides.values():
            if side.capture is not None:
                side.capture.close()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def _list_devices(self) -> list[DeviceInfo]:
        try:
            return devs.list_devices()
        except AudioDeviceError as exc:
            log.warning("%s", exc)
            return []

    def _resolve(
        self, role: Channel, spec: ChannelSpec, known: list[DeviceInfo]
    ) -> tuple[DeviceInfo | None, str]:
        """The device for ``spec``, or None and why not."""
        if spec.device:
            try:
                return devs.find_input(spec.device, known), ""
            except AudioDeviceError as exc:
                return None, str(exc)
        pick = (
            devs.default_agent_input(known)
            if role == Channel.AGENT
            else devs.default_call_input(known)
        )
        if pick is None:
            return None, f"no default {ROLE_WORDS[role]} device"
        return pick, ""

    def _share_stereo_device(self) -> None:
        """Both sides on one device: one stream, left = agent and right = customer."""
        a, c = self._sides[Channel.AGENT], self._sides[Channel.CUSTOMER]
        if a.device is None or c.device is None or not _same(a.device, c.device):
            return
        if a.channel.column is None and c.channel.column is None and a.device.channels >= 2:
            a.channel.column, c.channel.column = 0, 1

    def _open(self, side: _Side) -> bool:
        """Open (or share) the side's device; False if it cannot be opened now."""
        assert side.device is not None
        other = next(s for s in self._sides.values() if s is not side)
        if other.capture is not None and _same(other.device, side.device):
            side.capture = other.capture
        else:
            columns = [
                s.channel.column
                for s in self._sides.values()
                if _same(s.device, side.device) and s.channel.column is not None
            ]
            channels = max(columns) + 1 if columns else 1
            pcm = PCM_NAMES[0] if side.channel.role == Channel.AGENT else PCM_NAMES[1]
            capture = DeviceCapture(
                side.device, channels=channels, pcm=pcm, ring_seconds=self.options.ring_seconds
            )
            try:
                capture.open()
            except AudioDeviceError as exc:
                log.info("%s", exc)
                return False
            side.capture = capture
        cap = side.capture
        # Only this side starts reading; a side already reading a shared stream goes on.
        side.channel.connect(cap.rate, round(cap.rate * CALLBACK_SECONDS))
        return True

    def service(self, t: float) -> None:
        """Drain the devices, notice failures and retry missing ones (engine thread).

        Args:
            t: audio-clock time of the block being assembled; events are stamped with it.
        """
        self._t = t
        now = time.monotonic()
        drained: set[int] = set()
        for side in self._sides.values():
            cap = side.capture
            if cap is None or id(cap) in drained:
                continue
            drained.add(id(cap))
            chunk = cap.drain()
            for s in self._sides.values():
                if s.capture is cap:
                    s.channel.feed(chunk)
                    self._check_overrun(s)
        for side in self._sides.values():
            if side.capture is not None:
                reason = self._fault(side, now)
                if reason is not None:
                    self._lose(side, reason)
            elif (side.device is not None or side.missing) and now >= side.next_retry:
                self._retry(side, now)

    def _fault(self, side: _Side, now: float) -> str | None:
        assert side.capture is not None and side.device is not None
        source = side.device.pulse_source
        if source is not None and self._watcher is not None:
            if not self._watcher.alive:
                self._watcher.refresh()
            if source not in self._watcher.names:
                return "the device was removed"
        return side.capture.fault(now, stall_seconds=self.options.stall_seconds)

    def _lose(self, side: _Side, reason: str) -> None:
        cap = side.capture
        assert cap is not None and side.device is not None
        for s in self._sides.values():
            if s.capture is cap:
                label = s.device.label() if s.device else "?"
                s.capture = None
                s.down_since = self._t
                s.next_retry = time.monotonic() + self.options.retry_seconds
                s.channel.aligner.restart()
                self._emit(
                    DeviceLost(
                        self._t,
                        s.channel.role,
                        message=(
                            f"The {ROLE_WORDS[s.channel.role]} ({label}) stopped: {reason}. "
                            "That side is silent until it is back; the call goes on."
                        ),
                        details={"device": s.device.name if s.device else "", "reason": reason},
                    )
                )
        cap.close()

    def _retry(self, side: _Side, now: float) -> None:
        side.next_retry = now + self.options.retry_seconds
        nothing_open = all(s.capture is None for s in self._sides.values())
        stale = side.device is None or side.device.pulse_source is None or not devs.pcms_listed()
        if nothing_open and stale:
            # PortAudio only sees devices plugged in after it started once it restarts,
            # which would close every stream: safe only while none is open.
            try:
                devs.refresh_portaudio(devs.portaudio())
            except AudioDeviceError:
                return
        if side.device is None or side.missing or (nothing_open and stale):
            known = self._list_devices()
            device, _ = self._resolve(side.channel.role, side.spec, known)
            if device is None:
                return
            side.device = device
            self._share_stereo_device()
        assert side.device is not None
        source = side.device.pulse_source
        if source is not None and self._watcher is not None and source not in self._watcher.names:
            if self._watcher.alive:
                return
            self._watcher.refresh()
            if source not in self._watcher.names:
                return
        if source is not None and self._watcher is None:
            self._watcher = PulseWatcher()
            self._watcher.start()
        if not self._open(side):
            return
        side.reconnects += 1
        gap = None if side.down_since is None else round(self._t - side.down_since, 2)
        was_missing = side.missing
        side.down_since, side.missing = None, False
        self._emit(
            DeviceBack(
                self._t,
                side.channel.role,
                message=(
                    f"The {ROLE_WORDS[side.channel.role]} ({side.device.label()}) "
                    f"{'is connected' if was_missing else 'is back'}."
                ),
                details={"device": side.device.name, "gap_seconds": gap},
            )
        )

    def _report_missing(self, side: _Side, problem: str) -> None:
        role = side.channel.role
        hint = devs.missing_hint(role.value)
        side.missing = True
        side.next_retry = time.monotonic() + self.options.retry_seconds
        self._emit(
            EngineStatus(
                self._t,
                role,
                level=StatusLevel.ERROR,
                code=StatusCode.DEVICE_MISSING,
                message=f"No usable {ROLE_WORDS[role]}: {problem}; {hint}.",
                details={"device": side.spec.device or ""},
            )
        )

    def _check_overrun(self, side: _Side) -> None:
        ch = side.channel
        if ch.dropped <= ch.dropped_reported:
            return
        if self._t - side.overrun_t < self.options.overrun_report_seconds:
            return
        side.overrun_t = self._t
        new = ch.dropped - ch.dropped_reported
        ch.dropped_reported = ch.dropped
        self._emit(
            EngineStatus(
                self._t,
                ch.role,
                level=StatusLevel.WARNING,
                code=StatusCode.OVERRUN,
                message=(
                    f"{new} audio block{'s' if new != 1 else ''} of the {ROLE_WORDS[ch.role]} "
                    "dropped: the computer could not keep up."
                ),
                details={"dropped": ch.dropped, "lost_seconds": round(ch.lost_seconds, 3)},
            )
        )

    def stats(self) -> dict[str, dict[str, float]]:
        """Per channel: drift (ppm), aligner jumps, silence filled, drops, reconnects."""
        out: dict[str, dict[str, float]] = {}
        for role, side in self._sides.items():
            a = side.channel.aligner.stats
            out[role.value] = {
                "drift_ppm": a.drift_ppm,
                "speed": a.speed,
                "offset_ms": 1000 * a.offset,
                "jumps": float(a.jumps),
                "missing_seconds": a.missing / SAMPLE_RATE,
                "dropped_blocks": float(side.channel.dropped),
                "lost_seconds": side.channel.lost_seconds,
                "reconnects": float(side.reconnects),
                "rate": side.capture.rate if side.capture else 0.0,
            }
        return out
