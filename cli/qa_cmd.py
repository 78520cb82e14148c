"""``belcoach qa CALL [--json]``: score one call on the QA card (Goed / Niet goed / N.v.t.).

CALL is a call folder, a call id (or the start of one) in the library, or an
``events.jsonl`` written by ``belcoach analyze --events``, as for ``belcoach
report``. The card is the packaged one for the call's language unless the
setting ``qa.card`` (or ``--card``) names another; see docs/qa.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from belcoach.cli.calls_cmd import add_library_option, library_plan, stored_call

if TYPE_CHECKING:
    from belcoach.audio.review.qa import Scorecard


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``qa`` command."""
    p = sub.add_parser(
        "qa",
        help="score a call on the QA card (Goed / Niet goed / N.v.t.) with evidence",
        description="Score one finished call on the QA scorecard. Each item is Goed, "
        "Niet goed or N.v.t., with the moment and the words or event it rests on; the score "
        "counts the items that apply.",
    )
    p.add_argument("call", help="call folder, call id, or events.jsonl")
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON")
    p.add_argument(
        "--card",
        type=Path,
        metavar="FILE",
        help="score with this card file (default: setting qa.card, else the packaged card)",
    )
    add_library_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach qa``."""
    from belcoach.audio.calls.access import record_opening
    from belcoach.audio.calls.loaded import load_call
    from belcoach.audio.review.qa import score_call
    from belcoach.cli.common import load_cli_settings
    from belcoach.wiring.qa import plan_qa_card

    settings = load_cli_settings()
    card = plan_qa_card(settings, card=args.card)
    plan = library_plan(args, settings)
    path = stored_call(args.call, plan)
    # the access log first: refused when it cannot be written
    record_opening(path, "qa", shared=plan.shared_root)
    call = load_call(path, redact=plan.privacy.redact)
    card_result = score_call(call, card_path=card)
    for problem in card_result.problems:
        print(f"belcoach: warning: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps(card_result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_scorecard(card_result, title=call.title))
    return 0


def format_scorecard(card: Scorecard, *, title: str = "") -> str:
    """The scorecard as plain text: one line per item, its evidence indented below."""
    from belcoach.audio.review.qa import Verdict
    from belcoach.core.clock import format_clock

    marks = {Verdict.GOED: "+", Verdict.NIET_GOED: "x", Verdict.NVT: "-"}
    width = max((len(i.label) for i in card.items), default=0)
    out = [f"{card.title}{' · ' + title if title else ''}: {card.score_text()}"]
    if card.score is not None:
        out[0] += f" ({card.score * 100:.0f} %)"
    for item in card.items:
        out.append(f"{marks[item.verdict]} {item.label:<{width}}  {item.title}")
        for e in item.evidence:
            when = f"{format_clock(e.t):>5}" if e.t is not None else "  —  "
            quote = f" “{e.quote}”" if e.quote else ""
            out.append(f"    {when}  {e.note}{quote}")
    return "\n".join(out)
