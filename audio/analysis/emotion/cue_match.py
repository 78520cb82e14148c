"""Finding cue phrases in tokens: exact words, ``woord*`` prefixes and ``*`` gaps.

The phrase syntax is described in ``seeds/emotion/cues_nl.toml``. Words match exactly or by
a written prefix; near-miss spellings do not match (that was once tuned on one misreading
in the demo call, and is gone).
"""

from __future__ import annotations

from collections.abc import Sequence

from belcoach.audio.analysis.emotion.tokens import Token

GAP_MAX = 3
"""A lone ``*`` in a cue phrase skips up to this many words."""


def find(tokens: Sequence[Token], pattern: Sequence[str]) -> list[tuple[int, int]]:
    """Every (start, end) where ``pattern`` matches, non-overlapping, left to right."""
    found = []
    i = 0
    while i < len(tokens):
        end = _match(tokens, i, pattern, 0)
        if end is None:
            i += 1
            continue
        found.append((i, end))
        i = end
    return found


def match_at(tokens: Sequence[Token], i: int, pattern: Sequence[str]) -> int | None:
    """The end of ``pattern`` matched at token ``i``, or None."""
    return _match(tokens, i, pattern, 0)


def word_matches(word: str, pattern: str) -> bool:
    """Whether one word fits one pattern word (exactly, or by its prefix for ``woord*``).

    A possessive or clitic "'s" does not hide the word: "the baby's room" holds the cue
    "the baby", "the engineer's" the word "engineer" (and Dutch "auto's" the word "auto").
    """
    if pattern.endswith("*") and len(pattern) > 1:
        return word.startswith(pattern[:-1])
    return word == pattern or (word.endswith("'s") and word[:-2] == pattern)


def _match(tokens: Sequence[Token], i: int, pattern: Sequence[str], k: int) -> int | None:
    """Match ``pattern[k:]`` at token ``i``; return the end or None. Gaps are lazy."""
    if k == len(pattern):
        return i
    word = pattern[k]
    if word == "*":
        for skip in range(GAP_MAX + 1):
            if i + skip > len(tokens):
                break
            if skip and tokens[i + skip - 1].sentence_start and i + skip - 1 != i:
                break
            rest = _match(tokens, i + skip, pattern, k + 1)
            if rest is not None:
                return rest
        return None
    if i >= len(tokens):
        return None
    if k > 0 and tokens[i].sentence_start and pattern[k - 1] != "*":
        return None  # phrases do not run across sentences
    if tokens[i].prefix:
        return None  # a split-off prefix ("jätte" of "jättenöjd") is an intensifier, no cue
    if not word_matches(tokens[i].text, word):
        return None
    return _match(tokens, i + 1, pattern, k + 1)
