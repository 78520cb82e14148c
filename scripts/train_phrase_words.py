"""Train the phrase rules' learnt words model on the labelled DEV sentences only.

Reads ``tests/data/phrases/<lang>.<stem>.tsv`` for the dev stems of
``tests/support/phrase_sets.PARTS`` (never the frozen test part) and writes
``seeds/rules/words_model_<lang>.json`` (``belcoach.audio.analysis.phrases.words_model``).
Deterministic: one L2-penalised logistic regression per rule, L-BFGS from zeros.

The rules it learns: ``words_model.learnable`` (the agent's ``phrase`` rules that hold at
any moment of the call and are not about how the customer was addressed).

Usage:
    .venv/bin/python scripts/train_phrase_words.py [--languages nl,sv,en]
    .venv/bin/python scripts/train_phrase_words.py --hold-out dev-wide3 [--languages sv]

``--hold-out STEM`` writes nothing: it trains without ``<lang>.STEM.tsv`` and prints the
patterns alone against patterns + model on that file for several thresholds and penalties,
so the threshold is chosen on sentences the model has not seen (precision first).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from linear_fit import fit_weights  # noqa: E402

from belcoach.audio.analysis.phrases.tokens import Token, tokenize, words_from_text  # noqa: E402
from belcoach.audio.analysis.phrases.words_model import (  # noqa: E402
    STEM,
    PhraseWordsModel,
    features,
    learnable,
)
from belcoach.seeds.loader import RuleBook, load_rules  # noqa: E402
from support.phrase_sets import DATA, PARTS, Labelled, load_file, load_part, score  # noqa: E402

PENALTY = 0.3
"""L2 penalty on the weights (the bias is free); chosen with ``--hold-out``."""
MIN_COUNT = 2
"""A feature must occur in at least this many training sentences."""
THRESHOLD = {"nl": 0.4, "sv": 0.5, "en": 0.5}
"""Per language, the probability from which the model raises a card; ``--hold-out``.

Chosen on the dev-wide3 batches held out (trained without them), precision
first: the highest recall that adds no false card to the patterns' own.
nl 0.4 (R 0.778 -> 0.878, P 0.923 -> 0.931), sv 0.5 (R 0.704 -> 0.796),
en 0.5 (R 0.663 -> 0.735)."""


def sentence_tokens(text: str, book: RuleBook) -> list[Token]:
    """A typed sentence's tokens, as the matcher makes them."""
    return tokenize(words_from_text(text), book.matching.spellings)


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august")
MONTHS += ("september", "october", "november", "december")
NOT_NAMES = frozenset(("i", "im", "ill", "ive", "id", *DAYS, *(d + "s" for d in DAYS), *MONTHS))
"""English writes these with a capital; they are words a promise hangs on, not names."""


def proper_names(sentences: Sequence[Sequence[Token]], book: RuleBook) -> set[str]:
    """Normalised words the sentences only ever write with a capital inside a sentence.

    People's and companies' names ("Sanne", "Waterlink") say nothing about a rule and
    would only teach the model the labelled sets' story, so they are no features. A word
    that is also written in lower case somewhere ("Jouw Vrijheid" and "jouw") is a word.
    """
    capital: set[str] = set()
    lower: set[str] = set()
    for tokens in sentences:
        for i, token in enumerate(tokens):
            first = token.original[:1]
            if first.islower():
                lower.add(token.text)
            elif first.isupper() and i > 0 and not tokens[i - 1].sentence_end:
                capital.add(token.text)
    return capital - lower - set(book.names.titles) - NOT_NAMES


def without_names(row: set[str], names: set[str], stems: set[str]) -> set[str]:
    """``row`` without the features of ``names`` (a stem only when no other word has it)."""
    kept = set()
    for feature in row:
        kind, _, value = feature.partition(":")
        parts = value.split("_") if kind == "b" else [value]
        if any(part in names for part in parts) or (kind == "s" and value in stems):
            continue
        kept.add(feature)
    return kept


def fit(
    items: Sequence[Labelled],
    book: RuleBook,
    *,
    penalty: float = PENALTY,
    threshold: float = 0.5,
) -> PhraseWordsModel:
    """The logistic regressions over ``items``, one per learnt rule of ``book``."""
    rules = tuple(r.id for r in book.rules if learnable(r))
    tokenised = [sentence_tokens(item.text, book) for item in items]
    rows = [features(tokens) for tokens in tokenised]
    names = proper_names(tokenised, book)
    words = {f[2:] for row in rows for f in row if f.startswith("w:")}
    name_stems = {n[:STEM] for n in names if len(n) > STEM} - {
        w[:STEM] for w in words - names if len(w) > STEM
    }
    rows = [without_names(row, names, name_stems) for row in rows]
    counts = Counter(name for row in rows for name in row)
    kept = sorted(n for n, c in counts.items() if c >= MIN_COUNT)
    y = np.array([[rule in item.expected for rule in rules] for item in items], dtype=float)
    binary = [dict.fromkeys(row, 1.0) for row in rows]
    weights, bias = fit_weights(
        binary, kept, y, penalty=penalty, softmax=False, maxiter=1000, min_weight=5e-3
    )
    return PhraseWordsModel(rules, bias, weights, threshold)


def hold_out(language: str, stem: str) -> None:
    """Print patterns alone vs patterns + a model trained without ``stem``, on ``stem``."""
    book = load_rules(language)
    path = DATA / f"{language}.{stem}.tsv"
    held = load_file(path)
    train = load_part(language, "dev", without=stem)
    print(f"{language}: trained on {len(train)} dev sentences, scored on {path.name} ({len(held)})")
    alone = score(language, "dev", book, mistakes=False, words_model=False, items=held)
    print(
        f"  patterns alone          P {alone.precision:.3f} R {alone.recall:.3f}  {_counts(alone)}"
    )
    for penalty in (0.03, 0.1, 0.3):
        for threshold in (0.4, 0.5, 0.6, 0.7):
            model = fit(train, book, penalty=penalty, threshold=threshold)
            both = score(language, "dev", book, mistakes=False, words_model=model, items=held)
            print(
                f"  + model, penalty {penalty:<3} p >= {threshold:.1f}  "
                f"P {both.precision:.3f} R {both.recall:.3f}  {_counts(both)}"
            )


def _counts(result: object) -> str:
    tally = result.overall  # type: ignore[attr-defined]
    return f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="nl,sv,en")
    parser.add_argument("--hold-out", metavar="STEM", help="score on this dev file, write nothing")
    args = parser.parse_args()
    for language in args.languages.split(","):
        if args.hold_out:
            hold_out(language, args.hold_out)
            continue
        book = load_rules(language)
        items = load_part(language, "dev")
        model = fit(items, book, threshold=THRESHOLD[language])
        out = ROOT / "seeds" / "rules" / f"words_model_{language}.json"
        out.write_text(json.dumps(model.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
        print(
            f"{out}: {len(model.rules)} rules, {len(model.weights)} features, "
            f"{len(items)} {language} DEV sentences ({', '.join(PARTS['dev'])}; never the frozen "
            f"test part), threshold {model.threshold}"
        )


if __name__ == "__main__":
    main()
