"""The feeling estimate from words on the frozen TEST parts of the labelled sets.

The sets (``tests/data/emotion/<lang>.{dev,test}.tsv``, typed customer sentences over seed
000's seven labels) were written independently of the cue lists and split before any
tuning; cues were tuned on the dev parts only (and on the cue author's old sets, now
``<lang>.dev-author.tsv``, and on dev2 and dev3), and the learnt words model
(``words_model``) is trained on dev, dev-author, dev2, dev3 and dev4 only
(``scripts/train_emotion_words.py``). Measured on TEST with benchmarks/emotion.py (words
only, one utterance, no smoothing), cues + words model, 2026-12-05 after the second round
of sv/en cues (before it: 0.85 / 0.94, 0.83 / 0.87, 0.73 / 0.84; cues alone now 0.66 /
0.77, 0.66 / 0.81, 0.70 / 0.86):

====  ===  ========  =====================
lang    n  accuracy  valence-class accuracy
====  ===  ========  =====================
nl    157  0.85      0.95
sv     70  0.84      0.90
en     70  0.77      0.89
====  ===  ========  =====================

nl and sv meet the 0.90 valence-class target; en misses it by one sentence. The floors sit
0.02 under the measured figures, so a regression fails; raise them when a change (tuned on
dev) lifts the test figures.
"""

from __future__ import annotations

import hashlib

import pytest

from belcoach.seeds.emotion_data import LABELS
from support.emotion_eval import DATA, PARTS, labelled, text_only

MEASURED = {  # language: (accuracy, valence-class accuracy) on TEST, benchmarks/emotion.py
    "nl": (0.85, 0.95),
    "sv": (0.87, 0.93),
    "en": (0.80, 0.87),
}
MARGIN = 0.02

FROZEN = {  # sha256 of the test parts as committed before tuning (ce02c46)
    "nl": "0466a6825353c05c0acd9c2ed16ff687d5b5397bfd0c0cdb89d49218c4b364f5",
    "sv": "805f598ca1eed625580071aaea0368e3fb59eb059f39eb5e6f0a7e28fe76ef72",
    "en": "438095909b1cc21fce758e27aaf182a0a355c555cdb6ac75d4550c4ea769ac71",
}

DEMO_WORDS = ("meterstand", "jaarafrekening", "de vries", "helder energie", "uitpraten")


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_the_test_parts_are_unchanged(language: str) -> None:
    data = (DATA / f"{language}.test.tsv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == FROZEN[language], "the test part is frozen"


def test_the_parts_have_the_promised_sizes_and_do_not_overlap() -> None:
    languages = ("nl", "sv", "en")
    sizes = {(lang, part): len(labelled(lang, part)) for lang in languages for part in PARTS}
    assert sizes[("nl", "test")] == 157 and sizes[("nl", "dev")] == 103
    for lang in ("sv", "en"):
        assert sizes[(lang, "test")] == 70 and sizes[(lang, "dev")] == 49
    for lang in ("nl", "sv", "en"):
        test = {text for _, text in labelled(lang, "test")}
        assert {label for label, _ in labelled(lang, "test")} == set(LABELS)
        for part in ("dev", "dev-author", "dev2", "dev3", "dev4"):
            shared = len(test & {text for _, text in labelled(lang, part)})
            assert not shared, f"{shared} {lang} {part} sentences are also in test"  # not quoted
        check = DATA / f"{lang}.check.tsv"  # sv, en: scripts/train_emotion_words.py --check
        if check.is_file():
            lines = check.read_text(encoding="utf-8").splitlines()
            said = {x.split("\t", 1)[1].strip() for x in lines if x and not x.startswith("#")}
            assert not test & said, f"{len(test & said)} {lang} check sentences are also in test"
        for _, text in labelled(lang, "dev-author"):
            assert not any(word in text.lower() for word in DEMO_WORDS), text  # a dev sentence


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_floors_on_the_frozen_test_part(language: str) -> None:
    scores = text_only(language, "test")
    accuracy, class_accuracy = MEASURED[language]
    report = scores.report(f"{language} test")
    assert scores.class_accuracy >= class_accuracy - MARGIN, report
    assert scores.accuracy >= accuracy - MARGIN, report
