"""The batch table's QA columns (``qa_*``) and the per-item pass rates in ``qa.csv``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from belcoach.audio.events import CallEnded, CallStarted, Channel, SpeechRegion, Transcript, Word
from belcoach.audio.jobs.batch_table import write_table
from belcoach.audio.jobs.batch_types import BatchResult
from belcoach.audio.jsonl import event_line
from support.demo_events import write_demo_events


def _quiet_call(path: Path) -> None:
    """A call where the agent only says hello: most items do not apply."""
    words = (Word("Goedemiddag.", 0.5, 1.2, 0.9),)
    events = [
        CallStarted(0.0, None, language="nl"),
        SpeechRegion(0.5, Channel.AGENT, end=1.2),
        Transcript(0.5, Channel.AGENT, words=words, final=True, utterance=1),
        CallEnded(5.0, None),
    ]
    path.write_text("".join(event_line(e) + "\n" for e in events), encoding="utf-8")


def test_write_table_adds_qa_columns_and_pass_rates(tmp_path: Path) -> None:
    write_demo_events(tmp_path / "demo.events.jsonl")
    _quiet_call(tmp_path / "quiet.events.jsonl")
    results = [
        BatchResult(0, "demo.flac", "demo", "ok", audio_seconds=84.4),
        BatchResult(1, "quiet.flac", "quiet", "ok", audio_seconds=5.0),
        BatchResult(2, "broken.wav", "broken", "error", "not audio"),
    ]
    csv_path, json_path = write_table(results, tmp_path)
    rows = {r["file"]: r for r in csv.DictReader(csv_path.open(encoding="utf-8"))}
    demo = rows["demo.flac"]
    assert (demo["qa_passed"], demo["qa_applicable"], demo["qa_score"]) == ("5", "10", "0.5")
    assert demo["qa_afsluiting"] == "0" and demo["qa_samenvatting"] == "1"
    assert demo["qa_reden-eerst"] == ""  # N.v.t.: an inbound call
    assert rows["quiet.flac"]["qa_gevoel-erkend"] == ""  # no negative feeling: N.v.t.
    assert rows["broken.wav"]["qa_score"] == ""  # not analysed, not scored
    table = json.loads(json_path.read_text(encoding="utf-8"))
    assert table[0]["qa_score"] == 0.5 and table[0]["qa_reden-eerst"] is None
    rates = {r["item"]: r for r in csv.DictReader((tmp_path / "qa.csv").open(encoding="utf-8"))}
    assert len(rates) == 11
    # opening: demo Niet goed (a stock phrase), quiet Niet goed (no name) -> 0 of 2
    assert (rates["opening"]["calls_applicable"], rates["opening"]["pass_rate"]) == ("2", "0.0")
    assert rates["samenvatting"]["calls_applicable"] == "1"
    assert rates["samenvatting"]["pass_rate"] == "1.0"
    assert rates["reden-eerst"]["calls_applicable"] == "0"
    assert rates["reden-eerst"]["pass_rate"] == ""
