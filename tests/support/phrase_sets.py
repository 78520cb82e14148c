"""The labelled phrase sets (tests/data/phrases/) and scoring the rules on them.

Shared by ``tests/audio/analysis/phrases/test_phrase_labels.py`` (asserts the figures on the
test part) and ``benchmarks/rules.py`` (prints them per rule and per kind, with
the matcher's speed).

Files, per language (``nl``, ``sv``, ``en``):

- ``<lang>.dev.tsv``: typed sentences written for belcoach without seeing the
  patterns; the part the rules are tuned on;
- ``<lang>.dev-old.tsv``: the sentences the rule author first tuned on, with
  the demo call's lines removed; also dev;
- ``<lang>.dev-extra.tsv``: sentences the tuning session of issue 15 item 3
  wrote (words in between, inversions, colloquial and indirect wording)
  before it changed the rules, without looking at the test part; also dev;
- ``<lang>.dev-wide.tsv``: more such sentences (firing and near-miss) the
  recall session of issue 15 wrote to widen dev, committed before the rules
  were changed for them, without looking at the test part; also dev;
- ``<lang>.dev-wide2.tsv``: a fresh batch (nl 301, sv 160, en 159 sentences,
  about half firing over every rule, half near misses and ordinary talk that
  share a rule's words but not its meaning) the recall3 session wrote from the
  seeds and everyday contact-centre speech, committed before any rule was
  changed for it, without looking at the test part; and a second (nl 115,
  sv 79, en 85) and a third batch (nl 110, sv 69, en 74), each written after
  the changes for the one before and committed before the rules were changed
  for it; also dev;
- ``<lang>.dev-wide3.tsv``: a fresh batch (nl 281, sv 139, en 138) a helper
  session wrote from the seeds and each rule's purpose (id, why, seed quote,
  suggestion; not its patterns), committed before the learnt words model
  (``phrases/words_model.py``) was tuned on it; it chose the model's
  thresholds while held out, then joined dev;
- ``<lang>.test.tsv``: written with ``dev.tsv`` and split off BEFORE tuning;
  frozen: never tuned on, never edited, its sentences never looked at.

Format: ``#`` comment lines, one ``# customer: …`` line giving the default
customer opening, then ``expected<TAB>kind<TAB>agent sentence[<TAB>customer
line]``: ``expected`` is space-separated rule ids or ``-``; ``kind`` is
``pos``, ``near``, ``plain`` or ``asr``; the optional 4th column is this
sentence's customer opening line.

Each sentence is scored as the agent's first utterance, ``AGENT_START``
seconds into a call whose customer said the customer line; afterwards the
call ends (``finish``), so an open summary is judged. A summary hit together
with its ``summary_check`` verdict counts as the check only ("announced but
incomplete"), the way ``cli/phrase_summary.py`` reads the pair; the labels
give such a sentence the check's id and never both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.analysis.phrases.words_model import PhraseWordsModel
from belcoach.audio.events import PhraseHit
from belcoach.seeds.loader import RuleBook, load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "phrases"
AGENT_START = 3.0
"""The sentence is the agent's first utterance, this many seconds into the call."""
KINDS = ("pos", "near", "plain", "asr")
PARTS = {
    "dev": ("dev", "dev-old", "dev-extra", "dev-wide", "dev-wide2", "dev-wide3"),
    "test": ("test",),
}
"""Each part's files: ``<lang>.<stem>.tsv``."""


class LabelError(ValueError):
    """A labelled file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Labelled:
    """One labelled sentence.

    Attributes:
        expected: the rule ids a coach expects.
        kind: ``pos``, ``near``, ``plain`` or ``asr``.
        text: the agent's sentence.
        customer: the customer's opening line before it.
        where: ``file:line``.
    """

    expected: frozenset[str]
    kind: str
    text: str
    customer: str
    where: str


@dataclass
class Tally:
    """True/false positives and misses over (sentence, rule) pairs."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of flagged rules that were expected (1.0 when nothing was flagged)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of expected rules that were flagged (1.0 when nothing was expected)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, expected: frozenset[str], found: set[str]) -> None:
        """Count one sentence."""
        self.tp += len(found & expected)
        self.fp += len(found - expected)
        self.fn += len(expected - found)


@dataclass
class Score:
    """One language's part, scored.

    Attributes:
        overall: over every (sentence, rule) pair.
        per_rule: per rule id (expected or found).
        per_kind: per sentence kind.
        exact: per kind, [sentences, sentences with exactly the expected ids].
        mistakes: ``file:line 'text': expected …, found …`` per wrong sentence.
        seconds: time to coach each sentence (one committed utterance).
        sentences: how many sentences.
    """

    overall: Tally = field(default_factory=Tally)
    per_rule: dict[str, Tally] = field(default_factory=dict)
    per_kind: dict[str, Tally] = field(default_factory=dict)
    exact: dict[str, list[int]] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    sentences: int = 0

    @property
    def precision(self) -> float:
        """Overall precision."""
        return self.overall.precision

    @property
    def recall(self) -> float:
        """Overall recall."""
        return self.overall.recall


def load_file(path: Path) -> list[Labelled]:
    """The labelled sentences of one file.

    Raises:
        LabelError: a line without 3 or 4 columns, an unknown kind, an entry
            before the ``# customer:`` line.
    """
    customer = ""
    items: list[Labelled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        if line.startswith("# customer:"):
            customer = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) not in (3, 4) or not all(c.strip() for c in cols):
            raise LabelError(f"{where}: expected 3 or 4 non-empty TAB-separated columns")
        expected, kind, text = cols[:3]
        if kind not in KINDS:
            raise LabelError(f"{where}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        opening = cols[3].strip() if len(cols) == 4 else customer
        if not opening:
            raise LabelError(f"{where}: no customer line (4th column or '# customer:' above)")
        ids = frozenset() if expected == "-" else frozenset(expected.split())
        items.append(Labelled(ids, kind, text.strip(), opening, where))
    return items


def load_part(language: str, part: str, *, without: str | None = None) -> list[Labelled]:
    """The labelled sentences of one language's ``dev`` or ``test`` part.

    ``without``: leave out that file (``<lang>.<without>.tsv``), to score on it held out.
    """
    items: list[Labelled] = []
    for stem in PARTS[part]:
        path = DATA / f"{language}.{stem}.tsv"
        if stem != without and path.is_file():
            items += load_file(path)
    return items


def found_rules(
    language: str,
    customer: str,
    text: str,
    book: RuleBook,
    words_model: PhraseWordsModel | bool | None = True,
) -> tuple[set[str], float, list[PhraseHit]]:
    """Rule ids flagged for ``text`` as the agent's first utterance; and the matching time.

    The time is that of the committed utterance only (``agent_words``), what
    the live overlay waits for. ``words_model``: True = the packaged learnt words
    model, False or None = patterns only, or a model to use instead.
    """
    analyser = PhraseAnalyser(language, book=book)
    if words_model is not True:
        analyser.words_model = words_model or None
    analyser.customer_words(words_from_text(customer, start=0.0))
    words = words_from_text(text, start=AGENT_START)
    started = time.perf_counter()
    events = analyser.agent_words(words)
    elapsed = time.perf_counter() - started
    events += analyser.finish(words[-1].end + 1.0)
    hits = [e for e in events if isinstance(e, PhraseHit)]
    found = {h.rule_id for h in hits}
    for check in book.rules:
        if check.kind == "summary_check" and check.id in found:
            found.discard(check.after)
    return found, elapsed, hits


def score(
    language: str,
    part: str,
    book: RuleBook | None = None,
    *,
    mistakes: bool = True,
    words_model: PhraseWordsModel | bool | None = True,
    items: list[Labelled] | None = None,
) -> Score:
    """Score the rules of ``language`` on one part of its labelled sentences.

    ``mistakes=False`` leaves the per-sentence mistakes out (the test part:
    its sentences are not looked at).
    """
    book = book or load_rules(language)
    items = load_part(language, part) if items is None else items
    result = Score(sentences=len(items))
    for item in items:
        found, elapsed, _hits = found_rules(language, item.customer, item.text, book, words_model)
        result.seconds.append(elapsed)
        result.overall.add(item.expected, found)
        result.per_kind.setdefault(item.kind, Tally()).add(item.expected, found)
        for rid in item.expected | found:
            result.per_rule.setdefault(rid, Tally()).add(item.expected & {rid}, found & {rid})
        exact = result.exact.setdefault(item.kind, [0, 0])
        exact[0] += 1
        exact[1] += found == item.expected
        if mistakes and found != item.expected:
            result.mistakes.append(
                f"{item.where} {item.text!r}: expected "
                f"{' '.join(sorted(item.expected)) or '-'}, found {' '.join(sorted(found)) or '-'}"
            )
    return result
