"""The customer's feeling, estimated live (seed 000: aanvoelen, erkennen, leiden).

``build_emotion_analyser`` makes the analyser ``default_analysers`` runs; the parts are
``text`` (lexicons + cues), ``voice`` (pitch, loudness, rate vs the caller's own start),
``fusion`` (labels, confidence, smoothing), ``guidance`` (the step and hint), with an
optional ONNX acoustic model (``belcoach.models.emotion_onnx``) and an optional embedding
classifier (``embeddings``). Everything it says is an estimate.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from belcoach.audio.analysis.emotion.analyser import EmotionAnalyser
from belcoach.audio.analysis.emotion.config import EmotionConfig
from belcoach.core.overrides import apply_overrides

log = logging.getLogger(__name__)

__all__ = ["EmotionAnalyser", "EmotionConfig", "build_emotion_analyser"]


def build_emotion_analyser(
    language: str, settings: Mapping[str, Any] | None = None
) -> EmotionAnalyser | None:
    """Build the analyser from the ``[analysis.emotion]`` table, or None when disabled.

    Loads the optional ONNX model and embedding classifier when configured and available.

    Raises:
        ConfigError: an unknown setting or a wrong type.
        ModelUnavailableError: an explicitly configured ONNX model cannot be loaded.
    """
    config = apply_overrides(EmotionConfig(), settings or {}, prefix="analysis.emotion")
    if not config.enabled:
        return None
    from belcoach.models.emotion_onnx import EmotionOnnxModel, find_emotion_model

    model = None
    path = find_emotion_model(config.onnx_model) if config.use_voice else None
    if path is not None:
        model = EmotionOnnxModel(path)
    classifier = None
    if config.use_embeddings:
        from belcoach.audio.analysis.emotion.embeddings import load_classifier

        classifier = load_classifier()
    return EmotionAnalyser(language, config, model=model, classifier=classifier)
