"""The coach's report: figures, phrases with suggestions, notes, seed tips, print and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from belcoach.audio.calls.folder import CallMeta
from belcoach.audio.calls.loaded import load_call
from belcoach.audio.calls.summary import summarize
from belcoach.audio.review.report.build import render_html, write_report
from belcoach.audio.review.tips import applicable_tips
from belcoach.cli.main import main
from belcoach.core.errors import RuleError
from belcoach.seeds.report_tips import load_tips
from support.demo_events import demo_events, make_demo_call_folder, write_demo_events

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"


def test_every_tip_quotes_its_seed_verbatim() -> None:
    if not SEEDS.is_dir():
        pytest.skip("the shared seed texts are not beside this checkout")
    for tip in load_tips():
        text = (SEEDS / tip.seed).read_text(encoding="utf-8")
        assert " ".join(tip.quote.split()) in " ".join(text.split()), tip.id
        assert set(tip.text) == {"nl", "en", "sv"}, tip.id


def test_bad_tips_file_names_the_tip_and_field() -> None:
    with pytest.raises(RuleError, match="tip x: unknown condition"):
        load_tips('[[tip]]\nid="x"\nwhen="sometimes"\nseed="s"\nquote="q"\ntext.nl="t"\n')
    with pytest.raises(RuleError, match="'quote' must be"):
        load_tips('[[tip]]\nid="y"\nwhen="dead_air"\nseed="s"\ntext.nl="t"\n')


def test_the_tips_that_apply_follow_the_call() -> None:
    demo = summarize(demo_events(), meta=CallMeta("c", "2026-11-23T10:00:00+00:00"))
    ids = [a.tip.id for a in applicable_tips(demo, language="en")]
    assert ids[:2] == ["slow-down", "dont-talk-over"]
    assert {
        "no-stock-phrases",
        "what-to-say-instead",
        "keep-promises",
        "sense-acknowledge-lead",
        "announce-the-hold",
    } <= set(ids)
    assert "positive-language" not in ids  # the customer ended satisfied
    quiet = summarize([], meta=CallMeta("q", "2026-11-23T10:00:00+00:00"))
    assert applicable_tips(quiet) == []


def test_report_html_holds_the_evidence(tmp_path: Path) -> None:
    call = load_call(make_demo_call_folder(tmp_path))
    html = render_html(call, language="nl")
    assert "Gespreksrapport" in html and "@page" in html and "break-before: page" in html
    assert "data:image/png;base64," in html
    assert "65% / 35%" in html  # talk / listen
    assert "“Ik weet het niet.”" in html  # the phrase said ...
    assert "Ben je bereid om een minuut te wachten" in html  # ... and what to say instead
    assert "Hier praat Sanne door de klant heen" in html  # the coach's note
    assert "Praat niet over klanten." in html  # a seed tip, quoted
    assert "Effectief omgaan met klanten" in html  # ... with its source
    assert re.search(r"<mark class=\"avoid\">Wacht, wacht,</mark>", html)
    assert "0:24" in html and "gefrustreerd" in html and "tevreden" in html
    english = render_html(call, language="en")
    assert "Call report" in english and "frustrated" in english


def test_report_from_a_bare_events_file_and_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_demo_events(tmp_path / "events.jsonl")
    html, pdf = tmp_path / "out.html", tmp_path / "out.pdf"
    assert main(["report", str(events), "--html", str(html), "--pdf", str(pdf)]) == 0
    assert html.read_text().startswith("<!DOCTYPE html>")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
        assert 2 <= pages <= 6
        assert "A4" in info
    assert main(["report", str(events)]) == 2
    assert "--html" in capsys.readouterr().err


def test_report_of_a_call_without_analysers_still_reads(tmp_path: Path) -> None:
    from belcoach.audio.events import CallEnded, CallStarted, Channel, SpeechRegion
    from belcoach.audio.jsonl import event_line

    events = [
        CallStarted(0.0, None, language="sv"),
        SpeechRegion(1.0, Channel.AGENT, end=4.0),
        SpeechRegion(3.0, Channel.CUSTOMER, end=6.0),
        CallEnded(8.0, None),
    ]
    path = tmp_path / "e.jsonl"
    path.write_text("".join(event_line(e) + "\n" for e in events))
    write_report(load_call(path), html=tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text()
    assert "Samtalsrapport" in html and "härlett från röstaktivitet" in html


def test_report_has_the_qa_scorecard_section(tmp_path: Path) -> None:
    from belcoach.audio.review.qa import score_call
    from belcoach.core.clock import format_clock

    call = load_call(make_demo_call_folder(tmp_path))
    card = score_call(call)
    html = render_html(call, language="nl")
    section = html.split('<section class="qa">', 1)[1].split("</section>", 1)[0]
    assert f"QA-scorekaart · {card.score_text()}" in section
    assert section.count('<span class="verdict ') == len(card.items)
    assert '<span class="verdict niet_goed">Niet goed</span>' in section
    assert '<span class="verdict nvt">N.v.t.</span>' in section
    close = card.items[-1].evidence[0]
    assert close.t is not None
    assert f"<b>{format_clock(close.t)}</b> standaardzin in de afsluiting" in section
    assert "“Fijne dag verder!”" in section  # the evidence quotes what was said
    assert "Bullsh*t Bingo" in section  # each item names its seed
    own = tmp_path / "card.toml"
    own.write_text(
        'language = "nl"\ntitle = "Team Noord"\n[[item]]\nid = "t"\ncheck = "pace"\n'
        'title = "Tempo"\nseed = "001_6d1257f8c8d59bde.txt"\nquote = "q"\n',
        encoding="utf-8",
    )
    assert "Team Noord · 1/1" in render_html(call, language="nl", qa_card=own)


def _words_only_events(path: Path) -> Path:
    """The demo's events as a call with ``emotion.voice`` off would store them."""
    import dataclasses

    from belcoach.audio.events import EmotionEstimate
    from belcoach.audio.jsonl import event_line

    events = [
        dataclasses.replace(e, evidence={**e.evidence, "basis": "words"})
        if isinstance(e, EmotionEstimate)
        else e
        for e in demo_events()
    ]
    path.write_text("".join(event_line(e) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("language", "words_only", "voice_and_words"),
    [
        ("nl", "schatting uit woorden", "schatting uit stem en woorden"),
        ("sv", "uppskattning från ord", "uppskattning från röst och ord"),
        ("en", "estimate from words", "estimate from voice and words"),
    ],
)
def test_report_says_what_the_feeling_rests_on(
    tmp_path: Path, language: str, words_only: str, voice_and_words: str
) -> None:
    """``emotion.voice`` off: "from words"; otherwise "from voice and words"."""
    default = tmp_path / "default.html"
    off = tmp_path / "off.html"
    events = write_demo_events(tmp_path / "events.jsonl")
    assert main(["report", str(events), "--html", str(default), "--language", language]) == 0
    words = _words_only_events(tmp_path / "words.jsonl")
    assert main(["report", str(words), "--html", str(off), "--language", language]) == 0
    assert voice_and_words in default.read_text() and words_only not in default.read_text()
    assert words_only in off.read_text() and voice_and_words not in off.read_text()
