"""What the phrase analyser remembers about a call: names, rules seen, an open summary.

Some coaching signals need more than one utterance:

- **the customer's name**: learnt from how the customer introduces themselves
  ("Met Anouk Jansen", pack ``[names] customer_intro``); the agent then
  uses it ("mevrouw Jansen", or "Anouk"). The agent's own name ("u spreekt
  met Daan") is learnt too, so it never counts as the customer's. A title
  with a capitalised word ("mevrouw Jansen") counts when the introduction
  was missed or gave only a first name; after "met Anouk Jansen", "mevrouw
  Bos" is somebody else;
- **rules seen**: ``not_after`` silences a rule once another has matched
  (no "je" warning after "mag ik je zeggen?"), ``max_per_call`` caps repeats;
- **the opening**: ``when = "opening"`` rules count only in the first
  ``opening_seconds`` after the agent first spoke;
- **a summary**: after a ``summary`` rule matches, the agent's next words
  (until the customer takes a real turn or ``summary_seconds`` pass) are
  checked for what / when / who.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from belcoach.audio.analysis.phrases.matcher import PhraseMatcher, Span
from belcoach.audio.analysis.phrases.tokens import Similarity, Token
from belcoach.seeds.loader import NameIntro, NameSettings
from belcoach.seeds.patterns import Variant
from belcoach.seeds.rule_schema import Rule

MAX_NAME_TOKENS = 4
"""A name is at most this many words ("Anne-Marie van der Berg" is four)."""


def _capitalised(token: Token) -> bool:
    first = token.original.lstrip("\"'“‘(«")[:1]
    return first.isupper()


def _abbreviation(token: Token) -> bool:
    """A short title written with a dot ("Mr.", "dhr."): the dot ends no clause."""
    text = token.original.strip()
    return text.endswith(".") and not text.endswith("..") and len(text.rstrip(".")) <= 4


def name_edits(name: str) -> int:
    """Letters a heard name may differ by: names are short, so stricter than phrases."""
    if len(name) <= 3:
        return 0
    return 1 if len(name) <= 7 else 2


@dataclass
class KnownName:
    """A person's name as heard, split for matching.

    Attributes:
        full: the name as transcribed ("Anouk de Wit").
        parts: its normalised words without particles ("peter", "vries").
    """

    full: str
    parts: tuple[str, ...]


class NameBook:
    """Learns names from introductions and finds the customer's name in the agent's words."""

    def __init__(self, settings: NameSettings, matcher: PhraseMatcher) -> None:
        self.settings = settings
        self.matcher = matcher
        self.customer: list[KnownName] = []
        self.agent: list[KnownName] = []
        self.addressed = ""
        """How the agent last addressed the customer by name ("mevrouw Jansen")."""
        for intro in (*settings.customer_intro, *settings.agent_intro):
            matcher.core.add(intro.variants)

    def learn(
        self, tokens: Sequence[Token], sim: Similarity, *, customer_side: bool
    ) -> KnownName | None:
        """Look for an introduction in one utterance; remember and return the name found."""
        intros = self.settings.customer_intro if customer_side else self.settings.agent_intro
        for intro in intros:
            found = self._introduced(intro, tokens, sim)
            if found is not None:
                book = self.customer if customer_side else self.agent
                if all(k.parts != found.parts for k in book):
                    book.append(found)
                return found
        return None

    def _introduced(
        self, intro: NameIntro, tokens: Sequence[Token], sim: Similarity
    ) -> KnownName | None:
        for variant in intro.variants:
            plain = Variant(variant.slots)  # anchors apply to the name
            for span in self.matcher.core.find([plain], tokens, sim, fuzzy=False):
                if intro.name_first:
                    stop = span.start
                    start = stop
                    while start > 0 and stop - start < MAX_NAME_TOKENS:
                        if tokens[start - 1].clause_end or not self._name_like(tokens[start - 1]):
                            break
                        start -= 1
                    if start == stop or (variant.at_start and not tokens[start].clause_start):
                        continue
                else:
                    if variant.at_start and not tokens[span.start].clause_start:
                        continue
                    start = stop = span.stop
                    while stop < len(tokens) and stop - start < MAX_NAME_TOKENS:
                        if not self._name_like(tokens[stop]):
                            break
                        stop += 1
                        if tokens[stop - 1].clause_end:
                            break
                name = self._clean(tokens[start:stop])
                if name is not None:
                    return name
        return None

    def _name_like(self, token: Token) -> bool:
        return token.text in self.settings.particles or (
            _capitalised(token) and token.text not in self.settings.not_names
        )

    def _clean(self, tokens: Sequence[Token]) -> KnownName | None:
        items = list(tokens)
        while items and items[-1].text in self.settings.particles:
            items.pop()  # "met Peter de" + a misheard word: drop the dangling particle
        parts = tuple(
            t.text for t in items if t.text not in self.settings.particles and len(t.text) >= 2
        )
        if not parts:
            return None
        shown: list[str] = []
        seen: set[int] = set()
        for t in items:  # tokens of one transcribed word share ``word``
            if t.word not in seen:
                seen.add(t.word)
                shown.append(t.original.strip(".,!?;:…\"'"))
        return KnownName(" ".join(shown), parts)

    def address(self) -> str:
        """The customer's name as a suggestion should say it, or ``""`` when unknown.

        The agent's own form wins ("mevrouw Jansen": it carries the right
        title); otherwise the name the customer introduced themselves with.
        """
        if self.addressed:
            return self.addressed
        return self.customer[-1].full if self.customer else ""

    def used(self, tokens: Sequence[Token]) -> Span | None:
        """Where the agent addresses the customer by name in this utterance, if anywhere."""
        titles = self.settings.titles
        for i, token in enumerate(tokens):
            if token.text in titles and (not token.clause_end or _abbreviation(token)):
                # "mevrouw De Wit", "Mr. Smith" — but not "Dank u, meneer. Uw rekening …"
                j = i + 1
                while (
                    j < len(tokens)
                    and tokens[j].text in self.settings.particles
                    and not tokens[j].clause_end
                ):
                    j += 1
                if j < len(tokens) and self._addressed_after_title(tokens[j]):
                    return _plain_span(i, j + 1)
            if (
                _capitalised(token)
                and token.text not in self.settings.not_names
                and self._is_customer(token.text)
                and not self._is_agent(token.text)
            ):
                start = i
                while start > 0 and tokens[start - 1].text in self.settings.particles:
                    start -= 1
                if start > 0 and tokens[start - 1].text in titles:
                    start -= 1
                return _plain_span(start, i + 1)
        return None

    def _addressed_after_title(self, token: Token) -> bool:
        """Whether the word after "mevrouw"/"Mr." is the customer's name.

        The customer's own name counts in any case ("mevrouw janssen" as the
        recogniser wrote it). Any other capitalised word counts too, unless the
        customer gave a first and last name: then "mevrouw Bos" is somebody
        else (the neighbour, when Anouk Jansen called).
        """
        if token.text in self.settings.not_names or self._is_agent(token.text):
            return False
        if self._is_customer(token.text):
            return True
        full_name_known = any(len(k.parts) >= 2 for k in self.customer)
        return _capitalised(token) and not full_name_known

    def _is_customer(self, word: str) -> bool:
        return any(_same_name(word, part) for k in self.customer for part in k.parts)

    def _is_agent(self, word: str) -> bool:
        return any(_same_name(word, part) for k in self.agent for part in k.parts)


def _same_name(heard: str, known: str) -> bool:
    if len(known) < 3:
        return False
    limit = name_edits(known)
    if len(known) == 4 and heard[:1] != known[:1]:
        limit = 0  # "Ana" is "Anna", but "Wim" is not "Tim"
    return Levenshtein.distance(heard, known, score_cutoff=limit) <= limit


def _plain_span(start: int, stop: int) -> Span:
    return Span(start, stop, Variant(()), 0)


@dataclass
class OpenSummary:
    """A summary in progress: which parts were heard so far.

    Attributes:
        rule: the ``summary_check`` rule that judges it.
        t: when the summary began (audio clock).
        utterance: the utterance it began in.
        words_end: end of the last agent word counted.
        parts: what/when/who heard so far.
        said: the summary's words so far, for the report.
    """

    rule: Rule
    t: float
    utterance: int
    words_end: float
    parts: set[str] = field(default_factory=set)
    said: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Parts not heard, in what/when/who order."""
        return [p.name for p in self.rule.parts if p.name not in self.parts]


@dataclass
class CallMemory:
    """Per-call state of the phrase analyser.

    Attributes:
        first_agent_t: when the agent first spoke (start of the opening).
        counts: hits so far per rule id (silent rules included).
        summary: the summary being checked, if any.
        unsure: rules matched only on words Whisper was unsure of (no card
            raised, not counted; they still silence the rules that name them).
    """

    first_agent_t: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    summary: OpenSummary | None = None
    unsure: set[str] = field(default_factory=set)

    def seen(self, rule_id: str) -> bool:
        """Whether ``rule_id`` matched earlier in the call (surely or not)."""
        return self.counts.get(rule_id, 0) > 0 or rule_id in self.unsure

    def count(self, rule_id: str) -> None:
        """Record one hit of ``rule_id``."""
        self.counts[rule_id] = self.counts.get(rule_id, 0) + 1
