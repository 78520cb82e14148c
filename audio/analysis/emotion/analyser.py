"""The emotion analyser: an estimate of the customer's feeling per utterance, with the step.

Threads (see ``audio/engine/analysers.py``): ``on_frames`` and the ``SpeechRegion`` events come on
the engine thread; ``Transcript`` events come from the ASR worker. The customer's audio is
kept in a short buffer on the engine thread; when a customer speech region ends, its voice
is measured there (YIN pitch, loudness, rate; the optional ONNX model) and the reading is
stored under a lock. With ``use_voice`` off (setting ``emotion.voice``) no customer audio is
kept and nothing of the voice is measured: the feeling comes from the words alone. The
agent's audio is never kept or measured in any mode (the AI Act forbids reading the
emotions of employees from biometric data). When the region's words arrive, they are
scored and fused with that reading into one ``EmotionEstimate``. The agent's committed
words are checked for an acknowledgement of a negative feeling (seed 000, Erkennen), which
moves the step to leiden at once.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from belcoach.audio.analysis.emotion.config import EmotionConfig, to_seed_labels
from belcoach.audio.analysis.emotion.fusion import Fused, Smoother, fuse
from belcoach.audio.analysis.emotion.guidance import Guide, hint
from belcoach.audio.analysis.emotion.text import TextScorer, tokens_from_words
from belcoach.audio.analysis.emotion.voice import (
    CallerBaseline,
    VoiceFeatures,
    VoiceReading,
    voice_features,
)
from belcoach.audio.analysis.emotion.words_model import load_words_model
from belcoach.audio.engine.analysers import BaseAnalyser
from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.engine.vad import VadFrames
from belcoach.audio.events import Channel, EmotionEstimate, Event, SpeechRegion, Transcript
from belcoach.seeds.emotion_data import (
    EmotionBasis,
    EmotionLabel,
    EmotionStep,
    load_cues,
    load_lexicons,
)

log = logging.getLogger(__name__)


class Classifier(Protocol):
    """Something that gives seed-label probabilities for a text (the embedding layer)."""

    def classify(self, text: str, language: str) -> Mapping[str, float]:
        """Return label → probability for ``text``."""
        ...


class AudioModel(Protocol):
    """Something that gives its own label probabilities for 16 kHz mono audio
    (``belcoach.models.emotion_onnx.EmotionOnnxModel``)."""

    def predict(self, audio: np.ndarray) -> Mapping[str, float]:
        """Return model label → probability."""
        ...


@dataclass(frozen=True, slots=True)
class _RegionVoice:
    """What the voice of one customer speech region said."""

    start: float
    end: float
    features: VoiceFeatures | None
    reading: VoiceReading | None
    model: Mapping[str, float]


class EmotionAnalyser(BaseAnalyser):
    """Estimates how the customer seems to feel, per utterance, with seed 000's step.

    Args:
        language: the call's language (cues and hints; English cues for others).
        config: the settings.
        model: an optional acoustic emotion model (already loaded).
        classifier: an optional text classifier (the embedding layer).
    """

    def __init__(
        self,
        language: str,
        config: EmotionConfig | None = None,
        *,
        model: AudioModel | None = None,
        classifier: Classifier | None = None,
    ) -> None:
        self.config = config or EmotionConfig()
        self.language = language
        self._scorer = TextScorer(
            load_cues(language),
            load_lexicons(language),
            model=load_words_model(language) if self.config.words_model else None,
        )
        # the acoustic model hears the voice: it runs only when the voice may be used
        self._model = model if self.config.use_voice else None
        self._classifier = classifier
        self._baseline = CallerBaseline(seconds=self.config.baseline_seconds)
        self._smoother = Smoother(self.config.smoothing)
        self._guide = Guide(self.config.guidance)
        self._lock = threading.Lock()
        self._chunks: deque[tuple[float, np.ndarray]] = deque()
        self._regions: list[_RegionVoice] = []
        self._last: EmotionEstimate | None = None

    # -- engine thread -----------------------------------------------------------

    def on_frames(self, block: AudioBlock, frames: Mapping[Channel, VadFrames]) -> list[Event]:
        """Keep the last ``buffer_seconds`` of the customer's audio (only when the voice may
        be used; the agent's audio is never kept)."""
        if not self.config.use_voice:
            return []
        got = frames.get(Channel.CUSTOMER)
        if got is None or len(got.audio) == 0:
            return []
        self._chunks.append((got.t, got.audio))
        horizon = got.t + len(got.audio) / SAMPLE_RATE - self.config.buffer_seconds
        while self._chunks and self._chunks[0][0] + len(self._chunks[0][1]) / SAMPLE_RATE < horizon:
            self._chunks.popleft()
        return []

    def _audio(self, start: float, end: float) -> np.ndarray:
        parts = []
        for t0, audio in self._chunks:
            t1 = t0 + len(audio) / SAMPLE_RATE
            if t1 <= start or t0 >= end:
                continue
            a = max(0, round((start - t0) * SAMPLE_RATE))
            b = min(len(audio), round((end - t0) * SAMPLE_RATE))
            parts.append(audio[a:b])
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def _measure(self, region: SpeechRegion) -> None:
        audio = self._audio(region.t, region.end)
        features = voice_features(audio) if self.config.use_voice else None
        reading = self._baseline.read(features) if features is not None else None
        model: Mapping[str, float] = {}
        if self._model is not None and len(audio) >= SAMPLE_RATE // 4:
            model = to_seed_labels(self._model.predict(audio))
        with self._lock:
            self._regions.append(_RegionVoice(region.t, region.end, features, reading, model))
            del self._regions[:-20]

    # -- bus events (engine thread for regions, ASR worker for words) ----------------

    def on_event(self, event: Event) -> list[Event]:
        """Measure customer regions; estimate on customer words; watch the agent's words."""
        if not self.config.enabled:
            return []
        if isinstance(event, SpeechRegion) and event.channel is Channel.CUSTOMER:
            if self.config.use_voice:
                self._measure(event)
            return []
        if isinstance(event, Transcript) and event.final and event.words:
            if event.channel is Channel.CUSTOMER:
                return [self._estimate(event)]
            if event.channel is Channel.AGENT:
                return self._acknowledged(event)
        return []

    def _voice_for(self, start: float, end: float) -> _RegionVoice | None:
        """The measured region that overlaps the words most."""
        with self._lock:
            best, overlap = None, 0.0
            for region in self._regions:
                o = min(end, region.end) - max(start, region.start)
                if o > overlap:
                    best, overlap = region, o
            return best

    def _estimate(self, event: Transcript) -> EmotionEstimate:
        words = event.words
        start, end = words[0].start, words[-1].end
        tokens = tokens_from_words((w.text, w.probability) for w in words)
        text = self._scorer.read(tokens)
        region = self._voice_for(start, end)
        reading = region.reading if region is not None else None
        model = dict(region.model) if region is not None and region.model else None
        embeddings = None
        if self._classifier is not None:
            embeddings = dict(self._classifier.classify(event.text, self.language))
        fused = fuse(text, reading, weights=self.config.fusion, model=model, embeddings=embeddings)
        label, confidence = self._smoother.update(fused)
        step = self._guide.step_for(label, confidence, t=start)
        evidence = self._evidence(event, text_fused=fused, region=region, embeddings=embeddings)
        if step == EmotionStep.LEIDEN and self._guide.acknowledged is not None:
            ack = self._guide.acknowledged
            evidence["acknowledged"] = {"said": ack.said, "t": round(ack.t, 3), "label": ack.label}
        evidence["words_and_cues"] = {
            "cues": [
                {
                    "label": c.label,
                    "said": c.said,
                    "cue": c.phrase,
                    "weight": c.weight,
                    **({"negated": True} if c.negated else {}),
                }
                for c in text.cues
            ],
            "lexicon": [[w, v] for w, v in text.lexicon_words],
            "valence": round(text.valence, 3),
        }
        if text.model_probs:  # the learnt words model (words, like the cues)
            evidence["words_and_cues"]["words_model"] = {
                k: round(v, 3) for k, v in text.model_probs.items()
            }
        return self._publish(
            t=max(end, region.end if region is not None else end),
            label=label,
            confidence=confidence,
            step=step,
            utterance=event.utterance,
            evidence=evidence,
        )

    def _evidence(
        self,
        event: Transcript,
        *,
        text_fused: Fused,
        region: _RegionVoice | None,
        embeddings: Mapping[str, float] | None,
    ) -> dict[str, Any]:
        sources = ["words"]
        out: dict[str, Any] = {"text": event.text}
        if region is not None and region.features is not None and region.reading is not None:
            sources.append("voice")
            out["voice"] = {**region.features.to_json(), **region.reading.to_json()}
        if region is not None and region.model:
            sources.append("model")
            out["model"] = {k: round(v, 3) for k, v in region.model.items()}
        if embeddings:
            sources.append("embeddings")
            out["embeddings"] = {k: round(v, 3) for k, v in embeddings.items()}
        out["sources"] = sources
        out["basis"] = str(
            EmotionBasis.VOICE_AND_WORDS if self.config.use_voice else EmotionBasis.WORDS
        )
        out["scores"] = dict(text_fused.scores)
        out["utterance_probs"] = {k: round(v, 3) for k, v in text_fused.probs.items()}
        out["smoothed_probs"] = self._smoother.snapshot()
        return out

    def _acknowledged(self, event: Transcript) -> list[Event]:
        tokens = tokens_from_words((w.text, w.probability) for w in event.words)
        said = self._scorer.acknowledgement(tokens)
        if said is None:
            return []
        ack = self._guide.acknowledge(event.t, said)
        if ack is None or self._last is None:
            return []
        last = self._last
        evidence = dict(last.evidence)
        evidence["acknowledged"] = {"said": said, "t": round(event.t, 3), "label": ack.label}
        evidence["update"] = "acknowledged"  # not a new customer utterance: the step moved
        return [
            self._publish(
                t=event.words[-1].end,
                label=last.label,
                confidence=last.confidence,
                step=EmotionStep.LEIDEN,
                utterance=last.utterance,
                evidence=evidence,
            )
        ]

    def _publish(
        self,
        *,
        t: float,
        label: EmotionLabel,
        confidence: float,
        step: EmotionStep,
        utterance: int,
        evidence: dict[str, Any],
    ) -> EmotionEstimate:
        found = hint(step, label)
        evidence["hint_source"] = {"seed": found.source, "quote": found.quote}
        estimate = EmotionEstimate(
            t,
            Channel.CUSTOMER,
            label=label,
            confidence=round(confidence, 3),
            valence=round(self._smoother.valence, 3),
            arousal=round(self._smoother.arousal, 3),
            step=step,
            hint=found.text(self.language),
            changed=label
            != (self._last.label if self._last is not None else EmotionLabel.NEUTRAAL),
            utterance=utterance,
            evidence=evidence,
        )
        self._last = estimate
        return estimate
