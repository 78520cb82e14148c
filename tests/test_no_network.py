"""Nothing leaves the PC: belcoach works without a network and never tries to use one.

Two complementary checks:

- in a network namespace with no interfaces (``unshare -n``), where no packet
  can leave whatever code (Python or native) tries, ``belcoach analyze`` and
  ``belcoach demo`` (overlay offscreen) run to the end and produce their
  results;
- in-process, under the socket guard every test runs with
  (``tests/support/netguard.py``), which fails a test on any Python-level
  attempt to reach a non-local address, even one the code would survive.

The live path (``belcoach app`` with live capture) is not covered here yet:
it needs devices and is still being written.
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
def test_analyze_and_the_demo_overlay_work_in_a_namespace_with_no_network(
    base_model, tmp_path: Path
) -> None:
    prefix = _netns()
    events = tmp_path / "events.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    analyze = subprocess.run(
        [*prefix, BELCOACH, "analyze", "--demo", "--quiet", "--events", str(events)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert analyze.returncode == 0, analyze.stderr
    kinds = [json.loads(line)["type"] for line in events.read_text().splitlines()]
    assert kinds.count("transcript") > 10 and kinds[-1] == "call_ended"

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


@pytest.mark.slow
def test_analyze_in_process_opens_no_connection(
    base_model, no_network: SocketGuard, tmp_path: Path
) -> None:
    events = tmp_path / "events.jsonl"
    assert main(["analyze", "--demo", "--quiet", "--events", str(events)]) == 0
    assert "transcript" in events.read_text()
    assert no_network.attempts == []
