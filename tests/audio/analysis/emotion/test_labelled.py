"""The feeling estimate from words on the frozen TEST parts of the labelled sets.

The sets (``tests/data/emotion/<lang>.{dev,test}.tsv``, typed customer sentences over seed
000's seven labels) were written independently of the cue lists and split before any
tuning; cues were tuned on the dev parts only (and on the cue author's old sets, now
``<lang>.dev-author.tsv``). Measured on TEST with benchmarks/emotion.py (words only, one
utterance, no smoothing):

====  ===  ========  =====================
lang    n  accuracy  valence-class accuracy
====  ===  ========  =====================
nl    157  0.66      0.77
sv     70  0.59      0.76
en     70  0.64      0.83
====  ===  ========  =====================

That misses the 0.90 valence-class target (dev reads 0.96-1.00: the cues fit the sentences
they were tuned on far better than new ones; most misses are negative turns without a cue,
read as neutral). The floors sit 0.02 under the measured figures, so a regression fails;
raise them when a change (tuned on dev) lifts the test figures.
"""

from __future__ import annotations

import hashlib

import pytest

from belcoach.seeds.emotion_data import LABELS
from support.emotion_eval import DATA, PARTS, labelled, text_only

MEASURED = {  # language: (accuracy, valence-class accuracy) on TEST, benchmarks/emotion.py
    "nl": (0.66, 0.77),
    "sv": (0.59, 0.76),
    "en": (0.64, 0.83),
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
        for part in ("dev", "dev-author"):
            shared = len(test & {text for _, text in labelled(lang, part)})
            assert not shared, f"{shared} {lang} {part} sentences are also in test"  # not quoted
        for _, text in labelled(lang, "dev-author"):
            assert not any(word in text.lower() for word in DEMO_WORDS), text  # a dev sentence


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_floors_on_the_frozen_test_part(language: str) -> None:
    scores = text_only(language, "test")
    accuracy, class_accuracy = MEASURED[language]
    report = scores.report(f"{language} test")
    assert scores.class_accuracy >= class_accuracy - MARGIN, report
    assert scores.accuracy >= accuracy - MARGIN, report
