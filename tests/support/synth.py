"""Synthetic two-channel phone calls made with espeak-ng, with exact ground truth.

Timing, channel routing, over-talk and speaking-rate analysers need calls whose
every turn is known to the sample. Recording people cannot give that; espeak-ng
can: it is deterministic, installs from Debian, speaks Dutch and Swedish, and
takes a speaking rate in words per minute. Its robotic voice is far from real
speech (Whisper base gets 58-81 % WER on it, see MEASURED.md), so use these
calls for timing and plumbing, not to judge transcription quality.

A call script is a list of `Turn` objects. `synthesize_call` renders each turn
with espeak-ng, trims espeak's own leading and trailing silence (so the truth
times are the speech, not the padding), resamples to 16 kHz with soxr and places
it on its channel: left = agent, right = customer, the layout of a recorded call.
The ground truth (`CallTruth`) is written as JSON next to the audio.

espeak-ng is only needed to *make* calls; reading them back needs nothing but
soundfile, so committed demo files work on machines without espeak-ng.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import soundfile as sf
import soxr

from belcoach.core.errors import AudioFileError, ConfigError

SAMPLE_RATE = 16_000
"""The engine's rate; synthetic calls are written at it so no reader has to resample."""

CHANNELS: tuple[str, str] = ("agent", "customer")
"""File channel order: index 0 (left) is the agent, index 1 (right) the customer."""

Channel = Literal["agent", "customer"]

DEFAULT_VARIANTS: dict[str, str] = {"agent": "f3", "customer": "m3"}
"""espeak-ng voice variants per channel, so the two sides sound like two people.

Checked with ``ls <espeak-ng-data>/voices/!v``: ``f3`` and ``m3`` exist in
espeak-ng 1.51 (Debian 12) and differ clearly in pitch.
"""

SILENCE_THRESHOLD = 10 ** (-50 / 20)
"""|sample| above -50 dBFS counts as speech when trimming espeak's padding.

espeak writes digital silence around the speech; after resampling only filter
ringing far below -50 dBFS is left there, while speech onsets (even fricatives)
rise above it within a few milliseconds.
"""

GAIN = 10 ** (-3 / 20)
"""-3 dB on espeak's output: some voices peak at full scale, and resampling overshoots.

Without it the odd sample clips in the 16-bit file; real phone audio rarely peaks
that high anyway.
"""

TAIL_SECONDS = 0.5
"""Silence after the last turn, so the file does not end in the middle of a word."""

INSTALL_HINT = "espeak-ng is not installed: apt-get install espeak-ng"


class EspeakMissingError(ConfigError):
    """espeak-ng is not on PATH.

    A ConfigError because the machine's set-up is what is wrong, not a file;
    tests and benchmarks catch this class to skip rather than fail.
    """


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one side of the call.

    Attributes:
        channel: Who speaks: ``"agent"`` (left channel) or ``"customer"`` (right).
        text: What is said; espeak-ng reads punctuation as pauses and intonation.
        start: Absolute start in seconds on the call clock, or None to start
            ``gap`` seconds after the previous turn in the script ends.
        gap: Seconds after the previous turn's end when ``start`` is None. A
            negative gap makes this turn overlap the previous one (over-talk).
        rate_wpm: espeak-ng speaking rate (``-s``), words per minute.
        voice: Full espeak-ng voice (e.g. ``"nl+m3"``); None picks the channel's
            default variant for the call's language.
        tags: Labels carried into the truth JSON for analysers' tests, e.g.
            ``("fast",)``, ``("overtalk",)``, ``("phrase:ik-weet-het-niet",)``.
    """

    channel: Channel
    text: str
    start: float | None = None
    gap: float = 0.6
    rate_wpm: int = 160
    voice: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TurnTruth:
    """Where one turn's speech actually sits in the rendered file.

    Attributes:
        channel: ``"agent"`` or ``"customer"``.
        text: The text espeak-ng spoke.
        start: First speech sample, seconds from the start of the file.
        end: Just after the last speech sample, seconds.
        rate_wpm: The rate espeak-ng was asked for.
        tags: The turn's labels (see `Turn.tags`).
    """

    channel: str
    text: str
    start: float
    end: float
    rate_wpm: int
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object for this turn; ``tags`` only when there are any."""
        out: dict[str, Any] = {
            "channel": self.channel,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "rate_wpm": self.rate_wpm,
        }
        if self.tags:
            out["tags"] = list(self.tags)
        return out


@dataclass(frozen=True)
class CallTruth:
    """Ground truth for a synthetic call: what was said, by whom, exactly when.

    Attributes:
        language: espeak-ng language code of the speech (``"nl"``, ``"sv"``, ...).
        duration: Length of the audio file in seconds.
        turns: Turns in script order (not necessarily sorted by start).
        source: The generator and its version, e.g. ``"espeak-ng 1.51"``.
        sample_rate: Sample rate of the audio file.
        channels: Channel names in file order.
    """

    language: str
    duration: float
    turns: tuple[TurnTruth, ...]
    source: str
    sample_rate: int = SAMPLE_RATE
    channels: tuple[str, ...] = field(default=CHANNELS)

    def to_json(self) -> dict[str, Any]:
        """Return the truth as a JSON-ready dict."""
        return {
            "language": self.language,
            "duration": self.duration,
            "sample_rate": self.sample_rate,
            "channels": list(self.channels),
            "source": self.source,
            "turns": [t.to_json() for t in self.turns],
        }

    def write(self, path: Path) -> None:
        """Write the truth as indented UTF-8 JSON (diff-friendly when committed)."""
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CallTruth:
        """Read a truth file written by `write`.

        Raises:
            AudioFileError: The file is missing or is not a call truth JSON.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            turns = tuple(
                TurnTruth(
                    channel=t["channel"],
                    text=t["text"],
                    start=float(t["start"]),
                    end=float(t["end"]),
                    rate_wpm=int(t["rate_wpm"]),
                    tags=tuple(t.get("tags", ())),
                )
                for t in data["turns"]
            )
            return cls(
                language=data["language"],
                duration=float(data["duration"]),
                turns=turns,
                source=data["source"],
                sample_rate=int(data.get("sample_rate", SAMPLE_RATE)),
                channels=tuple(data.get("channels", CHANNELS)),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AudioFileError(f"{path}: not a readable call truth file ({exc})") from exc


def espeak_binary() -> str:
    """Return the path of espeak-ng.

    Raises:
        EspeakMissingError: espeak-ng is not on PATH.
    """
    found = shutil.which("espeak-ng")
    if found is None:
        raise EspeakMissingError(INSTALL_HINT)
    return found


def _version_line() -> str:
    """Return espeak-ng's ``--version`` line.

    It looks like ``eSpeak NG text-to-speech: 1.51  Data at: /usr/...``.
    """
    done = subprocess.run(
        [espeak_binary(), "--version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def espeak_version() -> str:
    """Return ``"espeak-ng <version>"`` for the truth's ``source`` field.

    Recorded because another espeak-ng release renders the same script with other
    timings; the version explains a mismatch with a committed demo file.
    """
    line = _version_line()
    try:
        version = line.split(":", 1)[1].split()[0]
    except IndexError:
        version = "unknown"
    return f"espeak-ng {version}"


def _variants_dir() -> Path | None:
    """The ``voices/!v`` directory of espeak-ng's data, if ``--version`` names it."""
    line = _version_line()
    marker = "Data at:"
    if marker not in line:
        return None
    return Path(line.split(marker, 1)[1].strip()) / "voices" / "!v"


def _check_variant(voice: str, variants: Path | None) -> None:
    """Refuse an unknown ``+variant``.

    espeak-ng silently falls back to the plain voice for an unknown variant, which
    would make both channels sound alike without anyone noticing.
    """
    if "+" not in voice or variants is None:
        return
    variant = voice.split("+", 1)[1]
    if not (variants / variant).is_file():
        raise ConfigError(f"espeak-ng voice variant {variant!r} (in {voice!r}) not in {variants}")


def _render(text: str, voice: str, rate_wpm: int, workdir: Path) -> np.ndarray:
    """Speak ``text`` with espeak-ng and return trimmed 16 kHz float32 mono samples.

    The text goes in on stdin, not argv, so a turn that starts with ``-`` is not
    taken for an option.
    """
    wav = workdir / "turn.wav"
    done = subprocess.run(
        [espeak_binary(), "-v", voice, "-s", str(rate_wpm), "-b", "1", "-w", str(wav), "--stdin"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not wav.is_file():
        reason = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
        raise ConfigError(f"espeak-ng failed for voice {voice!r}: {reason}")
    samples, rate = sf.read(wav, dtype="float32", always_2d=False)
    wav.unlink()
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    if rate != SAMPLE_RATE:
        samples = soxr.resample(samples, rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return _trim(samples * np.float32(GAIN))


def _trim(samples: np.ndarray) -> np.ndarray:
    """Cut the silence espeak-ng puts before and after the speech."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


def _layout(turns: Sequence[Turn], lengths: Sequence[int]) -> list[tuple[int, int]]:
    """Place each turn: (start sample, end sample) in script order.

    Raises:
        ConfigError: A turn would start before 0 or overlap a turn on its own
            channel; one voice cannot say two things at once, so that is a script
            mistake, not over-talk.
    """
    spans: list[tuple[int, int]] = []
    previous_end = 0
    for index, (turn, length) in enumerate(zip(turns, lengths, strict=True)):
        start_s = turn.start if turn.start is not None else previous_end / SAMPLE_RATE + turn.gap
        if start_s < 0:
            raise ConfigError(f"turn {index} ({turn.text[:30]!r}) would start at {start_s:.2f} s")
        start = round(start_s * SAMPLE_RATE)
        end = start + length
        for other, (o_start, o_end) in enumerate(spans):
            if turns[other].channel == turn.channel and start < o_end and o_start < end:
                raise ConfigError(
                    f"turn {index} ({turn.text[:30]!r}) overlaps turn {other} "
                    f"on the {turn.channel} channel"
                )
        spans.append((start, end))
        previous_end = end
    return spans


def synthesize_call(
    turns: Sequence[Turn],
    *,
    language: str = "nl",
    out_audio: Path,
    out_truth: Path | None = None,
    noise_dbfs: float | None = None,
    seed: int = 0,
) -> CallTruth:
    """Render a call script to a stereo 16 kHz file (left agent, right customer).

    Args:
        turns: The script, in speaking order; see `Turn` for timing rules.
        language: espeak-ng language used for turns without an explicit voice.
        out_audio: Where to write the audio; ``.flac`` or ``.wav`` (16-bit PCM).
        out_truth: Where to write the truth JSON, or None to skip it.
        noise_dbfs: Level of white line noise added to both channels, or None
            for digital silence between turns. Seeded, so still deterministic;
            off by default because noise makes FLAC files several times larger.
        seed: Seed of the noise generator.

    Returns:
        The truth: exact speech start/end of each turn and the file's duration.

    Raises:
        EspeakMissingError: espeak-ng is not installed.
        ConfigError: The script is invalid (empty, unknown channel or voice,
            overlapping turns on one channel, a turn that produces no sound).
        AudioFileError: The output file cannot be written.
    """
    if not turns:
        raise ConfigError("a call script needs at least one turn")
    suffix = out_audio.suffix.lower()
    if suffix not in (".flac", ".wav"):
        raise ConfigError(f"{out_audio}: write .flac or .wav, not {suffix or 'no suffix'}")
    for turn in turns:
        if turn.channel not in CHANNELS:
            raise ConfigError(f"turn channel must be agent or customer, not {turn.channel!r}")
    espeak_binary()
    variants = _variants_dir()

    rendered: list[np.ndarray] = []
    with tempfile.TemporaryDirectory(prefix="belcoach-synth-") as tmp:
        for index, turn in enumerate(turns):
            voice = turn.voice or f"{language}+{DEFAULT_VARIANTS[turn.channel]}"
            _check_variant(voice, variants)
            samples = _render(turn.text, voice, turn.rate_wpm, Path(tmp))
            if samples.size == 0:
                raise ConfigError(f"turn {index} ({turn.text[:30]!r}) produced no sound")
            rendered.append(samples)

    spans = _layout(turns, [len(s) for s in rendered])
    total = max(end for _, end in spans) + round(TAIL_SECONDS * SAMPLE_RATE)
    audio = np.zeros((total, len(CHANNELS)), dtype=np.float32)
    for turn, samples, (start, end) in zip(turns, rendered, spans, strict=True):
        audio[start:end, CHANNELS.index(turn.channel)] = samples
    if noise_dbfs is not None:
        rng = np.random.default_rng(seed)
        audio += (10 ** (noise_dbfs / 20) * rng.standard_normal(audio.shape)).astype(np.float32)
    np.clip(audio, -1.0, 1.0, out=audio)

    try:
        out_audio.parent.mkdir(parents=True, exist_ok=True)
        sf.write(out_audio, audio, SAMPLE_RATE, subtype="PCM_16")
    except (OSError, RuntimeError) as exc:
        raise AudioFileError(f"{out_audio}: cannot write ({exc})") from exc

    truth = CallTruth(
        language=language,
        duration=total / SAMPLE_RATE,
        turns=tuple(
            TurnTruth(
                channel=turn.channel,
                text=turn.text,
                start=start / SAMPLE_RATE,
                end=end / SAMPLE_RATE,
                rate_wpm=turn.rate_wpm,
                tags=turn.tags,
            )
            for turn, (start, end) in zip(turns, spans, strict=True)
        ),
        source=espeak_version(),
    )
    if out_truth is not None:
        truth.write(out_truth)
    return truth
