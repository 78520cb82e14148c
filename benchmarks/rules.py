"""Phrase rules: precision / recall per language, rule and kind on the labelled sets; speed.

Prints figures; asserts nothing (the test-part figures are asserted in
tests/audio/analysis/phrases/test_phrase_labels.py). Usage:

    .venv/bin/python benchmarks/rules.py [--runs 5] [--mistakes] [--dev-only] [--demo]

- accuracy: per language, on the DEV part (tuned on) and the TEST part
  (written with it by someone who never saw the patterns, split off and
  frozen before any tuning) separately: precision and recall over (sentence,
  rule) pairs, overall, per rule (tp/fp/fn) and per sentence kind (pos =
  phrases, near = near-misses, plain = ordinary talk, asr = as a recogniser
  writes it); see tests/support/phrase_sets.py for the files. The learnt
  words model (``phrases/words_model.py``) is trained on the dev part, so its
  dev figures are fitted; its honest dev figure is the held-out one of
  ``scripts/train_phrase_words.py --hold-out``. On test, the figures without
  the model follow, so its share is seen;
- ``--mistakes``: the wrong sentences of the DEV part (the test part's
  sentences are never printed: nobody tunes on them);
- ``--dev-only``: score the DEV part only and skip the speed runs, for
  tuning: the test figures are then seen once, at the end of a round, not
  after every change;
- speed: time to coach one committed agent utterance (tokenise, all rules,
  call context) over every labelled sentence, ``--runs`` times: p50, p95 and
  max; a long 40-word utterance; loading a language's rules;
- ``--demo``: runs Whisper base on the demo call and counts how many of its
  ``phrase:`` tagged turns are flagged on the real transcript.

The machine is shared: timings are noisy; the max especially.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser  # noqa: E402
from belcoach.audio.analysis.phrases.tokens import words_from_text  # noqa: E402
from belcoach.seeds.loader import load_rules  # noqa: E402
from support.phrase_sets import Score, score  # noqa: E402

LANGUAGES = ("nl", "sv", "en")
LONG = {
    "nl": "Ja dat zie ik hier staan de meterstand is geschat omdat wij geen stand van u hebben "
    "ontvangen dus het systeem heeft een schatting gemaakt op basis van het verbruik van vorig "
    "jaar en daarom is de rekening zo hoog uitgevallen, ik weet het niet precies.",
    "sv": "Ja det ser jag här mätarställningen är uppskattad eftersom vi inte har fått någon "
    "ställning från dig så systemet har gjort en uppskattning utifrån förbrukningen förra året "
    "och därför blev fakturan så hög, jag vet inte exakt varför.",
    "en": "Yes I can see that here the meter reading was estimated because we did not receive a "
    "reading from you so the system made an estimate based on last year's usage and that is "
    "why the bill came out so high, I don't know exactly why.",
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _figures(label: str, result: Score) -> None:
    t = result.overall
    print(
        f"{label:<9} {result.sentences:>4} sentences   P {t.precision:.3f}  R {t.recall:.3f}"
        f"   (tp {t.tp}, fp {t.fp}, fn {t.fn})"
    )
    kinds = "  ".join(
        f"{k} P {v.precision:.2f} R {v.recall:.2f} exact {result.exact[k][1]}/{result.exact[k][0]}"
        for k, v in sorted(result.per_kind.items())
    )
    print(f"          per kind: {kinds}")
    print(f"          {'rule':<36} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6}")
    for rid, r in sorted(result.per_rule.items()):
        counts = f"{r.tp:>4} {r.fp:>4} {r.fn:>4}"
        print(f"          {rid:<36} {counts} {r.precision:>6.2f} {r.recall:>6.2f}")


def accuracy(show_mistakes: bool, *, dev_only: bool = False) -> None:
    print("phrase rules on the labelled sets (tests/data/phrases): typed sentences written for")
    print("belcoach without seeing the patterns; dev = tuned on, test = frozen before tuning")
    for language in LANGUAGES:
        print()
        dev = score(language, "dev")
        _figures(f"{language} dev", dev)
        if not dev_only:
            test = score(language, "test", mistakes=False)
            _figures(f"{language} test", test)
            alone = score(language, "test", mistakes=False, words_model=False).overall
            print(
                f"          patterns alone, without the learnt words model: P {alone.precision:.3f}"
                f"  R {alone.recall:.3f}   (tp {alone.tp}, fp {alone.fp}, fn {alone.fn})"
            )
        if show_mistakes:
            for mistake in dev.mistakes:
                print(f"      {mistake}")


def speed(runs: int) -> None:
    print()
    print(f"speed per committed utterance over every labelled sentence x {runs} runs (ms)")
    for language in LANGUAGES:
        loads = []
        for _ in range(runs):
            started = time.perf_counter()
            book = load_rules(language)
            loads.append(time.perf_counter() - started)
        per_sentence: list[float] = []
        for _ in range(runs):
            for part in ("dev", "test"):
                per_sentence += score(language, part, book, mistakes=False).seconds
        long_times = []
        for _ in range(runs * 5):
            analyser = PhraseAnalyser(language, book=book)
            words = words_from_text(LONG[language], start=3.0)
            started = time.perf_counter()
            analyser.agent_words(words)
            long_times.append(time.perf_counter() - started)
        print(
            f"{language:<5} sentences p50 {statistics.median(per_sentence) * 1e3:5.2f}"
            f"  p95 {_percentile(per_sentence, 0.95) * 1e3:5.2f}"
            f"  max {max(per_sentence) * 1e3:6.2f}   "
            f"{len(words)}-word utterance p50 {statistics.median(long_times) * 1e3:5.2f}"
            f"  p95 {_percentile(long_times, 0.95) * 1e3:5.2f}"
            f"  max {max(long_times) * 1e3:6.2f}   "
            f"load rules p50 {statistics.median(loads) * 1e3:6.1f}"
        )


def demo() -> None:
    from belcoach.audio.engine.sources import open_call
    from belcoach.audio.events import Event, PhraseHit
    from belcoach.audio.jobs.run import ModelChoice, load_transcriber, run_call
    from belcoach.demo import demo_call_path, demo_truth_path
    from support.synth import CallTruth

    truth = CallTruth.load(demo_truth_path())
    transcriber = load_transcriber(ModelChoice(), "nl")
    events: list[Event] = []
    run_call(
        open_call(demo_call_path()),
        transcriber,
        model_name="base",
        paced=False,
        subscribers=[events.append],
    )
    hits = [e for e in events if isinstance(e, PhraseHit)]
    tagged = [
        ("nl." + tag.split(":", 1)[1], turn)
        for turn in truth.turns
        for tag in turn.tags
        if tag.startswith("phrase:")
    ]
    print()
    print("demo call through Whisper base (espeak-ng speech)")
    found = 0
    for rule_id, turn in tagged:
        ok = any(h.rule_id == rule_id and turn.start - 0.35 <= h.t <= turn.end + 0.35 for h in hits)
        found += ok
        print(f"  {'found ' if ok else 'missed'} {rule_id:<28} {turn.text!r}")
    print(f"  {found}/{len(tagged)} tagged phrases found")
    tagged_ids = {r for r, _ in tagged}
    for hit in hits:
        if hit.rule_id not in tagged_ids:
            print(f"  other hit: {hit.rule_id} {hit.said!r} at {hit.t:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--mistakes", action="store_true", help="print the dev part's wrong sentences"
    )
    parser.add_argument(
        "--dev-only", action="store_true", help="dev part only, no speed runs (for tuning)"
    )
    parser.add_argument("--demo", action="store_true", help="also run Whisper on the demo call")
    args = parser.parse_args()
    accuracy(args.mistakes, dev_only=args.dev_only)
    if not args.dev_only:
        speed(args.runs)
    if args.demo:
        demo()


if __name__ == "__main__":
    main()
