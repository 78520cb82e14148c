"""Names in phrase suggestions: placeholders filled per call, never the demo's story."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, RulesConfig
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.events import Channel, PhraseHit, Transcript
from belcoach.core.settings_schema import AgentSettings, CompanySettings, Settings
from belcoach.seeds.loader import check_file, load_rules
from belcoach.seeds.placeholders import CallNames, PlaceholderError, check, fill

DEMO_STORY = re.compile(r"sanne|helder energie|de vries|jaarafrekening|meterstand", re.I)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (CallNames(), "Goedemiddag, met (uw naam). Waarmee kan ik u helpen?"),
        (CallNames(agent="Anouk"), "Goedemiddag, met Anouk. Waarmee kan ik u helpen?"),
        (
            CallNames(agent="Anouk", company="Zorg Noord"),
            "Goedemiddag, met Anouk van Zorg Noord. Waarmee kan ik u helpen?",
        ),
    ],
)
def test_agent_and_company(names: CallNames, expected: str) -> None:
    assert fill(
        "Goedemiddag, met {agent}[ van {company}]. Waarmee kan ik u helpen?", names, "nl"
    ) == (expected)


def test_optional_part_at_a_sentence_start_keeps_the_capital() -> None:
    text = "Zeg: '[{customer}, ]wilt u even wachten?' Dank u[, {customer}]."
    assert fill(text, CallNames(), "nl") == "Zeg: 'Wilt u even wachten?' Dank u."
    assert fill(text, CallNames(customer="mevrouw Bakker"), "nl") == (
        "Zeg: 'Mevrouw Bakker, wilt u even wachten?' Dank u, mevrouw Bakker."
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Met {naam}.", "unknown placeholder {naam}"),
        ("Met [{agent}.", "never closed"),
        ("Met {agent}].", "without its"),
        ("Met [[{agent}]].", "nested"),
        ("Dank u[, meneer].", "holds no placeholder"),
        ("Met {agent.", "not part of a placeholder"),
    ],
)
def test_malformed_placeholders(text: str, problem: str) -> None:
    with pytest.raises(PlaceholderError, match=re.escape(problem)):
        check(text)


def test_a_coach_file_with_a_bad_placeholder_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "coach.toml"
    path.write_text(
        'language = "nl"\n[[rule]]\nid = "nl.test"\ncategory = "avoid"\n'
        'patterns = ["geen punt"]\nsuggestions = ["Met {naam}."]\nwhy = "w"\nsource = "s"\n',
        encoding="utf-8",
    )
    (problem,) = check_file(path)
    assert re.search(
        r"coach\.toml:6: rule 'nl\.test': field 'suggestions': unknown placeholder", problem
    )


def test_packed_suggestions_carry_no_demo_story() -> None:
    for language in ("nl", "sv", "en"):
        for rule in load_rules(language).rules:
            texts = [*rule.suggestions, *(p.suggestion for p in rule.parts)]
            for text in texts:
                assert not DEMO_STORY.search(text), (rule.id, text)
                check(text)


def _say(analyser: PhraseAnalyser, channel: Channel, text: str, t: float) -> list[PhraseHit]:
    words = words_from_text(text, start=t)
    event = Transcript(t, channel, words=words, final=True, utterance=int(t))
    return [e for e in analyser.on_event(event) if isinstance(e, PhraseHit)]


def test_the_call_fills_the_card_with_settings_and_learnt_names() -> None:
    analyser = PhraseAnalyser("nl", RulesConfig(company_name="Zorg Noord"))
    _say(analyser, Channel.CUSTOMER, "Goedemorgen, met Anouk Bakker.", 0.5)
    (hit,) = [
        h
        for h in _say(analyser, Channel.AGENT, "Welkom bij Zorg Noord, u spreekt met Daan.", 3)
        if h.rule_id == "nl.welkom-bij"
    ]
    assert hit.suggestions == ("Goedemiddag, met Daan van Zorg Noord. Waarmee kan ik u helpen?",)
    bye = [
        h for h in _say(analyser, Channel.AGENT, "Fijne dag verder!", 40) if h.polarity == "avoid"
    ]
    assert bye[0].suggestions[0].endswith("'Dank u, Anouk Bakker. U hoort morgen van mij.'")
    _say(analyser, Channel.AGENT, "Dank u, mevrouw Bakker.", 50)
    bye = [
        h for h in _say(analyser, Channel.AGENT, "Fijne dag verder!", 60) if h.polarity == "avoid"
    ]
    assert "'Dank u, mevrouw Bakker." in bye[0].suggestions[0]


def test_the_setting_wins_over_the_introduction_and_unknown_reads_neutral() -> None:
    analyser = PhraseAnalyser("nl", RulesConfig(agent_name="Anouk"))
    hits = _say(analyser, Channel.AGENT, "Welkom bij de klantenservice, met Daan.", 1)
    assert hits[0].suggestions == ("Goedemiddag, met Anouk. Waarmee kan ik u helpen?",)
    plain = PhraseAnalyser("nl")
    bye = _say(plain, Channel.AGENT, "Fijne dag verder!", 2)
    assert "'Dank u. U hoort morgen van mij.'" in bye[0].suggestions[0]


def test_settings_reach_the_rules_as_plain_values() -> None:
    values = Settings(
        agent=AgentSettings(name=" Anouk "),
        company=CompanySettings(name="Zorg Noord"),
        analysis={"rules": {"fuzzy": False}},
    )
    table = values.analysis_for_call()
    assert table == {"rules": {"fuzzy": False, "agent_name": "Anouk", "company_name": "Zorg Noord"}}
    assert values.analysis == {"rules": {"fuzzy": False}}  # the settings stay as they were
    assert Settings().analysis_for_call() == {}
