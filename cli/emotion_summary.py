"""End-of-call summary of the customer's estimated feeling (seed 000's three steps)."""

from __future__ import annotations

from collections.abc import Sequence

from belcoach.audio.events import EmotionEstimate, Event, emotion_basis
from belcoach.core.clock import format_clock
from belcoach.seeds.emotion_data import VALENCE_CLASS, VALENCE_CLASSES, EmotionBasis, EmotionStep


def emotion_summary(events: Sequence[Event]) -> list[str]:
    """Lines describing the customer's feeling path and the steps, or [] without estimates.

    Every line says "estimated": the labels come from words (and voice, unless the setting
    ``emotion.voice`` is off), not from the customer, and can be wrong.
    """
    estimates = sorted((e for e in events if isinstance(e, EmotionEstimate)), key=lambda e: e.t)
    if not estimates:
        return []
    words_only = emotion_basis(estimates) == EmotionBasis.WORDS
    source = "words" if words_only else "words and voice"
    path: list[str] = []
    previous = None
    for e in estimates:
        if e.evidence.get("update") == "acknowledged":
            continue  # the step moved; the customer said nothing new
        if e.label != previous:
            path.append(f"{e.label} ({format_clock(e.t)})")
            previous = e.label
    lines = [
        f"Customer's feeling (an estimate from {source}, not a fact):",
        "  path: " + " → ".join(path),
    ]
    said = [e for e in estimates if e.evidence.get("update") != "acknowledged"]
    if said:
        counts = {c: sum(VALENCE_CLASS.get(e.label) == c for e in said) for c in VALENCE_CLASSES}
        lines.append(
            f"  customer utterances by valence class ({len(said)}): "
            + ", ".join(f"{c} {n}" for c, n in counts.items())
        )
    first_erkennen = next((e for e in estimates if e.step == EmotionStep.ERKENNEN), None)
    acknowledged = next((e for e in estimates if "acknowledged" in e.evidence), None)
    if first_erkennen is not None:
        lines.append(
            f"  erkennen: a negative feeling ({first_erkennen.label}) looked clear at "
            f"{format_clock(first_erkennen.t)}"
        )
        if acknowledged is not None:
            ack = acknowledged.evidence["acknowledged"]
            lines.append(
                f'  acknowledged by the agent at {format_clock(float(ack["t"]))}: "{ack["said"]}" '
                "→ leiden"
            )
        else:
            lines.append("  not acknowledged by the agent (seed 000: erkennen before leiden)")
    last = estimates[-1]
    lines.append(
        f"  end of call: {last.label} ({VALENCE_CLASS.get(last.label, '?')}), estimated with "
        f"confidence {last.confidence:.2f} "
        f"(valence {last.valence:+.2f}, arousal {last.arousal:+.2f} vs the caller's start)"
    )
    return lines
