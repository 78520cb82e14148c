"""The engine with the real Whisper base model on real files.

espeak-ng's robotic Dutch is far from Whisper's training data (measured WER
58-88 %), and which words base makes of it changes with the CPU's kernels
(CTranslate2 picks MKL or its own int8 GEMM per CPU vendor and instruction set,
MEASURED.md). So on synthetic calls these tests check what holds for any
sensible transcript: words land on the right channel at the right time, most
turns are heard, time never runs backwards, live and replay agree. Accuracy is
judged on real human Dutch speech (Debian's fillets-ng-data-nl), with a bound
measured under every kernel choice (scripts/kernel_matrix.sh).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber
from belcoach.audio.events import SpeechRegion, SpeechStarted, Transcript
from belcoach.demo import demo_call_path, demo_truth_path
from support.calls import CallRun, clips_call, run_file
from support.fillets import fillets_clips, require_fillets
from support.synth import CallTruth, Turn, espeak_binary, synthesize_call
from support.wer import word_error_rate

pytestmark = pytest.mark.whisper

CHANNELS = ("agent", "customer")

FILLETS_WER_BOUND = 0.70
"""WER bound of base int8, beam 1, on this fillets 24-clip sample of real Dutch speech.

Measured on an AMD EPYC under each kernel choice (scripts/kernel_matrix.sh's, and the
default): no MKL 61.1 % (AVX2 and AVX-512 alike), MKL + AVX2 58.9 %, MKL + AVX-512
60.0 %. The bound leaves 9 points over the worst for other CPUs and thread timing; a
broken decode (wrong language, garbage, lost channel) lands far above it."""

MOST_TURNS = 0.5
"""Share of a synthetic call's turns that must get words: base drops a short espeak turn
now and then (which one depends on the kernels); a broken channel or cut loses them all."""


@pytest.fixture(scope="module")
def dutch(base_model) -> WhisperTranscriber:
    return WhisperTranscriber(base_model, DecodeOptions(language="nl"))


def _check_words_inside_turns(run: CallRun, truth: CallTruth, slack: float = 0.35) -> None:
    """Every committed word sits inside a turn of its own channel; most turns got words."""
    heard = {i: 0 for i in range(len(truth.turns))}
    for event in run.finals:
        for word in event.words:
            mid = (word.start + word.end) / 2
            inside = [
                i
                for i, turn in enumerate(truth.turns)
                if turn.channel == event.channel and turn.start - slack <= mid <= turn.end + slack
            ]
            assert inside, f"{event.channel} word {word.text!r} at {mid:.2f} s is in no turn"
            heard[inside[0]] += 1
    silent = [truth.turns[i].text for i, n in heard.items() if n == 0]
    assert len(silent) <= (1 - MOST_TURNS) * len(truth.turns), f"turns without words: {silent}"
    assert {e.channel for e in run.finals} == set(CHANNELS)


def _check_never_back_in_time(run: CallRun) -> None:
    for channel in CHANNELS:
        words = [w for e in run.finals if e.channel == channel for w in e.words]
        for a, b in itertools.pairwise(words):
            assert b.start >= a.start, f"{channel}: {b} starts before {a}"
        assert all(w.end >= w.start for w in words)


def test_demo_call(dutch: WhisperTranscriber) -> None:
    truth = CallTruth.load(demo_truth_path())
    run = run_file(dutch, demo_call_path())
    _check_words_inside_turns(run, truth)
    _check_never_back_in_time(run)
    # the VAD found each side's speech where the script put it
    for region in (e for e in run.events if isinstance(e, SpeechRegion)):
        assert any(
            t.channel == region.channel and t.start - 0.3 <= region.t <= t.end for t in truth.turns
        ), region
    types = [e.type for e in run.events]
    assert types[0] == "call_started" and types[-1] == "call_ended"


@pytest.fixture(scope="module")
def second_call(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CallTruth]:
    try:
        espeak_binary()
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"espeak-ng missing: {exc}")
    path = tmp_path_factory.mktemp("call") / "second.wav"
    turns = [
        Turn("customer", "Goedemorgen, ik bel over mijn bestelling van vorige week.", start=0.8),
        Turn("agent", "Goedemorgen. Mag ik uw ordernummer, alstublieft?"),
        Turn("customer", "Het nummer is vijf twee acht negen."),
        Turn("agent", "Dank u. Ik zie dat het pakket morgen wordt bezorgd.", gap=1.2),
        Turn("customer", "Heel fijn, dank u wel.", gap=0.8),
    ]
    truth = synthesize_call(turns, language="nl", out_audio=path)
    return path, truth


def test_another_generated_call_and_realtime_gives_the_same_words(
    dutch: WhisperTranscriber, second_call: tuple[Path, CallTruth]
) -> None:
    path, truth = second_call
    batch = run_file(dutch, path)
    _check_words_inside_turns(batch, truth)
    _check_never_back_in_time(batch)
    assert all(e.latency is None for e in batch.finals)

    # Nothing skipped for lateness: with slow CPU kernels (MKL on AMD) a paced run
    # can fall > 15 s behind, and this test is about the words, not the speed.
    live = run_file(dutch, path, realtime=True, max_transcript_lag=None)
    # live and replay commit the same words at the same times (publication
    # order may differ: the agent's channel goes first when both wait)
    assert sorted((e.channel, e.t, e.text) for e in live.finals) == sorted(
        (e.channel, e.t, e.text) for e in batch.finals
    )
    # Measured and positive (how long is a benchmark's matter: benchmarks/transcribe.py)
    latencies = [e.latency for e in live.finals]
    assert all(lat is not None and lat > 0 for lat in latencies), latencies


def test_silence_and_noise_yield_no_words(dutch: WhisperTranscriber, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 16000 * 20
    agent = np.zeros(n, np.float32)  # digital silence
    customer = (0.01 * rng.standard_normal(n)).astype(np.float32)  # line hiss, -40 dBFS
    customer[16000 * 8 : 16000 * 9] += (0.3 * rng.standard_normal(16000)).astype(np.float32)
    path = tmp_path / "quiet.flac"
    sf.write(path, np.stack([agent, customer], axis=1), 16000)
    run = run_file(dutch, path)
    assert not [e for e in run.events if isinstance(e, Transcript)]
    assert not [e for e in run.events if isinstance(e, SpeechStarted)]


def test_damaged_file_keeps_everything_before_the_damage(
    dutch: WhisperTranscriber, tmp_path: Path
) -> None:
    from belcoach.core.errors import AudioFileError

    good = demo_call_path().read_bytes()
    damaged = tmp_path / "damaged.flac"
    damaged.write_bytes(good[: len(good) // 3])
    events: list = []
    from belcoach.audio.engine.sources import open_call
    from belcoach.audio.jobs.run import run_call

    source = open_call(damaged)
    with pytest.raises(AudioFileError, match=r"damaged\.flac"):
        run_call(source, dutch, model_name="base", paced=False, subscribers=[events.append])
    finals = [e for e in events if isinstance(e, Transcript) and e.final]
    assert finals, "the words spoken before the damage were lost"
    assert events[-1].type == "call_ended" and events[-1].reason == "error"


@pytest.mark.slow
def test_real_dutch_speech_fixed_sample(dutch: WhisperTranscriber, tmp_path: Path) -> None:
    require_fillets()
    clips = fillets_clips(limit=24, seed=3)
    refs = clips_call(clips, tmp_path / "fillets.flac")
    run = run_file(dutch, tmp_path / "fillets.flac")
    _check_never_back_in_time(run)
    wer = word_error_rate([refs[ch] for ch in CHANNELS], [run.text(ch) for ch in CHANNELS], "nl")
    print(f"fillets 24-clip WER {wer:.1%}")
    assert wer <= FILLETS_WER_BOUND, f"WER {wer:.1%} on real Dutch speech"
