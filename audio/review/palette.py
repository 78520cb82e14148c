"""Colours shared by the replay window and the report, so both read the same way."""

from __future__ import annotations

from belcoach.seeds.emotion_data import EmotionLabel

TONES: dict[str, str] = {
    "agent": "#2b6cb0",
    "customer": "#2f855a",
    "overtalk": "#c53030",
    "pause": "#a0aec0",
    "after_sentence": "#718096",
    "dead_air": "#dd6b20",
    "avoid": "#c05621",
    "good": "#38a169",
    "rate": "#2b6cb0",
    "fast": "#c53030",
    "norm": "#c6f6d5",
    "note": "#6b46c1",
    "playhead": "#1a202c",
}
"""Colour per `Mark.tone` (and a few extras)."""

EMOTION_TONES: dict[str, str] = {
    EmotionLabel.BOOS: "#c53030",
    EmotionLabel.GEFRUSTREERD: "#dd6b20",
    EmotionLabel.ANGSTIG: "#805ad5",
    EmotionLabel.VERONGELIJKT: "#b83280",
    EmotionLabel.NEUTRAAL: "#a0aec0",
    EmotionLabel.ZAKELIJK: "#4a5568",
    EmotionLabel.TEVREDEN: "#38a169",
}
"""Colour per seed 000 emotion label."""


def tone_colour(tone: str, *, kind: str = "") -> str:
    """The colour for a mark's tone (over-talk marks are always red)."""
    if kind == "overtalk":
        return TONES["overtalk"]
    return TONES.get(tone) or EMOTION_TONES.get(tone) or "#718096"
