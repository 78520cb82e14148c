"""Why the estimate reads a typed customer sentence the way it does (``belcoach emotion test``).

The sentence goes through the same ``EmotionAnalyser`` the overlay runs, as the first
customer utterance of a call (words as a perfect transcript, no voice, no acknowledgement
from the agent yet), so the step and the hint are the ones the overlay would show. Next to
that it keeps what the words alone say: the label of this one utterance, its probability,
the valence and its class, and the cues and lexicon words behind them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from belcoach.audio.analysis.emotion.analyser import EmotionAnalyser
from belcoach.audio.analysis.emotion.config import EmotionConfig
from belcoach.audio.analysis.emotion.fusion import fuse
from belcoach.audio.analysis.emotion.text import TextReading, TextScorer, tokens_from_text
from belcoach.audio.analysis.emotion.words_model import load_words_model
from belcoach.audio.events import Channel, EmotionEstimate, Transcript, Word
from belcoach.seeds.emotion_data import LABELS, load_cues, load_lexicons, valence_class

WORD_SECONDS = 0.3
"""Typed words get even times; they only matter for the order of events."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the estimate makes of one customer sentence, and why.

    Attributes:
        language: the cue language used.
        text: the sentence.
        label: the feeling this utterance alone points to (seed 000 label).
        confidence: its probability, 0..1.
        valence: -1..1 from the words.
        valence_class: ``negative``, ``neutral`` or ``positive`` (of ``label``).
        probs: label → probability for this utterance alone.
        reading: the cues and lexicon words behind it.
        overlay: the estimate the overlay would show after this sentence as the call's
            first customer utterance (smoothed from the start-of-call prior).
    """

    language: str
    text: str
    label: str
    confidence: float
    valence: float
    valence_class: str
    probs: Mapping[str, float]
    reading: TextReading
    overlay: EmotionEstimate

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``belcoach emotion test --json``)."""
        return {
            "language": self.language,
            "text": self.text,
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "valence": round(self.valence, 3),
            "valence_class": self.valence_class,
            "probabilities": {k: round(self.probs[k], 3) for k in LABELS},
            "cues": [
                {
                    "label": c.label,
                    "cue": c.phrase,
                    "said": c.said,
                    "weight": c.weight,
                    "negated_by": c.negator or None,
                    "intensifiers": list(c.intensifiers),
                    "counts": not c.negated,
                }
                for c in self.reading.cues
            ],
            "lexicon": [
                {
                    "word": h.word,
                    "lexicon_valence": h.base,
                    "contribution": h.value,
                    "source": h.source,
                    "negated_by": h.negator or None,
                    "intensifiers": list(h.intensifiers),
                }
                for h in self.reading.lexicon
            ],
            "overlay": {
                "situation": "first customer utterance of a call; no acknowledgement yet",
                "label": self.overlay.label,
                "valence_class": valence_class(self.overlay.label),
                "confidence": self.overlay.confidence,
                "step": self.overlay.step,
                "hint": self.overlay.hint,
                "hint_source": self.overlay.evidence.get("hint_source", {}),
            },
        }


def explain(text: str, language: str) -> Explanation:
    """Read one customer sentence as words alone and as the overlay's first estimate.

    Args:
        text: what the customer said (non-empty; the CLI checks the input).
        language: ``nl``, ``sv`` or ``en``.
    """
    config = EmotionConfig(use_voice=False, onnx_model="")
    scorer = TextScorer(
        load_cues(language), load_lexicons(language), model=load_words_model(language)
    )
    reading = scorer.read(tokens_from_text(text))
    fused = fuse(reading, None, weights=config.fusion)
    label = max(LABELS, key=lambda k: fused.probs[k])
    analyser = EmotionAnalyser(language, config)
    words = tuple(
        Word(w, i * WORD_SECONDS, (i + 1) * WORD_SECONDS - 0.05, 1.0)
        for i, w in enumerate(text.split())
    )
    event = Transcript(0.0, Channel.CUSTOMER, words=words, final=True, utterance=1)
    overlay = next(e for e in analyser.on_event(event) if isinstance(e, EmotionEstimate))
    return Explanation(
        language=language,
        text=text,
        label=label,
        confidence=fused.probs[label],
        valence=fused.valence,
        valence_class=valence_class(label),
        probs=dict(fused.probs),
        reading=reading,
        overlay=overlay,
    )
