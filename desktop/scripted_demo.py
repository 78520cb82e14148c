"""The demo call as a constructed event stream, as the full engine would publish it.

Built from the demo call's ground truth (``demo/demo_call_nl.json``: every
turn's text, times and tags), it contains every kind of event the overlay
shows: partial and final transcripts, the agent's over-talk, phrase hits
with the seed's alternatives, speaking-rate samples (fast in the turn tagged
``fast``), pauses, the dead air while the agent looks something up,
running conversation figures and the customer's estimated feeling.

Uses: the overlay's tests feed it into the bridge, ``benchmarks/overlay.py``
measures the cost of rendering it, and ``scripts/overlay_screenshot.py
--scripted`` previews the overlay with every analyser's output. The words
are the script's, not Whisper's; the numbers are plausible, not measured.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from belcoach.audio.events import (
    CallEnded,
    CallStarted,
    Channel,
    ConversationStats,
    DeadAir,
    EmotionEstimate,
    Event,
    OverTalk,
    Pause,
    PhraseHit,
    RateVerdict,
    SpeechRate,
    Transcript,
    Word,
)
from belcoach.demo import demo_truth_path
from belcoach.seeds.emotion_data import EmotionLabel, EmotionStep

ASR_DELAY = 1.6
"""Seconds from the end of speech to the final words (measured 1.5-3 s for base)."""

_SUGGESTIONS = {
    "welkom-bij": ("Goedemiddag, u spreekt met Sanne van Helder Energie.",),
    "wat-vervelend-voor-u": ("Ik begrijp dat deze rekening u boos maakt.",),
    "wacht": ("Mag ik u even onderbreken?",),
    "ik-weet-het-niet": ("Bent u bereid om een minuut te wachten? Ik zoek het voor u uit.",),
    "fijne-dag-verder": ("Bedankt voor uw geduld, meneer De Vries.",),
}
_PHRASE_WORDS = {
    "welkom-bij": ("welkom", "bij"),
    "wat-vervelend-voor-u": ("wat", "vervelend", "voor", "u"),
    "wacht": ("wacht", "wacht"),
    "ik-weet-het-niet": ("ik", "weet", "het", "niet"),
    "fijne-dag-verder": ("fijne", "dag", "verder"),
}
_EMOTION: dict[str, tuple[float, float, EmotionStep, str]] = {
    EmotionLabel.GEFRUSTREERD: (
        -0.6,
        0.5,
        EmotionStep.ERKENNEN,
        "Erken de frustratie: ‘Ik begrijp dat dit u dwarszit.’",
    ),
    EmotionLabel.BOOS: (
        -0.8,
        0.8,
        EmotionStep.ERKENNEN,
        "Laat de klant uitpraten en erken: ‘U bent hier boos over.’",
    ),
    EmotionLabel.NEUTRAAL: (0.0, 0.0, EmotionStep.LEIDEN, "Leg uit wat u gaat doen en wanneer."),
    EmotionLabel.TEVREDEN: (0.7, 0.1, EmotionStep.LEIDEN, "Rond af met wat u heeft afgesproken."),
}


@dataclass(frozen=True, slots=True)
class _Turn:
    channel: Channel
    text: str
    start: float
    end: float
    tags: tuple[str, ...]


def _turns() -> tuple[float, list[_Turn]]:
    truth = json.loads(demo_truth_path().read_text(encoding="utf-8"))
    turns = [
        _Turn(Channel(t["channel"]), t["text"], t["start"], t["end"], tuple(t.get("tags", ())))
        for t in truth["turns"]
    ]
    return float(truth["duration"]), turns


def _words(turn: _Turn) -> tuple[Word, ...]:
    tokens = turn.text.split()
    span = (turn.end - turn.start) / max(1, len(tokens))
    return tuple(
        Word(tok, turn.start + i * span, turn.start + (i + 0.85) * span, 0.9)
        for i, tok in enumerate(tokens)
    )


def _norm(text: str) -> str:
    return re.sub(r"[^\w]", "", text.lower())


def _phrase(turn: _Turn, words: tuple[Word, ...], utterance: int, tag: str) -> PhraseHit | None:
    key = tag.removeprefix("phrase:")
    wanted = _PHRASE_WORDS.get(key)
    if wanted is None:
        return None
    norms = [_norm(w.text) for w in words]
    for i in range(len(norms) - len(wanted) + 1):
        if tuple(norms[i : i + len(wanted)]) == wanted:
            hit = words[i : i + len(wanted)]
            return PhraseHit(
                hit[0].start,
                turn.channel,
                rule_id=f"nl.{key}",
                category="avoid",
                polarity="avoid",
                severity="warning",
                words=hit,
                said=" ".join(w.text for w in hit).strip(",.!?"),
                suggestions=_SUGGESTIONS.get(key, ()),
                why="Seed 001/002: deze zin schaadt het gesprek.",
                source="001",
                utterance=utterance,
                end=hit[-1].end,
            )
    return None


def scripted_demo_events() -> list[Event]:
    """The demo call's events in the order the engine would publish them."""
    return [event for _due, event in scripted_demo_timeline()]


def scripted_demo_timeline() -> list[tuple[float, Event]]:
    """The demo call's events with the audio time each would be published at.

    Returns:
        ``(due, event)`` pairs sorted by ``due``; ``event.t`` is the time the
        event is about (transcripts are published ``ASR_DELAY`` after the speech).
    """
    duration, turns = _turns()
    timed: list[tuple[float, Event]] = [
        (0.0, CallStarted(0.0, None, source="demo_call_nl.flac", language="nl", model="base"))
    ]
    utterances = {Channel.AGENT: 0, Channel.CUSTOMER: 0}
    talk = {Channel.AGENT: 0.0, Channel.CUSTOMER: 0.0}
    sentences = paused = 0
    for n, turn in enumerate(turns):
        utterances[turn.channel] += 1
        utt = utterances[turn.channel]
        words = _words(turn)
        half = words[: max(1, len(words) // 2)]
        mid = turn.start + (turn.end - turn.start) * 0.55
        timed.append((mid, Transcript(half[0].start, turn.channel, words=half, utterance=utt)))
        done = turn.end + ASR_DELAY
        timed.append(
            (done, Transcript(words[0].start, turn.channel, words=words, final=True, utterance=utt))
        )
        talk[turn.channel] += turn.end - turn.start
        for tag in turn.tags:
            if tag.startswith("phrase:") and (hit := _phrase(turn, words, utt, tag)):
                timed.append((done + 0.05, hit))
            if tag.startswith("emotion:"):
                label = EmotionLabel(tag.removeprefix("emotion:"))
                valence, arousal, step, hint = _EMOTION.get(
                    label, (0.0, 0.0, EmotionStep.AANVOELEN, "")
                )
                timed.append(
                    (
                        done + 0.1,
                        EmotionEstimate(
                            turn.end,
                            Channel.CUSTOMER,
                            label=label,
                            confidence=0.62,
                            valence=valence,
                            arousal=arousal,
                            step=step,
                            hint=hint,
                            changed=True,
                            utterance=utt,
                        ),
                    )
                )
        if "overtalk" in turn.tags:
            prev = turns[n - 1]
            timed.append(
                (
                    turn.start + 0.5,
                    OverTalk(
                        turn.start,
                        Channel.AGENT,
                        start=turn.start,
                        interrupter="agent",
                        interrupted="customer",
                        overlap_s=0.5,
                        ongoing=True,
                    ),
                )
            )
            timed.append(
                (
                    prev.end,
                    OverTalk(
                        turn.start,
                        Channel.AGENT,
                        start=turn.start,
                        end=prev.end,
                        interrupter="agent",
                        interrupted="customer",
                        overlap_s=prev.end - turn.start,
                        ongoing=False,
                    ),
                )
            )
        if turn.channel == Channel.AGENT:
            fast = "fast" in turn.tags
            for k in range(max(1, int((turn.end - turn.start) // 2))):
                t = min(turn.end, turn.start + 2.0 * (k + 1))
                rate = 6.4 if fast else 4.6
                timed.append(
                    (
                        t,
                        SpeechRate(
                            t,
                            Channel.AGENT,
                            syllables_per_s=rate * 0.9,
                            articulation_rate=rate,
                            words_per_min=(230 if fast else 158),
                            verdict=RateVerdict.FAST if fast else RateVerdict.OK,
                            window=6.0,
                            norm_low=3.8,
                            norm_high=5.6,
                        ),
                    )
                )
            sentences += max(1, turn.text.count(".") + turn.text.count("?") + turn.text.count("!"))
            if not fast:
                paused += max(1, turn.text.count(".") + turn.text.count("?"))
                timed.append(
                    (
                        turn.end + 0.5,
                        Pause(turn.end, Channel.AGENT, duration=0.5, after_sentence=True),
                    )
                )
            paused = min(paused, sentences)
        if "after-hold" in turn.tags:
            silence = turns[n - 1].end
            timed.append((silence + 2.0, DeadAir(silence, None, duration=2.0, ongoing=True)))
            timed.append((turn.start, DeadAir(silence, None, duration=turn.start - silence)))
        total = talk[Channel.AGENT] + talk[Channel.CUSTOMER]
        timed.append(
            (
                turn.end + 0.2,
                ConversationStats(
                    turn.end,
                    None,
                    agent_talk_s=talk[Channel.AGENT],
                    customer_talk_s=talk[Channel.CUSTOMER],
                    talk_ratio=talk[Channel.AGENT] / total if total else None,
                    interruptions_by_agent=1 if n >= 6 else 0,
                    sentences=sentences,
                    sentences_with_pause=paused,
                ),
            )
        )
    timed.append((duration, CallEnded(duration, None)))
    timed.sort(key=lambda pair: pair[0])
    return timed
