"""Recorded calls as an `AudioSource`: one stereo file or two mono files, any rate.

A coach (or ``belcoach analyze CALL``) hands us a recording; the engine wants the
same 16 kHz two-channel blocks a live call produces. `open_call` checks the
file(s) up front so a bad argument fails before any model loads, and explains the
problem in one line naming the file. `FileCallSource.blocks` then streams: it
decodes and resamples one block at a time, so a two-hour call never sits in
memory, and it can pace itself by the wall clock to replay a call "live".

Every soundfile/libsndfile/soxr failure is turned into `AudioFileError` here, at
the boundary, so a person never sees a traceback for a bad file.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock, AudioClock
from belcoach.audio.engine.resample import READ_ERRORS, ResampledReader, libsndfile_reason
from belcoach.core.errors import AudioFileError, ConfigError

logger = logging.getLogger(__name__)

MIN_RATE, MAX_RATE = 1_000, 768_000
"""Sample rates we accept; outside them a header is garbage, not a phone call."""

MAX_BLOCK_SECONDS = 10.0
"""Longer blocks would defeat streaming and make the engine's alerts late."""

MONO_MESSAGE = (
    "One channel only: the recording is taken as the agent's side. Speaking rate and "
    "pauses work; over-talk, dead air and the talk ratio need two channels (a stereo "
    "file, left = agent, right = customer, or --agent and --customer)."
)
"""What the engine says (status ``mono_call``) when a call has one channel."""


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What one input file holds, as its header states it (for the CLI to print).

    Attributes:
        path: the file, as given.
        role: ``"call"`` (one stereo file), ``"agent"`` or ``"customer"``.
        format: libsndfile's container name, e.g. ``"WAV"``, ``"FLAC"``, ``"MP3"``.
        subtype: the encoding, e.g. ``"PCM_16"``, ``"VORBIS"``, ``"MPEG_LAYER_III"``.
        sample_rate: the file's own rate in Hz, before resampling to 16 kHz.
        channels: channels in the file.
        frames: frames per channel the header states.
    """

    path: Path
    role: str
    format: str
    subtype: str
    sample_rate: int
    channels: int
    frames: int

    @property
    def duration(self) -> float:
        """Length in seconds according to the header."""
        return self.frames / self.sample_rate

    def summary(self) -> str:
        """One line such as ``call.flac: FLAC PCM_16, 44100 Hz, 2 channels, 61.2 s``."""
        return (
            f"{self.path.name}: {self.format} {self.subtype}, {self.sample_rate} Hz, "
            f"{self.channels} channel{'s' if self.channels != 1 else ''}, {self.duration:.1f} s"
        )


class FileCallSource:
    """A recorded call that yields 16 kHz `AudioBlock` s, like a live call would.

    Build it with `open_call`, which validates the input; the source itself keeps
    no file open between runs, and each call to `blocks` replays from the start.

    Damaged files: `blocks` first yields every block it could decode, with the
    resampler flushed so the last good audio is not held back, and only then raises
    ``AudioFileError("x.flac: damaged at 12.3 s: <reason>")``. We raise rather than
    stop quietly because a coach must know the analysis covers part of the call;
    we yield first because the engine has already turned the earlier blocks into
    events that must not be lost. "Damaged" means the decoder failed, or the file
    ended more than half a second before the length its header states (a cut-off
    MP3). A truncated WAV cannot be told apart from a shorter one: libsndfile sizes
    it from the file, so it plays to its end without an error. With two files, the
    call ends where the damaged one does.

    A mono call file is taken as the agent's side with a silent customer
    (``mono`` is then True and the engine says so with status ``mono_call``).

    Attributes:
        description: the file name(s), for a person.
        duration: seconds, from the header(s); the longer file for two files.
        mono: True when the call has one channel only (the agent's).
        info: one `FileInfo` per input file.
        realtime: whether `blocks` paces itself by the wall clock.
        block_seconds: nominal block length in seconds.
    """

    def __init__(
        self,
        info: Sequence[FileInfo],
        *,
        agent_channel: int = 0,
        realtime: bool = False,
        block_seconds: float = 0.1,
    ) -> None:
        self.info: tuple[FileInfo, ...] = tuple(info)
        self.realtime = realtime
        self.block_seconds = block_seconds
        self._block_frames = max(1, round(block_seconds * SAMPLE_RATE))
        self._agent_channel = agent_channel
        if len(self.info) == 1:
            self.description = self.info[0].path.name
        else:
            self.description = " + ".join(f"{i.path.name} ({i.role})" for i in self.info)
        self.duration: float | None = max(i.duration for i in self.info)
        self.mono = len(self.info) == 1 and self.info[0].channels == 1
        self._clock: AudioClock | None = None

    def audio_clock(self) -> AudioClock | None:
        """In realtime mode, when the latest run's audio time 0 was due; else None."""
        return self._clock

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        """Yield the call as 16 kHz blocks until it ends or ``stop`` is set.

        Every block but the last holds ``round(block_seconds * 16000)`` samples, and
        ``t`` counts output samples (``t = samples so far / 16000``), so it never drifts.
        In realtime mode each block is held until the wall clock reaches its end, the
        moment a live capture would have it; waiting on ``stop`` makes stop immediate.

        Args:
            stop: set it to end the stream early; no exception is raised then.

        Yields:
            AudioBlock: ``agent`` and ``customer`` as np.ndarray [shape=(n,), float32,
            16 kHz mono], same length, values in [-1, 1]. A shorter file is padded
            with silence.

        Raises:
            AudioFileError: a file vanished since `open_call`, or it is damaged
                (raised after all the good blocks; see the class docstring).
        """
        n = self._block_frames
        with ExitStack() as files:
            readers = [self._reader(files, i) for i in self.info]
            emitted = 0
            started = time.monotonic()
            if self.realtime:
                self._clock = AudioClock(started)
            while not stop.is_set():
                parts = [r.pull(n) for r in readers]
                k, damaged = _block_length(n, parts, readers, self.info)
                if k:
                    block = self._assemble(emitted, k, parts)
                    emitted += k
                    if self.realtime:
                        due = started + emitted / SAMPLE_RATE
                        if stop.wait(max(0.0, due - time.monotonic())):
                            return
                    yield block
                if damaged is not None:
                    raise damaged
                if k < n:
                    return

    def _reader(self, files: ExitStack, info: FileInfo) -> ResampledReader:
        """Reopen one file for a run and wrap it in a resampling reader."""
        handle = files.enter_context(_open_sound_file(info.path))
        columns: tuple[int, ...] = (0,)
        if info.role == "call" and info.channels == 2:
            columns = (self._agent_channel, 1 - self._agent_channel)
        return ResampledReader(handle, columns=columns, expected_frames=info.frames)

    def _assemble(self, emitted: int, k: int, parts: list[np.ndarray]) -> AudioBlock:
        """Copy ``k`` frames of each side into fresh arrays, padded and clipped."""
        agent = np.zeros(k, dtype=np.float32)
        customer = np.zeros(k, dtype=np.float32)
        if len(parts) == 1 and self.mono:
            agent[:] = parts[0][:k, 0]  # the customer stays silent
        elif len(parts) == 1:
            agent[:] = parts[0][:k, 0]
            customer[:] = parts[0][:k, 1]
        else:
            a, c = parts[0][:k, 0], parts[1][:k, 0]
            agent[: len(a)] = a
            customer[: len(c)] = c
        for side in (agent, customer):
            # Float files may hold values past full scale, and resampling overshoots
            # near 0 dBFS; the engine is promised [-1, 1]. (The reader removed NaN.)
            np.clip(side, -1.0, 1.0, out=side)
        return AudioBlock(t=emitted / SAMPLE_RATE, agent=agent, customer=customer)


def _block_length(
    n: int,
    parts: Sequence[np.ndarray],
    readers: Sequence[ResampledReader],
    info: Sequence[FileInfo],
) -> tuple[int, AudioFileError | None]:
    """How many frames the next block holds, and the damage that ends the call there.

    Normally the longest side sets the length (the shorter is padded). A damaged
    file that has run dry cuts the block where its good audio ends, so no silence
    is invented in place of audio we could not read.
    """
    k = max(len(p) for p in parts)
    damaged: AudioFileError | None = None
    for part, reader, file in zip(parts, readers, info, strict=True):
        dmg = reader.damage
        if dmg is not None and len(part) < n and len(part) <= k:
            k = len(part)
            damaged = AudioFileError(f"{file.path}: damaged at {dmg.at:.1f} s: {dmg.reason}")
    return k, damaged


def open_call(
    path: Path | None = None,
    *,
    agent: Path | None = None,
    customer: Path | None = None,
    agent_channel: int = 0,
    realtime: bool = False,
    block_seconds: float = 0.1,
) -> FileCallSource:
    """Check a recorded call and return a source that streams it.

    Give either ``path`` (one stereo file, left = agent, right = customer) or both
    ``agent`` and ``customer`` (two mono files; rates and lengths may differ). A
    mono ``path`` is taken as the agent's side alone (``source.mono``): rate and
    pauses still work, over-talk needs two channels.
    WAV, FLAC, OGG/Vorbis and MP3 work, at any rate from 1 to 768 kHz.

    Args:
        path: a stereo recording of the call.
        agent: the agent's side as a mono file.
        customer: the customer's side as a mono file.
        agent_channel: which channel of ``path`` is the agent: 0 (left) or 1 (right).
        realtime: pace blocks by the wall clock, like a live call; default is as fast
            as the machine can decode.
        block_seconds: audio per block, in seconds (0.001 to 10).

    Returns:
        FileCallSource: ready to stream; ``info`` describes the input.

    Raises:
        ConfigError: the options contradict each other or are out of range.
        AudioFileError: a file is missing, not audio, empty or has the wrong number
            of channels; the message is one line naming the file.
    """
    _check_options(path, agent, customer, agent_channel, block_seconds)
    if path is not None:
        info = _probe(Path(path), "call", block_seconds)
        if info.channels == 1 and agent_channel != 0:
            raise AudioFileError(
                f"{info.path}: is mono (1 channel), so it has no right channel for the agent"
            )
        if info.channels > 2:
            raise AudioFileError(
                f"{info.path}: has {info.channels} channels; expected a stereo call "
                "(left = agent, right = customer) or two mono files"
            )
        infos = [info]
    else:
        assert agent is not None and customer is not None
        infos = [
            _probe(Path(agent), "agent", block_seconds),
            _probe(Path(customer), "customer", block_seconds),
        ]
        for info in infos:
            if info.channels != 1:
                raise AudioFileError(
                    f"{info.path}: has {info.channels} channels; --{info.role} needs a mono "
                    "file (give a stereo call as the one call file instead)"
                )
    source = FileCallSource(
        infos, agent_channel=agent_channel, realtime=realtime, block_seconds=block_seconds
    )
    logger.debug("opened call %s (%.1f s)", source.description, source.duration)
    return source


def _check_options(
    path: Path | None,
    agent: Path | None,
    customer: Path | None,
    agent_channel: int,
    block_seconds: float,
) -> None:
    """Reject contradictory or out-of-range options before touching any file."""
    if path is not None and (agent is not None or customer is not None):
        raise ConfigError("give either one call file or --agent and --customer, not both")
    if path is None and (agent is None or customer is None):
        missing = "--customer" if agent is not None else "--agent" if customer is not None else ""
        if missing:
            raise ConfigError(
                f"two-file mode needs both --agent and --customer; {missing} is missing"
            )
        raise ConfigError("no call given: give a stereo file or --agent and --customer")
    if agent_channel not in (0, 1) or isinstance(agent_channel, bool):
        raise ConfigError(f"agent_channel must be 0 (left) or 1 (right), not {agent_channel!r}")
    if path is None and agent_channel != 0:
        raise ConfigError("agent_channel applies to a stereo call file, not to --agent/--customer")
    if not (
        isinstance(block_seconds, int | float)
        and math.isfinite(block_seconds)
        and 0.001 <= block_seconds <= MAX_BLOCK_SECONDS
    ):
        raise ConfigError(
            f"block_seconds must be between 0.001 and {MAX_BLOCK_SECONDS:g}, not {block_seconds!r}"
        )


def _open_sound_file(path: Path) -> sf.SoundFile:
    """Open ``path`` for reading, explaining any failure in one line."""
    if not path.exists():
        raise AudioFileError(f"{path}: no such file")
    if path.is_dir():
        raise AudioFileError(f"{path}: is a folder, not an audio file")
    if not os.access(path, os.R_OK):
        raise AudioFileError(f"{path}: cannot be read (permission denied)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise AudioFileError(f"{path}: contains no audio (0 s)")
    try:
        return sf.SoundFile(path)
    except READ_ERRORS as exc:
        raise AudioFileError(
            f"{path}: not a readable audio file ({libsndfile_reason(exc)})"
        ) from exc


def _probe(path: Path, role: str, block_seconds: float) -> FileInfo:
    """Read a file's header and its first block, so a bad file fails at open."""
    with _open_sound_file(path) as handle:
        info = FileInfo(
            path=path,
            role=role,
            format=str(handle.format),
            subtype=str(handle.subtype),
            sample_rate=int(handle.samplerate),
            channels=int(handle.channels),
            frames=int(handle.frames),
        )
        if not MIN_RATE <= info.sample_rate <= MAX_RATE:
            raise AudioFileError(
                f"{path}: has an unusable sample rate ({info.sample_rate} Hz); "
                f"expected {MIN_RATE}-{MAX_RATE} Hz"
            )
        if info.frames <= 0:
            raise AudioFileError(f"{path}: contains no audio (0 s)")
        if info.channels < 1:
            raise AudioFileError(f"{path}: not a readable audio file (it states 0 channels)")
        try:
            first = handle.read(
                max(1, round(block_seconds * info.sample_rate)), dtype="float32", always_2d=True
            )
        except READ_ERRORS as exc:
            raise AudioFileError(f"{path}: damaged at 0.0 s: {libsndfile_reason(exc)}") from exc
        if len(first) == 0:
            raise AudioFileError(f"{path}: contains no audio (0 s)")
    return info
