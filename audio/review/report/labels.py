"""The report's words in Dutch, English and Swedish (the coach's language)."""

from __future__ import annotations

from belcoach.seeds.emotion_data import EmotionLabel

LANGUAGES = ("nl", "en", "sv")

_LABELS: dict[str, dict[str, str]] = {
    "title": {"nl": "Gespreksrapport", "en": "Call report", "sv": "Samtalsrapport"},
    "agent": {"nl": "Medewerker", "en": "Agent", "sv": "Handläggare"},
    "customer": {"nl": "Klant", "en": "Customer", "sv": "Kund"},
    "date": {"nl": "Datum", "en": "Date", "sv": "Datum"},
    "duration": {"nl": "Duur", "en": "Duration", "sv": "Längd"},
    "language": {"nl": "Taal", "en": "Language", "sv": "Språk"},
    "source": {"nl": "Bron", "en": "Source", "sv": "Källa"},
    "status": {"nl": "Status", "en": "Status", "sv": "Status"},
    "headline": {"nl": "Kerncijfers", "en": "Headline figures", "sv": "Nyckeltal"},
    "talk_listen": {"nl": "Praten / luisteren", "en": "Talk / listen", "sv": "Prata / lyssna"},
    "rate": {"nl": "Spreektempo", "en": "Speaking rate", "sv": "Taltempo"},
    "pauses": {
        "nl": "Pauzes tussen zinnen",
        "en": "Pauses between sentences",
        "sv": "Pauser mellan meningar",
    },
    "overtalk": {
        "nl": "Door de klant heen praten",
        "en": "Talking over the customer",
        "sv": "Prata i mun på kunden",
    },
    "phrases": {
        "nl": "Zinnen om te vermijden",
        "en": "Phrases to avoid",
        "sv": "Fraser att undvika",
    },
    "emotion": {
        "nl": "Gevoel van de klant (schatting)",
        "en": "Customer's feeling (estimate)",
        "sv": "Kundens känsla (uppskattning)",
    },
    "dead_air": {"nl": "Stilte op de lijn", "en": "Dead air", "sv": "Tystnad i luren"},
    "monologue": {"nl": "Langste monoloog", "en": "Longest monologue", "sv": "Längsta monolog"},
    "timeline": {
        "nl": "Verloop van het gesprek",
        "en": "The call over time",
        "sv": "Samtalet över tid",
    },
    "transcript": {"nl": "Transcript", "en": "Transcript", "sv": "Transkription"},
    "notes": {"nl": "Notities van de coach", "en": "Coach's notes", "sv": "Coachens anteckningar"},
    "no_notes": {"nl": "Nog geen notities.", "en": "No notes yet.", "sv": "Inga anteckningar än."},
    "tips": {
        "nl": "Tips die bij dit gesprek passen",
        "en": "Tips for this call",
        "sv": "Tips för det här samtalet",
    },
    "no_tips": {
        "nl": "Geen van de tips is op dit gesprek van toepassing.",
        "en": "None of the tips applies to this call.",
        "sv": "Inget av tipsen gäller det här samtalet.",
    },
    "said": {"nl": "Gezegd", "en": "Said", "sv": "Sagt"},
    "instead": {"nl": "Zeg liever", "en": "Say instead", "sv": "Säg hellre"},
    "why": {"nl": "Waarom", "en": "Why", "sv": "Varför"},
    "time": {"nl": "Tijd", "en": "Time", "sv": "Tid"},
    "seed": {"nl": "Bron", "en": "Source", "sv": "Källa"},
    "none_found": {"nl": "geen", "en": "none", "sv": "inga"},
    "not_measured": {"nl": "niet gemeten", "en": "not measured", "sv": "ej mätt"},
    "norm": {"nl": "norm", "en": "norm", "sv": "norm"},
    "fast_share": {
        "nl": "van de tijd te snel",
        "en": "of the time too fast",
        "sv": "av tiden för fort",
    },
    "by_agent": {"nl": "door de medewerker", "en": "by the agent", "sv": "av handläggaren"},
    "by_customer": {"nl": "door de klant", "en": "by the customer", "sv": "av kunden"},
    "followed_by_pause": {
        "nl": "gevolgd door een pauze",
        "en": "followed by a pause",
        "sv": "följda av en paus",
    },
    "times": {"nl": "keer", "en": "times", "sv": "gånger"},
    "at": {"nl": "om", "en": "at", "sv": "vid"},
    "total": {"nl": "totaal", "en": "total", "sv": "totalt"},
    "good_moments": {"nl": "Goede momenten", "en": "Good moments", "sv": "Bra stunder"},
    "qa_score": {
        "nl": "Goed van de items die van toepassing zijn",
        "en": "passed of the items that apply",
        "sv": "bra av de punkter som är aktuella",
    },
    "qa_item": {"nl": "Item", "en": "Item", "sv": "Punkt"},
    "qa_verdict": {"nl": "Oordeel", "en": "Verdict", "sv": "Bedömning"},
    "qa_evidence": {"nl": "Waarop het rust", "en": "Evidence", "sv": "Underlag"},
    "lane_speech": {"nl": "Spraak", "en": "Speech", "sv": "Tal"},
    "lane_overtalk": {"nl": "Overlap", "en": "Over-talk", "sv": "Överlapp"},
    "lane_pause": {"nl": "Pauze / stilte", "en": "Pause / dead air", "sv": "Paus / tystnad"},
    "lane_phrase": {"nl": "Zinnen", "en": "Phrases", "sv": "Fraser"},
    "lane_emotion": {"nl": "Gevoel", "en": "Feeling", "sv": "Känsla"},
    "rate_axis": {"nl": "Tempo medewerker", "en": "Agent's rate", "sv": "Handläggarens tempo"},
    "emotion_axis": {"nl": "Gevoel klant", "en": "Customer's feeling", "sv": "Kundens känsla"},
    "estimate_note": {
        "nl": "Alle cijfers zijn automatisch gemeten; het gevoel van de klant is een schatting. "
        "Luister zelf naar de momenten die ertoe doen.",
        "en": "All figures are measured automatically; the customer's feeling is an estimate. "
        "Listen to the moments that matter yourself.",
        "sv": "Alla siffror är automatiskt mätta; kundens känsla är en uppskattning. "
        "Lyssna själv på de stunder som spelar roll.",
    },
    "emotion_from_words": {
        "nl": "schatting uit woorden",
        "en": "estimate from words",
        "sv": "uppskattning från ord",
    },
    "emotion_from_voice_and_words": {
        "nl": "schatting uit stem en woorden",
        "en": "estimate from voice and words",
        "sv": "uppskattning från röst och ord",
    },
    "basis_regions": {
        "nl": "afgeleid uit spraakdetectie",
        "en": "derived from voice activity",
        "sv": "härlett från röstaktivitet",
    },
    "basis_words": {
        "nl": "afgeleid uit woordtijden",
        "en": "derived from word times",
        "sv": "härlett från ordtider",
    },
    "unfinished": {"nl": "(niet afgerond)", "en": "(unfinished)", "sv": "(ej avslutat)"},
    "status_complete": {"nl": "volledig", "en": "complete", "sv": "komplett"},
    "status_interrupted": {
        "nl": "afgebroken: de app stopte tijdens het gesprek",
        "en": "interrupted: the app stopped during the call",
        "sv": "avbrutet: appen stannade under samtalet",
    },
    "status_partial": {
        "nl": "gedeeltelijk: audio beschadigd",
        "en": "partial: audio damaged",
        "sv": "delvis: ljudet skadat",
    },
    "status_stopped": {"nl": "vroegtijdig gestopt", "en": "stopped early", "sv": "stoppat tidigt"},
    "status_recording": {"nl": "wordt opgenomen", "en": "being recorded", "sv": "spelas in"},
    "too_fast": {"nl": "te snel", "en": "too fast", "sv": "för fort"},
    "low_point": {"nl": "dieptepunt", "en": "low point", "sv": "lägsta punkt"},
    "page": {"nl": "Pagina", "en": "Page", "sv": "Sida"},
    "of": {"nl": "van", "en": "of", "sv": "av"},
}

EMOTIONS: dict[str, dict[str, str]] = {
    EmotionLabel.BOOS: {"nl": "boos", "en": "angry", "sv": "arg"},
    EmotionLabel.GEFRUSTREERD: {"nl": "gefrustreerd", "en": "frustrated", "sv": "frustrerad"},
    EmotionLabel.ANGSTIG: {"nl": "angstig", "en": "anxious", "sv": "orolig"},
    EmotionLabel.VERONGELIJKT: {"nl": "verongelijkt", "en": "aggrieved", "sv": "förorättad"},
    EmotionLabel.NEUTRAAL: {"nl": "neutraal", "en": "neutral", "sv": "neutral"},
    EmotionLabel.ZAKELIJK: {"nl": "zakelijk", "en": "businesslike", "sv": "saklig"},
    EmotionLabel.TEVREDEN: {"nl": "tevreden", "en": "satisfied", "sv": "nöjd"},
}


def report_language(language: str) -> str:
    """The report language for a call language or a user's choice (English otherwise)."""
    return language if language in LANGUAGES else "en"


def labels(language: str) -> dict[str, str]:
    """All labels in ``language`` (see `report_language`)."""
    lang = report_language(language)
    return {key: texts[lang] for key, texts in _LABELS.items()}


def emotion_name(label: str, language: str) -> str:
    """A seed 000 emotion id in the report's language."""
    return EMOTIONS.get(label, {}).get(report_language(language), label)
