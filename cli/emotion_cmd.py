"""``belcoach emotion test``: how the feeling estimate reads one customer sentence, and why.

``belcoach emotion test [-l nl] [--json] "Ik ben hier echt boos over!"`` prints seed
000's label for the sentence alone, its confidence, the valence (number and class), the
cues and lexicon words behind it (with the negations and intensifiers that applied), and
the step and hint the overlay would show if this were the customer's first utterance in a
call, before the agent acknowledged anything. A coach or IT can check a cue edit with it,
as ``belcoach rules test`` does for the phrase rules.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from belcoach.core.errors import ConfigError
from belcoach.seeds.emotion_data import LABELS, LANGUAGES

MAX_CHARS = 5000
"""Longest sentence accepted: a long monologue is many utterances, not one."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``emotion`` command and its ``test`` subcommand."""
    p = sub.add_parser(
        "emotion",
        help="check how the customer's feeling is estimated from words",
        description="The customer's estimated feeling (seed 000: aanvoelen, erkennen, leiden).",
    )
    emotion_sub = p.add_subparsers(dest="emotion_command", metavar="SUBCOMMAND", required=True)
    q = emotion_sub.add_parser(
        "test", help="show how a customer sentence is read: label, valence, cues, step, hint"
    )
    q.add_argument("sentence", help="what the customer says (quote it)")
    q.add_argument("--language", "-l", default="nl", help=f"call language ({', '.join(LANGUAGES)})")
    q.add_argument("--json", action="store_true", help="print JSON for machines")
    q.set_defaults(func=run_test)


def check_sentence(sentence: str) -> str:
    """Return the sentence stripped, or raise ConfigError saying what is wrong with it.

    Raises:
        ConfigError: empty, longer than ``MAX_CHARS``, or without a single letter.
    """
    text = sentence.strip()
    if not text:
        raise ConfigError("emotion test: the sentence is empty; give the customer's words")
    if len(text) > MAX_CHARS:
        raise ConfigError(
            f"emotion test: the sentence is {len(text):,} characters; the limit is "
            f"{MAX_CHARS:,} (one customer utterance)"
        )
    if not any(ch.isalpha() for ch in text):
        raise ConfigError(
            "emotion test: the sentence has no letters (only emoji, digits or punctuation); "
            "the estimate reads words"
        )
    return text


def check_language(code: str) -> str:
    """Return the language code normalised, or raise ConfigError naming the known ones.

    Raises:
        ConfigError: no cue list for ``code``.
    """
    norm = code.strip().lower()
    if norm not in LANGUAGES:
        raise ConfigError(
            f"emotion test: unknown language {code!r}; the feeling cues know {', '.join(LANGUAGES)}"
        )
    return norm


def run_test(args: argparse.Namespace) -> int:
    """Run ``belcoach emotion test``."""
    language = check_language(args.language)
    text = check_sentence(args.sentence)
    from belcoach.audio.analysis.emotion.explain import explain

    result = explain(text, language)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f'{language}: "{text}"')
    print(f"  feeling (this sentence alone): {result.label}, {result.confidence:.2f} sure")
    # two lines: the class follows the label, the number only the cues and lexicon words,
    # and one line "-0.69 (positive)" read as a contradiction
    print(f"  valence class: {result.valence_class} (of {result.label})")
    print(f"  word valence: {result.valence:+.2f} (cues and lexicon words, -1..+1)")
    reading = result.reading
    print("  cues:" if reading.cues else "  cues: none")
    for cue in reading.cues:
        negated = f"negated by {cue.negator!r}: does not count" if cue.negated else ""
        how = _how(f"weight {cue.weight:.2f}", cue.intensifiers, negated)
        print(f'    {cue.label:13s} "{cue.said}" (cue "{cue.phrase}"; {", ".join(how)})')
    print("  lexicon words:" if reading.lexicon else "  lexicon words: none")
    for hit in reading.lexicon:
        negated = f"negated by {hit.negator!r}" if hit.negator else ""
        how = _how(f"lexicon {hit.base:+.2f} ({hit.source})", hit.intensifiers, negated)
        print(f"    {hit.word:15s} {hit.value:+.2f}  {'; '.join(how)}")
    if reading.model_probs:
        top = sorted(reading.model_probs, key=lambda k: -reading.model_probs[k])[:3]
        print(
            "  words model (learnt on dev sentences): "
            + ", ".join(f"{k} {reading.model_probs[k]:.2f}" for k in top)
        )
    probs = sorted(LABELS, key=lambda k: -result.probs[k])
    print("  all labels: " + ", ".join(f"{k} {result.probs[k]:.2f}" for k in probs))
    overlay = result.overlay
    print("  overlay, as the customer's first utterance (no acknowledgement yet):")
    print(f"    estimate: {overlay.label}, {overlay.confidence:.2f} sure (smoothed from the start)")
    print(f"    step: {overlay.step}")
    print(f"    hint: {overlay.hint}")
    source = overlay.evidence.get("hint_source", {})
    quote = str(source.get("quote", ""))
    if quote:
        seeds = ", ".join(name.strip()[:3] for name in str(source.get("seed", "")).split(","))
        shown = quote if quote.startswith('"') else f'"{quote}"'
        print(f"    seed {seeds}: {shown}")
    return 0


def _how(base: str, intensifiers: Sequence[str], negated: str) -> list[str]:
    """What made a cue or lexicon word count as it did: its base, intensifiers, negation."""
    how = [base]
    if intensifiers:
        how.append(f"intensified by {' '.join(intensifiers)!r}")
    if negated:
        how.append(negated)
    return how
