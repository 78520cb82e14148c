"""Seed 000's steps: aanvoelen while unsure, erkennen when clear, leiden once acknowledged."""

from __future__ import annotations

from belcoach.audio.analysis.emotion.guidance import GuidanceConfig, Guide, hint
from belcoach.seeds.emotion_data import LABELS


def test_unsure_then_clear_then_acknowledged() -> None:
    guide = Guide(GuidanceConfig(clear=0.45))
    assert guide.step_for("neutraal", 0.5, t=1.0) == "aanvoelen"
    assert guide.step_for("gefrustreerd", 0.35, t=5.0) == "aanvoelen"
    assert guide.step_for("gefrustreerd", 0.55, t=9.0) == "erkennen"
    ack = guide.acknowledge(12.0, "dat begrijp ik")
    assert ack is not None and ack.label == "gefrustreerd"
    assert guide.step_for("boos", 0.6, t=14.0) == "leiden"


def test_acknowledgement_before_any_negative_feeling_does_not_count() -> None:
    guide = Guide()
    guide.step_for("neutraal", 0.6, t=1.0)
    assert guide.acknowledge(3.0, "ik begrijp") is None
    assert guide.step_for("boos", 0.7, t=5.0) == "erkennen"


def test_acknowledgement_transcribed_before_the_customers_earlier_words() -> None:
    """Whisper can finish the agent's "het spijt me" before the customer's words before it."""
    guide = Guide()
    assert guide.acknowledge(30.0, "het spijt me") is None  # no episode known yet
    assert guide.step_for("boos", 0.7, t=27.0) == "leiden"  # the earlier words, negative


def test_a_calm_stretch_ends_the_episode_and_a_new_one_needs_acknowledging_again() -> None:
    guide = Guide(GuidanceConfig(clear=0.4, calm_utterances=2))
    guide.step_for("boos", 0.7, t=1.0)
    guide.acknowledge(2.0, "sorry")
    assert guide.step_for("neutraal", 0.5, t=3.0) == "leiden"
    assert guide.step_for("tevreden", 0.6, t=4.0) == "leiden"
    assert not guide.in_episode
    assert guide.step_for("angstig", 0.6, t=6.0) == "erkennen"


def test_hints_exist_for_every_step_label_and_language() -> None:
    for step in ("aanvoelen", "erkennen", "leiden"):
        for label in LABELS:
            for language in ("nl", "sv", "en", "de"):
                found = hint(step, label)
                assert found.text(language) and found.quote and found.source
    assert "erkennen" not in hint("erkennen", "boos").text("sv")
    assert hint("erkennen", "boos").text("nl").startswith("Eerst erkennen")


def test_a_businesslike_customer_needs_no_acknowledgement() -> None:
    """Seed 000's "Neutraal, zakelijk?": like neutraal, never erkennen; the hint says be brief."""
    guide = Guide()
    assert guide.step_for("zakelijk", 0.9, t=1.0) == "aanvoelen"
    assert not guide.in_episode
    found = hint("aanvoelen", "zakelijk")
    assert "kort en concreet" in found.text("nl") and "brief" in found.text("en")
    assert "Neutraal, zakelijk?" in found.quote and "001_" in found.source


def test_a_businesslike_stretch_ends_an_episode_like_a_neutral_one() -> None:
    guide = Guide(GuidanceConfig(clear=0.4, calm_utterances=2))
    guide.step_for("gefrustreerd", 0.7, t=1.0)
    guide.acknowledge(2.0, "dat begrijp ik")
    assert guide.step_for("zakelijk", 0.6, t=3.0) == "leiden"
    assert hint("leiden", "zakelijk").text("nl").startswith("Erkend, nu zakelijk")
    guide.step_for("zakelijk", 0.6, t=4.0)
    assert not guide.in_episode
