"""Phrase cards on real speech: what Whisper base's words raise against what the text raises.

Usage (Whisper runs once per clip; later runs only replay the cache):

    .venv/bin/python benchmarks/real_cards.py [--clips 400] [--cache out/real_cards.jsonl]

Audio: real, voice-acted Dutch from Debian's fillets-ng-data-nl, text from
fillets-ng-data (tests/support/fillets.py). Each clip is its own call with the
clip on the agent's side, run through ``belcoach analyze``'s path (VAD,
segmenter, Whisper base int8 beam 1, the hallucination filter, the default
analysers). A card counts per clip and rule: on the reference text (typed
words, probability 1) versus on Whisper's words.

``--whole`` decodes each clip as ``belcoach analyze`` and ``calls import`` do
by default (``model.offline_decoding = "whole"``: the side decoded in
Whisper's own windows, words handed to the engine's utterances by time,
audio/engine/channel_words.py); without it, utterance by utterance as a live
call is. The two keep separate caches.

Clips: a deterministic random sample of ``--clips`` usable clips, plus a
second set of clips whose text holds rule-relevant words ("ik weet het niet",
"wacht", "geen idee", "schiet op", ...), reported separately. Each clip goes
to dev (40 %) or test (60 %) by a hash of its name. The card gate's threshold
is picked on dev; test is reported once, with that threshold.

The game's dialogue is not a phone call: few rule phrases occur in it, nearly
all hits are the "je without asking" rule, and a precision over a handful of
hits is noisy; the counts are printed next to every figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from encoder import parse_policy  # noqa: E402

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, RulesConfig  # noqa: E402
from belcoach.audio.analysis.phrases.context import CallMemory, NameBook  # noqa: E402
from belcoach.audio.analysis.phrases.tokens import words_from_text  # noqa: E402
from belcoach.audio.engine.buckets import BucketPolicy  # noqa: E402
from belcoach.audio.engine.channel_words import ChannelTranscriber  # noqa: E402
from belcoach.audio.engine.hallucinations import HallucinationFilter  # noqa: E402
from belcoach.audio.engine.sources import open_call  # noqa: E402
from belcoach.audio.engine.transcriber import DecodeOptions  # noqa: E402
from belcoach.audio.engine.vad import SileroSession  # noqa: E402
from belcoach.audio.events import Channel, Event, PhraseHit, Transcript, Word  # noqa: E402
from belcoach.audio.jobs.run import ModelChoice, load_transcriber  # noqa: E402
from belcoach.seeds.loader import RuleBook, load_rules  # noqa: E402
from belcoach.seeds.patterns import normalise_words  # noqa: E402
from support.fillets import Clip, fillets_clips, fillets_root  # noqa: E402
from support.whisper_cache import (  # noqa: E402
    CachedTranscriber,
    Pass,
    RecordingTranscriber,
    agent_call,
    load_cache,
    run_agent_call,
    save_clip,
)

DEV_SHARE = 40
"""Percent of clips (by hash of the clip's name) in the dev part; the rest is test."""

RULE_WORDS = re.compile(
    r"\b(weet (het|ik) niet|weet niet|geen idee|wacht|schiet op|opschieten|momentje|geen tijd|"
    r"mijn schuld|gelijk|ongelijk|stoor|vervelend|welkom|fijne dag|luister|overdrijf|"
    r"stel je niet aan|kan me niet schelen|zit ernaast|vergis)",
    re.IGNORECASE,
)
"""Words in the reference text that make a clip part of the rule-relevant second set."""


def clip_name(clip: Clip) -> str:
    """The clip's path under the game data: unique (dialog ids repeat across levels)."""
    return str(clip.path.relative_to(fillets_root()))


def part_of(name: str) -> str:
    """``dev`` or ``test``, fixed by the clip's name."""
    return "dev" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 100 < DEV_SHARE else "test"


def select(n: int, seed: int) -> tuple[list[Clip], list[Clip]]:
    """The random sample and the rule-relevant set (without clips already in the sample)."""
    sample = fillets_clips(limit=n, seed=seed)
    taken = {c.path for c in sample}
    relevant = [c for c in fillets_clips() if RULE_WORDS.search(c.text) and c.path not in taken]
    return sample, relevant


def transcribe_missing(
    clips: list[Clip], cache: Path, *, windows: BucketPolicy | None = None
) -> None:
    """Run the analyze path with real Whisper on every clip not yet cached (one at a time)."""
    done = load_cache(cache)
    todo = [c for c in clips if clip_name(c) not in done]
    if not todo:
        return
    whisper = load_transcriber(ModelChoice("base", beam_size=1), "nl")
    if windows is not None:
        whisper = whisper.with_policy(windows)
    vad = SileroSession()
    started = time.perf_counter()
    audio = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "call.wav"
        for i, clip in enumerate(todo, 1):
            seconds = agent_call(clip.path, wav)
            recorder = RecordingTranscriber(whisper)
            t0 = time.perf_counter()
            run_agent_call(wav, recorder, vad_session=vad)
            save_clip(cache, clip_name(clip), recorder.store, wall=time.perf_counter() - t0)
            audio += seconds
            _progress("whisper", i, len(todo), audio, started)


def _progress(label: str, done: int, total: int, audio: float, started: float) -> None:
    """Every 20 clips and at the end: clips done, audio and real-time factor so far."""
    if done % 20 and done != total:
        return
    wall = time.perf_counter() - started
    print(
        f"{label}: {done}/{total} clips, {audio:.0f} s audio in {wall:.0f} s "
        f"(RTF {wall / audio:.2f})",
        file=sys.stderr,
        flush=True,
    )


GATE_OFF = {"rules": {"min_word_probability": 0.0, "single_word_agreement": False}}
"""Analysis settings with the card gate off: the sweep applies it to the committed words."""


def transcribe_whole_missing(clips: list[Clip], cache: Path) -> None:
    """Run ``analyze``'s whole-side decoding on every clip not yet cached; keep its finals.

    The cache line holds the committed words per utterance and the cards the
    engine raised with the gate off, so scoring replays no audio.
    """
    done = {item["clip"] for item in _whole_lines(cache)}
    todo = [c for c in clips if clip_name(c) not in done]
    if not todo:
        return
    whisper = load_transcriber(ModelChoice("base", beam_size=1), "nl")
    vad = SileroSession()
    started = time.perf_counter()
    audio = 0.0
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "call.wav"
        for i, clip in enumerate(todo, 1):
            seconds = agent_call(clip.path, wav)
            sides = ChannelTranscriber(whisper, lambda stop: open_call(wav).blocks(stop))
            t0 = time.perf_counter()
            try:
                events = run_agent_call(wav, sides, analysis_settings=GATE_OFF, vad_session=vad)
            finally:
                sides.close()
            finals = [e for e in events if isinstance(e, Transcript) and e.final]
            item = {
                "clip": clip_name(clip),
                "wall": time.perf_counter() - t0,
                "t_end": seconds,
                "cards": sorted(_cards(events)),
                "finals": [
                    [f.t, [[w.text, w.start, w.end, w.probability] for w in f.words]]
                    for f in finals
                ],
            }
            with cache.open("a", encoding="utf-8") as out:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
            audio += seconds
            _progress("whisper (whole)", i, len(todo), audio, started)


def _whole_lines(cache: Path) -> list[dict]:
    if not cache.is_file():
        return []
    lines = cache.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Replayed:
    """One clip after the engine replayed its cached Whisper output."""

    clip: Clip
    name: str
    part: str
    finals: list[Transcript]
    passes: list[Pass]
    engine_cards: set[str]
    reference: set[str]
    t_end: float
    misses: int = 0


def _cards(events: list[Event]) -> set[str]:
    return {e.rule_id for e in events if isinstance(e, PhraseHit)}


_ANALYSERS: dict[RulesConfig, PhraseAnalyser] = {}


def fresh_analyser(book: RuleBook, config: RulesConfig | None = None) -> PhraseAnalyser:
    """A phrase analyser as at the start of a call.

    Building the matcher takes ~50 ms and a sweep needs thousands, so one
    analyser per config is kept and its per-call state (memory, names) renewed.
    """
    config = config or RulesConfig()
    analyser = _ANALYSERS.get(config)
    if analyser is None or analyser.book is not book:
        analyser = _ANALYSERS[config] = PhraseAnalyser("nl", config, book=book)
    analyser.memory = CallMemory()
    analyser.names = NameBook(book.names, analyser.matcher)
    return analyser


def reference_cards(text: str, book: RuleBook) -> set[str]:
    """The cards the matcher raises on the clip's text typed in (probability 1)."""
    analyser = fresh_analyser(book)
    return _cards(analyser.agent_words(words_from_text(text)) + analyser.finish(1e9))


def whisper_cards(run: Replayed, book: RuleBook, config: RulesConfig) -> set[str]:
    """The cards a fresh phrase analyser with ``config`` raises on the clip's committed words."""
    analyser = fresh_analyser(book, config)
    events: list[Event] = []
    for final in run.finals:
        events += analyser.on_event(final)
    return _cards(events + analyser.finish(run.t_end))


def replay(clips: list[Clip], cache: Path, book: RuleBook) -> list[Replayed]:
    """Run the analyze path over every clip again, Whisper's output taken from the cache."""
    store = load_cache(cache)
    options = DecodeOptions(language="nl", beam_size=1)
    vad = SileroSession()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "call.wav"
        for clip in clips:
            name = clip_name(clip)
            cached = CachedTranscriber(
                store.get(name, {}), HallucinationFilter.for_language("nl"), options
            )
            t_end = agent_call(clip.path, wav)
            # the gate off here: the sweep below applies it to the same committed words
            events = run_agent_call(
                wav,
                cached,
                analysis_settings=GATE_OFF,
                vad_session=vad,
            )
            finals = [e for e in events if isinstance(e, Transcript) and e.final]
            out.append(
                Replayed(
                    clip,
                    name,
                    part_of(name),
                    finals,
                    cached.passes,
                    _cards(events),
                    reference_cards(clip.text, book),
                    t_end,
                    cached.misses,
                )
            )
    return out


def replay_whole(clips: list[Clip], cache: Path, book: RuleBook) -> list[Replayed]:
    """The clips' cached whole-side finals, ready to score (no audio read)."""
    store = {item["clip"]: item for item in _whole_lines(cache)}
    out = []
    for clip in clips:
        name = clip_name(clip)
        item = store.get(name)
        finals = [
            Transcript(
                t=t,
                channel=Channel.AGENT,
                words=tuple(Word(*w) for w in words),
                final=True,
                utterance=i,
            )
            for i, (t, words) in enumerate(item["finals"] if item else [])
        ]
        cards = set(item["cards"]) if item else set()
        t_end = item["t_end"] if item else 0.0
        reference = reference_cards(clip.text, book)
        out.append(Replayed(clip, name, part_of(name), finals, [], cards, reference, t_end))
        out[-1].misses = 0 if item else 1
    return out


@dataclass
class Score:
    """Cards counted per rule: true positives, false positives, false negatives."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    clips: int = 0

    def add(self, heard: set[str], truth: set[str]) -> None:
        """Count one clip."""
        self.clips += 1
        for rule in heard & truth:
            self.tp[rule] += 1
        for rule in heard - truth:
            self.fp[rule] += 1
        for rule in truth - heard:
            self.fn[rule] += 1

    def pr(self, rule: str | None = None) -> tuple[float, float, int, int, int]:
        """Precision, recall, TP, FP, FN (over every rule when ``rule`` is None)."""
        pick = (lambda c: c[rule]) if rule else (lambda c: sum(c.values()))
        tp, fp, fn = pick(self.tp), pick(self.fp), pick(self.fn)
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        return p, r, tp, fp, fn

    def line(self, rule: str | None = None) -> str:
        """``P 0.93 R 0.80 (TP 40, FP 3, FN 10)``."""
        p, r, tp, fp, fn = self.pr(rule)
        return f"P {p:.2f} R {r:.2f} (TP {tp}, FP {fp}, FN {fn})"


def score(runs: list[Replayed], book: RuleBook, config: RulesConfig) -> Score:
    """Score the clips' Whisper cards under ``config`` against their reference cards."""
    result = Score()
    for run in runs:
        result.add(whisper_cards(run, book, config), run.reference)
    return result


def per_rule(title: str, result: Score) -> None:
    """Print overall and per-rule precision and recall."""
    print(f"{title}: {result.clips} clips, {result.line()}")
    rules = sorted(set(result.tp) | set(result.fp) | set(result.fn))
    for rule in rules:
        print(f"    {rule:<28} {result.line(rule)}")


def hits(run: Replayed, book: RuleBook, config: RulesConfig) -> list[PhraseHit]:
    """The phrase hits (cards) of one clip's committed words under ``config``."""
    analyser = fresh_analyser(book, config)
    events: list[Event] = []
    for final in run.finals:
        events += analyser.on_event(final)
    return [e for e in events + analyser.finish(run.t_end) if isinstance(e, PhraseHit)]


def mistakes(runs: list[Replayed], book: RuleBook, config: RulesConfig, title: str) -> None:
    """Each card that is right or wrong on Whisper's words, with its words' probabilities.

    Shows whether the words the meaning hangs on (the pack's exact words:
    "niet", "je", ...) need a bar of their own: ``exact`` is the lowest
    probability among them, ``other`` among the rest of the card's words.
    """
    exact_words = book.matching.exact_words
    print(f"{title}: every card on Whisper's words (+ right, - wrong), lowest word probability")
    for run in runs:
        for hit in hits(run, book, config):
            exact = [w.probability for w in hit.words if _norm(w.text) in exact_words]
            other = [w.probability for w in hit.words if _norm(w.text) not in exact_words]
            mark = "+" if hit.rule_id in run.reference else "-"
            print(
                f"  {mark} {hit.rule_id:<24} exact {_low(exact)} other {_low(other)}  "
                f"heard {' '.join(f.text for f in run.finals)!r}  said {run.clip.text!r}"
            )
        for rule in sorted(run.reference - whisper_cards(run, book, config)):
            print(
                f"  . {rule:<24} missed               "
                f"heard {' '.join(f.text for f in run.finals)!r}  said {run.clip.text!r}"
            )


def _norm(text: str) -> str:
    return " ".join(normalise_words(text))


def _low(values: list[float]) -> str:
    return f"{min(values):.2f}" if values else "  - "


OFF = RulesConfig(min_word_probability=0.0, single_word_agreement=False)
"""No card gate at all: neither word probability nor grammar."""

GATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TARGET_PRECISION = 0.90


def choose(dev: list[Replayed], book: RuleBook) -> RulesConfig:
    """Sweep the gate on dev; the setting with the best recall at precision >= 0.90.

    Ties go to the lower threshold (fewer real cards lost on other speech);
    when none reaches the target, the one with the best F0.5 (precision
    weighed twice as much as recall: a card that hangs on nothing is worse
    than a card missed, but a gate that lets nothing through helps nobody).
    """
    print(f"card gate on dev ({len(dev)} clips): precision / recall by threshold")
    print("    (neighbours: words on each side that a one-word match is judged with too;")
    print("     grammar: a lone heard pronoun needs grammar to confirm it, phrases/agreement.py)")
    rows = []
    for agreement in (False, True):
        for neighbours in (0, 1):
            for basis in ("min", "mean"):
                for gate in GATES:
                    config = RulesConfig(
                        min_word_probability=gate,
                        word_probability_basis=basis,
                        single_word_neighbours=neighbours,
                        single_word_agreement=agreement,
                    )
                    result = score(dev, book, config)
                    p, r, *_ = result.pr()
                    rows.append((config, p, r))
                    print(
                        f"    {basis:<4} >= {gate:.1f}, neighbours {neighbours}, "
                        f"grammar {'on ' if agreement else 'off'}: {result.line()}"
                    )
    ok = [row for row in rows if row[1] >= TARGET_PRECISION]
    if ok:
        best = max(ok, key=lambda row: (row[2], row[1], -row[0].min_word_probability))
    else:
        best = max(rows, key=lambda row: (_f(0.5, row[1], row[2]), -row[0].min_word_probability))
    return best[0]


def _f(beta: float, p: float, r: float) -> float:
    """F-beta; beta 0.5 weighs precision twice as much as recall."""
    if not p + r or p != p or r != r:
        return 0.0
    return (1 + beta**2) * p * r / (beta**2 * p + r)


def hallucinations(runs: list[Replayed], book: RuleBook) -> None:
    """What the hallucination filter dropped, and which cards it kept from being raised."""
    passes = [p for run in runs for p in run.passes]
    whole = sum(1 for p in passes if p.cleaned.whole)
    tails = sum(1 for p in passes if p.cleaned.dropped and not p.cleaned.whole)
    reasons = Counter(d.reason for p in passes for d in p.cleaned.dropped)
    print(
        f"hallucination filter: {len(passes)} committed utterances, {whole} dropped whole, "
        f"{tails} cut at the end; pieces by reason: {dict(reasons)}"
    )
    for run in runs:
        for p in run.passes:
            if p.cleaned.dropped:
                heard = " ".join(w.text for s in p.heard for w in s.words)
                print(f"    {p.seconds:4.1f} s  heard {heard!r}  said {run.clip.text!r}")
    prevented = Counter()
    off = OFF  # the filter's own effect, gate off
    for run in runs:
        analyser = fresh_analyser(book, off)
        raw = [w for p in run.passes for s in p.heard for w in s.words]
        unfiltered = _cards(analyser.agent_words(raw) + analyser.finish(1e9)) if raw else set()
        for rule in unfiltered - whisper_cards(run, book, off):
            prevented["correct" if rule in run.reference else "false"] += 1
    print(f"    cards (gate off) the filter kept away: {dict(prevented) or 'none'}")


def main() -> None:
    """Transcribe what is missing, then score."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clips", type=int, default=400, help="random clips (at least 300)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--cache", type=Path, default=ROOT / "out" / "real_cards.jsonl")
    ap.add_argument("--whisper-only", action="store_true", help="fill the cache, score nothing")
    ap.add_argument("--cached-only", action="store_true", help="score the cached clips only")
    ap.add_argument(
        "--windows",
        type=parse_policy,
        help="the finals' encoder windows as buckets@margin, e.g. 10,20,30@1 (SHORT_WINDOWS), "
        "instead of the transcriber's own; give its own --cache",
    )
    ap.add_argument(
        "--whole",
        action="store_true",
        help="decode as analyze does by default (whole sides); cache out/real_cards_whole.jsonl",
    )
    args = ap.parse_args()
    if args.whole and args.cache == ap.get_default("cache"):
        args.cache = ROOT / "out" / "real_cards_whole.jsonl"
    if args.whole and args.windows:
        ap.error("--whole decodes in Whisper's own 30 s windows; drop --windows")
    sample, relevant = select(args.clips, args.seed)
    if not sample:
        print("fillets: not installed (apt-get install fillets-ng-data-nl fillets-ng-data)")
        return
    if args.cached_only:
        cached = (
            {item["clip"] for item in _whole_lines(args.cache)}
            if args.whole
            else load_cache(args.cache)
        )
        sample = [c for c in sample if clip_name(c) in cached]
        relevant = [c for c in relevant if clip_name(c) in cached]
    elif args.whole:
        transcribe_whole_missing(sample + relevant, args.cache)
    else:
        transcribe_missing(sample + relevant, args.cache, windows=args.windows)
    if args.whisper_only:
        return
    book = load_rules("nl")
    started = time.perf_counter()
    replay_clips = replay_whole if args.whole else replay
    runs = replay_clips(sample, args.cache, book)
    extra = replay_clips(relevant, args.cache, book)
    decoding = "each side whole (analyze's default)" if args.whole else "utterance by utterance"
    print(
        f"audio: real Dutch speech (fillets-ng-data-nl), Whisper base int8 beam 1, "
        f"decoded {decoding} (cached); "
        f"replayed {len(runs) + len(extra)} clips in {time.perf_counter() - started:.0f} s; "
        f"cache misses {sum(r.misses for r in runs + extra)}"
    )
    default = RulesConfig()
    mismatch = sum(r.engine_cards != whisper_cards(r, book, OFF) for r in runs + extra)
    print(
        f"check: engine cards == sweep cards (gate off) on {len(runs + extra) - mismatch}/"
        f"{len(runs + extra)} clips"
    )
    print(f"random sample: {len(runs)} clips (seed {args.seed}); rule-relevant set: {len(extra)}")
    print()
    if args.whole:
        print("hallucination filter: inside the whole-side decoding (per segment), not cached")
    else:
        hallucinations(runs + extra, book)
    print()
    dev = [r for r in runs + extra if r.part == "dev"]
    mistakes(dev, book, OFF, "dev, gate off")
    print()
    chosen = choose(dev, book)
    print(
        f"chosen on dev: {chosen.word_probability_basis} word probability >= "
        f"{chosen.min_word_probability:.1f}, neighbours {chosen.single_word_neighbours}, "
        f"grammar {'on' if chosen.single_word_agreement else 'off'} "
        f"(packaged default: {default.word_probability_basis} >= "
        f"{default.min_word_probability:.1f}, neighbours {default.single_word_neighbours}, "
        f"grammar {'on' if default.single_word_agreement else 'off'})"
    )
    print()
    for title, group in (("random sample", runs), ("rule-relevant set", extra)):
        for part in ("dev", "test"):
            subset = [r for r in group if r.part == part]
            per_rule(
                f"{title}, {part}, gate off",
                score(subset, book, OFF),
            )
            per_rule(f"{title}, {part}, chosen gate", score(subset, book, chosen))
    test = [r for r in runs + extra if r.part == "test"]
    per_rule("all test clips, gate off", score(test, book, OFF))
    per_rule("all test clips, chosen gate", score(test, book, chosen))
    if chosen != default:  # what the product raises: the gate it ships with
        per_rule("all dev clips, packaged default gate", score(dev, book, default))
        per_rule("all test clips, packaged default gate", score(test, book, default))
    no_grammar = replace(chosen, single_word_agreement=False)
    per_rule("all test clips, chosen gate without grammar", score(test, book, no_grammar))
    print()
    mistakes(test, book, chosen, "test, chosen gate")


if __name__ == "__main__":
    main()
