"""A private PulseAudio server with null sinks: audio devices without a sound card.

Used by the live-capture tests and benchmark. The server runs in the foreground as
our own child process (so it is ended exactly, by its id), with its runtime
directory, socket and home under a temporary folder, and anonymous auth on its
socket. Clients in this process (the ALSA pulse plugin inside PortAudio, pactl,
paplay) find it through ``PULSE_SERVER``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import numpy as np

READY_LINE = "Daemon startup complete"
START_TIMEOUT = 20.0


class PulseUnavailableError(RuntimeError):
    """pulseaudio is not installed or would not start."""


class PulseServer:
    """One private PulseAudio server.

    Args:
        root: an empty folder for its runtime dir, socket and home.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "run" / "native"
        self._proc: subprocess.Popen[str] | None = None
        self._log: deque[str] = deque(maxlen=200)
        self._ready = threading.Event()
        self.sinks: dict[str, int] = {}
        self._keep_alive: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def env(self) -> dict[str, str]:
        """Environment for clients of this server."""
        return dict(os.environ, PULSE_SERVER=f"unix:{self.socket}", LC_ALL="C")

    def start(self) -> None:
        """Start the server and wait until it accepts clients.

        Raises:
            PulseUnavailableError: pulseaudio is missing or did not come up.
        """
        exe = shutil.which("pulseaudio")
        if exe is None:
            raise PulseUnavailableError("pulseaudio is not installed (apt-get install pulseaudio)")
        for sub in ("run", "home", "state"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "run").chmod(0o700)
        env = dict(
            os.environ,
            HOME=str(self.root / "home"),
            XDG_RUNTIME_DIR=str(self.root / "run"),
            PULSE_RUNTIME_PATH=str(self.root / "run"),
            PULSE_STATE_PATH=str(self.root / "state"),
            LC_ALL="C",
        )
        env.pop("PULSE_SERVER", None)
        self._proc = subprocess.Popen(
            [
                exe, "--daemonize=no", "--system=false", "--exit-idle-time=-1", "-n",
                "--use-pid-file=false", "--realtime=false", "--high-priority=false",
                "--log-target=stderr", "--log-level=info",
                f"--load=module-native-protocol-unix socket={self.socket} auth-anonymous=1",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env,
        )  # fmt: skip
        threading.Thread(target=self._read_log, name="pulse-log", daemon=True).start()
        if not self._ready.wait(START_TIMEOUT) or self._proc.poll() is not None:
            self.stop()
            raise PulseUnavailableError("pulseaudio did not start: " + " | ".join(self._log))

    def _read_log(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stderr is not None
        for line in proc.stderr:
            self._log.append(line.rstrip())
            if READY_LINE in line:
                self._ready.set()
        self._ready.set()  # ended: let start() notice

    def pactl(self, *args: str) -> str:
        """Run pactl against this server; return its output."""
        done = subprocess.run(
            ["pactl", *args], capture_output=True, text=True, env=self.env, check=True, timeout=10
        )
        return done.stdout.strip()

    def add_sink(self, name: str) -> None:
        """Create a null sink ``name`` (its monitor is ``name.monitor``), running.

        A null sink of PulseAudio 16 that plays nothing renders in 2 s steps: a new
        stream waits up to 2 s before it is heard, and its monitor delivers nothing
        meanwhile. A real sink in a call always has the softphone's stream, so each
        sink gets an endless stream of digital silence (``pacat`` from /dev/zero, 30 ms
        latency, like a softphone), and this returns once the monitor delivers audio.
        """
        module = self.pactl(
            "load-module", "module-null-sink", f"sink_name={name}",
            f"sink_properties=device.description={name.capitalize()}",
        )  # fmt: skip
        self.sinks[name] = int(module)
        self._keep_alive[name] = subprocess.Popen(
            ["pacat", "--playback", "-d", name, "--latency-msec=30", "--raw",
             "--format=s16le", "--rate=16000", "--channels=1", "/dev/zero"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait_for_audio(f"{name}.monitor")

    def _wait_for_audio(self, source: str) -> None:
        """Block until ``source`` delivers its first bytes (or ``START_TIMEOUT``)."""
        rec = subprocess.Popen(
            ["parec", "-d", source, "--latency-msec=20", "--raw"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert rec.stdout is not None
        got = threading.Event()

        def read_one() -> None:
            if rec.stdout is not None and rec.stdout.read(1):
                got.set()

        threading.Thread(target=read_one, daemon=True).start()
        try:
            if not got.wait(START_TIMEOUT):
                raise PulseUnavailableError(f"{source} delivers no audio")
        finally:
            rec.terminate()
            rec.wait(timeout=10)

    def remove_sink(self, name: str) -> None:
        """Unload the sink's module: to its clients, the device was unplugged."""
        keeper = self._keep_alive.pop(name, None)
        if keeper is not None:
            keeper.terminate()
            keeper.wait(timeout=10)
        self.pactl("unload-module", str(self.sinks.pop(name)))

    def play(self, sink: str, path: Path) -> subprocess.Popen[bytes]:
        """Start ``paplay`` of ``path`` into ``sink``; returns at once.

        The sink already runs at 30 ms latency (see `add_sink`); paplay keeps 200 ms
        buffered so a busy machine does not make it underrun (an underrun delays the
        rest of the file, which would look like a capture error).
        """
        return subprocess.Popen(
            ["paplay", "--latency-msec=200", "-d", sink, str(path)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def record(self, source: str) -> Recorder:
        """Start an independent reference recording of ``source`` with parec."""
        return Recorder(source, self.env)

    def cpu_seconds(self) -> float:
        """CPU time the server has used (user + system), from /proc."""
        if self._proc is None:
            return 0.0
        fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """End the server (our child, by its id) and wait for it."""
        for keeper in self._keep_alive.values():
            keeper.terminate()
            keeper.wait(timeout=10)
        self._keep_alive.clear()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


class Recorder:
    """``parec`` of one source, timed on arrival: a reference outside PortAudio.

    Its clock mapping is the same minimum filter the live source uses, but through
    PulseAudio's native client instead of PortAudio and the ALSA plugin.
    """

    def __init__(self, source: str, env: dict[str, str]) -> None:
        self._proc = subprocess.Popen(
            ["parec", "-d", source, "--latency-msec=10", "--rate=16000", "--channels=1",
             "--format=float32le", "--raw"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._chunks: list[tuple[float, bytes]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        while chunk := self._proc.stdout.read1(65536):
            self._chunks.append((time.monotonic(), chunk))

    def stop(self) -> tuple[float, np.ndarray]:
        """End the recording: (monotonic time of sample 0, samples at 16 kHz)."""
        self._proc.terminate()
        self._proc.wait(timeout=10)
        self._thread.join(timeout=10)
        raw = b"".join(c for _, c in self._chunks)
        usable = len(raw) // 4 * 4
        samples = np.frombuffer(raw[:usable], dtype=np.float32).copy()
        ends = np.cumsum([len(c) / 4 for _, c in self._chunks])
        epoch = min(t - end / 16_000 for (t, _), end in zip(self._chunks, ends, strict=True))
        return epoch, samples


@contextlib.contextmanager
def private_pulse(
    root: Path, sinks: tuple[str, ...] = ("agent", "customer")
) -> Iterator[PulseServer]:
    """Run a private server with ``sinks`` while the block runs; PULSE_SERVER points at it.

    Skips the test (pytest) when pulseaudio/paplay are not installed; fails it
    when they are installed but the server won't start.
    """
    import pytest

    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio/paplay are not installed (scripts/setup.sh --test installs them)")
    server = PulseServer(root)
    try:
        server.start()
    except PulseUnavailableError as exc:
        pytest.fail(str(exc))
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = f"unix:{server.socket}"
    try:
        for sink in sinks:
            server.add_sink(sink)
        yield server
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved
