"""The built wheel installs everything under ``belcoach`` and nothing bare."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_has_only_belcoach_packages(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("belcoach-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops <= {"belcoach", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for bare in ("audio", "wiring", "models", "seeds", "desktop", "cli", "core", "demo", "tests"):
        assert bare not in tops
    for needed in (
        "belcoach/audio/engine/engine.py",
        "belcoach/audio/analysis/phrases/matcher.py",
        "belcoach/audio/review/report/report.html.j2",
        "belcoach/audio/review/team/team.html.j2",
        "belcoach/audio/review/team/team.css",
        "belcoach/wiring/call.py",
        "belcoach/models/registry.py",
        "belcoach/cli/main.py",
        "belcoach/demo/demo_call_nl.flac",
    ):
        assert needed in names, needed
    # an implicit namespace: no belcoach/__init__.py that could shadow the subpackages
    assert "belcoach/__init__.py" not in names


def test_working_tree_is_what_runs_without_reinstalling() -> None:
    """A module added under audio/ is importable as belcoach.audio.… at once (dev_links.py)."""
    probe = ROOT / "audio" / "_probe_working_tree.py"
    probe.write_text("SEEN = 'working tree'\n", encoding="utf-8")
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "import belcoach.audio._probe_working_tree as p, pathlib;"
                "print(p.SEEN, pathlib.Path(p.__file__).resolve())",
            ],
            capture_output=True,
            text=True,
        )
    finally:
        probe.unlink()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split(" ", 2)[:2] == ["working", "tree"]
    assert Path(proc.stdout.split(" ", 2)[2].strip()) == probe
