"""QA checks on how the agent speaks and listens: over-talk, pace, pauses, feeling (seed 000, 001).

See ``belcoach.audio.review.qa.checks`` for what every check returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from belcoach.audio.calls.marks import Line, RatePoint
from belcoach.audio.events import Channel
from belcoach.audio.review.qa.common import Result, fmt, hit, n_, no_agent
from belcoach.audio.review.qa.model import Evidence, Verdict
from belcoach.audio.review.qa.view import CallView, Found, search
from belcoach.audio.review.report.labels import emotion_name
from belcoach.seeds.emotion_data import NEGATIVE_LABELS


def no_overtalk(v: CallView, p: Mapping[str, Any]) -> Result:
    """The agent never started speaking while the customer spoke."""
    if v.mono:
        return Verdict.NVT, [Evidence(None, n_(v, "mono"), event="status mono_call")]
    customer = v.customer
    if not customer and not v.summary.customer_talk_s:
        return Verdict.NVT, [Evidence(None, n_(v, "no_customer_speech"), event="speech")]
    over = [
        m
        for m in v.summary.overtalk
        if m.channel == "agent" and m.end - m.start >= p["min_seconds"]
    ]
    if not over:
        return Verdict.GOED, [
            Evidence(None, n_(v, "no_overtalk", n=len(customer)), event="overtalk")
        ]
    evidence = []
    for m in over:
        line = v.line_at(Channel.AGENT, m.start)
        quote = line.text if line is not None else ""
        evidence.append(
            Evidence(m.start, n_(v, "overtalk", s=f"{m.end - m.start:.1f}"), quote, "overtalk")
        )
    return Verdict.NIET_GOED, evidence


def pace(v: CallView, p: Mapping[str, Any]) -> Result:
    """The agent's measured speech within the norm band for at least ``min_share`` of it."""
    points = v.timeline.rate
    if not points:
        return Verdict.NVT, [Evidence(None, n_(v, "no_rate"), event="speech_rate")]
    weights = [max(0.1, q.t - q.start) if q.start is not None else 1.0 for q in points]
    ok = sum(w for q, w in zip(points, weights, strict=True) if q.verdict == "ok")
    share = ok / sum(weights)
    last = points[-1]
    figure = Evidence(
        None,
        n_(
            v,
            "pace_share",
            pct=f"{share * 100:.0f}",
            lo=f"{last.low:.1f}",
            hi=f"{last.high:.1f}",
            unit=last.unit,
            min=f"{p['min_share'] * 100:.0f}",
        ),
        event="speech_rate",
    )
    evidence = [figure]
    for verdict_word, s0, s1, value, unit in _stretches(points)[:3]:
        line = _longest_overlap(v.agent, s0, s1)
        key = "pace_fast" if verdict_word == "fast" else "pace_slow"
        evidence.append(
            Evidence(
                s0,
                n_(v, key, value=f"{value:.1f}", unit=unit, s=f"{s1 - s0:.0f}"),
                line.text if line is not None else "",
                "speech_rate",
            )
        )
    verdict = Verdict.GOED if share >= p["min_share"] else Verdict.NIET_GOED
    return verdict, evidence if verdict == Verdict.NIET_GOED else evidence[:1]


def _stretches(points: Sequence[RatePoint]) -> list[tuple[str, float, float, float, str]]:
    """Out-of-norm stretches, longest first: the rate windows overlap, so merge them.

    Returns (verdict, start, end, mean value, unit) per stretch.
    """
    runs: list[list[RatePoint]] = []
    for q in points:
        if q.verdict not in ("fast", "slow"):
            continue
        start = q.start if q.start is not None else q.t
        prev = runs[-1][-1] if runs else None
        if prev is not None and prev.verdict == q.verdict and start <= prev.t + 1.0:
            runs[-1].append(q)
        else:
            runs.append([q])
    out = []
    for run in runs:
        first = run[0]
        s0 = first.start if first.start is not None else first.t
        mean = sum(q.value for q in run) / len(run)
        out.append((first.verdict, s0, run[-1].t, mean, first.unit))
    return sorted(out, key=lambda r: -(r[2] - r[1]))


def _longest_overlap(lines: Sequence[Line], s0: float, s1: float) -> Line | None:
    """The line that overlaps [s0, s1] the most (the speech a stretch measured)."""
    best, best_len = None, 0.0
    for line in lines:
        overlap = min(line.end, s1) - max(line.t, s0)
        if overlap > best_len:
            best, best_len = line, overlap
    return best


def pauses(v: CallView, p: Mapping[str, Any]) -> Result:
    """Agent sentences inside a turn followed by a pause, for at least ``min_share`` of them."""
    agent = v.agent
    if not agent:
        return no_agent(v)
    customer = [(line.t, line.end) for line in v.customer]
    words = [(w, line) for line in agent for w in line.words]
    total = paused = 0
    missed: list[Evidence] = []
    for i, (word, line) in enumerate(words[:-1]):
        if not word.text.rstrip("\"'\u201d)").endswith((".", "?", "!")):
            continue
        nxt, nxt_line = words[i + 1]
        if any(word.end <= c0 < nxt.start for c0, _ in customer):
            continue  # a turn end, not a place to pause
        total += 1
        gap = nxt.start - word.end
        if gap >= p["pause_seconds"]:
            paused += 1
        else:
            quote = _around(line, word, nxt_line, nxt)
            missed.append(Evidence(word.end, n_(v, "no_pause", gap=f"{gap:.2f}"), quote, "pause"))
    if total < p["min_sentences"]:
        return Verdict.NVT, [
            Evidence(None, n_(v, "few_sentences", n=total, min=p["min_sentences"]), event="pause")
        ]
    share = paused / total
    figure = Evidence(
        None,
        n_(
            v,
            "pause_share",
            p=paused,
            n=total,
            pct=f"{share * 100:.0f}",
            min=f"{p['min_share'] * 100:.0f}",
        ),
        event="pause",
    )
    if share >= p["min_share"]:
        return Verdict.GOED, [figure]
    return Verdict.NIET_GOED, [figure, *missed[:3]]


def _around(line: Line, word: Any, nxt_line: Line, nxt: Any) -> str:
    i = line.words.index(word)
    before = " ".join(w.text for w in line.words[max(0, i - 4) : i + 1])
    return f"…{before} {nxt.text}…"


def feeling_ack(v: CallView, p: Mapping[str, Any]) -> Result:
    """After each negative feeling: acknowledged (erkennen) before leading (leiden), seed 000."""
    onsets = []
    previous_negative = False
    for point in v.timeline.emotion:
        negative = point.label in NEGATIVE_LABELS
        if negative and not previous_negative:
            onsets.append(point)
        previous_negative = negative
    if not onsets:
        return Verdict.NVT, [Evidence(None, n_(v, "no_negative"), event="emotion")]
    stock = v.hits(p["stock_rules"])
    evidence: list[Evidence] = []
    failed = False
    for onset in onsets:
        customer = _said_before(v.customer, onset.t)
        label = emotion_name(onset.label, v.language)
        evidence.append(
            Evidence(
                onset.t,
                n_(v, "negative", label=label),
                customer.text if customer is not None else "",
                "emotion",
            )
        )
        end = onset.t + p["seconds"]
        replies = [line for line in v.agent if onset.t - 0.5 <= line.t <= end]
        ack: Found | None = None
        lead: Found | None = None
        for line in replies:
            a = search(p["acknowledge"], line)
            if a is not None and any(h.t <= a.t <= h.end for h in stock):
                a = None
            if ack is None and a is not None:
                ack = a
            ld = search(p["lead"], line)
            if lead is None and ld is not None:
                lead = ld
            if ack is not None or lead is not None:
                break
        stock_here = [h for h in stock if onset.t - 0.5 <= h.t <= end]
        if ack is not None and (lead is None or (ack.t, ack.first) <= (lead.t, lead.first)):
            evidence.append(Evidence(ack.t, n_(v, "acknowledge"), ack.line.text))
            continue
        failed = True
        evidence += [hit(h, "stock_ack", v) for h in stock_here if lead is None or h.t <= lead.t]
        if lead is not None:
            evidence.append(Evidence(lead.t, n_(v, "lead_first"), lead.line.text))
        else:
            s = fmt(p["seconds"])
            evidence.append(Evidence(onset.t, n_(v, "no_acknowledge", s=s), event="emotion"))
    return (Verdict.NIET_GOED if failed else Verdict.GOED), evidence


def _said_before(lines: Sequence[Line], t: float, slack: float = 3.0) -> Line | None:
    """The last line that began before ``t`` and ended at most ``slack`` s before it.

    An estimate is stamped at its utterance's end, which the VAD may put a
    little after Whisper's last word.
    """
    before = [line for line in lines if line.t <= t and t - line.end <= slack]
    return before[-1] if before else None
