"""Render the README's pictures: the replay window and the report's first page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--scripted]

By default the embedded demo call goes through the real engine (Whisper base
and every analyser, as `belcoach calls import` does) into a throw-away
library, and two coach's notes are added; the pictures show what a coach
really sees, Whisper's mistakes on the synthetic speech included.
``--scripted`` uses the constructed event stream built from the demo's ground
truth instead (tests/support/demo_events.py), in a few seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


NOTES = (
    (24.4, "Hier praat Sanne door de klant heen: laat hem eerst uitpraten."),
    (50.0, "Goed hersteld na 'ik weet het niet': biedt aan het uit te zoeken."),
)


def real_demo_folder(root: Path) -> Path:
    """Analyse the demo call with the real engine into a new library under ``root``."""
    from belcoach.audio.calls.folder import Note
    from belcoach.audio.calls.library import CallLibrary
    from belcoach.audio.jobs.importer import CallFiles, import_call
    from belcoach.audio.jobs.run import ModelChoice, load_transcriber
    from belcoach.demo import demo_call_path

    library = CallLibrary.open(root)
    transcriber = load_transcriber(ModelChoice(name="base"), "nl")
    summary = import_call(
        library, CallFiles(path=demo_call_path()), transcriber, agent_name="Sanne"
    )
    folder = library.folders()[0]
    folder.write_notes([Note(t, text, "coach") for t, text in NOTES])
    library.close()
    print(f"analysed the demo call: {summary.status}", file=sys.stderr)
    return folder.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scripted", action="store_true", help="constructed events")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from belcoach.audio.calls.library import CallLibrary
    from belcoach.audio.calls.loaded import load_call
    from belcoach.audio.review.report.build import write_report
    from belcoach.desktop.replay.window import ReplayWindow
    from support.demo_events import make_demo_call_folder

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.scripted:
            folder = make_demo_call_folder(Path(tmp) / "library")
        else:
            folder = real_demo_folder(Path(tmp) / "library")
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
