"""Live capture as an `AudioSource`: the agent's microphone and the call audio.

`open_live` builds a `LiveCallSource`; the engine iterates its `blocks` exactly as it
iterates a recorded file. The source runs on the engine thread: every
``block_seconds`` of wall-clock time it drains the devices' ring buffers, puts both
channels on the call clock (see `belcoach.audio.live.clock`) and yields a block.

Because `AudioSource` only yields audio, the source publishes its own events
(device status, meters) through a ``publish`` callable: `run_call` binds the call's
bus to any source with a ``bind_publish`` method, so they land on the same bus, on
the engine thread, stamped on the audio clock:

- ``LevelUpdate`` per channel every ``level_seconds``;
- ``EngineStatus`` ``overrun`` (warning) when audio was dropped, at most every few
  seconds per channel, the count also in ``LevelUpdate.dropped``;
- ``device_missing`` (error) for a side with no usable device at the start: the call
  runs anyway, that side is silent, and the device is picked up when it appears;
- ``device_lost`` (warning) when a device fails or vanishes mid-call: its side is
  filled with silence (the clock keeps moving, the other side carries on), and
  ``device_back`` (info) when it has been reopened.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from belcoach.audio.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.events import Channel, EngineStatus, Event
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


class LiveCallSource:
    """Two live input devices as one two-channel `AudioSource` on one audio clock.

    Build it with `open_live`. ``blocks`` opens the devices, yields 16 kHz blocks
    paced by the wall clock until ``stop`` is set, and closes them again.

    Attributes:
        description: the devices, for a person.
        duration: None (a live call has no known length).
    """

    duration: float | None = None

    def __init__(
        self,
        agent: ChannelSpec,
        customer: ChannelSpec,
        *,
        options: LiveOptions | None = None,
        publish: Publish | None = None,
    ) -> None:
        self.options = options or LiveOptions()
        self._specs = {Channel.AGENT: agent, Channel.CUSTOMER: customer}
        self._publish = publish
        self._sides: dict[Channel, _Side] = {}
        self._watcher: PulseWatcher | None = None
        self._call_start = 0.0
        self._t = 0.0
        self.description = " + ".join(
            f"{spec.device or 'default'} ({ROLE_WORDS[role]})" for role, spec in self._specs.items()
        )

    @property
    def clock_origin(self) -> float:
        """``time.monotonic()`` at audio-clock zero (set when `blocks` starts)."""
        return self._call_start

    def bind_publish(self, publish: Publish) -> None:
        """Send this source's status and level events to ``publish`` (the call's bus)."""
        self._publish = publish

    # -- the AudioSource protocol -----------------------------------------------------

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """Yield blocks of both channels, paced by the wall clock, until ``stop`` is set.

        Never raises for device trouble: a missing or failing device becomes a status
        event and silence on its side.
        """
        opt = self.options
        n = round(opt.block_seconds * SAMPLE_RATE)
        self._call_start = time.monotonic()
        self._setup()
        k = 0
        next_level = opt.level_seconds
        try:
            while True:
                due = self._call_start + (k + 1) * n / SAMPLE_RATE + opt.hold_back
                if stop.wait(max(0.0, due - time.monotonic())):
                    return
                t = k * n / SAMPLE_RATE
                self._t = t
                self._service()
                agent = self._sides[Channel.AGENT].channel.read(t, n)
                customer = self._sides[Channel.CUSTOMER].channel.read(t, n)
                k += 1
                end = k * n / SAMPLE_RATE
                if end >= next_level - 1e-9:
                    next_level += opt.level_seconds
                    for side in self._sides.values():
                        ch = side.channel
                        self._emit(ch.meter.take(end, ch.role, ch.dropped))
                yield AudioBlock(t=t, agent=agent, customer=customer)
        finally:
            self._teardown()

    # -- set-up and teardown ----------------------------------------------------------

    def _setup(self) -> None:
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

    def _teardown(self) -> None:
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
        if a.device is None or c.device is None or a.device != c.device:
            return
        if a.channel.column is None and c.channel.column is None and a.device.channels >= 2:
            a.channel.column, c.channel.column = 0, 1

    # -- device connections -----------------------------------------------------------

    def _open(self, side: _Side) -> bool:
        """Open (or share) the side's device; False if it cannot be opened now."""
        assert side.device is not None
        other = next(s for s in self._sides.values() if s is not side)
        if other.capture is not None and other.device == side.device:
            side.capture = other.capture
        else:
            columns = [
                s.channel.column
                for s in self._sides.values()
                if s.device == side.device and s.channel.column is not None
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
        for s in self._sides.values():
            if s.capture is cap:
                s.channel.connect(cap.rate, round(cap.rate * CALLBACK_SECONDS))
        return True

    def _service(self) -> None:
        """Drain the devices, notice failures and retry missing ones (engine thread)."""
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
                    EngineStatus(
                        self._t,
                        s.channel.role,
                        level="warning",
                        code="device_lost",
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
        if nothing_open and (side.device is None or side.device.pulse_source is None):
            # PortAudio only sees devices plugged in after it started once it restarts,
            # which would close every stream: safe only while none is open.
            try:
                devs.refresh_portaudio(devs.portaudio())
            except AudioDeviceError:
                return
            side.missing = True
        if side.device is None or side.missing:
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
            EngineStatus(
                self._t,
                side.channel.role,
                code="device_back",
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
                level="error",
                code="device_missing",
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
                level="warning",
                code="overrun",
                message=(
                    f"{new} audio block{'s' if new != 1 else ''} of the {ROLE_WORDS[ch.role]} "
                    "dropped: the computer could not keep up."
                ),
                details={"dropped": ch.dropped, "lost_seconds": round(ch.lost_seconds, 3)},
            )
        )

    def _emit(self, event: Event) -> None:
        if self._publish is not None:
            self._publish(event)

    # -- figures ------------------------------------------------------------------------

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


def check_devices(
    agent_device: str | None, customer_device: str | None
) -> tuple[DeviceInfo | None, DeviceInfo | None]:
    """Resolve both device names now, for callers that want a wrong name to fail at once.

    Returns:
        The agent's and the customer's device (None where the default is missing).

    Raises:
        AudioDeviceError: a named device matches nothing or is ambiguous, or the
            computer has no audio input at all.
    """
    known = devs.list_devices()
    if not any(d.kind == "input" for d in known):
        raise AudioDeviceError(
            "no audio input devices found: plug in a headset (and on Linux check that "
            "PulseAudio/PipeWire runs and libasound2-plugins is installed)"
        )
    agent = (
        devs.find_input(agent_device, known) if agent_device else devs.default_agent_input(known)
    )
    customer = (
        devs.find_input(customer_device, known)
        if customer_device
        else devs.default_call_input(known)
    )
    return agent, customer


def open_live(
    *,
    agent_device: str | None = None,
    customer_device: str | None = None,
    agent_column: int | None = None,
    customer_column: int | None = None,
    options: LiveOptions | None = None,
    publish: Publish | None = None,
) -> LiveCallSource:
    """A live call source on the given devices (by remembered name; None = default).

    Opens nothing yet: devices are opened when the engine starts iterating, and a
    missing device is reported as a ``device_missing`` status event, never raised, so
    the overlay keeps running and can say what to pick. Use `check_devices` first
    when a wrong name should fail at once (the CLI does).

    Args:
        agent_device: the agent's microphone (``audio.agent_device``).
        customer_device: the call audio (``audio.customer_device``).
        agent_column: device channel for the agent, 0-based; None mixes all.
        customer_column: device channel for the customer, 0-based; None mixes all.
        options: timing options.
        publish: where status and level events go; `run_call` sets it to the bus.

    Returns:
        LiveCallSource: pass it to `belcoach.audio.pipeline.run_call` with ``paced=True``.
    """
    return LiveCallSource(
        ChannelSpec(agent_device or None, agent_column),
        ChannelSpec(customer_device or None, customer_column),
        options=options,
        publish=publish,
    )
