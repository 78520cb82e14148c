"""Per agent and per ISO week: the figures of the team table, and who improved most.

A period's figure is the plain mean over its calls that measured it, so each
call counts the same whatever its length. Feeling outcome is a share of the
calls that *started* negative (calls that did not are left out of it), so
`Period.negative_starts` says how many calls it rests on.

Who improved most (`improvers`): each agent's earliest weeks are compared
with their latest weeks. With four or more weeks of calls the windows are the
first two and the last two weeks, otherwise the first and the last week, so
the windows never share a week; each window needs at least `MIN_CALLS` calls.
The change is the QA score change and the pace-share change, in percentage
points; an agent's improvement is the mean of the two (or the one measured).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from belcoach.audio.review.team.records import CallRecord

MIN_CALLS = 3
"""Calls each window (first weeks, last weeks) needs before an agent is ranked."""


def _mean(values: Iterable[float | int | None]) -> float | None:
    got = [float(v) for v in values if v is not None]
    return sum(got) / len(got) if got else None


@dataclass(frozen=True, slots=True)
class Period:
    """The figures of a group of calls (an agent's week, or a window of weeks).

    Attributes:
        calls: calls in the group.
        talk_ratio: mean agent share of the talking, 0..1.
        pace_share: mean share of speech within the pace norm, 0..1.
        overtalk: over-talks the agent started, per call.
        cards: phrasing cards, per call.
        negative_starts: calls whose customer started negative.
        feeling_outcome: share of those that ended neutral or positive.
        qa_score: mean QA score, 0..1.
    """

    calls: int
    talk_ratio: float | None
    pace_share: float | None
    overtalk: float | None
    cards: float | None
    negative_starts: int
    feeling_outcome: float | None
    qa_score: float | None

    @classmethod
    def of(cls, records: Sequence[CallRecord]) -> Period:
        """The figures of ``records``."""
        negative = [r for r in records if r.negative_start]
        return cls(
            calls=len(records),
            talk_ratio=_mean(r.talk_ratio for r in records),
            pace_share=_mean(r.pace_share for r in records),
            overtalk=_mean(r.overtalk for r in records),
            cards=_mean(r.cards for r in records),
            negative_starts=len(negative),
            feeling_outcome=_mean(
                (1.0 if r.recovered else 0.0) for r in negative if r.recovered is not None
            ),
            qa_score=_mean(r.qa_score for r in records),
        )


@dataclass(frozen=True, slots=True)
class AgentTrend:
    """One agent: the figures per ISO week (oldest first) and over all weeks."""

    agent: str
    weeks: tuple[tuple[str, Period], ...]
    overall: Period
    records: tuple[CallRecord, ...]


def agent_trends(records: Iterable[CallRecord]) -> list[AgentTrend]:
    """Group calls per agent and week; agents sorted best QA score first, then by pace share.

    Agents without a QA score follow those with one; ties go by name.
    """
    by_agent: dict[str, list[CallRecord]] = defaultdict(list)
    for record in records:
        by_agent[record.agent].append(record)
    trends = []
    for agent, calls in by_agent.items():
        calls.sort(key=lambda r: (r.started, r.call_id))
        by_week: dict[str, list[CallRecord]] = defaultdict(list)
        for r in calls:
            by_week[r.week].append(r)
        weeks = tuple((week, Period.of(by_week[week])) for week in sorted(by_week))
        trends.append(AgentTrend(agent, weeks, Period.of(calls), tuple(calls)))
    return sorted(trends, key=_rank)


def _rank(trend: AgentTrend) -> tuple[bool, float, bool, float, str]:
    qa, pace = trend.overall.qa_score, trend.overall.pace_share
    return (qa is None, -(qa or 0.0), pace is None, -(pace or 0.0), trend.agent.casefold())


@dataclass(frozen=True, slots=True)
class Improvement:
    """How much one agent's figures moved from their first to their last weeks.

    ``qa_change`` and ``pace_change`` are in percentage points; ``change`` is
    their mean (or the one that was measured in both windows).
    """

    agent: str
    first_weeks: tuple[str, ...]
    last_weeks: tuple[str, ...]
    first: Period
    last: Period
    qa_change: float | None
    pace_change: float | None
    change: float


def improvement(trend: AgentTrend, *, min_calls: int = MIN_CALLS) -> Improvement | None:
    """The agent's change (see the module doc); None when there is too little to compare."""
    weeks = [week for week, _ in trend.weeks]
    if len(weeks) < 2:
        return None
    span = 2 if len(weeks) >= 4 else 1
    first_weeks, last_weeks = tuple(weeks[:span]), tuple(weeks[-span:])
    first = Period.of([r for r in trend.records if r.week in first_weeks])
    last = Period.of([r for r in trend.records if r.week in last_weeks])
    if first.calls < min_calls or last.calls < min_calls:
        return None
    qa = _points(first.qa_score, last.qa_score)
    pace = _points(first.pace_share, last.pace_share)
    change = _mean((qa, pace))
    if change is None:
        return None
    return Improvement(trend.agent, first_weeks, last_weeks, first, last, qa, pace, change)


def _points(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else (after - before) * 100.0


def improvers(
    trends: Iterable[AgentTrend], *, top: int = 3, min_calls: int = MIN_CALLS
) -> list[Improvement]:
    """The ``top`` agents whose figures rose most (only those that rose), largest change first."""
    found = [i for t in trends if (i := improvement(t, min_calls=min_calls)) is not None]
    rising = [i for i in found if i.change > 0]
    return sorted(rising, key=lambda i: (-i.change, i.agent.casefold()))[:top]
