"""Whisper's hallucinations never reach the transcript, the cards or the emotion estimate.

Scripted Whisper output here (these tests are about the filter's decisions);
``test_a_real_short_clip`` runs the real base model on real Dutch speech.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np
import pytest

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.engine.asr_worker import AsrWorker
from belcoach.audio.engine.hallucinations import (
    HallucinationConfig,
    HallucinationFilter,
    HallucinationPhrases,
    HeardSegment,
)
from belcoach.audio.engine.segmenter import Utterance
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber
from belcoach.audio.events import Channel, EmotionEstimate, Event, PhraseHit, Transcript, Word

NL = HallucinationFilter.for_language("nl")


def _segment(text: str, p: float = 0.9, *, no_speech: float = 0.01, ratio: float = 1.2):
    words = tuple(Word(w, 0.3 * i, 0.3 * i + 0.25, p) for i, w in enumerate(text.split()))
    return HeardSegment(text, words, no_speech, -0.3, ratio)


def _kept(filt: HallucinationFilter, *segments: HeardSegment, seconds: float = 3.0) -> str:
    return " ".join(w.text for w in filt.clean(list(segments), seconds).words)


@pytest.mark.parametrize(
    "text",
    [
        "MUZIEK.",
        "[Muziek]",
        "(applaus)",
        "♪ ♪",
        "Ondertiteling door TV Gelderland 2021",
        "Ondertiteld door de Amara.org gemeenschap",
        "Bedankt voor het kijken!",
        "Abonneer je op ons kanaal!",
    ],
)
def test_dutch_credits_and_sound_tags_are_dropped_whole(text: str) -> None:
    filt = HallucinationFilter.for_language("nl")
    cleaned = filt.clean([_segment(text)], 1.0)
    assert cleaned.words == () and cleaned.whole
    assert filt.utterances == 1


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "Textning: Stina Hedin www.btistudios.com"),
        ("sv", "Tack för att du tittade!"),
        ("en", "Thanks for watching!"),
        ("en", "Subtitles by the Amara.org community"),
        ("en", "[Music]"),
    ],
)
def test_swedish_and_english_credits_are_dropped(language: str, text: str) -> None:
    assert _kept(HallucinationFilter.for_language(language), _segment(text)) == ""


def test_only_the_hallucinated_end_of_an_utterance_goes() -> None:
    assert _kept(NL, _segment("Ja, dat klopt. Bedankt voor het kijken.")) == "Ja, dat klopt."
    assert _kept(NL, _segment("Ja dat klopt bedankt voor het kijken")) == "Ja dat klopt"
    assert _kept(NL, _segment("Dat klopt."), _segment("Ondertiteling door TV Gelderland")) == (
        "Dat klopt."
    )
    # piece by piece from the back
    assert _kept(NL, _segment("Prima. [muziek] Bedankt voor het kijken.")) == "Prima."


@pytest.mark.parametrize(
    "text",
    [
        "Moet je zien!",
        "Ik hoor alleen muziek.",
        "Muziek op de achtergrond, sorry.",
        "Ik wil me niet abonneren.",
        "Ondertiteling? Nee, dat heb ik niet.",
    ],
)
def test_real_speech_with_the_same_words_stays(text: str) -> None:
    assert _kept(NL, _segment(text)) == text


def test_what_people_could_say_goes_only_when_whisper_heard_little() -> None:
    sure = _segment("Dank u wel.", 0.9)
    assert _kept(NL, sure) == "Dank u wel."
    assert _kept(NL, _segment("Dank u wel.", 0.3)) == ""  # unsure words
    assert _kept(NL, _segment("Dank u wel.", 0.9, no_speech=0.5)) == ""  # little speech
    assert _kept(NL, sure, seconds=0.3) == ""  # 3 syllables in 0.3 s: not said
    assert _kept(NL, _segment("Oké. Tot de volgende keer.", 0.9)) == "Oké. Tot de volgende keer."


def test_repetition_loops_and_no_speech_segments_go() -> None:
    assert _kept(NL, _segment("ja ja ja ja ja ja ja ja", ratio=3.1)) == ""
    quiet = HeardSegment("Hallo.", (Word("Hallo.", 0, 0.4, 0.5),), 0.8, -1.4, 1.0)
    assert _kept(NL, quiet, _segment("Goedemiddag.")) == "Goedemiddag."


def test_the_thresholds_and_lists_are_data() -> None:
    phrases = HallucinationPhrases("xx")  # a language without a list
    assert _kept(HallucinationFilter(phrases), _segment("Muziek.")) == "Muziek."
    assert _kept(HallucinationFilter(phrases), _segment("[Muziek]")) == ""
    strict = HallucinationFilter(NL.phrases, HallucinationConfig(doubt_word_probability=0.95))
    assert _kept(strict, _segment("Dank u wel.", 0.9)) == ""


def test_the_log_says_why_and_how_long_never_what(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="belcoach.audio.engine.hallucinations")
    NL.clean([_segment("Ja klopt. Ondertiteling door Jan Jansen")], 3.0)
    assert "never_said, 4 words" in caplog.text
    for secret in ("Ja", "klopt", "Ondertiteling", "Jan", "Jansen"):
        assert secret not in caplog.text


class _Model:
    """``WhisperModel.transcribe`` answering with scripted segments (for ``policy=None``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: np.ndarray, **_options: object):
        words = [
            SimpleNamespace(word=f" {w}", start=0.3 * i, end=0.3 * i + 0.25, probability=0.9)
            for i, w in enumerate(self.text.split())
        ]
        seg = SimpleNamespace(
            text=f" {self.text}",
            words=words,
            no_speech_prob=0.02,
            avg_logprob=-0.2,
            compression_ratio=1.1,
        )
        return iter([seg]), SimpleNamespace(language="nl")


def _consumers(text: str, channel: Channel, *, phrases: HallucinationPhrases | None = None):
    """Run one utterance through the ASR worker into the default analysers."""
    filt = HallucinationFilter(phrases) if phrases is not None else None
    transcriber = WhisperTranscriber(
        _Model(text), DecodeOptions("nl"), hallucinations=filt, policy=None
    )
    # The grammar check for a lone "je" (phrases/agreement.py) is off: this is about
    # the hallucination filter, and "Abonneer je" is an imperative it does not know.
    analysers = default_analysers("nl", {"rules": {"single_word_agreement": False}})
    seen: list[Event] = []

    def publish(event: Event) -> None:
        seen.append(event)
        for analyser in analysers:
            for derived in analyser.on_event(event):
                publish(derived)

    worker = AsrWorker(transcriber, publish)
    worker.start()
    audio = np.zeros(32000, np.float32)
    worker.submit(Utterance(channel, 1, 1.0, audio, 2.8, True), block=True)
    worker.close(timeout=10)
    for analyser in analysers:
        seen += analyser.finish(4.0)
    return seen


def test_a_dropped_hallucination_reaches_no_transcript_card_or_emotion() -> None:
    # "Abonneer je ..." would raise the je card, "Bedankt voor het kijken" move the
    # customer's feeling: shown first with an empty list, then with the packaged one.
    raw_agent = _consumers(
        "Abonneer je op ons kanaal!", Channel.AGENT, phrases=HallucinationPhrases("nl")
    )
    assert any(isinstance(e, PhraseHit) for e in raw_agent)
    raw_customer = _consumers(
        "Bedankt voor het kijken!", Channel.CUSTOMER, phrases=HallucinationPhrases("nl")
    )
    assert any(isinstance(e, EmotionEstimate) for e in raw_customer)

    for text, channel in (
        ("Abonneer je op ons kanaal!", Channel.AGENT),
        ("Bedankt voor het kijken!", Channel.CUSTOMER),
    ):
        seen = _consumers(text, channel)
        assert not [e for e in seen if isinstance(e, Transcript | PhraseHit | EmotionEstimate)]


def _clip(path, seconds: float | None = None) -> np.ndarray:
    import soundfile as sf
    import soxr

    y, sr = sf.read(path, dtype="float32", always_2d=True)
    mono = soxr.resample(y.mean(axis=1), sr, 16000).astype(np.float32)
    mono = mono[: int(seconds * 16000)] if seconds else mono
    return mono * (0.9 / max(1e-6, float(np.abs(mono).max())))


@pytest.mark.whisper
@pytest.mark.parametrize(
    "relative",
    [
        "sound/atlantis/nl/sp-v-no0.ogg",  # "Moet je zien!", about 1 s of speech
        "music/rybky01.ogg",  # the game's music, no speech
    ],
)
def test_a_real_short_clip(base_model, relative: str, caplog: pytest.LogCaptureFixture) -> None:
    """Real Whisper base on real audio where it is known to invent text ("MUZIEK.").

    Whisper's words differ between CPUs, so this checks what holds for any of
    them: the filter only removes, what is left holds nothing from the lists,
    ``transcribe`` gives exactly that, and the log holds none of the words.
    """
    from support.fillets import require_fillets

    audio = _clip(require_fillets() / relative, seconds=8.0)
    caplog.set_level(logging.INFO, logger="belcoach.audio.engine.hallucinations")
    transcriber = WhisperTranscriber(base_model, DecodeOptions("nl"))
    heard = transcriber.decode(audio)
    cleaned = transcriber.hallucinations.clean(heard, len(audio) / 16000)
    words = [w for s in heard for w in s.words]
    it = iter(words)
    assert all(w in it for w in cleaned.words), "the filter only removes words"
    again = transcriber.hallucinations.clean([HeardSegment("", cleaned.words)], len(audio) / 16000)
    assert again.words == cleaned.words and not again.dropped
    assert transcriber.transcribe(audio) == list(cleaned.words)
    if " ".join(w.text for w in words).strip(" .!").lower() == "muziek":
        assert cleaned.whole
    logged = caplog.text.lower()
    assert not [w.text for w in words if len(w.text) > 3 and w.text.lower() in logged]
