"""``belcoach rules`` and the phrase section of the end-of-call summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.audio.events import CallEnded, CallStarted, PhraseHit, Word
from belcoach.cli.main import main
from belcoach.cli.summary import format_summary


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_language_or_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "list")
    assert code == 0
    for language in ("nl", "sv", "en"):
        assert f"{language}: " in out
    code, out, _ = _run(
        capsys, "rules", "list", "--language", "nl", "--category", "stock_phrase", "-p"
    )
    assert code == 0
    assert "nl.welkom-bij" in out and "^en [hartelijk|van harte] welkom bij" in out
    assert "nl.wacht" not in out and "sv." not in out


def test_test_explains_matches_fuzz_and_exceptions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "test", "Dat kan me niet scheren.")
    assert code == 0
    assert "! nl.kan-me-niet-schelen (avoid, alert): 'kan me niet scheren'" in out
    assert "heard 'scheren' for 'schelen'" in out
    assert "say instead: Het spijt me dat ik u heb laten wachten" in out
    code, out, _ = _run(
        capsys, "rules", "test", "Ik weet het niet, maar ik zoek het direct voor u uit."
    )
    assert "- nl.ik-weet-het-niet: matched 'ik weet het niet'" in out
    assert "the exception 'ik (zoek|vraag|kijk|" in out and "makes it fine" in out
    code, out, _ = _run(
        capsys, "rules", "test", "Dank u, meneer De Vries.", "--customer", "Met Peter de Vries."
    )
    assert "+ nl.naam-klant (positive, info): 'meneer De Vries'" in out
    code, out, _ = _run(capsys, "rules", "test", "Thanks, have a nice day!", "-l", "en")
    assert "en.have-a-nice-day" in out
    code, out, _ = _run(capsys, "rules", "test", "Goedemorgen.")
    assert "no rule matches" in out


def test_show_and_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "show", "nl.ik-weet-het-niet")
    assert code == 0
    assert "seed says:" in out and "Sla de deur" in out and "001_6d1257f8c8d59bde.txt" in out
    code, _, err = _run(capsys, "rules", "show", "nl.bestaat-niet")
    assert code == 2 and "no rule 'nl.bestaat-niet'" in err


def test_check_and_rules_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        'language = "nl"\n[[rule]]\nid = "nl.welkom-bij"\nsuggestions = ["Met Sanne."]\n',
        encoding="utf-8",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'language = "nl"\n[[rule]]\nid = "nl.x"\ncategory = "rude"\npatterns = ["a b"]\n'
        'suggestions = ["c"]\nwhy = "w"\nsource = "s"\n',
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "rules", "check", str(good), str(bad))
    assert code == 2
    assert f"{good}: ok" in out
    assert f"{bad}:4: rule 'nl.x': field 'category': unknown category 'rude'" in err
    code, out, err = _run(
        capsys,
        "rules",
        "test",
        "Welkom bij Helder.",
        "--rules-file",
        str(good),
        "--rules-file",
        str(bad),
    )
    assert code == 0 and "say instead: Met Sanne." in out
    assert "belcoach: warning:" in err and "unknown category 'rude'" in err
    code, out, _ = _run(capsys, "rules", "test", "Welkom bij Helder.", "--disable", "nl.welkom-bij")
    assert "no rule matches" in out


def _hit(t: float, rule: str, said: str, **kw: object) -> PhraseHit:
    words = tuple(Word(w, t + i * 0.3, t + i * 0.3 + 0.25, 1.0) for i, w in enumerate(said.split()))
    return PhraseHit(t, None, rule_id=rule, said=said, words=words, end=words[-1].end, **kw)  # type: ignore[arg-type]


def test_summary_section_lists_phrases_and_follow_ups() -> None:
    events = [
        CallStarted(0.0, None, language="nl"),
        _hit(
            0.4,
            "nl.welkom-bij",
            "welkom bij",
            category="stock_phrase",
            polarity="avoid",
            severity="info",
            suggestions=("Met Sanne van Helder Energie.",),
        ),
        _hit(30.0, "nl.naam-klant", "meneer De Vries", category="positive", polarity="good"),
        _hit(68.0, "nl.samenvatting", "Ik vat het samen", category="positive", polarity="good"),
        _hit(
            77.0,
            "nl.belofte-terugbellen",
            "ik bel u morgen terug",
            category="promise",
            polarity="good",
        ),
        CallEnded(85.0, None),
    ]
    text = format_summary(events)
    assert "Coaching phrases: 1 to avoid, 2 good, 1 promises" in text
    assert (
        "'Ik vat het samen' (nl.samenvatting) — at 80% of the call, what, when and who named"
        in text
    )
    assert "! [00:00.4] 'welkom bij' (nl.welkom-bij, info)" in text
    assert "say instead: Met Sanne van Helder Energie." in text
    assert "+ [00:30.0] 'meneer De Vries' (nl.naam-klant)" in text
    assert "Follow-up (promises made in the call; keep them):" in text
    assert "[ ] [01:17.0] ik bel u morgen terug — when: morgen" in text
    assert format_summary([CallStarted(0.0, None, language="nl")]) == ""
