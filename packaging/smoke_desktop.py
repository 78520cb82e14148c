"""The desktop part of the smoke test: windows of the built program on a virtual X screen.

Each check starts its own Xvfb (the server picks a free display number, so two
smoke tests or other people's Xvfb on a shared machine do not collide), runs a
command of the bundle in the sandbox, takes a screenshot and checks that it is
not blank. X runs over its unix socket, which the network sandbox does not hide.

Screenshots come from the program itself where it offers one (``belcoach demo
--screenshot``), else from the whole virtual screen: ImageMagick ``import``,
``xwd``, or Pillow's X11 grab run with the Python that runs this test (the
build venv has Pillow; the program under test never sees that Python).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smoke_test import Smoke

FATAL_MARKERS = (
    "ModuleNotFoundError",
    "ImportError",
    "could not load the Qt platform plugin",
    "Could not load the Qt platform plugin",
    "cannot load Qt platform plugin",
    "Traceback (most recent call last)",
    "Failed to execute script",
)

GRAB_SCRIPT = (
    "import sys; from PIL import ImageGrab; ImageGrab.grab(xdisplay=sys.argv[1]).save(sys.argv[2])"
)


@contextlib.contextmanager
def xvfb() -> Iterator[str | None]:
    """A virtual X screen for the duration of the block (None when Xvfb is missing)."""
    exe = shutil.which("Xvfb")
    if exe is None:
        yield None
        return
    read, write = os.pipe()
    server = subprocess.Popen(
        [exe, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write,),
    )
    os.close(write)
    try:
        with os.fdopen(read, "r") as fh:
            number = fh.readline().strip()  # written once the server accepts clients
        yield f":{number}" if number else None
    finally:
        server.terminate()
        server.wait(timeout=10)


def screenshot(display: str, path: Path) -> Path | None:
    """Grab the whole virtual screen into ``path`` (PNG); None when no tool could."""
    env = {**os.environ, "DISPLAY": display}
    path.unlink(missing_ok=True)
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(path)], env=env, capture_output=True)
        if path.is_file():
            return path
    grab = subprocess.run(
        [sys.executable, "-c", GRAB_SCRIPT, display, str(path)], capture_output=True, text=True
    )
    if grab.returncode == 0 and path.is_file():
        return path
    if shutil.which("xwd"):
        raw = path.with_suffix(".xwd")
        with raw.open("wb") as fh:
            subprocess.run(["xwd", "-root", "-silent"], stdout=fh, env=env)
        return raw if raw.stat().st_size else None
    return None


def drawn_fraction(path: Path) -> float | None:
    """Share of the picture's pixels that differ from its most common colour.

    A blank screen (the window never drew) gives 0; None when Pillow is not
    available to the Python running this test.
    """
    try:
        from PIL import Image
    except ImportError:
        return None
    with Image.open(path) as img:
        rgb = img.convert("RGB")
        colours = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
    if not colours:
        return 0.0
    total = sum(count for count, _ in colours)
    return 1.0 - max(count for count, _ in colours) / total


def check_picture(smoke: Smoke, name: str, path: Path | None, *, minimum: float = 0.01) -> None:
    """Fail unless the screenshot exists and shows something (not one flat colour)."""
    if path is None or not path.is_file():
        smoke.check(f"{name} screenshot", False, "no screenshot was taken")
        return
    drawn = drawn_fraction(path) if path.suffix == ".png" else None
    if drawn is None:
        smoke.check(f"{name} screenshot", True, f"{path} (not inspected: no Pillow)")
        return
    smoke.check(
        f"{name} screenshot",
        drawn >= minimum,
        f"{path}: {drawn:.1%} of the pixels drawn",
    )


def run_window(
    smoke: Smoke, name: str, args: list[str], *, seconds: float, shot: Path | None = None
) -> None:
    """Run a window of the program for ``seconds``; it must still be up, then grab the screen."""
    log = smoke.out / f"{name}.log"
    with xvfb() as display:
        if display is None:
            smoke.check(name, False, "Xvfb is not installed (apt install xvfb)")
            return
        cmd = [*smoke.isolation, str(smoke.exe), *args]
        env = smoke.env(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        start = time.perf_counter()
        with log.open("w", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(args)}\n")
            fh.flush()
            app = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
            with contextlib.suppress(subprocess.TimeoutExpired):
                app.wait(timeout=seconds)  # an early exit is a failure, seen below
            alive = app.poll() is None
            ran = time.perf_counter() - start
            picture = screenshot(display, shot or smoke.out / f"{name}.png")
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    fatal = [m for m in FATAL_MARKERS if m in text]
    smoke.check(
        name,
        alive and not fatal,
        f"running after {ran:.0f} s: {alive}; fatal markers: {fatal or 'none'}",
    )
    if not alive:
        print("\n".join("    " + line for line in text.strip().splitlines()[-25:]))
    check_picture(smoke, name, picture)


def qt_window(smoke: Smoke) -> None:
    """The bundle's Qt opens and renders a window on X11 (doctor's own check)."""
    with xvfb() as display:
        if display is None:
            smoke.check("qt window", False, "Xvfb is not installed (apt install xvfb)")
            return
        proc = smoke.run("doctor-xvfb", ["doctor", "--quick"], DISPLAY=display)
        smoke.check(
            "qt window",
            "platform xcb, window rendered" in proc.stdout,
            "doctor's Qt check opened a window through the bundled xcb plugin",
        )


def overlay(smoke: Smoke, *, after: float = 20.0) -> float | None:
    """``belcoach demo --screenshot``: the overlay on the demo call, saved by the app itself.

    Returns:
        The wall time of the run (start, model load, ``after`` call seconds), or
        None when it could not run.
    """
    with xvfb() as display:
        if display is None:
            smoke.check("overlay", False, "Xvfb is not installed (apt install xvfb)")
            return None
        shot = smoke.out / "overlay.png"
        shot.unlink(missing_ok=True)
        start = time.perf_counter()
        smoke.run(
            "overlay",
            ["demo", "--screenshot", str(shot), "--after", f"{after:g}"],
            timeout=300,
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
        )
        took = time.perf_counter() - start
    check_picture(smoke, "overlay", shot if shot.is_file() else None)
    return took
