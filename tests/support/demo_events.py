"""A full event stream for the demo call, as the finished analysers would publish it.

The speech-analytics, phrase-rule and emotion analysers are being written in
parallel; the replay window, the report and the library are tested against
this constructed stream. It is built from the demo's ground truth
(``demo/demo_call_nl.json``: turn times and tags), so every mark sits where
the demo put it on purpose: the over-talk at 24.4 s, the fast turn at 39.1 s,
"Wacht, wacht" and "Ik weet het niet", the customer's anger and relief.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
    SpeechRate,
    SpeechRegion,
    Transcript,
    Word,
)
from belcoach.audio.jsonl import event_line
from belcoach.demo import demo_call_path

SENTENCE_GAP = 0.45
S001 = "001_6d1257f8c8d59bde.txt"
S002 = "002_48629d6a7852847e.txt"
S000 = "000_a1d49fd2dc71d7a4.txt"

PHRASES = {
    "welkom-bij": (
        "stock_phrase",
        "avoid",
        "info",
        "welkom bij",
        (),
        "Standaardzinnetjes klinken als een script.",
        S002,
    ),
    "wat-vervelend-voor-u": (
        "stock_phrase",
        "avoid",
        "warning",
        "wat vervelend voor u",
        ("Ik begrijp dat dit u stoort; laten we het samen uitzoeken.",),
        "Een standaardzin erkent het gevoel van de klant niet echt.",
        S002,
    ),
    "wacht": (
        "avoid",
        "avoid",
        "alert",
        "wacht, wacht",
        (
            "Mevrouw, het spijt me zeer dat ik u moet haasten, maar er zijn andere mensen die "
            "ik moet helpen. Ben je bereid om 2 minuten te wachten?",
        ),
        "Respecteer de tijd van uw klanten.",
        S001,
    ),
    "ik-weet-het-niet": (
        "avoid",
        "avoid",
        "alert",
        "ik weet het niet",
        ("Ben je bereid om een minuut te wachten, ik zal mijn best doen om erachter te komen…",),
        "Sla de deur voor de cliënt niet dicht door te zeggen dat je het niet weet.",
        S001,
    ),
    "fijne-dag-verder": (
        "stock_phrase",
        "avoid",
        "info",
        "fijne dag verder",
        (),
        "Standaardzinnetjes klinken als een script.",
        S002,
    ),
}
EMOTION = {  # label: (valence, arousal, step, hint)
    "gefrustreerd": (-0.5, 0.4, "erkennen", "Erken de frustratie: 'Ik snap dat dit vervelend is.'"),
    "boos": (-0.8, 0.8, "erkennen", "Laat de klant uitpraten en benoem de boosheid."),
    "neutraal": (0.0, 0.0, "leiden", "Leid naar de oplossing."),
    "tevreden": (0.7, 0.1, "leiden", "Bevestig de afspraak."),
}


@dataclass
class _Turn:
    channel: Channel
    start: float
    end: float
    text: str
    tags: list[str]
    words: tuple[Word, ...] = ()


def _words(turn: _Turn) -> tuple[Word, ...]:
    tokens = turn.text.split()
    gaps = sum(1 for tok in tokens[:-1] if tok.endswith((".", "?", "!")))
    speech = turn.end - turn.start - gaps * SENTENCE_GAP
    total = sum(len(tok) + 2 for tok in tokens)
    t, out = turn.start, []
    for tok in tokens:
        d = speech * (len(tok) + 2) / total
        out.append(Word(tok, round(t, 3), round(t + d, 3), 0.9))
        t += d + (SENTENCE_GAP if tok.endswith((".", "?", "!")) else 0.0)
    return tuple(out)


def _norm(text: str) -> str:
    return re.sub(r"[^\w ]", "", text.lower())


def _match(words: tuple[Word, ...], phrase: str) -> tuple[Word, ...]:
    n = len(phrase.split())
    for i in range(len(words) - n + 1):
        if _norm(" ".join(w.text for w in words[i : i + n])) == _norm(phrase):
            return words[i : i + n]
    raise ValueError(f"{phrase!r} not in {' '.join(w.text for w in words)!r}")


def demo_events() -> list[Event]:
    """The demo call's events in publication order (see the module docstring)."""
    truth = json.loads(demo_call_path().with_suffix(".json").read_text(encoding="utf-8"))
    duration = float(truth["duration"])
    turns = [
        _Turn(Channel(t["channel"]), t["start"], t["end"], t["text"], t.get("tags", []))
        for t in truth["turns"]
    ]
    timed: list[tuple[float, Event]] = [
        (
            0.0,
            CallStarted(
                0.0,
                None,
                source="demo_call_nl.flac",
                language="nl",
                model="base",
                duration=duration,
            ),
        )
    ]
    prev_agent_end: float | None = None
    last_label = None
    agent_talk = customer_talk = 0.0
    sentences = paused = 0
    for i, turn in enumerate(turns):
        turn.words = _words(turn)
        ch = turn.channel
        timed.append((turn.end, SpeechRegion(turn.start, ch, end=turn.end)))
        timed.append(
            (
                turn.end + 1.5,
                Transcript(
                    turn.start, ch, words=turn.words, final=True, utterance=i + 1, latency=1.5
                ),
            )
        )
        if ch == Channel.AGENT:
            agent_talk += turn.end - turn.start
            fast = "fast" in turn.tags
            rate = 6.9 if fast else 4.6 + 0.1 * (i % 3)
            timed.append(
                (
                    turn.end,
                    SpeechRate(
                        turn.end,
                        ch,
                        syllables_per_s=rate * 0.9,
                        articulation_rate=rate,
                        words_per_min=230.0 if fast else 150.0 + 5 * (i % 3),
                        verdict="fast" if fast else "ok",
                        window=turn.end - turn.start,
                        basis="acoustic",
                        acoustic_rate=rate,
                        norm_low=4.0,
                        norm_high=5.8,
                    ),
                )
            )
            for a, b in zip(turn.words, turn.words[1:], strict=False):
                if a.text.endswith((".", "?", "!")):
                    sentences += 1
                    paused += 1
                    timed.append(
                        (
                            b.start,
                            Pause(
                                a.end, ch, duration=round(b.start - a.end, 3), after_sentence=True
                            ),
                        )
                    )
            if prev_agent_end is not None and turns[i - 1].channel == Channel.AGENT:
                sentences += 1
                gap = turn.start - prev_agent_end
                paused += gap >= 0.35
                timed.append(
                    (
                        turn.start,
                        Pause(prev_agent_end, ch, duration=round(gap, 3), after_sentence=True),
                    )
                )
            prev_agent_end = turn.end
        else:
            customer_talk += turn.end - turn.start
        for tag in turn.tags:
            if tag.startswith("phrase:"):
                key = tag.split(":", 1)[1]
                cat, pol, sev, said, sugg, why, src = PHRASES[key]
                hit = _match(turn.words, said)
                timed.append(
                    (
                        hit[-1].end + 1.5,
                        PhraseHit(
                            hit[0].start,
                            ch,
                            rule_id=f"nl.{key}",
                            category=cat,
                            polarity=pol,
                            severity=sev,
                            words=hit,
                            said=" ".join(w.text for w in hit),
                            suggestions=sugg,
                            why=why,
                            source=src,
                            utterance=i + 1,
                            end=hit[-1].end,
                        ),
                    )
                )
            if tag == "promise":
                hit = _match(turn.words, "ik bel u morgen terug")
                timed.append(
                    (
                        hit[-1].end + 1.5,
                        PhraseHit(
                            hit[0].start,
                            ch,
                            rule_id="nl.belofte",
                            category="promise",
                            polarity="good",
                            severity="info",
                            words=hit,
                            said=" ".join(w.text for w in hit),
                            why="Als je de klant belooft iets te doen, doe het dan ook.",
                            source=S002,
                            utterance=i + 1,
                            end=hit[-1].end,
                        ),
                    )
                )
            if tag.startswith("emotion:"):
                label = tag.split(":", 1)[1]
                val, aro, step, hint = EMOTION[label]
                timed.append(
                    (
                        turn.end + 1.6,
                        EmotionEstimate(
                            turn.end,
                            Channel.CUSTOMER,
                            label=label,
                            confidence=0.7,
                            valence=val,
                            arousal=aro,
                            step=step,
                            hint=hint,
                            changed=label != last_label,
                            utterance=i + 1,
                            evidence={"cues": [label]},
                        ),
                    )
                )
                last_label = label
        if "overtalk" in turn.tags:
            other = turns[i - 1]
            overlap = round(other.end - turn.start, 3)
            timed.append(
                (
                    turn.start + 0.5,
                    OverTalk(
                        turn.start,
                        ch,
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
                    other.end,
                    OverTalk(
                        turn.start,
                        ch,
                        start=turn.start,
                        end=other.end,
                        interrupter="agent",
                        interrupted="customer",
                        overlap_s=overlap,
                        ongoing=False,
                    ),
                )
            )
        if "after-hold" in turn.tags:
            hold_start = turns[i - 1].end
            timed.append((hold_start + 2.0, DeadAir(hold_start, None, duration=2.0, ongoing=True)))
            timed.append(
                (turn.start, DeadAir(hold_start, None, duration=round(turn.start - hold_start, 3)))
            )
    stats = ConversationStats(
        duration,
        None,
        agent_talk_s=round(agent_talk, 3),
        customer_talk_s=round(customer_talk, 3),
        talk_ratio=round(agent_talk / (agent_talk + customer_talk), 3),
        longest_agent_monologue=round(turns[17].end - turns[15].start, 3),
        longest_customer_turn=round(turns[3].end - turns[2].start, 3),
        interruptions_by_agent=1,
        dead_air_total=2.5,
        sentences=sentences,
        sentences_with_pause=paused,
        final=True,
    )
    timed.append((duration, stats))
    timed.append((duration + 0.01, CallEnded(duration, None)))
    timed.sort(key=lambda pair: pair[0])
    return [event for _, event in timed]


def write_demo_events(path: Path) -> Path:
    """Write `demo_events` as an ``events.jsonl`` file and return its path."""
    path.write_text("".join(event_line(e) + "\n" for e in demo_events()), encoding="utf-8")
    return path


def make_demo_call_folder(root: Path, *, notes: bool = True) -> Path:
    """A complete library call: the demo's audio, `demo_events`, a summary and two notes."""
    import shutil

    from belcoach.audio.calls.folder import CallFolder, CallMeta, Note
    from belcoach.audio.calls.summary import summarize

    # started "now", so no retention period deletes it under a test's feet
    meta = CallMeta(
        "20261123-101500-demo01",
        datetime.now(UTC).replace(microsecond=0).isoformat(),
        origin="import",
        agent="Sanne",
        language="nl",
        source="demo_call_nl.flac",
        model="base",
    )
    folder = CallFolder(root / meta.id)
    folder.path.mkdir(parents=True, exist_ok=True)
    folder.write_meta(meta)
    write_demo_events(folder.events)
    shutil.copy(demo_call_path(), folder.audio)
    folder.write_summary(summarize(demo_events(), meta=meta).to_json())
    if notes:
        folder.write_notes(
            [
                Note(
                    24.4, "Hier praat Sanne door de klant heen: laat hem eerst uitpraten.", "coach"
                ),
                Note(
                    50.0,
                    "Goed hersteld na 'ik weet het niet': biedt aan het uit te zoeken.",
                    "coach",
                ),
            ]
        )
    return folder.path
