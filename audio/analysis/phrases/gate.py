"""The card gate: a phrase card must not hang on words Whisper was unsure of.

Whisper gives every word a probability. On real speech the words of a wrong
match are often ones Whisper guessed ("je" for a mumbled "ik", "wacht" for
"want"); the rules' fuzzy matching cannot tell, the probability can. A
finding raises a card only when the words that carry the match (the tokens
that filled the pattern's words, not the words a ``*`` skipped nor the rest
of a clause) are sure enough: their lowest probability (``basis = "min"``: a
card hangs on every one of its words) or their mean (``"mean"``) must reach
``min_probability``. A match carried by a single word is judged together
with its ``neighbours`` on each side. ``min_probability`` 0 lets every match through, as
typed text (probability 1) always does.

The threshold is the setting ``analysis.rules.min_word_probability`` (with
``word_probability_basis``); the packaged default, mean >= 0.6, was chosen on
the dev part of real Dutch speech (``benchmarks/real_cards.py``), never on the
demo call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from belcoach.audio.analysis.phrases.matcher import Span
from belcoach.audio.analysis.phrases.tokens import Token
from belcoach.audio.events import Word

Basis = Literal["min", "mean"]


@dataclass(frozen=True, slots=True)
class WordGate:
    """Lets a match raise a card only when its words are sure enough.

    Attributes:
        min_probability: the bar, 0..1 (0 = no gate).
        basis: ``"min"`` (every carrying word must reach the bar) or ``"mean"``.
        neighbours: a match carried by one word ("je", "wacht") is judged
            with this many words on each side of it too: alone, one word has
            nothing that confirms it, and Whisper can be sure of a short word
            it put in a misheard sentence.
    """

    min_probability: float = 0.0
    basis: Basis = "min"
    neighbours: int = 0

    def confidence(self, span: Span, tokens: Sequence[Token], words: Sequence[Word]) -> float:
        """How sure Whisper was of the words that carry ``span`` (1.0 when it has none)."""
        indices = sorted({tokens[i].word for i in span.carrier_tokens()})
        if len(indices) == 1 and self.neighbours:
            (only,) = indices
            indices = list(
                range(max(0, only - self.neighbours), min(len(words), only + self.neighbours + 1))
            )
        probabilities = [words[i].probability for i in indices]
        if not probabilities:
            return 1.0
        if self.basis == "mean":
            return sum(probabilities) / len(probabilities)
        return min(probabilities)

    def passes(self, span: Span, tokens: Sequence[Token], words: Sequence[Word]) -> bool:
        """Whether a match over ``span`` may raise a card."""
        if self.min_probability <= 0:
            return True
        return self.confidence(span, tokens, words) >= self.min_probability
