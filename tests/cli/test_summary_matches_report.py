"""The CLI's end-of-call summary shows the report's figures for the same call.

Both are built from one `CallSummary` (``summarize``). The demo call is the case
that told them apart: one of its twelve tempo windows is fast (8 % counted), but
it is a long one, so by time it is 16 % of the agent's speech.
"""

from __future__ import annotations

import re
from pathlib import Path

from belcoach.audio.calls.loaded import load_call
from belcoach.audio.review.report.build import render_html
from belcoach.cli.summary import format_summary
from support.demo_events import make_demo_call_folder


def test_the_cli_pace_figures_are_the_reports(tmp_path: Path) -> None:
    call = load_call(make_demo_call_folder(tmp_path))
    html = render_html(call, language="en")
    report_fast = re.search(r"(\d+)% of the time too fast", html)
    report_rate = re.search(r"(\d+\.\d) syll/s", html)
    assert report_fast is not None and report_rate is not None

    printed = format_summary(call.events)
    tempo = next(line for line in printed.splitlines() if "tempo:" in line)
    cli_fast = re.search(r"fast (\d+) %", tempo)
    cli_rate = re.search(r"tempo: (\d+\.\d) syll/s", tempo)
    assert cli_fast is not None and cli_rate is not None

    assert cli_fast.group(1) == report_fast.group(1) == "16"
    assert cli_rate.group(1) == report_rate.group(1)
    assert f"{call.summary.fast_share:.0%}" == "16%"


def test_the_cli_counts_over_talk_and_dead_air_as_the_report_does(tmp_path: Path) -> None:
    call = load_call(make_demo_call_folder(tmp_path))
    printed = format_summary(call.events)
    s = call.summary
    assert f"agent over customer {s.overtalk_by_agent}x" in printed
    assert f"dead air: {len(s.dead_air)}x, {s.dead_air_total:.1f} s in total" in printed
    assert f"talk ratio: agent {s.talk_ratio * 100:.0f} %" in printed
