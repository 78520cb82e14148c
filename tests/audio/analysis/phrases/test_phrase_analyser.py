"""The phrase analyser on committed transcripts: events, call context, settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, RulesConfig, rules_config
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.events import Channel, Event, PhraseHit, SpeechRegion, Transcript
from belcoach.audio.status import EngineStatus
from belcoach.core.errors import ConfigError


class Call:
    """Feeds committed utterances to one analyser, like the bus would."""

    def __init__(self, analyser: PhraseAnalyser) -> None:
        self.analyser = analyser
        self.utterance = 0
        self.events: list[Event] = []

    def say(self, channel: Channel, text: str, t: float, *, final: bool = True) -> list[PhraseHit]:
        self.utterance += 1
        words = words_from_text(text, start=t)
        event = Transcript(t, channel, words=words, final=final, utterance=self.utterance)
        out = self.analyser.on_event(event)
        self.events += out
        return [e for e in out if isinstance(e, PhraseHit)]

    def agent(self, text: str, t: float) -> list[PhraseHit]:
        return self.say(Channel.AGENT, text, t)

    def customer(self, text: str, t: float) -> list[PhraseHit]:
        return self.say(Channel.CUSTOMER, text, t)


@pytest.fixture
def nl() -> Call:
    return Call(PhraseAnalyser("nl"))


def ids(hits: list[PhraseHit]) -> list[str]:
    return [h.rule_id for h in hits]


def test_hit_carries_words_times_suggestion_and_source(nl: Call) -> None:
    (hit,) = nl.agent("Goed. Ik weet het niet, sorry.", 10.0)
    assert hit.type == "phrase" and hit.channel == Channel.AGENT
    assert hit.rule_id == "nl.ik-weet-het-niet"
    assert hit.category == "avoid" and hit.polarity == "avoid" and hit.severity == "warning"
    assert [w.text for w in hit.words] == ["Ik", "weet", "het", "niet,"]
    assert hit.said == "Ik weet het niet"
    assert hit.t == hit.words[0].start == pytest.approx(10.3)
    assert hit.end == hit.words[-1].end
    assert hit.suggestions[0].startswith("Bent u bereid om een minuut te wachten?")
    assert hit.source == "001_6d1257f8c8d59bde.txt" and hit.why
    assert hit.utterance == nl.utterance
    assert hit.to_json()["suggestions"] == list(hit.suggestions)


def test_recommended_behaviour_is_not_a_violation(nl: Call) -> None:
    hits = nl.agent("Ik weet het niet, maar ik zoek het direct voor u uit.", 5.0)
    assert "nl.ik-weet-het-niet" not in ids(hits)
    assert ids(hits) == ["nl.belofte-regelen"]  # and the promise is kept for the follow-up list


def test_partials_and_customer_words_are_not_coached(nl: Call) -> None:
    assert nl.say(Channel.AGENT, "Ik weet het niet.", 1.0, final=False) == []
    assert nl.customer("Ik weet het niet, wat vervelend.", 2.0) == []
    assert nl.analyser.on_event(SpeechRegion(0.0, Channel.AGENT, end=1.0)) == []


def test_one_hit_per_rule_per_utterance(nl: Call) -> None:
    hits = nl.agent("Wacht, wacht. Wacht even. Ik weet het niet, nee, ik weet het niet.", 3.0)
    assert sorted(ids(hits)) == ["nl.ik-weet-het-niet", "nl.wacht"]
    assert nl.agent("Ik weet het niet.", 9.0)  # a new utterance may be flagged again


def test_address_rule_once_per_call_and_silenced_by_permission() -> None:
    call = Call(PhraseAnalyser("nl"))
    assert ids(call.agent("Heb je je klantnummer?", 3.0)) == ["nl.je-zonder-vragen"]
    assert call.agent("Kun je dat herhalen?", 8.0) == []  # max_per_call = 1

    asked = Call(PhraseAnalyser("nl"))
    assert ids(asked.agent("Vindt u het goed als ik je zeg?", 3.0)) == ["nl.vraagt-je-te-zeggen"]
    assert asked.agent("Heb je je klantnummer?", 8.0) == []

    offered = Call(PhraseAnalyser("nl"))
    offered.customer("Zeg maar je hoor.", 2.0)
    assert offered.agent("Heb je je klantnummer?", 4.0) == []

    same = Call(PhraseAnalyser("nl"))
    assert ids(same.agent("Mag ik je zeggen? Heb je je klantnummer?", 3.0)) == [
        "nl.vraagt-je-te-zeggen"
    ]


def test_asking_for_time_only_in_the_opening_and_before_the_reason(nl: Call) -> None:
    assert ids(nl.agent("Goedemorgen, stoor ik u?", 1.0)) == ["nl.eerst-tijd-vragen"]
    late = Call(PhraseAnalyser("nl"))
    late.agent("Goedemorgen.", 1.0)
    assert late.agent("Stoor ik u?", 60.0) == []  # past the opening
    reason = Call(PhraseAnalyser("nl"))
    assert ids(reason.agent("Ik bel u over uw contract. Stoor ik u?", 1.0)) == [
        "nl.reden-van-bellen"
    ]
    assert reason.agent("Komt het u nu gelegen?", 6.0) == []


def test_reason_for_calling_counts_once_and_only_early(nl: Call) -> None:
    assert ids(nl.agent("Ik bel u over uw meterstand.", 2.0)) == ["nl.reden-van-bellen"]
    assert nl.agent("Ik bel u over uw meterstand.", 9.0) == []


def test_customer_name_from_their_introduction(nl: Call) -> None:
    nl.agent("Goedemiddag, u spreekt met Sanne.", 0.5)
    nl.customer("Ja, goedemiddag, met Peter de Vries.", 3.0)
    (hit,) = nl.agent("Dank u, meneer De Vries.", 6.0)
    assert hit.rule_id == "nl.naam-klant" and hit.polarity == "good"
    assert hit.said == "meneer De Vries.".rstrip(".")
    assert ids(nl.agent("Goed, Peter.", 9.0)) == ["nl.naam-klant"]
    assert nl.agent("Sanne hier, nog een vraag.", 12.0) == []  # the agent's own name
    # after a full name, a title with another name is somebody else (a neighbour) ...
    assert nl.agent("Het ligt bij mevrouw Jansen.", 15.0) == []
    # ... and the customer's own name counts however the recogniser wrote it
    assert ids(nl.agent("meneer de vries, een moment.", 16.0)) == ["nl.naam-klant"]
    assert nl.agent("Dank u, meneer. Uw rekening klopt.", 18.0) == []  # a title alone is no name


def test_title_with_any_name_when_the_introduction_was_missed() -> None:
    call = Call(PhraseAnalyser("nl"))
    call.customer("Hallo, ik heb een vraag.", 1.0)
    assert ids(call.agent("Mevrouw Jansen, een moment.", 3.0)) == ["nl.naam-klant"]


def test_title_with_abbreviation_dot() -> None:
    call = Call(PhraseAnalyser("en"))
    (hit,) = call.agent("Thank you, Mr. Smith.", 3.0)
    assert hit.rule_id == "en.customer-name" and hit.said == "Mr. Smith"


def test_summary_check_reports_missing_parts_when_the_customer_answers(nl: Call) -> None:
    assert ids(nl.agent("Ik vat het even samen.", 40.0)) == ["nl.samenvatting"]
    nl.agent("De meterstand wordt aangepast.", 42.0)
    nl.customer("Ja.", 45.0)  # a short "ja" does not end the summary
    gaps = nl.customer("Oké, dank u wel daarvoor.", 46.0)
    (gap,) = gaps
    assert gap.rule_id == "nl.samenvatting-onvolledig" and gap.severity == "info"
    assert gap.t == pytest.approx(40.0)
    assert "De meterstand wordt aangepast." in gap.said
    assert len(gap.suggestions) == 2  # when and who are missing
    assert gap.suggestions[0].startswith("Zeg wanneer") and gap.suggestions[1].startswith("Zeg wie")


def test_complete_summary_gives_no_gap_and_an_open_one_closes_at_the_end(nl: Call) -> None:
    nl.agent("Ik vat het samen: ik stuur de meterstand vandaag door.", 30.0)
    assert nl.customer("Prima, dank u wel.", 36.0) == []
    nl.agent("Samengevat.", 50.0)
    (gap,) = nl.analyser.finish(60.0)
    assert gap.rule_id == "nl.samenvatting-onvolledig" and len(gap.suggestions) == 3


def test_promise_keeps_the_whole_clause_for_the_follow_up_list(nl: Call) -> None:
    (hit,) = nl.agent("Prima. En ik bel u morgen rond tien uur terug, goed?", 20.0)
    assert hit.category == "promise" and hit.polarity == "good"
    assert hit.said == "ik bel u morgen rond tien uur terug"


def test_disabled_rules_and_extra_files(tmp_path: Path) -> None:
    extra = tmp_path / "coach.toml"
    extra.write_text(
        'language = "nl"\n[[rule]]\nid = "nl.geen-punt"\ncategory = "avoid"\n'
        'patterns = ["geen punt"]\nsuggestions = ["Graag gedaan."]\nwhy = "w"\nsource = "coach"\n',
        encoding="utf-8",
    )
    config = RulesConfig(extra_files=(str(extra),), disabled=("nl.wacht",))
    call = Call(PhraseAnalyser("nl", config))
    assert ids(call.agent("Wacht, wacht. Geen punt.", 3.0)) == ["nl.geen-punt"]


def test_bad_rule_file_gives_one_status_warning_and_the_rest_works(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "nl.x"\ncategory = "rude"\n', encoding="utf-8")
    call = Call(PhraseAnalyser("nl", RulesConfig(extra_files=(str(bad),))))
    silence = np.zeros(1600, np.float32)
    first = call.analyser.on_frames(AudioBlock(0.0, silence, silence), {})
    assert call.analyser.on_frames(AudioBlock(0.1, silence, silence), {}) == []
    call.events += first
    hits = call.agent("Ik weet het niet.", 1.0)
    status = [e for e in call.events if isinstance(e, EngineStatus)]
    assert len(status) == 1 and status[0].code == "rules_invalid" and status[0].level == "warning"
    assert f"{bad}:1" in status[0].message
    assert ids(hits) == ["nl.ik-weet-het-niet"]
    call.agent("Ik weet het niet.", 5.0)
    assert len([e for e in call.events if isinstance(e, EngineStatus)]) == 1


def test_settings_table_is_checked_and_wired() -> None:
    config = rules_config({"disabled": ["nl.wacht"], "opening_seconds": 30})
    assert config.disabled == ("nl.wacht",) and config.opening_seconds == 30.0
    with pytest.raises(ConfigError, match=r"analysis\.rules\.extra_file"):
        rules_config({"extra_file": "x.toml"})
    with pytest.raises(ConfigError, match=r"analysis\.rules\.disabled"):
        rules_config({"disabled": "nl.wacht"})
    analysers = default_analysers("nl", {"rules": {"disabled": ["nl.wacht"]}})
    phrase = [a for a in analysers if isinstance(a, PhraseAnalyser)]
    assert len(phrase) == 1 and phrase[0].book.get("nl.wacht") is None
    assert not [
        a
        for a in default_analysers("nl", {"rules": {"enabled": False}})
        if isinstance(a, PhraseAnalyser)
    ]


@pytest.mark.parametrize(
    ("language", "customer", "agent", "expected"),
    [
        (
            "sv",
            "Hej, det är Anna Lindqvist.",
            "Tack Anna, jag ringer upp dig i morgon.",
            ["sv.kundens-namn", "sv.lofte-ringa"],
        ),
        (
            "en",
            "Hi, this is John Smith.",
            "Thanks, Mr Smith. I don't know.",
            ["en.customer-name", "en.i-dont-know"],
        ),
    ],
)
def test_swedish_and_english(language: str, customer: str, agent: str, expected: list[str]) -> None:
    call = Call(PhraseAnalyser(language))
    call.customer(customer, 0.5)
    assert sorted(ids(call.agent(agent, 3.0))) == sorted(expected)
