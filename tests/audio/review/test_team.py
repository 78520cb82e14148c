"""Team trends: the figures per agent and week, who improved most, and reading the sources.

The expected figures are worked out by hand from `support.team_calls.CALLS`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.engine.transcriber import DecodeOptions
from belcoach.audio.events import Word
from belcoach.audio.jobs import batch
from belcoach.audio.jobs.batch import analyse_one, collect
from belcoach.audio.jobs.batch_table import write_table
from belcoach.audio.jobs.batch_types import BatchConfig, BatchResult
from belcoach.audio.review.team import agent_trends, improvers, read_batch, read_library
from belcoach.audio.review.team.records import feeling_outcome
from belcoach.audio.review.team.trends import Period
from belcoach.demo import demo_call_path
from support.team_calls import write_batch, write_library


def _weeks(records: list) -> dict[str, dict[str, Period]]:  # type: ignore[type-arg]
    return {t.agent: dict(t.weeks) for t in agent_trends(records)}


def test_week_figures_are_the_hand_computed_ones(tmp_path: Path) -> None:
    result = read_batch(write_batch(tmp_path / "out"))
    assert result.problems == []
    assert len(result.records) == 20  # the errored call is not a call to count
    weeks = _weeks(result.records)
    assert set(weeks) == {"anna", "bram", "cor"}
    assert sorted(weeks["anna"]) == ["2026-W47", "2026-W48", "2026-W49"]
    assert sorted(weeks["cor"]) == ["2026-W47", "2026-W49"]

    w47 = weeks["anna"]["2026-W47"]
    assert w47.calls == 3
    assert w47.talk_ratio == pytest.approx((0.5 + 0.6 + 0.7) / 3)
    assert w47.pace_share == pytest.approx((0.8 + 0.8 + 0.9) / 3)  # 1 - fast - slow
    assert w47.overtalk == pytest.approx(1.0)  # 2, 1, 0 by the agent; the customer's not counted
    assert w47.cards == pytest.approx(1.0)
    assert w47.negative_starts == 2  # boos, gefrustreerd
    assert w47.feeling_outcome == pytest.approx(0.5)  # boos -> neutraal yes, -> boos no
    assert w47.qa_score == pytest.approx(0.6)

    w48 = weeks["anna"]["2026-W48"]
    assert (w48.calls, w48.negative_starts) == (2, 1)  # zakelijk is not a negative start
    assert w48.feeling_outcome == pytest.approx(1.0)
    assert w48.cards == pytest.approx(1.0)
    assert w48.pace_share == pytest.approx(0.95)

    w49 = weeks["anna"]["2026-W49"]
    assert w49.overtalk == pytest.approx(1 / 3)
    assert w49.negative_starts == 2  # angstig, boos (neutraal -> boos started neutral)
    assert w49.feeling_outcome == pytest.approx(1.0)
    assert w49.qa_score == pytest.approx(0.9)

    bram48 = weeks["bram"]["2026-W48"]
    assert bram48.calls == 1 and bram48.qa_score is None  # no QA columns for that call
    assert bram48.feeling_outcome is None and bram48.negative_starts == 0
    assert weeks["bram"]["2026-W49"].pace_share == pytest.approx(0.6)


def test_agents_are_sorted_by_qa_score(tmp_path: Path) -> None:
    trends = agent_trends(read_batch(write_batch(tmp_path / "out")).records)
    # cor 4.0/5 = 0.8, anna 6.1/8 = 0.7625, bram 4.5/6 = 0.75
    assert [t.agent for t in trends] == ["cor", "anna", "bram"]
    assert trends[1].overall.qa_score == pytest.approx(6.1 / 8)
    assert trends[1].overall.calls == 8


def test_improved_most_compares_first_and_last_week_with_enough_calls(tmp_path: Path) -> None:
    best = improvers(agent_trends(read_batch(write_batch(tmp_path / "out")).records))
    # anna: QA 60 -> 90 % (+30 pt), pace 83.3 -> 90 % (+6.7 pt); mean +18.3 pt.
    # bram fell; cor has 2 calls in his first week (minimum 3).
    assert [i.agent for i in best] == ["anna"]
    anna = best[0]
    assert (anna.first_weeks, anna.last_weeks) == (("2026-W47",), ("2026-W49",))
    assert anna.qa_change == pytest.approx(30.0)
    assert anna.pace_change == pytest.approx((0.9 - 2.5 / 3) * 100)
    assert anna.change == pytest.approx((30.0 + (0.9 - 2.5 / 3) * 100) / 2)
    # with a minimum of 2 calls cor (+50 pt QA, pace unchanged: +25) comes first
    assert [
        i.agent for i in improvers(agent_trends(read_batch(tmp_path / "out").records), min_calls=2)
    ] == ["cor", "anna"]


def test_library_summaries_give_the_same_figures_without_qa(tmp_path: Path) -> None:
    library = CallLibrary.open(write_library(tmp_path / "lib"))
    try:
        result = read_library(library)
    finally:
        library.close()
    assert result.problems == []
    weeks = _weeks(result.records)
    w47 = weeks["anna"]["2026-W47"]
    assert w47.pace_share == pytest.approx(2.5 / 3)
    assert w47.feeling_outcome == pytest.approx(0.5)
    assert w47.qa_score is None  # the library has no QA columns; scoring would read transcripts
    assert all(r.report.startswith("belcoach report ") for r in result.records)


def test_malformed_calls_json_is_one_problem(tmp_path: Path) -> None:
    out = tmp_path / "bad"
    out.mkdir()
    (out / "calls.json").write_text('[{"id": "x",', encoding="utf-8")
    result = read_batch(out)
    assert result.records == []
    assert len(result.problems) == 1
    assert "calls.json" in result.problems[0] and "not JSON" in result.problems[0]


def test_damaged_summary_falls_back_to_the_table_row(tmp_path: Path) -> None:
    out = write_batch(tmp_path / "out")
    (out / "anna-00.summary.json").write_text("{", encoding="utf-8")
    result = read_batch(out)
    assert len(result.records) == 20
    assert len(result.problems) == 1 and "anna-00.summary.json" in result.problems[0]
    anna0 = next(r for r in result.records if r.call_id == "anna-00")
    assert anna0.pace_share is None  # the table has no slow share
    assert anna0.qa_score == pytest.approx(0.5) and anna0.overtalk == 2


def test_feeling_outcome_uses_the_valence_classes() -> None:
    assert feeling_outcome("boos", "zakelijk") == (True, True)
    assert feeling_outcome("verongelijkt", "angstig") == (True, False)
    assert feeling_outcome("tevreden", "boos") == (False, None)
    assert feeling_outcome(None, None) == (False, None)


def test_batch_takes_the_agent_from_a_folder_per_agent(tmp_path: Path) -> None:
    for rel in ("anna/a.wav", "bram/b.wav", "bram/sub/c.wav", "loose.wav"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    tasks = {t.path.name: t.agent for t in collect([tmp_path])}
    assert tasks == {"a.wav": "anna", "b.wav": "bram", "c.wav": "bram", "loose.wav": ""}
    assert collect([tmp_path / "anna" / "a.wav"])[0].agent == ""  # a file named directly


class _QuietTranscriber:
    """Hears one word per utterance: enough for a summary, no model."""

    options = DecodeOptions(language="nl")

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("ja", 0.1, 0.3, 0.9)]


def test_batch_writes_the_folder_agent_into_summary_and_table(tmp_path: Path) -> None:
    audio, rate = sf.read(demo_call_path(), dtype="int16", frames=8 * 16000)
    (tmp_path / "calls" / "anna").mkdir(parents=True)
    sf.write(tmp_path / "calls" / "anna" / "one.wav", audio, rate)
    [task] = collect([tmp_path / "calls"])
    config = BatchConfig(out_dir=tmp_path / "out")
    config.out_dir.mkdir()
    batch._WORKER["transcriber"] = _QuietTranscriber()
    try:
        result = analyse_one(task, config)
    finally:
        batch._WORKER.clear()
    assert result.status == "ok" and result.headline["agent"] == "anna"
    summary = json.loads((config.out_dir / "one.summary.json").read_text(encoding="utf-8"))
    assert summary["meta"]["agent"] == "anna"
    [record] = read_batch(_with_table(config.out_dir, [result])).records
    assert record.agent == "anna"


def _with_table(out: Path, results: list[BatchResult]) -> Path:
    write_table(results, out)
    return out


def test_the_call_list_is_left_out_of_a_very_large_team(tmp_path: Path) -> None:
    from belcoach.audio.review.team.page import TeamInput, render_html

    records = read_batch(write_batch(tmp_path / "out")).records
    full = render_html(TeamInput(records, ["out"]), max_call_rows=20)
    short = render_html(TeamInput(records, ["out"]), max_call_rows=19)
    assert "anna-00.events.jsonl" in full and "Calls and their reports" in full
    assert "anna-00.events.jsonl" not in short and "More than 19 calls" in short
