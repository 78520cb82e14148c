"""Figures derived without the analysers: from VAD speech regions and Whisper's word times.

Used only when a journal has no events from the analyser that measures the
figure itself (an older journal, or a call analysed before that analyser
existed). The thresholds are the published ones in ``shared/MEASURED.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from belcoach.audio.calls.marks import Line, Mark, RatePoint
from belcoach.audio.events import Channel, RateVerdict, SpeechRegion

OVERTALK_MIN_S = 0.5
"""Overlaps shorter than this are backchannels, not interruptions (Schegloff 2000; MEASURED.md)."""

DEAD_AIR_MIN_S = 5.0
"""Silence on both sides counted as dead air (CCAI Insights counts > 5 s; MEASURED.md)."""

SENTENCE_PAUSE_S = 0.35
"""A gap after a sentence at least this long counts as a pause (200-350 ms in dialogue)."""

RATE_NORM = (3.5, 5.5)
"""Syllables/s band used only without the speech-rate analyser (rate from word times,
pauses inside an utterance included): the Dutch mean speaking rate is 4.23 syll/s
(Verhoeven, De Pauw & Kloots 2004); "fast" is 30 % above it, twice the just-noticeable
tempo difference, so a coach is not shown noise."""

MIN_RATE_SPAN_S = 2.0
"""Utterances shorter than this give no rate: a few words say nothing about tempo."""

_NUCLEUS = re.compile(r"(?:ij|[aeiouyåäöéèëêïüáóúà])+", re.IGNORECASE)


def merged_spans(regions: Iterable[SpeechRegion], channel: Channel) -> list[tuple[float, float]]:
    """One channel's speech as sorted, non-overlapping (start, end) spans."""
    spans: list[tuple[float, float]] = []
    for r in sorted((r for r in regions if r.channel == channel), key=lambda r: r.t):
        if spans and r.t <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], r.end))
        else:
            spans.append((r.t, r.end))
    return spans


def derived_overtalk(regions: Sequence[SpeechRegion]) -> list[Mark]:
    """Over-talk from overlapping speech regions; the later starter interrupted."""
    agent = merged_spans(regions, Channel.AGENT)
    customer = merged_spans(regions, Channel.CUSTOMER)
    marks = []
    for a0, a1 in agent:
        for c0, c1 in customer:
            start, stop = max(a0, c0), min(a1, c1)
            if stop - start >= OVERTALK_MIN_S:
                who = Channel.AGENT if a0 > c0 else Channel.CUSTOMER
                marks.append(
                    Mark(
                        "overtalk",
                        "overtalk",
                        start,
                        stop,
                        who,
                        label=overtalk_label(who, stop - start),
                        tone=str(who),
                        derived=True,
                    )
                )
    return marks


def overtalk_label(who: Channel | str | None, seconds: float) -> str:
    side = "agent" if str(who) == "agent" else "customer"
    return f"{side} interrupted ({seconds:.1f} s overlap)"


def derived_dead_air(regions: Sequence[SpeechRegion]) -> list[Mark]:
    """Stretches of at least `DEAD_AIR_MIN_S` where neither side spoke, inside the call."""
    spans = sorted(merged_spans(regions, Channel.AGENT) + merged_spans(regions, Channel.CUSTOMER))
    marks = []
    reach = None
    for start, stop in spans:
        if reach is not None and start - reach >= DEAD_AIR_MIN_S:
            marks.append(
                Mark(
                    "pause",
                    "dead_air",
                    reach,
                    start,
                    None,
                    label=f"dead air {start - reach:.1f} s",
                    tone="dead_air",
                    derived=True,
                )
            )
        reach = stop if reach is None else max(reach, stop)
    return marks


def word_rate_points(lines: Sequence[Line]) -> list[RatePoint]:
    """The agent's tempo per utterance, in syllables per second of its span."""
    low, high = RATE_NORM
    points = []
    for line in lines:
        span = line.end - line.t
        if line.channel != Channel.AGENT or span < MIN_RATE_SPAN_S:
            continue
        rate = sum(syllables(w.text) for w in line.words) / span
        verdict = (
            RateVerdict.FAST if rate > high else RateVerdict.SLOW if rate < low else RateVerdict.OK
        )
        points.append(
            RatePoint(
                line.end, rate, low, high, "syll/s", verdict, 60.0 * len(line.words) / span, line.t
            )
        )
    return points


def syllables(word: str) -> int:
    """Rough syllable count of a written word: its vowel groups (Dutch ``ij`` is a vowel).

    Good to about 10 % on Dutch and Swedish text, enough for a tempo that is only
    used when the speech-rate analyser did not run.
    """
    return max(1, len(_NUCLEUS.findall(word))) if any(c.isalpha() for c in word) else 0
