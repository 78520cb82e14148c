"""``belcoach emotion test``: how a customer sentence is read, and one clear line for bad input."""

from __future__ import annotations

import json

import pytest

from belcoach.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_negative_sentence_shows_label_valence_cues_step_and_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(
        capsys, "emotion", "test", "Ik ben niet boos, maar wel heel erg teleurgesteld."
    )
    assert code == 0 and not err
    assert "feeling (this sentence alone): gefrustreerd" in out
    assert "valence class: negative (of gefrustreerd)" in out
    assert "word valence: -" in out
    assert "negated by 'niet': does not count" in out  # "niet boos"
    assert "intensified by 'heel erg'" in out  # "heel erg teleurgesteld"
    assert "first utterance (no acknowledgement yet)" in out
    assert "step: erkennen" in out and "hint: Erken de frustratie" in out
    assert 'seed 000: "Vóór dat een klant' in out


def test_lexicon_words_show_their_negation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "emotion", "test", "-l", "en", "The new router is not bad.")
    assert code == 0
    assert "lexicon words:" in out and "bad" in out and "negated by 'not'" in out


def test_a_businesslike_sentence_gets_zakelijk_and_the_be_brief_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "emotion", "test", "-l", "sv", "Kort sagt: ja eller nej?")
    assert code == 0
    assert "feeling (this sentence alone): zakelijk" in out
    assert "valence class: neutral (of zakelijk)" in out
    assert "step: aanvoelen" in out  # nothing to acknowledge
    assert "hint: Kunden är saklig: kort och konkret" in out
    assert 'seed 000, 001: "Neutraal, zakelijk?" (000)' in out


def test_json_for_machines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "emotion", "test", "--json", "-l", "en", "Thank you so much, that was quick!"
    )
    assert code == 0
    data = json.loads(out)
    assert data["label"] == "tevreden" and data["valence_class"] == "positive"
    assert data["valence"] > 0 and 0 < data["confidence"] <= 1
    assert abs(sum(data["probabilities"].values()) - 1) < 0.01
    assert {c["cue"] for c in data["cues"]} >= {"thank you so much", "that was quick"}
    overlay = data["overlay"]
    assert overlay["step"] in ("aanvoelen", "leiden") and overlay["hint"]
    assert "no acknowledgement yet" in overlay["situation"]
    assert overlay["hint_source"]["quote"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["emotion", "test", ""], "the sentence is empty"),
        (["emotion", "test", "   \t  "], "the sentence is empty"),
        (["emotion", "test", "boos " * 1200], "the limit is 5,000"),
        (["emotion", "test", "-l", "de", "Ich bin sauer."], "the feeling cues know nl, sv, en"),
        (["emotion", "test", "😡😡😡"], "no letters"),
        (["emotion", "test", "?!  123"], "no letters"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and not out
    assert err.count("\n") == 1 and err.startswith("belcoach: error: emotion test: ")
    assert message in err and "Traceback" not in err
