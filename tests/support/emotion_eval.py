"""Evaluation of the emotion estimate, shared by its tests and ``benchmarks/emotion.py``."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from belcoach.audio.analysis.emotion.fusion import FusionWeights, fuse
from belcoach.audio.analysis.emotion.text import TextScorer, tokens_from_text
from belcoach.audio.analysis.emotion.voice import CallerBaseline, VoiceReading, voice_features
from belcoach.audio.analysis.emotion.words_model import load_words_model
from belcoach.seeds.emotion_data import (
    LABELS,
    NEGATIVE_LABELS,
    VALENCE_CLASS,
    VALENCE_CLASSES,
    load_cues,
    load_lexicons,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "emotion"

PARTS = ("dev", "dev-author", "dev2", "dev3", "dev4", "test")
"""The labelled sets per language (``tests/data/emotion/<lang>.<part>.tsv``):

- ``dev``: fresh sentences written independently of the cue lists; tune on these;
- ``dev-author``: the old set written by the cue author (demo lines removed); tuned on;
- ``dev2``: more dev sentences, written after the test figures were measured, independently
  of the cue lists and the test parts; tuned on (the words model is trained on all dev);
- ``dev3``: more dev sentences for Swedish and English (84 each) and Dutch (42), mostly
  complaints said without a feeling word, committed before any tuning on them; tuned on;
- ``dev4``: Swedish (100) and English (140) sentences over the seven labels, mostly without a
  feeling word, written by a helper session that read only seed 000 and the dev part, committed
  before any tuning on them; tuned on (no Dutch file: a language without the file has none);
- ``test``: fresh sentences split off before any tuning; frozen, never tuned on.
"""


def labelled(language: str, part: str) -> list[tuple[str, str]]:
    """(label, utterance) pairs of one labelled set (see ``PARTS``)."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}: use one of {', '.join(PARTS)}")
    path = DATA / f"{language}.{part}.tsv"
    if part != "test" and not path.is_file():
        return []  # not every dev part exists in every language
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            assert label in LABELS, f"{path}: unknown label {label!r}"
            out.append((label, text.strip()))
    return out


@dataclass
class Scores:
    """Accuracy, per-label figures and confusion matrices of one evaluation."""

    pairs: list[tuple[str, str]] = field(default_factory=list)  # (truth, predicted)

    @property
    def accuracy(self) -> float:
        return sum(t == p for t, p in self.pairs) / len(self.pairs)

    @property
    def class_accuracy(self) -> float:
        """Valence class right (negative / neutral / positive; seeds.emotion_data)."""
        right = sum(VALENCE_CLASS[t] == VALENCE_CLASS[p] for t, p in self.pairs)
        return right / len(self.pairs)

    @property
    def polarity_accuracy(self) -> float:
        """Negative vs not negative right (the split that decides Erkennen)."""
        right = sum((t in NEGATIVE_LABELS) == (p in NEGATIVE_LABELS) for t, p in self.pairs)
        return right / len(self.pairs)

    def precision_recall(self, label: str) -> tuple[float, float]:
        tp = sum(t == p == label for t, p in self.pairs)
        predicted = sum(p == label for _, p in self.pairs)
        actual = sum(t == label for t, _ in self.pairs)
        return (tp / predicted if predicted else 0.0, tp / actual if actual else 0.0)

    def label_accuracy(self, label: str) -> float:
        """One-vs-rest accuracy: this label right where it is, and not said where it is not."""
        return sum((t == label) == (p == label) for t, p in self.pairs) / len(self.pairs)

    def report(self, title: str) -> str:
        n = len(self.pairs)
        lines = [
            f"{title}: accuracy {self.accuracy:.2f}, valence class {self.class_accuracy:.2f}"
            f", negative-vs-not {self.polarity_accuracy:.2f} (n={n})",
            f"  {'label':13s} precision recall accuracy  truth said right",
        ]
        truth = Counter(t for t, _ in self.pairs)
        said = Counter(p for _, p in self.pairs)
        right = Counter(t for t, p in self.pairs if t == p)
        for label in LABELS:
            p, r = self.precision_recall(label)
            lines.append(
                f"  {label:13s} {p:9.2f} {r:6.2f} {self.label_accuracy(label):8.2f} "
                f"{truth[label]:6d} {said[label]:4d} {right[label]:5d}"
            )
        classes = Counter((VALENCE_CLASS[t], VALENCE_CLASS[p]) for t, p in self.pairs)
        lines.append("  valence classes (rows truth, columns estimate): negative neutral positive")
        for c in VALENCE_CLASSES:
            row = " ".join(f"{classes[(c, q)]:8d}" for q in VALENCE_CLASSES)
            lines.append(f"  {c:47s}{row}")
        short = [label[:5] for label in LABELS]
        heads = " ".join(f"{s:>5s}" for s in short)
        lines.append(f"  labels (rows truth, columns estimate): {heads}")
        matrix = Counter(self.pairs)
        for label in LABELS:
            row = " ".join(f"{matrix[(label, q)]:5d}" for q in LABELS)
            lines.append(f"  {label:13s}{'':26s}{row}")
        return "\n".join(lines)


def argmax(probs: dict[str, float]) -> str:
    return max(LABELS, key=lambda k: probs[k])


def text_only(
    language: str,
    part: str,
    weights: FusionWeights | None = None,
    extra: Callable[[str], dict[str, float]] | None = None,
    misses: list[tuple[str, str, str]] | None = None,
    words_model: bool = True,
) -> Scores:
    """Classify every utterance of one set from its words alone (one utterance, no smoothing).

    Args:
        words_model: add the learnt words model (as the analyser does by default).
        misses: when given, (truth, estimate, utterance) of every wrong estimate is appended;
            refused for the frozen test part, whose sentences are not to be read while tuning.
    """
    if misses is not None and part == "test":
        raise ValueError("the test part is frozen: its misses are not listed")
    scorer = TextScorer(
        load_cues(language),
        load_lexicons(language),
        model=load_words_model(language) if words_model else None,
    )
    scores = Scores()
    for truth, text in labelled(language, part):
        reading = scorer.read(tokens_from_text(text))
        fused = fuse(
            reading,
            None,
            weights=weights or FusionWeights(),
            embeddings=extra(text) if extra else None,
        )
        guess = argmax(dict(fused.probs))
        scores.pairs.append((truth, guess))
        if misses is not None and guess != truth:
            misses.append((truth, guess, text))
    return scores


def generated_calls(render: Callable[[str, str], np.ndarray]) -> dict[str, Scores]:
    """Words-only, voice-only and fused estimates on the generated scenarios.

    Returns:
        ``{"text": ..., "voice": ..., "fused": ...}`` plus ``"<mode>/agree"`` and
        ``"<mode>/disagree"`` subsets.
    """
    from support.emotion_calls import BASELINE_TURNS, SCENARIOS

    scorer = TextScorer(load_cues("nl"), load_lexicons("nl"))
    weights = FusionWeights()
    out: dict[str, Scores] = {}
    base_audio = [render(text, "calm") for text in BASELINE_TURNS]
    for scenario in SCENARIOS:
        baseline = CallerBaseline(seconds=5.0)
        for audio in base_audio:
            features = voice_features(audio)
            assert features is not None
            baseline.read(features)
        features = voice_features(render(scenario.text, scenario.voice))
        assert features is not None
        voice: VoiceReading = baseline.read(features)
        text = scorer.read(tokens_from_text(scenario.text))
        guesses = {
            "text": fuse(text, None, weights=weights),
            "voice": fuse(None, voice, weights=weights),
            "fused": fuse(text, voice, weights=weights),
        }
        subset = "agree" if scenario.agree else "disagree"
        for mode, fused in guesses.items():
            pair = (scenario.truth, argmax(dict(fused.probs)))
            for key in (mode, f"{mode}/{subset}"):
                out.setdefault(key, Scores()).pairs.append(pair)
    return out


HIGH_AROUSAL = ("anger", "happiness", "fear")
LOW_AROUSAL = ("boredom", "sadness", "neutral")


def emodb_arousal(root: Path, *, limit_per_speaker: int | None = None) -> dict[str, object]:
    """Voice arousal on the German acted EmoDB, each speaker against their own neutral clips.

    A call's baseline is its start; EmoDB has no calls, so each speaker's neutral clips
    stand in for "the start of the call". Reports the AUC of high- (anger, happiness,
    fear) vs low-arousal (boredom, sadness, neutral) clips and the mean arousal per emotion.
    """
    import soundfile as sf
    import soxr

    rows = list(csv.DictReader((root / "labels.csv").open(encoding="utf-8")))
    by_speaker: dict[str, list[tuple[str, object]]] = {}
    audio_seconds = 0.0
    for row in rows:
        items = by_speaker.setdefault(row["speaker"], [])
        if limit_per_speaker is not None and len(items) >= limit_per_speaker:
            continue
        y, sr = sf.read(root / row["file"], dtype="float32")
        y = soxr.resample(y, sr, 16000).astype(np.float32)
        loud = np.flatnonzero(np.abs(y) > 0.01)  # the clips are padded with silence to 2 s
        if loud.size:
            y = y[loud[0] : loud[-1] + 1]
        audio_seconds += len(y) / 16000
        features = voice_features(y)
        if features is not None:
            items.append((row["emotion"], features))
    results: list[tuple[str, float]] = []
    for items in by_speaker.values():
        neutral = [f for e, f in items if e == "neutral"]
        if not neutral:
            continue
        baseline = CallerBaseline(seconds=sum(f.seconds for f in neutral) - 1e-6)  # type: ignore[attr-defined]
        for f in neutral:
            baseline.read(f)  # type: ignore[arg-type]
        for emotion, f in items:
            results.append((emotion, baseline.read(f).arousal))  # type: ignore[arg-type]
    hi = np.array([a for e, a in results if e in HIGH_AROUSAL])
    lo = np.array([a for e, a in results if e in LOW_AROUSAL])
    auc = float((hi[:, None] > lo[None, :]).mean() + 0.5 * (hi[:, None] == lo[None, :]).mean())
    means = {
        e: float(np.mean([a for x, a in results if x == e]))
        for e in sorted({e for e, _ in results})
    }
    return {
        "auc": auc,
        "n_high": len(hi),
        "n_low": len(lo),
        "mean_arousal": means,
        "audio_seconds": audio_seconds,
    }


def summary_lines(
    scores: dict[str, Scores], modes: Sequence[str] = ("text", "voice", "fused")
) -> list[str]:
    lines = []
    for mode in modes:
        parts = [f"{mode:6s} all {scores[mode].accuracy:.2f}"]
        for subset in ("agree", "disagree"):
            key = f"{mode}/{subset}"
            if key in scores:
                parts.append(f"{subset} {scores[key].accuracy:.2f} (n={len(scores[key].pairs)})")
        lines.append("  " + ", ".join(parts))
    return lines
