"""Evaluation of the emotion estimate, shared by its tests and ``benchmarks/emotion.py``."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from belcoach.audio.emotion.fusion import FusionWeights, fuse
from belcoach.audio.emotion.text import TextScorer, tokens_from_text
from belcoach.audio.emotion.voice import CallerBaseline, VoiceReading, voice_features
from belcoach.seeds.emotion_data import LABELS, NEGATIVE_LABELS, load_cues, load_lexicons

DATA = Path(__file__).resolve().parents[1] / "audio" / "emotion" / "data"


def labelled(language: str) -> list[tuple[str, str]]:
    """(label, utterance) pairs of the labelled test set for ``language``."""
    path = DATA / f"labelled_{language}.tsv"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t", 1)
            assert label in LABELS, f"{path}: unknown label {label!r}"
            out.append((label, text))
    return out


@dataclass
class Scores:
    """Per-label precision/recall and the confusion matrix of one evaluation."""

    pairs: list[tuple[str, str]] = field(default_factory=list)  # (truth, predicted)

    @property
    def accuracy(self) -> float:
        return sum(t == p for t, p in self.pairs) / len(self.pairs)

    @property
    def polarity_accuracy(self) -> float:
        """Negative vs not negative right (the split that decides Erkennen)."""
        return sum((t in NEGATIVE_LABELS) == (p in NEGATIVE_LABELS) for t, p in self.pairs) / len(
            self.pairs
        )

    def precision_recall(self, label: str) -> tuple[float, float]:
        tp = sum(t == p == label for t, p in self.pairs)
        predicted = sum(p == label for _, p in self.pairs)
        actual = sum(t == label for t, _ in self.pairs)
        return (tp / predicted if predicted else 0.0, tp / actual if actual else 0.0)

    def report(self, title: str) -> str:
        lines = [
            f"{title}: accuracy {self.accuracy:.2f}, negative-vs-not {self.polarity_accuracy:.2f}"
            f" (n={len(self.pairs)})",
            f"  {'label':13s} precision recall  n",
        ]
        counts = Counter(t for t, _ in self.pairs)
        for label in LABELS:
            p, r = self.precision_recall(label)
            lines.append(f"  {label:13s} {p:9.2f} {r:6.2f} {counts[label]:3d}")
        short = [label[:5] for label in LABELS]
        lines.append(
            "  confusion (rows truth, columns estimate): " + " ".join(f"{s:>5s}" for s in short)
        )
        matrix = Counter(self.pairs)
        for label in LABELS:
            row = " ".join(f"{matrix[(label, p)]:5d}" for p in LABELS)
            lines.append(f"  {label:13s}{'':29s}{row}")
        return "\n".join(lines)


def argmax(probs: dict[str, float]) -> str:
    return max(LABELS, key=lambda k: probs[k])


def text_only(
    language: str,
    weights: FusionWeights | None = None,
    extra: Callable[[str], dict[str, float]] | None = None,
) -> Scores:
    """Classify every labelled utterance from its words alone (one utterance, no smoothing)."""
    scorer = TextScorer(load_cues(language), load_lexicons(language))
    scores = Scores()
    for truth, text in labelled(language):
        reading = scorer.read(tokens_from_text(text))
        fused = fuse(
            reading,
            None,
            weights=weights or FusionWeights(),
            embeddings=extra(text) if extra else None,
        )
        scores.pairs.append((truth, argmax(dict(fused.probs))))
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
