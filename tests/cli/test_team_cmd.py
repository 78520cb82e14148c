"""``belcoach team``: the page holds the table and plots, prints as PDF, and survives bad input."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from belcoach.cli.main import main
from support.team_calls import SECRET, write_batch, write_library


def test_html_holds_the_sorted_table_the_weeks_and_the_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = write_batch(tmp_path / "out")
    html = tmp_path / "team.html"
    assert main(["team", str(out), "--html", str(html)]) == 0
    assert capsys.readouterr().err == ""
    text = html.read_text(encoding="utf-8")
    agents = re.search(r"<h2>Agents</h2>(.*?)</table>", text, re.S)
    assert agents is not None
    names = re.findall(r"<tr><td>(\w+)</td>", agents.group(1))
    assert names == ["cor", "anna", "bram"]  # best QA score first
    # anna over all weeks: 8 calls, 3 weeks, QA 76 % (6.1 / 8); feeling 4 of 5 negative starts
    assert re.search(
        r"<td>anna</td><td class=\"n\">8</td><td class=\"n\">3</td>.*?"
        r"<td class=\"n\">80 % \(5\)</td><td class=\"n\">76 %</td>",
        agents.group(1),
    )
    # anna week 47 by hand: talk 60 %, pace 83 %, over-talk 1.0, cards 1.0, feeling 50 % (2),
    # QA 60 %
    assert (
        '<td>2026-W47</td><td class="n">3</td><td class="n">60 %</td><td class="n">83 %</td>'
        '<td class="n">1.0</td><td class="n">1.0</td><td class="n">50 % (2)</td>'
        '<td class="n">60 %</td>'
    ) in text
    improved = re.search(r"<h2>Improved most</h2>(.*?)</table>", text, re.S)
    assert improved is not None and "<td>anna</td>" in improved.group(1)
    assert "+18 pt" in improved.group(1) and "bram" not in improved.group(1)
    [plot] = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert base64.b64decode(plot).startswith(b"\x89PNG")
    assert "belcoach report " in text and "anna-00.events.jsonl" in text  # how to open each report
    assert SECRET not in text  # figures only: no words from a call
    assert "@media print" in text and "@page" in text


def test_pdf_renders(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    out = write_batch(tmp_path / "out")
    pdf = tmp_path / "team.pdf"
    assert main(["team", str(out), "--pdf", str(pdf)]) == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
        assert pages >= 2


def test_malformed_calls_json_is_one_line_and_the_rest_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_batch(tmp_path / "good")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "calls.json").write_text("[{not json", encoding="utf-8")
    html = tmp_path / "team.html"
    assert main(["team", str(bad), str(good), "--html", str(html)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("belcoach: warning: ") and str(bad / "calls.json") in err[0]
    text = html.read_text(encoding="utf-8")
    assert "<td>anna</td>" in text and "not JSON" in text  # the problem is on the page too


def test_library_folder_and_nothing_to_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = write_library(tmp_path / "lib")
    html = tmp_path / "team.html"
    assert main(["team", "--library", str(lib), "--html", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert "<td>anna</td>" in text and "belcoach report 20261116-100000-000000" in text
    assert not (lib / "access.log").exists()  # summaries only: no call was opened
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["team", str(empty), "--html", str(html)]) == 2
    err = capsys.readouterr().err
    assert "not a batch output or call library folder" in err and "no analysed calls" in err
