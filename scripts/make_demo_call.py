"""Write the embedded demo call: ``demo/demo_call_nl.flac`` and ``demo/demo_call_nl.json``.

The demo call is the default input of the overlay and the test bed of every
analyser, so it stages, on purpose and at known times, each thing belcoach
coaches on (from the seed texts in ``shared/seeds/``):

- stock phrases to drop (002): "welkom bij ...", "wat vervelend voor u",
  "fijne dag verder";
- what not to say (001's table): "Wacht ...", "Ik weet het niet", plus the
  table's alternative ("Bent u bereid om een minuut te wachten ...");
- a customer who is boos, then gefrustreerd, then neutraal and tevreden (000);
- the agent talking over the customer for 1.3 s (001, "Praat niet over klanten");
- one agent turn far too fast (230 wpm) against a calm 150 wpm elsewhere, with
  pauses between sentences (001, "Beheer uw spraakkwaliteit");
- the customer's name, a what/when/who summary and a promise (001, 002).

Each turn's ``tags`` say which of these it carries, so tests can check that an
analyser finds them where they are. The speech is synthetic (espeak-ng).

Usage::

    /work/venv/bin/python scripts/make_demo_call.py [--out-dir demo]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The call generator is test support (tests/support/synth.py), not product code.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from belcoach.core.errors import AppError
from support.synth import CallTruth, Turn, synthesize_call

DEMO_LANGUAGE = "nl"
DEMO_STEM = "demo_call_nl"
DEFAULT_OUT_DIR = Path(__file__).resolve().parent.parent / "demo"

CALM = 150
"""Calm agent and customer rate, wpm; close to Dutch conversational pace (MEASURED.md)."""

FAST = 230
"""The rushed turn: about 50 % above CALM, far past the ~10-15 % a listener notices."""

OVERTALK_SECONDS = 1.3
"""How long the agent talks over the customer: past the ~0.5-0.8 s of a backchannel."""

HOLD_SECONDS = 2.5
"""Silence while the agent 'looks it up': longer than any turn gap, below 5 s dead air."""

A, C = "agent", "customer"

DEMO_TURNS: tuple[Turn, ...] = (
    Turn(
        A,
        "Goedemiddag, welkom bij Helder Energie, u spreekt met Sanne.",
        gap=0.5,
        rate_wpm=CALM,
        tags=("greeting", "phrase:welkom-bij"),
    ),
    Turn(A, "Waarmee kan ik u helpen?", gap=0.5, rate_wpm=CALM),
    Turn(
        C,
        "Met Peter de Vries. Ik moet ineens 480 euro bijbetalen op mijn jaarafrekening.",
        gap=0.7,
        rate_wpm=CALM,
        tags=("emotion:gefrustreerd",),
    ),
    Turn(
        C,
        "Dat klopt gewoon niet. Ik ben hier echt boos over!",
        gap=0.4,
        rate_wpm=165,
        tags=("emotion:boos",),
    ),
    Turn(A, "Wat vervelend voor u.", gap=0.8, rate_wpm=CALM, tags=("phrase:wat-vervelend-voor-u",)),
    Turn(
        C,
        "Ik ben zo gefrustreerd. Ik heb al twee keer gebeld, "
        "en elke keer hoor ik een ander verhaal.",
        gap=0.5,
        rate_wpm=165,
        tags=("emotion:gefrustreerd",),
    ),
    Turn(
        A,
        "Wacht, wacht, ik kijk het even na.",
        gap=-OVERTALK_SECONDS,
        rate_wpm=CALM,
        tags=("overtalk", "phrase:wacht"),
    ),
    Turn(C, "Laat me nou even uitpraten!", gap=0.4, rate_wpm=170, tags=("emotion:boos",)),
    Turn(
        A,
        "Het spijt me, meneer De Vries. Gaat u verder.",
        gap=0.8,
        rate_wpm=CALM,
        tags=("name", "erkennen"),
    ),
    Turn(
        C,
        "Ik heb de meterstand zelf doorgegeven, en toch is hij veel te hoog.",
        gap=0.6,
        rate_wpm=CALM,
        tags=("emotion:gefrustreerd",),
    ),
    Turn(
        A,
        "Ja dat zie ik hier staan de meterstand is geschat omdat wij geen stand van u "
        "hebben ontvangen dus het systeem heeft een schatting gemaakt op basis van "
        "het verbruik van vorig jaar.",
        gap=0.6,
        rate_wpm=FAST,
        tags=("fast",),
    ),
    Turn(
        C,
        "Maar waarom is die schatting zo hoog?",
        gap=0.6,
        rate_wpm=CALM,
        tags=("emotion:gefrustreerd",),
    ),
    Turn(A, "Ik weet het niet.", gap=0.9, rate_wpm=CALM, tags=("phrase:ik-weet-het-niet",)),
    Turn(
        A,
        "Bent u bereid om een minuut te wachten? Ik zal mijn best doen om erachter te komen.",
        gap=0.7,
        rate_wpm=CALM,
        tags=("alternative:ik-weet-het-niet",),
    ),
    Turn(C, "Ja, goed.", gap=0.6, rate_wpm=CALM, tags=("emotion:neutraal",)),
    Turn(
        A,
        "Dank u voor het wachten, meneer De Vries. Uw meterstand is binnengekomen, "
        "maar niet verwerkt.",
        gap=HOLD_SECONDS,
        rate_wpm=CALM,
        tags=("name", "after-hold"),
    ),
    Turn(
        A,
        "Ik vat het samen. Ik stuur uw meterstand vandaag naar de afdeling facturatie. "
        "Zij maken deze week een nieuwe rekening.",
        gap=0.7,
        rate_wpm=CALM,
        tags=("summary",),
    ),
    Turn(A, "En ik bel u morgen terug.", gap=0.6, rate_wpm=CALM, tags=("summary", "promise")),
    Turn(C, "Fijn, dank u wel.", gap=0.6, rate_wpm=CALM, tags=("emotion:tevreden",)),
    Turn(
        A,
        "Graag gedaan. Fijne dag verder!",
        gap=0.6,
        rate_wpm=CALM,
        tags=("phrase:fijne-dag-verder",),
    ),
)


def make_demo_call(out_dir: Path = DEFAULT_OUT_DIR) -> CallTruth:
    """Render the demo call into ``out_dir`` and return its truth.

    Args:
        out_dir: Directory for ``demo_call_nl.flac`` and ``demo_call_nl.json``.

    Raises:
        EspeakMissingError: espeak-ng is not installed.
        AppError: The call could not be rendered or written.
    """
    return synthesize_call(
        DEMO_TURNS,
        language=DEMO_LANGUAGE,
        out_audio=out_dir / f"{DEMO_STEM}.flac",
        out_truth=out_dir / f"{DEMO_STEM}.json",
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: write the demo call and print its turns.

    Returns:
        0 on success, 1 when the call could not be made (message on stderr).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    try:
        truth = make_demo_call(args.out_dir)
    except AppError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for turn in truth.turns:
        tags = ",".join(turn.tags)
        print(f"{turn.start:6.2f}-{turn.end:6.2f} {turn.channel:8s} [{tags}] {turn.text}")
    print(f"{truth.duration:.2f} s, {truth.source} -> {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
