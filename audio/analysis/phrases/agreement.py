"""Grammar that confirms a card carried by one pronoun ("je" in Dutch) on Whisper's words.

A rule that fires on one word has nothing else in the sentence that confirms
it, and for a pronoun the word probability does not help: Whisper base writes
a confident "je" where a speaker said "ze", "die", "hier" or a mumbled "ik"
(``benchmarks/real_cards.py``). The "je without asking" card then hangs on a
word nobody said. Dutch grammar marks the second person, though: as the
subject, "je"/"jij" agrees with its verb, and a misheard "je" usually does not
sit where the second person would. A lone pronoun on recognised words raises
a card only when one of these confirms it:

- inversion: a singular verb form opens the clause (or follows a question
  word or adverb) and "je" comes right after it: "Heb je ...", "Waarom wil je
  ...", "Zie je dat?". After a subject ("ik moet je", "het laat je") "je" is an
  object, which a misheard "ze" or "die" takes just as well, so that does not count;
- a conjunction or question word introduces it as the subject: "als je ...",
  "omdat je ...", "hoe je ...";
- it opens a clause with a verb that agrees with the second person: "je hebt",
  "je bent", "je kunt", "je weet", "je kan", "je had" (not the plural "je
  hebben", "je gaan" of a misheard "ze hebben", nor "je is", "je heeft" of a
  misheard "die is", "ze heeft", nor "je ben", "je heb" of a misheard "ik ben");
- another second-person word in the same utterance ("jouw", "jezelf", a
  second "je", "hebt", "bent", ...).

A verb right after the pronoun that cannot agree with it ("je hebben", "je
is") withholds the card even where the position would confirm it.

Typed text (probability 1, ``belcoach rules test``) is what was said and is
never judged: "Ik bel je terug" typed is a card, heard it needs the grammar.
The check never adds a card; an unconfirmed one is treated like a match on
unsure words (no card, the rule not used up). Word lists are closed and
small: common singular verb forms and conjunctions, not nouns. Languages
whose second person does not show in the verb (Swedish "du", English "you")
have no table; their one-word matches pass unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from belcoach.audio.analysis.phrases.tokens import Token
from belcoach.audio.analysis.phrases.variants import Span
from belcoach.audio.events import Word

TYPED = 1.0
"""The probability of typed words (``words_from_text``): they are never judged."""


@dataclass(frozen=True, slots=True)
class AgreementTable:
    """What confirms and what contradicts a second-person pronoun, for one language.

    Attributes:
        pronouns: the pronouns whose one-word matches are judged.
        second_person: other words that address the listener (a second
            pronoun, a second-person-only verb form).
        inverted: singular verb forms that take the pronoun right after them
            as subject when they open the clause ("heb je", "kun je").
        subjects: subject pronouns: a verb after one of them takes the
            pronoun as object, which confirms nothing.
        introducers: conjunctions and question words after which the pronoun
            is a subject ("als je", "hoe je").
        agreeing: verb forms that agree with the pronoun as subject, besides
            any word ending in ``-t`` ("je hebt", "je weet").
        disagreeing: verb forms that never follow the pronoun as subject
            (plural, third-person-only and first-person-only forms).
    """

    pronouns: frozenset[str]
    second_person: frozenset[str]
    inverted: frozenset[str]
    subjects: frozenset[str]
    introducers: frozenset[str]
    agreeing: frozenset[str]
    disagreeing: frozenset[str]


# fmt: off
DUTCH = AgreementTable(
    pronouns=frozenset({"je", "jij"}),
    second_person=frozenset({
        "je", "jij", "jou", "jouw", "jezelf", "jijzelf", "hebt", "bent", "kunt", "wilt", "zult",
    }),
    inverted=frozenset({
        "ben", "heb", "had", "was", "kun", "kan", "kon", "wil", "wou", "moet", "moest", "mag",
        "mocht", "zal", "zou", "hoef", "ga", "ging", "kom", "kwam", "doe", "deed", "weet", "wist",
        "zie", "zag", "vind", "vond", "denk", "dacht", "hoor", "snap", "begrijp", "bedoel",
        "ken", "krijg", "kreeg", "blijf", "sta", "zit", "woon", "bel", "belde", "neem", "maak",
        "geef", "zeg", "zei", "spreek", "werk", "betaal", "gebruik", "stuur", "vraag", "probeer",
        "voel", "hoop", "wens", "kijk", "lees", "merk", "heet", "wacht", "wilde", "kunt", "wilt",
    }),
    subjects=frozenset({
        "ik", "het", "hij", "zij", "ze", "we", "wij", "u", "men", "jullie", "je", "jij",
    }),
    introducers=frozenset({
        "als", "omdat", "wanneer", "terwijl", "zodat", "nadat", "voordat", "zodra", "tenzij",
        "hoewel", "indien", "of", "dat", "hoe", "wat", "waar", "waarom", "waarmee", "waarvoor",
        "waarover", "wie", "welke", "hoeveel", "zoals", "totdat", "sinds", "mits",
    }),
    agreeing=frozenset({
        "kan", "mag", "zal", "wil", "zou", "had", "was", "kon", "mocht", "moest", "wou", "ging",
        "kwam", "deed", "zag", "wist", "werd", "bleef", "kreeg", "nam", "gaf", "zei", "vond",
        "dacht", "liet", "stond", "zat", "lag", "bracht", "hoefde", "wilde", "belde", "zocht",
    }),
    disagreeing=frozenset({
        # plural present and past of the verbs a "ze"/"die" sentence opens with
        "zijn", "hebben", "gaan", "kunnen", "moeten", "willen", "zullen", "mogen", "komen",
        "doen", "staan", "zitten", "liggen", "worden", "blijven", "weten", "zien",
        "waren", "hadden", "gingen", "konden", "moesten", "wilden", "zouden", "mochten",
        "kwamen", "deden", "stonden", "zaten", "lagen", "werden", "bleven", "wisten", "zagen",
        # third person only ("je hebt", "je bent" are the second person)
        "is", "heeft",
        # first person only
        "ben", "heb",
    }),
)
# fmt: on

TABLES: dict[str, AgreementTable] = {"nl": DUTCH}

COORDINATORS = frozenset({"en", "maar", "want", "dus"})
"""Words after which a clause starts again ("maar je hebt"), in the tables' languages."""


@dataclass(frozen=True, slots=True)
class AgreementCheck:
    """Whether grammar confirms a one-pronoun match; see the module docstring.

    Attributes:
        table: the language's table, or None (every match is confirmed).
    """

    table: AgreementTable | None = None

    @classmethod
    def for_language(cls, language: str, *, enabled: bool = True) -> AgreementCheck:
        """The check for ``language`` (a no-op when disabled or the language has no table)."""
        return cls(TABLES.get(language) if enabled else None)

    def confirms(self, span: Span, tokens: Sequence[Token], words: Sequence[Word]) -> bool:
        """False when ``span`` hangs on one heard pronoun that grammar does not confirm."""
        table = self.table
        if table is None:
            return True
        carriers = span.carrier_tokens()
        if len(carriers) != 1:
            return True
        (i,) = carriers
        if tokens[i].text not in table.pronouns or words[tokens[i].word].probability >= TYPED:
            return True
        return confirmed(i, tokens, table)


def confirmed(i: int, tokens: Sequence[Token], table: AgreementTable) -> bool:
    """Whether the pronoun at token ``i`` is marked as the second person by its neighbours."""
    token = tokens[i]
    prev = tokens[i - 1] if i > 0 and not token.clause_start else None
    nxt = tokens[i + 1].text if i + 1 < len(tokens) and not token.clause_end else None
    if (
        prev is not None
        and prev.text in table.inverted
        and (prev.clause_start or tokens[i - 2].text not in table.subjects)
    ):
        return True  # "heb je", "waarom wil je"; after a subject ("ik moet je") it is an object
    if nxt in table.disagreeing:
        return False  # "je hebben", "je is": the verb is not the second person's
    if any(t.text in table.second_person for k, t in enumerate(tokens) if k != i):
        return True
    if nxt is None:
        return False
    if prev is not None and prev.text in table.introducers:
        return True
    opens = prev is None or prev.text in COORDINATORS
    return opens and (nxt in table.agreeing or (len(nxt) > 2 and nxt.endswith("t")))
