"""Save a picture of the overlay for the README (docs/overlay.png).

Two ways:

    python scripts/overlay_screenshot.py                  # the real thing
    python scripts/overlay_screenshot.py --scripted       # every analyser's output

The first runs ``belcoach demo --screenshot`` (the engine on the demo call,
paced at ``--speed``) under Xvfb when there is no display. ``--scripted``
feeds the constructed demo event stream (``desktop/scripted_demo.py``) up to
``--after`` seconds straight into the bridge and grabs the overlay offscreen:
it shows every widget even before all analysers exist, and takes a second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scripted(out: Path, after: float, *, language: str, width: int, height: int) -> None:
    """Render the scripted demo at ``after`` seconds into ``out``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from belcoach.desktop.bridge import EngineBridge
    from belcoach.desktop.i18n import Translator
    from belcoach.desktop.overlay import CallOverlay
    from belcoach.desktop.scripted_demo import scripted_demo_timeline

    app = QApplication.instance() or QApplication([])
    bridge = EngineBridge()
    state = QSettings(str(out.with_suffix(".ini")), QSettings.Format.IniFormat)
    overlay = CallOverlay(bridge, Translator(language), state)
    overlay.prepare(opacity=1.0, on_top=True)
    overlay.resize(width, height)
    overlay.show()
    for due, event in scripted_demo_timeline():
        if due > after:
            break
        bridge.publish(event)
    from PySide6.QtTest import QTest

    QTest.qWait(2500)  # let ended alerts fade as they would have by then
    overlay.ctx.clock.observe(after)
    overlay._refresh_now()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    overlay.grab().save(str(out))
    Path(state.fileName()).unlink(missing_ok=True)
    print(f"saved {out}")


def real(out: Path, after: float, speed: float) -> int:
    """Run ``belcoach demo --screenshot`` (under Xvfb when there is no display)."""
    exe = Path(sys.executable).with_name("belcoach")
    cmd = [str(exe), "demo", "--speed", str(speed), "--after", str(after), "--screenshot", str(out)]
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        if shutil.which("xvfb-run") is None:
            print("no display and no xvfb-run: install xvfb or use --scripted", file=sys.stderr)
            return 2
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", *cmd]
    return subprocess.call(cmd, env=env)


def main() -> int:
    """Parse arguments and save the picture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "overlay.png")
    parser.add_argument("--after", type=float, default=46.0, help="call seconds (default 46)")
    parser.add_argument("--speed", type=float, default=2.0, help="demo speed for the real run")
    parser.add_argument("--scripted", action="store_true", help="use the constructed events")
    parser.add_argument("--language", default="nl", help="UI language (nl, sv, en)")
    parser.add_argument("--size", default="430x760", help="overlay size WxH")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    if args.scripted:
        scripted(args.out, args.after, language=args.language, width=width, height=height)
        return 0
    return real(args.out, args.after, args.speed)


if __name__ == "__main__":
    sys.exit(main())
