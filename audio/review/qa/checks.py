"""How each QA item is scored from a finished call's events (one function per ``check``).

Every check returns a verdict and the evidence it rests on: the moment and
the words or event that decide it. A Niet goed always names the moment that
failed (or the whole-call figure and its threshold), so a coach can check it
by listening there. N.v.t. when the call gave no chance for the item; its
evidence says why. The parameters come from the card (defaults in
``belcoach.seeds.qa_card.CHECK_PARAMS``). The items on what the agent says are
here; over-talk, pace, pauses and the feeling are in ``speech``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from belcoach.audio.calls.marks import Line
from belcoach.audio.events import Channel
from belcoach.audio.review.qa.common import (
    Check,
    Result,
    first_found,
    fmt,
    hit,
    n_,
    no_agent,
    said,
    turn_end,
)
from belcoach.audio.review.qa.model import Evidence, Verdict
from belcoach.audio.review.qa.speech import feeling_ack, no_overtalk, pace, pauses
from belcoach.audio.review.qa.texts import part_name
from belcoach.audio.review.qa.view import CallView, Found, normalise, search, text_between


def opening(v: CallView, p: Mapping[str, Any]) -> Result:
    """Name and company in the agent's first seconds, and no stock phrase there."""
    agent = v.agent
    if not agent:
        return no_agent(v)
    start = agent[0].t
    end = turn_end(v, start, start + p["seconds"])
    window = text_between(agent, start, end)
    s = fmt(p["seconds"])
    stock = [h for h in v.hits(category="stock_phrase") if start - 0.05 <= h.t <= end]
    intro = first_found(p["intro"], window)
    company = first_found(p["company"], window)
    if stock:
        return Verdict.NIET_GOED, [hit(h, "opening_stock", v) for h in stock]
    if intro is None:
        return Verdict.NIET_GOED, [Evidence(start, n_(v, "opening_no_intro", s=s), window[0].text)]
    if company is None:
        return Verdict.NIET_GOED, [
            Evidence(start, n_(v, "opening_no_company", s=s), window[0].text)
        ]
    found = intro if intro.t <= company.t else company
    quote = " ".join(w.text for w in found.line.words)
    return Verdict.GOED, [Evidence(found.line.t, n_(v, "opening_intro"), quote)]


def reason_first(v: CallView, p: Mapping[str, Any]) -> Result:
    """Outbound calls (the customer answered first): the reason before asking for time."""
    first = v.first_speech()
    if first is None:
        return no_agent(v)
    t0, who = first
    if who == Channel.AGENT:
        return Verdict.NVT, [Evidence(t0, n_(v, "inbound"), event="speech")]
    agent = v.agent
    if not agent:
        return no_agent(v)
    start = agent[0].t
    end = start + p["seconds"]
    answered = Evidence(t0, n_(v, "outbound"), event="speech")
    reasons: list[tuple[float, Evidence]] = [
        (h.t, hit(h, "reason", v)) for h in v.hits(p["reason_rules"]) if h.t <= end
    ]
    found = first_found(p["reason"], text_between(agent, start, end))
    if found is not None:
        reasons.append((found.t, said(found, "reason", v)))
    asks = [h for h in v.hits(p["time_rules"]) if h.t <= end]
    reason = min(reasons, key=lambda r: r[0]) if reasons else None
    if asks and (reason is None or asks[0].t < reason[0]):
        evidence = [answered, hit(asks[0], "time_first", v)]
        if reason is not None:
            evidence.append(reason[1])
        return Verdict.NIET_GOED, evidence
    if reason is None:
        s = fmt(p["seconds"])
        return Verdict.NIET_GOED, [
            answered,
            Evidence(start, n_(v, "no_reason", s=s), agent[0].text),
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
            return Verdict.GOED, [hit(hits[0], "name_used", v)]
        return Verdict.NVT, [Evidence(None, n_(v, "no_customer_name"), event="transcript")]
    line, name, tokens = given
    told = Evidence(line.t, n_(v, "customer_name", name=name), line.text)
    later = [h for h in hits if h.t >= line.t]
    if later:
        return Verdict.GOED, [told, hit(later[0], "name_used", v)]
    for agent_line in v.agent:
        if agent_line.t < line.t:
            continue
        for i, word in enumerate(agent_line.words):
            if re.sub(r"[^\w'-]", "", word.text.lower()) in tokens:
                found = Found(agent_line, max(0, i - 2), i)
                return Verdict.GOED, [told, said(found, "name_used", v)]
    return Verdict.NIET_GOED, [told, Evidence(line.end, n_(v, "name_not_used", name=name))]


def no_avoid_phrase(v: CallView, p: Mapping[str, Any]) -> Result:
    """No phrase from seed 001's "wat niet te zeggen" table (the named rules' hits)."""
    agent = v.agent
    hits = v.hits(p["rules"])
    if hits:
        return Verdict.NIET_GOED, [hit(h, "avoid", v) for h in hits]
    if not agent:
        return no_agent(v)
    return Verdict.GOED, [Evidence(None, n_(v, "no_avoid", n=len(agent)), event="phrase")]


def _summary_at(v: CallView, p: Mapping[str, Any]) -> tuple[Found, str] | None:
    """The first summary: where it starts, and the agent's words in its window."""
    for line in v.agent:
        found = search(p["marker"], line)
        if found is None:
            continue
        end = turn_end(v, found.t, found.t + p["seconds"])
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
            return Verdict.NIET_GOED, [hit(promises[0], "promise_no_summary", v)]
        return Verdict.NVT, [Evidence(None, n_(v, "nothing_agreed"), event="transcript")]
    found, text = at
    plain = normalise(text)
    missing = [part for part in ("what", "when", "who") if not _any(p[part], plain)]
    if missing:
        parts = ", ".join(part_name(v.language, m) for m in missing)
        return Verdict.NIET_GOED, [Evidence(found.t, n_(v, "summary_parts", parts=parts), text)]
    return Verdict.GOED, [Evidence(found.t, n_(v, "summary"), text)]


def _any(patterns: list[str], text: str) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


def promises(v: CallView, p: Mapping[str, Any]) -> Result:
    """Every promise says when, or is repeated in the summary, so it can be kept (seed 002)."""
    made = v.hits(category="promise")
    if not made:
        return Verdict.NVT, [Evidence(None, n_(v, "no_promise"), event="phrase")]
    at = _summary_at(v, p)
    window = (at[0].t - 0.05, at[0].t + p["seconds"]) if at is not None else None
    evidence = []
    vague = False
    for h in made:
        line = v.line_at(Channel.AGENT, h.t)
        said = h.said if h.said else (line.text if line is not None else "")
        if _any(p["when"], normalise(said)):
            evidence.append(hit(h, "promise_when", v))
        elif window is not None and window[0] <= h.t <= window[1]:
            evidence.append(hit(h, "promise_summarised", v))
        else:
            vague = True
            evidence.append(hit(h, "promise_vague", v))
    return (Verdict.NIET_GOED if vague else Verdict.GOED), evidence


def personal_close(v: CallView, p: Mapping[str, Any]) -> Result:
    """The agent's last words carry no stock closing phrase ("fijne dag verder")."""
    agent = v.agent
    s = fmt(p["seconds"])
    if not agent:
        return no_agent(v)
    last_speech = max(line.end for line in v.lines)
    start = last_speech - p["seconds"]
    close = [line for line in agent if line.end >= start]
    if not close:
        return Verdict.NVT, [Evidence(start, n_(v, "no_close", s=s), event="transcript")]
    stock = [h for h in v.hits(p["stock_rules"]) if h.t >= close[0].t - 0.05]
    if stock:
        return Verdict.NIET_GOED, [hit(h, "close_stock", v) for h in stock]
    return Verdict.GOED, [Evidence(close[-1].t, n_(v, "close_ok"), close[-1].text)]


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
