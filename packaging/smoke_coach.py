"""The coach's part of the smoke test: call library, report (HTML and PDF), replay window.

Everything runs the built program in the same sandbox as the rest of the
smoke test (no network, no Python), on the embedded demo call imported into a
fresh library in the test's empty home. Also checks statically that the
bundle carries what these features load by name or from data files, and
leaves out what it must take from the system.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from smoke_desktop import run_window

if TYPE_CHECKING:
    from smoke_test import Smoke

BUNDLED_FILES = (
    "belcoach/demo/demo_call_nl.flac",
    "belcoach/audio/report/report.html.j2",
    "belcoach/audio/report/report.css",
    "belcoach/seeds/report_tips.toml",
    "belcoach/seeds/speech_norms.toml",
    "belcoach/seeds/rules/nl.toml",
    "belcoach/seeds/emotion",
    "matplotlib/mpl-data/matplotlibrc",
    "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf",
    "matplotlib/backends/_backend_agg.*.so",
    "weasyprint/css/html5_ua.css",
    "pyqtgraph/colors",
    "cryptography/hazmat/bindings/_rust.*.so",
    "keyring-{keyring}.dist-info/entry_points.txt",
)
"""Paths (globs) under ``_internal`` the coach features need (``{keyring}``: its version)."""

LEFT_OUT = (
    r"^libpango",
    r"^libharfbuzz",
    r"^libfontconfig\.so",
    r"^libglib-2\.0\.so",
    r"^libportaudio",
    r"^_tkinter",
    r"^etc$",
    r"^sklearn$",
    r"^PyQt[56]$",
)
"""Top-level names in ``_internal`` that must not be there (system libraries, unused parts)."""

BUNDLED_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.chainer",
    "secretstorage",
    "jeepney",
    "matplotlib.backends.backend_agg",
    "weasyprint.pdf",
    "pyqtgraph.graphicsItems.PlotItem",
    "jinja2",
    "cryptography.hazmat.primitives.ciphers.aead",
)
"""Python modules the bundle's archive must hold (checked when PyInstaller is importable)."""

UNBUNDLED_MODULES = (
    "matplotlib.backends.backend_tkagg",
    "matplotlib.backends.backend_qtagg",
    "tkinter",
    "sklearn",
)


@dataclass(slots=True)
class CoachFigures:
    """Wall times measured inside the sandbox (seconds)."""

    call_id: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def _timed(smoke: Smoke, figures: CoachFigures, name: str, args: list[str], **env: str):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    proc = smoke.run(name, args, **env)
    figures.timings[name] = time.perf_counter() - start
    return proc


def bundle_contents(smoke: Smoke, bundle: Path) -> None:
    """What the coach features need is in the bundle; what comes from the system is not."""
    internal = bundle / "_internal"
    keyring = next((p.name for p in internal.glob("keyring-*.dist-info")), "keyring-?.dist-info")
    version = keyring.removeprefix("keyring-").removesuffix(".dist-info")
    missing = [
        rel
        for rel in (f.format(keyring=version) for f in BUNDLED_FILES)
        if not any(internal.glob(rel))
    ]
    smoke.check("bundled files", not missing, f"missing: {missing}" if missing else "all there")
    extra = sorted(
        p.name for p in internal.iterdir() if any(re.search(rx, p.name) for rx in LEFT_OUT)
    )
    smoke.check(
        "left out",
        not extra,
        f"should come from the system or not at all: {extra}" if extra else "none of them",
    )
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        print("SKIP bundled modules: PyInstaller is not importable here")
        return
    archive = CArchiveReader(str(bundle / "belcoach"))
    pyz = archive.open_embedded_archive("PYZ.pyz")
    names = set(pyz.toc)
    absent = [m for m in BUNDLED_MODULES if m not in names]
    present = [m for m in UNBUNDLED_MODULES if m in names]
    smoke.check(
        "bundled modules",
        not absent and not present,
        f"{len(names)} modules; missing {absent or 'none'}; unwanted {present or 'none'}",
    )


def coach(smoke: Smoke, bundle: Path, *, replay_seconds: float = 10.0) -> CoachFigures:
    """Import the demo call, write its report, open it in the replay window."""
    figures = CoachFigures()
    library = smoke.home / "calls"
    demo = bundle / "_internal" / "belcoach" / "demo" / "demo_call_nl.flac"
    lib = ["--library", str(library)]
    imported = _timed(
        smoke, figures, "calls-import", ["calls", "import", *lib, "--quiet", str(demo)]
    )
    call_id = imported.stdout.split("\t", 1)[0].strip() if imported.returncode == 0 else ""
    figures.call_id = call_id
    if not call_id:
        smoke.check("call imported", False, "no call id printed")
        return figures
    listed = smoke.run("calls-list", ["calls", "list", *lib, "--json"])
    try:
        entries = json.loads(listed.stdout)
    except ValueError:
        entries = []
    smoke.check(
        "call in library",
        any(e.get("id") == call_id for e in entries),
        f"{call_id} listed ({len(entries)} call(s))",
    )
    html = smoke.out / "report.html"
    pdf = smoke.out / "report.pdf"
    for path in (html, pdf):
        path.unlink(missing_ok=True)
    _timed(
        smoke,
        figures,
        "report",
        ["report", call_id, *lib, "--html", str(html), "--pdf", str(pdf)],
    )
    check_html(smoke, html)
    check_pdf(smoke, pdf)
    run_window(smoke, "replay", ["replay", call_id, *lib], seconds=replay_seconds)
    return figures


def check_html(smoke: Smoke, html: Path) -> None:
    """The HTML report exists and carries its plots (matplotlib PNGs inline) and its style."""
    text = html.read_text(encoding="utf-8") if html.is_file() else ""
    plots = text.count("data:image/png;base64")
    smoke.check(
        "report html",
        plots >= 1 and "<style" in text,
        f"{len(text) // 1024} KB, {plots} inline plot(s)",
    )


def check_pdf(smoke: Smoke, pdf: Path) -> None:
    """The PDF is a PDF with pages and embedded fonts; page 1 is rendered to look at."""
    data = pdf.read_bytes() if pdf.is_file() else b""
    smoke.check("report pdf", data.startswith(b"%PDF-"), f"{len(data) // 1024} KB, starts %PDF")
    if not data or shutil.which("pdfinfo") is None:
        print("SKIP pdf pages: pdfinfo not installed (apt install poppler-utils)")
        return
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    pages = int(match.group(1)) if match else 0
    smoke.check("report pdf pages", pages >= 1, f"{pages} page(s)")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    embedded = [line.split()[0] for line in fonts.splitlines()[2:] if " yes " in line]
    smoke.check("report pdf fonts", bool(embedded), f"embedded: {sorted(set(embedded))[:4]}")
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(smoke.out / "report-page1"),
            ],
            capture_output=True,
        )


def keyring_report(smoke: Smoke) -> None:
    """doctor with encryption on: the privacy section names where the key lives.

    A separate home with ``recording.encrypt = true``: doctor then asks keyring
    for a backend (a headless sandbox has none, so the key-file fallback is
    reported); an import failure in keyring or its backends would show as the reason.
    """
    home = smoke.home.parent / "home-encrypt"
    home.mkdir(exist_ok=True)
    smoke.run("settings-encrypt", ["settings", "set", "recording.encrypt", "true"], HOME=str(home))
    proc = smoke.run("doctor-encrypt", ["doctor", "--quick"], HOME=str(home))
    text = proc.stdout + proc.stderr
    smoke.check(
        "keyring",
        "encrypt recordings  on" in text
        and ("OS keyring (" in text or "no keyring backend on this system" in text),
        "doctor reports where the recording key lives",
    )
