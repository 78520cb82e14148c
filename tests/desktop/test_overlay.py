"""Each kind of engine event shows in the right part of the real overlay (offscreen).

Events are constructed here or taken from the scripted demo stream
(``desktop/scripted_demo.py``) and fed through the bridge exactly as the
engine's threads would publish them.
"""

from __future__ import annotations

import threading
import time

from belcoach.audio.events import (
    CallEnded,
    CallStarted,
    Channel,
    ConversationStats,
    DeadAir,
    EmotionEstimate,
    OverTalk,
    PhraseHit,
    SpeechRate,
    Transcript,
    Word,
)
from belcoach.audio.status import DeviceBack, DeviceLost, EngineStatus, StatusLevel
from belcoach.desktop.scripted_demo import scripted_demo_events
from belcoach.seeds.emotion_data import EmotionBasis


def _words(text: str, start: float) -> tuple[Word, ...]:
    return tuple(
        Word(w, start + i * 0.3, start + i * 0.3 + 0.25, 0.9) for i, w in enumerate(text.split())
    )


def _hit(t: float, rule: str, said: str, instead: str, utterance: int = 1) -> PhraseHit:
    return PhraseHit(
        t,
        Channel.AGENT,
        rule_id=rule,
        said=said,
        suggestions=(instead,),
        words=_words(said, t),
        utterance=utterance,
        end=t + 1,
    )


def test_transcript_partials_are_replaced_by_final_words_in_time_order(feed, overlay) -> None:
    view = overlay.transcript
    feed([CallStarted(0.0, None)])
    feed([Transcript(0.5, Channel.AGENT, words=_words("Goedemiddag welkom", 0.5), utterance=1)])
    (line,) = view.model.lines
    assert not line.final and line.text == "Goedemiddag welkom"
    feed(
        [
            Transcript(
                0.5,
                Channel.AGENT,
                words=_words("Goedemiddag, welkom bij", 0.5),
                final=True,
                utterance=1,
            ),
            # the customer's earlier words arrive later: they still go first
            Transcript(0.2, Channel.CUSTOMER, words=_words("Hallo?", 0.2), final=True, utterance=1),
        ]
    )
    assert [(x.channel, x.text, x.final) for x in view.model.lines] == [
        ("customer", "Hallo?", True),
        ("agent", "Goedemiddag, welkom bij", True),
    ]
    # a late partial never overwrites committed words
    feed([Transcript(0.5, Channel.AGENT, words=_words("iets anders", 0.5), utterance=1)])
    assert view.model.lines[1].text == "Goedemiddag, welkom bij"


def test_rate_gauge_shows_verdict_and_the_seed_tip_when_fast(feed, overlay) -> None:
    feed(
        [
            SpeechRate(
                5.0, Channel.AGENT, articulation_rate=4.6, verdict="ok", norm_low=3.8, norm_high=5.6
            )
        ]
    )
    assert overlay.rate.verdict_text() == "● Good pace" and overlay.tip.text() == ""
    feed(
        [
            SpeechRate(
                9.0,
                Channel.AGENT,
                articulation_rate=6.5,
                words_per_min=230,
                verdict="fast",
                norm_low=3.8,
                norm_high=5.6,
            )
        ]
    )
    assert overlay.rate.verdict_text() == "▲ Too fast"
    assert overlay.tip.text() == "Slow down, pause between your sentences."
    assert "Too fast" in overlay.rate.accessibleName()
    # the customer's tempo is not the agent's to fix
    feed([SpeechRate(10.0, Channel.CUSTOMER, articulation_rate=3.0, verdict="slow")])
    assert overlay.rate.rate.verdict == "fast"


def test_pauses_talk_ratio_and_dead_air(feed, overlay) -> None:
    feed([CallStarted(0.0, None)])
    feed([ConversationStats(12.0, None, talk_ratio=0.61, sentences=5, sentences_with_pause=3)])
    assert overlay.pauses.share() == 0.6
    assert "3 of 5 sentences" in overlay.pauses.accessibleName()
    assert overlay.header.you.text() == "You 61 %"
    assert overlay.header.them.text() == "Customer 39 %"
    assert overlay.alerts.alert_kind() is None
    feed([DeadAir(20.0, None, duration=3.0, ongoing=True)])
    assert overlay.alerts.alert_kind() == "dead_air"
    assert overlay.alerts.accessibleName().startswith("Silence ·")
    feed([DeadAir(20.0, None, duration=5.0, ongoing=False)])
    assert overlay.alerts.alert_kind() is None


def test_overtalk_alert_is_visible_within_300_ms_and_fades_when_it_ends(
    qtbot, overlay, bridge
) -> None:
    strip = overlay.alerts
    start = OverTalk(24.4, Channel.AGENT, start=24.4, interrupter="agent", ongoing=True)
    published = threading.Event()
    sent_at: list[float] = []

    def engine_thread() -> None:
        sent_at.append(time.monotonic())
        bridge.publish(start)
        published.set()

    threading.Thread(target=engine_thread).start()
    qtbot.waitUntil(lambda: strip.alert_kind() == "overtalk", timeout=300)
    assert "talking over the customer" in strip.accessibleName()
    end = OverTalk(24.4, Channel.AGENT, start=24.4, end=25.7, interrupter="agent", ongoing=False)
    bridge.publish(end)
    qtbot.waitUntil(lambda: strip._overtalk_end is not None, timeout=1000)
    assert strip.alert_kind() == "overtalk"  # still there: it fades, it does not vanish
    qtbot.waitUntil(lambda: strip.alert_kind() is None, timeout=4000)


def test_customer_talking_over_the_agent_raises_no_alert(feed, overlay) -> None:
    feed([OverTalk(30.0, Channel.CUSTOMER, start=30.0, interrupter="customer", ongoing=True)])
    assert overlay.alerts.alert_kind() is None


def test_phrase_cards_are_newest_first_short_and_flag_the_words(feed, overlay) -> None:
    feed([CallStarted(0.0, None)])
    feed(
        [
            Transcript(
                1.0,
                Channel.AGENT,
                words=_words("Wat vervelend voor u", 1.0),
                final=True,
                utterance=1,
            )
        ]
    )
    feed([_hit(1.0, "nl.wat-vervelend", "Wat vervelend voor u", "Ik begrijp dat dit u raakt")])
    cards = overlay.phrases.card_texts()
    assert cards == ["You said “Wat vervelend voor u” → Say instead “Ik begrijp dat dit u raakt”"]
    assert overlay.phrases.isVisible()
    assert overlay.transcript.model.lines[0].flagged == {0, 1, 2, 3}
    feed(
        [
            _hit(10.0, "nl.wacht", "Wacht", "Mag ik u even onderbreken?", 2),
            _hit(20.0, "nl.ik-weet-het-niet", "Ik weet het niet", "Ik zoek het voor u uit", 3),
            _hit(30.0, "nl.fijne-dag", "Fijne dag verder", "Bedankt voor uw geduld", 4),
            _hit(40.0, "nl.wacht", "Wacht", "Mag ik u even onderbreken?", 5),  # repeat: to the top
        ]
    )
    said = [c.split("“")[1].split("”")[0] for c in overlay.phrases.card_texts()]
    assert said == ["Wacht", "Fijne dag verder", "Ik weet het niet"]
    good = PhraseHit(50.0, Channel.AGENT, rule_id="nl.naam", polarity="good", said="meneer")
    feed([good])
    assert (
        len(overlay.phrases.card_texts()) == 3 and "meneer" not in overlay.phrases.card_texts()[0]
    )


def test_emotion_is_labelled_an_estimate_with_step_and_hint(feed, overlay) -> None:
    widget = overlay.emotion
    assert widget.label.text() == "No estimate yet"
    feed(
        [
            EmotionEstimate(
                17.0,
                Channel.CUSTOMER,
                label="gefrustreerd",
                confidence=0.62,
                valence=-0.6,
                step="erkennen",
                hint="Erken de frustratie.",
            )
        ]
    )
    assert widget.title.text() == "Customer · estimate"
    assert widget.label.text() == "Frustrated"
    assert widget.confidence.text() == "62% sure"
    assert widget.steps.step == "erkennen"
    assert widget.hint.text() == "Erken de frustratie." and not widget.hint.isHidden()
    assert "can be wrong" in widget.toolTip()
    feed([EmotionEstimate(20.0, Channel.CUSTOMER, label="tevreden", confidence=0.2)])
    assert widget.label.text() == "Satisfied ?"  # unsure: marked, and dimmed


def test_emotion_tooltip_says_from_words_when_the_voice_is_off(feed, overlay) -> None:
    """Setting ``emotion.voice`` off: the estimate rests on words, and the tooltip says so."""
    widget = overlay.emotion
    overlay.show()
    widget.set_basis(EmotionBasis.WORDS)
    widget.redraw(0.0)
    assert "from words;" in widget.toolTip() and "voice" not in widget.toolTip()
    feed(
        [
            EmotionEstimate(
                17.0, Channel.CUSTOMER, label="boos", confidence=0.7, evidence={"basis": "words"}
            )
        ]
    )
    widget.redraw(0.0)
    assert "from words;" in widget.toolTip() and "voice" not in widget.toolTip()
    # an estimate that used the voice says so, whatever came before
    feed([EmotionEstimate(20.0, Channel.CUSTOMER, label="boos", confidence=0.7)])
    widget.redraw(0.0)
    assert "from words and voice" in widget.toolTip()
    overlay.ctx.tr.set_language("nl")
    widget.set_basis(EmotionBasis.WORDS)
    widget.redraw(0.0)
    assert "uit woorden;" in widget.toolTip()
    overlay.ctx.tr.set_language("sv")
    widget.redraw(0.0)
    assert "från ord;" in widget.toolTip()


def test_a_businesslike_customer_is_shown_in_the_neutral_colour(feed, overlay) -> None:
    """The colour follows the label's valence class (seeds.emotion_data), not the number."""
    widget = overlay.emotion
    theme = widget.ctx.theme
    feed([EmotionEstimate(5.0, Channel.CUSTOMER, label="zakelijk", confidence=0.8, valence=-0.4)])
    assert widget.label.text() == "Businesslike"
    assert theme.text in widget.label.styleSheet()
    feed([EmotionEstimate(9.0, Channel.CUSTOMER, label="boos", confidence=0.8, valence=-0.1)])
    assert theme.customer in widget.label.styleSheet()


def test_engine_status_in_plain_words_opens_and_closes(feed, overlay) -> None:
    status = overlay.status
    feed([EngineStatus(0.0, None, code="model_loading", message="Loading")])
    assert overlay.header.state_text() in ("No call", "Loading speech model…")
    assert status.current().text == "Loading the speech model…"
    feed([EngineStatus(0.0, None, code="ready")])
    assert status.current() is None and status.isHidden()
    feed([DeviceLost(5.0, Channel.CUSTOMER, level=StatusLevel.ERROR, message="gone")])
    assert status.current().text == "Sound lost (call audio). Check the headset."
    assert status.label.text().startswith("✖")
    feed([DeviceBack(6.0, Channel.CUSTOMER)])
    assert status.current().code == "device_back"  # a short "sound is back", then quiet
    feed([EngineStatus(7.0, None, level="warning", code="brand_new_code", message="Odd thing.")])
    assert status.current().text == "Odd thing."


def test_call_start_and_end_drive_the_header(feed, overlay) -> None:
    header = overlay.header
    assert header.state_text() == "No call"
    feed([CallStarted(0.0, None)])
    assert header.state_text() == "Call" and overlay.ctx.clock.running
    feed([CallEnded(84.4, None)])
    assert header.state_text() == "Call ended"
    assert header.timer.text() == "01:24"


def test_the_whole_scripted_demo_stream_fills_every_part(qtbot, overlay, bridge) -> None:
    events = scripted_demo_events()
    for event in events:
        bridge.publish(event)
    qtbot.waitUntil(lambda: bridge.received == len(events), timeout=5000)
    overlay._refresh_now()
    assert len(overlay.transcript.model.lines) == 20
    assert all(line.final for line in overlay.transcript.model.lines)
    assert overlay.phrases.card_texts() and overlay.emotion.estimate is not None
    assert overlay.pauses.sentences > 0 and overlay.rate.rate is not None
    assert overlay.header.state_text() == "Call ended"
