"""Render the README's pictures: the replay window and the report's first page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py

Uses the demo call's audio with the full event stream the analysers publish
(tests/support/demo_events.py), in a throw-away library.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from belcoach.audio.calls.library import CallLibrary
    from belcoach.audio.calls.loaded import load_call
    from belcoach.audio.report.build import write_report
    from belcoach.desktop.replay.window import ReplayWindow
    from support.demo_events import make_demo_call_folder

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_demo_call_folder(Path(tmp) / "library")
        app = QApplication.instance() or QApplication([])
        library = CallLibrary.open(folder.parent)
        window = ReplayWindow(folder, library=library, player_output="none")
        window.resize(1500, 880)
        window.show()
        window.seek(24.9)
        window.jump_kind.setCurrentIndex(0)
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(docs / "replay.png"))
        window.close()
        pdf = Path(tmp) / "report.pdf"
        write_report(load_call(folder), pdf=pdf, html=docs / "report-demo.html")
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "110",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(docs / "report"),
            ],
            check=True,
        )
    print(docs / "replay.png", docs / "report.png")


if __name__ == "__main__":
    main()
