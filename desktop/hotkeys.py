"""System-wide shortcuts (start/stop a call, hide the overlay) that see no other keystroke.

The overlay never takes keyboard focus, so ordinary Qt shortcuts cannot reach
it while the agent types in the softphone or CRM. A global shortcut is
needed, and it must not be a keyboard hook: an agent types customers'
personal data all day, and a hook (or X11's RECORD extension) would see
every key. So each platform's *registration* API is used, which delivers
only the registered combinations:

- X11: ``XGrabKey`` on the root window, on a private display connection,
  read by one small thread;
- Windows: ``RegisterHotKey`` with a message loop on one small thread;
- elsewhere (Wayland, macOS): none; the tray menu and the overlay's buttons
  remain, and ``available`` says so.

No Qt here: callbacks run on the listener thread; the app relays them to the
GUI thread through a queued signal.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import sys
import threading
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

Callback = Callable[[], None]

TOGGLE_CALL_KEYS = "Ctrl+Alt+B"
"""Start or stop a call, from anywhere."""
HIDE_KEYS = "Ctrl+Alt+H"
"""Show or hide the overlay, from anywhere."""


def parse_keys(keys: str) -> tuple[frozenset[str], str]:
    """``"Ctrl+Alt+B"`` -> ({"ctrl", "alt"}, "b")."""
    parts = [p.strip().lower() for p in keys.split("+") if p.strip()]
    if not parts:
        raise ValueError(f"empty shortcut {keys!r}")
    return frozenset(parts[:-1]), parts[-1]


class GlobalHotkeys:
    """Listens for a few key combinations anywhere on the desktop.

    Args:
        bindings: ``"Ctrl+Alt+B"`` -> callback (called on the listener thread).
    """

    def __init__(self, bindings: Mapping[str, Callback]) -> None:
        self._bindings = dict(bindings)
        self._backend: _X11Backend | _WindowsBackend | None = None
        self.available = False
        self.reason = ""

    def start(self) -> bool:
        """Register the shortcuts; False (with ``reason``) when this desktop has no way to."""
        try:
            if sys.platform == "win32":
                self._backend = _WindowsBackend(self._bindings)
            elif os.environ.get("DISPLAY"):
                self._backend = _X11Backend(self._bindings)
            else:
                self.reason = "no global shortcuts on this desktop (Wayland or macOS)"
                return False
            self._backend.start()
        except OSError as exc:
            self.reason = f"global shortcuts unavailable: {exc}"
            log.info("%s", self.reason)
            self._backend = None
            return False
        self.available = True
        return True

    def stop(self) -> None:
        """Unregister and stop the listener thread."""
        if self._backend is not None:
            self._backend.stop()
            self._backend = None
        self.available = False


# ---------------------------------------------------------------------------- X11


class _XKeyEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("root", ctypes.c_ulong),
        ("subwindow", ctypes.c_ulong),
        ("time", ctypes.c_ulong),
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("x_root", ctypes.c_int),
        ("y_root", ctypes.c_int),
        ("state", ctypes.c_uint),
        ("keycode", ctypes.c_uint),
        ("same_screen", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xkey", _XKeyEvent), ("pad", ctypes.c_long * 24)]


_X_MODS = {"shift": 1, "ctrl": 4, "control": 4, "alt": 8, "super": 64, "meta": 64}
_LOCKS = (0, 2, 16, 2 | 16)  # none, CapsLock, NumLock, both: grab all so locks don't matter
_KEY_PRESS = 2


class _X11Backend:
    """XGrabKey on a private connection; one thread waits on its socket."""

    def __init__(self, bindings: Mapping[str, Callback]) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise OSError("libX11 not found")
        x = ctypes.cdll.LoadLibrary(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XStringToKeysym.restype = ctypes.c_ulong
        x.XStringToKeysym.argtypes = [ctypes.c_char_p]
        x.XKeysymToKeycode.restype = ctypes.c_ubyte
        x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XGrabKey.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
        ]
        x.XUngrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong]
        for fn in ("XPending", "XConnectionNumber", "XSync", "XCloseDisplay", "XFlush"):
            getattr(x, fn).argtypes = [ctypes.c_void_p] + ([ctypes.c_int] if fn == "XSync" else [])
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
        # Xlib's default error handler exits the process; a combination another
        # program already grabbed (BadAccess) must only make ours unavailable.
        self._errors: list[int] = []
        handler_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
        self._handler = handler_type(self._on_error)  # keep a reference for C
        x.XSetErrorHandler.argtypes = [handler_type]
        x.XSetErrorHandler(self._handler)
        self._x = x
        self._display = x.XOpenDisplay(None)
        if not self._display:
            raise OSError("cannot open the X display")
        self._root = x.XDefaultRootWindow(self._display)
        self._grabs: dict[tuple[int, int], Callback] = {}
        for keys, callback in bindings.items():
            mods, key = parse_keys(keys)
            keysym = x.XStringToKeysym(key.encode())
            keycode = x.XKeysymToKeycode(self._display, keysym)
            if not keycode:
                raise OSError(f"no key for {keys!r}")
            mask = 0
            for mod in mods:
                mask |= _X_MODS[mod]
            self._grabs[(keycode, mask)] = callback
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="belcoach-hotkeys", daemon=True)

    def _on_error(self, _display: int, event: int) -> int:
        # XErrorEvent: int type; Display*; XID resourceid; ulong serial; uchar error_code
        offset = ctypes.sizeof(ctypes.c_int) * 2 + ctypes.sizeof(ctypes.c_ulong) * 2
        offset = (offset + 7) // 8 * 8
        self._errors.append(ctypes.c_ubyte.from_address(event + offset).value)
        return 0

    def start(self) -> None:
        x = self._x
        for keycode, mask in self._grabs:
            for lock in _LOCKS:
                x.XGrabKey(self._display, keycode, mask | lock, self._root, 0, 1, 1)
        x.XSync(self._display, 0)
        if self._errors:
            self.stop_grabs()
            raise OSError("the shortcut is taken by another program")
        self._thread.start()

    def stop_grabs(self) -> None:
        x = self._x
        for keycode, mask in self._grabs:
            for lock in _LOCKS:
                x.XUngrabKey(self._display, keycode, mask | lock, self._root)
        x.XCloseDisplay(self._display)

    def _run(self) -> None:
        x, fd = self._x, self._x.XConnectionNumber(self._display)
        event = _XEvent()
        while not self._stop.is_set():
            if not x.XPending(self._display):
                select.select([fd], [], [], 0.25)
                continue
            x.XNextEvent(self._display, ctypes.byref(event))
            if event.type != _KEY_PRESS:
                continue
            state = event.xkey.state & ~(2 | 16)
            callback = self._grabs.get((event.xkey.keycode, state))
            if callback is not None:
                try:
                    callback()
                except Exception:
                    log.exception("global shortcut handler failed")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.stop_grabs()


# ---------------------------------------------------------------------------- Windows

_WIN_MODS = {"alt": 0x1, "ctrl": 0x2, "control": 0x2, "shift": 0x4, "super": 0x8, "meta": 0x8}
_MOD_NOREPEAT = 0x4000
_WM_HOTKEY = 0x0312
_WM_QUIT = 0x0012


class _WindowsBackend:
    """RegisterHotKey on a thread with its own message loop (untested outside Windows)."""

    def __init__(self, bindings: Mapping[str, Callback]) -> None:
        self._bindings = list(bindings.items())
        self._thread = threading.Thread(target=self._run, name="belcoach-hotkeys", daemon=True)
        self._thread_id = 0
        self._ready = threading.Event()
        self.error = ""

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(2)
        if self.error:
            raise OSError(self.error)

    def _run(self) -> None:
        from ctypes import wintypes

        user32 = ctypes.windll.user32  # type: ignore[attr-defined]
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        self._thread_id = kernel32.GetCurrentThreadId()
        callbacks: dict[int, Callback] = {}
        for ident, (keys, callback) in enumerate(self._bindings, start=1):
            mods, key = parse_keys(keys)
            mask = _MOD_NOREPEAT
            for mod in mods:
                mask |= _WIN_MODS[mod]
            vk = ord(key.upper()) if len(key) == 1 else 0
            if not vk or not user32.RegisterHotKey(None, ident, mask, vk):
                self.error = f"cannot register {keys!r} (taken by another program?)"
                self._ready.set()
                return
            callbacks[ident] = callback
        self._ready.set()
        msg = wintypes.MSG()
        while user32.GetMessageW(ctypes.byref(msg), None, 0, 0) > 0:
            if msg.message == _WM_HOTKEY and msg.wParam in callbacks:
                try:
                    callbacks[msg.wParam]()
                except Exception:
                    log.exception("global shortcut handler failed")
        for ident in callbacks:
            user32.UnregisterHotKey(None, ident)

    def stop(self) -> None:
        if self._thread_id:
            ctypes.windll.user32.PostThreadMessageW(self._thread_id, _WM_QUIT, 0, 0)  # type: ignore[attr-defined]
        self._thread.join(2)
