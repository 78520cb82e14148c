"""PulseAudio / PipeWire sources through PortAudio, on Linux.

PortAudio's ALSA host API sees a PulseAudio (or PipeWire-pulse) server as two
devices, ``pulse`` and ``default``, both recording from the *default* source. A call
needs two specific sources at once: the headset microphone and the ``.monitor`` of the
sink the softphone plays into. ``PULSE_SOURCE`` cannot do it (one value per process),
so belcoach gives each channel its own ALSA PCM of type ``pulse`` with a ``device``
naming the source, in a private ALSA configuration file that is added to
``ALSA_CONFIG_PATH`` before PortAudio starts (nothing in the user's ``~/.asoundrc`` is
touched). The PCMs have fixed names (`PCM_NAMES`), so PortAudio lists them once; which
source each one records is rewritten in the file before a stream opens, and alsa-lib
re-reads a changed file on every ``snd_pcm_open``.

Sources are listed with ``pactl`` (PulseAudio's or PipeWire's), as JSON where
``pactl`` supports it (PulseAudio >= 16) and otherwise from its text output in the C
locale. Two behaviours of the server matter for a live call:

- When a source disappears, the server moves our record stream to another source
  instead of ending it (stream rescue), so PortAudio never reports the loss and the
  channel would silently record the wrong device. `PulseWatcher` follows
  ``pactl subscribe`` and tells the capture when a source comes and goes.
- Opening a PCM whose source does not exist fails at once (ALSA error -5), which is
  what reconnect attempts rely on.

Needs alsa-lib's PulseAudio plugin (Debian ``libasound2-plugins``, Fedora
``alsa-plugins-pulseaudio``) and ``pactl`` (Debian ``pulseaudio-utils``).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PCM_NAMES: tuple[str, str] = ("belcoach_agent", "belcoach_customer")
"""The ALSA PCMs belcoach records PulseAudio sources through, one per channel."""

ALSA_DEFAULT_CONFIG = ("/usr/share/alsa/alsa.conf", "/etc/alsa/alsa.conf")
"""Where distributions keep alsa-lib's top configuration (compiled in, first wins)."""

PACTL_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class PulseSource:
    """One PulseAudio source.

    Attributes:
        name: the server's name, e.g. ``alsa_output.usb-Jabra.analog-stereo.monitor``.
        description: what desktop mixers show, e.g. ``Monitor of Jabra Evolve 40``.
        monitor: True for a sink's monitor (what that sink plays: call audio).
        rate: the source's sample rate in Hz.
        channels: the source's channel count.
    """

    name: str
    description: str
    monitor: bool
    rate: int
    channels: int


def pactl_path() -> str | None:
    """The ``pactl`` executable, or None when it is not installed."""
    return shutil.which("pactl")


def _pactl(*args: str) -> str | None:
    """Run pactl in the C locale; None if it is missing, fails or no server runs."""
    exe = pactl_path()
    if exe is None:
        return None
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        done = subprocess.run(
            [exe, *args],
            capture_output=True,
            text=True,
            timeout=PACTL_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("pactl %s failed: %s", " ".join(args), exc)
        return None
    if done.returncode != 0:
        log.info("pactl %s: %s", " ".join(args), done.stderr.strip())
        return None
    return done.stdout


def server_running() -> bool:
    """True when a PulseAudio-compatible server answers."""
    return _pactl("info") is not None


def _spec(spec: str) -> tuple[int, int]:
    """(rate, channels) from a sample spec such as ``s16le 2ch 48000Hz``."""
    rate, channels = 48_000, 2
    for part in spec.split():
        if part.endswith("Hz") and part[:-2].isdigit():
            rate = int(part[:-2])
        elif part.endswith("ch") and part[:-2].isdigit():
            channels = int(part[:-2])
    return rate, channels


def list_sources() -> list[PulseSource] | None:
    """Every source of the running server, or None when no server answers."""
    out = _pactl("-f", "json", "list", "sources")
    if out is not None:
        try:
            return [_source_from_json(item) for item in json.loads(out)]
        except (ValueError, KeyError, TypeError) as exc:
            log.info("pactl JSON not understood (%s); reading its text output", exc)
    text = _pactl("list", "sources")
    return None if text is None else _sources_from_text(text)


def _source_from_json(item: dict[str, object]) -> PulseSource:
    props = item.get("properties") or {}
    assert isinstance(props, dict)
    rate, channels = _spec(str(item.get("sample_specification", "")))
    name = str(item["name"])
    return PulseSource(
        name=name,
        description=str(item.get("description") or name),
        monitor=props.get("device.class") == "monitor" or name.endswith(".monitor"),
        rate=rate,
        channels=channels,
    )


def _sources_from_text(text: str) -> list[PulseSource]:
    """Parse ``LC_ALL=C pactl list sources`` (pactl before 16 has no JSON)."""
    found: list[PulseSource] = []
    fields: dict[str, str] = {}

    def flush() -> None:
        if "Name" in fields:
            name = fields["Name"]
            rate, channels = _spec(fields.get("Sample Specification", ""))
            monitor = fields.get("Monitor of Sink", "n/a") != "n/a" or name.endswith(".monitor")
            found.append(
                PulseSource(name, fields.get("Description", name), monitor, rate, channels)
            )
        fields.clear()

    for line in text.splitlines():
        if line.startswith("Source #"):
            flush()
            continue
        key, sep, value = line.strip().partition(":")
        if sep and key in ("Name", "Description", "Sample Specification", "Monitor of Sink"):
            fields[key] = value.strip()
    flush()
    return found


def default_source() -> str | None:
    """Name of the server's default source (normally the microphone)."""
    out = _pactl("get-default-source")
    return out.strip() or None if out is not None else None


def default_sink_monitor() -> str | None:
    """Name of the default sink's monitor: what the speakers/headset play, i.e. the call."""
    out = _pactl("get-default-sink")
    if out is None or not out.strip():
        return None
    return f"{out.strip()}.monitor"


class AlsaPulseConfig:
    """The private ALSA configuration that gives each channel its own pulse PCM.

    `install` must run before PortAudio initialises (before ``import sounddevice``),
    because ALSA reads ``ALSA_CONFIG_PATH`` when PortAudio lists its devices.
    """

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._devices = {pcm: "" for pcm in PCM_NAMES}
        self._lock = threading.Lock()

    @property
    def installed(self) -> bool:
        """True once `install` has run."""
        return self._dir is not None

    @property
    def path(self) -> Path | None:
        """The file, once installed."""
        return None if self._dir is None else self._dir / "belcoach-pulse.conf"

    def install(self) -> bool:
        """Write the file and add it to ``ALSA_CONFIG_PATH``; False if ALSA is not found."""
        with self._lock:
            if self._dir is not None:
                return True
            base = os.environ.get("ALSA_CONFIG_PATH") or next(
                (p for p in ALSA_DEFAULT_CONFIG if Path(p).is_file()), ""
            )
            if not base:
                return False
            self._dir = Path(tempfile.mkdtemp(prefix="belcoach-alsa-"))
            atexit.register(shutil.rmtree, self._dir, True)
            self._write()
            os.environ["ALSA_CONFIG_PATH"] = f"{base}:{self.path}"
            return True

    def route(self, pcm: str, source: str) -> None:
        """Point ``pcm`` (one of `PCM_NAMES`) at the PulseAudio source ``source``."""
        with self._lock:
            if self._devices.get(pcm) == source:
                return
            self._devices[pcm] = source
            if self._dir is not None:
                self._write()

    def _write(self) -> None:
        assert self.path is not None
        blocks = []
        for pcm, source in self._devices.items():
            quoted = source.replace("\\", "\\\\").replace('"', '\\"')
            blocks.append(
                f'pcm.{pcm} {{\n    type pulse\n    device "{quoted}"\n'
                f'    hint {{ show on description "belcoach channel" }}\n}}\n'
            )
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(blocks), encoding="utf-8")
        # A rename gives the file a new inode, so alsa-lib sees the change even
        # within the same second (it compares mtime, size and inode).
        tmp.replace(self.path)


class PulseWatcher:
    """Follows ``pactl subscribe`` and keeps the set of source names current.

    A daemon thread reads the event lines; on every source event it lists the
    sources again. Readers take `names` (an immutable snapshot) without locking.
    """

    def __init__(self) -> None:
        self.names: frozenset[str] = frozenset(s.name for s in list_sources() or [])
        self.alive = True
        self._proc: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def start(self) -> None:
        """Start following the server's events."""
        exe = pactl_path()
        if exe is None:
            self.alive = False
            return
        env = dict(os.environ, LC_ALL="C", LANG="C")
        self._proc = subprocess.Popen(
            [exe, "subscribe"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self._thread = threading.Thread(target=self._run, name="pulse-watcher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        for line in proc.stdout:
            if " on source " in line or " on server" in line:
                sources = list_sources()
                self.names = frozenset(s.name for s in sources or [])
        # pactl ended: the server went away (or we closed it).
        if not self._closed.is_set():
            log.warning("the PulseAudio server went away")
            self.names = frozenset()
        self.alive = False

    def refresh(self) -> None:
        """List the sources now (used while the watcher is down)."""
        self.names = frozenset(s.name for s in list_sources() or [])
        if not self.alive and self.names and not self._closed.is_set():
            self.alive = True
            self.start()

    def close(self) -> None:
        """Stop the pactl process and the thread."""
        self._closed.set()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        if self._thread is not None:
            self._thread.join(timeout=2)
