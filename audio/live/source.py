"""Live capture as an `AudioSource`: the agent's microphone and the call audio.

`open_live` builds a `LiveCallSource`; the engine iterates its `blocks` exactly as it
iterates a recorded file. The source runs on the engine thread: every
``block_seconds`` of wall-clock time it drains the devices' ring buffers, puts both
channels on the call clock (see `belcoach.audio.live.clock`) and yields a block.

Because `AudioSource` only yields audio, the source publishes its own events
(device status, meters) through the ``publish`` it is opened with: `run_call` and
`CallSession` open it through a `SourceFactory` given the call's ``publish``, so they
land on the call's bus, on the engine thread, stamped on the audio clock:

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
from collections.abc import Iterator

from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock, AudioClock
from belcoach.audio.events import Channel, Event
from belcoach.audio.live import devices as devs
from belcoach.audio.live.devices import DeviceInfo
from belcoach.audio.live.sides import ROLE_WORDS, ChannelSpec, LiveOptions, Publish, SideSet
from belcoach.core.errors import AudioDeviceError

log = logging.getLogger(__name__)

__all__ = ["ChannelSpec", "LiveCallSource", "LiveOptions", "Publish", "check_devices", "open_live"]


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
        self._sides: SideSet | None = None
        self._call_start = 0.0
        self._clock: AudioClock | None = None
        self.description = " + ".join(
            f"{spec.device or 'default'} ({ROLE_WORDS[role]})" for role, spec in self._specs.items()
        )

    @property
    def clock_origin(self) -> float:
        """``time.monotonic()`` at audio-clock zero (set when `blocks` starts)."""
        return self._call_start

    def audio_clock(self) -> AudioClock | None:
        """The call clock on the wall clock; None until `blocks` starts.

        The call clock *is* the monotonic clock since the call started: each channel
        is placed on it by when its audio arrived (see `belcoach.audio.live.clock`),
        so audio at call time ``t`` reached the computer at ``origin + t``. The
        device's own input latency before that is not counted (it is not knowable
        here; PortAudio's ADC times were measured to be wrong, see the clock module).
        Latencies therefore include the ``hold_back`` wait before each block.
        """
        return self._clock

    # -- the AudioSource protocol -----------------------------------------------------

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """Yield blocks of both channels, paced by the wall clock, until ``stop`` is set.

        Never raises for device trouble: a missing or failing device becomes a status
        event and silence on its side.
        """
        opt = self.options
        n = round(opt.block_seconds * SAMPLE_RATE)
        self._call_start = time.monotonic()
        self._clock = AudioClock(self._call_start)
        sides = SideSet(self._specs, opt, self._call_start, self._emit)
        self._sides = sides
        sides.setup()
        k = 0
        next_level = opt.level_seconds
        try:
            while True:
                due = self._call_start + (k + 1) * n / SAMPLE_RATE + opt.hold_back
                if stop.wait(max(0.0, due - time.monotonic())):
                    return
                t = k * n / SAMPLE_RATE
                sides.service(t)
                agent = sides.channel(Channel.AGENT).read(t, n)
                customer = sides.channel(Channel.CUSTOMER).read(t, n)
                k += 1
                end = k * n / SAMPLE_RATE
                if end >= next_level - 1e-9:
                    next_level += opt.level_seconds
                    for role in Channel:
                        ch = sides.channel(role)
                        self._emit(ch.meter.take(end, ch.role, ch.dropped))
                yield AudioBlock(t=t, agent=agent, customer=customer)
        finally:
            sides.teardown()

    def _emit(self, event: Event) -> None:
        if self._publish is not None:
            self._publish(event)

    def stats(self) -> dict[str, dict[str, float]]:
        """Per channel: drift (ppm), offset, aligner jumps, silence filled, drops, reconnects."""
        return {} if self._sides is None else self._sides.stats()


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
        LiveCallSource: pass it to `belcoach.audio.jobs.run.run_call` with ``paced=True``.
    """
    return LiveCallSource(
        ChannelSpec(agent_device or None, agent_column),
        ChannelSpec(customer_device or None, customer_column),
        options=options,
        publish=publish,
    )
