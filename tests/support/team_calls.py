"""Hand-built batch outputs and library calls for three agents over three ISO weeks.

anna improves (QA 60 % -> 90 %, pace 83 % -> 90 %), bram slips, cor has too
few calls in his first week to be ranked. Every phrase note carries the text
``SECRET WORDS`` so a test can check that no transcript text reaches the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from belcoach.audio.calls.folder import CallFolder, CallMeta
from belcoach.audio.calls.summary import CallSummary, Moment, PhraseNote

SECRET = "SECRET WORDS"


@dataclass(frozen=True)
class Call:
    agent: str
    day: str  # 2026-11-16 is Monday of ISO week 47, 11-23 of 48, 11-30 of 49
    talk: float
    fast: float
    slow: float
    overtalk: int
    cards: int
    feeling: tuple[str, str] | None
    qa: float | None


CALLS = (
    # anna, week 47
    Call("anna", "2026-11-16", 0.5, 0.1, 0.1, 2, 1, ("boos", "neutraal"), 0.5),
    Call("anna", "2026-11-17", 0.6, 0.2, 0.0, 1, 1, ("gefrustreerd", "boos"), 0.6),
    Call("anna", "2026-11-18", 0.7, 0.0, 0.1, 0, 1, None, 0.7),
    # anna, week 48
    Call("anna", "2026-11-24", 0.6, 0.0, 0.0, 1, 0, ("zakelijk", "tevreden"), 0.8),
    Call("anna", "2026-11-25", 0.6, 0.1, 0.0, 1, 2, ("boos", "tevreden"), 0.8),
    # anna, week 49
    Call("anna", "2026-12-01", 0.55, 0.1, 0.0, 0, 0, ("angstig", "tevreden"), 0.8),
    Call("anna", "2026-12-02", 0.6, 0.0, 0.1, 0, 0, ("boos", "zakelijk"), 0.9),
    Call("anna", "2026-12-03", 0.65, 0.1, 0.0, 1, 0, ("neutraal", "boos"), 1.0),
    # bram: weeks 47, 48 (one call without a QA score), 49
    Call("bram", "2026-11-16", 0.4, 0.0, 0.0, 0, 0, None, 0.9),
    Call("bram", "2026-11-17", 0.4, 0.0, 0.0, 0, 0, None, 0.9),
    Call("bram", "2026-11-18", 0.4, 0.0, 0.0, 0, 0, None, 0.9),
    Call("bram", "2026-11-24", 0.4, 0.0, 0.0, 0, 0, None, None),
    Call("bram", "2026-12-01", 0.4, 0.2, 0.2, 0, 0, None, 0.6),
    Call("bram", "2026-12-02", 0.4, 0.2, 0.2, 0, 0, None, 0.6),
    Call("bram", "2026-12-03", 0.4, 0.2, 0.2, 0, 0, None, 0.6),
    # cor: two calls in week 47 (too few to rank), three in week 49
    Call("cor", "2026-11-16", 0.5, 0.0, 0.0, 3, 2, None, 0.5),
    Call("cor", "2026-11-17", 0.5, 0.0, 0.0, 3, 2, None, 0.5),
    Call("cor", "2026-12-01", 0.5, 0.0, 0.0, 0, 0, None, 1.0),
    Call("cor", "2026-12-02", 0.5, 0.0, 0.0, 0, 0, None, 1.0),
    Call("cor", "2026-12-03", 0.5, 0.0, 0.0, 0, 0, None, 1.0),
)


def summary(call: Call, call_id: str, *, origin: str = "batch") -> CallSummary:
    meta = CallMeta(call_id, f"{call.day}T10:00:00+00:00", origin=origin, agent=call.agent)
    overtalk = tuple(Moment(10.0 * i, 10.0 * i + 1, "", "agent") for i in range(call.overtalk))
    overtalk += (Moment(90.0, 91.0, "", "customer"),)  # the customer's: not counted
    phrases = tuple(
        PhraseNote(5.0 * i, "agent", "r1", "c", "avoid", SECRET, ("beter",), "", "seed")
        for i in range(call.cards)
    )
    path = (
        (
            Moment(0.0, 30.0, call.feeling[0], "customer"),
            Moment(30.0, 60.0, call.feeling[1], "customer"),
        )
        if call.feeling
        else ()
    )
    return CallSummary(
        meta=meta,
        duration=60.0,
        talk_ratio=call.talk,
        fast_share=call.fast,
        slow_share=call.slow,
        overtalk=overtalk,
        phrases=phrases,
        emotion_path=path,
    )


def write_batch(out: Path, calls: tuple[Call, ...] = CALLS) -> Path:
    """A batch output folder as ``belcoach analyze --out`` writes it (summaries + calls.json)."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n, call in enumerate(calls):
        stem = f"{call.agent}-{n:02d}"
        s = summary(call, stem)
        (out / f"{stem}.summary.json").write_text(json.dumps(s.to_json()), encoding="utf-8")
        row = {"file": f"/calls/{call.agent}/{stem}.wav", "status": "ok", "error": ""}
        row.update({k: v for k, v in s.headline().items() if k not in ("status", "source")})
        if call.qa is not None:
            row.update({"qa_score": call.qa, "qa_passed": 0, "qa_applicable": 0})
        rows.append(row)
    rows.append({"file": "/calls/broken.wav", "status": "error", "error": "unreadable"})
    (out / "calls.json").write_text(json.dumps(rows), encoding="utf-8")
    return out


def write_library(root: Path, calls: tuple[Call, ...] = CALLS) -> Path:
    """A call library: one folder per call with call.json and summary.json (no audio)."""
    for n, call in enumerate(calls):
        call_id = f"{call.day.replace('-', '')}-100000-{n:06x}"
        folder = CallFolder(root / call_id)
        folder.path.mkdir(parents=True)
        s = summary(call, call_id, origin="live")
        folder.write_meta(s.meta)
        folder.write_summary(s.to_json())
    return root
