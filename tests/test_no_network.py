"""Nothing leaves the PC: belcoach works without a network and never tries to use one.

Two complementary checks:

- in a network namespace with no interfaces (``unshare -n``), where no packet
  can leave whatever code (Python or native) tries, ``belcoach analyze`` and
  ``belcoach demo`` (overlay offscreen) run to the end and produce their
  results;
- in-process, under the socket guard every test runs with
  (``tests/support/netguard.py``), which fails a test on any Python-level
  attempt to reach a non-local address, even one the code would survive.

The live path is covered the same two ways at once: a recorded live call
on a private PulseAudio server (its Unix socket is a file, so it is reachable
from inside the namespace; only inet connections are network) runs inside
``unshare -n`` with the socket guard installed in that process too, and must
report no refused attempt. The in-process live overlay test
(``tests/desktop/test_live_overlay.py``) runs under the autouse guard as well.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from belcoach.cli.main import main
from belcoach.core.offline import OPT_OUTS
from support.netguard import NetworkAttempt, SocketGuard

BELCOACH = str(Path(sys.executable).with_name("belcoach"))


def test_the_guard_refuses_the_network_and_allows_this_machine(tmp_path: Path) -> None:
    with SocketGuard() as guard:
        server = socket.create_server(("127.0.0.1", 0))
        port = server.getsockname()[1]
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        socket.create_connection(("localhost", port), timeout=5).close()
        server.close()
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(tmp_path / "s"))
        listener.listen()
        unix.connect(str(tmp_path / "s"))
        unix.close()
        listener.close()
        # Documentation addresses (RFC 5737): refused before any packet is made.
        with pytest.raises(NetworkAttempt):
            socket.create_connection(("192.0.2.1", 443), timeout=0.1)
        with pytest.raises(NetworkAttempt):
            socket.getaddrinfo("example.org", 443)
        with pytest.raises(NetworkAttempt), socket.socket() as sock:
            sock.connect(("203.0.113.5", 80))
        with pytest.raises(NetworkAttempt), socket.socket(type=socket.SOCK_DGRAM) as udp:
            udp.sendto(b"x", ("198.51.100.1", 53))
    assert len(guard.attempts) == 4


def test_every_test_runs_under_the_guard(no_network: SocketGuard) -> None:
    with pytest.raises(NetworkAttempt):
        socket.gethostbyname("pypi.org")
    assert len(no_network.attempts) == 1
    no_network.attempts.clear()  # this one was on purpose


def _netns() -> list[str]:
    """The command prefix that runs a program without any network, or skip."""
    if shutil.which("unshare") is None:
        pytest.skip("no network-namespace test: unshare (util-linux) is not installed")
    for prefix in (["unshare", "-n"], ["unshare", "-r", "-n"]):
        probe = subprocess.run([*prefix, "cat", "/proc/net/dev"], capture_output=True, text=True)
        if probe.returncode == 0:
            interfaces = [line.split(":")[0].strip() for line in probe.stdout.splitlines()[2:]]
            assert interfaces == ["lo"], probe.stdout  # nothing but a loopback that is down
            return prefix
    pytest.skip(
        "no network-namespace test: unshare -n needs root or unprivileged user namespaces "
        "(kernel.unprivileged_userns_clone=1)"
    )


@pytest.mark.slow
@pytest.mark.whisper
def test_analyze_and_the_demo_overlay_work_in_a_namespace_with_no_network(
    base_model, session_cache: Path, tmp_path: Path
) -> None:
    prefix = _netns()
    events = tmp_path / "events.jsonl"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_CACHE_HOME", "XDG_DATA_HOME")
        and k not in OPT_OUTS  # belcoach must set them itself
    }
    env.update(HOME=str(home), BELCOACH_CACHE_DIR=str(session_cache))
    analyze = subprocess.run(
        [*prefix, BELCOACH, "analyze", "--demo", "--quiet", "--events", str(events)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert analyze.returncode == 0, analyze.stderr
    written = [json.loads(line) for line in events.read_text().splitlines()]
    heard = {e["channel"] for e in written if e["type"] == "transcript"}
    assert heard == {"agent", "customer"} and written[-1]["type"] == "call_ended"

    env["QT_QPA_PLATFORM"] = "offscreen"
    demo = subprocess.run(
        [*prefix, BELCOACH, "demo", "--quit-at-end", "--speed", "8"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr
    assert "Traceback" not in demo.stderr
    log = Path(os.environ["BELCOACH_LOG_DIR"]) / "belcoach.log"
    assert "uncaught" not in (log.read_text() if log.exists() else "")
    # No library left a telemetry trail to send later (ONNX Runtime's device id
    # and event queue live under ~/.cache/Microsoft when not switched off).
    traces = [p for p in home.rglob("*") if "microsoft" in str(p).lower() or "telemetry" in p.name]
    assert traces == []


@pytest.mark.slow
@pytest.mark.whisper
def test_analyze_in_process_opens_no_connection(
    base_model, no_network: SocketGuard, tmp_path: Path
) -> None:
    events = tmp_path / "events.jsonl"
    assert main(["analyze", "--demo", "--quiet", "--events", str(events)]) == 0
    assert "transcript" in events.read_text()
    assert no_network.attempts == []


@pytest.mark.slow
@pytest.mark.whisper
def test_a_recorded_live_call_works_in_a_namespace_with_no_network(
    base_model, tmp_path: Path
) -> None:
    from belcoach.audio.calls.library import CallLibrary
    from support.live import make_call
    from support.pulse import private_pulse
    from support.synth import espeak_binary

    prefix = _netns()
    try:
        espeak_binary()
    except Exception as exc:
        pytest.skip(str(exc))
    call = make_call(tmp_path)
    library = tmp_path / "library"
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text(
        "schema_version = 1\n"
        '[model]\nname = "base"\n'
        '[audio]\nagent_device = "agent.monitor"\ncustomer_device = "customer.monitor"\n'
        f'[recording]\nenabled = true\nstorage_dir = "{library}"\n',
        encoding="utf-8",
    )
    driver = Path(__file__).parent / "support" / "record_live_call.py"
    with private_pulse(tmp_path / "pa") as pulse:
        env = dict(pulse.env, BELCOACH_CONFIG_DIR=str(config), PYTHONUNBUFFERED="1")
        proc = subprocess.Popen(
            [*prefix, sys.executable, str(driver), "--stop-after", "14", "--events", "--guard"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        lines: list[str] = []
        players = []
        for line in proc.stdout:  # play the call once the recording has audio
            lines.append(line.rstrip("\n"))
            if line.startswith("AT ") and not players:
                players = [pulse.play("agent", call.agent), pulse.play("customer", call.customer)]
        proc.wait(timeout=60)
        for player in players:
            player.wait(timeout=30)
    assert proc.returncode == 0, (proc.stderr.read() if proc.stderr else "") + "\n".join(lines[-5:])
    assert "NET 0" in lines and "DONE ok" in lines
    events = [json.loads(ln[6:]) for ln in lines if ln.startswith("EVENT ")]
    # Both devices were heard and words were committed. Which side's words come
    # first is the CPU's matter: with slow kernels (MKL on AMD) under load the
    # engine skips speech it cannot transcribe within 15 s, agent first.
    spoke = {e["channel"] for e in events if e["type"] == "speech"}
    finals = {e["channel"] for e in events if e["type"] == "transcript" and e["final"]}
    assert spoke == {"agent", "customer"} and finals
    (entry,) = CallLibrary.open(library).calls()
    assert entry.status == "complete" and entry.duration is not None and entry.duration >= 13.5
