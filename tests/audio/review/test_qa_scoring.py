"""QA scorecard items on hand-built calls with known truth: verdict and evidence time per item."""

from __future__ import annotations

import pytest

from belcoach.audio.events import (
    CallEnded,
    CallStarted,
    Channel,
    EmotionEstimate,
    Event,
    OverTalk,
    PhraseHit,
    SpeechRate,
    SpeechRegion,
    Transcript,
    Word,
)
from belcoach.audio.review.qa import ItemScore, Verdict, score_events
from belcoach.audio.status import EngineStatus

A, C = Channel.AGENT, Channel.CUSTOMER


class Call:
    """A call built line by line: each word 0.3 s, a sentence end followed by ``gap`` s."""

    def __init__(self, language: str = "nl") -> None:
        self.events: list[Event] = [CallStarted(0.0, None, language=language)]
        self.utterance = 0

    def say(self, channel: Channel, start: float, text: str, gap: float = 0.5) -> float:
        t, words = start, []
        for tok in text.split():
            words.append(Word(tok, round(t, 3), round(t + 0.25, 3), 0.9))
            t += 0.3 + (gap if tok.endswith((".", "?", "!")) else 0.0)
        self.utterance += 1
        end = words[-1].end
        self.events.append(SpeechRegion(start, channel, end=end))
        self.events.append(
            Transcript(start, channel, words=tuple(words), final=True, utterance=self.utterance)
        )
        return end

    def hit(self, t: float, rule_id: str, category: str, said: str) -> None:
        self.events.append(
            PhraseHit(
                t,
                A,
                rule_id=rule_id,
                category=category,
                said=said,
                end=t + 0.3 * len(said.split()),
            )
        )

    def feel(self, t: float, label: str) -> None:
        self.events.append(EmotionEstimate(t, C, label=label, confidence=0.7))

    def overtalk(self, start: float, end: float) -> None:
        self.events.append(
            OverTalk(start, A, start=start, end=end, interrupter="agent", ongoing=False)
        )

    def rate(self, start: float, end: float, verdict: str) -> None:
        self.events.append(
            SpeechRate(
                end,
                A,
                articulation_rate=7.0 if verdict == "fast" else 5.0,
                verdict=verdict,
                window=end - start,
                norm_low=4.0,
                norm_high=5.8,
            )
        )

    def item(self, item_id: str, *, end: float = 120.0) -> ItemScore:
        events = [*sorted(self.events, key=lambda e: e.t), CallEnded(end, None)]
        card = score_events(events)
        return next(i for i in card.items if i.id == item_id)


def _times(item: ItemScore) -> list[float | None]:
    return [None if e.t is None else round(e.t, 1) for e in item.evidence]


# -- opening ---------------------------------------------------------------------------------


def test_opening_with_name_and_company_is_goed() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, u spreekt met Sanne van Helder Energie. Waarmee kan ik helpen?")
    c.say(C, 6.0, "Ja hallo.")
    item = c.item("opening")
    assert item.verdict == Verdict.GOED
    assert _times(item) == [0.5]


def test_opening_with_a_stock_phrase_is_niet_goed_at_the_phrase() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, welkom bij Helder Energie, u spreekt met Sanne.")
    c.hit(1.1, "nl.welkom-bij", "stock_phrase", "welkom bij")
    c.say(C, 6.0, "Ja hallo.")
    item = c.item("opening")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [1.1]
    assert item.evidence[0].quote == "welkom bij"


def test_opening_without_a_company_is_niet_goed() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, u spreekt met Sanne.")
    c.say(C, 4.0, "Ja hallo.")
    item = c.item("opening")
    assert item.verdict == Verdict.NIET_GOED
    assert "bedrijf" in item.evidence[0].note


def test_opening_without_agent_words_is_nvt() -> None:
    c = Call()
    c.say(C, 1.0, "Hallo?")
    assert c.item("opening").verdict == Verdict.NVT


# -- reason first (outbound) -----------------------------------------------------------------


def test_reason_first_on_an_outbound_call_is_goed() -> None:
    c = Call()
    c.say(C, 0.5, "Met Peter de Vries.")
    c.say(A, 2.0, "Goedemiddag, met Sanne van Helder. Ik bel u over uw jaarafrekening.")
    item = c.item("reden-eerst")
    assert item.verdict == Verdict.GOED
    assert _times(item)[-1] == 4.0  # "Ik bel u over"


def test_asking_for_time_before_the_reason_is_niet_goed() -> None:
    c = Call()
    c.say(C, 0.5, "Met Peter de Vries.")
    c.say(A, 2.0, "Goedemiddag, met Sanne van Helder. Heeft u even tijd?")
    c.hit(5.3, "nl.eerst-tijd-vragen", "stock_phrase", "Heeft u even tijd")
    item = c.item("reden-eerst")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [0.5, 5.3]


def test_reason_first_on_an_inbound_call_is_nvt() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, met Sanne van Helder.")
    c.say(C, 3.0, "Hallo, ik heb een vraag.")
    item = c.item("reden-eerst")
    assert item.verdict == Verdict.NVT
    assert _times(item) == [0.5]


# -- customer's name -------------------------------------------------------------------------


def test_name_used_after_the_customer_gave_it() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, met Sanne.")
    c.say(C, 3.0, "Met Peter de Vries. Ik heb een vraag.")
    c.say(A, 8.0, "Natuurlijk, meneer De Vries, vertelt u het maar.")
    item = c.item("naam-klant")
    assert item.verdict == Verdict.GOED
    assert _times(item) == [3.0, 8.3]


def test_name_given_but_never_used_is_niet_goed() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, met Sanne.")
    c.say(C, 3.0, "Met Peter de Vries.")
    c.say(A, 6.0, "Waarmee kan ik helpen?")
    item = c.item("naam-klant")
    assert item.verdict == Verdict.NIET_GOED
    assert "Peter de Vries" in item.evidence[0].note


def test_no_name_given_is_nvt() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, met Sanne.")
    c.say(C, 3.0, "Hallo, ik heb een vraag.")
    assert c.item("naam-klant").verdict == Verdict.NVT


# -- over-talk -------------------------------------------------------------------------------


def test_overtalk_by_the_agent_is_niet_goed_at_its_start() -> None:
    c = Call()
    c.say(C, 0.5, "Ik ben zo gefrustreerd, ik heb al twee keer gebeld.")
    c.say(A, 2.5, "Wacht, ik kijk het na.")
    c.overtalk(2.5, 3.4)
    item = c.item("niet-doorpraten")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [2.5]
    assert item.evidence[0].quote == "Wacht, ik kijk het na."


def test_no_overtalk_is_goed() -> None:
    c = Call()
    c.say(C, 0.5, "Ik heb een vraag.")
    c.say(A, 3.0, "Natuurlijk.")
    assert c.item("niet-doorpraten").verdict == Verdict.GOED


def test_overtalk_on_a_mono_call_is_nvt() -> None:
    c = Call()
    c.events.append(EngineStatus(0.0, None, level="warning", code="mono_call"))
    c.say(A, 0.5, "Goedemiddag.")
    assert c.item("niet-doorpraten").verdict == Verdict.NVT


# -- pace ------------------------------------------------------------------------------------


def test_pace_mostly_in_the_norm_is_goed() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag.")
    for start in range(0, 40, 10):
        c.rate(start, start + 10, "ok")
    c.rate(40, 45, "fast")
    assert c.item("tempo").verdict == Verdict.GOED


def test_pace_mostly_fast_is_niet_goed_pointing_at_the_fast_stretch() -> None:
    c = Call()
    c.say(A, 20.0, "Ja dat zie ik hier staan de meterstand is geschat.")
    c.rate(0, 10, "ok")
    c.rate(20, 40, "fast")
    item = c.item("tempo")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [None, 20.0]
    assert item.evidence[1].quote.startswith("Ja dat zie ik")


def test_pace_without_rate_figures_is_nvt() -> None:
    c = Call()
    c.say(C, 0.5, "Hallo?")
    assert c.item("tempo").verdict == Verdict.NVT


# -- pauses ----------------------------------------------------------------------------------


def test_pauses_after_sentences_are_goed() -> None:
    c = Call()
    c.say(A, 0.5, "Dat klopt. Ik zie het hier. Het is verwerkt. Ik stuur een mail.", gap=0.5)
    assert c.item("pauzes").verdict == Verdict.GOED


def test_sentences_run_together_are_niet_goed_at_the_first_missed_pause() -> None:
    c = Call()
    c.say(A, 0.5, "Dat klopt. Ik zie het hier. Het is verwerkt. Ik stuur een mail.", gap=0.0)
    item = c.item("pauzes")
    assert item.verdict == Verdict.NIET_GOED
    assert item.evidence[0].t is None  # the share of sentences, over the whole call
    assert item.evidence[1].t == pytest.approx(1.05)  # where "klopt." ends
    assert "klopt. Ik" in item.evidence[1].quote


def test_too_few_sentences_for_pauses_is_nvt() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag. Waarmee kan ik helpen?")
    assert c.item("pauzes").verdict == Verdict.NVT


# -- feeling: aanvoelen, erkennen, leiden ----------------------------------------------------


def test_acknowledged_before_leading_is_goed() -> None:
    c = Call()
    c.say(C, 0.5, "Ik ben hier echt boos over!")
    c.feel(2.0, "boos")
    c.say(A, 3.0, "Dat begrijp ik, dat is frustrerend. Ik kijk het nu voor u na.")
    item = c.item("gevoel-erkend")
    assert item.verdict == Verdict.GOED
    assert _times(item) == [2.0, 3.0]


def test_leading_before_acknowledging_is_niet_goed_at_the_lead() -> None:
    c = Call()
    c.say(C, 0.5, "Ik ben hier echt boos over!")
    c.feel(2.0, "boos")
    c.say(A, 3.0, "Wat vervelend voor u.")
    c.hit(3.0, "nl.wat-vervelend-voor-u", "stock_phrase", "Wat vervelend voor u.")
    c.say(A, 5.0, "Ik kijk het even na. Het spijt me.")
    item = c.item("gevoel-erkend")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [2.0, 3.0, 5.0]
    assert item.evidence[-1].quote == "Ik kijk het even na. Het spijt me."


def test_no_negative_feeling_is_nvt() -> None:
    c = Call()
    c.say(C, 0.5, "Ik heb een vraag.")
    c.feel(2.0, "zakelijk")
    c.say(A, 3.0, "Ik kijk het na.")
    assert c.item("gevoel-erkend").verdict == Verdict.NVT


# -- the "wat niet te zeggen" table -----------------------------------------------------------


def test_a_phrase_from_the_table_is_niet_goed_at_the_phrase() -> None:
    c = Call()
    c.say(A, 10.0, "Ik weet het niet.")
    c.hit(10.0, "nl.ik-weet-het-niet", "avoid", "Ik weet het niet.")
    item = c.item("niet-zeggen")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [10.0]


def test_no_phrase_from_the_table_is_goed_and_a_call_without_agent_words_nvt() -> None:
    c = Call()
    c.say(A, 1.0, "Ik zoek het voor u uit.")
    assert c.item("niet-zeggen").verdict == Verdict.GOED
    silent = Call()
    silent.say(C, 1.0, "Hallo?")
    assert silent.item("niet-zeggen").verdict == Verdict.NVT


# -- summary and promises --------------------------------------------------------------------


def test_a_summary_with_what_when_and_who_is_goed() -> None:
    c = Call()
    c.say(A, 60.0, "Ik vat het samen. Ik stuur uw meterstand vandaag naar de afdeling.")
    item = c.item("samenvatting")
    assert item.verdict == Verdict.GOED
    assert _times(item) == [60.0]


def test_a_summary_without_when_is_niet_goed_and_names_the_missing_part() -> None:
    c = Call()
    c.say(A, 60.0, "Ik vat het samen. Ik stuur uw meterstand naar de afdeling.")
    item = c.item("samenvatting")
    assert item.verdict == Verdict.NIET_GOED
    assert item.evidence[0].note.endswith("wanneer")


def test_nothing_agreed_means_no_summary_is_needed() -> None:
    c = Call()
    c.say(A, 1.0, "Graag gedaan.")
    assert c.item("samenvatting").verdict == Verdict.NVT


def test_a_promise_with_a_when_is_goed_one_without_is_niet_goed() -> None:
    good = Call()
    good.say(A, 30.0, "Ik bel u morgen terug.")
    good.hit(30.0, "nl.belofte-terugbellen", "promise", "Ik bel u morgen terug.")
    assert good.item("beloftes").verdict == Verdict.GOED
    vague = Call()
    vague.say(A, 30.0, "Ik zoek het voor u uit.")
    vague.hit(30.0, "nl.belofte-regelen", "promise", "Ik zoek het voor u uit.")
    item = vague.item("beloftes")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [30.0]
    assert vague.item("samenvatting").verdict == Verdict.NIET_GOED  # a promise, no summary


def test_no_promise_is_nvt() -> None:
    c = Call()
    c.say(A, 1.0, "Graag gedaan.")
    assert c.item("beloftes").verdict == Verdict.NVT


# -- the close -------------------------------------------------------------------------------


def test_fijne_dag_verder_in_the_close_is_niet_goed() -> None:
    c = Call()
    c.say(C, 78.0, "Fijn, dank u wel.")
    c.say(A, 80.0, "Graag gedaan. Fijne dag verder!")
    c.hit(81.0, "nl.fijne-dag-verder", "stock_phrase", "Fijne dag verder!")
    item = c.item("afsluiting")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [81.0]


def test_a_personal_close_is_goed() -> None:
    c = Call()
    c.say(C, 78.0, "Fijn, dank u wel.")
    c.say(A, 80.0, "Graag gedaan, meneer De Vries. U hoort morgen van mij.")
    item = c.item("afsluiting")
    assert item.verdict == Verdict.GOED
    assert _times(item) == [80.0]


def test_a_close_without_the_agent_is_nvt() -> None:
    c = Call()
    c.say(A, 1.0, "Goedemiddag.")
    c.say(C, 60.0, "Nou, dag!")
    assert c.item("afsluiting").verdict == Verdict.NVT


# -- the card as a whole ---------------------------------------------------------------------


def test_score_counts_only_the_items_that_apply() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, u spreekt met Sanne van Helder Energie.")
    c.say(C, 5.0, "Hallo, ik heb een vraag.")
    card = score_events(sorted(c.events, key=lambda e: e.t))
    verdicts = [i.verdict for i in card.items]
    assert card.applicable == sum(1 for v in verdicts if v != Verdict.NVT)
    assert card.passed == sum(1 for v in verdicts if v == Verdict.GOED)
    assert card.score_text() == f"{card.passed}/{card.applicable}"
    assert all(item.evidence for item in card.items)
    assert all(item.seed for item in card.items)


def test_english_and_swedish_cards_score_in_their_language() -> None:
    for language, labels in (
        ("en", ("Pass", "Fail", "N/A")),
        ("sv", ("Bra", "Inte bra", "Ej aktuellt")),
    ):
        c = Call(language)
        c.say(C, 0.5, "Hello?")
        card = score_events(sorted(c.events, key=lambda e: e.t))
        assert card.language == language
        nvt = next(i for i in card.items if i.verdict == Verdict.NVT)
        assert nvt.label == labels[2]
        assert (
            nvt.evidence[0].note
            != score_events(sorted(c.events, key=lambda e: e.t), language="nl")
            .items[0]
            .evidence[0]
            .note
        )


def test_a_company_named_late_in_the_call_is_not_taken_for_the_customers_name() -> None:
    c = Call()
    c.say(A, 0.5, "Goedemiddag, met Sanne.")
    c.say(C, 3.0, "Hallo, ik heb een vraag.")
    c.say(C, 70.0, "Ik heb al gebeld met Zorg Noord.")
    assert c.item("naam-klant").verdict == Verdict.NVT


def test_overlapping_fast_windows_are_one_stretch_of_evidence() -> None:
    c = Call()
    c.say(A, 20.0, "Ja dat zie ik hier staan de meterstand is geschat.")
    c.rate(0, 12, "ok")
    for end in (32.0, 33.0, 34.0):  # sliding 12 s windows: one fast stretch 20-34 s
        c.rate(end - 12, end, "fast")
    item = c.item("tempo")
    assert item.verdict == Verdict.NIET_GOED
    assert _times(item) == [None, 20.0]
    assert "over 14 s" in item.evidence[1].note


def test_swedish_and_english_patterns_find_name_opening_and_summary() -> None:
    sv = Call("sv")
    sv.say(A, 0.5, "Hej, du pratar med Anna från Elbolaget.")
    sv.say(C, 4.0, "Hej, det är Erik Lund.")
    sv.say(A, 7.0, "Tack Erik. Jag sammanfattar. Jag skickar fakturan i dag.")
    assert [sv.item(i).verdict for i in ("oppning", "kundens-namn", "sammanfattning")] == [
        Verdict.GOED
    ] * 3
    en = Call("en")
    en.say(A, 0.5, "Good afternoon, my name is Sam from Brightpower.")
    en.say(C, 4.0, "Hi, this is Jane Doe.")
    en.say(A, 7.0, "Thanks Jane. To sum up, I will send the letter tomorrow.")
    assert [en.item(i).verdict for i in ("opening", "customer-name", "summary")] == [
        Verdict.GOED
    ] * 3
