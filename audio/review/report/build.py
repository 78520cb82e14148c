"""Building the call report: figures, cards, tables and the marked-up transcript.

`write_report` is what ``belcoach report`` and the replay window's Report
button call. The HTML is one self-contained file (styles and images inline),
so a coach can mail it or print it from any browser; the PDF is the same
HTML laid out by WeasyPrint, which honours the print styles (A4, page numbers,
no table row split across pages).
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from belcoach.audio.calls.loaded import LoadedCall
from belcoach.audio.calls.marks import Line
from belcoach.audio.calls.summary import CallSummary
from belcoach.audio.events import RateVerdict
from belcoach.audio.review.palette import EMOTION_TONES, TONES
from belcoach.audio.review.qa import score_call
from belcoach.audio.review.report.figures import overview_png
from belcoach.audio.review.report.labels import emotion_name, labels, report_language
from belcoach.audio.review.report.qa_section import qa_section
from belcoach.audio.review.tips import MONOLOGUE_S, PAUSE_SHARE, TALK_RATIO_HIGH, applicable_tips
from belcoach.core.atomic import write_atomic
from belcoach.core.clock import format_clock
from belcoach.core.errors import AppError
from belcoach.seeds.emotion_data import NEGATIVE_LABELS, EmotionBasis, EmotionLabel
from belcoach.seeds.report_tips import seed_title

log = logging.getLogger(__name__)


SEVERITY: dict[str, int] = {
    EmotionLabel.BOOS: 0,
    EmotionLabel.VERONGELIJKT: 1,
    EmotionLabel.GEFRUSTREERD: 2,
    EmotionLabel.ANGSTIG: 3,
}
"""Which negative feeling is the low point of a call (seed 000 labels, worst first)."""


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


@dataclass(frozen=True, slots=True)
class Card:
    """One headline figure: label, value, a line of context and whether it needs attention."""

    label: str
    value: str
    sub: str = ""
    flag: str = ""
    basis: str = ""


def render_html(
    call: LoadedCall, *, language: str | None = None, qa_card: str | Path | None = None
) -> str:
    """The report as one self-contained HTML document.

    Args:
        call: the opened call.
        language: ``nl``, ``en`` or ``sv``; defaults to the call's language.
        qa_card: the QA card file in force (setting ``qa.card``); None or empty =
            the packaged card for the call's language.
    """
    lang = report_language(language or call.summary.meta.language or call.timeline.language)
    L = labels(lang)
    summary = call.summary
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_resource("report.html.j2"))
    context: dict[str, Any] = {
        "lang": lang,
        "L": L,
        "css": markupsafe.Markup(_resource("report.css")),
        "title": call.title,
        "meta": _meta_rows(summary, L),
        "problems": summary.problems,
        "cards": _cards(summary, L, lang, emotion_basis=call.timeline.emotion_basis),
        "overview": base64.b64encode(overview_png(call.timeline, L, lang)).decode("ascii"),
        "legend": _legend(L),
        "phrases": [_phrase_row(p) for p in summary.phrases_to_avoid],
        "good": [_phrase_row(p) for p in summary.phrases if p.polarity == "good"],
        "overtalks": [
            {
                "time": format_clock(m.start),
                "text": f"{_who(m.channel, L)} · {m.end - m.start:.1f} s",
            }
            for m in summary.overtalk
        ],
        "dead_air": [
            {"time": format_clock(m.start), "text": f"{m.end - m.start:.1f} s"}
            for m in summary.dead_air
        ],
        "emotion_path": [
            {
                "name": emotion_name(m.label, lang),
                "time": format_clock(m.start),
                "colour": EMOTION_TONES.get(m.label, "#718096"),
            }
            for m in summary.emotion_path
        ],
        "notes": [
            {"time": format_clock(n.t), "text": n.text, "author": n.author} for n in call.notes
        ],
        "tips": [
            {"text": a.text, "quote": a.tip.quote, "seed": seed_title(a.tip.seed)}
            for a in applicable_tips(summary, language=lang)
        ],
        "transcript": _transcript(call, L, lang),
        "qa": qa_section(score_call(call, card_path=qa_card or None)),
    }
    return template.render(**context)


def _resource(name: str) -> str:
    return (
        resources.files("belcoach.audio.review.report").joinpath(name).read_text(encoding="utf-8")
    )


def _who(channel: str | None, L: dict[str, str]) -> str:
    return L["by_agent"] if channel == "agent" else L["by_customer"]


def _meta_rows(summary: CallSummary, L: dict[str, str]) -> list[tuple[str, str]]:
    meta = summary.meta
    try:
        when = datetime.fromisoformat(meta.started_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = meta.started_at
    rows = [(L["date"], when), (L["duration"], format_clock(summary.duration))]
    if meta.agent:
        rows.append((L["agent"], meta.agent))
    rows.append((L["language"], meta.language or "—"))
    rows.append((L["source"], meta.source or meta.id))
    rows.append((L["status"], L.get(f"status_{summary.status}", summary.status)))
    return rows


def _basis(summary: CallSummary, key: str, L: dict[str, str]) -> str:
    value = summary.basis.get(key, "")
    return {"speech regions": L["basis_regions"], "word times": L["basis_words"]}.get(value, "")


def _cards(
    s: CallSummary,
    L: dict[str, str],
    lang: str,
    *,
    emotion_basis: EmotionBasis | None = None,
) -> list[Card]:
    nm = L["not_measured"]
    cards = []
    if s.talk_ratio is not None:
        cards.append(
            Card(
                L["talk_listen"],
                f"{s.talk_ratio:.0%} / {1 - s.talk_ratio:.0%}",
                f"{L['agent']} {s.agent_talk_s or 0:.0f} s · "
                f"{L['customer']} {s.customer_talk_s or 0:.0f} s",
                "attention" if s.talk_ratio > TALK_RATIO_HIGH else "",
                _basis(s, "talk", L),
            )
        )
    else:
        cards.append(Card(L["talk_listen"], nm, flag="none"))
    if s.agent_rate is not None:
        sub = f"{L['norm']} {s.rate_low:.1f}–{s.rate_high:.1f}"
        if s.fast_share:
            sub += f" · {s.fast_share:.0%} {L['fast_share']}"
        if s.agent_wpm:
            sub += f" · ≈{s.agent_wpm:.0f} wpm"
        fast = (s.fast_share or 0) >= 0.1
        cards.append(
            Card(
                L["rate"],
                f"{s.agent_rate:.1f} {s.rate_unit}",
                sub,
                "attention" if fast else "",
                _basis(s, "rate", L),
            )
        )
    else:
        cards.append(Card(L["rate"], nm, flag="none"))
    if s.sentences:
        share = (s.sentences_with_pause or 0) / s.sentences
        cards.append(
            Card(
                L["pauses"],
                f"{s.sentences_with_pause or 0} / {s.sentences}",
                L["followed_by_pause"],
                "attention" if share < PAUSE_SHARE else "",
                _basis(s, "pauses", L),
            )
        )
    else:
        cards.append(Card(L["pauses"], nm, flag="none"))
    by_agent = s.overtalk_by_agent
    times = ", ".join(format_clock(m.start) for m in s.overtalk if m.channel == "agent")
    sub = f"{L['by_agent']}, {L['at']} {times}" if times else L["by_agent"]
    if s.overtalk_by_customer:
        sub += f" · {s.overtalk_by_customer}× {L['by_customer']}"
    cards.append(
        Card(
            L["overtalk"],
            f"{by_agent}×",
            sub,
            "attention" if by_agent else "",
            _basis(s, "overtalk", L),
        )
    )
    avoid = s.phrases_to_avoid
    cards.append(
        Card(
            L["phrases"],
            str(len(avoid)),
            " · ".join(f"“{p.said}”" for p in avoid[:2]) + (" …" if len(avoid) > 2 else ""),
            "attention" if avoid else ("" if s.basis.get("phrases") != "none" else "none"),
        )
    )
    if s.emotion_path:
        first, last = s.emotion_path[0].label, s.emotion_path[-1].label
        value = (
            emotion_name(first, lang)
            if first == last
            else (f"{emotion_name(first, lang)} → {emotion_name(last, lang)}")
        )
        worst = sorted(
            (m for m in s.emotion_path if m.label in NEGATIVE_LABELS),
            key=lambda m: (SEVERITY.get(m.label, 9), m.start),
        )
        sub = (
            f"{L['low_point']}: {emotion_name(worst[0].label, lang)} {L['at']} "
            f"{format_clock(worst[0].start)}"
            if worst
            else ""
        )
        source = L[
            "emotion_from_words"
            if emotion_basis == EmotionBasis.WORDS
            else "emotion_from_voice_and_words"
        ]
        flag = "attention" if last in NEGATIVE_LABELS else ""
        cards.append(Card(L["emotion"], value, sub, flag, basis=source))
    else:
        cards.append(Card(L["emotion"], nm, flag="none"))
    dead = s.dead_air
    cards.append(
        Card(
            L["dead_air"],
            f"{len(dead)}× · {_seconds(s.dead_air_total)}",
            ", ".join(format_clock(m.start) for m in dead[:4]),
            "attention" if dead else "",
            _basis(s, "dead_air", L),
        )
    )
    mono = s.longest_monologue
    if mono is not None:
        cards.append(
            Card(
                L["monologue"],
                f"{mono.end - mono.start:.0f} s",
                f"{L['at']} {format_clock(mono.start)}",
                "attention" if mono.end - mono.start >= MONOLOGUE_S else "",
            )
        )
    else:
        cards.append(Card(L["monologue"], nm, flag="none"))
    return cards


def _legend(L: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (L["agent"], TONES["agent"]),
        (L["customer"], TONES["customer"]),
        (L["lane_overtalk"], TONES["overtalk"]),
        (L["dead_air"], TONES["dead_air"]),
        (L["lane_pause"].split(" /")[0], TONES["after_sentence"]),
        (L["phrases"], TONES["avoid"]),
        (L["good_moments"], TONES["good"]),
        (L["norm"], "#9ae6b4"),
    ]


def _phrase_row(p: Any) -> dict[str, Any]:
    return {
        "time": format_clock(p.t),
        "said": p.said,
        "suggestions": list(p.suggestions),
        "why": p.why,
        "source": seed_title(p.source) if p.source else "",
    }


def _segments(
    line: Line, phrase_tones: list[tuple[float, float, str, str]]
) -> list[tuple[str, str]]:
    """The line's text in runs, each marked with the tone of the phrase it belongs to."""
    out: list[tuple[str, str]] = []
    for word in line.words:
        cls = next(
            (
                tone
                for a, b, tone, ch in phrase_tones
                if ch == str(line.channel) and word.start >= a - 0.02 and word.end <= b + 0.02
            ),
            "",
        )
        if out and out[-1][1] == cls:
            out[-1] = (f"{out[-1][0]} {word.text}", cls)
        else:
            if out:
                out.append((" ", ""))
            out.append((word.text, cls))
    return out


def _transcript(call: LoadedCall, L: dict[str, str], lang: str) -> list[dict[str, Any]]:
    tl = call.timeline
    phrase_tones = [
        (m.start, m.end, "good" if m.tone == "good" else "avoid", str(m.channel))
        for m in tl.lane("phrase")
    ]
    overtalks = tl.of_kind("overtalk")
    fast = [p for p in tl.rate if p.verdict == RateVerdict.FAST]
    rows: list[tuple[float, int, dict[str, Any]]] = []
    for line in tl.lines:
        flags = []
        if any(
            str(m.channel) == str(line.channel) and line.t - 0.6 <= m.start <= line.end
            for m in overtalks
        ):
            flags.append(("overtalk", L["lane_overtalk"]))
        if str(line.channel) == "agent" and any(line.t < p.t <= line.end + 0.6 for p in fast):
            flags.append(("fast", L["too_fast"]))
        if str(line.channel) == "customer":
            for p in tl.emotion:
                if line.t < p.t <= line.end + 0.3 and p.label in NEGATIVE_LABELS:
                    flags.append(("emotion", emotion_name(p.label, lang)))
                    break
        rows.append(
            (
                line.t,
                1,
                {
                    "kind": "line",
                    "time": format_clock(line.t),
                    "channel": str(line.channel),
                    "who": L[str(line.channel)],
                    "segments": _segments(line, phrase_tones),
                    "final": line.final,
                    "flags": flags,
                },
            )
        )
    for m in tl.of_kind("dead_air"):
        rows.append(
            (
                m.start,
                0,
                {
                    "kind": "dead_air",
                    "time": format_clock(m.start),
                    "text": f"{L['dead_air']} {m.duration:.1f} s",
                },
            )
        )
    for n in call.notes:
        rows.append(
            (n.t, 2, {"kind": "coachnote", "time": format_clock(n.t), "text": f"✎ {n.text}"})
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def write_report(
    call: LoadedCall,
    *,
    html: Path | None = None,
    pdf: Path | None = None,
    language: str | None = None,
    qa_card: str | Path | None = None,
) -> None:
    """Write the report as HTML and/or PDF (each file replaced atomically).

    ``qa_card``: the QA card file in force (see `render_html`).

    Raises:
        AppError: neither output given, a file cannot be written, or PDF
            output is unavailable on this machine.
    """
    if html is None and pdf is None:
        raise AppError("give --html FILE and/or --pdf FILE for the report")
    text = render_html(call, language=language, qa_card=qa_card)
    if html is not None:
        try:
            write_atomic(html, text)
        except OSError as exc:
            raise AppError(f"{html}: cannot write the report ({exc.strerror or exc})") from exc
    if pdf is not None:
        write_atomic(pdf, html_to_pdf(text))


def html_to_pdf(text: str) -> bytes:
    """Lay the report's HTML out as a PDF with WeasyPrint.

    Raises:
        AppError: WeasyPrint or its Pango libraries are missing.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        # WeasyPrint needs the Pango libraries (Debian: libpango-1.0-0, libpangoft2-1.0-0)
        raise AppError(
            "PDF output needs WeasyPrint and the Pango libraries "
            f"({exc}); write --html and print it from a browser instead"
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    result = weasyprint.HTML(string=text).write_pdf()
    assert isinstance(result, bytes)
    return result
