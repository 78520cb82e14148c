"""Generated customer turns where the voice and the words agree or disagree (espeak-ng).

espeak-ng takes a pitch (``-p``, 0-99, default 50), an amplitude (``-a``, 0-200, default
100) and a rate (``-s``, words per minute), which is enough to make a calm, an agitated, a
subdued and a tense voice from one speaker. Each scenario is: two calm, businesslike turns
(the caller's baseline, as at the start of a call), then one target turn whose true feeling
is known by construction. The words are given as the transcript (Whisper base misreads
most espeak Dutch, MEASURED.md), so these calls test the fusion, not transcription.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from support.synth import espeak_binary

PROSODY: dict[str, tuple[int, int, int]] = {
    # name: (pitch, amplitude, rate wpm)
    "calm": (45, 90, 155),
    "agitated": (78, 190, 195),
    "subdued": (28, 55, 125),
    "tense": (85, 95, 175),
}

BASELINE_TURNS = (
    "Goedemiddag, ik bel over mijn rekening van deze maand.",
    "Mijn klantnummer is vier vijf zes zeven acht.",
)


@dataclass(frozen=True)
class Scenario:
    """One generated target turn.

    Attributes:
        truth: the feeling it was made to express.
        text: the words.
        voice: a ``PROSODY`` name.
        agree: True when the words alone and the voice alone point the same way.
    """

    truth: str
    text: str
    voice: str
    agree: bool


SCENARIOS: tuple[Scenario, ...] = (
    # words and voice agree
    Scenario("boos", "Ik ben hier echt boos over, dit is belachelijk!", "agitated", True),
    Scenario("neutraal", "Ik wil graag mijn nieuwe adres doorgeven.", "calm", True),
    Scenario("tevreden", "Dank u wel, dat is fijn geregeld.", "calm", True),
    Scenario("gefrustreerd", "Ik heb nu al drie keer gebeld over hetzelfde.", "calm", True),
    Scenario("angstig", "Ik ben bang dat ik straks afgesloten word.", "tense", True),
    Scenario("verongelijkt", "Dat is niet eerlijk, ik betaal altijd netjes.", "subdued", True),
    # words and voice disagree: only one side tells the whole story
    Scenario("boos", "Dit klopt gewoon niet, dat wil ik nu opgelost hebben.", "agitated", False),
    Scenario("boos", "Dit is echt niet goed zo.", "agitated", False),
    Scenario("verongelijkt", "Dit klopt gewoon niet, ik snap niet waarom.", "subdued", False),
    Scenario("verongelijkt", "Nou, dat is ook niet goed.", "subdued", False),
    Scenario("tevreden", "Dank u wel, dat is fijn geregeld!", "agitated", False),
    Scenario("tevreden", "Super, dat is geweldig!", "tense", False),
    Scenario("neutraal", "Ik wil graag weten wanneer de monteur komt.", "agitated", False),
    Scenario("angstig", "Wat betekent dat nu voor mijn aansluiting?", "tense", False),
)


def render(text: str, voice: str, *, language: str = "nl", variant: str = "m3") -> np.ndarray:
    """Speak ``text`` with a ``PROSODY`` voice; return 16 kHz float32 mono, padding trimmed."""
    pitch, amplitude, rate = PROSODY[voice]
    with tempfile.TemporaryDirectory(prefix="belcoach-emo-") as tmp:
        wav = Path(tmp) / "t.wav"
        subprocess.run(
            [
                espeak_binary(),
                "-v",
                f"{language}+{variant}",
                "-p",
                str(pitch),
                "-a",
                str(amplitude),
                "-s",
                str(rate),
                "-w",
                str(wav),
                "--stdin",
            ],
            input=text,
            text=True,
            check=True,
            capture_output=True,
        )
        y, sr = sf.read(wav, dtype="float32")
    y = soxr.resample(y, sr, 16000).astype(np.float32) * np.float32(0.5)
    loud = np.flatnonzero(np.abs(y) > 10 ** (-50 / 20))
    return y[loud[0] : loud[-1] + 1] if loud.size else y
