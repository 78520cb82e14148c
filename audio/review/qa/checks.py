"""How each QA item is scored from a finished call's events (one function per ``check``).

Every check returns a verdict and the evidence it rests on: the moment and
the words or event that decide it. A Niet goed always names the moment that
failed (or the whole-call figure and its threshold), so a coach can check it
by listening there. N.v.t. when the call gave no chance for the item; its
evidence says why. The parameters come from the card (defaults in
``belcoach.seeds.qa_card.CHECK_PARAMS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from belcoach.audio.calls.marks import Line, RatePoint
from belcoach.audio.events import Channel, PhraseHit
from belcoach.audio.review.qa.model import Evidence, Verdict
from belcoach.audio.review.qa.texts import note, part_name
from belcoach.audio.review.qa.view import CallView, Found, normalise, search, text_between
from belcoach.audio.review.report.labels import emotion_name
from belcoach.seeds.emotion_data import NEGATIVE_LABELS

Result = tuple[Verdict, list[Evidence]]
Check = Callable[[CallView, Mapping[str, Any]], Result]


def _n(v: CallView, key: str, **values: Any) -> str:
    return note(v.language, key, **values)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _said(found: Found, key: str, v: CallView, **values: Any) -> Evidence:
    return Evidence(found.t, _n(v, key, **values), found.quote, "transcript")


def _hit(p: PhraseHit, key: str, v: CallView, **values: Any) -> Evidence:
    return Evidence(p.t, _n(v, key, **values), p.said, f"phrase {p.rule_id}")


def _no_agent(v: CallView) -> Result:
    return Verdict.NVT, [Evidence(None, _n(v, "no_agent_words"), event="transcript")]


def opening(v: CallView, p: Mapping[str, Any]) -> Result:
    """Name and company in the agent's first seconds, and no stock phrase there."""
    agent = v.agent
    if not agent:
        return _no_agent(v)
    start = agent[0].t
    end = _turn_end(v, start, start + p["seconds"])
    window = text_between(agent, start, end)
    s = _fmt(p["seconds"])
    stock = [h for h in v.hits(category="stock_phrase") if start - 0.05 <= h.t <= end]
    intro = _first(p["intro"], window)
    company = _first(p["company"], window)
    if stock:
        return Verdict.NIET_GOED, [_hit(h, "opening_stock", v) for h in stock]
    if intro is None:
        return Verdict.NIET_GOED, [Evidence(start, _n(v, "opening_no_intro", s=s), window[0].text)]
    if company is None:
        return Verdict.NIET_GOED, [
            Evidence(start, _n(v, "opening_no_company", s=s), window[0].text)
        ]
    found = intro if intro.t <= company.t else company
    quote = " ".join(w.text for w in found.line.words)
    return Verdict.GOED, [Evidence(found.line.t, _n(v, "opening_intro"), quote)]


def _turn_end(v: CallView, start: float, limit: float) -> float:
    """Where the agent's turn from ``start`` ends: the customer's next words, or ``limit``."""
    nxt = next((line.t for line in v.customer if line.t > start + 0.05), limit)
    return min(nxt, limit)


def _first(patterns: list[str], lines: list[Line]) -> Found | None:
    for line in lines:
        found = search(patterns, line)
        if found is not None:
            return found
    return None


def reason_first(v: CallView, p: Mapping[str, Any]) -> Result:
    """Outbound calls (the customer answered first): the reason before asking for time."""
    first = v.first_speech()
    if first is None:
        return _no_agent(v)
    t0, who = first
    if who == Channel.AGENT:
        return Verdict.NVT, [Evidence(t0, _n(v, "inbound"), event="speech")]
    agent = v.agent
    if not agent:
        return _no_agent(v)
    start = agent[0].t
    end = start + p["seconds"]
    answered = Evidence(t0, _n(v, "outbound"), event="speech")
    reasons: list[tuple[float, Evidence]] = [
        (h.t, _hit(h, "reason", v)) for h in v.hits(p["reason_rules"]) if h.t <= end
    ]
    found = _first(p["reason"], text_between(agent, start, end))
    if found is not None:
        reasons.append((found.t, _said(found, "reason", v)))
    asks = [h for h in v.hits(p["time_rules"]) if h.t <= end]
    reason = min(reasons, key=lambda r: r[0]) if reasons else None
    if asks and (reason is None or asks[0].t < reason[0]):
        evidence = [answered, _hit(asks[0], "time_first", v)]
        if reason is not None:
            evidence.append(reason[1])
        return Verdict.NIET_GOED, evidence
    if reason is None:
        s = _fmt(p["seconds"])
        return Verdict.NIET_GOED, [
            answered,
            Evidence(start, _n(v, "no_reason", s=s), agent[0].text),
        ]
    return Verdict.GOED, [answered, reason[1]]


def customer_name(v: CallView, p: Mapping[str, Any]) -> Result:
    """When the customer gave a name, the agent used it afterwards."""
    not_names = {n.lower() for n in p["not_names"]}
    given: tuple[Line, str, set[str]] | None = None
    for line in v.customer:
        if line.t > p["seconds"]:
            break  # later "met Zorg Noord" is a company, not the caller introducing themselves
        for pattern in p["intro"]:
            m = re.search(pattern, line.text)
            if m is None:
                continue
            name = m.groupdict().get("name") or m.group(0)
            tokens = {t.lower() for t in re.findall(r"[\w'-]+", name)} - not_names
            tokens = {t for t in tokens if len(t) >= 2}
            if tokens:
                given = (line, name, tokens)
                break
        if given is not None:
            break
    hits = v.hits(p["name_rules"])
    if given is None:
        if hits:
            return Verdict.GOED, [_hit(hits[0], "name_used", v)]
        return Verdict.NVT, [Evidence(None, _n(v, "no_customer_name"), event="transcript")]
    line, name, tokens = given
    told = Evidence(line.t, _n(v, "customer_name", name=name), line.text)
    later = [h for h in hits if h.t >= line.t]
    if later:
        return Verdict.GOED, [told, _hit(later[0], "name_used", v)]
    for agent_line in v.agent:
        if agent_line.t < line.t:
            continue
        for i, word in enumerate(agent_line.words):
            if re.sub(r"[^\w'-]", "", word.text.lower()) in tokens:
                found = Found(agent_line, max(0, i - 2), i)
                return Verdict.GOED, [told, _said(found, "name_used", v)]
    return Verdict.NIET_GOED, [told, Evidence(line.end, _n(v, "name_not_used", name=name))]


def no_overtalk(v: CallView, p: Mapping[str, Any]) -> Result:
    """The agent never started speaking while the customer spoke."""
    if v.mono:
        return Verdict.NVT, [Evidence(None, _n(v, "mono"), event="status mono_call")]
    customer = v.customer
    if not customer and not v.summary.customer_talk_s:
        return Verdict.NVT, [Evidence(None, _n(v, "no_customer_speech"), event="speech")]
    over = [
        m
        for m in v.summary.overtalk
        if m.channel == "agent" and m.end - m.start >= p["min_seconds"]
    ]
    if not over:
        return Verdict.GOED, [
            Evidence(None, _n(v, "no_overtalk", n=len(customer)), event="overtalk")
        ]
    evidence = []
    for m in over:
        line = v.line_at(Channel.AGENT, m.start)
        quote = line.text if line is not None else ""
        evidence.append(
            Evidence(m.start, _n(v, "overtalk", s=f"{m.end - m.start:.1f}"), quote, "overtalk")
        )
    return Verdict.NIET_GOED, evidence


def pace(v: CallView, p: Mapping[str, Any]) -> Result:
    """The agent's measured speech within the norm band for at least ``min_share`` of it."""
    points = v.timeline.rate
    if not points:
        return Verdict.NVT, [Evidence(None, _n(v, "no_rate"), event="speech_rate")]
    weights = [max(0.1, q.t - q.start) if q.start is not None else 1.0 for q in points]
    ok = sum(w for q, w in zip(points, weights, strict=True) if q.verdict == "ok")
    share = ok / sum(weights)
    last = points[-1]
    figure = Evidence(
        None,
        _n(
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
                _n(v, key, value=f"{value:.1f}", unit=unit, s=f"{s1 - s0:.0f}"),
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
        return _no_agent(v)
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
            missed.append(Evidence(word.end, _n(v, "no_pause", gap=f"{gap:.2f}"), quote, "pause"))
    if total < p["min_sentences"]:
        return Verdict.NVT, [
            Evidence(None, _n(v, "few_sentences", n=total, min=p["min_sentences"]), event="pause")
        ]
    share = paused / total
    figure = Evidence(
        None,
        _n(
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
        return Verdict.NVT, [Evidence(None, _n(v, "no_negative"), event="emotion")]
    stock = v.hits(p["stock_rules"])
    evidence: list[Evidence] = []
    failed = False
    for onset in onsets:
        customer = _said_before(v.customer, onset.t)
        label = emotion_name(onset.label, v.language)
        evidence.append(
            Evidence(
                onset.t,
                _n(v, "negative", label=label),
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
            evidence.append(Evidence(ack.t, _n(v, "acknowledge"), ack.line.text))
            continue
        failed = True
        evidence += [_hit(h, "stock_ack", v) for h in stock_here if lead is None or h.t <= lead.t]
        if lead is not None:
            evidence.append(Evidence(lead.t, _n(v, "lead_first"), lead.line.text))
        else:
            s = _fmt(p["seconds"])
            evidence.append(Evidence(onset.t, _n(v, "no_acknowledge", s=s), event="emotion"))
    return (Verdict.NIET_GOED if failed else Verdict.GOED), evidence


def _said_before(lines: Sequence[Line], t: float, slack: float = 3.0) -> Line | None:
    """The last line that began before ``t`` and ended at most ``slack`` s before it.

    An estimate is stamped at its utterance's end, which the VAD may put a
    little after Whisper's last word.
    """
    before = [line for line in lines if line.t <= t and t - line.end <= slack]
    return before[-1] if before else None


def no_avoid_phrase(v: CallView, p: Mapping[str, Any]) -> Result:
    """No phrase from seed 001's "wat niet te zeggen" table (the named rules' hits)."""
    agent = v.agent
    hits = v.hits(p["rules"])
    if hits:
        return Verdict.NIET_GOED, [_hit(h, "avoid", v) for h in hits]
    if not agent:
        return _no_agent(v)
    return Verdict.GOED, [Evidence(None, _n(v, "no_avoid", n=len(agent)), event="phrase")]


def _summary_at(v: CallView, p: Mapping[str, Any]) -> tuple[Found, str] | None:
    """The first summary: where it starts, and the agent's words in its window."""
    for line in v.agent:
        found = search(p["marker"], line)
        if found is None:
            continue
        end = _turn_end(v, found.t, found.t + p["seconds"])
        words = [
            w.text
            for ln in text_between(v.agent, line.t, end)
            for w in ln.words
            if w.start >= found.t
        ]
        return found, " ".join(words)
    return None


def summary(v: CallView, p: Mapping[str, Any]) -> Result:
    """A summary that names what happens, when and who does it (seed 001)."""
    at = _summary_at(v, p)
    promises = v.hits(category="promise")
    if at is None:
        if promises:
            return Verdict.NIET_GOED, [_hit(promises[0], "promise_no_summary", v)]
        return Verdict.NVT, [Evidence(None, _n(v, "nothing_agreed"), event="transcript")]
    found, text = at
    plain = normalise(text)
    missing = [part for part in ("what", "when", "who") if not _any(p[part], plain)]
    if missing:
        parts = ", ".join(part_name(v.language, m) for m in missing)
        return Verdict.NIET_GOED, [Evidence(found.t, _n(v, "summary_parts", parts=parts), text)]
    return Verdict.GOED, [Evidence(found.t, _n(v, "summary"), text)]


def _any(patterns: list[str], text: str) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


def promises(v: CallView, p: Mapping[str, Any]) -> Result:
    """Every promise says when, or is repeated in the summary, so it can be kept (seed 002)."""
    made = v.hits(category="promise")
    if not made:
        return Verdict.NVT, [Evidence(None, _n(v, "no_promise"), event="phrase")]
    at = _summary_at(v, p)
    window = (at[0].t - 0.05, at[0].t + p["seconds"]) if at is not None else None
    evidence = []
    vague = False
    for h in made:
        line = v.line_at(Channel.AGENT, h.t)
        said = h.said if h.said else (line.text if line is not None else "")
        if _any(p["when"], normalise(said)):
            evidence.append(_hit(h, "promise_when", v))
        elif window is not None and window[0] <= h.t <= window[1]:
            evidence.append(_hit(h, "promise_summarised", v))
        else:
            vague = True
            evidence.append(_hit(h, "promise_vague", v))
    return (Verdict.NIET_GOED if vague else Verdict.GOED), evidence


def personal_close(v: CallView, p: Mapping[str, Any]) -> Result:
    """The agent's last words carry no stock closing phrase ("fijne dag verder")."""
    agent = v.agent
    s = _fmt(p["seconds"])
    if not agent:
        return _no_agent(v)
    last_speech = max(line.end for line in v.lines)
    start = last_speech - p["seconds"]
    close = [line for line in agent if line.end >= start]
    if not close:
        return Verdict.NVT, [Evidence(start, _n(v, "no_close", s=s), event="transcript")]
    stock = [h for h in v.hits(p["stock_rules"]) if h.t >= close[0].t - 0.05]
    if stock:
        return Verdict.NIET_GOED, [_hit(h, "close_stock", v) for h in stock]
    return Verdict.GOED, [Evidence(close[-1].t, _n(v, "close_ok"), close[-1].text)]


CHECKS: dict[str, Check] = {
    "opening": opening,
    "reason_first": reason_first,
    "customer_name": customer_name,
    "no_overtalk": no_overtalk,
    "pace": pace,
    "pauses": pauses,
    "feeling_ack": feeling_ack,
    "no_avoid_phrase": no_avoid_phrase,
    "summary": summary,
    "promises": promises,
    "personal_close": personal_close,
}
"""Every check a card item may name (``belcoach.seeds.qa_card.CHECK_PARAMS`` lists the same)."""
