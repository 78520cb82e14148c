"""A socket guard: any attempt to reach a non-local address fails the test that made it.

belcoach promises that no audio and no text leave the PC, so every test in
the suite runs under `SocketGuard` (an autouse fixture in ``tests/conftest.py``).
It wraps the Python entry points to the network: ``socket.socket.connect``,
``connect_ex``, ``sendto``, ``socket.create_connection``, ``socket.getaddrinfo``,
``gethostbyname`` and ``gethostbyname_ex``. Loopback addresses, ``localhost``
and Unix sockets (X11, PulseAudio, D-Bus) are allowed; anything else raises
`NetworkAttempt` (an ``OSError``, as if the PC were offline, so the code under
test behaves as it would without a network) and is recorded, and the fixture
fails the test even if the code swallowed the error.

Native libraries (ctranslate2, onnxruntime, Qt) open sockets without Python;
the subprocess tests in ``tests/test_no_network.py`` cover those by running
belcoach in a network namespace with no interfaces (``unshare -n``).
"""

from __future__ import annotations

import ipaddress
import socket
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class NetworkAttempt(OSError):
    """Raised in place of a network connection the guard refused."""


def is_local(host: object) -> bool:
    """True for loopback hosts and addresses (and no host, which means this machine)."""
    if host is None or host == "" or host == b"":
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", errors="replace")
    if not isinstance(host, str):
        return False
    if host.lower().rstrip(".") in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _address_host(address: Any) -> object:
    """The host of a socket address; Unix socket paths count as local."""
    if isinstance(address, str | bytes):
        return None  # AF_UNIX path or abstract name
    if isinstance(address, tuple) and address:
        return address[0]
    return address


def _method_address(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return args[1] if len(args) > 1 else kwargs.get("address")


def _last_address(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return kwargs.get("address", args[-1] if len(args) > 2 else None)


def _first_address(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return args[0] if args else kwargs.get("address")


class SocketGuard:
    """Context manager that refuses and records non-local network use."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> SocketGuard:
        sock = socket.socket
        self._wrap(sock, "connect", lambda o: self._checked(o, "connect", _method_address))
        self._wrap(sock, "connect_ex", lambda o: self._checked(o, "connect_ex", _method_address))
        self._wrap(sock, "sendto", lambda o: self._checked(o, "sendto", _last_address))
        self._wrap(
            socket, "create_connection", lambda o: self._checked(o, "connect", _first_address)
        )
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
            self._wrap(socket, name, lambda o, n=name: self._lookup(o, n))
        return self

    def __exit__(self, *_exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def _wrap(self, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        original = getattr(owner, name)
        self._saved.append((owner, name, original))
        setattr(owner, name, make(original))

    def _refuse(self, what: str) -> None:
        where = "".join(traceback.format_stack(limit=8)[:-2])
        self.attempts.append(f"{what}\n{where}")
        raise NetworkAttempt(101, f"belcoach test guard: network use refused: {what}")

    def _checked(self, original: Any, what: str, pick: Callable[..., Any]) -> Any:
        guard = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            address = pick(args, kwargs)
            if not is_local(_address_host(address)):
                guard._refuse(f"{what} to {address!r}")
            return original(*args, **kwargs)

        return wrapper

    def _lookup(self, original: Any, what: str) -> Any:
        guard = self

        def wrapper(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not is_local(host):
                guard._refuse(f"{what}({host!r})")
            return original(host, *args, **kwargs)

        return wrapper


@pytest.fixture(autouse=True)
def no_network() -> Iterator[SocketGuard]:
    """Every test: refuse non-local network use and fail the test if any was tried."""
    with SocketGuard() as guard:
        yield guard
    if guard.attempts:
        pytest.fail(
            "the code tried to use the network (belcoach must not):\n" + "\n".join(guard.attempts),
            pytrace=False,
        )
