"""The shared evaluation tools: text normalisation, WER and the Fish Fillets corpus.

Benchmarks report accuracy with these, so their numbers are only as right as
these functions; the WER values below are worked out by hand.
"""

from __future__ import annotations

import pytest
import soundfile as sf

from support.fillets import all_clips, fillets_clips, is_speech_text, require_fillets
from support.wer import normalize, word_error_rate


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Wacht… ik bel u om 12 uur terug!", "nl", "wacht ik bel u om twaalf uur terug"),
        ("“Heeft u alles kunnen vinden?”", "nl", "heeft u alles kunnen vinden"),
        ("Zo’n `klantreis' voor 's avonds", "nl", "zo'n klantreis voor 's avonds"),
        ("Fijne dag verder...", "nl", "fijne dag verder"),
        ("e-mail  en\tWhatsApp", "nl", "e mail en whatsapp"),
        ("Eén keer 2,5 kWh of 480 euro.", "nl", "een keer 2,5 kwh of 480 euro"),
        ("0 en 20, niet 21", "nl", "nul en twintig niet 21"),
        ("Det kostar 3 kronor, okej?", "sv", "det kostar tre kronor ok"),
        ("I'll call you at 7.", "en", "i'll call you at seven"),
        ("... — !?", "nl", ""),
    ],
)
def test_normalize(text: str, language: str, expected: str) -> None:
    assert normalize(text, language) == expected


def test_normalize_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="no number words"):
        normalize("hallo", "xx")


def test_wer_identical_after_normalisation_is_zero() -> None:
    refs = ["Ik weet het niet…", "Ik bel u om 9 uur terug."]
    hyps = ["ik weet het niet", "ik bel u om negen uur terug"]
    assert word_error_rate(refs, hyps, "nl") == 0.0


def test_wer_pools_edits_over_all_reference_words() -> None:
    # 1 substitution (waar -> wat) in 4 words; 1 deletion (dag) + 1 insertion (hoor) in 3 words.
    refs = ["Ik weet waar het", "fijne dag verder"]
    hyps = ["ik weet wat het", "fijne verder hoor"]
    assert word_error_rate(refs, hyps, "nl") == pytest.approx(3 / 7)


def test_wer_counts_insertions_for_an_empty_reference() -> None:
    assert word_error_rate(["welkom bij", ""], ["welkom bij", "eh ja"], "nl") == pytest.approx(1.0)


def test_wer_can_exceed_one() -> None:
    assert word_error_rate(["ja"], ["nee nee nee"], "nl") == pytest.approx(3.0)


def test_wer_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="references but"):
        word_error_rate(["a"], [], "nl")
    with pytest.raises(ValueError, match="no words"):
        word_error_rate(["..."], ["iets"], "nl")


@pytest.mark.parametrize(
    ("text", "speech"),
    [
        ("Wat is dit voor raar schip?", True),
        ("Hmm... dankjewel!", True),
        ("Au.", False),
        ("Grmbl...", False),
        ("Ssssst!", False),
        ("Soms moet je heeeeeeel ver vooruit denken.", False),
        ("", False),
        ("...", False),
    ],
)
def test_is_speech_text(text: str, speech: bool) -> None:
    assert is_speech_text(text) is speech


def test_fillets_maps_more_than_1000_clips_to_text() -> None:
    require_fillets()
    clips = fillets_clips()
    assert len(clips) > 1000
    assert all(c.text and c.duration >= 1.0 for c in clips)
    assert {c.speaker for c in clips} == {"small_fish", "big_fish"}
    # Dialog ids repeat across levels (rand-0-0, ...); the level directory tells them apart.
    by_id = {c.dialog_id: c for c in all_clips() if c.path.parts[-3] == "airplane"}
    # First line of the first level, checked by hand against dialogs_nl.lua.
    assert by_id["let-m-divna"].text == "Wat is dit voor raar schip?"
    assert by_id["let-m-divna"].path.parts[-3:] == ("airplane", "nl", "let-m-divna.ogg")
    # Lives under sound/share/borejokes/, reached through a dialogLoad prefix.
    assert any("borejokes" in c.path.parts for c in clips)
    assert len({c.path for c in all_clips()}) == len(all_clips())


def test_fillets_sample_is_deterministic_and_opens() -> None:
    require_fillets()
    sample = fillets_clips(5, seed=0)
    assert sample == fillets_clips(5, seed=0)
    assert sample != fillets_clips(5, seed=1)
    assert [c.path for c in sample] == sorted(c.path for c in sample)
    for clip in sample:
        info = sf.info(str(clip.path))
        assert info.samplerate > 0
        assert info.duration == pytest.approx(clip.duration)
        audio, _ = sf.read(str(clip.path), frames=4096)
        assert audio.any()
