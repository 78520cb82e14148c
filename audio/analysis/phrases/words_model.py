"""A small learnt linear model over the agent's words, beside the rules' patterns.

Patterns catch the wordings their author foresaw. Agents say the same thing in ways
nobody listed ("Boeit me niet zoveel", "Zoekt u het zelf maar uit"); on fresh labelled
sentences written without seeing the patterns, the patterns alone found 66-70 % of the
expected cards (``scripts/train_phrase_words.py --hold-out``). A one-vs-rest logistic
regression per rule over word features reads what the labelled DEV sentences have in
common (``tests/data/phrases/<lang>.dev*.tsv``; never the frozen test part), trained by
``scripts/train_phrase_words.py`` (deterministic: L-BFGS from zeros). Its weights are
data in ``seeds/rules/words_model_<lang>.json``; a language without one has no model.

It only adds cards the patterns did not raise, for ``phrase`` rules on the agent's words
that are active at that moment (an opening rule still only in the opening), and a rule's
``exceptions`` cancel it as they cancel a pattern ("ik weet het niet, maar ik zoek het voor
u uit"). The card gate (``gate.WordGate``) judges the words of the sentence it points at.
Its threshold is in the model file, chosen on a held-out dev batch for precision first.

Features of one utterance (binary): ``w:<word>`` each normalised word; ``s:<first five
letters>`` of words of six letters or more (Dutch and Swedish inflect and compound);
``b:<word>_<word>`` each pair of neighbouring words within a clause.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from belcoach.audio.analysis.phrases.tokens import Token
from belcoach.seeds.packaged import is_packaged, packaged_text
from belcoach.seeds.rule_schema import Rule

STEM = 5
"""Words of more than this many letters also count by their first ``STEM`` letters."""


def learnable(rule: Rule) -> bool:
    """Whether the model may read ``rule``: the agent's ``phrase`` rules that hold at any
    moment of the call and are about what was said, not how the customer was addressed (the
    ``address`` rules hang on single pronouns, which the patterns read exactly)."""
    return (
        rule.channel == "agent"
        and rule.kind == "phrase"
        and rule.when == "any"
        and rule.category != "address"
    )


def features(tokens: Sequence[Token]) -> set[str]:
    """The feature names of one utterance (or sentence); see the module docstring."""
    out: set[str] = set()
    previous: str | None = None
    for token in tokens:
        text = token.text
        out.add(f"w:{text}")
        if len(text) > STEM:
            out.add(f"s:{text[:STEM]}")
        if previous is not None and not token.clause_start:
            out.add(f"b:{previous}_{text}")
        previous = text
    return out


def sentences(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """``(start, stop)`` token ranges of the utterance's sentences."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, token in enumerate(tokens):
        if token.sentence_end:
            out.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        out.append((start, len(tokens)))
    return out


@dataclass(frozen=True)
class PhraseWordsModel:
    """Per-rule probabilities from word features (one logistic regression per rule).

    Attributes:
        rules: the rule ids it scores, in column order.
        bias: one intercept per rule.
        weights: feature name -> one weight per rule.
        threshold: the probability from which a rule counts as said.
    """

    rules: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    threshold: float

    def probabilities(self, tokens: Sequence[Token]) -> dict[str, float]:
        """Each rule's probability of being said in ``tokens``."""
        z = list(self.bias)
        for name in features(tokens):
            row = self.weights.get(name)
            if row is not None:
                for i, w in enumerate(row):
                    z[i] += w
        return {rule: _sigmoid(v) for rule, v in zip(self.rules, z, strict=True)}

    def said(self, tokens: Sequence[Token]) -> dict[str, tuple[float, tuple[int, int]]]:
        """Rules the model reads in ``tokens``: id -> (probability, the sentence it points at).

        The decision is on the whole utterance (a wording can take two sentences: "Kunt u
        later bellen? Het komt nu slecht uit."); the card points at the sentence that
        scores highest for the rule on its own.
        """
        if not tokens:
            return {}
        whole = self.probabilities(tokens)
        chosen = {r: p for r, p in whole.items() if p >= self.threshold}
        if not chosen:
            return {}
        parts = sentences(tokens)
        if len(parts) == 1:
            return {r: (p, parts[0]) for r, p in chosen.items()}
        per_part = [self.probabilities(tokens[a:b]) for a, b in parts]
        out = {}
        for rule, p in chosen.items():
            best = max(range(len(parts)), key=lambda i: per_part[i][rule])
            out[rule] = (p, parts[best])
        return out

    def to_json(self) -> dict[str, object]:
        """The stored form (``seeds/rules/words_model_<lang>.json``)."""
        return {
            "rules": list(self.rules),
            "threshold": self.threshold,
            "bias": [round(b, 4) for b in self.bias],
            "weights": {k: [round(v, 4) for v in w] for k, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> PhraseWordsModel:
        """Read the stored form.

        Raises:
            ValueError: a row without one value per rule, a threshold outside 0..1.
        """
        rules = tuple(str(x) for x in raw["rules"])  # type: ignore[attr-defined]
        bias = tuple(float(x) for x in raw["bias"])  # type: ignore[attr-defined]
        weights = {
            str(k): tuple(float(x) for x in v)
            for k, v in raw["weights"].items()  # type: ignore[attr-defined]
        }
        threshold = float(raw["threshold"])  # type: ignore[arg-type]
        if len(bias) != len(rules) or any(len(w) != len(rules) for w in weights.values()):
            raise ValueError("phrase words model: a weight row does not have one value per rule")
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"phrase words model: threshold {threshold} is not in (0, 1]")
        return cls(rules, bias, weights, threshold)


def _sigmoid(v: float) -> float:
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


@lru_cache(maxsize=8)
def load_phrase_model(language: str) -> PhraseWordsModel | None:
    """The packaged model for ``language``, or None when there is none."""
    name = f"words_model_{language}.json"
    if not is_packaged("rules", name):
        return None
    return PhraseWordsModel.from_json(json.loads(packaged_text("rules", name)))
