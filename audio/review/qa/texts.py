"""The evidence notes of the QA checks in Dutch, English and Swedish (the card's language).

A Niet goed must be explainable from its evidence alone, so every note says
in plain words what happened at its moment; the quote beside it says what
was said.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("nl", "en", "sv")

_T: dict[str, tuple[str, str, str]] = {
    # key: (nl, en, sv)
    "no_agent_words": (
        "geen woorden van de medewerker in het transcript",
        "no words of the agent in the transcript",
        "inga ord från handläggaren i transkriptet",
    ),
    "opening_stock": (
        "standaardzin in de opening",
        "stock phrase in the opening",
        "standardfras i öppningen",
    ),
    "opening_no_intro": (
        "geen eigen naam genoemd in de eerste {s} s",
        "no own name given in the first {s} s",
        "inget eget namn i de första {s} s",
    ),
    "opening_no_company": (
        "geen bedrijf genoemd in de eerste {s} s",
        "no company named in the first {s} s",
        "inget företag nämnt i de första {s} s",
    ),
    "opening_intro": (
        "noemt naam en bedrijf, zonder standaardzin",
        "gives name and company, without a stock phrase",
        "säger namn och företag, utan standardfras",
    ),
    "inbound": (
        "de medewerker sprak eerst: inkomend gesprek",
        "the agent spoke first: an inbound call",
        "handläggaren talade först: inkommande samtal",
    ),
    "outbound": (
        "de klant nam op: uitgaand gesprek",
        "the customer answered: an outbound call",
        "kunden svarade: utgående samtal",
    ),
    "reason": (
        "noemt de reden van het bellen",
        "gives the reason for calling",
        "säger varför hen ringer",
    ),
    "time_first": (
        "vraagt of het uitkomt voordat de reden genoemd is",
        "asks whether it suits before giving the reason",
        "frågar om det passar innan anledningen är sagd",
    ),
    "no_reason": (
        "geen reden van bellen in de eerste {s} s",
        "no reason for calling in the first {s} s",
        "ingen anledning till samtalet under de första {s} s",
    ),
    "no_customer_name": (
        "de klant noemde geen naam",
        "the customer gave no name",
        "kunden sa inget namn",
    ),
    "customer_name": (
        "klant noemt zijn naam: {name}",
        "customer gives their name: {name}",
        "kunden säger sitt namn: {name}",
    ),
    "name_used": (
        "medewerker gebruikt de naam",
        "agent uses the name",
        "handläggaren använder namnet",
    ),
    "name_not_used": (
        "naam ({name}) daarna niet gebruikt",
        "name ({name}) not used after this",
        "namnet ({name}) används inte efter detta",
    ),
    "mono": (
        "één kanaal: door elkaar praten is niet te meten",
        "one channel only: over-talk cannot be measured",
        "bara en kanal: att prata i mun går inte att mäta",
    ),
    "no_customer_speech": (
        "de klant sprak niet",
        "the customer did not speak",
        "kunden talade inte",
    ),
    "overtalk": (
        "praat {s} s door de klant heen",
        "talks over the customer for {s} s",
        "pratar i mun på kunden i {s} s",
    ),
    "no_overtalk": (
        "nergens door de klant heen gepraat ({n} keer de klant aan het woord)",
        "never talked over the customer ({n} customer turns)",
        "pratade aldrig i mun på kunden ({n} repliker från kunden)",
    ),
    "no_rate": (
        "geen spreektempo gemeten",
        "no speaking rate measured",
        "inget taltempo uppmätt",
    ),
    "pace_share": (
        "{pct} % van de gemeten spraak binnen de norm ({lo}–{hi} {unit}); nodig: {min} %",
        "{pct} % of measured speech within the norm ({lo}–{hi} {unit}); needed: {min} %",
        "{pct} % av uppmätt tal inom normen ({lo}–{hi} {unit}); krävs: {min} %",
    ),
    "pace_fast": (
        "te snel: {value} {unit} over {s} s",
        "too fast: {value} {unit} over {s} s",
        "för snabbt: {value} {unit} under {s} s",
    ),
    "pace_slow": (
        "te langzaam: {value} {unit} over {s} s",
        "too slow: {value} {unit} over {s} s",
        "för långsamt: {value} {unit} under {s} s",
    ),
    "few_sentences": (
        "{n} zinnen binnen een beurt, minder dan {min}: niet te beoordelen",
        "{n} sentences within a turn, fewer than {min}: cannot be judged",
        "{n} meningar inom en replik, färre än {min}: kan inte bedömas",
    ),
    "pause_share": (
        "{p} van {n} zinnen gevolgd door een pauze ({pct} %; nodig: {min} %)",
        "{p} of {n} sentences followed by a pause ({pct} %; needed: {min} %)",
        "{p} av {n} meningar följs av en paus ({pct} %; krävs: {min} %)",
    ),
    "no_pause": (
        "geen pauze na deze zin ({gap} s tot het volgende woord)",
        "no pause after this sentence ({gap} s to the next word)",
        "ingen paus efter meningen ({gap} s till nästa ord)",
    ),
    "no_negative": (
        "geen negatief gevoel geschat bij de klant",
        "no negative feeling estimated for the customer",
        "ingen negativ känsla uppskattad hos kunden",
    ),
    "negative": (
        "klant klinkt {label} (schatting)",
        "customer sounds {label} (estimate)",
        "kunden låter {label} (uppskattning)",
    ),
    "lead_first": (
        "leidt naar een oplossing voordat het gevoel erkend is",
        "leads to a solution before acknowledging the feeling",
        "leder mot en lösning innan känslan är bekräftad",
    ),
    "acknowledge": (
        "erkent het gevoel",
        "acknowledges the feeling",
        "bekräftar känslan",
    ),
    "stock_ack": (
        "standaardzin: telt niet als erkenning",
        "stock phrase: does not count as acknowledgement",
        "standardfras: räknas inte som bekräftelse",
    ),
    "no_acknowledge": (
        "geen erkenning in de {s} s hierna",
        "no acknowledgement in the {s} s after this",
        "ingen bekräftelse under de följande {s} s",
    ),
    "avoid": (
        "zin uit de tabel 'wat niet te zeggen'",
        "phrase from the 'what not to say' table",
        "fras ur tabellen 'vad man inte ska säga'",
    ),
    "no_avoid": (
        "geen zin uit de tabel in {n} uitingen van de medewerker",
        "no phrase from the table in {n} agent utterances",
        "ingen fras ur tabellen i {n} repliker från handläggaren",
    ),
    "summary": (
        "samenvatting noemt wat, wanneer en wie",
        "summary names what, when and who",
        "sammanfattningen säger vad, när och vem",
    ),
    "summary_parts": (
        "samenvatting noemt niet: {parts}",
        "summary leaves out: {parts}",
        "sammanfattningen saknar: {parts}",
    ),
    "promise_no_summary": (
        "belofte gedaan, maar nergens samengevat",
        "a promise made, but no summary anywhere",
        "ett löfte gavs, men ingen sammanfattning",
    ),
    "nothing_agreed": (
        "geen belofte en geen samenvatting: niets afgesproken",
        "no promise and no summary: nothing agreed",
        "inget löfte och ingen sammanfattning: inget avtalat",
    ),
    "no_promise": (
        "geen beloftes gedaan",
        "no promises made",
        "inga löften gavs",
    ),
    "promise_when": (
        "belofte met een wanneer",
        "promise with a when",
        "löfte med ett när",
    ),
    "promise_summarised": (
        "belofte herhaald in de samenvatting",
        "promise repeated in the summary",
        "löftet upprepat i sammanfattningen",
    ),
    "promise_vague": (
        "belofte zonder wanneer en niet in een samenvatting",
        "promise without a when and not in a summary",
        "löfte utan när och inte i en sammanfattning",
    ),
    "close_stock": (
        "standaardzin in de afsluiting",
        "stock phrase in the close",
        "standardfras i avslutningen",
    ),
    "close_ok": (
        "afsluiting zonder standaardzin",
        "close without a stock phrase",
        "avslutning utan standardfras",
    ),
    "no_close": (
        "geen woorden van de medewerker in de laatste {s} s",
        "no words of the agent in the last {s} s",
        "inga ord från handläggaren under de sista {s} s",
    ),
}

_PARTS = {
    "what": ("wat", "what", "vad"),
    "when": ("wanneer", "when", "när"),
    "who": ("wie", "who", "vem"),
}


def _index(language: str) -> int:
    return LANGUAGES.index(language) if language in LANGUAGES else 1


def note(language: str, key: str, **values: Any) -> str:
    """The evidence note ``key`` in ``language`` (English for other languages)."""
    return _T[key][_index(language)].format(**values)


def part_name(language: str, part: str) -> str:
    """``what``/``when``/``who`` in ``language``."""
    return _PARTS[part][_index(language)]
